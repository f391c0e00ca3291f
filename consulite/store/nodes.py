"""The catalog's other nodes (`/v1/catalog/register`): node rows, the services and the checks registered on
them, indexed by node, by service name and by scope so that reads cost what they return. The agent's own
node is not a row here (the agent renders it); services and checks written to its name through the
catalog are rows of the two other tables, under that name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from consulite.model.check import HealthCheck
from consulite.model.node import CatalogNode, node_key
from consulite.model.service import KIND_CONNECT_PROXY, Service
from consulite.store import topics
from consulite.store.watch import Topic, WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx
    from consulite.store.table import Table

NodeKey = tuple[str, str]  # (partition, lower-cased node name)
RowKey = tuple[str, str, str, str]  # (partition, lower-cased node name, namespace, service or check ID)


def _add(index: dict[Any, dict[Any, Any]], outer: Any, inner: Any, row: Any) -> None:
    index.setdefault(outer, {})[inner] = row


def _drop(index: dict[Any, dict[Any, Any]], outer: Any, inner: Any) -> None:
    rows = index.get(outer)
    if rows is not None:
        rows.pop(inner, None)
        if not rows:
            del index[outer]


def service_key(svc: Service) -> RowKey:
    return (svc.partition, node_key(svc.node), svc.namespace, svc.id)


def check_key(check: HealthCheck) -> RowKey:
    return (check.partition, node_key(check.node), check.namespace, check.check_id)


def connect_target(svc: Service) -> str | None:
    """The service a proxy or Connect-native instance serves (Consul's connect index)."""
    if svc.kind == KIND_CONNECT_PROXY and svc.proxy is not None:
        return svc.proxy.destination_service_name
    return svc.name if svc.native else None


class _Rows:
    """Rows in a dict with undo on rollback and journal reports; subclasses keep their indexes."""

    name = ""
    rows: dict[Any, Any]

    def clear(self) -> None:
        self.rows = {}

    def dump(self) -> list[Any]:
        return list(self.rows.values())

    def load(self, rows: list[Any]) -> None:
        self.clear()
        for row in rows:
            self._index(row)

    def _index(self, row: Any) -> None:
        raise NotImplementedError

    def _unindex(self, row: Any) -> None:
        raise NotImplementedError

    @property
    def _table(self) -> Table:
        return cast("Table", self)

    def _write(self, tx: Tx, key: Any, row: Any) -> None:
        old = self.rows.get(key)
        if old is not None:
            self._unindex(old)
            tx.changed(self._table, key, None)  # re-added: it goes last, as in `rows`
        self._index(row)
        tx.changed(self._table, key, row)
        tx.on_rollback(lambda: self._undo(row, old))

    def _delete(self, tx: Tx, key: Any) -> Any:
        old = self.rows[key]
        self._unindex(old)
        tx.changed(self._table, key, None)
        tx.on_rollback(lambda: self._undo(None, old))
        return old

    def _undo(self, new: Any, old: Any) -> None:
        if new is not None:
            self._unindex(new)
        if old is not None:
            self._index(old)


class _ScopedRows(_Rows):
    """Rows keyed (partition, node, namespace, ID): a partition's or a namespace's go with it."""

    def remove(self, tx: Tx, key: RowKey) -> Any:
        raise NotImplementedError

    def topics_of(self, row: Any) -> list[Topic]:
        raise NotImplementedError

    def _replace(self, tx: Tx, key: RowKey, row: Any) -> Any:
        """Add or replace a row, keeping its CreateIndex; the readers of the old and the new row wake. The old
        row, if any."""
        old = self.rows.get(key)
        row.create_index = old.create_index if old is not None else tx.index
        row.modify_index = tx.index
        if old is not None:
            tx.touch(*self.topics_of(old))
        self._write(tx, key, row)
        tx.touch(*self.topics_of(row))
        return old

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in [k for k in self.rows if k[0] == partition]:
            self.remove(tx, key)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for key in [k for k in self.rows if k[0] == partition and k[2] == namespace]:
            self.remove(tx, key)


class NodesTable(_Rows):
    name = "nodes"
    item_type = CatalogNode

    def __init__(self) -> None:
        self.clear()

    @staticmethod
    def key(node: CatalogNode) -> NodeKey:
        return (node.partition, node_key(node.name))

    def clear(self) -> None:
        super().clear()
        self.by_partition: dict[str, dict[str, CatalogNode]] = {}
        self.by_id: dict[tuple[str, str], NodeKey] = {}

    def _index(self, node: CatalogNode) -> None:
        key = self.key(node)
        self.rows[key] = node
        _add(self.by_partition, node.partition, key[1], node)
        if node.id:
            self.by_id[(node.partition, node.id.lower())] = key

    def _unindex(self, node: CatalogNode) -> None:
        key = self.key(node)
        del self.rows[key]
        _drop(self.by_partition, node.partition, key[1])
        if node.id and self.by_id.get((node.partition, node.id.lower())) == key:
            del self.by_id[(node.partition, node.id.lower())]

    def put(self, tx: Tx, node: CatalogNode) -> None:
        """Add or replace a node, keeping its CreateIndex."""
        key = self.key(node)
        old = self.rows.get(key)
        node.create_index = old.create_index if old is not None else tx.index
        node.modify_index = tx.index
        self._write(tx, key, node)
        tx.touch(topics.nodes(node.partition), topics.catalog_node(*key))

    def remove(self, tx: Tx, key: NodeKey) -> CatalogNode:
        node: CatalogNode = self._delete(tx, key)
        tx.touch(topics.nodes(key[0]), topics.catalog_node(*key), topics.node_extinction(key[0]))
        return node

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in list(self.by_partition.get(partition, {})):
            self.remove(tx, (partition, key))

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Nodes belong to a partition, not to a namespace (their services and checks do)."""

    def get(self, partition: str, name: str, ws: WatchSet | None = None) -> CatalogNode | None:
        """A node by name or (as Consul's node lookups do) by ID."""
        key = (partition, node_key(name))
        if ws is not None:
            ws.add(topics.catalog_node(*key))
        found = self.rows.get(key)
        if found is None and name:
            by_id = self.by_id.get((partition, name.lower()))
            found = self.rows.get(by_id) if by_id is not None else None
            if ws is not None:
                ws.add(topics.catalog_node(*by_id) if by_id is not None else topics.node_extinction(partition))
        return found

    def of(self, partition: str, ws: WatchSet | None = None) -> list[CatalogNode]:
        """The partition's nodes by name, as the state store's node index orders them."""
        if ws is not None:
            ws.add(topics.nodes(partition))
        found = self.by_partition.get(partition, {})
        return [found[k] for k in sorted(found)]


class NodeServicesTable(_ScopedRows):
    name = "node_services"
    item_type = Service

    def __init__(self) -> None:
        self.clear()

    @staticmethod
    def key(svc: Service) -> RowKey:
        return service_key(svc)

    def clear(self) -> None:
        super().clear()
        self.by_node: dict[NodeKey, dict[tuple[str, str], Service]] = {}
        self.by_name: dict[tuple[str, str, str], dict[tuple[str, str], Service]] = {}
        self.by_target: dict[tuple[str, str, str], dict[tuple[str, str], Service]] = {}

    def _index(self, svc: Service) -> None:
        p, nk, ns, sid = key = service_key(svc)
        self.rows[key] = svc
        _add(self.by_node, (p, nk), (ns, sid), svc)
        _add(self.by_name, (p, ns, svc.name), (nk, sid), svc)
        target = connect_target(svc)
        if target is not None:
            _add(self.by_target, (p, ns, target), (nk, sid), svc)

    def _unindex(self, svc: Service) -> None:
        p, nk, ns, sid = key = service_key(svc)
        del self.rows[key]
        _drop(self.by_node, (p, nk), (ns, sid))
        _drop(self.by_name, (p, ns, svc.name), (nk, sid))
        target = connect_target(svc)
        if target is not None:
            _drop(self.by_target, (p, ns, target), (nk, sid))

    @staticmethod
    def topics_of(svc: Service) -> list[Topic]:
        p, ns = svc.partition, svc.namespace
        found = [topics.service_name(p, ns, svc.name), topics.service_list(p, ns),
                 topics.catalog_node(p, node_key(svc.node))]
        target = connect_target(svc)
        if target is not None:
            found.append(topics.connect(p, ns, target))
        return found

    def put(self, tx: Tx, svc: Service) -> None:
        """Add or replace a service on its node, keeping its CreateIndex."""
        old = self._replace(tx, service_key(svc), svc)
        if old is not None and old.name != svc.name:
            self._extinct(tx, old)

    def remove(self, tx: Tx, key: RowKey) -> Service:
        svc: Service = self._delete(tx, key)
        tx.touch(*self.topics_of(svc))
        self._extinct(tx, svc)
        return svc

    def _extinct(self, tx: Tx, svc: Service) -> None:
        if (svc.partition, svc.namespace, svc.name) not in self.by_name:
            tx.touch(topics.extinction(svc.partition))

    def get(self, partition: str, node: str, namespace: str, service_id: str) -> Service | None:
        return self.rows.get((partition, node_key(node), namespace, service_id))

    def on_node(self, partition: str, node: str) -> list[Service]:
        """Every service of a node (all namespaces), by namespace and ID."""
        found = self.by_node.get((partition, node_key(node)), {})
        return [found[k] for k in sorted(found)]

    def instances(self, partition: str, namespace: str, name: str, ws: WatchSet) -> list[Service]:
        ws.add(topics.service_name(partition, namespace, name))
        return _by_node_then_id(self.by_name.get((partition, namespace, name), {}))

    def connect_instances(self, partition: str, namespace: str, name: str, ws: WatchSet) -> list[Service]:
        ws.add(topics.connect(partition, namespace, name))
        return _by_node_then_id(self.by_target.get((partition, namespace, name), {}))

    def names(self, partition: str, namespace: str, ws: WatchSet) -> dict[str, list[Service]]:
        ws.add(topics.service_list(partition, namespace))
        return {name: _by_node_then_id(ids) for (p, ns, name), ids in self.by_name.items()
                if p == partition and ns == namespace}


def _by_node_then_id(rows: dict[tuple[str, str], Service]) -> list[Service]:
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1].lower(), k[1]))]


