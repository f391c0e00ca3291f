"""Verified: /v1/session (reference kv-sessions-txn.md §2; agent/session_endpoint.go,
agent/consul/session_endpoint.go, agent/consul/state/session.go)."""

import pytest

from tests.verified.helpers import ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error, index

UUID_ERROR = "failed session lookup: index error: UUID must be 36 characters"  # real 1.8.7 (memdb's UUID index)


def _create(target, body=None):
    status, _, out = target.put("/v1/session/create", body)
    assert status == 200, out
    return out["ID"]


def test_create_defaults_and_shape(target):
    sid = _create(target, {"Name": "s1", "TTL": "15s"})
    r = target.get(f"/v1/session/info/{sid}")
    assert r.status == 200 and index(r) >= 1
    assert_contains(r.body, [{"ID": sid, "Name": "s1", "Node": "node1", "LockDelay": 15000000000,
                              "Behavior": "release", "TTL": "15s", "NodeChecks": ["serfHealth"],
                              "ServiceChecks": None, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}])
    assert "Checks" not in r.body[0]  # omitempty (§2.3)
    assert any(s["ID"] == sid for s in target.get("/v1/session/list").body)
    assert any(s["ID"] == sid for s in target.get("/v1/session/node/node1").body)
    assert target.get(f"/v1/session/node/{target.name('nonode')}").body == []
    assert_contains(target.put(f"/v1/session/renew/{sid}").body, [{"ID": sid, "TTL": "15s"}])
    assert target.put(f"/v1/session/destroy/{sid}")[::2] == (200, True)
    assert target.get(f"/v1/session/info/{sid}").body == []  # §2.4


def test_no_checks_and_lock_delay_in_seconds(target):
    sid = _create(target, {"Checks": [], "LockDelay": 20, "Behavior": "delete"})
    assert_contains(target.get(f"/v1/session/info/{sid}").body,
                    [{"NodeChecks": [], "LockDelay": 20000000000, "Behavior": "delete"}])  # §2.2
    target.ok("PUT", f"/v1/session/destroy/{sid}")


@pytest.mark.parametrize("body, text", [
    ({"TTL": "3s"}, "Invalid Session TTL '3000000000', must be between [10s=24h0m0s]"),
    ({"TTL": "abc"}, "Session TTL 'abc' invalid: time: invalid duration \"abc\""),
    ({"Behavior": "foo"}, "Invalid Behavior setting 'foo'"),
    ({"Node": "n2"}, "Missing node registration"),
    ({"Checks": ["nope"]}, "Missing check 'nope' registration"),
])
def test_create_refusals(target, body, text):
    assert_error(target.put("/v1/session/create", body), 500, text)  # §2.2


def test_create_decode_errors(target):
    assert_error(target.put("/v1/session/create", {"LockDelay": "15"}), 400,
                 'Request decode failed: time: missing unit in duration "15"')
    assert_error(target.put("/v1/session/create", [1]), 400, "Request decode failed: json: cannot unmarshal array "
                 "into Go value of type struct { LockDelay interface {}; *structs.Alias }")
    assert_error(target.put("/v1/session/create", {"Name": 5}), 400, "Request decode failed: json: cannot "
                 "unmarshal number into Go struct field .Name of type string")
    assert_error(target.put("/v1/session/create", {"NodeChecks": "x"}), 400, "Request decode failed: json: "
                 "cannot unmarshal string into Go struct field .NodeChecks of type []string")
    assert_error(target.put("/v1/session/create", {"Node": ""}), 500, "Must provide Node")
    # unknown keys are ignored (§2.2, open item 4: confirmed on 1.8.7); a LockDelay of another type is 0
    for body, delay in (({"Foo": 1}, 15000000000), ({"LockDelay": True}, 0)):
        sid = _create(target, body)
        assert target.get(f"/v1/session/info/{sid}").body[0]["LockDelay"] == delay
        target.ok("PUT", f"/v1/session/destroy/{sid}")


