"""`/v1/agent/service*` through the HTTP API (reference agent-service-api.md §1-§6)."""


import pytest


async def register(client, body, params=None, headers=None):
    return await client.put("/v1/agent/service/register", json=body, params=params or {}, headers=headers or {})


async def test_register_read_and_list(client):
    r = await register(client, {"name": "web", "port": 80, "tags": ["v1"], "meta": {"env": "prod"},
                                "address": "10.0.0.7"})
    assert r.status == 200 and await r.read() == b""  # §0: empty 200, no JSON content type
    r = await client.get("/v1/agent/service/web")
    assert r.status == 200
    body = await r.json()
    # §4.1 shape, Enterprise rendering (§7)
    assert body == {
        "ID": "web", "Service": "web", "Tags": ["v1"], "Meta": {"env": "prod"}, "Port": 80, "Address": "10.0.0.7",
        "TaggedAddresses": {"lan_ipv4": {"Address": "10.0.0.7", "Port": 80},
                            "wan_ipv4": {"Address": "10.0.0.7", "Port": 80}},
        "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": False, "ContentHash": body["ContentHash"],
        "Namespace": "default", "Partition": "default", "Datacenter": "dc1"}
    assert r.headers["X-Consul-ContentHash"] == body["ContentHash"]
    assert "X-Consul-Index" not in r.headers  # §0: agent endpoints never set it
    listed = await (await client.get("/v1/agent/services")).json()
    assert list(listed) == ["web"] and "ContentHash" not in listed["web"]


async def test_defaults_id_from_name_and_ipv6_tagged_addresses(client):
    await register(client, {"Name": "db", "Address": "::1", "Port": 5432})
    body = await (await client.get("/v1/agent/service/db")).json()
    assert body["ID"] == "db"
    assert set(body["TaggedAddresses"]) == {"lan_ipv6", "wan_ipv6"}


async def test_unknown_service_is_404_with_consuls_text(client):
    r = await client.get("/v1/agent/service/nope")
    assert (r.status, await r.text()) == (404, "unknown service ID: nope")  # §1.2
    r = await client.put("/v1/agent/service/deregister/nope")
    # §1.4
    assert (r.status, await r.text()) == (
        404, 'Unknown service ID "nope". Ensure that the service ID is passed, not the service name.')


