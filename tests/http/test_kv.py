"""/v1/kv through the HTTP pipeline: Enterprise shapes and scoping, CE 400s, blocking on keys and prefixes
(reference kv-sessions-txn.md §1, §4, §5)."""

import asyncio

import pytest


async def _index(client, path):
    r = await client.get(path)
    return int(r.headers["X-Consul-Index"])


async def test_enterprise_shape_and_scoping(client):
    await client.put("/v1/namespace", json={"Name": "team"})
    assert await (await client.put("/v1/kv/app/x?ns=team", data=b"1")).json() is True
    r = await client.get("/v1/kv/app/x?ns=team")
    assert list((await r.json())[0]) == ["LockIndex", "Key", "Flags", "Value", "Partition", "Namespace",
                                         "CreateIndex", "ModifyIndex"]  # §1.4, §4 (#23185 sample)
    assert (await r.json())[0]["Namespace"] == "team"
    assert (await client.get("/v1/kv/app/x")).status == 404  # another namespace
    assert "X-Consul-Effective-Consistency" not in r.headers  # §1.2


async def test_ce_refuses_namespace(ce_client):
    r = await ce_client.get("/v1/kv/a?ns=default")
    assert (r.status, await r.text()) == (400, 'Invalid query parameter: "ns" - Namespaces are a Consul '
                                               "Enterprise feature")  # agent-service-api.md §7
    await ce_client.put("/v1/kv/a", data=b"1")
    assert "Namespace" not in (await (await ce_client.get("/v1/kv/a")).json())[0]


async def test_empty_prefix_keys_is_empty_list(client):
    r = await client.get("/v1/kv/?keys")
    assert (r.status, await r.json()) == (200, [])  # §1.2
    assert (await client.get("/v1/kv/?recurse")).status == 404


async def _blocked(client, agent_of, path):
    """A reader blocked on `path` at its current index: (reader task, watches, wake-ups so far, index)."""
    i = await _index(client, path)
    reader = asyncio.ensure_future(client.get(f"{path}{'&' if '?' in path else '?'}index={i}&wait=30s"))
    watches = agent_of(client).store.watches
    await watches.readers_blocked(1)
    return reader, watches, watches.woken, i


async def test_prefix_reader_wakes_only_for_its_prefix(client, agent_of):
    await client.put("/v1/kv/web/a", data=b"1")
    reader, watches, woken, i = await _blocked(client, agent_of, "/v1/kv/web/?recurse")
    await client.put("/v1/kv/db/a", data=b"x")  # elsewhere: not woken
    await client.put("/v1/kv/we", data=b"x")    # a prefix of the prefix, not under it
    assert watches.woken == woken and not reader.done()
    await client.put("/v1/kv/web/b", data=b"2")
    r = await reader
    assert int(r.headers["X-Consul-Index"]) > i and [e["Key"] for e in await r.json()] == ["web/a", "web/b"]


async def test_prefixes_are_not_slash_bounded(client, agent_of):
    await client.put("/v1/kv/webx", data=b"0")
    i = await _index(client, "/v1/kv/web?recurse")
    reader = asyncio.ensure_future(client.get(f"/v1/kv/web?recurse&index={i}&wait=30s"))
    await agent_of(client).store.watches.readers_blocked(1)
    await client.put("/v1/kv/webz", data=b"1")
    assert [e["Key"] for e in await (await reader).json()] == ["webx", "webz"]


async def test_missing_key_reader_wakes_on_creation(client, agent_of):
    await client.put("/v1/kv/other", data=b"1")
    r = await client.get("/v1/kv/later")
    i = int(r.headers["X-Consul-Index"])
    reader = asyncio.ensure_future(client.get(f"/v1/kv/later?index={i}&wait=30s"))
    await agent_of(client).store.watches.readers_blocked(1)
    await client.put("/v1/kv/later", data=b"now")
    r = await reader
    assert r.status == 200 and (await r.json())[0]["Value"] == "bm93"


async def test_deleting_a_watched_prefix_wakes_with_404_and_tombstone_index(client, agent_of):
    await client.put("/v1/kv/gone/a", data=b"1")
    i = await _index(client, "/v1/kv/gone/?recurse")
    reader = asyncio.ensure_future(client.get(f"/v1/kv/gone/?recurse&index={i}&wait=30s"))
    await agent_of(client).store.watches.readers_blocked(1)
    await client.delete("/v1/kv/gone/?recurse")
    r = await reader
    assert r.status == 404 and int(r.headers["X-Consul-Index"]) == i + 1  # §1.7: the tree tombstone


