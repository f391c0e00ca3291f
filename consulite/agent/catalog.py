"""The catalog of the agent's node: service names and tags, instances, nodes, a node's services. Reads
take a watch set and return (index, value)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from consulite.agent.state import is_node_owned
from consulite.model.partition import NODE_META
from consulite.model.scope import Scope
from consulite.model.service import Service
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent


@attrs.frozen
class Selection:
    """What catalog and health reads keep: `?tag=` (every one), `?node-meta=` (every pair), `?peer=`."""

    tags: tuple[str, ...] = ()
    node_meta: tuple[tuple[str, str], ...] = ()
    peer: str = ""

    def node_matches(self) -> bool:
        """The agent's node passes `?node-meta`, and no peer has it (there are no peerings)."""
        return not self.peer and all(NODE_META.get(k) == v for k, v in self.node_meta)

    def keeps(self, svc: Service) -> bool:
        return all(t in svc.tags for t in self.tags)


EVERYTHING = Selection()


class Catalog:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    def services(self, scope: Scope, ws: set, sel: Selection = EVERYTHING) -> tuple[int, dict[str, list[str]]]:
        """Service names with the union of their instances' tags, in order of first appearance."""
        tags = self.store.services.tags(scope.partition, scope.namespace, ws)
        return self.store.index_of(ws), tags if sel.node_matches() else {}

    def instances(self, scope: Scope, name: str, connect: bool, ws: set,
                  sel: Selection = EVERYTHING) -> tuple[int, list[Service]]:
        """Instances of `name` (with `connect`, its proxies and Connect-native instances), as merged views."""
        services = self.store.services
        found = (services.connect_instances if connect else services.instances)(
            scope.partition, scope.namespace, name, ws)
        if not sel.node_matches():
            return self.store.index_of(ws), []
        return self.store.index_of(ws), [self.agent.view(s) for s in found if sel.keeps(s)]

    def nodes(self, ws: set, sel: Selection = EVERYTHING) -> tuple[int, bool]:
        """(index, whether the agent's node is listed)."""
        ws.add(topics.NODE)
        return self.store.index_of(ws), sel.node_matches()

    def node_services(self, scope: Scope, name: str, ws: set) -> tuple[int, list[Service] | None]:
        """The services of node `name` in a scope (the server's `consul` service first), None for another node."""
        ws.add(topics.NODE)
        found = self.store.services.in_scope(scope.partition, scope.namespace, ws)
        index = self.store.index_of(ws)
        if not self.agent.is_this_node(name):
            return index, None
        found.sort(key=lambda s: not is_node_owned(s))  # stable: the consul service first, then as registered
        return index, [self.agent.view(s) for s in found]
