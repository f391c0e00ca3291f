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
from consulite.model.check import CRITICAL, MAINTENANCE, PASSING, CheckDefinition, CheckType, HealthCheck, check_type_name
from consulite.model.partition import Node, Partition
from consulite.model.registration import Registration
from consulite.model.snapshot import Snapshot
from consulite.model.rules import add_automatic_tagged_addresses, sidecar_default_checks
from consulite.model.service import DEFAULT, KIND_CONNECT_PROXY, KIND_MESH_GATEWAY, Service
from consulite.store.config import ConfigTable
from consulite.store.watch import Watches

Key = tuple[str, str, str]  # (partition, namespace, id)
NODE = ("node",)
SIDECAR_PORTS = (21000, 21255)
OUTPUT_MAX = 4096


class Scheduler:
    """Runs callbacks later on the running event loop; tests inject their own clock."""

    def call_later(self, delay: float, callback: Callable[[], None]):
        return asyncio.get_running_loop().call_later(delay, callback)


class Store:
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

    def maintenance(self, partition: str, namespace: str, service_id: str, enable: bool, reason: str) -> None:
        svc = self.service(partition, namespace, service_id)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID_UPDATE.format(id=service_id))
        check_id = M.SERVICE_MAINT_CHECK_ID.format(id=service_id)
        key = (partition, namespace, check_id)
        if enable == (key in self.checks):
            return
        idx = self._next()
        if enable:
            check = HealthCheck(check_id=check_id, name=M.SERVICE_MAINT_NAME, status=CRITICAL,
                                partition=partition, namespace=namespace, type=MAINTENANCE,
                                notes=reason or M.SERVICE_MAINT_NOTES, service_id=svc.id, service_name=svc.name)
            topics = self._put_check(check, idx)
        else:
            topics = self._remove_check(key)
        self._touch(idx, topics)

    def node_maintenance(self, enable: bool, reason: str) -> None:
        key = (DEFAULT, DEFAULT, M.NODE_MAINT_CHECK_ID)
        if enable == (key in self.checks):
            return
        idx = self._next()
        if enable:
            check = HealthCheck(check_id=M.NODE_MAINT_CHECK_ID, name=M.NODE_MAINT_NAME, status=CRITICAL,
                                partition=DEFAULT, namespace=DEFAULT, type=MAINTENANCE,
                                notes=reason or M.NODE_MAINT_NOTES)
            topics = self._put_check(check, idx)
        else:
            topics = self._remove_check(key)
        self._touch(idx, topics)

    # -- checks ------------------------------------------------------------------------------

    def _put_service_checks(self, svc: Service, types: list[CheckType], replace: bool, idx: int) -> list:
        key = self._key(svc)
        topics: list = []
        new_ids = set()
        for n, ct in enumerate(types, start=1):
            check_id = ct.check_id or (f"service:{svc.id}" if len(types) == 1 else f"service:{svc.id}:{n}")
            new_ids.add(check_id)
            prev = self.checks.get((svc.partition, svc.namespace, check_id))
            check = HealthCheck(
                check_id=check_id, name=ct.name or M.SERVICE_CHECK_NAME.format(name=svc.name),
                status=ct.status or CRITICAL, partition=svc.partition, namespace=svc.namespace,
                type=check_type_name(ct), notes=ct.notes, service_id=svc.id, service_name=svc.name,
                definition=ct)
            if prev is not None:
                check.status, check.output = prev.status, prev.output
            topics += self._put_check(check, idx)
        if replace:
            for check_id in [c for c in self.checks_of.get(key, {}) if c not in new_ids]:
                topics += self._remove_check((svc.partition, svc.namespace, check_id))
        return topics

    def _check_topics(self, check: HealthCheck) -> list:
        topics = [("checks", check.partition, check.namespace)]
        svc = self.services.get((check.partition, check.namespace, check.service_id)) if check.service_id else None
        if svc is not None:
            topics += self._service_topics(svc)
        return topics

    def _put_check(self, check: HealthCheck, idx: int) -> list:
        key = self._key(check)
        old = self.checks.get(key)
        create = idx
        if old is not None:
            create = old.create_index
            self.checks_of.get((old.partition, old.namespace, old.service_id), {}).pop(old.check_id, None)
        self.checks[key] = check
        self.checks_of.setdefault((check.partition, check.namespace, check.service_id), {})[check.check_id] = check
        check.create_index, check.modify_index = create, idx
        self._arm_ttl(key, check)
        return self._check_topics(check)

    def _remove_check(self, key: Key) -> list:
        check = self.checks.pop(key)
        owner = (check.partition, check.namespace, check.service_id)
        siblings = self.checks_of.get(owner, {})
        siblings.pop(check.check_id, None)
        if not siblings:
            self.checks_of.pop(owner, None)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        return self._check_topics(check)

    def _arm_ttl(self, key: Key, check: HealthCheck) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        if check.definition is not None and check.type == "ttl":
            self._timers[key] = self.scheduler.call_later(check.definition.ttl / 1e9, lambda: self._expire(key))

    def _expire(self, key: Key) -> None:
        check = self.checks.get(key)
        self._timers.pop(key, None)
        if check is None:
            return
        output = M.TTL_EXPIRED_WITH_OUTPUT.format(output=check.output) if check.output else M.TTL_EXPIRED
        self._set_status(check, CRITICAL, output, rearm=False)

    def _set_status(self, check: HealthCheck, status: str, output: str, rearm: bool = True) -> None:
        if rearm:
            self._arm_ttl(self._key(check), check)
        if check.status == status and check.output == output:
            return
        idx = self._next()
        check.status, check.output = status, output
        check.modify_index = idx
        self._touch(idx, self._check_topics(check))

    def register_check(self, defn: CheckDefinition, partition: str, namespace: str) -> None:
        """Add or replace a standalone check (`PUT /v1/agent/check/register`), validated by the caller."""
        self.require_partition(partition)
        service_name = ""
        if defn.service_id:
            svc = self.service(partition, namespace, defn.service_id)
            if svc is None:
                raise ConsulError(M.CHECK_SERVICE_MISSING.format(id=defn.service_id))
            service_name = svc.name
        check = HealthCheck(
            check_id=defn.id or defn.check_id or defn.name, name=defn.name, status=defn.status or CRITICAL,
            partition=partition, namespace=namespace, type=check_type_name(defn), notes=defn.notes,
            service_id=defn.service_id, service_name=service_name, definition=defn)
        idx = self._next()
        self._touch(idx, self._put_check(check, idx))

    def check(self, partition: str, namespace: str, check_id: str) -> HealthCheck:
        check = self.checks.get((partition, namespace, check_id))
        if check is None:
            raise NotFound(M.UNKNOWN_CHECK_ID.format(id=check_id))
        return check

    def deregister_check(self, partition: str, namespace: str, check_id: str) -> None:
        self.check(partition, namespace, check_id)
        idx = self._next()
        self._touch(idx, self._remove_check((partition, namespace, check_id)))

    def update_ttl(self, partition: str, namespace: str, check_id: str, status: str, output: str) -> None:
        """Set a TTL check's status and output, and restart its TTL."""
        check = self.check(partition, namespace, check_id)
        if check.type != "ttl":
            raise ConsulError(M.CHECK_NO_TTL.format(id=check_id))
        limit = (check.definition.output_max_size if check.definition else 0) or OUTPUT_MAX
        if len(output) > limit:
            output = f"{output[:limit]}\n...\nCaptured {limit} of {len(output)} bytes"
        self._set_status(check, status, output)

    def service_checks(self, svc: Service) -> list[HealthCheck]:
        return list(self.checks_of.get(self._key(svc), {}).values())

    def node_checks(self) -> list[HealthCheck]:
        return [c for c in self.checks.values() if not c.service_id]

    def checks_in(self, partition: str, namespace: str) -> list[HealthCheck]:
        """Checks of services in (partition, namespace), plus the node's own checks."""
        return [c for (p, ns, _), c in self.checks.items()
                if (p == partition and ns == namespace) or not c.service_id]


def new_node(name: str, datacenter: str, address: str = "127.0.0.1") -> Node:
    return Node(name=name, id=str(uuid.uuid4()), address=address, datacenter=datacenter)
