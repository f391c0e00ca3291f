"""`/v1/config` (reference config-entries-and-resolver.md §1-§3)."""

import asyncio

import pytest

SAMPLES = {  # one valid body per kind, with the keys people write
    "service-defaults": {"Name": "web", "Protocol": "http", "MeshGateway": {"Mode": "local"},
                         "UpstreamConfig": {"Overrides": [{"Name": "db", "ConnectTimeoutMs": 500}],
                                            "Defaults": {"MeshGateway": {"Mode": "remote"}}}},
    "proxy-defaults": {"Name": "global", "Config": {"protocol": "http"}, "MeshGateway": {"Mode": "local"}},
    "service-router": {"Name": "web", "Routes": [{"Match": {"HTTP": {"PathPrefix": "/admin"}},
                                                  "Destination": {"Service": "admin", "RequestTimeout": "5s"}}]},
    "service-splitter": {"Name": "web", "Splits": [{"Weight": 90, "Service": "web"},
                                                   {"Weight": 10, "Service": "web", "ServiceSubset": "v2"}]},
    "service-resolver": {"Name": "web", "DefaultSubset": "v1", "ConnectTimeout": "15s",
                         "Subsets": {"v1": {"Filter": "Service.Meta.version == v1"}, "v2": {"OnlyPassing": True}}},
    "ingress-gateway": {"Name": "ingress", "Listeners": [{"Port": 8080, "Protocol": "http",
                                                          "Services": [{"Name": "web", "Hosts": ["web.local"]}]}]},
    "terminating-gateway": {"Name": "term", "Services": [{"Name": "legacy", "SNI": "legacy.example"}]},
    "service-intentions": {"Name": "db", "Sources": [{"Name": "web", "Action": "allow"}]},
    "mesh": {"TransparentProxy": {"MeshDestinationsOnly": True}},
    "exported-services": {"Name": "default", "Services": [{"Name": "web", "Consumers": [{"Peer": "east"}]}]},
    "sameness-group": {"Name": "group", "Members": [{"Partition": "default"}]},
    "api-gateway": {"Name": "api", "Listeners": [{"Name": "http", "Port": 80, "Protocol": "http"}]},
    "bound-api-gateway": {"Name": "api", "Listeners": [{"Name": "http"}]},
    "http-route": {"Name": "route", "Parents": [{"Kind": "api-gateway", "Name": "api"}],
                   "Rules": [{"Services": [{"Name": "web"}]}]},
    "tcp-route": {"Name": "tcp", "Services": [{"Name": "db"}]},
    "file-system-certificate": {"Name": "fs", "Certificate": "/certs/a.pem", "PrivateKey": "/certs/a.key"},
    "inline-certificate": {"Name": "inline", "Certificate": "-----BEGIN CERT", "PrivateKey": "-----BEGIN KEY"},
    "control-plane-request-limit": {"Name": "global", "Mode": "permissive", "ReadRate": 100},
    "jwt-provider": {"Name": "okta", "Issuer": "okta", "JSONWebKeySet": {"Local": {"JWKS": "e30="}}},
}


async def put(client, body, **params):
    r = await client.put("/v1/config", json=body, params=params)
    return r.status, await r.text()


@pytest.mark.parametrize("kind", list(SAMPLES))
async def test_every_kind_round_trips(client, kind):
    if kind in ("service-router", "service-splitter"):  # they need an L7 protocol for their service (§3.7)
        await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    assert await put(client, {"Kind": kind, **SAMPLES[kind]}) == (200, "true")
    name = SAMPLES[kind].get("Name", "mesh")
    r = await client.get(f"/v1/config/{kind}/{name}")
    assert r.status == 200, await r.text()
    first = await r.json()
    assert first["Kind"] == kind and first["CreateIndex"] == first["ModifyIndex"] > 0
    assert ("Name" in first) == (kind != "mesh")  # §1.7: mesh has no Name
    # what GET returns PUTs back unchanged: a no-op write keeps the indexes (§1.2 step 6)
    assert await put(client, first) == (200, "true")
    again = await (await client.get(f"/v1/config/{kind}/{name}")).json()
    assert again == first
    listed = await (await client.get(f"/v1/config/{kind}")).json()
    assert [e for e in listed if e["Kind"] == kind] == [first]


