"""The tombstone GC (agent/consul/state/tombstone_gc.go; reference kv-sessions-txn.md §1.7): tombstones
live TombstoneTTL (15 min) rounded up to TombstoneTTLGranularity (30 s), then go in one write; a prefix
listing then falls back to the KV table's index."""

from __future__ import annotations

from consulite.agent.tombstones import GRANULARITY, TTL
from consulite.store.kv import TombstonesTable


async def test_tombstones_are_reaped_after_their_ttl_and_the_prefix_index_falls_back(client, clock):
    await client.put("/v1/kv/app/a", data=b"1")
    await client.put("/v1/kv/other", data=b"x")
    await client.put("/v1/kv/app/b", data=b"2")
    await client.delete("/v1/kv/app/b")
    deleted_at = int((await client.get("/v1/kv/app/?recurse")).headers["X-Consul-Index"])
    await client.put("/v1/kv/other", data=b"y")  # the table index moves past the tombstone
    r = await client.get("/v1/kv/app/?recurse")
    assert int(r.headers["X-Consul-Index"]) == deleted_at  # the tombstone holds the prefix's index (§1.3)
    clock.advance(TTL - 1)  # deleted at a multiple of the granularity: due at exactly TTL
    assert int((await client.get("/v1/kv/app/?recurse")).headers["X-Consul-Index"]) == deleted_at
    clock.advance(1)
    # reaped: the prefix answers its newest entry's index, lower than before (the index can go back)
    r = await client.get("/v1/kv/app/?recurse")
    assert int(r.headers["X-Consul-Index"]) < deleted_at
    state = await (await client.get("/_consulite/state")).json()
    assert state[TombstonesTable.name] == []


async def test_one_reap_takes_every_tombstone_up_to_its_bucket(client, clock):
    for key in ("a", "b", "c"):
        await client.put(f"/v1/kv/{key}", data=b"1")
    await client.delete("/v1/kv/a")
    clock.advance(GRANULARITY)  # the next delete lands in a later bucket
    await client.delete("/v1/kv/b")
    state = await (await client.get("/_consulite/state")).json()
    assert [t["key"] for t in state["tombstones"]] == ["a", "b"]
    clock.advance(TTL - GRANULARITY)  # the first bucket is due: only "a" goes
    state = await (await client.get("/_consulite/state")).json()
    assert [t["key"] for t in state["tombstones"]] == ["b"]
    clock.advance(GRANULARITY)
    assert (await (await client.get("/_consulite/state")).json())["tombstones"] == []


async def test_a_reset_forgets_pending_reaps(client, clock):
    await client.put("/v1/kv/a", data=b"1")
    await client.delete("/v1/kv/a")
    await client.put("/_consulite/reset")
    clock.advance(TTL + GRANULARITY)  # nothing to reap, nothing fails
    assert (await client.get("/v1/kv/a")).status == 404
