"""The store: tables under one raft-like index. `with store.write() as tx:` takes the next index (only
when something is written) and collects the touched topics, which wake their readers at commit. Reads
add the topics they look at to a watch set; `index_of(ws)` is the index to answer with."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from consulite.store.acl import acl_tables
from consulite.store.answers import Answers
from consulite.store.blocking import KeepWaiting, Read, blocking
from consulite.store.checks import ChecksTable
from consulite.store.config import ConfigTable
from consulite.store.events import EventsTable
from consulite.store.kv import KVTable, TombstonesTable
from consulite.store.namespaces import NamespacesTable
from consulite.store.nodes import node_tables
from consulite.store.operator import AutopilotTable, CoordinatesTable, QueriesTable
from consulite.store.partitions import PartitionsTable
from consulite.store.services import ServicesTable
from consulite.store.sessions import SessionsTable
from consulite.store.table import Table
from consulite.store.watch import Topic, Watches, WatchSet


class Tx:
    """One write: every change in it carries the same index; its topics wake at commit."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: int | None = None
        self.topics: set[Topic] = set()
        #: topics to wake whose index lives in their table (KV keys and prefixes, one session, events)
        self.woken: list[tuple[Topic, str | None]] = []
        self._undo: list[Callable[[], object]] = []
        #: (table name, key, row or None when removed) in the order reported, for commit hooks (the journal)
        self.changes: list[tuple[str, Hashable, Any]] = []

    @property
    def index(self) -> int:
        """The write's index, taken on first use (a write that changes nothing takes none)."""
        if self._index is None:
            self._index = self._store.index + 1
        return self._index

    def touch(self, *changed: Any) -> None:
        self.topics.update(changed)

    def on_rollback(self, undo: Callable[[], object]) -> None:
        """Record how to undo a change, should the write fail."""
        self._undo.append(undo)

    def rollback(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        self.woken.clear()
        self.changes.clear()

    def changed(self, table: Table, key: Hashable, row: Any) -> None:
        """A table reports a row this write changed (`row` None: removed)."""
        self.changes.append((table.name, key, row))

    def wake(self, *woken: Topic) -> None:
        """Wake the readers of `woken` at commit, recording no index for them."""
        self.woken.extend((t, None) for t in woken)

    def wake_key(self, space: Topic, key: str) -> None:
        """Wake the readers of `key` and of every prefix of it at commit (`Watches.wake_key`)."""
        self.woken.append((space, key))

    def commit(self) -> None:
        store = self._store
        if self._index is not None or self.topics:
            store.index = self.index
            store.watches.touch(self.topics, store.index)
            for listener in store.on_commit:
                listener(self.topics)
        for topic, key in self.woken:
            if key is None:
                store.watches.wake((topic,))
            else:
                store.watches.wake_key(topic, key)
        if self.changes:
            for hook in store.hooks:
                hook.committed(self)


class CommitHook(Protocol):
    """What a journal implements to follow the store: each committed write, and wholesale replacement."""

    def committed(self, tx: Tx) -> None: ...

    def replaced(self) -> None:
        """Everything changed at once (reset, restore)."""


class Store:
    def __init__(self) -> None:
        self.watches = Watches()
        self.index = 0
        #: rendered answers of repeated reads (the HTTP layer keys them by request)
        self.answers = Answers(self.watches)
        #: called with the touched topics after each commit (the agent's checks follow their targets)
        self.on_commit: list[Callable[[set[Any]], None]] = []
        self.partitions = PartitionsTable()
        self.namespaces = NamespacesTable()
        self.services = ServicesTable()
        self.checks = ChecksTable(self.services)
        self.config = ConfigTable()
        self.kv = KVTable()
        self.sessions = SessionsTable()
        self.events = EventsTable()
        self.coordinates = CoordinatesTable()
        self.acl = acl_tables()
        self.autopilot = AutopilotTable()
        self.queries = QueriesTable()
        self.nodes, self.node_services, self.node_checks = node_tables()
        #: every table: reset, dump, load and partition removal go through this list
        self.tables: tuple[Table, ...] = (self.partitions, self.namespaces, self.services, self.checks, self.config,
                                          self.kv, TombstonesTable(self.kv), self.sessions, self.events,
                                          self.coordinates, self.autopilot, self.queries,
                                          self.nodes, self.node_services, self.node_checks,
                                          *self.acl.values())
        self.hooks: list[CommitHook] = []

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One write; an exception inside it undoes what tables recorded with `tx.on_rollback` and commits
        nothing (a transaction that fails is not half-applied)."""
        tx = Tx(self)
        try:
            yield tx
        except BaseException:
            tx.rollback()
            raise
        tx.commit()

    def index_of(self, ws: WatchSet) -> int:
        return self.watches.index_of(ws)

    async def block(self, read: Read[Any], wait: float, keep_waiting: KeepWaiting[Any]) -> tuple[int, Any]:
        return await blocking(self.watches, read, wait, keep_waiting)

    def clear(self) -> None:
        """Empty every table; the index restarts and readers blocked on the old state wake."""
        for table in self.tables:
            table.clear()
        self.index = 0
        self.watches.wake_all()
        for hook in self.hooks:
            hook.replaced()

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for table in self.tables:
            table.drop_partition(tx, partition)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for table in self.tables:
            table.drop_namespace(tx, partition, namespace)

    def dump(self) -> dict[str, Any]:
        """Every table's rows, the index, and each topic's last-change index (so X-Consul-Index answers
        are reproduced after a load)."""
        return {"index": self.index, **{t.name: t.dump() for t in self.tables},
                "topics": [(list(topic), index) for topic, index in self.watches.changed.items()]}

    def layout(self) -> dict[str, Any]:
        """The type of each key of `dump()`, for structuring a saved document."""
        return {"index": int, **{t.name: list[t.item_type] for t in self.tables},  # type: ignore[name-defined]
                "topics": list[tuple[list[str], int]]}

    def load(self, doc: dict[str, Any]) -> None:
        """Replace everything with a dump: indexes as saved, blocked readers woken."""
        self.clear()
        for table in self.tables:
            table.load(doc[table.name])
        self.index = doc["index"]
        self.watches.changed = {tuple(topic): index for topic, index in doc["topics"]}