async def test_shapes_as_consul_renders_them(client):
    await put(client, {"kind": "service-defaults", "name": "web", "protocol": "HTTP"})
    body = await (await client.get("/v1/config/service-defaults/web")).json()
    # §1.7: value structs always present, Protocol without omitempty, lower-cased by Normalize
    assert body == {"Kind": "service-defaults", "Name": "web", "Protocol": "http", "TransparentProxy": {},
                    "MeshGateway": {}, "Expose": {}, "Partition": "default", "Namespace": "default",
                    "CreateIndex": body["CreateIndex"], "ModifyIndex": body["ModifyIndex"]}
    await put(client, {"Kind": "proxy-defaults"})
    pd = await (await client.get("/v1/config/proxy-defaults/global")).json()
    assert pd["Name"] == "global" and pd["Config"] is None and pd["AccessLogs"] == {}


async def test_weak_typing_aliases_and_one_element_lists(client):
    # §2 step 3: "80" -> 80, snake_case alias tags, HCL's one-element block lists unwrapped, durations
    assert await put(client, {"Kind": "service-defaults", "Name": "web", "max_inbound_connections": "80",
                              "mesh_gateway": [{"mode": "remote"}],
                              "upstream_config": {"defaults": {"connect_timeout_ms": "250"}}}) == (200, "true")
    body = await (await client.get("/v1/config/service-defaults/web")).json()
    assert body["MaxInboundConnections"] == 80 and body["MeshGateway"] == {"Mode": "remote"}
    assert body["UpstreamConfig"]["Defaults"]["ConnectTimeoutMs"] == 250
    await put(client, {"Kind": "service-resolver", "Name": "web", "connect_timeout": "1m30s"})
    assert (await (await client.get("/v1/config/service-resolver/web")).json())["ConnectTimeout"] == "1m30s"


@pytest.mark.parametrize("body, status, text", [
    # §2: decoding texts (400)
    ({"Name": "web"}, 400, "Request decoding failed: Payload does not contain a kind/Kind key at the top level"),
    ({"Kind": 1}, 400, "Request decoding failed: Kind value in payload is not a string"),
    ({"Kind": "nope"}, 400, "Request decoding failed: invalid config entry kind: nope"),
    ({"Kind": "service-defaults", "Name": "w", "Foo": 1, "MeshGateway": {"Bar": 1}}, 400,
     'Request decoding failed: 2 errors occurred:\n\t* invalid config key "MeshGateway.Bar"\n\t* invalid config '
     'key "Foo"\n\n'),
    ({"Kind": "mesh", "Name": "mesh"}, 400, 'Request decoding failed: 1 error occurred:\n\t* invalid config key '
                                            '"Name"\n\n'),
    ({"Kind": "service-defaults", "Name": "w", "MaxInboundConnections": "many"}, 400,
     "Request decoding failed: 1 error(s) decoding:\n\n* cannot parse 'MaxInboundConnections' as int: "
     'strconv.ParseInt: parsing "many": invalid syntax'),
    # §3: Normalize/Validate failures are plain errors, so 500
    ({"Kind": "proxy-defaults", "Name": "foo"}, 500, 'invalid name ("foo"), only "global" is supported'),
    ({"Kind": "service-defaults"}, 500, "Name is required"),
    ({"Kind": "service-defaults", "Name": "*"}, 500,
     "service-defaults name must be the name of a service, and not a wildcard"),
    ({"Kind": "service-defaults", "Name": "w", "BalanceInboundConnections": "x"}, 500,
     "1 error occurred:\n\t* invalid value for balance_inbound_connections: x\n\n"),
    ({"Kind": "service-defaults", "Name": "w", "UpstreamConfig": {"Overrides": [{"Name": ""}]}}, 500,
     "1 error occurred:\n\t* error in upstream override for : Name is required\n\n"),
    ({"Kind": "service-defaults", "Name": "w", "UpstreamConfig": {"Defaults": {"Name": "x"}}}, 500,
     "1 error occurred:\n\t* error in upstream defaults: Name must be empty\n\n"),
    ({"Kind": "service-defaults", "Name": "w", "UpstreamConfig": {}, "Destination": {"Addresses": ["a.b"]}}, 500,
     "1 error occurred:\n\t* UpstreamConfig and Destination are mutually exclusive for service defaults\n\n"),
    ({"Kind": "service-defaults", "Name": "w", "Destination": {"Addresses": ["x", "x"], "Port": 0}}, 500,
     "2 errors occurred:\n\t* Duplicate address 'x' is not allowed\n\t* Invalid Port number 0\n\n"),
    ({"Kind": "service-defaults", "Name": "w", "MutualTLSMode": "loose"}, 500,
     'Invalid MutualTLSMode "loose". Must be one of "", "strict", or "permissive".'),
    ({"Kind": "service-router", "Name": "tcpsvc"}, 500,
     'discovery chain "tcpsvc" uses a protocol "tcp" that does not permit advanced routing or splitting behavior'),
    ({"Kind": "service-splitter", "Name": "w"}, 500, "no splits configured"),
    ({"Kind": "service-resolver", "Name": "w", "DefaultSubset": "v9"}, 500, 'DefaultSubset "v9" is not a valid subset'),
    ({"Kind": "service-resolver", "Name": "w", "Redirect": {}}, 500, "Redirect is empty"),
    ({"Kind": "service-intentions", "Name": "db", "Sources": [{"Name": "web", "Action": "maybe"}]}, 500,
     "Sources[0].Action must be set to 'allow' or 'deny'"),
    ({"Kind": "ingress-gateway", "Name": "i", "Listeners": [{"Port": 1, "Protocol": "udp", "Services": [
        {"Name": "a"}]}]}, 500, "protocol must be 'tcp', 'http', 'http2', or 'grpc'. 'udp' is an unsupported protocol"),
    ({"Kind": "ingress-gateway", "Name": "i", "Listeners": [{"Port": 1, "Protocol": "http", "Services": [
        {"Name": "*", "Hosts": ["a.example"]}]}]}, 500,
     "Associating hosts to a wildcard service is not supported (listener on port 1)"),
    ({"Kind": "terminating-gateway", "Name": "t", "Services": [{"Name": ""}]}, 500, "Service name cannot be blank."),
    ({"Kind": "exported-services", "Name": "default", "Services": [{"Name": "web"}]}, 500,
     "1 error occurred:\n\t* Services[0]: must have at least one consumer\n\n"),
])
async def test_rejected_entries_answer_consuls_text_and_change_nothing(client, body, status, text):
    assert await put(client, body) == (status, text)
    assert await (await client.get("/v1/config/")).json() == []


