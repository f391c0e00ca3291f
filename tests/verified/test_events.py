"""Verified: user events (agent/event_endpoint.go)."""

from tests.verified.helpers import ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error, index


def _listed(target, path, name):
    """The event list once `name` is in it: real Consul takes events in through serf, asynchronously
    (bounded: blocking queries on the event index)."""
    r = target.get(path)
    for _ in range(50):
        if any(e["Name"] == name for e in r.body):
            break
        r = target.get(f"{path}{'&' if '?' in path else '?'}index={index(r)}&wait=100ms")
    return r


def test_fire_and_list(target):
    name = target.name("deploy")
    r = target.put(f"/v1/event/fire/{name}?node=node1", "hi")
    assert r.status == 200
    assert_contains(r.body, {"ID": NONEMPTY_STR, "Name": name, "Payload": "aGk=", "NodeFilter": "node1",
                             "ServiceFilter": "", "TagFilter": "", "Version": 1, "LTime": 0})
    listed = _listed(target, f"/v1/event/list?name={name}", name)
    assert_contains(listed.body, [{"ID": r.body["ID"], "Name": name, "Payload": "aGk=", "LTime": ANY_INDEX}])
    hexed = r.body["ID"].replace("-", "")
    assert index(listed) == int(hexed[:16], 16) ^ int(hexed[16:], 16)  # uuidToUint64
    empty = target.get(f"/v1/event/list?name={target.name('none')}")
    assert (empty.body, index(empty)) == ([], 1)


def test_missing_name(target):
    assert_error(target.put("/v1/event/fire/"), 400, "Missing name")


def test_node_filter_decides_delivery(target):
    kept, dropped = target.name("kept"), target.name("dropped")
    target.ok("PUT", f"/v1/event/fire/{dropped}?node=elsewhere")  # first: in by the time `kept` is
    target.ok("PUT", f"/v1/event/fire/{kept}?node=node1")
    names = [e["Name"] for e in _listed(target, "/v1/event/list", kept).body]
    assert kept in names and dropped not in names  # agent/user_event.go shouldProcessUserEvent
