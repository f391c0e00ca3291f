"""The catalog: the agent's node (its services as the agent holds them) beside the nodes, services and checks
written through `/v1/catalog/register`. Reads take a watch set and return (index, value); a service's node is
`svc.node` ("" for the agent's own services) and `node_of` gives its row (None: the agent's node)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from consulite import messages as M
from consulite.agent.state import is_node_owned
from consulite.errors import BadRequest, ConsulError
from consulite.model import rules
from consulite.model.check import CRITICAL, HealthCheck, check_type_name
from consulite.model.go import multierror, uuid_error
from consulite.model.node import CatalogNode, DeregisterRequest, HealthCheckBody, RegisterRequest, node_key
from consulite.model.partition import NODE_META
from consulite.model.scope import Scope
from consulite.model.service import Service, ServiceDefinition
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent

T = TypeVar("T")
_INDEXES = ("create_index", "modify_index")


@attrs.frozen
class Selection:
    """What catalog and health reads keep: `?tag=` (every one), `?node-meta=` (every pair), `?peer=`."""

    tags: tuple[str, ...] = ()
    node_meta: tuple[tuple[str, str], ...] = ()
    peer: str = ""

    def meta_matches(self, meta: dict[str, str] | None) -> bool:
        """A node with `meta` passes `?node-meta`, and no peer has it (there are no peerings)."""
        return not self.peer and all((meta or {}).get(k) == v for k, v in self.node_meta)

    def node_matches(self) -> bool:
        """The agent's node passes."""
        return self.meta_matches(NODE_META)

    def keeps(self, svc: Service) -> bool:
        return all(t in svc.tags for t in self.tags)


EVERYTHING = Selection()


def _same(a: Any, b: Any) -> bool:
    """Two rows equal but for their raft indexes (Consul's IsSame: an unchanged write changes nothing)."""
    strip = attrs.filters.exclude(*[f for f in attrs.fields(type(a)) if f.name in _INDEXES])
    return bool(attrs.asdict(a, filter=strip) == attrs.asdict(b, filter=strip))


