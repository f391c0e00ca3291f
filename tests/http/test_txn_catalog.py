"""`/v1/txn` Node, Service and Check verbs over every node of the catalog (reference kv-sessions-txn.md §3.6;
agent/consul/state/txn.go txnNode, txnService, txnCheck; agent/consul/txn_endpoint.go preCheck). Texts and
shapes Consul 1.8.7 has are in tests/verified/test_txn_catalog.py."""

from tests.verified.helpers import txn_check as _check
from tests.verified.helpers import txn_node as _node
from tests.verified.helpers import txn_service as _svc


async def _txn(client, *ops, status=200):
    r = await client.put("/v1/txn", json=list(ops))
    body = await r.json()
    assert r.status == status, body
    return body["Results"] if status == 200 else [(e["OpIndex"], e["What"]) for e in body["Errors"]]


async def _catalog(client, path):
    r = await client.get(path)
    return r.status, await r.json() if r.status == 200 else None


async def test_a_node_with_a_service_and_a_check_at_one_index(client):
    results = await _txn(client, _node("set", Node="n1", Address="10.0.0.1", Meta={"env": "a"}),
                         _svc("set", "n1", Service="web", Port=80, Tags=["t"]),
                         _check("set", Node="n1", Name="alive", ServiceID="web", Status="passing"))
    node, svc, check = results[0]["Node"], results[1]["Service"], results[2]["Check"]
    assert (node["Node"], node["Address"], node["Meta"], node["Datacenter"]) == ("n1", "10.0.0.1", {"env": "a"}, "dc1")
    assert (svc["ID"], svc["Port"]) == ("web", 80)  # the ID defaults to the name (servicePreApply)
    # the check's ID defaults to its name; its service's name and tags are copied in
    assert (check["CheckID"], check["ServiceName"], check["ServiceTags"]) == ("alive", "web", ["t"])
    assert node["ModifyIndex"] == svc["ModifyIndex"] == check["ModifyIndex"]
    _, entries = await _catalog(client, "/v1/health/service/web")
    assert [(e["Node"]["Node"], [c["CheckID"] for c in e["Checks"]]) for e in entries] == [("n1", ["alive"])]


async def test_get_cas_and_delete_cas(client):
    [r] = await _txn(client, _node("set", Node="n1", Address="10.0.0.1"))
    index = r["Node"]["ModifyIndex"]
    await _txn(client, _svc("set", "n1", Service="web"), _check("set", Node="n1", CheckID="c"))
    assert await _txn(client, _node("cas", Node="n1", Address="10.0.0.2", ModifyIndex=index + 100),
                      _node("cas", Node="nx", Address="1.1.1.1", ModifyIndex=5),
                      _svc("cas", "n1", Service="web"),
                      _check("cas", Node="n1", CheckID="c"), status=409) == [
        (0, 'failed to set node "n1", index is stale'), (1, 'failed to set node "nx", index is stale'),
        (2, 'failed to set service "web" on node "n1", index is stale'),
        (3, 'failed to set check "c" on node "n1", index is stale')]
    [r] = await _txn(client, _node("cas", Node="n1", Address="10.0.0.2", ModifyIndex=index))
    assert r["Node"]["Address"] == "10.0.0.2" and r["Node"]["ModifyIndex"] > index
    # delete-cas: a missing object is stale too (deleteNodeCASTxn, deleteServiceCASTxn, deleteCheckCASTxn)
    assert await _txn(client, _node("delete-cas", Node="nx"), _svc("delete-cas", "n1", Service="zz"),
                      _check("delete-cas", Node="n1", CheckID="zz"), status=409) == [
        (0, 'failed to delete node "nx", index is stale'),
        (1, 'failed to delete service "zz" on node "n1", index is stale'),
        (2, 'failed to delete check "zz" on node "n1", index is stale')]
    [s, c] = await _txn(client, _svc("get", "n1", ID="web"), _check("get", Node="n1", CheckID="c"))
    assert await _txn(client, _svc("delete-cas", "n1", Service="web", ModifyIndex=s["Service"]["ModifyIndex"]),
                      _check("delete-cas", Node="n1", CheckID="c", ModifyIndex=c["Check"]["ModifyIndex"])) == []
    assert (await _catalog(client, "/v1/catalog/node/n1"))[1]["Services"] == {}


async def test_deleting_a_node_takes_its_services_checks_and_coordinates(client):
    await _txn(client, _node("set", Node="n1", Address="10.0.0.1"), _svc("set", "n1", Service="web"),
               _check("set", Node="n1", CheckID="c"))
    r = await client.put("/v1/coordinate/update", json={"Node": "n1", "Coord": {"Vec": [0.1] * 8, "Height": 0.1}})
    assert r.status == 200, await r.text()
    assert (await _catalog(client, "/v1/coordinate/node/n1"))[0] == 200
    assert await _txn(client, _node("delete", Node="n1"), _node("delete", Node="never")) == []
    assert (await _catalog(client, "/v1/catalog/node/n1"))[1] is None
    assert (await _catalog(client, "/v1/catalog/service/web"))[1] == []
    assert (await _catalog(client, "/v1/health/node/n1"))[1] == []
    assert (await _catalog(client, "/v1/coordinate/node/n1"))[0] == 404
    assert "n1" not in [c["Node"] for c in (await _catalog(client, "/v1/coordinate/nodes"))[1]]


