"""Checks on the agent's node: of services (owned by a service ID) and of the node itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from consulite.model.check import HealthCheck
from consulite.store import topics
from consulite.store.services import ServicesTable, service_topics
from consulite.store.watch import Topic, WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx

Key = tuple[str, str, str]  # (partition, namespace, check ID)


def key_of(check: HealthCheck) -> Key:
    return (check.partition, check.namespace, check.check_id)


def by_id(checks: Iterable[HealthCheck]) -> list[HealthCheck]:
    """Checks in Consul's order: its state store's `id` index, the CheckID lower-cased (one node here)."""
    return sorted(checks, key=lambda c: (c.check_id.lower(), c.check_id))


class ChecksTable:
    name = "checks"
    item_type = HealthCheck

    def __init__(self, services: ServicesTable) -> None:
        self._services = services
        self.rows: dict[Key, HealthCheck] = {}
        self.of: dict[Key, dict[str, HealthCheck]] = {}  # (partition, namespace, service ID) -> its checks

    @staticmethod
    def key(check: HealthCheck) -> Key:
        return key_of(check)

    def clear(self) -> None:
        self.rows.clear()
        self.of.clear()

    def dump(self) -> list[HealthCheck]:
        return list(self.rows.values())

    def load(self, rows: list[HealthCheck]) -> None:
        self.clear()
        for check in rows:
            self._index(check)

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in [k for k in self.rows if k[0] == partition]:
            self.remove(tx, key)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for key in [k for k in self.rows if k[:2] == (partition, namespace)]:
            self.remove(tx, key)

    def topics_of(self, check: HealthCheck) -> list[Topic]:
        """A service's check moves that service's topics; a node's check moves every service's, since it is
        in the health of every instance on the node (and the answers kept for them, store/answers.py)."""
        found = [topics.checks(check.partition, check.namespace)]
        rows = self._services.rows
        if check.service_id:
            svc = rows.get((check.partition, check.namespace, check.service_id))
            if svc is not None:
                found += service_topics(svc)
        else:
            found += {t for svc in rows.values() for t in service_topics(svc)}
        return found

    def put(self, tx: Tx, check: HealthCheck) -> None:
        """Add or replace a check, keeping its CreateIndex."""
        key = key_of(check)
        old = self.rows.get(key)
        create = tx.index
        if old is not None:
            create = old.create_index
            self._unindex(old)
            tx.changed(self, key, None)  # re-added below: it goes last, as in `rows`
        check.create_index, check.modify_index = create, tx.index
        self._index(check)
        tx.on_rollback(lambda: self._undo(check, old))
        tx.touch(*self.topics_of(check))
        tx.changed(self, key, check)

    def kept_locally(self, tx: Tx, check: HealthCheck) -> None:
        """A change of the agent's own view of a check (its deferred output): journaled, but it takes no
        index and wakes no catalog reader."""
        tx.changed(self, key_of(check), check)

    def touched(self, tx: Tx, check: HealthCheck) -> None:
        """A stored check's status or output changed in place."""
        check.modify_index = tx.index
        tx.touch(*self.topics_of(check))
        tx.changed(self, key_of(check), check)

    def remove(self, tx: Tx, key: Key) -> HealthCheck:
        check = self.rows[key]
        tx.touch(*self.topics_of(check))
        self._unindex(check)
        tx.on_rollback(lambda: self._undo(None, check))
        tx.changed(self, key, None)
        return check

    def _undo(self, new: HealthCheck | None, old: HealthCheck | None) -> None:
        """A failed write: `new` goes, `old` is back."""
        if new is not None:
            self._unindex(new)
        if old is not None:
            self._index(old)

    def _index(self, check: HealthCheck) -> None:
        self.rows[key_of(check)] = check
        self.of.setdefault((check.partition, check.namespace, check.service_id), {})[check.check_id] = check

    def _unindex(self, check: HealthCheck) -> None:
        del self.rows[key_of(check)]
        owner = (check.partition, check.namespace, check.service_id)
        siblings = self.of.get(owner, {})
        siblings.pop(check.check_id, None)
        if not siblings:
            self.of.pop(owner, None)

    def get(self, key: Key) -> HealthCheck | None:
        return self.rows.get(key)

    def of_service(self, partition: str, namespace: str, service_id: str) -> list[HealthCheck]:
        return by_id(self.of.get((partition, namespace, service_id), {}).values())

    def of_node(self) -> list[HealthCheck]:
        return by_id(c for c in self.rows.values() if not c.service_id)

    def in_scope(self, partition: str, namespace: str, ws: WatchSet | None = None) -> list[HealthCheck]:
        """Checks of services in (partition, namespace), plus the node's own checks, by CheckID."""
        if ws is not None:
            ws.add(topics.checks(partition, namespace))
        return by_id(c for (p, ns, _), c in self.rows.items()
                     if (p == partition and ns == namespace) or not c.service_id)
