"""Verified: /v1/kv (reference kv-sessions-txn.md §1; agent/kvs_endpoint.go, agent/consul/state/kvs.go)."""

import base64
import threading

from tests.verified.helpers import ANY_INDEX, assert_contains, assert_error, index, newer


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_put_get_entry_shape(target):
    key = target.name("k")
    assert target.put(f"/v1/kv/{key}?flags=42", "bar")[::2] == (200, True)
    r = target.get(f"/v1/kv/{key}")
    assert r.status == 200
    assert_contains(r.body, [{"LockIndex": 0, "Key": key, "Flags": 42, "Value": _b64("bar"),
                              "CreateIndex": ANY_INDEX, "ModifyIndex": index(r)}])  # §1.3: the entry's index
    assert "Session" not in r.body[0]  # omitempty (§1.4)


def test_empty_body_is_null_value_and_flags_reset(target):
    key = target.name("empty")
    target.ok("PUT", f"/v1/kv/{key}?flags=7", "x")
    target.ok("PUT", f"/v1/kv/{key}", "")
    assert_contains(target.get(f"/v1/kv/{key}").body, [{"Value": None, "Flags": 0}])  # §1.4, §1.5


def test_flags_round_trip_uint64(target):
    key = target.name("flags")
    target.ok("PUT", f"/v1/kv/{key}?flags=3304740253564472344", "v")  # api/lock.go LockFlagValue (§1.4)
    assert target.get(f"/v1/kv/{key}").body[0]["Flags"] == 3304740253564472344


def test_missing_key_is_bare_404_with_index(target):
    r = target.get(f"/v1/kv/{target.name('nope')}")
    assert (r.status, r.body) == (404, "")
    assert index(r) >= 1 and "content-type" not in r.headers  # §1.2 captured 404


def test_raw_value(target):
    key = target.name("raw")
    target.ok("PUT", f"/v1/kv/{key}", "<html>hi</html>")
    r = target.get(f"/v1/kv/{key}?raw")
    assert (r.status, r.body) == (200, "<html>hi</html>")
    assert (r.headers["content-type"], r.headers["x-content-type-options"],
            r.headers["content-security-policy"]) == ("text/plain", "nosniff", "sandbox")  # §1.2 CVE-2020-25864


def test_recurse_keys_and_separator(target):
    p = target.name("tree") + "/"
    for k in ("a", "b/c", "b/d/e"):
        target.ok("PUT", f"/v1/kv/{p}{k}", k)
    r = target.get(f"/v1/kv/{p}?recurse")
    assert [e["Key"] for e in r.body] == [p + "a", p + "b/c", p + "b/d/e"]
    assert index(r) == max(e["ModifyIndex"] for e in r.body)
    assert target.get(f"/v1/kv/{p}?keys").body == [p + "a", p + "b/c", p + "b/d/e"]
    assert target.get(f"/v1/kv/{p}?keys&separator=/").body == [p + "a", p + "b/"]
    assert target.get(f"/v1/kv/{p}b/?keys&seperator=/").body == [p + "b/c", p + "b/d/"]  # the old spelling
    r = target.get(f"/v1/kv/{target.name('none')}/?recurse")
    assert (r.status, r.body) == (404, "")
    assert target.get(f"/v1/kv/{target.name('none')}/?keys").status == 404


def test_tombstone_keeps_prefix_index(target):
    p = target.name("tomb") + "/"
    target.ok("PUT", f"/v1/kv/{p}a", "1")
    target.ok("PUT", f"/v1/kv/{p}b", "2")
    assert target.delete(f"/v1/kv/{p}b")[::2] == (200, True)
    after_delete = index(target.get(f"/v1/kv/{target.name('elsewhere')}"))  # missing key: the table index
    target.ok("PUT", f"/v1/kv/{target.name('other')}", "x")
    r = target.get(f"/v1/kv/{p}?recurse")
    assert index(r) == after_delete > r.body[0]["ModifyIndex"]  # §1.3, §1.7: the tombstone's index