@pytest.mark.parametrize("body, status, text", [
    # §3 steps 3-10, texts verbatim
    ({"ID": "x"}, 400, "Missing service name"),
    ({"Name": "w", "Address": "0.0.0.0"}, 400, "Invalid service address"),
    ({"Name": "w", "Weights": {"Passing": 0}}, 400, "Invalid Weights: Passing must be greater than 0"),
    ({"Name": "w", "Weights": {"Passing": 1, "Warning": -1}}, 400,
     "Invalid Weights: Warning must be greater or equal than 0"),
    ({"Name": "w", "Meta": {"consul-x": "1"}}, 400,
     "Invalid Service Meta: Couldn't load metadata pair ('consul-x', '1'): Key prefix 'consul-' is reserved for "
     "internal use"),
    ({"Name": "w", "Meta": {"a b": "1"}}, 400,
     "Invalid Service Meta: Couldn't load metadata pair ('a b', '1'): Key contains invalid characters"),
    ({"Name": "w", "Meta": {f"k{i}": "v" for i in range(65)}}, 400,
     "Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs"),
    ({"Name": "p", "Kind": "connect-proxy"}, 400,
     "Validation failed: 2 errors occurred:\n\t* Port or SocketPath must be set for a connect-proxy\n\t* "
     "Proxy.DestinationServiceName must be non-empty for Connect proxy services\n\n"),
    ({"Name": "p", "Kind": "connect-proxy", "Port": 1, "Proxy": {"DestinationServiceName": "web",
      "Upstreams": [{"DestinationName": "db"}]}}, 400,
     "Validation failed: 1 error occurred:\n\t* upstream local bind port or local socket path must be defined "
     "and nonzero\n\n"),
    ({"Name": "p", "Kind": "connect-proxy", "Port": 1, "Proxy": {"DestinationServiceName": "web", "Upstreams": [
        {"DestinationName": "db", "LocalBindPort": 1}, {"DestinationName": "db", "LocalBindPort": 1}]}}, 400,
     # a duplicate is not checked further (its bind address too): one error, as 1.8.7 showed
     'Validation failed: 1 error occurred:\n\t* upstreams cannot contain duplicates of [type="service", '
     'name="db", partition="default", namespace="default", peer="", datacenter=""]\n\n'),
    ({"Name": "p", "Kind": "connect-proxy", "Port": 1, "Proxy": {"DestinationServiceName": "web", "Upstreams": [
        {"DestinationName": "db", "LocalBindPort": 1}, {"DestinationName": "cache", "LocalBindPort": 1}]}}, 400,
     'Validation failed: 1 error occurred:\n\t* upstreams cannot contain duplicates by local bind address and '
     'port or unix path; "127.0.0.1:1" is specified twice\n\n'),
    ({"Name": "gw", "Kind": "mesh-gateway", "Proxy": {"Upstreams": [{"DestinationName": "x", "LocalBindPort": 1}]}},
     400, "Validation failed: 2 errors occurred:\n\t* Port must be non-zero for a mesh-gateway\n\t* The "
          "Proxy.Upstreams configuration is invalid for a mesh-gateway\n\n"),
    ({"Name": "w", "Connect": {"Native": True}}, 400,
     "Validation failed: 1 error occurred:\n\t* Port or SocketPath must be set for a Connect native service.\n\n"),
    ({"Name": "w", "Connect": {"SidecarService": {"ID": "x"}}}, 400,
     "Validation failed: 1 error occurred:\n\t* A SidecarService cannot specify an ID as this is managed by the "
     "agent\n\n"),
    ({"Name": "w", "Check": {"HTTP": "http://x"}}, 400,
     "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks"),
    ({"Name": "w", "Checks": [{}]}, 400, "Invalid check: TTL must be > 0 for TTL checks"),
    ({"Name": "w", "Check": {"TTL": "1s", "Interval": "1s"}}, 400,
     "Invalid check: Interval and TTL cannot both be specified"),
    ({"Name": "w", "Check": {"TTL": "1s", "Status": "bad"}}, 400,
     "Status for checks must 'passing', 'warning', 'critical'"),
    ({"Name": "w", "Connect": {"SidecarService": {"Checks": [{}]}}}, 400,
     "Invalid check in sidecar_service: TTL must be > 0 for TTL checks"),
    ({"Name": "w", "Connect": {"SidecarService": {"Meta": {"consul-": "x"}}}}, 400,
     "Invalid SidecarService: Couldn't load metadata pair ('consul-', 'x'): Key prefix 'consul-' is reserved "
     "for internal use"),
    # §3 step 15: AddService errors are plain errors, so 500
    ({"Name": "w", "TaggedAddresses": {"lan_ipv4": {"Address": "nope"}}}, 500,
     'Service tagged address "lan_ipv4" must be a valid ipv4 address'),
    ({"Name": "w", "Check": {"Args": ["/bin/true"], "Interval": "10s"}}, 500,
     "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true"),
    ({"Name": "w", "Port": "80"}, 400,
     "Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int"),
])
async def test_rejected_registrations_answer_consuls_text_and_change_nothing(client, body, status, text):
    r = await register(client, body)
    assert (r.status, await r.text()) == (status, text)
    assert await (await client.get("/v1/agent/services")).json() == {}
    assert await (await client.get("/v1/agent/checks")).json() == {}


async def test_empty_top_level_check_is_ignored(client):
    assert (await register(client, {"name": "w", "check": {}})).status == 200
    assert await (await client.get("/v1/agent/checks")).json() == {}


async def test_mesh_gateway_may_use_consul_wan_federation_meta(client):
    r = await register(client, {"Name": "mgw", "Kind": "mesh-gateway", "Port": 8443,
                                "Meta": {"consul-wan-federation": "1"}})
    assert r.status == 200
    body = await (await client.get("/v1/agent/service/mgw")).json()
    assert body["Kind"] == "mesh-gateway" and body["Proxy"] == {"MeshGateway": {}, "Expose": {}}  # §3.3


async def test_proxy_only_rendered_for_proxies_and_gateways(client):
    await register(client, {"Name": "plain", "Proxy": {"DestinationServiceName": "x"}})
    assert "Proxy" not in await (await client.get("/v1/agent/service/plain")).json()  # §2.3


