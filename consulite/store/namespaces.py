"""Namespaces, keyed by (partition, name); one topic per partition for its namespace reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.model.namespace import Namespace
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx

Key = tuple[str, str]


class NamespacesTable:
    name = "namespaces"
    item_type = Namespace

    def __init__(self) -> None:
        self.rows: dict[Key, Namespace] = {}

    @staticmethod
    def key(ns: Namespace) -> Key:
        return (ns.partition, ns.name)

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[Namespace]:
        return list(self.rows.values())

    def load(self, rows: list[Namespace]) -> None:
        self.rows = {self.key(ns): ns for ns in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """A partition's namespaces go with it (its readers wake even when only `default`, which has no row
        until updated, was there)."""
        for key in [k for k in self.rows if k[0] == partition]:
            self.delete(tx, key)
        tx.touch(topics.namespaces(partition))

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """The row itself goes only with `delete`."""

    def get(self, key: Key, ws: WatchSet | None = None) -> Namespace | None:
        if ws is not None:
            ws.add(topics.namespaces(key[0]))
        return self.rows.get(key)

    def __contains__(self, key: Key) -> bool:
        return key in self.rows

    def in_partition(self, partition: str, ws: WatchSet | None = None) -> list[Namespace]:
        if ws is not None:
            ws.add(topics.namespaces(partition))
        return [ns for (p, _), ns in self.rows.items() if p == partition]

    def put(self, tx: Tx, ns: Namespace, create_index: int | None = None) -> None:
        """Write a namespace; it keeps the CreateIndex of the one it replaces (or `create_index`)."""
        key = self.key(ns)
        old = self.rows.get(key)
        ns.create_index = old.create_index if old is not None else create_index or tx.index
        ns.modify_index = tx.index
        self.rows[key] = ns
        tx.on_rollback(lambda: self._restore(key, old))
        tx.touch(topics.namespaces(ns.partition))
        tx.changed(self, key, ns)

    def delete(self, tx: Tx, key: Key) -> None:
        old = self.rows.pop(key)
        tx.on_rollback(lambda: self._restore(key, old))
        tx.touch(topics.namespaces(key[0]))
        tx.changed(self, key, None)

    def _restore(self, key: Key, old: Namespace | None) -> None:
        if old is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = old
