"""Verified: `PUT /v1/catalog/register` and `deregister` (agent/consul/catalog_endpoint.go), the nodes they add
in every catalog and health read, and their refusals (500s with Consul's texts, decode errors 400)."""

import pytest

from tests.verified.helpers import ANY_INDEX, assert_contains, assert_error, index, newer

RPC = "agent/consul/catalog_endpoint.go"


@pytest.fixture
def node(target):
    """A per-test node name, deregistered (with its services and checks) after the test."""
    name = target.name("node")
    yield name
    target.put("/v1/catalog/deregister", {"Node": name})


def _register(target, body):
    status, _, text = target.put("/v1/catalog/register", body)
    assert (status, text) == (200, True), text


def test_register_then_read_everywhere(target, node):
    svc = target.name("web")
    _register(target, {"Node": node, "Address": "10.1.0.1", "NodeMeta": {"rack": "r1"},
                       "TaggedAddresses": {"wan": "10.2.0.1"},
                       "Service": {"Service": svc, "Port": 80, "Tags": ["a"]},
                       "Checks": [{"Name": "alive", "Status": "passing"},
                                  {"CheckID": "web-up", "Name": "up", "ServiceID": svc, "Status": "passing"}]})
    node_json = {"ID": "", "Node": node, "Address": "10.1.0.1", "Datacenter": "dc1",
                 "TaggedAddresses": {"wan": "10.2.0.1"}, "Meta": {"rack": "r1"},
                 "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}
    r = target.get(f"/v1/catalog/node/{node}")
    assert r.status == 200 and index(r) > 0
    assert_contains(r.body, {"Node": node_json, "Services": {svc: {
        "ID": svc, "Service": svc, "Tags": ["a"], "Port": 80, "Meta": None, "Address": "",
        "Weights": {"Passing": 1, "Warning": 1}, "CreateIndex": ANY_INDEX}}})
    nodes = [n for n in target.get("/v1/catalog/nodes").body if n["Node"] == node]
    assert_contains(nodes, [node_json])
    assert [n["Node"] for n in target.get("/v1/catalog/nodes?node-meta=rack:r1").body] == [node]
    assert target.get("/v1/catalog/services?node-meta=rack:r1").body == {svc: ["a"]}
    assert_contains(target.get(f"/v1/catalog/service/{svc}").body, [{
        "Node": node, "Address": "10.1.0.1", "NodeMeta": {"rack": "r1"}, "TaggedAddresses": {"wan": "10.2.0.1"},
        "ServiceID": svc, "ServiceName": svc, "ServicePort": 80}])
    health = target.get(f"/v1/health/service/{svc}?passing").body
    assert [[c["CheckID"] for c in e["Checks"]] for e in health] == [["alive", "web-up"]]
    assert health[0]["Node"]["Node"] == node
    checks = target.get(f"/v1/health/node/{node}").body
    assert_contains(checks, [{"Node": node, "CheckID": "alive", "ServiceID": "", "Status": "passing"},
                             {"Node": node, "CheckID": "web-up", "ServiceID": svc, "ServiceName": svc,
                              "ServiceTags": ["a"]}])
    assert [c["CheckID"] for c in target.get(f"/v1/health/checks/{svc}").body] == ["web-up"]
    assert {c["CheckID"] for c in target.get("/v1/health/state/passing").body if c["Node"] == node} == {
        "alive", "web-up"}


def test_skip_node_update_keeps_the_node(target, node):
    _register(target, {"Node": node, "Address": "10.1.0.2", "NodeMeta": {"k": "v"}})
    before = target.get(f"/v1/catalog/node/{node}").body["Node"]
    _register(target, {"Node": node, "SkipNodeUpdate": True, "Service": {"Service": target.name("s")}})
    after = target.get(f"/v1/catalog/node/{node}").body["Node"]
    assert (after["Address"], after["Meta"], after["ModifyIndex"]) == ("10.1.0.2", {"k": "v"}, before["ModifyIndex"])


def test_an_unchanged_write_changes_no_index(target, node):
    body = {"Node": node, "Address": "10.1.0.3", "Service": {"Service": target.name("s"), "Port": 1}}
    _register(target, body)
    first = target.get(f"/v1/catalog/node/{node}").body
    _register(target, body)
    again = target.get(f"/v1/catalog/node/{node}").body
    assert again == first


def test_deregister_service_check_and_node(target, node):
    svc = target.name("s")
    _register(target, {"Node": node, "Address": "10.1.0.4", "Service": {"Service": svc},
                       "Checks": [{"Name": "n"}, {"Name": "c", "ServiceID": svc}]})
    assert target.put("/v1/catalog/deregister", {"Node": node, "CheckID": "n"})[::2] == (200, True)
    assert [c["CheckID"] for c in target.get(f"/v1/health/node/{node}").body] == ["c"]
    assert target.put("/v1/catalog/deregister", {"Node": node, "ServiceID": svc})[::2] == (200, True)
    assert target.get(f"/v1/health/node/{node}").body == []  # the service's checks went with it
    assert target.get(f"/v1/catalog/node/{node}").body["Services"] == {}
    assert target.put("/v1/catalog/deregister", {"Node": node})[::2] == (200, True)
    assert target.get(f"/v1/catalog/node/{node}").body is None
    # what is not there is no error
    assert target.put("/v1/catalog/deregister", {"Node": node, "ServiceID": "nope"})[::2] == (200, True)
    assert target.put("/v1/catalog/deregister", {"Node": node})[::2] == (200, True)


def test_a_check_defaults_to_critical_and_its_name_is_its_id(target, node):
    _register(target, {"Node": node, "Address": "10.1.0.5", "Check": {"Name": "c1"}})
    assert_contains(target.get(f"/v1/health/node/{node}").body, [
        {"CheckID": "c1", "Name": "c1", "Status": "critical", "Type": "", "Definition": {}}])


@pytest.mark.parametrize("body, text", [
    ({}, "Must provide node"),
    ({"Node": "x"}, "Must provide address if SkipNodeUpdate is not set"),
    ({"Node": "x", "Address": "1.2.3.4", "ID": "zzz"}, "Bad node ID: uuid string is wrong length"),
    ({"Node": "x", "Address": "1.2.3.4", "ID": "12345678a1234-1234-1234-123456789012"},
     "Bad node ID: uuid is improperly formatted"),
    ({"Node": "x", "Address": "1.2.3.4", "ID": "12345678-1234-1234-1234-12345678901x"},
     "Bad node ID: encoding/hex: invalid byte: U+0078 'x'"),
    ({"Node": "x", "Address": "1.2.3.4", "Service": {"Service": "s", "Address": "0.0.0.0"}},
     "Invalid service address"),
    ({"Node": "x", "Address": "1.2.3.4", "Service": {}},
     "failed inserting service: failed inserting service: object missing primary index"),
])
def test_refusals(target, body, text):
    assert_error(target.put("/v1/catalog/register", body), 500, text)
    assert target.get("/v1/catalog/node/x").body is None  # nothing written


def test_refusals_that_changed_after_1_8_7(target, node):
    r = target.put("/v1/catalog/register", {"Node": node, "Address": "1.2.3.4",
                                            "Service": {"Service": "s", "Kind": "connect-proxy"}})
    assert_error(r, 500, newer(
        target, "agent/structs/structs.go",
        v187="2 errors occurred:\n\t* Proxy.DestinationServiceName must be non-empty for Connect proxy services\n"
             "\t* Port must be set for a Connect proxy\n",
        current="2 errors occurred:\n\t* Port or SocketPath must be set for a connect-proxy\n"
                "\t* Proxy.DestinationServiceName must be non-empty for Connect proxy services\n"))
    assert_error(target.put("/v1/catalog/register", {"Node": node, "Address": "1.2.3.4", "Service": {"ID": "x"}}),
                 500, newer(target, RPC, v187="Must provide service name with ID",
                            current="Must provide service name (Service.Service) when service ID is provided"))
    # the check vetting of vetRegisterWithACL runs without ACLs in newer Consul; 1.8.7's state store said it
    r = target.put("/v1/catalog/register", {"Node": node, "Address": "1.2.3.4", "Check": {"Name": "c", "Node": "o"}})
    assert_error(r, 500, newer(target, RPC, v187=f'check node "o" does not match node "{node}"',
                               current=f"Node 'o' for check 'c' doesn't match register request node '{node}'"))
    r = target.put("/v1/catalog/register", {"Node": node, "Address": "1.2.3.4",
                                            "Check": {"Name": "c", "ServiceID": "nope"}})
    assert_error(r, 500, newer(target, RPC,
                               v187=f'failed inserting check: Missing service registration on node "{node}"',
                               current="Unknown service ID 'nope' for check ID 'c'"))
    r = target.put("/v1/catalog/register", {"Node": node, "Address": "1.2.3.4", "Check": {"Status": "passing"}})
    assert_error(r, 500, newer(
        target, "agent/consul/state/catalog.go",
        v187=f'failed inserting check: failed inserting check: object missing primary index on node "{node}"',
        current=f'failed inserting check on node "{node}": failed inserting check: object missing primary index'))


@pytest.mark.parametrize("path", ["/v1/catalog/register", "/v1/catalog/deregister"])
def test_decode_errors(target, path):
    assert_error(target.put(path, {"Node": "x", "Bogus": 1}), 400, 'Request decode failed: json: unknown field "Bogus"')
    struct = "RegisterRequest" if path.endswith("/register") else newer(
        target, "agent/catalog_endpoint.go (decodeBody into structs.DeregisterRequest)", v187="",
        current="DeregisterRequest")
    assert_error(target.put(path, {"Node": 1}), 400, "Request decode failed: json: cannot unmarshal number into Go "
                 f"struct field {struct}.Node of type string")
    assert_error(target.put(path, None), 400, "Request decode failed: EOF")
    assert_error(target.put("/v1/catalog/deregister", {}), 500, "Must provide node")