async def test_no_op_write_wakes_nobody(client, agent_of):
    await client.put("/v1/kv/same", data=b"v")
    reader, watches, woken, _ = await _blocked(client, agent_of, "/v1/kv/same")
    await client.put("/v1/kv/same", data=b"v")  # §1.5 (#5885)
    assert watches.woken == woken and not reader.done()
    await client.put("/v1/kv/same", data=b"w")
    assert (await reader).status == 200


@pytest.mark.parametrize("path, text", [
    ("/v1/kv/k?flags=18446744073709551616", 'strconv.ParseUint: parsing "18446744073709551616": value out of range'),
    ("/v1/kv/k?cas=-1", 'strconv.ParseUint: parsing "-1": invalid syntax'),
])
async def test_uint64_params(client, path, text):
    r = await client.put(path, data=b"x")
    assert (r.status, await r.text()) == (500, text)  # §1.5 step 4


async def test_keys_with_odd_characters_and_encoding(client):
    await client.put("/v1/kv/a%2Fb%20c:d", data=b"1")  # %2F is '/': the decoded path is the key (§1.1)
    assert [e["Key"] for e in await (await client.get("/v1/kv/a/?recurse")).json()] == ["a/b c:d"]
    r = await client.put("/v1/kv/x//y", data=b"1", allow_redirects=False)
    assert r.status == 301  # Go's ServeMux cleaning (§1.1)


async def test_reset_clears_kv(client):
    await client.put("/v1/kv/k", data=b"1")
    await client.put("/_consulite/reset")
    assert (await client.get("/v1/kv/k")).status == 404


async def test_state_round_trip(client):
    await client.put("/v1/kv/s/a?flags=9", data=b"1")
    await client.delete("/v1/kv/s/b")
    await client.put("/v1/kv/s/b", data=b"2")
    await client.delete("/v1/kv/s/b")
    before = await _index(client, "/v1/kv/s/?recurse")
    state = await (await client.get("/_consulite/state")).json()
    await client.put("/_consulite/reset")
    assert (await client.put("/_consulite/state", json=state)).status == 200
    r = await client.get("/v1/kv/s/?recurse")
    assert int(r.headers["X-Consul-Index"]) == before and (await r.json())[0]["Flags"] == 9


async def test_namespace_wildcard_lists_every_namespace(client, agent_of):
    for name in ("one", "two"):
        await client.put("/v1/namespace", json={"Name": name})
    await client.put("/v1/kv/w/a?ns=one", data=b"1")
    await client.put("/v1/kv/w/b?ns=two", data=b"2")
    r = await client.get("/v1/kv/w/?recurse&ns=*")  # reference §4: wildcard for recurse and keys
    assert [(e["Namespace"], e["Key"]) for e in await r.json()] == [("one", "w/a"), ("two", "w/b")]
    assert await (await client.get("/v1/kv/w/?keys&ns=*")).json() == ["w/a", "w/b"]
    reader = asyncio.ensure_future(client.get(f"/v1/kv/w/?recurse&ns=*&index={r.headers['X-Consul-Index']}"))
    await agent_of(client).store.watches.readers_blocked(1)
    await client.put("/v1/kv/w/c?ns=one", data=b"3")
    assert len(await (await reader).json()) == 3


async def test_blocking_on_a_missing_key_in_an_empty_store_waits_for_it(client, blocked):
    # py-consul's test_kv_subscribe: a missing key answers X-Consul-Index 1 (Consul floors 0 to 1), and a read
    # blocked at that index waits until the key is written (agent/consul/rpc.go blockingQuery floors too)
    r = await client.get("/v1/kv/foo")
    assert (r.status, r.headers["X-Consul-Index"]) == (404, "1")
    reader = await blocked(client, client.get("/v1/kv/foo", params={"index": "1", "wait": "5m"}))
    assert (await client.put("/v1/kv/foo", data=b"bar")).status == 200
    r = await reader
    assert r.status == 200 and (await r.json())[0]["Value"] == "YmFy"
