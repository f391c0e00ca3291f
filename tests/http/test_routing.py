"""Routing as Consul's mux does it (reference agent-service-api.md §0) and consulite's own API."""

import asyncio

import pytest


@pytest.mark.parametrize("method, path, allow", [
    ("POST", "/v1/agent/service/register", "OPTIONS,PUT"),
    ("GET", "/v1/agent/service/register", "OPTIONS,PUT"),  # the exact route wins over the ID prefix
    ("GET", "/v1/agent/service/deregister/x", "OPTIONS,PUT"),
    ("PUT", "/v1/agent/services", "OPTIONS,GET"),
    ("POST", "/v1/partition/x", "OPTIONS,GET,PUT,DELETE"),
])
async def test_wrong_method_is_405_with_allow(client, method, path, allow):
    r = await client.request(method, path)
    assert (r.status, await r.text(), r.headers["Allow"]) == (405, f"method {method} not allowed", allow)


async def test_options_lists_methods(client):
    r = await client.options("/v1/agent/services")
    assert (r.status, r.headers["Allow"], await r.read()) == (200, "OPTIONS,GET", b"")


async def test_unknown_paths(client):
    r = await client.get("/v1/nothing")
    assert (r.status, await r.text()) == (404, "Invalid URL path: not a recognized HTTP API endpoint\n")
    r = await client.get("/elsewhere")
    assert (r.status, await r.text()) == (
        404, "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n")


@pytest.mark.parametrize("method, path", [("GET", "/v1/peering/p"),
                                          ("GET", "/v1/agent/connect/ca/roots"), ("GET", "/v1/operator/area")])
async def test_real_consul_paths_not_yet_implemented_are_501(client, method, path):
    r = await client.request(method, path)
    assert (r.status, await r.text()) == (501, f"consulite does not implement {method} {path} yet")


async def test_ids_with_slashes_and_escapes(client):
    await client.put("/v1/agent/service/register", json={"Name": "web", "ID": "a/b c"})
    r = await client.get("/v1/agent/service/a%2Fb%20c")
    assert r.status == 200 and (await r.json())["ID"] == "a/b c"


async def test_pretty_printing(client):
    r = await client.get("/v1/status/peers", params={"pretty": ""})
    assert await r.text() == '[\n    "127.0.0.1:8300"\n]\n'


async def test_every_response_carries_the_default_acl_policy(client):
    for path in ("/v1/status/leader", "/v1/nothing", "/v1/agent/service/x"):
        assert (await client.get(path)).headers["X-Consul-Default-Acl-Policy"] == "allow"


async def test_self_members_version(client):
    me = await (await client.get("/v1/agent/self")).json()
    assert set(me) == {"Config", "DebugConfig", "Coord", "Member", "Stats", "Meta", "xDS"}
    assert me["Config"]["NodeName"] == "node1" and me["Config"]["Server"] is True
    assert me["Config"]["Partition"] == "default" and me["Config"]["Version"].endswith("+ent")
    assert me["Stats"]["consul"]["leader_addr"] == await (await client.get("/v1/status/leader")).json()
    members = await (await client.get("/v1/agent/members")).json()
    assert members[0]["Name"] == "node1" and members[0]["Addr"] == "127.0.0.1" and members[0]["Status"] == 1
    r = await client.get("/v1/agent/members", params={"wan": "1", "segment": "alpha"})
    assert (r.status, await r.text()) == (400, "Cannot provide a segment with wan=true")


async def test_self_counts_the_agents_services_and_checks_in_every_partition(client):
    await client.put("/v1/partition", json={"Name": "finance"})
    await client.put("/v1/agent/service/register", json={"Name": "a", "Check": {"TTL": "10s"}})
    await client.put("/v1/agent/service/register", json={"Name": "b"}, params={"partition": "finance"})
    stats = (await (await client.get("/v1/agent/self")).json())["Stats"]["agent"]
    assert stats == {"check_monitors": "0", "check_ttls": "1", "checks": "1", "services": "2"}


async def test_consulite_health_and_reset(client):
    assert await (await client.get("/_consulite/health")).json() == {
        "Status": "ready", "Version": "0.1.0", "Edition": "enterprise", "Datacenter": "dc1", "BlockedQueries": 0}
    await client.put("/v1/partition", json={"Name": "finance"})
    await client.put("/v1/agent/service/register", json={"Name": "a"})
    await client.put("/v1/agent/service/register", json={"Name": "b"}, params={"partition": "finance"})
    assert (await client.put("/_consulite/reset", params={"partition": "finance"})).status == 200
    assert await (await client.get("/v1/agent/services", params={"partition": "finance"})).json() == {}
    assert list(await (await client.get("/v1/agent/services")).json()) == ["a"]
    assert (await client.put("/_consulite/reset")).status == 200
    assert await (await client.get("/v1/agent/services")).json() == {}
    assert (await client.get("/v1/partition/finance")).status == 404


@pytest.mark.parametrize("path, location", [
    ("/v1/health/service//web", "/v1/health/service/web"),
    ("/v1/config//web", "/v1/config/web"),
    ("/v1/agent/./services", "/v1/agent/services"),
    ("/v1/catalog//services?dc=dc1", "/v1/catalog/services?dc=dc1"),
    ("/v1/kv/a/../b", "/v1/kv/b"),
])
async def test_unclean_paths_redirect_to_the_clean_path(client, path, location):
    # Go's ServeMux answers a path that path.Clean would change with 301 to the cleaned path (net/http)
    # sent on a raw connection: aiohttp's client would clean the path itself
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head = (await reader.read()).split(b"\r\n\r\n")[0].decode().split("\r\n")
    writer.close()
    assert head[0] == "HTTP/1.1 301 Moved Permanently" and f"Location: {location}" in head


async def test_wan_members_are_named_node_dot_datacenter(client):
    # the WAN pool names servers <node>.<dc> (agent/agent_endpoint.go AgentMembers, serf WAN names)
    wan = await (await client.get("/v1/agent/members", params={"wan": "1"})).json()
    lan = await (await client.get("/v1/agent/members")).json()
    assert [m["Name"] for m in wan] == ["node1.dc1"] and [m["Name"] for m in lan] == ["node1"]
