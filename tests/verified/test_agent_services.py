"""Verified: agent services (register, deregister, list, read, maintenance) and the texts of bad bodies.

Texts are pinned from real Consul 1.8.7; where 1.17+ answers otherwise, `newer` cites the source
(hashicorp/consul) and consulite is held to the newer text (shared/reference/agent-service-api.md).
"""

import json

import pytest

from tests.verified.helpers import ABSENT, NONEMPTY_STR, assert_contains, assert_error, newer

WEIGHTS = {"Passing": 1, "Warning": 1}


def test_register_then_read_and_list(target):
    name = target.name("web")
    status, _, body = target.put("/v1/agent/service/register",
                                 {"Name": name, "Port": 80, "Tags": ["a", "b"], "Meta": {"k": "v"}})
    assert (status, body) == (200, "")
    expected = {"ID": name, "Service": name, "Tags": ["a", "b"], "Meta": {"k": "v"}, "Port": 80,
                "Address": "", "EnableTagOverride": False, "Weights": WEIGHTS}
    status, _, services = target.get("/v1/agent/services")
    assert status == 200
    assert_contains(services, {name: expected})
    status, headers, service = target.get(f"/v1/agent/service/{name}")
    assert status == 200
    assert_contains(service, {**expected, "ContentHash": NONEMPTY_STR})
    assert headers["x-consul-contenthash"] == service["ContentHash"]


