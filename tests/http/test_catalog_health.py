"""Catalog and health views of the agent's node, `X-Consul-Index` and `?index=` blocking."""

import asyncio

import pytest


async def register(client, body):
    r = await client.put("/v1/agent/service/register", json=body)
    assert r.status == 200, await r.text()


async def test_catalog_lists_consul_and_registered_services(client):
    await register(client, {"Name": "web", "Tags": ["a", "b"], "Port": 80})
    await register(client, {"Name": "web", "ID": "web2", "Tags": ["b", "c"], "Port": 81})
    r = await client.get("/v1/catalog/services")
    assert await r.json() == {"consul": [], "web": ["a", "b", "c"]}
    assert int(r.headers["X-Consul-Index"]) > 0 and r.headers["X-Consul-Knownleader"] == "true"
    nodes = await (await client.get("/v1/catalog/service/web", params={"tag": "c"})).json()
    assert [n["ServiceID"] for n in nodes] == ["web2"]
    assert nodes[0]["Node"] == "node1" and nodes[0]["Address"] == "127.0.0.1" and nodes[0]["ServicePort"] == 81
    r = await client.get("/v1/catalog/service/web", params={"filter": "ServicePort == 80"})
    assert [n["ServiceID"] for n in await r.json()] == ["web"]


async def test_catalog_nodes_and_node(client):
    await register(client, {"Name": "web"})
    nodes = await (await client.get("/v1/catalog/nodes")).json()
    assert [n["Node"] for n in nodes] == ["node1"] and nodes[0]["Partition"] == "default"
    node = await (await client.get("/v1/catalog/node/node1")).json()
    assert set(node["Services"]) == {"consul", "web"}
    assert await (await client.get("/v1/catalog/node/other")).json() is None
    assert await (await client.get("/v1/catalog/datacenters")).json() == ["dc1"]


async def test_health_service_carries_serf_health_and_passing_filter(client):
    await register(client, {"Name": "web", "ID": "ok", "Check": {"TTL": "10s", "Status": "passing"}})
    await register(client, {"Name": "web", "ID": "bad", "Check": {"TTL": "10s"}})
    entries = await (await client.get("/v1/health/service/web")).json()
    assert {e["Service"]["ID"] for e in entries} == {"ok", "bad"}
    assert [c["CheckID"] for c in entries[0]["Checks"]] == ["serfHealth", "service:ok"]
    passing = await (await client.get("/v1/health/service/web", params={"passing": ""})).json()
    assert [e["Service"]["ID"] for e in passing] == ["ok"]
    r = await client.get("/v1/health/service/web", params={"passing": "maybe"})
    assert (r.status, await r.text()) == (400, "Invalid value for ?passing")
    checks = await (await client.get("/v1/health/checks/web")).json()
    assert sorted(c["CheckID"] for c in checks) == ["service:bad", "service:ok"]
    critical = await (await client.get("/v1/health/state/critical")).json()
    assert [c["CheckID"] for c in critical] == ["service:bad"]
    assert "serfHealth" in [c["CheckID"] for c in await (await client.get("/v1/health/state/any")).json()]


async def test_health_connect_lists_proxies_for_a_service(client):
    await register(client, {"Name": "web", "Port": 80, "Connect": {"SidecarService": {}}})
    entries = await (await client.get("/v1/health/connect/web")).json()
    assert [e["Service"]["ID"] for e in entries] == ["web-sidecar-proxy"]
    assert [n["ServiceID"] for n in await (await client.get("/v1/catalog/connect/web")).json()] == [
        "web-sidecar-proxy"]


async def test_blocking_query_returns_when_its_answer_changes_and_not_before(client, blocked, agent_of):
    await register(client, {"Name": "web"})
    r = await client.get("/v1/health/service/web")
    index = r.headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/health/service/web", params={"index": index, "wait": "30s"}))
    watches = agent_of(client).store.watches
    woken = watches.woken
    await register(client, {"Name": "other"})  # unrelated: the reader stays blocked
    assert watches.woken == woken and not task.done()
    await register(client, {"Name": "web", "Tags": ["new"]})
    r = await asyncio.wait_for(task, 10)
    assert int(r.headers["X-Consul-Index"]) > int(index)
    assert (await r.json())[0]["Service"]["Tags"] == ["new"]


