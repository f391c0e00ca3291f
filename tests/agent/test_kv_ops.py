"""The KV operations and the store under them: prefix wake-ups with no memory per key written, key listing
with a separator, a failed write undone (reference kv-sessions-txn.md §1.2, §3.3, §5)."""

import asyncio

import pytest

from consulite.agent.core import Agent
from consulite.errors import ConsulError
from consulite.model.scope import DEFAULT_SCOPE as S
from consulite.model.scope import Scope


def test_writes_leave_no_watch_state_behind():
    agent = Agent()
    before = dict(agent.store.watches.changed)
    for n in range(200):
        agent.kv.put(S, f"k/{n}", b"v")
    changed = agent.store.watches.changed
    assert set(changed) - set(before) <= {("node",)}  # no per-key topics: the KV table holds the indexes


async def test_wake_key_wakes_every_prefix_and_only_them():
    agent = Agent()
    w = agent.store.watches
    ws_for = {p: {("kv", "default", "default", "*", p)} for p in ("", "a", "ab", "abc", "b")}
    waits = {p: asyncio.ensure_future(w.wait(ws, 30)) for p, ws in ws_for.items()}
    await w.readers_blocked(len(waits))
    agent.kv.put(S, "abc", b"1")
    still = {p for p, ws in ws_for.items() if next(iter(ws)) in w._waiters}
    assert still == {"b"}  # woken: the key's prefixes "", "a", "ab", "abc"
    agent.kv.put(S, "b", b"1")
    await asyncio.gather(*waits.values())
    assert not w._waiters  # a returned reader leaves nothing behind


def test_keys_with_separator():
    agent = Agent()
    for k in ("foo/bar/baz", "foo/bar/zip", "foo/bar/zip/zap", "base/foo", "base/base/foo"):
        agent.kv.put(S, k, None)
    assert agent.kv.keys(S, "foo/bar/", "/", set())[1] == ["foo/bar/baz", "foo/bar/zip", "foo/bar/zip/"]  # KVTEST
    assert agent.kv.keys(S, "base/", "/", set())[1] == ["base/base/", "base/foo"]  # PYC


def test_a_failed_write_is_undone():
    agent = Agent()
    agent.kv.put(S, "a", b"1")
    index, tables = agent.index, agent.store.kv
    with pytest.raises(ConsulError), agent.store.write() as tx:
        agent.kv.set(tx, S, "a", b"2", 0)
        tables.delete_tree(tx, ("default", "default"), "")
        raise ConsulError("boom")
    assert agent.index == index and agent.kv.get(S, "a", set())[1].value == b"1"
    assert tables.max_index == index and not tables.tombs


def test_a_lock_needs_a_session_of_the_same_namespace():
    from consulite.model.session import Session

    agent = Agent()
    agent.namespaces.create("default", "team")
    sid = agent.sessions.create(Session(id="", node="node1"), Scope("default", "team"))
    with pytest.raises(ConsulError, match="invalid session"):
        agent.kv.put(S, "k", None, acquire=sid)  # §4: sessions are looked up in the key's namespace
    assert agent.kv.put(Scope("default", "team"), "k", None, acquire=sid) is True


def test_partition_reset_drops_its_keys():
    agent = Agent()
    agent.partitions.create("p2")
    agent.kv.put(Scope("p2", "default"), "k", b"1")
    agent.kv.put(S, "k", b"1")
    agent.state.reset_partition("p2")
    assert agent.kv.get(Scope("p2", "default"), "k", set())[1] is None
    assert agent.kv.get(S, "k", set())[1] is not None