async def test_router_and_splitter_need_an_l7_protocol_and_keep_it(client):
    await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    assert await put(client, {"Kind": "service-router", "Name": "web"}) == (200, "true")
    # changing the protocol back to tcp or deleting the service-defaults would break the router (§3.7)
    status, text = await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "tcp"})
    assert (status, text) == (500, 'discovery chain "web" uses a protocol "tcp" that does not permit advanced '
                                    "routing or splitting behavior")
    r = await client.delete("/v1/config/service-defaults/web")
    assert r.status == 500
    assert (await (await client.get("/v1/config/service-defaults/web")).json())["Protocol"] == "http"


async def test_l7_intentions_need_an_http_like_protocol_and_keep_it(client):
    # config-entries-and-resolver.md §3.6: the graph check on write, for the intention and for protocol changes
    l7 = {"Kind": "service-intentions", "Name": "api", "Sources": [
        {"Name": "web", "Permissions": [{"Action": "allow", "HTTP": {"PathPrefix": "/"}}]}]}
    text = 'service "api" has protocol "tcp", which is incompatible with L7 intentions permissions'
    assert await put(client, l7) == (500, text)
    assert (await client.get("/v1/config/service-intentions/api")).status == 404
    await put(client, {"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "grpc"}})
    assert await put(client, l7) == (200, "true")
    status, _ = await put(client, {"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "tcp"}})
    assert status == 500
    assert (await client.delete("/v1/config/proxy-defaults/global")).status == 500


async def test_cas_rules(client):
    body = {"Kind": "service-defaults", "Name": "web", "Protocol": "http"}
    assert await put(client, body, cas="5") == (200, "false")  # cas!=0 on a missing entry
    assert await put(client, body, cas="0") == (200, "true")  # cas=0 creates only
    index = (await (await client.get("/v1/config/service-defaults/web")).json())["ModifyIndex"]
    assert await put(client, {**body, "Protocol": "grpc"}, cas="0") == (200, "false")
    assert await put(client, {**body, "Protocol": "grpc"}, cas=str(index + 100)) == (200, "false")
    assert await put(client, body, cas="12345") == (200, "true")  # identical write: a no-op, even with stale cas
    assert await put(client, {**body, "Protocol": "grpc"}, cas=str(index)) == (200, "true")
    r = await client.put("/v1/config", json=body, params={"cas": "x"})
    assert (r.status, await r.text()) == (500, 'strconv.ParseUint: parsing "x": invalid syntax')
    current = (await (await client.get("/v1/config/service-defaults/web")).json())["ModifyIndex"]
    r = await client.delete("/v1/config/service-defaults/web", params={"cas": str(current - 1)})
    assert await r.json() is False
    r = await client.delete("/v1/config/service-defaults/web", params={"cas": str(current)})
    assert await r.json() is True
    r = await client.delete("/v1/config/service-defaults/web", params={"cas": "7"})
    assert await r.json() is True  # deleting a missing entry is a success (§1.4)
    r = await client.delete("/v1/config/service-defaults/web")
    assert (r.status, await r.json()) == (200, {})


async def test_read_errors_and_routing(client):
    r = await client.get("/v1/config/service-defaults/nope")
    assert (r.status, await r.text()) == (404, 'Config entry not found for "service-defaults" / "nope"')
    assert int(r.headers["X-Consul-Index"]) >= 1
    r = await client.get("/v1/config/bogus")
    assert (r.status, await r.text()) == (500, "invalid config entry kind: bogus")
    r = await client.delete("/v1/config/bogus/x")
    assert (r.status, await r.text()) == (400, "invalid config entry kind: bogus")
    r = await client.delete("/v1/config/service-defaults")
    assert (r.status, await r.text()) == (404, "Must provide both a kind and name to delete")
    r = await client.get("/v1/config")
    assert (r.status, r.headers["Allow"]) == (405, "OPTIONS,PUT")
    r = await client.get("/v1/config/proxy-defaults", params={"filter": "Name == global"})
    assert (r.status, await r.text()) == (500, "filtering not supported for config entry kind=proxy-defaults")


async def test_list_filter_and_all_kinds(client):
    await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    await put(client, {"Kind": "service-defaults", "Name": "db", "Protocol": "tcp"})
    await put(client, {"Kind": "proxy-defaults", "Name": "global"})
    r = await client.get("/v1/config/service-defaults", params={"filter": "Protocol == http"})
    assert [e["Name"] for e in await r.json()] == ["web"]
    everything = await (await client.get("/v1/config/")).json()
    assert [(e["Kind"], e["Name"]) for e in everything] == [
        ("service-defaults", "db"), ("service-defaults", "web"), ("proxy-defaults", "global")]


async def test_mesh_is_one_per_partition_and_deleted_by_any_name(client):
    await put(client, {"Kind": "mesh", "AllowEnablingPermissiveMutualTLS": True})
    assert (await client.get("/v1/config/mesh/other")).status == 404
    r = await client.delete("/v1/config/mesh/anything")
    assert r.status == 200
    assert (await client.get("/v1/config/mesh/mesh")).status == 404


async def test_partition_scoping(client):
    await client.put("/v1/partition", json={"Name": "finance"})
    await put(client, {"Kind": "proxy-defaults", "MeshGateway": {"Mode": "local"}})
    await put(client, {"Kind": "proxy-defaults", "MeshGateway": {"Mode": "remote"}}, partition="finance")
    await client.put("/v1/namespace", json={"Name": "team"})
    await put(client, {"Kind": "service-defaults", "Name": "web", "Namespace": "team", "Protocol": "http"})
    default = await (await client.get("/v1/config/proxy-defaults/global")).json()
    finance = await (await client.get("/v1/config/proxy-defaults/global", params={"partition": "finance"})).json()
    assert (default["MeshGateway"], default["Partition"]) == ({"Mode": "local"}, "default")
    assert (finance["MeshGateway"], finance["Partition"]) == ({"Mode": "remote"}, "finance")
    assert (await client.get("/v1/config/service-defaults/web")).status == 404
    team = await (await client.get("/v1/config/service-defaults/web", params={"ns": "team"})).json()
    assert team["Namespace"] == "team"
    # exported-services: the Name is the partition, which must exist
    assert await put(client, {"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "default"}]}]}) == (200, "true")
    exported = await (await client.get("/v1/config/exported-services/finance",
                                       params={"partition": "finance"})).json()
    assert exported["Partition"] == "finance" and exported["Services"][0]["Namespace"] == "default"
    status, _ = await put(client, {"Kind": "exported-services", "Name": "nowhere", "Services": [
        {"Name": "x", "Consumers": [{"Partition": "default"}]}]})
    assert status == 500
    # deleting a partition removes its entries
    await client.delete("/v1/partition/finance")
    await client.put("/v1/partition", json={"Name": "finance"})
    assert (await client.get("/v1/config/proxy-defaults/global", params={"partition": "finance"})).status == 404


async def test_community_edition(ce_client):
    r = await ce_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "w", "Partition": "default"})
    assert (r.status, await r.text()) == (400, 'Request decoding failed: 1 error occurred:\n\t* invalid config key '
                                               '"Partition"\n\n')
    r = await ce_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "w", "Namespace": "x"})
    assert await r.text() == ('Request decoding failed: 1 error occurred:\n\t* invalid config key "Namespace", '
                              'namespaces are a consul enterprise feature\n\n')
    r = await ce_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "w"}, params={"partition": "a"})
    assert (r.status, await r.text()) == (
        400, 'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature')
    r = await ce_client.put("/v1/config", json={"Kind": "control-plane-request-limit", "Name": "global"})
    assert (r.status, await r.text()) == (
        400, "Request decoding failed: invalid config entry kind: control-plane-request-limit")
    assert (await ce_client.put("/v1/config", json={"Kind": "service-defaults", "Name": "w"})).status == 200
    body = await (await ce_client.get("/v1/config/service-defaults/w")).json()
    assert "Partition" not in body and "Namespace" not in body


