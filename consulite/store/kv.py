"""The KV store: per (partition, namespace), entries and tombstones in key order (`SortedDict`), so a
prefix read costs what it returns; the index rules of Consul's kvs and tombstones tables
(reference kv-sessions-txn.md §1.3, §1.7). Every change records its undo on the write, so a failed
transaction leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sortedcontainers import SortedDict

from consulite.model.kv import KVEntry, Tombstone
from consulite.store.topics import kv_space
from consulite.store.watch import WatchSet, key_topic, prefix_topic

if TYPE_CHECKING:
    from consulite.store.core import Tx

Space = tuple[str, str]  # (partition, namespace)


def _under(rows: SortedDict, prefix: str) -> Iterator[str]:
    """The keys of `rows` that start with `prefix`, in byte order."""
    for key in rows.irange(minimum=prefix):
        if not key.startswith(prefix):
            return
        yield key


class KVTable:
    name = "kv"
    item_type = KVEntry

    def __init__(self) -> None:
        self.spaces: dict[Space, SortedDict] = {}
        self.tombs: dict[Space, SortedDict] = {}
        #: session ID -> the (partition, namespace, key) it holds
        self.held: dict[str, set[tuple[str, str, str]]] = {}
        #: (partition, namespace, key) -> when its lock-delay ends (agent clock; not persisted, as in Consul)
        self.delays: dict[tuple[str, str, str], float] = {}
        #: kvsMaxIndex: the last index at which entries or tombstones changed
        self.max_index = 0

        self.tombstones: TombstonesTable | None = None  # set by the tombstones table: writes report to it

    # -- the table protocol ------------------------------------------------------------------------

    @staticmethod
    def key(entry: KVEntry) -> tuple[str, str, str]:
        return (entry.partition, entry.namespace, entry.key)

    def clear(self) -> None:
        self.spaces.clear()
        self.tombs.clear()
        self.held.clear()
        self.delays.clear()
        self.max_index = 0

    def dump(self) -> list[KVEntry]:
        return [e for rows in self.spaces.values() for e in rows.values()]

    def load(self, rows: list[KVEntry]) -> None:
        """Every space built at once from its rows (one sort, not one insertion per key: a recovery of a
        million keys spends its time elsewhere)."""
        self.spaces.clear()
        self.held.clear()
        grouped: dict[Space, dict[str, KVEntry]] = {}
        for entry in rows:
            grouped.setdefault((entry.partition, entry.namespace), {})[entry.key] = entry
            if entry.session:
                self.held.setdefault(entry.session, set()).add((entry.partition, entry.namespace, entry.key))
        self.spaces.update((space, SortedDict(entries)) for space, entries in grouped.items())
        self.max_index = max(self.max_index, max((e.modify_index for e in rows), default=0))

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for space in [s for s in self.spaces if s[0] == partition]:
            self.delete_tree(tx, space, "", tombstone=False)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        if (partition, namespace) in self.spaces:
            self.delete_tree(tx, (partition, namespace), "", tombstone=False)

    # -- reads -------------------------------------------------------------------------------------

    def get(self, space: Space, key: str, ws: WatchSet | None = None) -> KVEntry | None:
        if ws is not None:
            ws.add(key_topic(kv_space(*space), key))
        rows = self.spaces.get(space)
        return rows.get(key) if rows is not None else None

    def under(self, space: Space, prefix: str, ws: WatchSet | None = None) -> list[KVEntry]:
        """Every entry whose key starts with `prefix`, in key order."""
        if ws is not None:
            ws.add(prefix_topic(kv_space(*space), prefix))
        rows = self.spaces.get(space)
        if rows is None:
            return []
        return [rows[k] for k in _under(rows, prefix)]

    def prefix_index(self, space: Space, prefix: str, entries: list[KVEntry]) -> int:
        """A prefix read's index: the newest of its entries and of the tombstones under it; when both are 0
        (or the prefix is empty), the table index (§1.3)."""
        if not prefix:
            return self.max_index
        best = max((e.modify_index for e in entries), default=0)
        tombs = self.tombs.get(space)
        if tombs is not None:
            best = max(best, max((tombs[k] for k in _under(tombs, prefix)), default=0))
        return best or self.max_index

    def held_by(self, session_id: str) -> list[tuple[str, str, str]]:
        return sorted(self.held.get(session_id, ()))

    # -- writes ------------------------------------------------------------------------------------

    def put(self, tx: Tx, space: Space, entry: KVEntry) -> None:
        """Store `entry` (a new object: stored entries are never changed in place) at this write's index."""
        rows = self.spaces.get(space)
        old = rows.get(entry.key) if rows is not None else None
        entry.partition, entry.namespace = space
        entry.modify_index = tx.index
        self._place(space, entry)
        self._changed(tx, space, entry.key, old)

    def delete(self, tx: Tx, space: Space, key: str) -> KVEntry | None:
        """Delete one key, leaving a tombstone; a missing key changes nothing."""
        rows = self.spaces.get(space)
        old: KVEntry | None = rows.get(key) if rows is not None else None
        if old is None:
            return None
        self._unplace(space, old)
        self._tombstone(tx, space, key)
        self._changed(tx, space, key, old)
        return old

    def delete_tree(self, tx: Tx, space: Space, prefix: str, tombstone: bool = True) -> int:
        """Delete every key under `prefix`; one tombstone for the prefix (none for the empty prefix)."""
        rows = self.spaces.get(space)
        if rows is None:
            return 0
        keys = list(_under(rows, prefix))
        for key in keys:
            old = rows[key]
            self._unplace(space, old)
            self._changed(tx, space, key, old)
        if keys and prefix and tombstone:
            self._tombstone(tx, space, prefix)
        elif keys:
            self._bump(tx)
        return len(keys)

    def set_delay(self, tx: Tx, key: tuple[str, str, str], until: float) -> None:
        old = self.delays.get(key)
        self.delays[key] = until
        tx.on_rollback(lambda: self.delays.pop(key) if old is None else self.delays.__setitem__(key, old))

    # -- internals ---------------------------------------------------------------------------------

    def _place(self, space: Space, entry: KVEntry) -> None:
        rows = self.spaces.get(space)
        if rows is None:
            rows = self.spaces[space] = SortedDict()
        old = rows.get(entry.key)
        if old is not None and old.session:
            self._unhold(old)
        rows[entry.key] = entry
        if entry.session:
            self.held.setdefault(entry.session, set()).add((*space, entry.key))

    def _unplace(self, space: Space, entry: KVEntry) -> None:
        rows = self.spaces[space]
        del rows[entry.key]
        if entry.session:
            self._unhold(entry)
        if not rows:
            del self.spaces[space]

    def _unhold(self, entry: KVEntry) -> None:
        keys = self.held.get(entry.session)
        if keys is not None:
            keys.discard((entry.partition, entry.namespace, entry.key))
            if not keys:
                del self.held[entry.session]

    def _changed(self, tx: Tx, space: Space, key: str, old: KVEntry | None) -> None:
        """Record the undo of a change to `key` (back to `old`), bump the table index, wake its readers."""
        def undo() -> None:
            current = self.get(space, key)
            if current is not None:
                self._unplace(space, current)
            if old is not None:
                self._place(space, old)
        tx.on_rollback(undo)
        self._bump(tx)
        tx.wake_key(kv_space(*space), key)
        tx.changed(self, (*space, key), self.get(space, key))

    def _tombstone(self, tx: Tx, space: Space, key: str) -> None:
        tombs = self.tombs.get(space)
        if tombs is None:
            tombs = self.tombs[space] = SortedDict()
        old = tombs.get(key)
        tombs[key] = tx.index
        tx.on_rollback(lambda: tombs.pop(key) if old is None else tombs.__setitem__(key, old))
        if self.tombstones is not None:
            tx.changed(self.tombstones, (*space, key), Tombstone(key, tx.index, *space))

    def _bump(self, tx: Tx) -> None:
        old = self.max_index
        if old != tx.index:
            self.max_index = tx.index
            tx.on_rollback(lambda: setattr(self, "max_index", old))