class NodeChecksTable(_ScopedRows):
    name = "node_checks"
    item_type = HealthCheck

    def __init__(self, services: NodeServicesTable) -> None:
        self._services = services
        self.clear()

    @staticmethod
    def key(check: HealthCheck) -> RowKey:
        return check_key(check)

    def clear(self) -> None:
        super().clear()
        self.by_node: dict[NodeKey, dict[tuple[str, str], HealthCheck]] = {}
        self.by_service: dict[RowKey, dict[str, HealthCheck]] = {}  # (p, node, ns, service ID) -> checks
        self.by_scope: dict[tuple[str, str], dict[RowKey, HealthCheck]] = {}  # service checks of a scope
        self.node_checks: dict[str, dict[RowKey, HealthCheck]] = {}  # partition -> node checks

    def _index(self, check: HealthCheck) -> None:
        p, nk, ns, cid = key = check_key(check)
        self.rows[key] = check
        _add(self.by_node, (p, nk), (ns, cid), check)
        if check.service_id:
            _add(self.by_service, (p, nk, ns, check.service_id), cid, check)
            _add(self.by_scope, (p, ns), key, check)
        else:
            _add(self.node_checks, p, key, check)

    def _unindex(self, check: HealthCheck) -> None:
        p, nk, ns, cid = key = check_key(check)
        del self.rows[key]
        _drop(self.by_node, (p, nk), (ns, cid))
        if check.service_id:
            _drop(self.by_service, (p, nk, ns, check.service_id), cid)
            _drop(self.by_scope, (p, ns), key)
        else:
            _drop(self.node_checks, p, key)

    def topics_of(self, check: HealthCheck) -> list[Topic]:
        """Its scope's checks, its node, and the instances whose health it is part of: its service's, or
        for a node check every service of the node."""
        p, ns = check.partition, check.namespace
        found = [topics.checks(p, ns), topics.catalog_node(p, node_key(check.node))]
        if check.service_id:  # its service may be the agent's own, on the agent's node
            found.append(topics.service_name(p, ns, check.service_name))
            return found
        for svc in self._services.on_node(p, check.node):
            found.append(topics.service_name(svc.partition, svc.namespace, svc.name))
            found.append(topics.checks(svc.partition, svc.namespace))
        return found

    def put(self, tx: Tx, check: HealthCheck) -> None:
        """Add or replace a check on its node, keeping its CreateIndex."""
        self._replace(tx, check_key(check), check)

    def remove(self, tx: Tx, key: RowKey) -> HealthCheck:
        tx.touch(*self.topics_of(self.rows[key]))
        check: HealthCheck = self._delete(tx, key)
        return check

    def on_node(self, partition: str, node: str) -> list[HealthCheck]:
        found = self.by_node.get((partition, node_key(node)), {})
        return [found[k] for k in sorted(found, key=lambda k: (k[1].lower(), k[1], k[0]))]

    def of_service(self, svc: Service, node: str) -> list[HealthCheck]:
        """The checks of `svc` on `node` (the agent's services carry no node: their caller names it)."""
        found = self.by_service.get((svc.partition, node_key(node), svc.namespace, svc.id), {})
        return [found[k] for k in sorted(found, key=lambda k: (k.lower(), k))]

    def in_scope(self, partition: str, namespace: str, ws: WatchSet) -> list[HealthCheck]:
        """Service checks of a scope and every node check of the partition."""
        ws.add(topics.checks(partition, namespace))
        return [*self.by_scope.get((partition, namespace), {}).values(),
                *self.node_checks.get(partition, {}).values()]


def node_tables() -> tuple[NodesTable, NodeServicesTable, NodeChecksTable]:
    services = NodeServicesTable()
    return NodesTable(), services, NodeChecksTable(services)
