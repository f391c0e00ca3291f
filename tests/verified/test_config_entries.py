"""Verified: config entries of the kinds Consul 1.8 has (write, read, list, delete, CAS, bad entries).

Newer kinds (service-intentions 1.9, mesh 1.10, exported-services 1.11, ...) are unknown to 1.8.7.
"""

import pytest

from tests.verified.helpers import ANY_INDEX, assert_contains, assert_error, index, newer

BAD_REQUEST = "agent/config_endpoint.go (HTTPError with the bare reason; 1.8.7 prefixed 'Bad request: ', " \
              "shared/reference/config-entries-and-resolver.md §1.6)"


def _write(target, entry, query=""):
    r = target.put(f"/v1/config{query}", entry)
    assert (r.status, r.body) == (200, True), r
    return r


def _http(target, name):
    _write(target, {"Kind": "service-defaults", "Name": name, "Protocol": "http"})


def _entries(target, name):
    """One entry of each 1.8 kind, named from `name` (with what each needs written first)."""
    return {
        "service-defaults": {"Kind": "service-defaults", "Name": name, "Protocol": "http"},
        "service-router": {"Kind": "service-router", "Name": name, "Routes": [
            {"Match": {"HTTP": {"PathPrefix": "/a"}}, "Destination": {"Service": target.name("b")}}]},
        "service-splitter": {"Kind": "service-splitter", "Name": name, "Splits": [
            {"Weight": 50}, {"Weight": 50, "Service": target.name("b")}]},
        "service-resolver": {"Kind": "service-resolver", "Name": name, "DefaultSubset": "v1",
                             "Subsets": {"v1": {"Filter": "Service.Meta.version == v1"}}, "ConnectTimeout": "5s"},
        "terminating-gateway": {"Kind": "terminating-gateway", "Name": name,
                                "Services": [{"Name": target.name("db"), "CAFile": "/ca.pem", "SNI": "db.example"}]},
    }


@pytest.mark.parametrize("kind", ["service-defaults", "service-router", "service-splitter", "service-resolver",
                                  "terminating-gateway"])
def test_write_read_list_delete(target, kind):
    name = target.name("web")
    if kind in ("service-router", "service-splitter"):
        _http(target, name)
        _http(target, target.name("b"))
    entry = _entries(target, name)[kind]
    before = index(target.get(f"/v1/config/{kind}"))
    _write(target, entry)
    r = target.get(f"/v1/config/{kind}/{name}")
    assert r.status == 200
    assert_contains(r.body, {**entry, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX})
    assert r.body["CreateIndex"] == r.body["ModifyIndex"] == index(r) > before
    listed = [e for e in target.get(f"/v1/config/{kind}").body if e["Name"] == name]
    assert_contains(listed, [r.body])
    d = target.delete(f"/v1/config/{kind}/{name}")
    assert (d.status, d.body) == (200, {})
    assert_error(target.get(f"/v1/config/{kind}/{name}"), 404, f'Config entry not found for "{kind}" / "{name}"')


def test_service_defaults_shape(target):
    name = target.name("web")
    _write(target, {"Kind": "service-defaults", "Name": name, "Protocol": "grpc"})
    assert_contains(target.get(f"/v1/config/service-defaults/{name}").body, {
        "Kind": "service-defaults", "Name": name, "Protocol": "grpc", "MeshGateway": {}, "Expose": {}})


