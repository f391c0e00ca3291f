"""Every implemented route enforces ACLs as Consul does (reference acl.md §4): one allowed and one denied
request per route, and a filtering test per list endpoint (X-Consul-Results-Filtered-By-ACLs)."""

from __future__ import annotations

import pytest

from tests.http.acl_helpers import H, token_with

FILTERED = "X-Consul-Results-Filtered-By-ACLs"
WEB_WRITE = 'service "web" { policy = "write" }\nnode_prefix "" { policy = "read" }'


def denied(accessor: str, perm: str, name: str | None = None) -> str:
    on = f' on "{name}"' if name is not None else ""
    return f"Permission denied: token with AccessorID '{accessor}' lacks permission '{perm}'{on}"  # acl.md §4.1


async def _setup(c):
    for name in ("web", "db"):
        r = await c.put("/v1/agent/service/register", json={"Name": name, "Port": 80,
                                                              "Check": {"TTL": "30s", "CheckID": f"{name}-ttl"}},
                        headers=H)
        assert r.status == 200
    r = await c.put("/v1/agent/check/register", json={"Name": "node-check", "TTL": "30s"}, headers=H)
    assert r.status == 200


async def test_unknown_token_is_acl_not_found(acl_client):
    for headers in ({"X-Consul-Token": "nope"}, {"Authorization": "Bearer nope"}):
        r = await acl_client.get("/v1/agent/services", headers=headers)
        assert (r.status, await r.text()) == (403, "ACL not found")
    r = await acl_client.get("/v1/agent/services?token=nope")
    assert (r.status, await r.text()) == (403, "ACL not found")


async def test_token_sources_query_first(acl_client):
    r = await acl_client.get(f"/v1/acl/token/self?token={H['X-Consul-Token']}", headers={"X-Consul-Token": "x"})
    assert r.status == 200  # ?token= wins (agent/http.go parseTokenInternal)
    r = await acl_client.get("/v1/acl/token/self", headers={"Authorization": f"Bearer {H['X-Consul-Token']}"})
    assert r.status == 200


async def test_anonymous_denial_text(acl_client):
    r = await acl_client.put("/v1/agent/service/register", json={"Name": "web"})
    assert (r.status, await r.text()) == (403, (
        "Permission denied: anonymous token lacks permission 'service:write' on \"web\". The anonymous token is "
        "used implicitly when a request does not specify a token."))


