"""The agent's state: partitions, services and checks on one node, under one monotonically rising index.

Reads return model objects the caller must not mutate; every write takes the next index, sets it on
what it touched and wakes the watches of the topics it changed. Topics:
`("svc", partition, ns, name)` instances and checks of one service name; `("svcs", partition, ns)`
the service list; `("connect", partition, ns, name)` proxies and native instances for a service;
`("agent", partition, ns, id)` one agent service; `("checks", partition, ns)` and `NODE` everything on the node.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable

from consulite import messages as M
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.model.check import PASSING, HealthCheck
from consulite.model.partition import Node, Partition
from consulite.model.registration import Registration
from consulite.model.snapshot import Snapshot
from consulite.model.rules import add_automatic_tagged_addresses, sidecar_default_checks
from consulite.model.service import DEFAULT, KIND_CONNECT_PROXY, KIND_MESH_GATEWAY, Service
from consulite.store.checks import Checks
from consulite.store.config import ConfigTable
from consulite.store.watch import Watches

Key = tuple[str, str, str]  # (partition, namespace, id)
NODE = ("node",)
SIDECAR_PORTS = (21000, 21255)


class Scheduler:
    """Runs callbacks later on the running event loop; tests inject their own clock."""

    def call_later(self, delay: float, callback: Callable[[], None]):
        return asyncio.get_running_loop().call_later(delay, callback)


class Store(Checks):
    def __init__(self, node: Node, scheduler: Scheduler | None = None):
        self.node = node
        self.scheduler = scheduler or Scheduler()
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------

    def _clear(self) -> None:
        """Empty every table; readers blocked on the old state wake (their index is gone)."""
        for timer in getattr(self, "_timers", {}).values():
            timer.cancel()
        if hasattr(self, "watches"):
            self.watches.wake_all()
        else:
            self.watches = Watches()
        self.index = 0
        self.partitions: dict[str, Partition] = {}
        self.services: dict[Key, Service] = {}
        self.by_name: dict[Key, dict[str, Service]] = {}
        self.checks: dict[Key, HealthCheck] = {}
        self.checks_of: dict[Key, dict[str, HealthCheck]] = {}
        self._timers: dict[Key, object] = {}
        self.config = ConfigTable(self)
        self._sidecar_ports: dict[int, int] = {}  # port -> number of services using it
        self.proxies: set[Key] = set()  # connect proxies and gateways: their view follows central config
        self.mesh_gateways: dict[str, dict[Key, Service]] = {}  # partition -> mesh gateways registered there

    def reset(self) -> None:
        """Back to a fresh agent: the default partition, the node, its serfHealth check, the consul service."""
        self._clear()
        self.create_partition(DEFAULT, "Builtin Default Partition")
        idx = self._next()
        self.consul_service = Service(kind="", id="consul", name="consul", partition=DEFAULT, namespace=DEFAULT,
                                      tags=[], meta={}, port=8300)
        self._put_service(self.consul_service, idx)
        self.serf_check = HealthCheck(check_id="serfHealth", name="Serf Health Status", status=PASSING,
                                      partition=DEFAULT, namespace=DEFAULT, output="Agent alive and reachable")
        self._put_check(self.serf_check, idx)
        self._touch(idx, [NODE])

    def snapshot(self) -> Snapshot:
        """Everything held, for saving (objects are shared: the caller serialises them at once)."""
        return Snapshot(index=self.index, node=self.node, partitions=list(self.partitions.values()),
                        services=list(self.services.values()), checks=list(self.checks.values()),
                        entries=list(self.config.entries.values()),
                        topics=[(list(topic), index) for topic, index in self.watches.changed.items()])

    def restore(self, snap: Snapshot) -> None:
        """Replace everything with a snapshot: indexes as saved, TTL timers restarted, blocked readers woken."""
        self._clear()
        self.node.id, self.node.name, self.node.address = snap.node.id, snap.node.name, snap.node.address
        self.partitions = {p.name: p for p in snap.partitions}
        for svc in snap.services:
            create = svc.create_index
            self._put_service(svc, svc.modify_index)
            svc.create_index = create
            if svc.id == "consul" and svc.partition == DEFAULT and svc.namespace == DEFAULT:
                self.consul_service = svc
        for check in snap.checks:
            create = check.create_index
            self._put_check(check, check.modify_index)
            check.create_index = create
            if check.check_id == "serfHealth" and not check.service_id:
                self.serf_check = check
        for entry in snap.entries:
            self.config.entries[entry.key] = self.config.by_kind[entry.kind][entry.key] = entry
        self.index = snap.index
        self.watches.changed = {tuple(topic): index for topic, index in snap.topics}

    def _next(self) -> int:
        self.index += 1
        return self.index

    def _touch(self, idx: int, topics: Iterable) -> None:
        self.watches.touch(list(topics) + [NODE], idx)

    # -- partitions --------------------------------------------------------------------------

    def create_partition(self, name: str, description: str = "") -> Partition:
        idx = self._next()
        part = Partition(name=name, description=description, create_index=idx, modify_index=idx)
        self.partitions[name] = part
        self._touch(idx, [("partitions",)])
        return part

    def update_partition(self, name: str, description: str) -> Partition:
        part = self.partitions[name]
        idx = self._next()
        part.description, part.modify_index = description, idx
        self._touch(idx, [("partitions",)])
        return part

    def delete_partition(self, name: str) -> None:
        """Remove a partition and everything registered in it."""
        self.clear_partition(name)
        del self.partitions[name]
        self._touch(self._next(), [("partitions",)])

    def clear_partition(self, name: str) -> None:
        """Remove everything registered in a partition, keeping the partition."""
        idx = self._next()
        topics: list = []
        for key in [k for k in self.services if k[0] == name and self.services[k] is not self.consul_service]:
            topics += self._remove_service(key)
        for key in [k for k in self.checks if k[0] == name and self.checks[k].service_id]:
            topics += self._remove_check(key)
        topics += self.config.drop_partition(name)
        self._touch(idx, topics)

    def require_partition(self, name: str) -> None:
        if name not in self.partitions:
            raise BadRequest(M.PARTITION_MISSING.format(name=name))

    # -- services ----------------------------------------------------------------------------

    def register(self, reg: Registration, replace_checks: bool = False) -> None:
        """Store a prepared registration (and its sidecar) in one write; nothing is written on error."""
        svc = reg.service
        self.require_partition(svc.partition)
        sidecar_checks = reg.sidecar_checks
        if reg.sidecar is not None:
            self._assign_sidecar_port(reg.sidecar)
            if not sidecar_checks:
                sidecar_checks = sidecar_default_checks(reg.sidecar, svc.id)
        idx = self._next()
        topics: list = []
        for service, checks in ((svc, reg.checks), (reg.sidecar, sidecar_checks)):
            if service is None:
                continue
            add_automatic_tagged_addresses(service)
            topics += self._put_service(service, idx)
            topics += self._put_service_checks(service, checks, replace_checks, idx)
        self._touch(idx, topics)

    def _assign_sidecar_port(self, sidecar: Service) -> None:
        low, high = SIDECAR_PORTS
        if sidecar.port >= 1:
            return
        previous = self.services.get(self._key(sidecar))
        if previous is not None and low <= previous.port <= high:
            sidecar.port = previous.port
            return
        for port in range(low, high + 1):
            if port not in self._sidecar_ports:
                sidecar.port = port
                return
        raise ConsulError(M.SIDECAR_PORTS_EXHAUSTED.format(low=low, high=high))

    @staticmethod
    def _key(obj) -> Key:
        return (obj.partition, obj.namespace, obj.id if isinstance(obj, Service) else obj.check_id)

    def _service_topics(self, svc: Service) -> list:
        p, ns = svc.partition, svc.namespace
        topics = [("svc", p, ns, svc.name), ("svcs", p, ns), ("agent", p, ns, svc.id)]
        if svc.kind == KIND_CONNECT_PROXY and svc.proxy is not None:
            topics.append(("connect", p, ns, svc.proxy.destination_service_name))
        if svc.native:
            topics.append(("connect", p, ns, svc.name))
        return topics

    def _put_service(self, svc: Service, idx: int) -> list:
        key = self._key(svc)
        old = self.services.get(key)
        topics = []
        create = idx
        if old is not None:
            topics = self._service_topics(old)
            create = old.create_index
            self._unindex_service(old)
        self.services[key] = svc
        if svc.is_proxy_or_gateway:
            self.proxies.add(key)
        if svc.kind == KIND_MESH_GATEWAY:
            self.mesh_gateways.setdefault(svc.partition, {})[key] = svc
        self.by_name.setdefault((svc.partition, svc.namespace, svc.name), {})[svc.id] = svc
        svc.create_index, svc.modify_index = create, idx
        if SIDECAR_PORTS[0] <= svc.port <= SIDECAR_PORTS[1]:
            self._sidecar_ports[svc.port] = self._sidecar_ports.get(svc.port, 0) + 1
        for check in self.checks_of.get(key, {}).values():  # checks carry the service's name and tags
            check.service_name = svc.name
        return topics + self._service_topics(svc)

    def _unindex_service(self, svc: Service) -> None:
        self.proxies.discard(self._key(svc))
        self.mesh_gateways.get(svc.partition, {}).pop(self._key(svc), None)
        name_key = (svc.partition, svc.namespace, svc.name)
        same_name = self.by_name.get(name_key, {})
        same_name.pop(svc.id, None)
        if not same_name:
            self.by_name.pop(name_key, None)
        if svc.port in self._sidecar_ports:
            self._sidecar_ports[svc.port] -= 1
            if not self._sidecar_ports[svc.port]:
                del self._sidecar_ports[svc.port]

    def _remove_service(self, key: Key) -> list:
        svc = self.services.pop(key)
        self._unindex_service(svc)
        topics = self._service_topics(svc)
        for check_id in list(self.checks_of.get(key, {})):
            topics += self._remove_check((key[0], key[1], check_id))
        return topics

    def touch_proxies(self, partition: str, index: int) -> None:
        """Central config of `partition` changed at `index`: wake readers of its proxies and gateways."""
        topics = []
        for key in self.proxies:
            if key[0] == partition:
                topics += self._service_topics(self.services[key])
        if topics:
            self.watches.touch(topics, index)

    def deregister(self, partition: str, namespace: str, service_id: str) -> None:
        """Remove a service, its checks and the sidecar registered with it."""
        key = (partition, namespace, service_id)
        if key not in self.services or self.services[key] is self.consul_service:
            raise NotFound(M.UNKNOWN_SERVICE_ID_UPDATE.format(id=service_id))
        idx = self._next()
        topics = self._remove_service(key)
        sidecar_key = (partition, namespace, service_id + "-sidecar-proxy")
        sidecar = self.services.get(sidecar_key)
        if sidecar is not None and sidecar.sidecar_of == service_id:
            topics += self._remove_service(sidecar_key)
        self._touch(idx, topics)

    def service(self, partition: str, namespace: str, service_id: str) -> Service | None:
        svc = self.services.get((partition, namespace, service_id))
        return None if svc is self.consul_service else svc

    def agent_services(self, partition: str, namespace: str) -> list[Service]:
        return [s for (p, ns, _), s in self.services.items()
                if p == partition and ns == namespace and s is not self.consul_service]

    def instances(self, partition: str, namespace: str, name: str) -> list[Service]:
        return list(self.by_name.get((partition, namespace, name), {}).values())

    def instances_of(self, partition: str, namespace: str, name: str, connect: bool) -> list[Service]:
        """Instances of `name`, or with `connect` its proxies and Connect-native instances (Consul's connect query)."""
        if not connect:
            return self.instances(partition, namespace, name)
        return [s for (p, ns, _), s in self.services.items() if p == partition and ns == namespace and (
            (s.kind == KIND_CONNECT_PROXY and s.proxy is not None and s.proxy.destination_service_name == name)
            or (s.native and s.name == name))]

    def service_names(self, partition: str, namespace: str) -> dict[str, list[Service]]:
        return {name: list(ids.values()) for (p, ns, name), ids in self.by_name.items()
                if p == partition and ns == namespace}

def new_node(name: str, datacenter: str, address: str = "127.0.0.1") -> Node:
    return Node(name=name, id=str(uuid.uuid4()), address=address, datacenter=datacenter)
