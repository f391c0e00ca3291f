"""`explain`: for a proxy or gateway, every upstream's mode, the layer that decided it, what is dialed and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consulite import messages as M
from consulite.errors import NotFound
from consulite.model.scope import Scope
from consulite.resolve.acl_explain import gateway_acl
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
        report = explain(svc, self.agent.world)
        if self.agent.acl.enabled:
            for upstream in report["Upstreams"]:
                self._acl_view(upstream)
        return report

    def _acl_view(self, upstream: dict[str, Any]) -> None:
        """With ACLs on: the gateway on the upstream's route and what its registration token allows."""
        gateway = (upstream.get("Dial") or {}).get("Gateway")
        if not gateway:
            return
        acl = self.agent.acl
        gw_scope = Scope(gateway["Partition"], gateway.get("Namespace", "default"))
        accessor = acl.registered_with.get(gw_scope.key(gateway["ID"]), "")
        authz = acl.authorizer_of(accessor) if accessor else None
        dest = Scope(upstream["DestinationPartition"], upstream["DestinationNamespace"])
        view = gateway_acl(gateway["ID"], authz, accessor, upstream["DestinationName"], dest, gw_scope,
                           self.agent.config.node_name)
        upstream["ACL"] = view
        upstream["Warnings"] += view["Warnings"]
