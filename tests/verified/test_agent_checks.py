"""Verified: agent checks (register, TTL pass/warn/fail/update, deregister, node maintenance, bad input)."""

import pytest

from tests.verified.helpers import ANY, assert_contains, assert_error, newer


def _ttl_check(target, base="ttl", **extra):
    cid = target.name(base)
    target.ok("PUT", "/v1/agent/check/register", {"Name": cid, "ID": cid, "TTL": "30s", **extra})
    return cid


def test_register_ttl_check(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Tags": ["a"]})
    cid = target.name("ttl")
    status, _, body = target.put("/v1/agent/check/register",
                                 {"Name": "my check", "ID": cid, "TTL": "30s", "ServiceID": name, "Notes": "n"})
    assert (status, body) == (200, "")
    assert_contains(target.get("/v1/agent/checks").body[cid], {
        "CheckID": cid, "Name": "my check", "Node": "node1", "Notes": "n", "Output": "", "ServiceID": name,
        "ServiceName": name, "ServiceTags": ["a"], "Status": "critical", "Type": "ttl"})


def test_register_check_id_defaults_to_name(target):
    name = target.name("by-name")
    target.ok("PUT", "/v1/agent/check/register", {"Name": name, "TTL": "30s", "Status": "passing"})
    assert_contains(target.get("/v1/agent/checks").body[name], {"CheckID": name, "Status": "passing",
                                                                 "ServiceID": "", "ServiceTags": []})


def test_agent_check_view_has_no_raft_index(target):
    cid = _ttl_check(target)
    assert_contains(target.get("/v1/agent/checks").body[cid], {"CreateIndex": 0, "ModifyIndex": 0,
                                                               "Definition": {}})


@pytest.mark.parametrize("verb, status", [("pass", "passing"), ("warn", "warning"), ("fail", "critical")])
def test_ttl_verbs(target, verb, status):
    cid = _ttl_check(target)
    r = target.put(f"/v1/agent/check/{verb}/{cid}?note=said+so")
    assert (r.status, r.body) == (200, "")
    assert_contains(target.get("/v1/agent/checks").body[cid], {"Status": status, "Output": "said so"})
    target.synced()
    [check] = [c for c in target.get("/v1/health/node/node1").body if c["CheckID"] == cid]
    assert check["Status"] == status
    if status != "critical":  # a change of status carries its output to the catalog at once
        assert check["Output"] == "said so"


def test_output_only_update_reaches_the_catalog_later(target):
    # an output-only TTL update (status unchanged): the agent shows it at once; its local state defers the
    # catalog's copy by check_update_interval (5 minutes by default; agent/local/state.go UpdateCheck)
    cid = _ttl_check(target, Status="passing")
    target.synced()
    target.ok("PUT", f"/v1/agent/check/pass/{cid}?note=new+output")
    assert target.get("/v1/agent/checks").body[cid]["Output"] == "new output"
    _ttl_check(target, "other")  # a change the agent syncs at once; wait for that sync round to land
    target.synced()
    [check] = [c for c in target.get("/v1/health/node/node1").body if c["CheckID"] == cid]
    assert (check["Status"], check["Output"]) == ("passing", "")


def test_ttl_update(target):
    cid = _ttl_check(target)
    r = target.put(f"/v1/agent/check/update/{cid}", {"Status": "warning", "Output": "out"})
    assert (r.status, r.body) == (200, "")
    assert_contains(target.get("/v1/agent/checks").body[cid], {"Status": "warning", "Output": "out"})


@pytest.mark.parametrize("body, text", [
    ({"Status": "bogus"}, "Invalid check status: 'bogus'"),
    ({"Output": "o"}, "Invalid check status: ''"),
    ("", "Request decode failed: EOF"),
    ({"Status": "passing", "Bogus": 1}, 'Request decode failed: json: unknown field "Bogus"'),
], ids=["bad-status", "no-status", "empty", "unknown-field"])
def test_ttl_update_bad_body(target, body, text):
    cid = _ttl_check(target)
    assert_error(target.put(f"/v1/agent/check/update/{cid}", body), 400, text)


def test_ttl_update_truncated_json(target):
    cid = _ttl_check(target)
    assert_error(target.put(f"/v1/agent/check/update/{cid}", '{"Status": "passing"'), 400,
                 "Request decode failed: unexpected EOF")


@pytest.mark.parametrize("method, path, body", [
    ("PUT", "/v1/agent/check/pass/{id}", None),
    ("PUT", "/v1/agent/check/update/{id}", {"Status": "passing"}),
])
def test_ttl_unknown_check(target, method, path, body):
    cid = target.name("nope")
    # newer Consul vets the check ID first and answers 404 (agent/acl.go vetCheckUpdateWithAuthorizer);
    # 1.8.7 answered updateTTLCheck's 500
    status, text = newer(target, "agent/acl.go vetCheckUpdateWithAuthorizer",
                         v187=(500, f'CheckID "{cid}" does not have associated TTL'),
                         current=(404, f'Unknown check ID "{cid}". Ensure that the check ID is passed, '
                                       'not the check name.'))
    assert_error(target.request(method, path.format(id=cid), body), status, text)


def test_ttl_verb_on_a_check_without_ttl(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    target.ok("PUT", f"/v1/agent/service/maintenance/{name}?enable=true")
    cid = f"_service_maintenance:{name}"
    assert_error(target.put(f"/v1/agent/check/pass/{cid}"), 500, f'CheckID "{cid}" does not have associated TTL')


def test_ttl_output_is_capped(target):
    cid = _ttl_check(target)
    target.ok("PUT", f"/v1/agent/check/update/{cid}", {"Status": "passing", "Output": "x" * 5000})
    output = target.get("/v1/agent/checks").body[cid]["Output"]
    assert output == "x" * 4096 + " ... (captured 4096 of 5000 bytes)"


def test_reregistering_keeps_status_and_output(target):
    cid = _ttl_check(target)
    target.ok("PUT", f"/v1/agent/check/pass/{cid}?note=fine")
    target.ok("PUT", "/v1/agent/check/register", {"Name": "renamed", "ID": cid, "TTL": "30s"})
    assert_contains(target.get("/v1/agent/checks").body[cid], {"Name": "renamed", "Status": "passing",
                                                               "Output": "fine"})


def test_deregister_check(target):
    cid = _ttl_check(target)
    r = target.put(f"/v1/agent/check/deregister/{cid}")
    assert (r.status, r.body) == (200, "")
    assert cid not in target.get("/v1/agent/checks").body


def test_deregister_unknown_check(target):
    cid = target.name("nope")
    status, text = newer(target, "agent/acl.go vetCheckUpdateWithAuthorizer", v187=(200, ""), current=(
        404, f'Unknown check ID "{cid}". Ensure that the check ID is passed, not the check name.'))
    assert_error(target.put(f"/v1/agent/check/deregister/{cid}"), status, text)


@pytest.mark.parametrize("body, status, text", [
    ("", 400, "Request decode failed: EOF"),
    ({"TTL": "5s"}, 400, "Missing check name"),
    ({"Name": "x"}, 400, "Invalid check: TTL must be > 0 for TTL checks"),
    ({"Name": "x", "TTL": "5s", "Status": "bogus"}, 400, "Bad check status"),
    ({"Name": "x", "TTL": "5s", "Bogus": 1}, 400, 'Request decode failed: json: unknown field "Bogus"'),
    ({"Name": "x", "TTL": "abc"}, 400, 'Request decode failed: time: invalid duration "abc"'),
    ({"Name": "x", "Args": ["true"], "Interval": "10s"}, 500,
     "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true"),
], ids=["empty", "no-name", "no-type", "bad-status", "unknown-field", "bad-duration", "script"])
def test_register_bad_check(target, body, status, text):
    assert_error(target.put("/v1/agent/check/register", body), status, text)


def test_register_check_for_an_unknown_service(target):
    # newer Consul answers a missing ServiceID with a 404 (agent/agent_endpoint.go AgentRegisterCheck)
    status = newer(target, "agent/agent_endpoint.go AgentRegisterCheck", v187=500, current=404)
    body = {"Name": "x", "TTL": "5s", "ServiceID": "no-such-service"}
    assert_error(target.put("/v1/agent/check/register", body), status, 'ServiceID "no-such-service" does not exist')


def test_register_http_check_without_interval(target):
    # newer Consul knows more interval check types (agent/structs/check_type.go CheckType.Validate)
    text = newer(target, "agent/structs/check_type.go CheckType.Validate",
                 v187="Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks",
                 current="Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks")
    assert_error(target.put("/v1/agent/check/register", {"Name": "x", "HTTP": "http://127.0.0.1:1/"}), 400, text)


def test_node_maintenance(target):
    target.ok("PUT", "/v1/agent/maintenance?enable=true&reason=r")
    assert_contains(target.get("/v1/agent/checks").body["_node_maintenance"], {
        "CheckID": "_node_maintenance", "Name": "Node Maintenance Mode", "Notes": "r", "Status": "critical",
        "Type": "maintenance", "ServiceID": "", "ServiceName": "", "ServiceTags": []})
    target.ok("PUT", "/v1/agent/maintenance?enable=false")
    assert "_node_maintenance" not in target.get("/v1/agent/checks").body


@pytest.mark.parametrize("query, text", [("", "Missing value for enable"),
                                         ("?enable=yes", 'Invalid value for enable: "yes"')])
def test_node_maintenance_bad_enable(target, query, text):
    assert_error(target.put(f"/v1/agent/maintenance{query}"), 400, text)


def test_agent_health_by_id_and_name(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "ID": name, "Check": {"TTL": "30s"}})
    status, _, body = target.get(f"/v1/agent/health/service/id/{name}")
    assert status == 503
    assert_contains(body, {"AggregatedStatus": "critical", "Service": {"ID": name, "Service": name}})
    target.ok("PUT", f"/v1/agent/check/pass/service:{name}")
    status, _, body = target.get(f"/v1/agent/health/service/id/{name}")
    assert (status, body["AggregatedStatus"]) == (200, "passing")
    target.ok("PUT", f"/v1/agent/check/warn/service:{name}")
    status, _, body = target.get(f"/v1/agent/health/service/name/{name}")
    assert status == 429
    assert_contains(body, [{"AggregatedStatus": "warning", "Service": {"ID": name}, "Checks": ANY}])
    status, _, text = target.get(f"/v1/agent/health/service/name/{name}?format=text")
    assert (status, text) == (429, "warning")


def test_agent_health_check_shape(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Check": {"TTL": "30s"}})
    [check] = target.get(f"/v1/agent/health/service/id/{name}").body["Checks"]
    assert_contains(check, {"CheckID": f"service:{name}", "Type": "", "ServiceTags": None, "CreateIndex": 0,
                            "Definition": {"Interval": "0s", "Timeout": "0s", "HTTP": "", "TCP": "",
                                           "DeregisterCriticalServiceAfter": "0s"}})


def test_agent_health_unknown(target):
    sid = target.name("nope")
    status, _, body = target.get(f"/v1/agent/health/service/id/{sid}")
    assert (status, body) == (404, {"AggregatedStatus": "critical", "Service": None, "Checks": None})
    status, _, body = target.get(f"/v1/agent/health/service/name/{sid}")
    assert (status, body) == (404, [])
    assert target.get(f"/v1/agent/health/service/id/{sid}?format=text")[::2] == (404, f"ServiceId {sid} not found")


def test_alias_check_with_interval(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name})
    r = target.put("/v1/agent/check/register", {"Name": target.name("alias"), "AliasService": name,
                                                 "Interval": "10s"})
    assert (r.status, r.body) == (200, "")
    assert target.get("/v1/agent/checks").body[target.name("alias")]["Type"] == "alias"


def test_alias_check_with_an_interval_check_type(target):
    # agent/structs/check_type.go CheckType.Validate: the alias rule is about interval check types
    body = {"Name": target.name("alias"), "AliasService": "x", "HTTP": "http://127.0.0.1:1/", "Interval": "10s"}
    assert_error(target.put("/v1/agent/check/register", body), 400,
                 "Invalid check: Interval cannot be set for Alias checks")


@pytest.mark.parametrize("path, body", [
    ("/v1/agent/check/update/{id}", {"Status": "passing", "Output": "x" * 300}),
    ("/v1/agent/check/pass/{id}?note=" + "x" * 300, None),
], ids=["update", "pass"])
def test_ttl_output_cap_follows_output_max_size(target, path, body):
    # agent/agent.go addCheck lowers the 4096-byte cap to the check's OutputMaxSize; CheckTTL.SetStatus cuts
    # the output once, counting the bytes sent
    cid = _ttl_check(target, OutputMaxSize=100)
    target.ok("PUT", path.format(id=cid), body)
    assert target.get("/v1/agent/checks").body[cid]["Output"] == "x" * 100 + " ... (captured 100 of 300 bytes)"


def test_reregistering_a_service_keeps_its_check_state(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Check": {"TTL": "30s"}})
    target.ok("PUT", f"/v1/agent/check/warn/service:{name}?note=slow")
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Check": {"TTL": "30s", "Status": "passing"}})
    assert_contains(target.get("/v1/agent/checks").body[f"service:{name}"], {"Status": "warning", "Output": "slow"})
