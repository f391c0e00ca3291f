"""Node coordinates, the autopilot configuration and prepared queries: three small tables."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from consulite.model.operator import AutopilotConfig, NodeCoordinate, PreparedQuery
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx


class CoordinatesTable:
    """One coordinate per (node, segment)."""

    name = "coordinates"
    item_type = NodeCoordinate

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], NodeCoordinate] = {}

    @staticmethod
    def key(coord: NodeCoordinate) -> tuple[str, str]:
        return (coord.node, coord.segment)

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[NodeCoordinate]:
        return list(self.rows.values())

    def load(self, rows: list[NodeCoordinate]) -> None:
        self.rows = {(c.node, c.segment): c for c in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in [k for k, c in self.rows.items() if c.partition == partition]:
            del self.rows[key]
            tx.touch(topics.COORDINATES)
            tx.changed(self, key, None)

    def remove_node(self, tx: Tx, partition: str, node: str) -> None:
        """A deleted node's coordinates go with it (Consul's deleteNodeTxn), node names compared as the
        catalog compares them (case-insensitively)."""
        for key in [k for k, c in self.rows.items() if c.partition == partition and c.node.lower() == node.lower()]:
            tx.on_rollback(functools.partial(self.rows.__setitem__, key, self.rows.pop(key)))
            tx.touch(topics.COORDINATES)
            tx.changed(self, key, None)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Coordinates belong to nodes, which are not namespaced."""

    def list(self, ws: WatchSet | None = None) -> list[NodeCoordinate]:
        if ws is not None:
            ws.add(topics.COORDINATES)
        return [self.rows[k] for k in sorted(self.rows)]

    def put(self, tx: Tx, coord: NodeCoordinate) -> None:
        self.rows[(coord.node, coord.segment)] = coord
        tx.touch(topics.COORDINATES)
        tx.changed(self, (coord.node, coord.segment), coord)


class AutopilotTable:
    """The one autopilot configuration (a row appears on the first write; reads see the defaults before)."""

    name = "autopilot"
    item_type = AutopilotConfig

    def __init__(self) -> None:
        self.row: AutopilotConfig | None = None

    @staticmethod
    def key(conf: AutopilotConfig) -> str:
        return "autopilot"  # the one row

    def clear(self) -> None:
        self.row = None

    def dump(self) -> list[AutopilotConfig]:
        return [self.row] if self.row is not None else []

    def load(self, rows: list[AutopilotConfig]) -> None:
        self.row = rows[0] if rows else None

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """Autopilot is cluster-wide."""

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Autopilot is cluster-wide."""

    def get(self, ws: WatchSet | None = None) -> AutopilotConfig | None:
        if ws is not None:
            ws.add(topics.AUTOPILOT)
        return self.row

    def put(self, tx: Tx, conf: AutopilotConfig, cas: int | None = None) -> bool:
        """Replace the configuration; with `cas`, only over that ModifyIndex."""
        old = self.row
        if cas is not None and (old.modify_index if old is not None else 0) != cas:
            return False
        conf.create_index = old.create_index if old is not None else tx.index
        conf.modify_index = tx.index
        self.row = conf
        tx.touch(topics.AUTOPILOT)
        tx.changed(self, "autopilot", conf)
        return True


class QueriesTable:
    """Prepared queries by ID (names are unique among them)."""

    name = "queries"
    item_type = PreparedQuery

    def __init__(self) -> None:
        self.rows: dict[str, PreparedQuery] = {}

    @staticmethod
    def key(query: PreparedQuery) -> str:
        return query.id

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[PreparedQuery]:
        return list(self.rows.values())

    def load(self, rows: list[PreparedQuery]) -> None:
        self.rows = {q.id: q for q in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """Prepared queries are datacenter-wide."""

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Prepared queries are datacenter-wide."""

    def get(self, id_or_name: str, ws: WatchSet | None = None) -> PreparedQuery | None:
        if ws is not None:
            ws.add(topics.QUERIES)
        found = self.rows.get(id_or_name)
        if found is None and id_or_name:
            found = next((q for q in self.rows.values() if q.name == id_or_name), None)
        return found

    def list(self, ws: WatchSet | None = None) -> list[PreparedQuery]:
        if ws is not None:
            ws.add(topics.QUERIES)
        return sorted(self.rows.values(), key=lambda q: q.id)

    def put(self, tx: Tx, query: PreparedQuery) -> None:
        old = self.rows.get(query.id)
        query.create_index = old.create_index if old is not None else tx.index
        query.modify_index = tx.index
        self.rows[query.id] = query
        tx.touch(topics.QUERIES)
        tx.changed(self, query.id, query)

    def delete(self, tx: Tx, query_id: str) -> None:
        if self.rows.pop(query_id, None) is not None:
            tx.touch(topics.QUERIES)
            tx.changed(self, query_id, None)