async def test_sidecar_expansion(client, agent_of):
    await register(client, {"name": "web", "port": 8080, "tags": ["t"], "meta": {"m": "1"},
                            "connect": {"sidecar_service": {"proxy": {"upstreams": [
                                {"destination_name": "db", "local_bind_port": 9191}]}}}})
    side = await (await client.get("/v1/agent/service/web-sidecar-proxy")).json()
    # §3.2: ID/name/kind defaults, inherited tags and meta, first free port, destination defaults
    assert side["Kind"] == "connect-proxy" and side["Service"] == "web-sidecar-proxy"
    assert side["Port"] == 21000 and side["Tags"] == ["t"] and side["Meta"] == {"m": "1"}
    assert side["Proxy"]["DestinationServiceName"] == "web" and side["Proxy"]["DestinationServiceID"] == "web"
    assert side["Proxy"]["LocalServiceAddress"] == "127.0.0.1" and side["Proxy"]["LocalServicePort"] == 8080
    assert side["Proxy"]["Upstreams"] == [{"DestinationType": "service", "DestinationPartition": "default",
                                           "DestinationNamespace": "default", "DestinationName": "db",
                                           "LocalBindPort": 9191, "MeshGateway": {}}]
    parent = await (await client.get("/v1/agent/service/web")).json()
    assert "Connect" not in parent  # §3.2 step 10: SidecarService is never echoed
    checks = await (await client.get("/v1/agent/checks")).json()
    assert checks["service:web-sidecar-proxy:1"]["Name"] == "Connect Sidecar Listening"
    assert [checks[f"service:web-sidecar-proxy:{n}"]["Type"] for n in (1, 2)] == ["tcp", "alias"]
    # the definitions the agent runs (its HTTP views show none: Definition is {} for agent checks)
    defs = {c.check_id: c.definition for c in agent_of(client).store.checks.rows.values()}
    assert defs["service:web-sidecar-proxy:1"].tcp == "127.0.0.1:21000"
    assert defs["service:web-sidecar-proxy:2"].alias_service == "web"
    # a second sidecar takes the next free port; re-registering keeps the assigned one
    await register(client, {"name": "api", "port": 1, "connect": {"sidecar_service": {}}})
    assert (await (await client.get("/v1/agent/service/api-sidecar-proxy")).json())["Port"] == 21001
    await register(client, {"name": "web", "port": 8080, "connect": {"sidecar_service": {}}})
    assert (await (await client.get("/v1/agent/service/web-sidecar-proxy")).json())["Port"] == 21000
    # deregistering the parent removes its sidecar and all their checks (§1.4)
    assert (await client.put("/v1/agent/service/deregister/web")).status == 200
    assert set(await (await client.get("/v1/agent/services")).json()) == {"api", "api-sidecar-proxy"}
    assert not [c for c in await (await client.get("/v1/agent/checks")).json() if "web" in c]


async def test_check_ids_and_replace_existing_checks(client):
    await register(client, {"Name": "w", "Checks": [{"TTL": "10s"}, {"TTL": "20s", "Name": "second"}]})
    checks = await (await client.get("/v1/agent/checks")).json()
    assert set(checks) == {"service:w:1", "service:w:2"}  # §2.1 step 4
    assert checks["service:w:1"]["Name"] == "Service 'w' check" and checks["service:w:1"]["Status"] == "critical"
    await register(client, {"Name": "w", "Check": {"TTL": "10s", "CheckID": "mine"}})
    assert set(await (await client.get("/v1/agent/checks")).json()) == {"service:w:1", "service:w:2", "mine"}
    await register(client, {"Name": "w", "Check": {"TTL": "10s", "CheckID": "mine"}},
                   params={"replace-existing-checks": "1"})  # only "" or "true" enable it (§1.3)
    assert len(await (await client.get("/v1/agent/checks")).json()) == 3
    await register(client, {"Name": "w", "Check": {"TTL": "10s", "CheckID": "mine"}},
                   params={"replace-existing-checks": ""})
    assert set(await (await client.get("/v1/agent/checks")).json()) == {"mine"}


async def test_filter(client):
    for name, tags, port in (("web", ["prod"], 80), ("api", ["dev"], 81)):
        await register(client, {"Name": name, "Tags": tags, "Port": port, "Meta": {"team": name}})
    r = await client.get("/v1/agent/services", params={"filter": '"prod" in Tags'})
    assert list(await r.json()) == ["web"]
    r = await client.get("/v1/agent/services", params={"filter": "Meta.team == api and Port == 81"})
    assert list(await r.json()) == ["api"]
    r = await client.get("/v1/agent/services", params={"filter": "Tags ==="})
    assert r.status == 500 and (await r.text()).startswith("Failed to create boolean expression evaluator:")


