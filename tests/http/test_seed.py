"""The seed page's service definitions (mesh gateways across partitions) register and read back intact.

The seed's examples 3 and 4 are service definitions (1 and 2 are config entries, covered with
config entries). Bodies are sent as `consul services register` sends them (CamelCase) and as
clients sending snake_case keys do.
"""

import pytest

INSTANCE_LEVEL = {  # "Enabling Gateways for a Service Instance"
    "name": "web-sidecar-proxy", "kind": "connect-proxy", "port": 8181,
    "proxy": {"destination_service_name": "web", "mesh_gateway": {"mode": "local"},
              "upstreams": [{"destination_partition": "finance", "destination_namespace": "default",
                             "destination_type": "service", "destination_name": "billing",
                             "local_bind_port": 9090}]},
}
UPSTREAM_LEVEL = {  # "Enabling Gateways for a Proxy Upstream"
    "Name": "web-sidecar-proxy", "Kind": "connect-proxy", "Port": 8181,
    "Proxy": {"DestinationServiceName": "web", "Upstreams": [
        {"DestinationName": name, "DestinationNamespace": "dev", "DestinationPartition": name,
         "LocalBindPort": port, "MeshGateway": {"Mode": "local"}}
        for name, port in (("api", 10000), ("db", 10001), ("logging", 10002))]},
}


@pytest.mark.parametrize("body", [INSTANCE_LEVEL, UPSTREAM_LEVEL])
async def test_seed_service_definitions_round_trip(client, body):
    r = await client.put("/v1/agent/service/register", json=body)
    assert r.status == 200, await r.text()
    proxy = (await (await client.get("/v1/agent/service/web-sidecar-proxy")).json())["Proxy"]
    assert proxy["DestinationServiceName"] == "web"
    if body is INSTANCE_LEVEL:
        assert proxy["MeshGateway"] == {"Mode": "local"}
        # the merged view: the instance's `local` reaches the upstream (config-entries-and-resolver.md §4.9, 2)
        assert proxy["Upstreams"] == [{"DestinationType": "service", "DestinationPartition": "finance",
                                       "DestinationNamespace": "default", "DestinationName": "billing",
                                       "LocalBindPort": 9090, "MeshGateway": {"Mode": "local"}}]
    else:
        assert proxy["MeshGateway"] == {}
        assert [(u["DestinationName"], u["DestinationPartition"], u["DestinationNamespace"], u["LocalBindPort"],
                 u["MeshGateway"]) for u in proxy["Upstreams"]] == [
            ("api", "api", "dev", 10000, {"Mode": "local"}), ("db", "db", "dev", 10001, {"Mode": "local"}),
            ("logging", "logging", "dev", 10002, {"Mode": "local"})]
    health = await (await client.get("/v1/health/connect/web")).json()
    assert [e["Service"]["ID"] for e in health] == ["web-sidecar-proxy"]
