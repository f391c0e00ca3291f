"""Property: random put/cas/delete/acquire/release/session-destroy sequences against the KV operations give
the answers and indexes of a small model of Consul's rules (reference kv-sessions-txn.md §1.3, §1.5-1.7,
§2.6): one index per write that changes something, CreateIndex kept, LockIndex counted, tombstones keep
prefix indexes, lock-delay after invalidation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consulite.agent.core import Agent
from consulite.errors import ConsulError
from consulite.model.scope import DEFAULT_SCOPE as S
from consulite.model.session import Session
from tests.conftest import ManualClock

pytestmark = pytest.mark.slow
KEYS = ["a", "a/b", "a/c", "b", "ab"]
PREFIXES = ["", "a", "a/", "b", "z"]
DELAY = 5.0


class Model:
    def __init__(self) -> None:
        self.index = self.max_index = 0
        self.rows: dict[str, list] = {}  # key -> [value, flags, lock_index, session, create, modify]
        self.tombs: dict[str, int] = {}
        self.sessions: dict[str, str] = {}  # id -> behavior
        self.delays: dict[str, float] = {}
        self.now = 0.0

    def _write(self) -> int:
        self.index += 1
        return self.index

    def _store(self, key, value, flags, lock_index, session) -> None:
        old = self.rows.get(key)
        new = [value, flags, lock_index, session]
        if old is not None and old[:4] == new:
            return
        i = self._write()
        self.rows[key] = [*new, old[4] if old else i, i]
        self.max_index = i

    def _delete(self, key, i) -> None:
        del self.rows[key]
        self.tombs[key] = self.max_index = i

    def put(self, key, value, flags):
        old = self.rows.get(key)
        self._store(key, value, flags, 0, old[3] if old else "")
        return True

    def cas(self, key, value, index):
        old = self.rows.get(key)
        if (old[5] if old else 0) != index:
            return False
        return self.put(key, value, 0)

    def delete(self, key):
        if key in self.rows:
            self._delete(key, self._write())
        return True

    def delete_cas(self, key, index):
        if key not in self.rows:
            return True
        if self.rows[key][5] != index:
            return False
        return self.delete(key)

    def delete_tree(self, prefix):
        keys = [k for k in self.rows if k.startswith(prefix)]
        if keys:
            i = self._write()
            for k in keys:
                del self.rows[k]
            self.max_index = i
            if prefix:
                self.tombs[prefix] = i
        return True

    def acquire(self, key, sid, value):
        if self.delays.get(key, -1) > self.now:
            return False
        if sid not in self.sessions:
            raise ConsulError(f'invalid session "{sid}"')
        old = self.rows.get(key)
        if old and old[3] and old[3] != sid:
            return False
        lock_index = 1 if old is None else old[2] + (old[3] != sid)
        self._store(key, value, 0, lock_index, sid)
        return True

    def release(self, key, sid, value):
        old = self.rows.get(key)
        if old is None or old[3] != sid:
            return False
        self._store(key, value, 0, old[2], "")
        return True

    def create(self, sid, behavior):
        self._write()
        self.sessions[sid] = behavior

    def destroy(self, sid):
        behavior = self.sessions.pop(sid, None)
        if behavior is None:
            return
        i = self._write()
        for key in [k for k, r in self.rows.items() if r[3] == sid]:
            if behavior == "delete":
                self._delete(key, i)
            else:
                self.rows[key][3], self.rows[key][5] = "", i
                self.max_index = i
            self.delays[key] = self.now + DELAY

    def prefix_index(self, prefix):
        if not prefix:
            return self.max_index
        best = max([r[5] for k, r in self.rows.items() if k.startswith(prefix)]
                   + [i for k, i in self.tombs.items() if k.startswith(prefix)], default=0)
        return best or self.max_index


key, value = st.sampled_from(KEYS), st.sampled_from([None, b"x", b"y"])
ops = st.lists(st.one_of(
    st.tuples(st.just("put"), key, value, st.sampled_from([0, 1])),
    st.tuples(st.just("cas"), key, value, st.integers(0, 12)),
    st.tuples(st.just("delete"), key),
    st.tuples(st.just("delete_cas"), key, st.integers(0, 12)),
    st.tuples(st.just("delete_tree"), st.sampled_from(PREFIXES)),
    st.tuples(st.just("acquire"), key, st.integers(0, 2), value),
    st.tuples(st.just("release"), key, st.integers(0, 2), value),
    st.tuples(st.just("create"), st.sampled_from(["release", "delete"])),
    st.tuples(st.just("destroy"), st.integers(0, 2)),
    st.tuples(st.just("tick"), st.sampled_from([1.0, 6.0])),
), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops)
def test_kv_operations_match_the_model(sequence):
    clock = ManualClock()
    agent, model = Agent(clock=clock), Model()
    model.index = model_base = agent.index
    sids: list[str] = []
    for op, *args in sequence:
        if op == "create":
            sid = agent.sessions.create(Session(id="", node="node1", lock_delay=int(DELAY * 1e9),
                                                behavior=args[0], node_checks=[]), S)
            sids.append(sid)
            model.create(sid, args[0])
            continue
        if op == "tick":
            clock.advance(args[0])
            model.now += args[0]
            continue
        if op in ("acquire", "release", "destroy"):
            if not sids:
                continue
            args[1 if op != "destroy" else 0] = sids[args[1 if op != "destroy" else 0] % len(sids)]
        if op == "acquire":
            try:
                want = model.acquire(*args)
            except ConsulError as e:
                want = e.text
            try:
                got = agent.kv.put(S, args[0], args[2], acquire=args[1])
            except ConsulError as e:
                got = e.text
        elif op == "put":
            got = agent.kv.put(S, args[0], args[1], args[2])
        elif op == "cas":
            args[2] = args[2] + model_base if args[2] else 0  # indexes after the fresh agent's own writes
            got = agent.kv.put(S, args[0], args[1], 0, cas=args[2])
        elif op == "delete":
            got = agent.kv.delete(S, args[0])
        elif op == "delete_cas":
            args[1] = args[1] + model_base if args[1] else 0
            got = agent.kv.delete(S, args[0], cas=args[1])
        elif op == "delete_tree":
            got = agent.kv.delete(S, args[0], recurse=True)
        elif op == "release":
            got = agent.kv.put(S, args[0], args[2], release=args[1])
        else:
            agent.sessions.destroy(args[0])
            got = None
        if op != "acquire":
            want = getattr(model, op)(*args)
        assert got == want, (op, args)
        assert agent.index == model.index, (op, args)
        entries = {e.key: [e.value, e.flags, e.lock_index, e.session, e.create_index, e.modify_index]
                   for e in agent.kv.listing(S, "", set())[1]}
        assert entries == model.rows, (op, args)
        for p in PREFIXES:
            assert agent.kv.listing(S, p, set())[0] == model.prefix_index(p), (op, args, p)