def distance(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Vivaldi's estimated round trip between two coordinates (Consul's lib/coordinate ComputeDistance)."""
    dist = math.dist(a.get("Vec") or [], b.get("Vec") or []) + a.get("Height", 0) + b.get("Height", 0)
    adjusted = dist + a.get("Adjustment", 0) + b.get("Adjustment", 0)
    return adjusted if adjusted > 0 else dist


class Catalog:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    # -- nodes ---------------------------------------------------------------------------------

    def is_agent_node(self, name: str) -> bool:
        """`name` is the agent's node (node names compare case-insensitively; an empty one is the agent's)."""
        return not name or node_key(name) == node_key(self.agent.node.name)

    def node_of(self, obj: Service | HealthCheck) -> CatalogNode | None:
        """The row of a service's or check's node; None for the agent's node."""
        if self.is_agent_node(obj.node):
            return None
        return self.store.nodes.get(obj.partition, obj.node)

    def spaces(self, scope: Scope, ws: set) -> list[Scope]:
        """The scopes a read covers: its own, or with `ns=*` every namespace of the partition, by name."""
        if scope.namespaces is not None:
            return [scope]
        _, found = self.agent.namespaces.listing(scope.partition, ws)
        return [Scope(scope.partition, ns.name) for ns in found]

    def node_meta(self, node: CatalogNode | None) -> dict[str, str] | None:
        return NODE_META if node is None else node.meta

    def nodes(self, scope: Scope, ws: set, sel: Selection = EVERYTHING,
              near: str = "") -> tuple[int, list[CatalogNode | None]]:
        """The partition's nodes by name (None: the agent's), `?node-meta` applied, sorted by `near`."""
        ws.add(topics.NODE)
        rows = self.store.nodes.of(scope.partition, ws)
        me = node_key(self.agent.node.name)
        found: list[CatalogNode | None] = [n for n in rows if node_key(n.name) < me]
        found += [None] + [n for n in rows if node_key(n.name) > me]
        kept = [n for n in found if sel.meta_matches(self.node_meta(n))]
        return self.store.index_of(ws), self.near(kept, near, self.node_name, ws)

    def node_name(self, node: CatalogNode | None) -> str:
        return self.agent.node.name if node is None else node.name

    def near(self, items: list[T], near: str, name_of: Callable[[T], str], ws: set) -> list[T]:
        """`items` by their node's distance from node `near` (`_agent`: the agent's), as Consul's
        sortNodesByDistanceFrom: nodes without a coordinate last, nothing moves when `near` has none."""
        if not near:
            return items
        _, rows = self.agent.operator.coordinates(ws)
        coords = {node_key(r["Node"]): r["Coord"] for r in rows if not r["Segment"]}
        source = coords.get(node_key(self.agent.node.name if near == "_agent" else near))
        if source is None:
            return items
        return sorted(items, key=lambda i: distance(source, coords[k]) if (k := node_key(name_of(i))) in coords
                      else math.inf)

    # -- services ------------------------------------------------------------------------------

    def services(self, scope: Scope, ws: set, sel: Selection = EVERYTHING) -> tuple[int, dict[str, list[str]]]:
        """Service names (sorted, as Go renders a map) with the union of the tags of their instances on the nodes
        `sel` keeps, in order of first appearance (the agent's node first: its unions are kept by the table);
        with `ns=*` over every namespace."""
        out: dict[str, list[str]] = {}
        for space in self.spaces(scope, ws):
            mine = self.store.services.tags(space.partition, space.namespace, ws) if sel.node_matches() else {}
            others = self._others(space, ws, sel)
            for name in {*mine, *others}:
                there = others.get(name)
                tags = tags_of(there, mine.get(name, [])) if there else mine[name]
                out[name] = list(dict.fromkeys([*out[name], *tags])) if name in out else tags
        return self.store.index_of(ws), dict(sorted(out.items()))

    def service_instances(self, scope: Scope, ws: set,
                          sel: Selection = EVERYTHING) -> tuple[int, dict[str, list[Service]]]:
        """`services` with the instances themselves, for `?filter=` over them."""
        out: dict[str, list[Service]] = {}
        for space in self.spaces(scope, ws):
            mine = self.store.services.names(space.partition, space.namespace, ws) if sel.node_matches() else {}
            others = self._others(space, ws, sel)
            for name in {*mine, *others}:
                out.setdefault(name, []).extend(mine.get(name, []) + others.get(name, []))
        return self.store.index_of(ws), dict(sorted(out.items()))

    def _others(self, scope: Scope, ws: set, sel: Selection) -> dict[str, list[Service]]:
        """The instances on the catalog's other nodes, by name, on the nodes `sel` keeps."""
        p = scope.partition
        if sel.node_meta:
            ws.add(topics.nodes(p))
        found = self.store.node_services.names(p, scope.namespace, ws)
        return {name: kept for name, instances in found.items() if (kept := [s for s in instances
                                                                             if self._meta_ok(s, sel)])}

    def _meta_ok(self, svc: Service, sel: Selection) -> bool:
        return (not sel.node_meta and not sel.peer) or sel.meta_matches(self.node_meta(self.node_of(svc)))

    def instances(self, scope: Scope, name: str, connect: bool, ws: set,
                  sel: Selection = EVERYTHING, near: str = "") -> tuple[int, list[Service]]:
        """Instances of `name` (with `connect`, its proxies and Connect-native instances) grouped by node in
        name order: the agent's as merged views, in their registration order; with `ns=*` each namespace's."""
        found: list[Service] = []
        for space in self.spaces(scope, ws):
            found += self._instances(space, name, connect, ws, sel)
        return self.store.index_of(ws), self.near(found, near, self.service_node_name, ws)

    def _instances(self, scope: Scope, name: str, connect: bool, ws: set, sel: Selection) -> list[Service]:
        p, ns = scope.partition, scope.namespace
        seen: set = set()
        services, others = self.store.services, self.store.node_services
        mine = (services.connect_instances if connect else services.instances)(p, ns, name, seen)
        theirs = (others.connect_instances if connect else others.instances)(p, ns, name, seen)
        if mine or theirs:
            seen.discard(topics.extinction(p))
        else:
            seen.add(topics.extinction(p))
        ws |= seen
        found: list[Service] = []
        if sel.node_matches():
            found = [self.agent.view(s) for s in mine if sel.keeps(s)]
        me = node_key(self.agent.node.name)
        kept = [s for s in theirs if sel.keeps(s) and self._meta_ok(s, sel)]
        return [s for s in kept if node_key(s.node) < me] + found + [s for s in kept if node_key(s.node) >= me]

    def service_node_name(self, obj: Service | HealthCheck) -> str:
        return obj.node or self.agent.node.name

    def node_services(self, scope: Scope, name: str, ws: set,
                      ) -> tuple[int, tuple[CatalogNode | None, list[Service]] | None]:
        """(node, its services in a scope) of node `name` (by name or ID; node None: the agent's, the server's
        `consul` service first), or None for an unknown node."""
        ws.add(topics.NODE)
        p = scope.partition
        node = None
        if not self.agent.is_this_node(name):
            node = self.store.nodes.get(p, name, ws)
            if node is None:
                return self.store.index_of(ws), None
        ws.add(topics.catalog_node(p, node_key(self.node_name(node))))
        found: list[Service] = []
        spaces = self.spaces(scope, ws)
        if node is None:
            mine = [s for space in spaces for s in self.store.services.in_scope(p, space.namespace, ws)]
            mine.sort(key=lambda s: not is_node_owned(s))  # stable: the consul service first, then as registered
            found = [self.agent.view(s) for s in mine]
        wanted = {space.namespace for space in spaces}
        found += [s for s in self.store.node_services.on_node(p, self.node_name(node)) if s.namespace in wanted]
        return self.store.index_of(ws), (node, found)

    # -- writes --------------------------------------------------------------------------------

    def register(self, req: RegisterRequest, scope: Scope) -> int:
        """`PUT /v1/catalog/register`: Consul's Catalog.Register checks in its order
        (agent/consul/catalog_endpoint.go: the node, the service, the checks vetted against the node's
        services), then one write."""
        self.validate_node(req.node, req.id)
        if not req.address and not req.skip_node_update:
            raise ConsulError(M.CATALOG_MISSING_ADDRESS)
        svc = self.service_of(req, scope) if req.service is not None else None
        checks = [self._check(c, req, scope, svc) for c in [*([req.check] if req.check else []), *(req.checks or [])]]
        with self.store.write() as tx:
            self.put_node(tx, req, scope.partition)
            if svc is not None:
                self.put_service(tx, svc)
            for check in checks:
                self.put_check(tx, check)
        return self.store.index

    @staticmethod
    def validate_node(name: str, node_id: str) -> None:
        """A node write's name and ID (Consul's nodePreApply)."""
        if not name:
            raise ConsulError(M.CATALOG_MISSING_NODE)
        err = uuid_error(node_id) if node_id else None
        if err:
            raise ConsulError(M.CATALOG_BAD_NODE_ID.format(err=err))

    def put_node(self, tx: Any, req: RegisterRequest, partition: str) -> None:
        """Write the request's node unless unchanged (or `SkipNodeUpdate` of a known one); a node ID held by
        another name moves to this one. The agent's own node keeps its fields as the agent has them."""
        if self.is_agent_node(req.node):
            return
        nodes = self.store.nodes
        old = nodes.rows.get((partition, node_key(req.node)))
        if old is not None and req.skip_node_update:
            return
        new = CatalogNode(name=req.node, partition=partition, id=req.id, address=req.address,
                          datacenter=req.datacenter or self.agent.config.datacenter,
                          tagged_addresses=req.tagged_addresses, meta=req.node_meta)
        if old is not None and _same(old, new):
            return
        renamed = nodes.by_id.get((partition, req.id.lower())) if req.id else None
        if renamed is not None and renamed[1] != node_key(req.node):  # the ID's node takes its new name
            self.remove_node(tx, partition, nodes.rows[renamed].name)
        nodes.put(tx, new)

    def put_service(self, tx: Any, svc: Service) -> None:
        """Write a service to its node unless unchanged. On the agent's node a service the agent holds stays
        as the agent has it (as its anti-entropy restores it)."""
        if self.is_agent_node(svc.node) and self.store.services.get((svc.partition, svc.namespace, svc.id)):
            return
        old = self.store.node_services.get(svc.partition, svc.node, svc.namespace, svc.id)
        if old is None or not _same(old, svc):
            self.store.node_services.put(tx, svc)

    def put_check(self, tx: Any, check: HealthCheck) -> None:
        """Write a check to its node unless unchanged. On the agent's node a check the agent holds stays, but
        for the server's own (`serfHealth`: no anti-entropy restores it) the write sticks, as in Consul."""
        held = self.store.checks.get((check.partition, check.namespace, check.check_id)) if self.is_agent_node(
            check.node) else None
        if held is not None:
            if is_node_owned(held):
                self.agent.checks.put(tx, attrs.evolve(check, node="", type=held.type,
                                                       definition=held.definition))
            return
        old = self.store.node_checks.rows.get(self.store.node_checks.key(check))
        if old is None or not _same(old, check):
            self.store.node_checks.put(tx, check)

    def service_of(self, req: RegisterRequest, scope: Scope) -> Service:
        """The request's service on the request's node, as Consul's servicePreApply checks it."""
        body = req.service
        assert body is not None
        defn = ServiceDefinition(kind=body.kind, id=body.id, name=body.service, tags=body.tags, address=body.address,
                                 tagged_addresses=body.tagged_addresses, meta=body.meta, port=body.port,
                                 socket_path=body.socket_path, weights=body.weights,
                                 enable_tag_override=body.enable_tag_override, locality=body.locality,
                                 proxy=body.proxy, connect=body.connect)
        svc = rules.to_service(defn, scope.partition, body.namespace or scope.namespace, self.agent.enterprise)
        self.agent.namespaces.require(Scope(svc.partition, svc.namespace), 500)
        errs = rules.validate(svc, None)
        if errs:
            raise ConsulError(multierror(errs))
        if svc.id and not svc.name:
            raise ConsulError(M.CATALOG_SERVICE_NAME_WITH_ID)
        if not svc.id:
            raise ConsulError(M.CATALOG_SERVICE_NO_ID)
        try:
            rules.check_address(svc.address)
        except BadRequest as e:  # the agent's 400 is the catalog's 500
            raise ConsulError(e.text) from None
        svc.node = req.node
        return svc

    def _check(self, body: HealthCheckBody, req: RegisterRequest, scope: Scope, svc: Service | None) -> HealthCheck:
        """A request's check, vetted as Consul's vetRegisterWithACL does (it runs with ACLs off too)."""
        check_id = body.check_id or body.name
        node = body.node or req.node
        if node_key(node) != node_key(req.node):
            raise ConsulError(M.CATALOG_CHECK_NODE.format(node=node, check=check_id, want=req.node))
        namespace = body.namespace or scope.namespace
        owner = None
        if body.service_id:
            owner = svc if svc is not None and svc.id == body.service_id else self.held(
                scope.partition, req.node, namespace, body.service_id)
            if owner is None:
                raise ConsulError(M.CATALOG_CHECK_SERVICE.format(service=body.service_id, check=check_id))
        if not check_id:
            raise ConsulError(M.CATALOG_CHECK_NO_ID.format(node=req.node))
        return self.check_of(body, req.node, scope, owner)

    def check_of(self, body: HealthCheckBody, node: str, scope: Scope, owner: Service | None) -> HealthCheck:
        """A check body as the row written to `node` (its ID defaults to its name, its status to critical, its
        type to its definition's; its service name is its owner's); its namespace must exist."""
        d = body.definition
        self.agent.namespaces.require(Scope(scope.partition, body.namespace or scope.namespace), 500)
        return HealthCheck(check_id=body.check_id or body.name, name=body.name, status=body.status or CRITICAL,
                           partition=scope.partition, namespace=body.namespace or scope.namespace,
                           type=body.type or (check_type_name(d) if d is not None else ""), notes=body.notes,
                           output=body.output, service_id=body.service_id,
                           service_name=owner.name if owner is not None else "", definition=d, node=node)

    def held(self, partition: str, node: str, namespace: str, service_id: str) -> Service | None:
        """A service the catalog already has on `node`: the agent's own, or one written through the catalog."""
        if self.is_agent_node(node):
            found = self.store.services.get((partition, namespace, service_id))
            if found is not None:
                return found
        return self.store.node_services.get(partition, node, namespace, service_id)

    def held_check(self, partition: str, node: str, namespace: str, check_id: str) -> HealthCheck | None:
        """A check the catalog already has on `node`: the agent's own, or one written through the catalog."""
        if self.is_agent_node(node):
            found = self.store.checks.get((partition, namespace, check_id))
            if found is not None:
                return found
        return self.store.node_checks.rows.get((partition, node_key(node), namespace, check_id))

    def has_node(self, partition: str, name: str) -> bool:
        """`name` is a node of the catalog: the agent's, or one registered through it."""
        return bool(name) and (self.is_agent_node(name) or self.store.nodes.get(partition, name) is not None)

    def deregister(self, req: DeregisterRequest, scope: Scope) -> int:
        """`PUT /v1/catalog/deregister`: a service (with its checks), a check, or the whole node with its
        services and checks; what is not there is no error. The agent's own services and checks stay (its
        anti-entropy puts them back)."""
        if not req.node:
            raise ConsulError(M.CATALOG_MISSING_NODE)
        p, ns = scope.partition, req.namespace or scope.namespace
        with self.store.write() as tx:
            if req.service_id:
                self.remove_service(tx, (p, node_key(req.node), ns, req.service_id))
            elif req.check_id:
                self.remove_check(tx, (p, node_key(req.node), ns, req.check_id))
            else:
                self.remove_node(tx, p, req.node)
        return self.store.index

    def remove_service(self, tx: Any, key: tuple[str, str, str, str]) -> None:
        svc = self.store.node_services.rows.get(key)
        if svc is None:
            return
        for check in self.store.node_checks.of_service(svc, svc.node):
            self.store.node_checks.remove(tx, self.store.node_checks.key(check))
        self.store.node_services.remove(tx, key)

    def remove_check(self, tx: Any, key: tuple[str, str, str, str]) -> None:
        if key in self.store.node_checks.rows:
            self.store.node_checks.remove(tx, key)

    def remove_node(self, tx: Any, partition: str, name: str) -> None:
        """A node with its services, checks and coordinates (Consul's deleteNodeTxn); on the agent's node what
        the catalog wrote there."""
        checks, services = self.store.node_checks, self.store.node_services
        for check in checks.on_node(partition, name):
            checks.remove(tx, checks.key(check))
        for svc in services.on_node(partition, name):
            services.remove(tx, services.key(svc))
        key = (partition, node_key(name))
        if key in self.store.nodes.rows:
            self.store.nodes.remove(tx, key)
            self.store.coordinates.remove_node(tx, partition, name)


def tags_of(instances: Iterable[Service], first: Iterable[str] = ()) -> list[str]:
    """The union of `first` and the instances' tags, in order of first appearance."""
    return list(dict.fromkeys([*first, *(t for svc in instances for t in svc.tags)]))


def by_node_then_id(checks: Iterable[HealthCheck], agent_node: str) -> list[HealthCheck]:
    """Checks in Consul's order over many nodes: by node, then CheckID lower-cased."""
    return sorted(checks, key=lambda c: (node_key(c.node or agent_node), c.check_id.lower(), c.check_id))