def test_proxy_defaults(target):
    _write(target, {"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "http"}})
    assert_contains(target.get("/v1/config/proxy-defaults/global").body, {
        "Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "http"}, "MeshGateway": {},
        "Expose": {}, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX})
    assert [e["Name"] for e in target.get("/v1/config/proxy-defaults").body] == ["global"]
    assert target.delete("/v1/config/proxy-defaults/global")[::2] == (200, {})


def test_proxy_defaults_other_name(target):
    # newer Consul refuses every name but "global" (agent/structs/config_entry.go ProxyConfigEntry.Normalize;
    # config_entry_test.go "proxy config name provided is not global"); 1.8.7 accepted it
    r = target.put("/v1/config", {"Kind": "proxy-defaults", "Name": "other"})
    status, body = newer(target, "agent/structs/config_entry.go ProxyConfigEntry.Normalize", v187=(200, True),
                         current=(500, 'invalid name ("other"), only "global" is supported'))
    assert (r.status, r.body) == (status, body)
    target.delete("/v1/config/proxy-defaults/other")


def test_ingress_gateway(target):
    name, svc = target.name("ig"), target.name("web")
    _http(target, svc)
    _write(target, {"Kind": "ingress-gateway", "Name": name,
                    "Listeners": [{"Port": 8080, "Protocol": "http", "Services": [{"Name": svc}]}]})
    assert_contains(target.get(f"/v1/config/ingress-gateway/{name}").body, {
        "Kind": "ingress-gateway", "Name": name,
        "Listeners": [{"Port": 8080, "Protocol": "http", "Services": [{"Name": svc}]}]})


def test_ingress_gateway_zero_fields(target):
    name = target.name("ig")
    _write(target, {"Kind": "ingress-gateway", "Name": name,
                    "Listeners": [{"Port": 8080, "Protocol": "tcp", "Services": [{"Name": target.name("db")}]}]})
    body = target.get(f"/v1/config/ingress-gateway/{name}").body
    assert_contains(body, {"TLS": {"Enabled": False},
                           "Listeners": [{"Services": [{"Name": target.name("db"), "Hosts": None}]}]})


def test_list_is_sorted_by_name(target):
    for base in ("b", "a", "c"):
        _write(target, {"Kind": "service-defaults", "Name": target.name(base), "Protocol": "http"})
    names = [e["Name"] for e in target.get("/v1/config/service-defaults").body if e["Name"].startswith(target.prefix)]
    assert names == [target.name("a"), target.name("b"), target.name("c")]


def test_cas(target):
    name = target.name("web")
    entry = {"Kind": "service-defaults", "Name": name, "Protocol": "http"}
    assert target.put("/v1/config?cas=0", entry)[::2] == (200, True)  # 0: only if it does not exist
    assert target.put("/v1/config?cas=0", {**entry, "Protocol": "grpc"})[::2] == (200, False)
    modify = target.get(f"/v1/config/service-defaults/{name}").body["ModifyIndex"]
    assert target.put(f"/v1/config?cas={modify + 1000}", {**entry, "Protocol": "grpc"})[::2] == (200, False)
    assert target.get(f"/v1/config/service-defaults/{name}").body["Protocol"] == "http"
    assert target.put(f"/v1/config?cas={modify}", {**entry, "Protocol": "grpc"})[::2] == (200, True)
    after = target.get(f"/v1/config/service-defaults/{name}").body
    assert after["Protocol"] == "grpc" and after["ModifyIndex"] > modify and after["CreateIndex"] < after["ModifyIndex"]
    assert_error(target.put("/v1/config?cas=abc", entry), 500, 'strconv.ParseUint: parsing "abc": invalid syntax')


def test_read_errors(target):
    name = target.name("nope")
    r = target.get(f"/v1/config/service-defaults/{name}")
    assert_error(r, 404, f'Config entry not found for "service-defaults" / "{name}"')
    assert index(r) > 0
    assert_error(target.get("/v1/config/bogus-kind/x"), 500, "invalid config entry kind: bogus-kind")
    assert_error(target.get("/v1/config/bogus-kind"), 500, "invalid config entry kind: bogus-kind")


def test_delete_errors(target):
    assert target.delete(f"/v1/config/service-defaults/{target.name('nope')}")[::2] == (200, {})
    assert_error(target.delete("/v1/config/bogus/x"), 400, "invalid config entry kind: bogus")
    assert_error(target.delete("/v1/config/service-defaults"), 404, "Must provide both a kind and name to delete")


@pytest.mark.parametrize("kind", ["service-intentions", "mesh", "exported-services"])
def test_kinds_newer_than_1_8(target, kind):
    # 1.8.7 does not know these kinds; newer Consul lists them (agent/structs/config_entry.go MakeConfigEntry)
    status, body = newer(target, "agent/structs/config_entry.go MakeConfigEntry",
                         v187=(500, f"invalid config entry kind: {kind}"), current=(200, []))
    r = target.get(f"/v1/config/{kind}")
    assert (r.status, r.body if r.status == 200 else r.body.rstrip("\n")) == (status, body)


@pytest.mark.parametrize("body, text", [
    ({"Kind": "bogus", "Name": "x"}, "Request decoding failed: invalid config entry kind: bogus"),
    ({"Name": "x"}, "Request decoding failed: Payload does not contain a kind/Kind key at the top level"),
    ("", "Request decoding failed: EOF"),
    ({"Kind": "service-defaults", "Name": "x", "Bogus": 1},
     'Request decoding failed: 1 error occurred:\n\t* invalid config key "Bogus"\n'),
], ids=["unknown-kind", "no-kind", "empty", "unknown-key"])
def test_write_decode_errors(target, body, text):
    expected = newer(target, BAD_REQUEST, v187="Bad request: " + text, current=text)
    assert_error(target.put("/v1/config", body), 400, expected)


def test_write_truncated_json(target):
    expected = newer(target, BAD_REQUEST, v187="Bad request: Request decoding failed: unexpected EOF",
                     current="Request decoding failed: unexpected EOF")
    assert_error(target.put("/v1/config", '{"Kind": "service-defaults"'), 400, expected)


def test_service_defaults_without_name(target):
    text = newer(target, "agent/structs/config_entry.go ServiceConfigEntry.Validate (shared/reference/"
                         "config-entries-and-resolver.md §3: each Validate says 'Name is required')",
                 v187="serviceName is required", current="Name is required")
    assert_error(target.put("/v1/config", {"Kind": "service-defaults"}), 500, text)


@pytest.mark.parametrize("entry_of, text_of", [
    (lambda n, t: {"Kind": "service-splitter", "Name": n, "Splits": [{"Weight": 50}, {"Weight": 40,
                                                                                    "Service": "b"}]},
     lambda n, t: "the sum of all split weights must be 100, not 90.000000"),
    (lambda n, t: {"Kind": "service-resolver", "Name": n, "DefaultSubset": "v9"},
     lambda n, t: 'DefaultSubset "v9" is not a valid subset'),
    (lambda n, t: {"Kind": "service-router", "Name": n, "Routes": [{"Match": {"HTTP": {"PathPrefix": "a"}}}]},
     lambda n, t: 'Route[0] PathPrefix doesn\'t start with \'/\': "a"'),
    (lambda n, t: {"Kind": "terminating-gateway", "Name": n, "Services": [{"Name": "db", "CertFile": "c.pem"}]},
     lambda n, t: 'Service "db" must have a CertFile, CAFile, and KeyFile specified for TLS origination'),
    (lambda n, t: {"Kind": "ingress-gateway", "Name": n, "Listeners": [{"Port": 1, "Protocol": "udp",
                                                                           "Services": [{"Name": "a"}]}]},
     lambda n, t: "protocol must be 'tcp', 'http', 'http2', or 'grpc'. 'udp' is an unsupported protocol"),
    (lambda n, t: {"Kind": "ingress-gateway", "Name": n, "Listeners": [{"Port": 1, "Protocol": "tcp",
                                                                           "Services": []}]},
     lambda n, t: "No service declared for listener with port 1"),
], ids=["split-sum", "default-subset", "path-prefix", "tls-files", "ingress-protocol", "ingress-no-service"])
def test_bad_entries(target, entry_of, text_of):
    name = target.name("web")
    _http(target, name)
    assert_error(target.put("/v1/config", entry_of(name, target)), 500, text_of(name, target))


def test_subset_filter_must_parse(target):
    name = target.name("web")
    body = {"Kind": "service-resolver", "Name": name, "Subsets": {"v1": {"Filter": "Service.Meta.version =="}}}
    text = newer(target, "agent/structs/config_entry_discoverychain.go (ServiceResolverConfigEntry.Validate "
                         "creates a go-bexpr evaluator of each subset Filter; 1.8.7 stored any text)",
                 v187=None, current='Filter for subset "v1" is not a valid expression: 1:24 (23): no match found, '
                                    'expected: "-", "0", "\\"", "`", [ \\t\\r\\n], [1-9] or [a-zA-Z]')
    r = target.put("/v1/config", body)
    if text is None:
        assert r.status == 200
        target.delete(f"/v1/config/service-resolver/{name}")
    else:
        assert_error(r, 500, text)


def test_splitter_duplicate_destination(target):
    name = target.name("web")
    _http(target, name)
    # newer Consul adds the partition to the text (same file)
    text = newer(target, "agent/structs/config_entry_discoverychain.go ServiceSplitterConfigEntry.Validate",
                 v187=f'split destination occurs more than once: service="{name}", subset="", namespace=""',
                 current=f'split destination occurs more than once: service="{name}", subset="", namespace="", '
                         'partition=""')
    assert_error(target.put("/v1/config", {"Kind": "service-splitter", "Name": name,
                                           "Splits": [{"Weight": 50}, {"Weight": 50}]}), 500, text)


def test_router_on_tcp_service(target):
    name = target.name("tcp")
    _write(target, {"Kind": "service-defaults", "Name": name, "Protocol": "tcp"})
    assert_error(target.put("/v1/config", {"Kind": "service-router", "Name": name, "Routes": [
        {"Match": {"HTTP": {"PathPrefix": "/a"}}, "Destination": {"Service": "b"}}]}), 500,
        f'discovery chain "{name}" uses a protocol "tcp" that does not permit advanced routing or splitting behavior')


def test_protocol_change_under_a_router(target):
    name = target.name("web")
    _http(target, name)
    _write(target, {"Kind": "service-router", "Name": name, "Routes": [
        {"Match": {"HTTP": {"PathPrefix": "/a"}}, "Destination": {"Service": name}}]})
    assert_error(target.put("/v1/config", {"Kind": "service-defaults", "Name": name, "Protocol": "tcp"}), 500,
                 f'discovery chain "{name}" uses a protocol "tcp" that does not permit advanced routing or '
                 'splitting behavior')
    assert target.get(f"/v1/config/service-defaults/{name}").body["Protocol"] == "http"  # nothing half-applied


def test_router_first_error_only(target):
    name = target.name("web")
    _http(target, name)
    assert_error(target.put("/v1/config", {"Kind": "service-router", "Name": name, "Routes": [
        {"Match": {"HTTP": {"PathPrefix": "a", "PathExact": "/b"}}}]}), 500,
        'Route[0] PathPrefix doesn\'t start with \'/\': "a"')


def test_ingress_multiple_services_on_tcp(target):
    text = newer(target, "agent/structs/config_entry_gateways.go IngressGatewayConfigEntry.Validate",
                 v187="Multiple services per listener are only supported for protocol = 'http' (listener on port 8080)",
                 current="Multiple services per listener are only supported for L7 protocols, 'http', 'grpc' and "
                         "'http2' (listener on port 8080)")
    assert_error(target.put("/v1/config", {"Kind": "ingress-gateway", "Name": target.name("ig"), "Listeners": [
        {"Port": 8080, "Protocol": "tcp", "Services": [{"Name": "a"}, {"Name": "b"}]}]}), 500, text)


def test_ingress_wildcard_with_hosts(target):
    assert_error(target.put("/v1/config", {"Kind": "ingress-gateway", "Name": target.name("ig"), "Listeners": [
        {"Port": 8080, "Protocol": "http", "Services": [{"Name": "*", "Hosts": ["a.example"]}]}]}), 500,
        "Associating hosts to a wildcard service is not supported (listener on port 8080)")


def test_nothing_written_by_a_bad_entry(target):
    name = target.name("web")
    target.put("/v1/config", {"Kind": "service-resolver", "Name": name, "DefaultSubset": "v9"})
    assert target.get(f"/v1/config/service-resolver/{name}").status == 404
