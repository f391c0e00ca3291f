"""Admin partitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.model.partition import Partition
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx


class PartitionsTable:
    name = "partitions"
    item_type = Partition

    def __init__(self) -> None:
        self.rows: dict[str, Partition] = {}

    @staticmethod
    def key(part: Partition) -> str:
        return part.name

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[Partition]:
        return list(self.rows.values())

    def load(self, rows: list[Partition]) -> None:
        self.rows = {p.name: p for p in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """A partition's contents go with it; the row itself goes only with `delete`."""

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Partitions hold namespaces, not the other way round."""

    def get(self, name: str, ws: WatchSet | None = None) -> Partition | None:
        if ws is not None:
            ws.add(topics.PARTITIONS)
        return self.rows.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.rows

    def list(self, ws: WatchSet | None = None) -> list[Partition]:
        if ws is not None:
            ws.add(topics.PARTITIONS)
        return sorted(self.rows.values(), key=lambda p: p.name)

    def put(self, tx: Tx, part: Partition) -> None:
        old = self.rows.get(part.name)
        part.create_index = old.create_index if old is not None else tx.index
        part.modify_index = tx.index
        self.rows[part.name] = part
        tx.touch(topics.PARTITIONS)
        tx.changed(self, part.name, part)

    def delete(self, tx: Tx, name: str) -> None:
        del self.rows[name]
        tx.touch(topics.PARTITIONS)
        tx.changed(self, name, None)