async def test_register_and_deregister(acl_client):
    t = await token_with(acl_client, WEB_WRITE)
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.put("/v1/agent/service/register", json={"Name": "web"}, headers=tok)).status == 200
    r = await acl_client.put("/v1/agent/service/register", json={"Name": "db"}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:write", "db"))
    r = await acl_client.put("/v1/agent/service/register", json={
        "Name": "web", "Connect": {"SidecarService": {}}}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:write", "web-sidecar-proxy"))
    r = await acl_client.put("/v1/agent/service/register", json={
        "Name": "p", "Kind": "connect-proxy", "Port": 21000, "Proxy": {"DestinationServiceName": "db"}},
        headers=tok)
    assert r.status == 403
    await acl_client.put("/v1/agent/service/register", json={"Name": "db"}, headers=H)
    r = await acl_client.put("/v1/agent/service/deregister/db", headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:write", "db"))
    r = await acl_client.put("/v1/agent/service/deregister/nope", headers=tok)
    assert r.status == 404  # existence before ACL
    assert (await acl_client.put("/v1/agent/service/deregister/web", headers=tok)).status == 200


async def test_agent_service_reads(acl_client):
    await _setup(acl_client)
    t = await token_with(acl_client, WEB_WRITE)
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.get("/v1/agent/service/web", headers=tok)).status == 200
    r = await acl_client.get("/v1/agent/service/db", headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:read", "db"))
    assert (await acl_client.get("/v1/agent/health/service/name/web", headers=tok)).status == 503  # critical
    assert (await acl_client.get("/v1/agent/health/service/name/db", headers=tok)).status == 403
    assert (await acl_client.get("/v1/agent/health/service/id/web", headers=tok)).status == 503
    assert (await acl_client.get("/v1/agent/health/service/id/db", headers=tok)).status == 403
    assert (await acl_client.put("/v1/agent/service/maintenance/web?enable=true", headers=tok)).status == 200
    assert (await acl_client.put("/v1/agent/service/maintenance/db?enable=true", headers=tok)).status == 403


async def test_agent_lists_are_filtered(acl_client):
    await _setup(acl_client)
    t = await token_with(acl_client, 'service "web" { policy = "read" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    r = await acl_client.get("/v1/agent/services", headers=tok)
    assert set(await r.json()) == {"web"} and r.headers[FILTERED] == "true"
    r = await acl_client.get("/v1/agent/checks", headers=tok)
    assert set(await r.json()) == {"web-ttl"} and r.headers[FILTERED] == "true"
    r = await acl_client.get("/v1/agent/members", headers=tok)
    assert await r.json() == [] and r.headers[FILTERED] == "true"
    r = await acl_client.get("/v1/agent/services", headers=H)
    assert set(await r.json()) == {"web", "db"} and FILTERED not in r.headers
    r = await acl_client.get("/v1/agent/services")  # anonymous: filtered, but not said (acl.md §4.2)
    assert await r.json() == {} and FILTERED not in r.headers


async def test_checks(acl_client):
    await _setup(acl_client)
    t = await token_with(acl_client, WEB_WRITE)
    tok = {"X-Consul-Token": t["SecretID"]}
    r = await acl_client.put("/v1/agent/check/register", json={"Name": "c", "TTL": "5s", "ServiceID": "web"},
                             headers=tok)
    assert r.status == 200
    r = await acl_client.put("/v1/agent/check/register", json={"Name": "c2", "TTL": "5s", "ServiceID": "db"},
                             headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:write", "db"))
    r = await acl_client.put("/v1/agent/check/register", json={"Name": "n", "TTL": "5s"}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "node:write", "node1"))
    for path in ("pass", "warn", "fail"):
        assert (await acl_client.put(f"/v1/agent/check/{path}/web-ttl", headers=tok)).status == 200
        assert (await acl_client.put(f"/v1/agent/check/{path}/db-ttl", headers=tok)).status == 403
    passing = {"Status": "passing"}
    assert (await acl_client.put("/v1/agent/check/update/web-ttl", json=passing, headers=tok)).status == 200
    assert (await acl_client.put("/v1/agent/check/update/db-ttl", json=passing, headers=tok)).status == 403
    assert (await acl_client.put("/v1/agent/check/deregister/node-check", headers=tok)).status == 403
    assert (await acl_client.put("/v1/agent/check/deregister/web-ttl", headers=tok)).status == 200


async def test_agent_node_routes(acl_client):
    reader = await token_with(acl_client, 'agent "node1" { policy = "read" }')
    writer = await token_with(acl_client, 'node "node1" { policy = "write" }')
    assert (await acl_client.get("/v1/agent/self", headers={"X-Consul-Token": reader["SecretID"]})).status == 200
    r = await acl_client.get("/v1/agent/self", headers={"X-Consul-Token": writer["SecretID"]})
    assert (r.status, await r.text()) == (403, denied(writer["AccessorID"], "agent:read", "node1"))
    r = await acl_client.put("/v1/agent/maintenance", headers={"X-Consul-Token": reader["SecretID"]})
    assert r.status == 400  # Missing value for enable comes first
    r = await acl_client.put("/v1/agent/maintenance?enable=true", headers={"X-Consul-Token": reader["SecretID"]})
    assert (r.status, await r.text()) == (403, denied(reader["AccessorID"], "node:write", "node1"))
    r = await acl_client.put("/v1/agent/maintenance?enable=false", headers={"X-Consul-Token": writer["SecretID"]})
    assert r.status == 200
    assert (await acl_client.get("/v1/agent/version")).status == 200  # no ACL


@pytest.mark.parametrize("path, key", [
    ("/v1/catalog/services", None), ("/v1/catalog/service/db", None), ("/v1/health/service/db", None),
    ("/v1/health/checks/db", None), ("/v1/health/state/any", None), ("/v1/health/node/node1", None),
    ("/v1/catalog/connect/db", None), ("/v1/health/connect/db", None),
])
async def test_catalog_and_health_lists_are_filtered(acl_client, path, key):
    await _setup(acl_client)
    t = await token_with(acl_client, 'service "web" { policy = "read" }\nnode_prefix "" { policy = "read" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    everything = await (await acl_client.get(path, headers=H)).json()
    r = await acl_client.get(path, headers=tok)
    body = await r.json()
    if "connect" in path:  # nothing to hide: no proxies
        assert body == [] and FILTERED not in r.headers
        return
    assert len(body) < len(everything) and r.headers[FILTERED] == "true"
    names = [c.get("ServiceName") for c in body] if path.startswith("/v1/health/") and "service/" not in path else []
    assert "db" not in names


async def test_catalog_nodes_need_node_read(acl_client):
    t = await token_with(acl_client, 'service_prefix "" { policy = "read" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    r = await acl_client.get("/v1/catalog/nodes", headers=tok)
    assert await r.json() == [] and r.headers[FILTERED] == "true"
    r = await acl_client.get("/v1/catalog/node/node1", headers=tok)
    assert await r.json() is None
    r = await acl_client.get("/v1/catalog/node-services/node1", headers=tok)
    assert not (await r.json())["Services"]
    assert len(await (await acl_client.get("/v1/catalog/nodes", headers=H)).json()) == 1


async def test_config_entries_per_kind(acl_client):
    t = await token_with(acl_client, WEB_WRITE)
    tok = {"X-Consul-Token": t["SecretID"]}
    r = await acl_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "web", "Protocol": "http"},
                             headers=tok)
    assert r.status == 200
    r = await acl_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "db"}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:write", "db"))
    r = await acl_client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global"}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "mesh:write"))
    r = await acl_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "db", "Protocol": "bogus-x"},
                             headers=tok)
    assert r.status == 403
    await acl_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "db"}, headers=H)
    assert (await acl_client.get("/v1/config/service-defaults/web", headers=tok)).status == 200
    r = await acl_client.get("/v1/config/service-defaults/db", headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:read", "db"))
    r = await acl_client.get("/v1/config/service-defaults", headers=tok)
    assert [e["Name"] for e in await r.json()] == ["web"] and r.headers[FILTERED] == "true"
    assert (await acl_client.delete("/v1/config/service-defaults/db", headers=tok)).status == 403
    assert (await acl_client.delete("/v1/config/service-defaults/web", headers=tok)).status == 200
    operator = await token_with(acl_client, 'operator = "write"')  # mesh falls back to operator (§3.3)
    r = await acl_client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global"},
                             headers={"X-Consul-Token": operator["SecretID"]})
    assert r.status == 200