def test_cas(target):
    key = target.name("cas")
    assert target.put(f"/v1/kv/{key}?cas=0", "a").body is True
    assert target.put(f"/v1/kv/{key}?cas=0", "b").body is False
    modify = target.get(f"/v1/kv/{key}").body[0]["ModifyIndex"]
    assert target.put(f"/v1/kv/{key}?cas={modify + 1000}", "c").body is False
    assert target.put(f"/v1/kv/{key}?cas={modify}", "c").body is True
    assert target.put(f"/v1/kv/{target.name('missing')}?cas=50", "x").body is False  # PYC
    modify = target.get(f"/v1/kv/{key}").body[0]["ModifyIndex"]
    assert target.delete(f"/v1/kv/{key}?cas={modify + 1000}").body is False
    assert target.delete(f"/v1/kv/{key}?cas={modify}").body is True
    assert target.delete(f"/v1/kv/{key}?cas=1").body is True  # a missing key (§1.6)


def test_no_op_write_keeps_modify_index(target):
    key = target.name("noop")
    target.ok("PUT", f"/v1/kv/{key}", "same")
    first = target.get(f"/v1/kv/{key}").body[0]["ModifyIndex"]
    target.ok("PUT", f"/v1/kv/{key}", "same")
    assert target.get(f"/v1/kv/{key}").body[0]["ModifyIndex"] == first  # §1.5 (#5885)


def test_delete_recurse(target):
    p = target.name("del") + "/"
    target.ok("PUT", f"/v1/kv/{p}a", "1")
    target.ok("PUT", f"/v1/kv/{p}b/c", "2")
    assert target.delete(f"/v1/kv/{p}?recurse")[::2] == (200, True)
    assert target.get(f"/v1/kv/{p}?recurse").status == 404


def test_errors(target):
    key = target.name("err")
    assert_error(target.get("/v1/kv/"), 400, "Missing key name")  # §1.2
    assert_error(target.put("/v1/kv/", "x"), 400, "Missing key name")
    assert_error(target.delete("/v1/kv/"), 400, "Missing key name")
    assert_error(target.put(f"/v1/kv/{key}?cas=1&acquire=abc"), 400, "Conflicting flags: acquire=abc&cas=1")
    assert_error(target.delete(f"/v1/kv/{key}?recurse&cas=1"), 400, "Conflicting flags: cas=1&recurse=")
    assert_error(target.put(f"/v1/kv/{key}?flags=abc"), 500, 'strconv.ParseUint: parsing "abc": invalid syntax')
    assert_error(target.put(f"/v1/kv/{key}?acquire="), 500, "missing session")
    assert_error(target.put(f"/v1/kv/{key}?release="), 500, "missing session")
    assert target.put(f"/v1/kv/{key}?release=foo").body is False  # PYC: the session is not looked up
    assert_error(target.request("POST", f"/v1/kv/{key}"), 405, "method POST not allowed")
    assert_error(target.get(f"/v1/kv/{key}?index=1&wait=10"), 400, "Invalid wait time")  # §5


def test_value_limit(target):
    key = target.name("big")
    assert target.put(f"/v1/kv/{key}", b"x" * 524288).status == 200  # exactly the limit (§1.5)
    docs = newer(target, "agent/kvs_endpoint.go (reference §1.5)", v187="https://www.consul.io/docs/agent/options.html",
                 current="https://www.consul.io/docs/agent/config/config-files")
    assert_error(target.put(f"/v1/kv/{key}", b"x" * 524289), 413,
                 f"Request body(524289 bytes) too large, max size: 524288 bytes. See {docs}#kv_max_value_size.")


def test_blocking_on_key_wakes_on_its_write(target):
    key = target.name("block")
    target.ok("PUT", f"/v1/kv/{key}", "1")
    i = index(target.get(f"/v1/kv/{key}"))
    out = {}
    reader = threading.Thread(target=lambda: out.setdefault("r", target.get(f"/v1/kv/{key}?index={i}&wait=5s")))
    reader.start()
    # bounded: a write every round until the reader returns (it may not be blocked yet on the first)
    for n in range(50):
        target.ok("PUT", f"/v1/kv/{key}", f"v{n}")
        reader.join(0.1)
        if not reader.is_alive():
            break
    r = out["r"]
    assert r.status == 200 and index(r) > i


def test_blocking_times_out_with_same_index(target):
    key = target.name("timeout")
    target.ok("PUT", f"/v1/kv/{key}", "1")
    i = index(target.get(f"/v1/kv/{key}"))
    target.ok("PUT", f"/v1/kv/{target.name('unrelated')}", "x")  # another key does not wake it (§5)
    assert index(target.get(f"/v1/kv/{key}?index={i}&wait=50ms")) == i  # PYC test_kv_wait
