"""Config entries: one table keyed by (kind, partition, namespace, name), indexed by kind; CAS and no-op
writes (config-entries-and-resolver.md §1.2, §1.4, §1.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.model.config import KINDS, ConfigEntry
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx

Key = tuple[str, str, str, str]


class ConfigTable:
    name = "entries"
    item_type = ConfigEntry

    def __init__(self) -> None:
        self.rows: dict[Key, ConfigEntry] = {}
        self.by_kind: dict[str, dict[Key, ConfigEntry]] = {k: {} for k in KINDS}

    @staticmethod
    def key(entry: ConfigEntry) -> Key:
        return entry.key

    def clear(self) -> None:
        self.rows.clear()
        for rows in self.by_kind.values():
            rows.clear()

    def dump(self) -> list[ConfigEntry]:
        return list(self.rows.values())

    def load(self, rows: list[ConfigEntry]) -> None:
        self.clear()
        for entry in rows:
            self.rows[entry.key] = self.by_kind[entry.kind][entry.key] = entry

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in [k for k in self.rows if k[1] == partition]:
            self._remove(tx, key)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for key in [k for k in self.rows if k[1:3] == (partition, namespace)]:
            self._remove(tx, key)

    def get(self, key: Key, ws: WatchSet | None = None) -> ConfigEntry | None:
        if ws is not None:
            ws.add(topics.config_entry(key))
        return self.rows.get(key)

    def list(self, kind: str | None, partition: str, namespace: str | None = None,
             ws: WatchSet | None = None) -> list[ConfigEntry]:
        """Entries of `kind` (all kinds when None) in a partition, in Consul's kind order and by name."""
        if ws is not None:
            ws.add(topics.config_kind(kind) if kind else topics.CONFIG)
        found: list[ConfigEntry] = []
        for k in (KINDS if kind is None else (kind,)):
            found += sorted((e for (_, p, ns, _), e in self.by_kind[k].items()
                             if p == partition and (namespace is None or ns == namespace)),
                            key=lambda e: (e.namespace, e.name))
        return found

    def put(self, tx: Tx, entry: ConfigEntry, cas: int | None = None) -> bool:
        """Write an entry; with `cas`, only over that ModifyIndex (0: create only). An unchanged body is a
        no-op: no write, indexes unchanged, even for a stale cas."""
        key = entry.key
        existing = self.rows.get(key)
        if existing is not None and existing.body == entry.body:
            return True
        if cas is not None and (existing.modify_index if existing is not None else 0) != cas:
            return False
        entry.create_index = existing.create_index if existing is not None else tx.index
        entry.modify_index = tx.index
        self.rows[key] = self.by_kind[entry.kind][key] = entry
        self._touch(tx, key)
        tx.changed(self, key, entry)
        return True

    def delete(self, tx: Tx, key: Key, cas: int | None = None) -> bool:
        """Delete an entry (a missing one is a successful no-op, CAS included)."""
        existing = self.rows.get(key)
        if existing is None:
            return True
        if cas is not None and existing.modify_index != cas:
            return False
        self._remove(tx, key)
        return True

    def _remove(self, tx: Tx, key: Key) -> None:
        del self.rows[key], self.by_kind[key[0]][key]
        self._touch(tx, key)
        tx.changed(self, key, None)

    @staticmethod
    def _touch(tx: Tx, key: Key) -> None:
        tx.touch(topics.CONFIG, topics.config_kind(key[0]), topics.config_entry(key))