@pytest.mark.parametrize("entry, other", [
    ({"Kind": "service-splitter", "Splits": [{"Weight": 50}, {"Weight": 50, "Service": "db"}]}, "db"),
    ({"Kind": "service-router", "Routes": [{"Destination": {"Service": "api"}}]}, "api"),
    ({"Kind": "service-resolver", "Redirect": {"Service": "old"}}, "old"),
    ({"Kind": "service-resolver", "Failover": {"*": {"Targets": [{"Service": "backup"}]}}}, "backup"),
])
async def test_discovery_chain_writes_need_read_on_the_services_they_send_to(acl_client, entry, other):
    # canWriteDiscoveryChain (agent/structs/config_entry_discoverychain.go): service:write on the entry's name
    # and service:read on every other service in ListRelatedServices; its own name needs nothing more.
    if entry["Kind"] != "service-resolver":  # routers and splitters need an L7 protocol
        await acl_client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global",
                                                 "Config": {"protocol": "http"}}, headers=H)
    body = {**entry, "Name": "web"}
    t = await token_with(acl_client, WEB_WRITE)
    r = await acl_client.put("/v1/config", json=body, headers={"X-Consul-Token": t["SecretID"]})
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:read", other))
    assert (await acl_client.get(f"/v1/config/{entry['Kind']}/web", headers=H)).status == 404  # nothing written
    t = await token_with(acl_client, WEB_WRITE + f'\nservice "{other}" {{ policy = "read" }}')
    r = await acl_client.put("/v1/config", json=body, headers={"X-Consul-Token": t["SecretID"]})
    assert r.status == 200, await r.text()


