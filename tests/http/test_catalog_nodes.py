"""Other nodes in the catalog (`PUT /v1/catalog/register|deregister`, agent/consul/catalog_endpoint.go): the
agent's node beside them, blocking wake-ups, `?near=`, the agent's own node name, partitions, state and
snapshots. Shapes and texts Consul 1.8.7 has are in tests/verified/test_catalog_register.py."""

import asyncio

import pytest

from consulite.model.agent_config import AgentConfig


async def _put(client, path, body, status=200):
    r = await client.put(path, json=body)
    assert r.status == status, await r.text()
    return await r.json() if status == 200 else await r.text()


async def _get(client, path):
    r = await client.get(path)
    assert r.status == 200, await r.text()
    return await r.json(), int(r.headers["X-Consul-Index"])


async def _register(client, node, address="10.0.0.1", **extra):
    assert await _put(client, "/v1/catalog/register", {"Node": node, "Address": address, **extra}) is True


async def test_nodes_are_listed_by_name_with_the_agent_s(client, agent_of):
    me = agent_of(client).node.name
    for name in ("zeta", "alpha", "N2"):
        await _register(client, name)
    nodes, _ = await _get(client, "/v1/catalog/nodes")
    assert [n["Node"] for n in nodes] == sorted(["zeta", "alpha", "N2", me], key=str.lower)
    # node names compare case-insensitively, as Consul's node index does
    node, _ = await _get(client, "/v1/catalog/node/n2")
    assert node["Node"]["Node"] == "N2"


async def test_node_meta_and_filter_over_every_node(client):
    await _register(client, "a", NodeMeta={"env": "prod"})
    await _register(client, "b", NodeMeta={"env": "dev"})
    nodes, _ = await _get(client, "/v1/catalog/nodes?node-meta=env:prod")
    assert [n["Node"] for n in nodes] == ["a"]
    nodes, _ = await _get(client, '/v1/catalog/nodes?filter=Meta.env == "dev"')
    assert [n["Node"] for n in nodes] == ["b"]


async def test_a_blocked_read_wakes_when_a_node_its_services_or_checks_change(client, blocked):
    await _register(client, "n1")
    _, index = await _get(client, "/v1/catalog/node/n1")
    task = await blocked(client, client.get(f"/v1/catalog/node/n1?index={index}"))
    await _register(client, "n1", Service={"Service": "web"})
    r = await task
    assert int(r.headers["X-Consul-Index"]) > index and "web" in (await r.json())["Services"]
    _, index = await _get(client, "/v1/health/service/web")
    task = await blocked(client, client.get(f"/v1/health/service/web?index={index}"))
    await _register(client, "n1", Check={"Name": "node-alive", "Status": "passing"})  # a node check of its node
    entries = await (await task).json()
    assert [c["CheckID"] for c in entries[0]["Checks"]] == ["node-alive"]


async def test_an_unchanged_register_wakes_nobody(client, agent_of):
    body = {"Node": "n1", "Address": "10.0.0.1", "Service": {"Service": "web", "Port": 80}}
    await _put(client, "/v1/catalog/register", body)
    before = agent_of(client).index
    await _put(client, "/v1/catalog/register", body)
    assert agent_of(client).index == before


async def test_deleting_a_node_removes_its_services_and_checks(client):
    await _register(client, "n1", Service={"Service": "web"}, Checks=[{"Name": "c", "ServiceID": "web"},
                                                                      {"Name": "n"}])
    await _put(client, "/v1/catalog/deregister", {"Node": "n1"})
    assert (await _get(client, "/v1/catalog/service/web"))[0] == []
    assert (await _get(client, "/v1/health/state/any"))[0] == [c for c in (await _get(
        client, "/v1/health/state/any"))[0] if c["Node"] != "n1"]
    assert "web" not in (await _get(client, "/v1/catalog/services"))[0]
    assert (await _get(client, "/v1/catalog/node/n1"))[0] is None


async def test_passing_counts_the_node_checks(client):
    await _register(client, "n1", Service={"Service": "web"},
                    Checks=[{"Name": "up", "ServiceID": "web", "Status": "passing"}, {"Name": "node-down"}])
    await _register(client, "n2", Service={"Service": "web"}, Check={"Name": "up", "ServiceID": "web",
                                                                     "Status": "passing"})
    entries, _ = await _get(client, "/v1/health/service/web?passing")
    assert [e["Node"]["Node"] for e in entries] == ["n2"]
    entries, _ = await _get(client, "/v1/health/service/web")
    assert [[c["CheckID"] for c in e["Checks"]] for e in entries] == [["node-down", "up"], ["up"]]


async def test_near_sorts_by_coordinates(client):
    for name in ("far", "close", "none"):
        await _register(client, name, Service={"Service": "web"})
    for name, x in (("far", 0.5), ("close", 0.01)):
        r = await client.put("/v1/coordinate/update", json={
            "Node": name, "Coord": {"Vec": [x, 0, 0, 0, 0, 0, 0, 0], "Error": 0.1, "Adjustment": 0, "Height": 0}})
        assert r.status == 200, await r.text()
    nodes, _ = await _get(client, "/v1/catalog/nodes?near=_agent")
    names = [n["Node"] for n in nodes]
    assert names.index("close") < names.index("far") < names.index("none")
    entries, _ = await _get(client, "/v1/health/service/web?near=close")
    assert [e["Node"]["Node"] for e in entries] == ["close", "far", "none"]
    # a source without a coordinate leaves the order alone
    plain, _ = await _get(client, "/v1/catalog/service/web?near=none")
    assert [s["Node"] for s in plain] == ["close", "far", "none"]
    # a deleted node's coordinates go with it (deleteNodeTxn)
    await _put(client, "/v1/catalog/deregister", {"Node": "FAR"})
    coords, _ = await _get(client, "/v1/coordinate/nodes")
    assert "far" not in [c["Node"] for c in coords] and "close" in [c["Node"] for c in coords]