async def test_blocking_get_wakes_on_its_entry_only(client, blocked, agent_of):
    await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    r = await client.get("/v1/config/service-defaults/web")
    index = r.headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/config/service-defaults/web", params={"index": index, "wait": "30s"}))
    watches = agent_of(client).store.watches
    woken = watches.woken
    await put(client, {"Kind": "service-defaults", "Name": "other", "Protocol": "grpc"})
    assert watches.woken == woken and not task.done()  # a write elsewhere does not wake this reader
    await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "grpc"})
    r = await asyncio.wait_for(task, 10)
    assert (await r.json())["Protocol"] == "grpc" and int(r.headers["X-Consul-Index"]) > int(index)


async def test_blocking_list_ignores_writes_that_leave_it_unchanged(client, blocked, agent_of):
    await put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    r = await client.get("/v1/config/service-defaults")
    index = r.headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/config/service-defaults", params={"index": index, "wait": "30s"}))
    watches = agent_of(client).store.watches
    woken = watches.woken
    await put(client, {"Kind": "proxy-defaults", "Name": "global"})
    assert watches.woken == woken and not task.done()
    await put(client, {"Kind": "service-defaults", "Name": "db"})
    r = await asyncio.wait_for(task, 10)
    assert [e["Name"] for e in await r.json()] == ["db", "web"]


