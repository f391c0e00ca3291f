"""The merged proxy view, `explain` and the discovery chain, over the seed page's scenarios
(config-entries-and-resolver.md §4, agent-service-api.md §4.2)."""

import asyncio

import pytest

from tests.http.test_seed import INSTANCE_LEVEL, UPSTREAM_LEVEL

PLAIN_PROXY = {"Name": "web-sidecar-proxy", "Kind": "connect-proxy", "Port": 8181, "Proxy": {
    "DestinationServiceName": "web", "Upstreams": [
        {"DestinationName": "billing", "DestinationPartition": "finance", "LocalBindPort": 9090},
        {"DestinationName": "cache", "LocalBindPort": 9091}]}}


async def setup(client, *partitions, gateways=("default",)):
    for name in partitions:
        assert (await client.put("/v1/partition", json={"Name": name})).status == 200
    for partition in gateways:
        await client.put("/v1/agent/service/register", params={"partition": partition}, json={
            "Name": "mesh-gateway", "Kind": "mesh-gateway", "Port": 8443, "Address": "10.0.0.5",
            "TaggedAddresses": {"wan": {"Address": "198.51.100.5", "Port": 443}}})


async def config(client, body, **params):
    r = await client.put("/v1/config", json=body, params=params)
    assert (r.status, await r.text()) == (200, "true")


async def explain(client, service_id="web-sidecar-proxy", **params):
    r = await client.get(f"/_consulite/explain/{service_id}", params=params)
    assert r.status == 200, await r.text()
    return await r.json()


async def upstreams(client):
    return (await (await client.get("/v1/agent/service/web-sidecar-proxy")).json())["Proxy"]["Upstreams"]


async def test_seed_enabling_gateways_globally(client):
    # seed example 1: proxy-defaults in local mode applies to every proxy of the partition
    await setup(client, "finance")
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    body = await (await client.get("/v1/agent/service/web-sidecar-proxy")).json()
    assert body["Proxy"]["MeshGateway"] == {"Mode": "local"}
    assert [u["MeshGateway"] for u in body["Proxy"]["Upstreams"]] == [{"Mode": "local"}, {"Mode": "local"}]
    report = await explain(client)
    assert report["MeshGateway"] == {"Mode": "local", "Source": "proxy-defaults", "Entry": "proxy-defaults/global",
                                     "EntryPartition": "default", "EntryNamespace": "default"}
    billing, cache = report["Upstreams"]
    assert billing["Dial"]["Via"] == "local-gateway"
    assert billing["Dial"]["Gateway"] == {"ID": "mesh-gateway", "Partition": "default", "Namespace": "default",
                                          "Address": "10.0.0.5", "Port": 8443}
    assert billing["Dial"]["SNI"].startswith("billing.default.finance.dc1.internal-v1.")  # §5.4
    assert cache["Dial"]["Via"] == "direct"  # same partition: direct whatever the mode (§4.5)
    assert cache["Dial"]["SNI"].startswith("cache.default.dc1.internal.")
    assert cache["Exported"] is None and cache["Warnings"] == []


async def test_seed_enabling_gateways_per_service(client):
    # seed example 2: service-defaults for web beats proxy-defaults
    await setup(client, "finance")
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "none"}})
    await config(client, {"Kind": "service-defaults", "Name": "web", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    report = await explain(client)
    assert report["MeshGateway"]["Source"] == "service-defaults"
    assert report["Upstreams"][0]["MeshGateway"]["Mode"] == "local"
    assert report["Upstreams"][0]["MeshGateway"]["Entry"] == "service-defaults/web"


async def test_seed_enabling_gateways_for_a_service_instance(client):
    # seed example 3: the instance's mode reaches its upstream even with no config entry (§4.9, 2)
    await setup(client, "finance")
    await client.put("/v1/agent/service/register", json=INSTANCE_LEVEL)
    report = await explain(client)
    billing = report["Upstreams"][0]
    assert billing["MeshGateway"] == {"Mode": "local", "Source": "service-instance"}
    assert billing["Dial"]["Via"] == "local-gateway"
    assert billing["Exported"] is False
    assert any("not exported" in w for w in billing["Warnings"])
    await config(client, {"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "default"}]}]}, partition="finance")
    billing = (await explain(client))["Upstreams"][0]
    assert billing["Exported"] is True and billing["Warnings"] == []


async def test_seed_enabling_gateways_for_a_proxy_upstream(client):
    # seed example 4: each upstream's own mode, across three partitions
    await setup(client, "api", "db", "logging")
    await client.put("/v1/agent/service/register", json=UPSTREAM_LEVEL)
    report = await explain(client)
    assert report["MeshGateway"]["Source"] == "default"
    for u in report["Upstreams"]:
        assert u["MeshGateway"] == {"Mode": "local", "Source": "upstream"}
        assert u["Dial"]["Via"] == "local-gateway" and u["Dial"]["Gateway"]["ID"] == "mesh-gateway"


async def test_remote_mode_dials_the_destination_partitions_gateway_wan_address(client):
    await setup(client, "finance", gateways=("default", "finance"))
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "remote"}})
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    billing = (await explain(client))["Upstreams"][0]
    assert billing["Dial"]["Via"] == "remote-gateway"
    assert billing["Dial"]["Gateway"] == {"ID": "mesh-gateway", "Partition": "finance", "Namespace": "default",
                                          "Address": "198.51.100.5", "Port": 443}


async def test_target_side_defaults_when_the_downstream_says_nothing(client):
    # §4.4: with "" on the downstream side, the target's partition proxy-defaults still decide the dial
    await setup(client, "finance")
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "local"}},
                 partition="finance")
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    billing = (await explain(client))["Upstreams"][0]
    assert billing["MeshGateway"] == {"Mode": "", "Source": "default"}
    assert billing["Dial"]["Mode"] == "local" and billing["Dial"]["Source"] == "target-proxy-defaults"
    assert billing["Dial"]["EntryPartition"] == "finance"


