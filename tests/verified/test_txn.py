"""Verified: PUT /v1/txn (reference kv-sessions-txn.md §3; agent/txn_endpoint.go, agent/consul/state/txn.go)."""

from tests.verified.helpers import ANY, ANY_INDEX, assert_contains, assert_error, newer


def test_set_then_get(target):
    key = target.name("t")
    r = target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": key, "Value": "YQ=="}},
                               {"KV": {"Verb": "get", "Key": key}}])
    assert r.status == 200 and r.body["Errors"] is None
    assert_contains(r.body["Results"], [
        {"KV": {"LockIndex": 0, "Key": key, "Flags": 0, "Value": None, "CreateIndex": ANY_INDEX,
                "ModifyIndex": ANY_INDEX}},
        {"KV": {"Key": key, "Value": "YQ=="}}])
    assert "x-consul-index" not in r.headers and "x-consul-knownleader" not in r.headers  # the write path


def test_read_only_path(target):
    key = target.name("ro")
    target.ok("PUT", f"/v1/kv/{key}", "a")
    r = target.put("/v1/txn", [{"KV": {"Verb": "get", "Key": key}}])
    assert r.status == 200 and r.headers["x-consul-knownleader"] == "true" and "x-consul-index" not in r.headers
    assert_contains(r.body, {"Results": [{"KV": {"Key": key, "Value": "YQ=="}}], "Errors": None,
                             "Index": newer(target, "agent/consul/txn_endpoint_test.go", v187=0, current=1),
                             "LastContact": 0, "KnownLeader": True, "ConsistencyLevel": ""})


def test_every_error_is_collected_and_nothing_applied(target):
    key, fresh = target.name("t"), target.name("fresh")
    target.ok("PUT", f"/v1/kv/{key}", "a")
    modify = target.get(f"/v1/kv/{key}").body[0]["ModifyIndex"]
    r = target.put("/v1/txn", [
        {"KV": {"Verb": "set", "Key": fresh, "Value": "YQ=="}},
        {"KV": {"Verb": "get", "Key": target.name("zz")}},
        {"KV": {"Verb": "cas", "Key": key, "Index": modify + 1000}},
        {"KV": {"Verb": "check-index", "Key": key, "Index": 1}},
        {"KV": {"Verb": "check-session", "Key": key, "Session": "x"}},
        {"KV": {"Verb": "check-not-exists", "Key": key}},
        {"KV": {"Verb": "delete-cas", "Key": key, "Index": 1}},
        {"KV": {"Verb": "unlock", "Key": key, "Session": "x"}},
        {"KV": {"Verb": "bogus", "Key": key}}])
    assert r.status == 409 and r.body["Results"] is None
    assert [(e["OpIndex"], e["What"]) for e in r.body["Errors"]] == [
        (1, f'key "{target.name("zz")}" doesn\'t exist'),
        (2, f'failed to set key "{key}", index is stale'),
        (3, f'failed index check for key "{key}", current modify index {modify} != 1'),
        (4, f'failed session check for key "{key}", current session "" != "x"'),
        (5, f'key "{key}" exists'),
        (6, f'failed to delete key "{key}", index is stale'),
        (7, f'failed to unlock key "{key}", lock isn\'t held, or is held by another session'),
        (8, 'unknown KV verb "bogus"')]
    assert target.get(f"/v1/kv/{fresh}").status == 404  # nothing applied


def test_body_errors(target):
    assert_error(target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": "a", "Value": "!!"}}]), 400,
                 "Failed to parse body: illegal base64 data at input byte 0")
    assert_error(target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": "a", "Foo": 1}}]), 400,
                 'Failed to parse body: json: unknown field "Foo"')
    assert_error(target.put("/v1/txn", {}), 400,
                 "Failed to parse body: json: cannot unmarshal object into Go value of type api.TxnOps")
    assert_error(target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": "a", "Value": "YQ"}}]), 400,
                 "Failed to parse body: illegal base64 data at input byte 0")
    assert_error(target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": "a", "Flags": -1}}]), 400,
                 "Failed to parse body: json: cannot unmarshal number -1 into Go struct field KVTxnOp.KV.Flags "
                 "of type uint64")
    r = target.put("/v1/txn", [{"KV": None}, {"Check": None}])  # no operation at all: an empty read
    assert (r.status, r.body["Results"]) == (200, [])
    r = target.put("/v1/txn", [{"KV": {"Verb": "set", "Key": ""}}])
    assert (r.status, r.body["Errors"]) == (409, [{"OpIndex": 0, "What": "Must provide key"}])


def test_too_many_operations(target):
    ops = [{"KV": {"Verb": "get", "Key": "a"}}] * 129
    limit = newer(target, "agent/txn_endpoint.go (PR #14599)", v187=64, current=128)
    assert_error(target.put("/v1/txn", ops[:limit + 1]), 413,
                 f"Transaction contains too many operations ({limit + 1} > {limit})")


def test_catalog_verbs_of_the_node(target):
    r = target.put("/v1/txn", [{"Node": {"Verb": "get", "Node": {"Node": "node1"}}},
                               {"Check": {"Verb": "get", "Check": {"Node": "node1", "CheckID": "serfHealth"}}}])
    assert r.status == 200
    assert_contains(r.body["Results"], [{"Node": {"Node": "node1", "Address": "127.0.0.1", "ID": ANY}},
                                        {"Check": {"CheckID": "serfHealth", "Status": "passing"}}])
    r = target.put("/v1/txn", [
        {"Node": {"Verb": "get", "Node": {"Node": "nonode"}}},
        {"Service": {"Verb": "get", "Node": "node1", "Service": {"ID": "nosvc"}}},
        {"Check": {"Verb": "get", "Check": {"Node": "node1", "CheckID": "nock"}}},
        {"Check": {"Verb": "frob", "Check": {"Node": "node1", "CheckID": "nock"}}}])
    assert (r.status, r.body["Errors"]) == (409, [
        {"OpIndex": 0, "What": 'node "nonode" doesn\'t exist'},
        {"OpIndex": 1, "What": 'service "nosvc" on node "node1" doesn\'t exist'},
        {"OpIndex": 2, "What": 'check "nock" on node "node1" doesn\'t exist'},
        {"OpIndex": 3, "What": 'unknown Check verb "frob"'}])