async def test_blocking_times_out_with_the_same_index(client):
    r = await client.get("/v1/config/service-defaults")
    index = r.headers["X-Consul-Index"]
    r = await client.get("/v1/config/service-defaults", params={"index": index, "wait": "20ms"})
    assert r.status == 200 and r.headers["X-Consul-Index"] == index


async def test_graph_check_sees_the_entry_as_normalized(client):
    # proxy-defaults written without Name is `global` after Normalize; the router check must see the new value
    assert await put(client, {"Kind": "proxy-defaults", "Config": {"protocol": "http"}}) == (200, "true")
    assert await put(client, {"Kind": "service-router", "Name": "web"}) == (200, "true")
    assert await put(client, {"Kind": "proxy-defaults", "Config": {"protocol": "tcp"}}) == (
        500, 'discovery chain "web" uses a protocol "tcp" that does not permit advanced routing or splitting behavior')
    pd = await (await client.get("/v1/config/proxy-defaults/global")).json()
    assert pd["Config"] == {"protocol": "http"}


async def test_protocol_of_a_service_is_one_rule(client):
    # proxy-defaults Config.protocol is taken as written (ProxyConfigEntry.ComputeProtocol does not lower-case
    # it) and compared case-sensitively: "HTTP" is not L7 for a router, and the chain reports "HTTP"
    await put(client, {"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "HTTP"}})
    r = await client.put("/v1/config", json={"Kind": "service-router", "Name": "web", "Routes": [
        {"Match": {"HTTP": {"PathPrefix": "/"}}}]})
    assert (r.status, await r.text()) == (500, 'discovery chain "web" uses a protocol "HTTP" that does not '
                                               "permit advanced routing or splitting behavior")
    chain = await (await client.get("/v1/discovery-chain/web")).json()
    assert chain["Chain"]["Protocol"] == "HTTP"