def test_content_hash_follows_the_definition(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Port": 80})
    first = target.get(f"/v1/agent/service/{name}").body["ContentHash"]
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Port": 80})
    assert target.get(f"/v1/agent/service/{name}").body["ContentHash"] == first
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Port": 81})
    second = target.get(f"/v1/agent/service/{name}")
    assert second.body["Port"] == 81 and second.body["ContentHash"] != first


def test_explicit_id_and_lowercase_keys(target):
    name, sid = target.name("api"), target.name("api-1")
    target.ok("PUT", "/v1/agent/service/register", {"name": name, "id": sid, "port": 8080, "tags": ["x"]})
    _status, _, services = target.get("/v1/agent/services")
    assert_contains(services[sid], {"ID": sid, "Service": name, "Port": 8080, "Tags": ["x"]})
    assert name not in services


def test_empty_tags_and_meta_render_as_empty(target):
    name = target.name("bare")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    _status, _, service = target.get(f"/v1/agent/service/{name}")
    assert_contains(service, {"Tags": [], "Meta": {}, "Port": 0, "Address": "", "Kind": ABSENT})


def test_read_unknown_service(target):
    assert_error(target.get(f"/v1/agent/service/{target.name('nope')}"), 404,
                 f"unknown service ID: {target.name('nope')}")


def test_deregister(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Check": {"TTL": "30s"}})
    assert f"service:{name}" in target.get("/v1/agent/checks").body
    status, _, body = target.put(f"/v1/agent/service/deregister/{name}")
    assert (status, body) == (200, "")
    assert name not in target.get("/v1/agent/services").body
    assert f"service:{name}" not in target.get("/v1/agent/checks").body  # its checks go with it


def test_deregister_unknown_service(target):
    sid = target.name("nope")
    r = target.put(f"/v1/agent/service/deregister/{sid}")
    # 1.8.7 answers 200 and does nothing; newer Consul refuses with 404 (agent/acl.go,
    # vetServiceUpdateWithAuthorizer; shared/reference/agent-service-api.md §1.4).
    status, text = newer(target, "agent/acl.go vetServiceUpdateWithAuthorizer", v187=(200, ""), current=(
        404, f'Unknown service ID "{sid}". Ensure that the service ID is passed, not the service name.'))
    assert_error(r, status, text)


def test_service_maintenance(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Tags": ["t"]})
    status, _, body = target.put(f"/v1/agent/service/maintenance/{name}?enable=true&reason=because")
    assert (status, body) == (200, "")
    checks = target.get("/v1/agent/checks").body
    assert_contains(checks[f"_service_maintenance:{name}"], {
        "CheckID": f"_service_maintenance:{name}", "Name": "Service Maintenance Mode", "Node": "node1",
        "Notes": "because", "Output": "", "ServiceID": name, "ServiceName": name, "ServiceTags": ["t"],
        "Status": "critical", "Type": "maintenance", "Definition": {}})
    target.ok("PUT", f"/v1/agent/service/maintenance/{name}?enable=false")
    assert f"_service_maintenance:{name}" not in target.get("/v1/agent/checks").body


def test_service_maintenance_default_reason(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    target.ok("PUT", f"/v1/agent/service/maintenance/{name}?enable=true")
    check = target.get("/v1/agent/checks").body[f"_service_maintenance:{name}"]
    assert check["Notes"] == ("Maintenance mode is enabled for this service, but no reason was provided. "
                              "This is a default message.")


@pytest.mark.parametrize("query, text", [
    ("", "Missing value for enable"),
    ("?enable=maybe", 'Invalid value for enable: "maybe"'),
])
def test_service_maintenance_bad_enable(target, query, text):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    assert_error(target.put(f"/v1/agent/service/maintenance/{name}{query}"), 400, text)


def test_service_maintenance_unknown_service(target):
    sid = target.name("nope")
    # newer Consul vets the ID first (agent/agent_endpoint.go AgentServiceMaintenance calls
    # vetServiceUpdateWithAuthorizer, agent/acl.go); 1.8.7 answered EnableServiceMaintenance's error
    text = newer(target, "agent/acl.go vetServiceUpdateWithAuthorizer", v187=f'No service registered with ID "{sid}"',
                 current=f'Unknown service ID "{sid}". Ensure that the service ID is passed, not the service name.')
    assert_error(target.put(f"/v1/agent/service/maintenance/{sid}?enable=true"), 404, text)


@pytest.mark.parametrize("body, text", [
    ("", "Request decode failed: EOF"),
    ({"Port": 80}, "Missing service name"),
    ({"Name": "x", "Bogus": 1}, 'Request decode failed: json: unknown field "Bogus"'),
    ({"Name": "x", "Check": {"TTL": "abc"}}, 'Request decode failed: time: invalid duration "abc"'),
    ({"Name": "x", "Check": {"Interval": "10s"}}, "Invalid check: TTL must be > 0 for TTL checks"),
    ({"Name": "x", "Check": {"TTL": "10s", "Interval": "10s"}},
     "Invalid check: Interval and TTL cannot both be specified"),
    ({"Name": "x", "Weights": {"Passing": 0, "Warning": 1}}, "Invalid Weights: Passing must be greater than 0"),
    ({"Name": "x", "Meta": {"consul-x": "1"}},
     "Invalid Service Meta: Couldn't load metadata pair ('consul-x', '1'): Key prefix 'consul-' is reserved "
     "for internal use"),
], ids=["empty", "no-name", "unknown-field", "bad-duration", "interval-only", "interval-and-ttl",
        "weights", "meta-reserved"])
def test_register_bad_body(target, body, text):
    assert_error(target.put("/v1/agent/service/register", body), 400, text)


def test_register_truncated_json(target):
    assert_error(target.put("/v1/agent/service/register", '{"Name": "x"'), 400,
                 "Request decode failed: unexpected EOF")


@pytest.mark.parametrize("body, err", [
    ('{"Name": x}', "invalid character 'x' looking for beginning of value"),
    ('{"Name" "x"}', "invalid character '\"' after object key"),
    ('{"Name": "x",}', "invalid character '}' looking for beginning of object key string"),
    ('{"Name": "\\q"}', "invalid character 'q' in string escape code"),
    ('{"Port": 1.}', "invalid character '}' after decimal point in numeric literal"),
    ('{"Name": tru}', "invalid character '}' in literal true (expecting 'e')"),
    ('{"Name":"x" "Port":1}', "invalid character '\"' after object key:value pair"),
    ("nul", "unexpected EOF"),
    ("  ", "EOF"),
])
def test_register_malformed_json(target, body, err):
    assert_error(target.put("/v1/agent/service/register", body), 400, f"Request decode failed: {err}")


def test_register_reads_the_first_json_value(target):
    """Go's json.Decoder reads one value and ignores what follows it."""
    name = target.name("web")
    assert target.put("/v1/agent/service/register", json.dumps({"Name": name}) + " trailing").status == 200
    assert target.get(f"/v1/agent/service/{name}").status == 200


def test_register_wrong_type(target):
    # the struct named in Go's type error depends on the Go version and Consul's alias structs
    # (shared/reference/agent-service-api.md §2.2.3); 1.8.7 names an anonymous struct
    text = newer(target, "agent/agent_endpoint.go AgentRegisterService (decodeBody into structs.ServiceDefinition)",
                 v187="Request decode failed: json: cannot unmarshal string into Go struct field .Port of type int",
                 current="Request decode failed: json: cannot unmarshal string into Go struct field "
                         "ServiceDefinition.Port of type int")
    assert_error(target.put("/v1/agent/service/register", {"Name": "x", "Port": "abc"}), 400, text)


def test_register_connect_proxy_without_destination(target):
    # newer Consul prefixes NodeService.Validate's errors with "Validation failed: " (agent/agent_endpoint.go
    # AgentRegisterService) and allows a SocketPath in place of the port (agent/structs/structs.go, 1.10+),
    # which changed the text and order of the port rule
    text = newer(target, "agent/agent_endpoint.go AgentRegisterService; agent/structs/structs.go NodeService.Validate",
                 v187="2 errors occurred:\n\t* Proxy.DestinationServiceName must be non-empty for Connect proxy "
                      "services\n\t* Port must be set for a Connect proxy\n",
                 current="Validation failed: 2 errors occurred:\n\t* Port or SocketPath must be set for a "
                         "connect-proxy\n\t* Proxy.DestinationServiceName must be non-empty for Connect proxy "
                         "services\n")
    assert_error(target.put("/v1/agent/service/register", {"Name": "x", "Kind": "connect-proxy"}), 400, text)


def test_nothing_registered_by_a_bad_body(target):
    name = target.name("bad")
    target.put("/v1/agent/service/register", {"Name": name, "Check": {"Interval": "10s"}})
    assert name not in target.get("/v1/agent/services").body


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/agent/service/register"),
    ("POST", "/v1/agent/service/register"),
    ("GET", "/v1/agent/service/deregister/x"),
    ("GET", "/v1/agent/service/maintenance/x"),
])
def test_wrong_method(target, method, path):
    assert_error(target.request(method, path, {"Name": "x"} if method == "POST" else None), 405,
                 f"method {method} not allowed")


def test_register_connect_proxy(target):
    name, dest = target.name("web-proxy"), target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {
        "Name": name, "Kind": "connect-proxy", "Port": 21000,
        "Proxy": {"DestinationServiceName": dest, "Upstreams": [{"DestinationName": "db", "LocalBindPort": 9191}]}})
    assert_contains(target.get(f"/v1/agent/service/{name}").body, {
        "ID": name, "Service": name, "Kind": "connect-proxy", "Port": 21000,
        "Proxy": {"DestinationServiceName": dest, "MeshGateway": {}, "Expose": {},
                  "Upstreams": [{"DestinationType": "service", "DestinationName": "db", "LocalBindPort": 9191,
                                 "MeshGateway": {}}]}})


def test_register_duplicate_upstream(target):
    upstream = {"DestinationName": "db", "LocalBindPort": 9191}
    body = {"Name": target.name("p"), "Kind": "connect-proxy", "Port": 21000,
            "Proxy": {"DestinationServiceName": "web", "Upstreams": [upstream, upstream]}}
    # newer Consul adds partition and peer to the upstream key and "Validation failed: " in front
    text = newer(target, "agent/structs/structs.go NodeService.Validate (UpstreamKey.String)",
                 v187='1 error occurred:\n\t* upstreams cannot contain duplicates of [type="service", name="db", '
                      'namespace="", datacenter=""]\n',
                 current='Validation failed: 1 error occurred:\n\t* upstreams cannot contain duplicates of '
                         '[type="service", name="db", partition="", namespace="", peer="", datacenter=""]\n')
    assert_error(target.put("/v1/agent/service/register", body), 400, text)


def test_agent_self(target):
    status, _, body = target.get("/v1/agent/self")
    assert status == 200
    assert_contains(body, {"Config": {"Datacenter": "dc1", "NodeName": "node1", "NodeID": NONEMPTY_STR},
                           "Member": {"Name": "node1", "Addr": "127.0.0.1"}})
    node_id = target.get("/v1/catalog/node/node1").body["Node"]["ID"]
    assert body["Config"]["NodeID"] == node_id


def test_agent_self_counts_services(target):
    before = int(target.get("/v1/agent/self").body["Stats"]["agent"]["services"])
    target.ok("PUT", "/v1/agent/service/register", {"Name": target.name("web")})
    assert int(target.get("/v1/agent/self").body["Stats"]["agent"]["services"]) == before + 1