async def test_the_agent_s_own_node_name(client, agent_of):
    """A catalog write to the agent's node adds what the agent does not hold and leaves its own services and the
    node's fields as the agent has them (real Consul's anti-entropy restores them at its next sync)."""
    me = agent_of(client).node.name
    assert (await client.put("/v1/agent/service/register", json={"Name": "mine", "Port": 1})).status == 200
    await _put(client, "/v1/catalog/register", {"Node": me, "Address": "10.9.9.9", "Service": {"Service": "ext"}})
    await _put(client, "/v1/catalog/register", {"Node": me, "Address": "10.9.9.9",
                                                "Service": {"Service": "mine", "Port": 2}})
    node, _ = await _get(client, f"/v1/catalog/node/{me}")
    assert node["Node"]["Address"] == "127.0.0.1"
    assert node["Services"]["ext"]["Service"] == "ext" and node["Services"]["mine"]["Port"] == 1
    assert "ext" not in await (await client.get("/v1/agent/services")).json()
    [entry], _ = await _get(client, "/v1/catalog/service/ext")
    assert entry["Node"] == me and entry["Address"] == "127.0.0.1"
    # deregistering the node removes what the catalog wrote; the agent's node and services stay
    await _put(client, "/v1/catalog/deregister", {"Node": me})
    node, _ = await _get(client, f"/v1/catalog/node/{me}")
    assert "ext" not in node["Services"] and "mine" in node["Services"]


async def test_a_check_may_name_an_agent_service_on_the_agent_s_node(client, agent_of):
    me = agent_of(client).node.name
    assert (await client.put("/v1/agent/service/register", json={"Name": "mine"})).status == 200
    await _put(client, "/v1/catalog/register", {"Node": me, "SkipNodeUpdate": True,
                                                "Check": {"Name": "extra", "ServiceID": "mine", "Status": "passing"}})
    checks, _ = await _get(client, "/v1/health/checks/mine")
    assert [(c["CheckID"], c["ServiceName"]) for c in checks] == [("extra", "mine")]


async def test_a_node_id_moves_to_its_new_name(client):
    node_id = "12345678-1234-1234-1234-123456789012"
    await _register(client, "old", ID=node_id, Service={"Service": "web"})
    await _register(client, "new", ID=node_id)
    nodes, _ = await _get(client, "/v1/catalog/nodes")
    assert "old" not in [n["Node"] for n in nodes]
    node, _ = await _get(client, f"/v1/catalog/node/{node_id}")  # node lookups accept the ID
    assert node["Node"]["Node"] == "new"


async def test_another_datacenter_has_no_path(client):
    text = await _put(client, "/v1/catalog/register", {"Node": "n", "Address": "1.2.3.4", "Datacenter": "dc2"}, 500)
    assert text == "No path to datacenter"
    assert (await _get(client, "/v1/catalog/node/n"))[0] is None


async def test_nodes_live_in_a_partition(client):
    assert (await client.put("/v1/partition", json={"Name": "p1"})).status == 200
    await _put(client, "/v1/catalog/register?partition=p1", {"Node": "n1", "Address": "1.2.3.4",
                                                            "Service": {"Service": "web"}})
    nodes, _ = await _get(client, "/v1/catalog/nodes?partition=p1")
    assert [n["Node"] for n in nodes if n["Node"] == "n1"] == ["n1"] and nodes[0]["Partition"] == "p1"
    assert (await _get(client, "/v1/catalog/node/n1"))[0] is None  # not in the default partition
    assert (await client.delete("/v1/partition/p1")).status == 200
    await asyncio.sleep(0)
    assert "n1" not in [n["Node"] for n in (await _get(client, "/v1/catalog/nodes?partition=p1"))[0]]


@pytest.fixture
async def snapshot_pair(aiohttp_client, clock):
    from consulite.http.app import make_app

    return [await aiohttp_client(make_app(AgentConfig(), clock)) for _ in range(2)]


async def test_nodes_survive_a_state_document(snapshot_pair):
    source, dest = snapshot_pair
    await _register(source, "n1", NodeMeta={"k": "v"}, Service={"Service": "web"}, Check={"Name": "c"})
    doc = await (await source.get("/_consulite/state")).read()
    assert (await dest.put("/_consulite/state", data=doc)).status == 200
    for path in ("/v1/catalog/node/n1", "/v1/health/node/n1", "/v1/catalog/service/web"):
        assert (await _get(source, path))[0] == (await _get(dest, path))[0]


async def test_prepared_queries_answer_catalog_instances_with_their_own_node(client):
    # A query's Nodes are CheckServiceNodes, as /v1/health/service renders them (agent/prepared_query_endpoint.go)
    r = await client.put("/v1/catalog/register", json={"Node": "ext", "Address": "10.1.1.1",
                                                       "Service": {"Service": "db", "Port": 5432}})
    assert r.status == 200, await r.text()
    r = await client.post("/v1/query", json={"Name": "db-q", "Service": {"Service": "db"}})
    query_id = (await r.json())["ID"]
    answer = await (await client.get(f"/v1/query/{query_id}/execute")).json()
    assert [(n["Node"]["Node"], n["Node"]["Address"], n["Service"]["Port"]) for n in answer["Nodes"]] == [
        ("ext", "10.1.1.1", 5432)]
    health = await (await client.get("/v1/health/service/db")).json()
    assert answer["Nodes"] == health
