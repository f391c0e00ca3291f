"""Config entries in the store: one table keyed by (kind, partition, namespace, name), CAS and no-op writes."""

from __future__ import annotations

from consulite.model.config import KINDS, ConfigEntry

Key = tuple[str, str, str, str]
TABLE = ("config",)
#: Kinds that feed a proxy's merged view (agent-service-api.md §4.2).
MERGED_KINDS = frozenset({"proxy-defaults", "service-defaults"})


def entry_topic(key: Key) -> tuple:
    return ("config", *key)


def kind_topic(kind: str) -> tuple:
    return ("config", kind)


class ConfigTable:
    """Config entries, sharing the store's index and watches (config-entries-and-resolver.md §1.2, §1.4, §1.5)."""

    def __init__(self, store) -> None:
        self._store = store
        self.entries: dict[Key, ConfigEntry] = {}
        self.by_kind: dict[str, dict[Key, ConfigEntry]] = {k: {} for k in KINDS}

    def get(self, kind: str, partition: str, namespace: str, name: str) -> ConfigEntry | None:
        return self.entries.get((kind, partition, namespace, name))

    def list(self, kind: str | None, partition: str, namespace: str | None = None) -> list[ConfigEntry]:
        """Entries of `kind` (all kinds when None) in a partition, in Consul's kind order and by name."""
        found = []
        for k in (KINDS if kind is None else (kind,)):
            found += sorted((e for (_, p, ns, _), e in self.by_kind[k].items()
                             if p == partition and (namespace is None or ns == namespace)),
                            key=lambda e: (e.namespace, e.name))
        return found

    def apply(self, entry: ConfigEntry, cas: int | None = None) -> bool:
        """Write a normalized, validated entry; with `cas`, only over that ModifyIndex (0: create only)."""
        key = entry.key
        existing = self.entries.get(key)
        if existing is not None and existing.body == entry.body:
            return True  # no-op: no raft write, indexes unchanged, even for a stale cas
        if cas is not None and (existing.modify_index if existing is not None else 0) != cas:
            return False
        store = self._store
        idx = store._next()
        entry.create_index = existing.create_index if existing is not None else idx
        entry.modify_index = idx
        self.entries[key] = self.by_kind[entry.kind][key] = entry
        self._changed(idx, key)
        return True

    def delete(self, kind: str, partition: str, namespace: str, name: str, cas: int | None = None) -> bool:
        key = (kind, partition, namespace, name)
        existing = self.entries.get(key)
        if existing is None:
            return True  # deleting a missing entry is a successful no-op, CAS included
        if cas is not None and existing.modify_index != cas:
            return False
        del self.entries[key], self.by_kind[kind][key]
        self._changed(self._store._next(), key)
        return True

    def _changed(self, idx: int, key: Key) -> None:
        """Wake readers of the entry, its kind, the table, and the proxies whose merged view it may change."""
        self._store._touch(idx, [TABLE, kind_topic(key[0]), entry_topic(key)])
        if key[0] in MERGED_KINDS:
            self._store.touch_proxies(key[1], idx)

    def drop_partition(self, partition: str) -> list:
        """Remove a partition's entries (the caller takes the index); the topics they touched."""
        keys = [k for k in self.entries if k[1] == partition]
        for key in keys:
            del self.entries[key], self.by_kind[key[0]][key]
        return [TABLE, *(kind_topic(k[0]) for k in keys), *(entry_topic(k) for k in keys)]