async def test_warnings(client):
    await setup(client, gateways=())
    await config(client, {"Kind": "service-defaults", "Name": "web", "MeshGateway": {"Mode": "Local"}})
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    report = await explain(client)
    billing = report["Upstreams"][0]
    assert billing["MeshGateway"]["Mode"] == "Local"  # stored verbatim, never validated (§3.1)
    assert billing["Dial"]["Via"] == "direct"  # an unknown mode acts as no gateway (§4.5)
    text = " ".join(billing["Warnings"])
    assert 'is not one of "none", "local", "remote"' in text
    assert 'destination partition "finance" does not exist' in text
    assert "dialed directly" in text
    await config(client, {"Kind": "service-defaults", "Name": "web", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/partition", json={"Name": "finance"})
    billing = (await explain(client))["Upstreams"][0]
    assert any('needs a mesh gateway registered in partition "default"' in w for w in billing["Warnings"])


async def test_explain_unknown_service(client):
    r = await client.get("/_consulite/explain/nope")
    assert (r.status, await r.text()) == (404, "unknown service ID: nope")


async def test_merged_view_is_live_and_wakes_hash_readers(client, blocked, agent_of):
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    first = await client.get("/v1/agent/service/web-sidecar-proxy")
    digest = first.headers["X-Consul-ContentHash"]
    assert (await first.json())["Proxy"]["MeshGateway"] == {}
    reader = await blocked(client, client.get("/v1/agent/service/web-sidecar-proxy",
                                              params={"hash": digest, "wait": "30s"}))
    watches = agent_of(client).store.watches
    woken = watches.woken
    await config(client, {"Kind": "service-defaults", "Name": "other", "Protocol": "http"})
    # the proxy's partition changed, so the reader wakes, finds the view unchanged and keeps waiting
    await watches.readers_blocked(1)
    assert watches.woken == woken + 1 and not reader.done()
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "local"},
                          "Config": {"protocol": "http"}})
    r = await asyncio.wait_for(reader, 10)
    body = await r.json()
    assert body["Proxy"]["MeshGateway"] == {"Mode": "local"} and body["Proxy"]["Config"] == {"protocol": "http"}
    assert r.headers["X-Consul-ContentHash"] != digest
    r = await client.delete("/v1/config/proxy-defaults/global")
    assert r.status == 200
    assert (await upstreams(client))[0]["MeshGateway"] == {}
    health = await (await client.get("/v1/health/connect/web")).json()
    assert health[0]["Service"]["Proxy"]["MeshGateway"] == {}


async def test_health_index_moves_when_central_config_changes(client, blocked):
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    index = (await client.get("/v1/health/connect/web")).headers["X-Consul-Index"]
    reader = await blocked(client, client.get("/v1/health/connect/web", params={"index": index, "wait": "30s"}))
    await config(client, {"Kind": "service-defaults", "Name": "web", "MeshGateway": {"Mode": "remote"}})
    r = await asyncio.wait_for(reader, 10)
    assert (await r.json())[0]["Service"]["Proxy"]["MeshGateway"] == {"Mode": "remote"}


async def test_merged_config_keys_and_upstream_protocol(client):
    # agent-service-api.md §4.2: service-defaults protocol beats proxy-defaults Config.protocol;
    # the upstream's own service-defaults give its protocol; registration values win
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "tcp", "x": 1}})
    await config(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http",
                          "MaxInboundConnections": 50})
    await config(client, {"Kind": "service-defaults", "Name": "cache", "Protocol": "grpc"})
    await client.put("/v1/agent/service/register", json={**PLAIN_PROXY, "Proxy": {
        **PLAIN_PROXY["Proxy"], "Config": {"x": 2}}})
    proxy = (await (await client.get("/v1/agent/service/web-sidecar-proxy")).json())["Proxy"]
    assert proxy["Config"] == {"x": 2, "protocol": "http", "max_inbound_connections": 50}
    assert proxy["Upstreams"][1]["Config"] == {"protocol": "grpc"}
    assert proxy["Upstreams"][0]["Config"] == {"protocol": "tcp"}