class TombstonesTable:
    """The KV table's tombstones, as a table of their own in the state document."""

    name = "tombstones"
    item_type = Tombstone

    def __init__(self, kv: KVTable) -> None:
        self.kv = kv
        kv.tombstones = self

    @staticmethod
    def key(t: Tombstone) -> tuple[str, str, str]:
        return (t.partition, t.namespace, t.key)

    def clear(self) -> None:
        self.kv.tombs.clear()

    def dump(self) -> list[Tombstone]:
        return [Tombstone(key, index, p, ns) for (p, ns), tombs in self.kv.tombs.items()
                for key, index in tombs.items()]

    def load(self, rows: list[Tombstone]) -> None:
        self.kv.tombs.clear()
        for t in rows:
            self.kv.tombs.setdefault((t.partition, t.namespace), SortedDict())[t.key] = t.index
            self.kv.max_index = max(self.kv.max_index, t.index)

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for space in [s for s in self.kv.tombs if s[0] == partition]:
            self._drop(tx, space)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        if (partition, namespace) in self.kv.tombs:
            self._drop(tx, (partition, namespace))

    def _drop(self, tx: Tx, space: Space) -> None:
        for key in self.kv.tombs.pop(space):
            tx.changed(self, (*space, key), None)

    def reap(self, tx: Tx, index: int) -> int:
        """Drop every tombstone at or below `index` (the tombstone GC's reap, a Raft write of its own: it takes
        an index, the KV table's index stays); how many went."""
        reaped = 0
        for space, tombs in list(self.kv.tombs.items()):
            gone = {k: i for k, i in tombs.items() if i <= index}
            if not gone:
                continue
            for key in gone:
                del tombs[key]
                tx.changed(self, (*space, key), None)
            if not tombs:
                del self.kv.tombs[space]
            tx.on_rollback(self._unreap(space, gone))
            reaped += len(gone)
        if reaped:
            _ = tx.index
        return reaped

    def _unreap(self, space: Space, gone: dict[str, int]) -> Callable[[], None]:
        return lambda: self.kv.tombs.setdefault(space, SortedDict()).update(gone)
