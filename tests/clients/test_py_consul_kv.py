"""py-consul's kv, session, txn and event families against a running consulite (the pytest plugin's
fixture), as py-consul's own tests use them (reference kv-sessions-txn.md, PYC)."""

import base64

import consul
import pytest


def test_kv(consulite):
    c = consulite.client()
    assert c.kv.put("foo", "bar") is True
    index, data = c.kv.get("foo")
    assert data["Value"] == b"bar" and int(index) == data["ModifyIndex"]
    assert c.kv.put("foo", "", flags=3) is True
    assert c.kv.get("foo")[1]["Value"] is None and c.kv.get("foo")[1]["Flags"] == 3
    for k in ("foo/bar1", "foo/bar2", "foo/bar3"):
        c.kv.put(k, k)
    assert c.kv.get("foo/", keys=True)[1] == ["foo/bar1", "foo/bar2", "foo/bar3"]
    assert [e["Key"] for e in c.kv.get("foo", recurse=True)[1]] == ["foo", "foo/bar1", "foo/bar2", "foo/bar3"]
    assert c.kv.put("foo/bar1", "x", cas=50) is False
    index, data = c.kv.get("foo/bar1")
    assert c.kv.delete("foo/bar1", cas=data["ModifyIndex"] - 1) is False
    assert c.kv.get("foo/bar1") == (index, data)  # a failed delete-cas changes nothing (PYC)
    assert c.kv.delete("foo/bar1", cas=data["ModifyIndex"]) is True
    assert c.kv.get("foo/bar1")[1] is None
    assert c.kv.delete("foo", recurse=True) is True
    assert c.kv.get("foo", recurse=True)[1] is None
    with pytest.raises(consul.ConsulException):
        c.kv.get("foo", dc="dc2")  # No path to datacenter
    index, _ = c.kv.put("w", "1"), None
    i, _ = c.kv.get("w")
    assert c.kv.get("w", index=i, wait="20ms")[0] == i  # PYC test_kv_wait


def test_session_and_locks(consulite):
    c = consulite.client()
    with pytest.raises(consul.ConsulException):
        c.session.create(node="n2")  # Missing node registration
    sid = c.session.create(name="my-session", ttl=20, behavior="delete")
    _, s = c.session.info(sid)
    assert (s["Name"], s["TTL"], s["Behavior"]) == ("my-session", "20s", "delete")
    assert c.session.renew(sid)["ID"] == sid
    assert [x["ID"] for x in c.session.list()[1]] == [sid]
    assert [x["ID"] for x in c.session.node("node1")[1]] == [sid]
    assert c.kv.put("lock", "v", acquire=sid) is True
    assert c.kv.get("lock")[1]["Session"] == sid
    assert c.kv.put("lock", "v", release="foo") is False
    with pytest.raises(consul.ConsulException):
        c.kv.put("lock", "v", acquire="foo")
    assert c.session.destroy(sid) is True
    assert c.kv.get("lock")[1] is None  # the delete behaviour
    assert c.session.info(sid)[1] is None
    with pytest.raises(consul.NotFound):
        c.session.renew(sid)


def test_txn(consulite):
    c = consulite.client()
    value = base64.b64encode(b"1").decode()
    r = c.txn.put([{"KV": {"Verb": "set", "Key": "asdf", "Value": value}},
                   {"KV": {"Verb": "get", "Key": "asdf"}}])
    assert r["Errors"] is None and r["Results"][1]["KV"]["Value"] == value
    with pytest.raises(consul.ConsulException):
        c.txn.put([{"KV": {"Verb": "get", "Key": "missing"}}])  # a 409


def test_event(consulite):
    c = consulite.client()
    assert c.event.fire("fooname", "foobody")
    _index, events = c.event.list(name="fooname")
    assert [e["Name"] for e in events] == ["fooname"] and events[0]["Payload"] == b"foobody"
    assert c.event.list(name="othername")[1] == []