async def test_typical_services_are_never_merged(client):
    await config(client, {"Kind": "service-defaults", "Name": "web", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/agent/service/register", json={"Name": "web", "Port": 80})
    assert "Proxy" not in await (await client.get("/v1/agent/service/web")).json()


async def test_discovery_chain(client):
    await client.put("/v1/partition", json={"Name": "finance"})
    await config(client, {"Kind": "service-defaults", "Name": "billing", "MeshGateway": {"Mode": "remote"}},
                 partition="finance")
    r = await client.get("/v1/discovery-chain/billing", params={"partition": "finance"})
    chain = (await r.json())["Chain"]
    target = chain["Targets"]["billing.default.finance.dc1"]
    assert chain["StartNode"] == "resolver:billing.default.finance.dc1" and chain["Protocol"] == "tcp"
    assert target["MeshGateway"] == {"Mode": "remote"}
    assert "CustomizationHash" not in chain and int(r.headers["X-Consul-Index"]) > 0
    r = await client.post("/v1/discovery-chain/billing", params={"partition": "finance"},
                          json={"OverrideMeshGateway": {"Mode": "local"}})
    chain = (await r.json())["Chain"]
    assert chain["Targets"]["billing.default.finance.dc1"]["MeshGateway"] == {"Mode": "local"}
    assert "CustomizationHash" in chain
    r = await client.post("/v1/discovery-chain/billing", json={"OverrideMeshGateway": {"Mode": "sideways"}})
    assert (r.status, await r.text()) == (400, "Invalid OverrideMeshGateway.Mode parameter")  # §4.8
    r = await client.get("/v1/discovery-chain/")
    assert (r.status, await r.text()) == (400, "Missing chain name")


async def test_discovery_chain_follows_resolver_redirects(client):
    await config(client, {"Kind": "service-resolver", "Name": "db", "Redirect": {"Service": "db-v2"}})
    await config(client, {"Kind": "service-resolver", "Name": "db-v2", "DefaultSubset": "blue",
                          "Subsets": {"blue": {"Filter": "Service.Meta.color == blue"}}})
    chain = (await (await client.get("/v1/discovery-chain/db")).json())["Chain"]
    assert list(chain["Targets"]) == ["blue.db-v2.default.default.dc1"]
    assert chain["Targets"]["blue.db-v2.default.default.dc1"]["SNI"].startswith("blue.db-v2.default.dc1.internal.")


@pytest.mark.parametrize("mode", ["local", "remote", "none"])
async def test_gateways_are_merged_with_their_own_service_defaults(client, mode):
    await config(client, {"Kind": "service-defaults", "Name": "mesh-gateway", "MeshGateway": {"Mode": mode}})
    await client.put("/v1/agent/service/register", json={"Name": "mesh-gateway", "Kind": "mesh-gateway",
                                                         "Port": 8443})
    body = await (await client.get("/v1/agent/service/mesh-gateway")).json()
    assert body["Proxy"]["MeshGateway"] == {"Mode": mode}


async def test_merged_view_follows_central_config_after_a_reset(client):
    await client.put("/_consulite/reset")
    await config(client, {"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "remote"}})
    await client.put("/v1/agent/service/register", json=PLAIN_PROXY)
    assert (await upstreams(client))[0]["MeshGateway"] == {"Mode": "remote"}


async def test_explain_warns_when_the_exporting_partition_does_not_export_its_mesh_gateway(client):
    # hashicorp/consul#17232 and #19052: cross-partition traffic enters through the exporting partition's
    # mesh gateway, which that partition must export as well
    await setup(client, "finance")
    await client.put("/v1/agent/service/register?partition=finance", json={
        "Name": "mesh-gateway", "Kind": "mesh-gateway", "Port": 8443, "Address": "10.1.0.5"})
    await client.put("/v1/agent/service/register", json=INSTANCE_LEVEL)
    await config(client, {"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "default"}]}]}, partition="finance")
    billing = (await explain(client))["Upstreams"][0]
    assert billing["Exported"] is True
    assert billing["Warnings"] == ['partition "finance" does not export its mesh gateway service "mesh-gateway" to '
                                   'partition "default": cross-partition traffic through mesh gateways needs it in '
                                   'the exported-services entry "finance"']
    await config(client, {"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "default"}]},
        {"Name": "mesh-gateway", "Consumers": [{"Partition": "default"}]}]}, partition="finance")
    assert (await explain(client))["Upstreams"][0]["Warnings"] == []