def test_critical_check_refused(target):
    cid = target.name("crit")
    target.ok("PUT", "/v1/agent/check/register", {"Name": cid, "ID": cid, "TTL": "30s"})  # critical at first
    assert_error(target.put("/v1/session/create", {"Checks": [cid]}), 500, f"Check '{cid}' is in critical state")
    target.ok("PUT", f"/v1/agent/check/deregister/{cid}")


def test_unknown_ids(target):
    missing = "00000000-0000-0000-0000-000000000000"
    assert target.get(f"/v1/session/info/{missing}").body == []
    assert_error(target.put(f"/v1/session/renew/{missing}"), 404, f"Session id '{missing}' not found")
    assert target.put(f"/v1/session/destroy/{missing}").body is True
    for r in (target.get("/v1/session/info/nosuch"), target.put("/v1/session/renew/nosuch"),
              target.put("/v1/session/destroy/nosuch"), target.put(f"/v1/kv/{target.name('k')}?acquire=nosuch")):
        assert_error(r, 500, UUID_ERROR)
    assert_error(target.get("/v1/session/info/"), 400, "Missing session")
    assert_error(target.get("/v1/session/node/"), 400, "Missing node name")


def test_acquire_release_and_destroy(target):
    sid = _create(target, {"LockDelay": "0s"})
    key = target.name("lock")
    assert target.put(f"/v1/kv/{key}?acquire={sid}", "me").body is True
    assert_contains(target.get(f"/v1/kv/{key}").body, [{"LockIndex": 1, "Session": sid, "Value": "bWU="}])
    other = _create(target)
    assert target.put(f"/v1/kv/{key}?acquire={other}", "x").body is False
    assert target.put(f"/v1/kv/{key}", "plain").body is True  # locks are advisory: the holder is kept
    assert target.get(f"/v1/kv/{key}").body[0]["Session"] == sid
    assert target.put(f"/v1/kv/{key}?release={sid}").body is True
    entry = target.get(f"/v1/kv/{key}").body[0]
    assert (entry["Value"], "Session" in entry) == (None, False)  # a bare release empties the value (§1.5)
    assert target.put(f"/v1/kv/{key}?acquire={other}", "o").body is True
    # the plain set reset LockIndex to 0 (reference open item 7: confirmed on 1.8.7), so this is 1 again
    assert target.get(f"/v1/kv/{key}").body[0]["LockIndex"] == 1
    target.ok("PUT", f"/v1/session/destroy/{other}")
    entry = target.get(f"/v1/kv/{key}").body[0]
    assert (entry["Value"], "Session" in entry) == ("bw==", False)  # release behaviour keeps the value (§2.6)
    assert target.put(f"/v1/kv/{key}?acquire={sid}", "again").body is False  # other's 15s lock-delay
    target.ok("PUT", f"/v1/session/destroy/{sid}")


def test_delete_behavior(target):
    sid = _create(target, {"Behavior": "delete", "LockDelay": "0s"})
    key = target.name("gone")
    assert target.put(f"/v1/kv/{key}?acquire={sid}", "x").body is True
    target.ok("PUT", f"/v1/session/destroy/{sid}")
    assert target.get(f"/v1/kv/{key}").status == 404  # PYC


def test_deregistering_a_linked_check_invalidates(target):
    cid = target.name("linked")
    target.ok("PUT", "/v1/agent/check/register", {"Name": cid, "ID": cid, "TTL": "30s", "Status": "passing"})
    sid = _create(target, {"Checks": ["serfHealth", cid]})
    assert NONEMPTY_STR.matches(sid)
    target.ok("PUT", f"/v1/agent/check/fail/{cid}")
    for _ in range(50):  # real Consul syncs the agent's check to the catalog asynchronously: bounded poll
        if target.get(f"/v1/session/info/{sid}?index={index(target.get('/v1/session/list'))}&wait=100ms").body == []:
            break
    assert target.get(f"/v1/session/info/{sid}").body == []
    target.ok("PUT", f"/v1/agent/check/deregister/{cid}")