async def test_filter_through_a_nil_pointer_is_a_clear_500(client):
    # go-bexpr panics on `Proxy.X` when a service has no proxy (real Consul then closes the connection,
    # shared/reference/real-consul.md §3); a connect-proxy service filters normally
    await register(client, {"Name": "web", "Port": 80})
    r = await client.get("/v1/agent/services", params={"filter": "Proxy.DestinationServiceName == web"})
    assert r.status == 500
    assert (await r.text()).startswith('filter selector "Proxy.DestinationServiceName" goes through "Proxy"')
    r = await client.get("/v1/agent/services",
                         params={"filter": 'Kind == "connect-proxy" and Proxy.DestinationServiceName == web'})
    assert r.status == 200 and await r.json() == {}


async def test_node_services_filter(client):
    for name in ("web", "api"):
        await register(client, {"Name": name, "Port": 80})
    r = await client.get("/v1/catalog/node-services/node1", params={"filter": "Service == api"})
    assert r.status == 200
    assert [s["Service"] for s in (await r.json())["Services"]] == ["api"]


async def test_maintenance(client):
    await register(client, {"Name": "w"})
    for query, text in (({}, "Missing value for enable"), ({"enable": "yes"}, 'Invalid value for enable: "yes"')):
        r = await client.put("/v1/agent/service/maintenance/w", params=query)
        assert (r.status, await r.text()) == (400, text)  # §1.5
    r = await client.put("/v1/agent/service/maintenance/", params={"enable": "true"})
    assert (r.status, await r.text()) == (400, "Missing service ID")
    r = await client.put("/v1/agent/service/maintenance/nope", params={"enable": "true"})
    assert r.status == 404
    assert (await client.put("/v1/agent/service/maintenance/w", params={"enable": "true"})).status == 200
    check = (await (await client.get("/v1/agent/checks")).json())["_service_maintenance:w"]
    assert (check["Name"], check["Status"], check["Type"]) == ("Service Maintenance Mode", "critical", "maintenance")
    assert check["Notes"].startswith("Maintenance mode is enabled for this service, but no reason")
    r = await client.get("/v1/agent/health/service/id/w")
    assert r.status == 503 and (await r.json())["AggregatedStatus"] == "maintenance"
    await client.put("/v1/agent/service/maintenance/w", params={"enable": "false"})
    assert await (await client.get("/v1/agent/checks")).json() == {}


async def test_hash_blocking_returns_when_the_service_changes(client, blocked):
    await register(client, {"Name": "w", "Port": 1})
    first = await client.get("/v1/agent/service/w")
    digest = first.headers["X-Consul-ContentHash"]
    task = await blocked(client, client.get("/v1/agent/service/w", params={"hash": digest, "wait": "30s"}))
    await register(client, {"Name": "w", "Port": 2})
    r = await task
    assert (await r.json())["Port"] == 2 and r.headers["X-Consul-ContentHash"] != digest
    # with the current hash and a short wait, the unchanged value comes back
    same = r.headers["X-Consul-ContentHash"]
    r = await client.get("/v1/agent/service/w", params={"hash": same, "wait": "10ms"})
    assert r.status == 200 and r.headers["X-Consul-ContentHash"] == same


async def test_bad_wait_and_index(client):
    await register(client, {"Name": "w"})
    r = await client.get("/v1/agent/service/w", params={"wait": "10"})
    assert (r.status, await r.text()) == (400, "Invalid wait time")  # §0
    r = await client.get("/v1/agent/service/w", params={"index": "x"})
    assert (r.status, await r.text()) == (400, "Invalid index")


async def test_agent_health_by_id_and_name(client):
    await register(client, {"Name": "w", "ID": "w1", "Check": {"TTL": "10s", "Status": "passing"}})
    await register(client, {"Name": "w", "ID": "w2", "Check": {"TTL": "10s", "Status": "warning"}})
    r = await client.get("/v1/agent/health/service/id/w1")
    assert r.status == 200 and (await r.json())["AggregatedStatus"] == "passing"  # §1.6
    r = await client.get("/v1/agent/health/service/id/w2", params={"format": "text"})
    assert (r.status, await r.text()) == (429, "warning")
    r = await client.get("/v1/agent/health/service/name/w")
    assert r.status == 429 and len(await r.json()) == 2
    r = await client.get("/v1/agent/health/service/id/nope")
    assert r.status == 404 and await r.json() == {"AggregatedStatus": "critical", "Service": None, "Checks": None}
    r = await client.get("/v1/agent/health/service/name/nope", headers={"Accept": "text/plain"})
    assert (r.status, await r.text()) == (404, "ServiceName nope Not Found")
