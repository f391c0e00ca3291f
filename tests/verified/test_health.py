"""Verified: health (service, checks, state, node)."""

import pytest

from tests.verified.helpers import ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error, index

SERF = {"CheckID": "serfHealth", "Name": "Serf Health Status", "Node": "node1", "Status": "passing",
        "Output": "Agent alive and reachable", "ServiceID": "", "ServiceName": "", "ServiceTags": [],
        "Notes": "", "Type": "", "Definition": {}, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}


def _service_with_check(target, base="web", status="passing", **extra):
    name = target.name(base)
    target.ok("PUT", "/v1/agent/service/register",
              {"Name": name, "Port": 80, "Tags": ["a"], "Check": {"TTL": "30s", "Status": status}, **extra})
    target.synced()
    return name


def _own_checks(target, checks):
    return [c for c in checks if c["CheckID"] == "serfHealth" or target.prefix in c["CheckID"]]


def test_service(target):
    name = _service_with_check(target, Meta={"m": "1"})
    r = target.get(f"/v1/health/service/{name}")
    assert r.status == 200 and index(r) > 0
    assert_contains(r.body, [{
        "Node": {"Node": "node1", "Address": "127.0.0.1", "Datacenter": "dc1", "ID": NONEMPTY_STR,
                 "Meta": {"consul-network-segment": ""}},
        "Service": {"ID": name, "Service": name, "Tags": ["a"], "Port": 80, "Address": "", "Meta": {"m": "1"},
                    "EnableTagOverride": False, "Weights": {"Passing": 1, "Warning": 1}, "Connect": {},
                    "Proxy": {"Expose": {}, "MeshGateway": {}}},
        "Checks": [SERF, {"CheckID": f"service:{name}", "Name": f"Service '{name}' check", "Status": "passing",
                          "ServiceID": name, "ServiceName": name, "ServiceTags": ["a"], "Type": "ttl",
                          "Node": "node1"}]}])


def test_service_empty_meta_is_null(target):
    name = _service_with_check(target)
    assert target.get(f"/v1/health/service/{name}").body[0]["Service"]["Meta"] is None


@pytest.mark.parametrize("status, passing", [("passing", 1), ("warning", 1), ("critical", 0)])
def test_service_passing_filter(target, status, passing):
    name = _service_with_check(target, status=status)
    assert len(target.get(f"/v1/health/service/{name}").body) == 1
    assert len(target.get(f"/v1/health/service/{name}?passing").body) == (1 if status == "passing" else 0)
    assert len(target.get(f"/v1/health/service/{name}?passing=false").body) == 1


def test_service_passing_bad_value(target):
    assert_error(target.get(f"/v1/health/service/{target.name('x')}?passing=maybe"), 400,
                 "Invalid value for ?passing")


def test_service_tag_filter(target):
    name = _service_with_check(target)
    assert len(target.get(f"/v1/health/service/{name}?tag=a").body) == 1
    assert target.get(f"/v1/health/service/{name}?tag=z").body == []


def test_unknown_service(target):
    for path in ("/v1/health/service/", "/v1/health/checks/"):
        r = target.get(path + target.name("nope"))
        assert (r.status, r.body) == (200, [])
        assert index(r) > 0


def test_checks_of_a_service(target):
    name = _service_with_check(target, status="warning")
    status, _, body = target.get(f"/v1/health/checks/{name}")
    assert status == 200
    assert_contains(body, [{"CheckID": f"service:{name}", "Status": "warning", "ServiceID": name,
                            "ServiceName": name, "ServiceTags": ["a"], "Type": "ttl", "Node": "node1",
                            "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}])


def _two_checks_registered_out_of_order(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    for cid in ("b", "a"):  # registration order is the reverse of CheckID order
        target.ok("PUT", "/v1/agent/check/register",
                  {"Name": cid, "ID": target.name(cid), "TTL": "30s", "ServiceID": name})
    target.synced()
    return name


def test_checks_of_a_service_sorted_by_id(target):
    name = _two_checks_registered_out_of_order(target)
    ids = [c["CheckID"] for c in target.get(f"/v1/health/checks/{name}").body]
    assert ids == [target.name("a"), target.name("b")]


def test_node_checks_sorted_by_id(target):
    _two_checks_registered_out_of_order(target)
    ids = [c["CheckID"] for c in _own_checks(target, target.get("/v1/health/node/node1").body)]
    assert ids == ["serfHealth", target.name("a"), target.name("b")]


def test_state_sorted_by_id(target):
    _two_checks_registered_out_of_order(target)
    ids = [c["CheckID"] for c in _own_checks(target, target.get("/v1/health/state/critical").body)]
    assert ids == [target.name("a"), target.name("b")]


def test_node(target):
    name = _service_with_check(target)
    status, _, body = target.get("/v1/health/node/node1")
    assert status == 200
    assert_contains(sorted(_own_checks(target, body), key=lambda c: c["CheckID"]), [
        SERF, {"CheckID": f"service:{name}", "ServiceID": name, "Status": "passing"}])


def test_unknown_node(target):
    r = target.get("/v1/health/node/no-such-node")
    assert (r.status, r.body) == (200, [])


@pytest.mark.parametrize("state", ["passing", "warning", "critical", "any"])
def test_state(target, state):
    name = _service_with_check(target, status="warning")
    body = target.get(f"/v1/health/state/{state}").body
    own = {c["CheckID"]: c["Status"] for c in _own_checks(target, body)}
    expected = {"passing": {"serfHealth": "passing"}, "warning": {f"service:{name}": "warning"},
                "critical": {}, "any": {"serfHealth": "passing", f"service:{name}": "warning"}}[state]
    assert own == expected


def test_unknown_state(target):
    # neither 1.8.7 nor consulite refuses an unknown state: it matches no check
    r = target.get("/v1/health/state/bogus")
    assert (r.status, r.body) == (200, [])


def test_node_maintenance_in_health(target):
    name = _service_with_check(target)
    target.ok("PUT", "/v1/agent/maintenance?enable=true&reason=down")
    target.synced()
    [maint] = [c for c in target.get("/v1/health/node/node1").body if c["CheckID"] == "_node_maintenance"]
    assert_contains(maint, {"Status": "critical", "Notes": "down", "Type": "maintenance", "ServiceID": ""})
    assert target.get(f"/v1/health/service/{name}?passing").body == []
    checks = target.get(f"/v1/health/service/{name}").body[0]["Checks"]
    assert "_node_maintenance" in {c["CheckID"] for c in checks}


def test_service_maintenance_in_health(target):
    name = _service_with_check(target)
    target.ok("PUT", f"/v1/agent/service/maintenance/{name}?enable=true")
    target.synced()
    checks = target.get(f"/v1/health/checks/{name}").body
    assert {c["CheckID"]: c["Status"] for c in checks} == {f"service:{name}": "passing",
                                                           f"_service_maintenance:{name}": "critical"}
    assert target.get(f"/v1/health/service/{name}?passing").body == []