async def test_errors_roll_back_the_whole_transaction(client):
    errors = await _txn(client, _node("set", Node="n1", Address="10.0.0.1"),
                        _svc("set", "nx", Service="a"),
                        _check("set", Node="nx", CheckID="a"),
                        _check("set", Node="n1", CheckID="b", ServiceID="nosvc"),
                        _check("set", Node="n1"),
                        _node("get", Node="nx"),
                        _svc("get", "n1", ID="zz"),
                        _node("frob", Node="n1"), _svc("frob", "n1", Service="a"), _check("frob", Node="n1"),
                        status=409)
    assert errors == [(1, "Missing node registration"), (2, "Missing node registration"),
                      (3, "Missing service registration"),
                      (4, "failed inserting check: object missing primary index"),
                      (5, 'node "nx" doesn\'t exist'), (6, 'service "zz" on node "n1" doesn\'t exist'),
                      (7, 'unknown Node verb "frob"'), (8, 'unknown Service verb "frob"'),
                      (9, 'unknown Check verb "frob"')]
    assert (await _catalog(client, "/v1/catalog/node/n1"))[1] is None  # the node of op 0 was not written


async def test_pre_checks_answer_alone(client):
    """A node write's name and ID and a service write's service are checked before anything runs; their
    errors are then the only ones (txn_endpoint.go preCheck)."""
    errors = await _txn(client, _node("set", Address="1.2.3.4"), _node("delete", Node="n", ID="bad"),
                        _svc("delete", "n1", ID="web"), _node("get", Node="nx"), status=409)
    assert errors == [(0, "Must provide node"), (1, "Bad node ID: uuid string is wrong length"),
                      (2, "Must provide service name (Service.Service) when service ID is provided")]


async def test_a_node_found_by_its_id_and_renamed(client):
    node_id = "12345678-1234-1234-1234-123456789012"
    await _txn(client, _node("set", Node="old", ID=node_id, Address="10.0.0.1"), _svc("set", "old", Service="web"))
    [r] = await _txn(client, _node("get", Node="whatever", ID=node_id))
    assert r["Node"]["Node"] == "old"
    [r] = await _txn(client, _node("set", Node="new", ID=node_id, Address="10.0.0.1"))
    assert r["Node"]["Node"] == "new"
    assert (await _catalog(client, "/v1/catalog/node/old"))[1] is None  # the ID's old node went, with its service
    assert (await _catalog(client, "/v1/catalog/service/web"))[1] == []


async def test_the_agent_s_own_node(client, agent_of):
    """On the agent's node a txn writes as the catalog does: what the agent does not hold is added; the node's
    fields and the agent's own services and checks stay as the agent has them (test_catalog_nodes.py)."""
    me = agent_of(client).node.name
    assert (await client.put("/v1/agent/service/register", json={"Name": "mine", "Port": 1})).status == 200
    [n] = await _txn(client, _node("set", Node=me, Address="10.9.9.9"))
    assert n["Node"]["Address"] == "127.0.0.1"
    [ext, mine] = await _txn(client, _svc("set", me, Service="ext", Port=5), _svc("set", me, Service="mine", Port=2))
    assert (ext["Service"]["Port"], mine["Service"]["Port"]) == (5, 1)
    r = await client.put("/v1/agent/check/register", json={"Name": "own", "TTL": "30s", "Status": "passing"})
    assert r.status == 200
    [c] = await _txn(client, _check("set", Node=me, CheckID="own", Status="critical"))
    assert c["Check"]["Status"] == "passing"
    # the server's own serfHealth is no agent's: the write sticks (test_sessions.py: it invalidates sessions)
    [c] = await _txn(client, _check("set", Node=me, CheckID="serfHealth", Status="critical"))
    assert (c["Check"]["Status"], c["Check"]["Type"]) == ("critical", "")
    [c] = await _txn(client, _check("set", Node=me, CheckID="extra", ServiceID="mine", Status="passing"))
    assert c["Check"]["ServiceName"] == "mine"
    assert await _txn(client, _svc("delete", me, Service="mine"), _svc("delete", me, Service="ext")) == []
    assert "mine" in await (await client.get("/v1/agent/services")).json()
    [s] = await _txn(client, _svc("get", me, ID="mine"))
    assert s["Service"]["Port"] == 1
    assert (await _txn(client, _svc("get", me, ID="ext"), status=409))[0][1].startswith('service "ext"')
    assert await _txn(client, _node("delete", Node=me)) == []  # what the catalog wrote goes; the node stays
    _, checks = await _catalog(client, f"/v1/health/node/{me}")
    assert [c["CheckID"] for c in checks] == ["own", "serfHealth"]


async def test_blocked_readers_wake(client, blocked):
    r = await client.get("/v1/catalog/nodes")
    reader = await blocked(client, client.get(f"/v1/catalog/nodes?index={r.headers['X-Consul-Index']}&wait=5s"))
    await _txn(client, _node("set", Node="n1", Address="10.0.0.1"))
    assert "n1" in [n["Node"] for n in await (await reader).json()]


async def test_bad_objects_are_refused_whole(client):
    r = await client.put("/v1/txn", json=[_node("set", Node="n1", Address=5)])
    assert r.status == 400 and "Address of type string" in await r.text()
    r = await client.put("/v1/txn", json=[_svc("set", "n1", Service="a", Bogus=1)])
    assert (r.status, await r.text()) == (400, 'Failed to parse body: json: unknown field "Bogus"')