async def test_discovery_chain_and_partitions(acl_client):
    t = await token_with(acl_client, 'service "web" { policy = "read" }\noperator = "read"')
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.get("/v1/discovery-chain/web", headers=tok)).status == 200
    r = await acl_client.get("/v1/discovery-chain/db", headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "service:read", "db"))
    assert (await acl_client.get("/v1/partitions", headers=tok)).status == 200
    assert (await acl_client.get("/v1/partition/default", headers=tok)).status == 200
    r = await acl_client.put("/v1/partition", json={"Name": "finance"}, headers=tok)
    assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "operator:write"))
    assert (await acl_client.put("/v1/partition", json={"Name": "finance"}, headers=H)).status == 200
    assert (await acl_client.delete("/v1/partition/finance", headers=tok)).status == 403


async def test_consulite_api_needs_management(acl_client):
    t = await token_with(acl_client, 'operator = "write"')
    for method, path in (("GET", "/_consulite/state"), ("PUT", "/_consulite/reset"), ("GET", "/_consulite/explain/x")):
        r = await acl_client.request(method, path, headers={"X-Consul-Token": t["SecretID"]})
        assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "acl:write"))
    assert (await acl_client.get("/_consulite/state", headers=H)).status == 200
    assert (await acl_client.get("/_consulite/health")).status == 200  # readiness stays open


async def test_acl_routes_need_acl_read_and_write(acl_client):
    t = await token_with(acl_client, 'acl = "read"')
    tok = {"X-Consul-Token": t["SecretID"]}
    for path in ("/v1/acl/policies", "/v1/acl/tokens", "/v1/acl/roles", "/v1/acl/auth-methods",
                 "/v1/acl/binding-rules", "/v1/acl/templated-policies"):
        assert (await acl_client.get(path, headers=tok)).status == 200
        r = await acl_client.get(path)
        assert r.status == 403 and "lacks permission 'acl:read'" in await r.text()
    for path in ("/v1/acl/policy", "/v1/acl/token", "/v1/acl/role", "/v1/acl/auth-method", "/v1/acl/binding-rule"):
        r = await acl_client.put(path, json={}, headers=tok)
        assert (r.status, await r.text()) == (403, denied(t["AccessorID"], "acl:write"))


async def test_default_policy_header_follows_config(acl_client, client):
    assert (await acl_client.get("/v1/agent/version")).headers["X-Consul-Default-Acl-Policy"] == "deny"
    assert (await client.get("/v1/agent/version")).headers["X-Consul-Default-Acl-Policy"] == "allow"


async def test_resolution_is_cached_and_invalidated_on_any_acl_write(acl_client, agent_of):
    t = await token_with(acl_client, 'service "web" { policy = "write" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.put("/v1/agent/service/register", json={"Name": "web"}, headers=tok)).status == 200
    acl = agent_of(acl_client).acl
    first = acl.authorizer(t["SecretID"])
    assert acl.authorizer(t["SecretID"]) is first
    policy_id = t["Policies"][0]["ID"]
    await acl_client.put(f"/v1/acl/policy/{policy_id}", json={"Name": t["Policies"][0]["Name"],
                                                               "Rules": 'service "web" { policy = "deny" }'}, headers=H)
    assert acl.authorizer(t["SecretID"]) is not first
    assert (await acl_client.put("/v1/agent/service/register", json={"Name": "web"}, headers=tok)).status == 403
