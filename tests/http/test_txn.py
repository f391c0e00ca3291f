"""PUT /v1/txn: one index for the whole transaction, nothing applied on failure, locks and lock-delay,
limits (reference kv-sessions-txn.md §3)."""

import base64


def _kv(verb, key, **extra):
    return {"KV": {"Verb": verb, "Key": key, **extra}}


async def test_one_index_for_the_whole_transaction(client):
    r = await client.put("/v1/txn", json=[_kv("set", "t/a", Value="MQ=="), _kv("set", "t/b", Value="Mg=="),
                                          _kv("get-tree", "t/")])
    results = (await r.json())["Results"]
    assert len({res["KV"]["ModifyIndex"] for res in results}) == 1
    assert [res["KV"]["Value"] for res in results] == [None, None, "MQ==", "Mg=="]  # §3.4


async def test_failure_rolls_back_every_change(client):
    await client.put("/v1/kv/keep", data=b"old")
    before = (await (await client.get("/v1/kv/keep")).json())[0]
    sid = (await (await client.put("/v1/session/create")).json())["ID"]
    r = await client.put("/v1/txn", json=[
        _kv("set", "keep", Value="bmV3"), _kv("delete-tree", ""), _kv("lock", "l", Session=sid),
        _kv("check-not-exists", "new-after-set"), _kv("set", "new-after-set"),
        _kv("check-not-exists", "new-after-set")])
    assert r.status == 409
    assert (await r.json())["Errors"] == [{"OpIndex": 5, "What": 'key "new-after-set" exists'}]
    assert (await (await client.get("/v1/kv/keep")).json())[0] == before
    assert (await client.get("/v1/kv/l")).status == 404
    assert (await client.get("/v1/kv/new-after-set")).status == 404
    r = await client.get("/v1/kv/?keys")
    assert await r.json() == ["keep"]


async def test_lock_unlock_and_lock_delay(client, clock):
    sid = (await (await client.put("/v1/session/create", json={"LockDelay": "3s"})).json())["ID"]
    r = await client.put("/v1/txn", json=[_kv("lock", "l", Session=sid, Value="eA=="),
                                          _kv("check-session", "l", Session=sid)])
    assert [res["KV"]["LockIndex"] for res in (await r.json())["Results"]] == [1, 1]
    other = (await (await client.put("/v1/session/create")).json())["ID"]
    r = await client.put("/v1/txn", json=[_kv("lock", "l", Session=other)])
    assert (await r.json())["Errors"] == [{"OpIndex": 0, "What": 'failed to lock key "l", lock is already held'}]
    await client.put(f"/v1/session/destroy/{sid}")
    r = await client.put("/v1/txn", json=[_kv("lock", "l", Session=other)])
    assert (await r.json())["Errors"] == [{"OpIndex": 0, "What": 'failed to lock key "l" due to lock delay'}]
    clock.advance(3)
    r = await client.put("/v1/txn", json=[_kv("lock", "l", Session=other), _kv("unlock", "l", Session=other)])
    assert r.status == 200
    r = await client.put("/v1/txn", json=[_kv("lock", "m", Session="00000000-0000-0000-0000-000000000000")])
    assert (await r.json())["Errors"][0]["What"] == 'invalid session "00000000-0000-0000-0000-000000000000"'


async def test_get_or_empty_and_unchanged_entry(client):
    await client.put("/v1/kv/same", data=b"v")
    modify = (await (await client.get("/v1/kv/same")).json())[0]["ModifyIndex"]
    r = await client.put("/v1/txn", json=[_kv("set", "same", Value=base64.b64encode(b"v").decode()),
                                          _kv("get-or-empty", "missing", Flags=3)])
    results = (await r.json())["Results"]
    assert results[0]["KV"]["ModifyIndex"] == modify  # the no-op rule inside a txn (#7826)
    assert results[1]["KV"] | {"Partition": None, "Namespace": None} == {
        "LockIndex": 0, "Key": "missing", "Flags": 3, "Value": None, "Partition": None, "Namespace": None,
        "CreateIndex": 0, "ModifyIndex": 0}


async def test_limits(client):
    r = await client.put("/v1/txn", json=[_kv("get", "a")] * 129)
    assert (r.status, await r.text()) == (413, "Transaction contains too many operations (129 > 128)")  # §3.2
    big = base64.b64encode(b"x" * 524289).decode()
    r = await client.put("/v1/txn", data=b'[{"KV":{"Verb":"set","Key":"k","Value":"' + big.encode() + b'"}}]')
    assert r.status == 413 and (await r.text()).startswith("Request body(")  # the body is over the limit first
