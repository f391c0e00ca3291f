"""The KV store's operations: reads with Consul's index rules, set, CAS, acquire/release with lock-delay,
delete (one, CAS, tree); the HTTP API and `/v1/txn` share the write primitives, which take the write they
belong to (reference kv-sessions-txn.md §1, agent/consul/state/kvs.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.errors import ConsulError
from consulite.model.kv import KVEntry
from consulite.model.scope import Scope

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

MAX_VALUE_SIZE = 524288  # kv_max_value_size: raft.SuggestedMaxDataSize (§1.5, §1.8)

#: why a lock or a CAS did not happen (None: it did)
HELD, DELAYED, STALE = "held", "delayed", "stale"


def space(scope: Scope) -> tuple[str, str]:
    return (scope.partition, scope.namespace)


class KV:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        self.table = agent.store.kv

    # -- reads -------------------------------------------------------------------------------------

    def get(self, scope: Scope, key: str, ws: set) -> tuple[int, KVEntry | None]:
        """One key: its ModifyIndex, or the table index when missing (§1.3)."""
        entry = self.table.get(space(scope), key, ws)
        return (entry.modify_index if entry is not None else self.table.max_index), entry

    def listing(self, scope: Scope, prefix: str, ws: set) -> tuple[int, list[KVEntry]]:
        """Every entry under `prefix`, in key order, with the prefix's index (tombstones count); namespace
        `*` (Enterprise, recurse and keys only) is every namespace of the partition, one after another."""
        if scope.namespaces is not None:
            entries = self.table.under(space(scope), prefix, ws)
            return self.table.prefix_index(space(scope), prefix, entries), entries
        found, index = [], 0
        for where in sorted(s for s in self.table.spaces if s[0] == scope.partition):
            entries = self.table.under(where, prefix, ws)
            found += entries
            index = max(index, self.table.prefix_index(where, prefix, entries))
        return index or self.table.max_index, found

    def keys(self, scope: Scope, prefix: str, separator: str, ws: set) -> tuple[int, list[str]]:
        """The keys under `prefix`, cut after the first `separator` past the prefix, deduplicated."""
        index, entries = self.listing(scope, prefix, ws)
        if not separator:
            return index, [e.key for e in entries]
        out: list[str] = []
        start = len(prefix)
        for e in entries:
            cut = e.key.find(separator, start)
            key = e.key if cut < 0 else e.key[:cut + len(separator)]
            if not out or out[-1] != key:
                out.append(key)
        return index, out

    # -- HTTP writes ---------------------------------------------------------------------------------

    def put(self, scope: Scope, key: str, value: bytes | None, flags: int = 0, cas: int | None = None,
            acquire: str | None = None, release: str | None = None) -> bool:
        """`PUT /v1/kv/<key>`: a plain set (always true), a CAS, an acquire or a release (§1.5)."""
        with self.store.write() as tx:
            if acquire is not None:
                return self.lock(tx, scope, key, value, flags, acquire)[1] is None
            if release is not None:
                return self.unlock(tx, scope, key, value, flags, release) is not None
            if cas is not None:
                return self.cas(tx, scope, key, value, flags, cas) is not None
            self.set(tx, scope, key, value, flags)
            return True

    def delete(self, scope: Scope, key: str, recurse: bool = False, cas: int | None = None) -> bool:
        """`DELETE /v1/kv/<key>`: one key (true even when missing), a CAS delete, or a whole prefix (§1.6)."""
        with self.store.write() as tx:
            if recurse:
                self.table.delete_tree(tx, space(scope), key)
                return True
            if cas is not None:
                return self.delete_cas(tx, scope, key, cas)
            self.table.delete(tx, space(scope), key)
            return True

    # -- write primitives (one write each; /v1/txn runs several in one) -----------------------------------

    def _store(self, tx: Tx, scope: Scope, key: str, value: bytes | None, flags: int, lock_index: int,
               session: str, existing: KVEntry | None) -> KVEntry:
        """Store an entry over `existing` unless nothing changes (Consul's no-op rule: no write, no wake)."""
        entry = KVEntry(key, value or None, flags, lock_index, session,
                        existing.create_index if existing is not None else 0)
        if existing is not None and existing.same_content(entry):
            return existing
        if existing is None:
            self.agent.namespaces.require(scope, 500)
            entry.create_index = tx.index
        self.table.put(tx, space(scope), entry)
        return entry

    def set(self, tx: Tx, scope: Scope, key: str, value: bytes | None, flags: int) -> KVEntry:
        """A plain set: flags as given, the holder kept (locks are advisory), LockIndex as requested (0)."""
        existing = self.table.get(space(scope), key)
        return self._store(tx, scope, key, value, flags, 0, existing.session if existing else "", existing)

    def cas(self, tx: Tx, scope: Scope, key: str, value: bytes | None, flags: int, index: int) -> KVEntry | None:
        """Set only over ModifyIndex `index` (0: only when missing); None when stale."""
        existing = self.table.get(space(scope), key)
        if (existing.modify_index if existing is not None else 0) != index:
            return None
        return self.set(tx, scope, key, value, flags)

    def lock(self, tx: Tx, scope: Scope, key: str, value: bytes | None, flags: int,
             session_id: str) -> tuple[KVEntry | None, str | None]:
        """Acquire `key` for a session: (entry, None), or (None, HELD/DELAYED). The value and flags are
        the request's; a missing or unknown session is an error (§1.5)."""
        until = self.table.delays.get((*space(scope), key))
        if until is not None:
            if self.agent.clock.time() < until:
                return None, DELAYED
            del self.table.delays[(*space(scope), key)]
        self._require_session(scope, session_id)
        existing = self.table.get(space(scope), key)
        lock_index = 1
        if existing is not None:
            if existing.session and existing.session != session_id:
                return None, HELD
            lock_index = existing.lock_index + (existing.session != session_id)
        return self._store(tx, scope, key, value, flags, lock_index, session_id, existing), None

    def unlock(self, tx: Tx, scope: Scope, key: str, value: bytes | None, flags: int,
               session_id: str) -> KVEntry | None:
        """Release `key` held by a session; the value and flags become the request's. None when the key is
        missing or held by another (the session itself is not checked)."""
        if not session_id:
            raise ConsulError(M.MISSING_SESSION_ID)
        existing = self.table.get(space(scope), key)
        if existing is None or existing.session != session_id:
            return None
        return self._store(tx, scope, key, value, flags, existing.lock_index, "", existing)

    def delete_cas(self, tx: Tx, scope: Scope, key: str, index: int) -> bool:
        """Delete only at ModifyIndex `index`; a missing key is a success (kvsDeleteCASTxn)."""
        existing = self.table.get(space(scope), key)
        if existing is None:
            return True
        if existing.modify_index != index:
            return False
        self.table.delete(tx, space(scope), key)
        return True

    def _require_session(self, scope: Scope, session_id: str) -> None:
        """A lock needs a session of the key's own partition and namespace."""
        if not session_id:
            raise ConsulError(M.MISSING_SESSION_ID)
        if len(session_id) != 36:  # the sessions table's UUID index
            raise ConsulError(M.SESSION_LOOKUP_FAILED)
        session = self.store.sessions.get(session_id)
        if session is None or (session.partition, session.namespace) != space(scope):
            raise ConsulError(M.INVALID_SESSION.format(id=session_id))

    # -- invalidation (sessions) ---------------------------------------------------------------------

    def free(self, tx: Tx, session_id: str, delete: bool, lock_delay_ns: int) -> None:
        """What invalidating a session does to the keys it holds: released (value, flags and LockIndex
        kept) or deleted, and a lock-delay on each (§2.6)."""
        until = self.agent.clock.time() + lock_delay_ns / 1e9
        for partition, namespace, key in self.table.held_by(session_id):
            where = (partition, namespace)
            existing = self.table.get(where, key)
            if delete:
                self.table.delete(tx, where, key)
            else:
                assert existing is not None  # a session holds only keys that exist
                self.table.put(tx, where, KVEntry(key, existing.value, existing.flags, existing.lock_index, "",
                                                  existing.create_index))
            if lock_delay_ns > 0:
                self.table.set_delay(tx, (partition, namespace, key), until)
