"""Health reads: instances with their checks, checks of a service, checks in a state, checks of a node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.agent.catalog import EVERYTHING, Selection
from consulite.model.check import PASSING, HealthCheck
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

    def service(self, scope: Scope, name: str, connect: bool, passing: bool, ws: set,
                sel: Selection = EVERYTHING) -> tuple[int, list[tuple[Service, list[HealthCheck]]]]:
        """Instances of `name` with the node's checks and their own (by CheckID); with `passing`, only
        all-passing ones."""
        index, found = self.agent.catalog.instances(scope, name, connect, ws, sel)
        checks = self.store.checks
        node_checks = checks.of_node()
        out = []
        for svc in found:
            its = by_id(node_checks + checks.of_service(*key_of(svc)))
            if not passing or all(c.status == PASSING for c in its):
                out.append((svc, its))
        return index, out

    def service_checks(self, scope: Scope, name: str, ws: set, sel: Selection = EVERYTHING,
                       ) -> tuple[int, list[HealthCheck]]:
        instances = self.store.services.instances(scope.partition, scope.namespace, name, ws)
        found = by_id(c for svc in instances for c in self.store.checks.of_service(*key_of(svc)))
        return self.store.index_of(ws), found if sel.node_matches() else []

    def state(self, scope: Scope, state: str, ws: set) -> tuple[int, list[HealthCheck]]:
        """Checks in `state` (`any` for all) in a scope, with the node's own."""
        found = [c for c in self.store.checks.in_scope(scope.partition, scope.namespace, ws)
                 if state == "any" or c.status == state]
        return self.store.index_of(ws), found

    def node(self, scope: Scope, name: str, ws: set) -> tuple[int, list[HealthCheck]]:
        ws.add(topics.NODE)
        found = self.store.checks.in_scope(scope.partition, scope.namespace, ws)
        found = found if self.agent.is_this_node(name) else []
        return self.store.index_of(ws), found
