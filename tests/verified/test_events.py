"""Verified: user events (agent/event_endpoint.go)."""

from tests.verified.helpers import ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error, index


def test_fire_and_list(target):
    name = target.name("deploy")
    r = target.put(f"/v1/event/fire/{name}?node=node1", "hi")
    assert r.status == 200
    assert_contains(r.body, {"ID": NONEMPTY_STR, "Name": name, "Payload": "aGk=", "NodeFilter": "node1",
                             "ServiceFilter": "", "TagFilter": "", "Version": 1, "LTime": 0})
    listed = target.get(f"/v1/event/list?name={name}")
    assert_contains(listed.body, [{"ID": r.body["ID"], "Name": name, "Payload": "aGk=", "LTime": ANY_INDEX}])
    hexed = r.body["ID"].replace("-", "")
    assert index(listed) == int(hexed[:16], 16) ^ int(hexed[16:], 16)  # uuidToUint64
    empty = target.get(f"/v1/event/list?name={target.name('none')}")
    assert (empty.body, index(empty)) == ([], 1)


def test_missing_name(target):
    assert_error(target.put("/v1/event/fire/"), 400, "Missing name")
