"""`explain`: for a proxy or gateway, every upstream's mode, the layer that decided it, what is dialed and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consulite import messages as M
from consulite.errors import NotFound
from consulite.model.scope import Scope
from consulite.resolve.explain import explain

if TYPE_CHECKING:
    from consulite.agent.core import Agent


class Explain:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def service(self, scope: Scope, service_id: str) -> dict[str, Any]:
        """The report of `GET /_consulite/explain/:id` (Consul's 404 for an unknown service)."""
        svc = self.agent.services.get(scope, service_id)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID.format(id=service_id))
        return explain(svc, self.agent.world)
