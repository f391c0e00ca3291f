"""The store: tables under one raft-like index. `with store.write() as tx:` takes the next index (only
when something is written) and collects the touched topics, which wake their readers at commit. Reads
add the topics they look at to a watch set; `index_of(ws)` is the index to answer with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from consulite.store import topics
from consulite.store.acl import acl_tables
from consulite.store.blocking import KeepWaiting, Read, blocking
from consulite.store.checks import ChecksTable
from consulite.store.config import ConfigTable
from consulite.store.partitions import PartitionsTable
from consulite.store.services import ServicesTable
from consulite.store.table import Table
from consulite.store.watch import Watches


class Tx:
    """One write: every change in it carries the same index; its topics wake at commit."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: int | None = None
        self.topics: set = set()

    @property
    def index(self) -> int:
        """The write's index, taken on first use (a write that changes nothing takes none)."""
        if self._index is None:
            self._index = self._store.index + 1
        return self._index

    def touch(self, *changed: Any) -> None:
        self.topics.update(changed)

    def commit(self) -> None:
        if self._index is None and not self.topics:
            return
        store = self._store
        store.index = self.index
        if self.topics != {topics.ACL}:  # ACL writes do not move the node's view
            self.topics.add(topics.NODE)
        store.watches.touch(self.topics, store.index)


class Store:
    def __init__(self) -> None:
        self.watches = Watches()
        self.index = 0
        self.partitions = PartitionsTable()
        self.services = ServicesTable()
        self.checks = ChecksTable(self.services)
        self.config = ConfigTable()
        self.acl = acl_tables()
        #: every table: reset, dump, load and partition removal go through this list
        self.tables: tuple[Table, ...] = (self.partitions, self.services, self.checks, self.config,
                                          *self.acl.values())

    @contextmanager
    def write(self) -> Iterator[Tx]:
        tx = Tx(self)
        yield tx
        tx.commit()

    def index_of(self, ws: set) -> int:
        return self.watches.index_of(ws)

    async def block(self, read: Read, wait: float, keep_waiting: KeepWaiting) -> tuple[int, Any]:
        return await blocking(self.watches, read, wait, keep_waiting)

    def clear(self) -> None:
        """Empty every table; the index restarts and readers blocked on the old state wake."""
        for table in self.tables:
            table.clear()
        self.index = 0
        self.watches.wake_all()

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for table in self.tables:
            table.drop_partition(tx, partition)

    def dump(self) -> dict[str, Any]:
        """Every table's rows, the index, and each topic's last-change index (so X-Consul-Index answers
        are reproduced after a load)."""
        return {"index": self.index, **{t.name: t.dump() for t in self.tables},
                "topics": [(list(topic), index) for topic, index in self.watches.changed.items()]}

    def layout(self) -> dict[str, Any]:
        """The type of each key of `dump()`, for structuring a saved document."""
        return {"index": int, **{t.name: list[t.item_type] for t in self.tables},  # type: ignore[name-defined]
                "topics": list[tuple[list, int]]}

    def load(self, doc: dict[str, Any]) -> None:
        """Replace everything with a dump: indexes as saved, blocked readers woken."""
        self.clear()
        for table in self.tables:
            table.load(doc[table.name])
        self.index = doc["index"]
        self.watches.changed = {tuple(topic): index for topic, index in doc["topics"]}
