"""Services on the agent's node, indexed by name, by partition's mesh gateways, and by sidecar port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.model.service import KIND_CONNECT_PROXY, KIND_MESH_GATEWAY, Service
from consulite.store import topics
from consulite.store.watch import Topic, WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx

Key = tuple[str, str, str]  # (partition, namespace, id)
SIDECAR_PORTS = (21000, 21255)


def key_of(svc: Service) -> Key:
    return (svc.partition, svc.namespace, svc.id)


def service_topics(svc: Service) -> list[Topic]:
    p, ns = svc.partition, svc.namespace
    found = [topics.service_name(p, ns, svc.name), topics.service_list(p, ns), topics.agent_service(p, ns, svc.id)]
    if svc.kind == KIND_CONNECT_PROXY and svc.proxy is not None:
        found.append(topics.connect(p, ns, svc.proxy.destination_service_name))
    if svc.native:
        found.append(topics.connect(p, ns, svc.name))
    return found


class ServicesTable:
    name = "services"
    item_type = Service

    def __init__(self) -> None:
        self.rows: dict[Key, Service] = {}
        self.clear()

    @staticmethod
    def key(svc: Service) -> Key:
        return key_of(svc)

    def clear(self) -> None:
        self.rows.clear()
        self.by_name: dict[tuple[str, str, str], dict[str, Service]] = {}
        self.proxies: set[Key] = set()  # connect proxies and gateways: their view follows central config
        self.gateways: dict[str, dict[Key, Service]] = {}  # partition -> mesh gateways registered there
        self.sidecar_ports: dict[int, int] = {}  # port -> number of services using it
        #: per name, the union of its instances' tags in order of first appearance (made at the first read
        #: after a change of that name)
        self._tags: dict[tuple[str, str, str], list[str]] = {}

    def dump(self) -> list[Service]:
        return list(self.rows.values())

    def load(self, rows: list[Service]) -> None:
        self.clear()
        for svc in rows:
            self._index(svc)

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for key in [k for k in self.rows if k[0] == partition]:
            self.remove(tx, key)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for key in [k for k in self.rows if k[:2] == (partition, namespace)]:
            self.remove(tx, key)

    # -- writes --------------------------------------------------------------------------------

    def put(self, tx: Tx, svc: Service) -> None:
        """Add or replace a service, keeping its CreateIndex."""
        key = key_of(svc)
        old = self.rows.get(key)
        create = tx.index
        if old is not None:
            tx.touch(*service_topics(old))
            create = old.create_index
            self._unindex(old)
            if old.name != svc.name and (old.partition, old.namespace, old.name) not in self.by_name:
                tx.touch(topics.extinction(old.partition))
            tx.changed(self, key, None)  # re-added below: it goes last, as in `rows`
        svc.create_index, svc.modify_index = create, tx.index
        self._index(svc)
        tx.on_rollback(lambda: self._undo(svc, old))
        tx.touch(*service_topics(svc))
        tx.changed(self, key, svc)

    def remove(self, tx: Tx, key: Key) -> Service:
        svc = self.rows[key]
        self._unindex(svc)
        tx.on_rollback(lambda: self._undo(None, svc))
        tx.touch(*service_topics(svc))
        if (svc.partition, svc.namespace, svc.name) not in self.by_name:
            tx.touch(topics.extinction(svc.partition))
        tx.changed(self, key, None)
        return svc

    def _undo(self, new: Service | None, old: Service | None) -> None:
        """A failed write: `new` goes, `old` is back."""
        if new is not None:
            self._unindex(new)
        if old is not None:
            self._index(old)

    def _index(self, svc: Service) -> None:
        key = key_of(svc)
        self.rows[key] = svc
        if svc.is_proxy_or_gateway:
            self.proxies.add(key)
        if svc.kind == KIND_MESH_GATEWAY:
            self.gateways.setdefault(svc.partition, {})[key] = svc
        name_key = (svc.partition, svc.namespace, svc.name)
        self.by_name.setdefault(name_key, {})[svc.id] = svc
        self._tags.pop(name_key, None)
        if SIDECAR_PORTS[0] <= svc.port <= SIDECAR_PORTS[1]:
            self.sidecar_ports[svc.port] = self.sidecar_ports.get(svc.port, 0) + 1

    def _unindex(self, svc: Service) -> None:
        key = key_of(svc)
        del self.rows[key]
        self.proxies.discard(key)
        self.gateways.get(svc.partition, {}).pop(key, None)
        name_key = (svc.partition, svc.namespace, svc.name)
        self._tags.pop(name_key, None)
        same_name = self.by_name.get(name_key, {})
        same_name.pop(svc.id, None)
        if not same_name:
            self.by_name.pop(name_key, None)
        if svc.port in self.sidecar_ports:
            self.sidecar_ports[svc.port] -= 1
            if not self.sidecar_ports[svc.port]:
                del self.sidecar_ports[svc.port]

    # -- reads ---------------------------------------------------------------------------------

    def get(self, key: Key, ws: WatchSet | None = None) -> Service | None:
        if ws is not None:
            ws.add(topics.agent_service(*key))
        return self.rows.get(key)

    def in_scope(self, partition: str, namespace: str, ws: WatchSet | None = None) -> list[Service]:
        if ws is not None:
            ws.add(topics.service_list(partition, namespace))
        return [s for (p, ns, _), s in self.rows.items() if p == partition and ns == namespace]

    def instances(self, partition: str, namespace: str, name: str, ws: WatchSet | None = None) -> list[Service]:
        """The instances of `name`; a name with none also watches the extinction index, which its read answers
        (Consul's maxIndexAndWatchChForService: `block until an instance appears or another service goes`)."""
        found = self.by_name.get((partition, namespace, name))
        if ws is not None:
            ws.add(topics.service_name(partition, namespace, name))
            if not found:
                ws.add(topics.extinction(partition))
        return list(found.values()) if found else []

    def connect_instances(self, partition: str, namespace: str, name: str, ws: WatchSet | None = None) -> list[Service]:
        """Proxies for `name` and its Connect-native instances (Consul's connect query)."""
        if ws is not None:
            ws.add(topics.connect(partition, namespace, name))
        return [s for (p, ns, _), s in self.rows.items() if p == partition and ns == namespace and (
            (s.kind == KIND_CONNECT_PROXY and s.proxy is not None and s.proxy.destination_service_name == name)
            or (s.native and s.name == name))]

    def tags(self, partition: str, namespace: str, ws: WatchSet | None = None) -> dict[str, list[str]]:
        """Each service name in a scope with the union of its instances' tags (O(names) once made)."""
        if ws is not None:
            ws.add(topics.service_list(partition, namespace))
        out = {}
        kept = self._tags
        for key, ids in self.by_name.items():
            if key[0] == partition and key[1] == namespace:
                found = kept.get(key)
                if found is None:
                    found = kept[key] = list(dict.fromkeys(t for svc in ids.values() for t in svc.tags))
                out[key[2]] = found
        return out

    def names(self, partition: str, namespace: str, ws: WatchSet | None = None) -> dict[str, list[Service]]:
        """Each service name in a scope with its instances."""
        if ws is not None:
            ws.add(topics.service_list(partition, namespace))
        return {name: list(ids.values()) for (p, ns, name), ids in self.by_name.items()
                if p == partition and ns == namespace}

    def mesh_gateways(self, partition: str) -> list[Service]:
        return list(self.gateways.get(partition, {}).values())

    def proxy_topics(self, partition: str) -> list[Topic]:
        """The topics of a partition's proxies and gateways (their merged view follows central config)."""
        return [t for key in self.proxies if key[0] == partition for t in service_topics(self.rows[key])]
