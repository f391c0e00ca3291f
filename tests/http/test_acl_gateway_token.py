"""The seed's mesh gateway token, end to end (reference clients-and-enterprise.md §2.6, acl.md §4.7): the
policy and token are created in the gateway's partition; registering needs `service:write` on the gateway's
name; a token lacking it is refused with Consul's text and nothing is registered."""

from __future__ import annotations

from tests.http.acl_helpers import H, token_with

DEFAULT_POLICY = '''
mesh = "write"
peering = "read"
partition_prefix "" { peering = "read" }
namespace "default" {
  service "mesh-gateway" { policy = "write" }
  agent_prefix "" { policy = "read" }
}
namespace_prefix "" {
  node_prefix "" { policy = "read" }
  service_prefix "" { policy = "read" }
}
'''
PARTITION_POLICY = '''
mesh = "write"
peering = "read"
namespace "default" {
  service "mesh-gateway" { policy = "write" }
  agent_prefix "" { policy = "read" }
}
namespace_prefix "" {
  node_prefix "" { policy = "read" }
  service_prefix "" { policy = "read" }
}
'''
GATEWAY = {"Name": "mesh-gateway", "Kind": "mesh-gateway", "Port": 8443, "Address": "10.0.0.5"}


async def test_gateway_tokens_in_default_and_finance(acl_client):
    assert (await acl_client.put("/v1/partition", json={"Name": "finance"}, headers=H)).status == 200
    default = await token_with(acl_client, DEFAULT_POLICY)
    finance = await token_with(acl_client, PARTITION_POLICY, Partition="finance")
    assert finance["Partition"] == "finance"
    r = await acl_client.put("/v1/agent/service/register", json=GATEWAY,
                             headers={"X-Consul-Token": default["SecretID"]})
    assert r.status == 200, await r.text()
    r = await acl_client.put("/v1/agent/service/register", json={**GATEWAY, "Partition": "finance"},
                             headers={"X-Consul-Token": finance["SecretID"]})
    assert r.status == 200, await r.text()
    # the finance token governs finance only: in default it grants nothing
    r = await acl_client.put("/v1/agent/service/register", json={**GATEWAY, "Name": "other-gw"},
                             headers={"X-Consul-Token": finance["SecretID"]})
    assert r.status == 403
    # both tokens read every service of their partition
    r = await acl_client.get("/v1/catalog/services?partition=finance", headers={"X-Consul-Token": finance["SecretID"]})
    assert "mesh-gateway" in await r.json()


async def test_a_token_lacking_service_write_on_the_gateway_is_refused_and_registers_nothing(acl_client):
    lacking = await token_with(acl_client, 'mesh = "write"\nservice_prefix "" { policy = "read" }\n'
                                           'node_prefix "" { policy = "read" }')
    r = await acl_client.put("/v1/agent/service/register", json=GATEWAY,
                             headers={"X-Consul-Token": lacking["SecretID"]})
    assert (r.status, await r.text()) == (403, (
        f"Permission denied: token with AccessorID '{lacking['AccessorID']}' lacks permission 'service:write' "
        'on "mesh-gateway"'))
    services = await (await acl_client.get("/v1/agent/services", headers=H)).json()
    assert "mesh-gateway" not in services


async def test_a_service_identity_covers_registration(acl_client):
    r = await acl_client.put("/v1/acl/token", json={"ServiceIdentities": [{"ServiceName": "mesh-gateway"}]}, headers=H)
    secret = (await r.json())["SecretID"]
    r = await acl_client.put("/v1/agent/service/register", json=GATEWAY, headers={"X-Consul-Token": secret})
    assert r.status == 200


async def test_denial_in_a_partition_names_it(acl_client):
    assert (await acl_client.put("/v1/partition", json={"Name": "finance"}, headers=H)).status == 200
    t = await token_with(acl_client, 'service "x" { policy = "read" }', Partition="finance")
    r = await acl_client.put("/v1/agent/service/register?partition=finance", json=GATEWAY,
                             headers={"X-Consul-Token": t["SecretID"]})
    assert (r.status, await r.text()) == (403, (
        f"Permission denied: token with AccessorID '{t['AccessorID']}' lacks permission 'service:write' "
        'on "mesh-gateway" in partition "finance" in namespace "default"'))  # acl.md §5.4 (ERRENT)


async def _web_through_the_gateway(c, gateway_token: str) -> dict:
    for p in ("finance",):
        assert (await c.put("/v1/partition", json={"Name": p}, headers=H)).status == 200
    r = await c.put("/v1/agent/service/register", json=GATEWAY, headers={"X-Consul-Token": gateway_token})
    assert r.status == 200, await r.text()
    await c.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "local"}},
                headers=H)
    r = await c.put("/v1/agent/service/register", json={"Name": "web", "Port": 80, "Connect": {"SidecarService": {
        "Proxy": {"Upstreams": [{"DestinationName": "billing", "DestinationPartition": "finance",
                                 "LocalBindPort": 9090}]}}}}, headers=H)
    assert r.status == 200
    return await (await c.get("/_consulite/explain/web-sidecar-proxy", headers=H)).json()


#: consul-k8s's meshGatewayRules() for the default partition: reads under partition_prefix "" too, "so it
#: can form clusters for failover targets in other local partitions" (clients-and-enterprise.md §2.6)
K8S_DEFAULT_POLICY = DEFAULT_POLICY + '''
partition_prefix "" {
  namespace_prefix "" {
    node_prefix "" { policy = "read" }
    service_prefix "" { policy = "read" }
  }
}
'''


async def test_explain_with_the_docs_policy_warns_about_reads_in_the_destination_partition(acl_client):
    token = await token_with(acl_client, DEFAULT_POLICY)
    report = await _web_through_the_gateway(acl_client, token["SecretID"])
    (warning,) = report["Upstreams"][0]["ACL"]["Warnings"]
    assert 'lacks service:read on "billing"' in warning


async def test_explain_says_the_gateway_token_holds_what_the_route_needs(acl_client):
    token = await token_with(acl_client, K8S_DEFAULT_POLICY)
    report = await _web_through_the_gateway(acl_client, token["SecretID"])
    (upstream,) = report["Upstreams"]
    view = upstream["ACL"]
    assert view["Gateway"] == "mesh-gateway" and view["AccessorID"] == token["AccessorID"]
    assert [c["Permission"] for c in view["Checks"]] == ["service:read", "node:read", "mesh:write"]
    assert view["Warnings"] == []


async def test_explain_warns_when_the_gateway_token_lacks_mesh_write(acl_client):
    token = await token_with(acl_client, 'service "mesh-gateway" { policy = "write" }\n'
                                         'service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }')
    report = await _web_through_the_gateway(acl_client, token["SecretID"])
    (upstream,) = report["Upstreams"]
    assert [c["Allowed"] for c in upstream["ACL"]["Checks"]] == [False, True, False]  # billing is in finance
    assert any("lacks mesh:write" in w for w in upstream["Warnings"])
    await acl_client.delete(f"/v1/acl/token/{token['AccessorID']}", headers=H)
    report = await (await acl_client.get("/_consulite/explain/web-sidecar-proxy", headers=H)).json()
    assert any("without a token that still resolves" in w for w in report["Upstreams"][0]["Warnings"])