async def test_a_registration_does_not_wake_a_blocked_nodes_query(client, blocked, agent_of):
    index = (await client.get("/v1/catalog/nodes")).headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/catalog/nodes", params={"index": index, "wait": "30s"}))
    watches = agent_of(client).store.watches
    woken = watches.woken
    await register(client, {"Name": "web"})  # Consul's nodes index does not move on a service write
    assert watches.woken == woken and not task.done()
    assert (await client.get("/v1/catalog/nodes")).headers["X-Consul-Index"] == index
    task.cancel()


async def test_an_unknown_service_answers_the_last_extinction_index(client, blocked, agent_of):
    await register(client, {"Name": "gone"})
    assert (await client.put("/v1/agent/service/deregister/gone")).status == 200
    extinct = (await client.get("/v1/catalog/services")).headers["X-Consul-Index"]
    await register(client, {"Name": "other"})
    for path in ("/v1/catalog/service/nope", "/v1/health/service/nope", "/v1/health/checks/nope"):
        assert (await client.get(path)).headers["X-Consul-Index"] == extinct
    # a blocked read of it wakes when another service loses its last instance (and answers that index)
    task = await blocked(client, client.get("/v1/catalog/service/nope", params={"index": extinct, "wait": "30s"}))
    assert (await client.put("/v1/agent/service/deregister/other")).status == 200
    r = await asyncio.wait_for(task, 10)
    assert int(r.headers["X-Consul-Index"]) > int(extinct)


async def test_blocking_query_times_out_with_the_same_index(client):
    r = await client.get("/v1/catalog/services")
    index = r.headers["X-Consul-Index"]
    r = await client.get("/v1/catalog/services", params={"index": index, "wait": "20ms"})
    assert r.status == 200 and r.headers["X-Consul-Index"] == index


async def test_other_datacenter_is_an_error(client):
    r = await client.get("/v1/catalog/services", params={"dc": "dc2"})
    assert (r.status, await r.text()) == (500, "No path to datacenter")


async def test_status_leader_and_peers(client):
    assert await (await client.get("/v1/status/leader")).json() == "127.0.0.1:8300"
    assert await (await client.get("/v1/status/peers")).json() == ["127.0.0.1:8300"]


async def test_consistency_modes(client):
    # config-entries-and-resolver.md §1.3, §1.5
    r = await client.get("/v1/catalog/services", params={"stale": "", "consistent": ""})
    assert (r.status, await r.text()) == (400, "Cannot specify ?stale with ?consistent, conflicting semantics.")
    r = await client.get("/v1/health/service/web", params={"stale": ""})
    assert r.headers["X-Consul-Effective-Consistency"] == "stale"
    r = await client.get("/v1/config/proxy-defaults", params={"consistent": ""})
    assert r.headers["X-Consul-Effective-Consistency"] == "consistent"


@pytest.mark.parametrize("path", ["/v1/catalog/services", "/v1/catalog/service/web", "/v1/catalog/nodes",
                                  "/v1/health/service/web"])
async def test_node_meta_filter(client, path):
    # ?node-meta=key:value (repeatable): only nodes whose Meta has every pair (structs.SatisfiesMetaFilters)
    await register(client, {"Name": "web"})
    matching = await (await client.get(path, params=[("node-meta", "consul-network-segment:")])).json()
    assert matching
    for pairs in ([("node-meta", "rack:r1")], [("node-meta", "consul-network-segment:"), ("node-meta", "a:b")]):
        r = await client.get(path, params=pairs)
        assert r.status == 200 and not await r.json() and "X-Consul-Index" in r.headers


@pytest.mark.parametrize("path", ["/v1/catalog/services", "/v1/catalog/service/web", "/v1/health/service/web",
                                  "/v1/health/checks/web"])
async def test_a_peer_that_does_not_exist_has_nothing(client, path):
    # ?peer=<name>: there are no peerings, so a named peer's view is empty (agent/catalog_endpoint.go)
    await register(client, {"Name": "web", "Check": {"TTL": "10s"}})
    assert await (await client.get(path)).json()
    r = await client.get(path, params={"peer": "elsewhere"})
    assert r.status == 200 and not await r.json()
