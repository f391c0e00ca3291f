"""Health reads over every node: instances with their checks, checks of a service, checks in a state, checks
of a node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.agent.catalog import EVERYTHING, Selection, by_node_then_id
from consulite.model.check import PASSING, HealthCheck
from consulite.model.node import node_key
from consulite.model.scope import Scope
from consulite.model.service import Service
from consulite.store import topics
from consulite.store.checks import by_id
from consulite.store.services import key_of

if TYPE_CHECKING:
    from consulite.agent.core import Agent


class Health:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        #: service reads made at one state, shared by the readers a write wakes at once (a list of readers woken
        #: by one write re-reads the same thing): (index, epoch) -> query -> (topics read, answer)
        self._made: tuple[tuple[int, int], dict[tuple, tuple[frozenset, tuple[int, list]]]] = ((-1, -1), {})

    def checks_of(self, svc: Service) -> list[HealthCheck]:
        """An instance's checks: its node's, then its own, by CheckID."""
        node, others = svc.node or self.agent.node.name, self.store.node_checks
        found = [c for c in others.on_node(svc.partition, node) if not c.service_id] + others.of_service(svc, node)
        if self.agent.catalog.is_agent_node(node):
            found += self.store.checks.of_node()
        if not svc.node:
            found += self.store.checks.of_service(*key_of(svc))
        return by_id(found)

    def service(self, scope: Scope, name: str, connect: bool, passing: bool, ws: set,
                sel: Selection = EVERYTHING, near: str = "") -> tuple[int, list[tuple[Service, list[HealthCheck]]]]:
        """Instances of `name` with their node's checks and their own (by CheckID); with `passing`, only
        all-passing ones. Made once per state for each query (the answer is read, never changed, by callers)."""
        state = (self.store.index, self.store.watches.epoch)
        if self._made[0] != state:
            self._made = (state, {})
        query = (scope, name, connect, passing, sel, near)
        made = self._made[1].get(query)
        if made is None:
            made = self._made[1][query] = self._make(scope, name, connect, passing, sel, near)
        ws |= made[0]
        return made[1]

    def _make(self, scope: Scope, name: str, connect: bool, passing: bool, sel: Selection,
              near: str) -> tuple[frozenset, tuple[int, list[tuple[Service, list[HealthCheck]]]]]:
        ws: set = set()
        answer = self._service(scope, name, connect, passing, ws, sel, near)
        return frozenset(ws), answer

    def _service(self, scope: Scope, name: str, connect: bool, passing: bool, ws: set, sel: Selection,
                 near: str) -> tuple[int, list[tuple[Service, list[HealthCheck]]]]:
        _, found = self.agent.catalog.instances(scope, name, connect, ws, sel, near)
        out = []
        for svc in found:
            if svc.node:
                ws.add(topics.catalog_node(svc.partition, node_key(svc.node)))
            its = self.checks_of(svc)
            if not passing or all(c.status == PASSING for c in its):
                out.append((svc, its))
        return self.store.index_of(ws), out

    def service_checks(self, scope: Scope, name: str, ws: set, sel: Selection = EVERYTHING, near: str = "",
                       ) -> tuple[int, list[HealthCheck]]:
        """The checks of every instance of `name`, by node then CheckID."""
        catalog = self.agent.catalog
        found: list[HealthCheck] = []
        for space in catalog.spaces(scope, ws):
            p, ns = space.partition, space.namespace
            if sel.node_matches():
                me = self.agent.node.name
                for svc in self.store.services.instances(p, ns, name, ws):
                    found += self.store.checks.of_service(*key_of(svc)) + self.store.node_checks.of_service(svc, me)
            for svc in self.store.node_services.instances(p, ns, name, ws):
                if sel.meta_matches(catalog.node_meta(catalog.node_of(svc))):
                    found += self.store.node_checks.of_service(svc, svc.node)
        ordered = by_node_then_id(found, self.agent.node.name)
        return self.store.index_of(ws), catalog.near(ordered, near, catalog.service_node_name, ws)

    def state(self, scope: Scope, state: str, ws: set, near: str = "") -> tuple[int, list[HealthCheck]]:
        """Checks in `state` (`any` for all) in a scope, with the nodes' own."""
        catalog = self.agent.catalog
        found = [c for space in catalog.spaces(scope, ws)
                 for c in [*self.store.checks.in_scope(space.partition, space.namespace, ws),
                           *self.store.node_checks.in_scope(space.partition, space.namespace, ws)]
                 if state == "any" or c.status == state]
        ordered = by_node_then_id(found, self.agent.node.name)
        return self.store.index_of(ws), catalog.near(ordered, near, catalog.service_node_name, ws)

    def node(self, scope: Scope, name: str, ws: set) -> tuple[int, list[HealthCheck]]:
        """The checks of node `name` in a scope (with its node checks)."""
        ws.add(topics.NODE)
        p = scope.partition
        wanted = {space.namespace for space in self.agent.catalog.spaces(scope, ws)}
        found: list[HealthCheck] = []
        node_name = name
        if self.agent.is_this_node(name):
            found = [c for ns in sorted(wanted) for c in self.store.checks.in_scope(p, ns, ws)]
            node_name = self.agent.node.name
        else:
            node = self.store.nodes.get(p, name, ws)
            if node is not None:
                node_name = node.name
        ws.add(topics.catalog_node(p, node_key(node_name)))
        found += [c for c in self.store.node_checks.on_node(p, node_name) if c.namespace in wanted or not c.service_id]
        return self.store.index_of(ws), by_id(found)

    def service_tags(self, check: HealthCheck) -> list[str] | None:
        """The tags a check's JSON shows: its service's, None for a node check."""
        if not check.node or not check.service_id:
            return self.agent.checks.service_tags(check)
        svc = self.store.node_services.get(check.partition, check.node, check.namespace, check.service_id)
        return svc.tags if svc is not None else None
