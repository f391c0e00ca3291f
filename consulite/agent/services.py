"""Agent services: register (with sidecar), deregister, maintenance, listing and reading, aggregated
health (reference agent-service-api.md §2-§5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.agent.state import CONSUL_SERVICE_KEY, is_node_owned
from consulite.errors import ConsulError, NotFound
from consulite.logs import event
from consulite.model.check import CRITICAL, MAINTENANCE, PASSING, TTL, WARNING, HealthCheck
from consulite.model.registration import Registration, prepare
from consulite.model.rules import add_automatic_tagged_addresses, sidecar_default_checks
from consulite.model.scope import Scope
from consulite.model.service import Service, ServiceDefinition
from consulite.resolve.acl import MANAGE_ALL, Authorizer
from consulite.store.services import SIDECAR_PORTS, key_of

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

#: the HTTP status of an aggregated health state (`/v1/agent/health/service/...`)
STATUS_CODES = {PASSING: 200, WARNING: 429}


def aggregated_status(checks: list[HealthCheck]) -> str:
    """api.HealthChecks.AggregatedStatus: maintenance, then critical, warning, passing."""
    statuses = set()
    for c in checks:
        if c.check_id == M.NODE_MAINT_CHECK_ID or c.check_id.startswith("_service_maintenance:"):
            return MAINTENANCE
        statuses.add(c.status)
    for status in (CRITICAL, WARNING):
        if status in statuses:
            return status
    return PASSING


class Services:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    # -- writes --------------------------------------------------------------------------------

    def register(self, defn: ServiceDefinition, scope: Scope, replace_checks: bool = False,
                 authz: Authorizer = MANAGE_ALL) -> None:
        """Register a service (and its sidecar) in one write; every refusal comes before anything is written.
        The body's Partition/Namespace win over the request's (Enterprise)."""
        agent = self.agent
        scope = Scope(defn.partition or scope.partition, defn.namespace or scope.namespace)
        reg = prepare(defn, scope.partition, scope.namespace, inherit=agent.enterprise,
                      script_checks=agent.config.enable_script_checks)
        agent.namespaces.require(scope)
        agent.checks.refuse_unrunnable(reg.checks + reg.sidecar_checks)
        if not authz.manage_all:
            self.vet(reg, scope, authz)
        if agent.acl.enabled:
            agent.acl.registered_with[key_of(reg.service)] = authz.accessor
        self.write(reg, replace_checks)

    def vet(self, reg: Registration, scope: Scope, authz: Authorizer) -> None:
        """`service:write` on each service registered (and on the one it replaces); a connect-proxy also on
        its destination (agent/acl.go vetServiceRegister). Gateways need only their own name."""
        for svc in (reg.service, reg.sidecar):
            if svc is None:
                continue
            authz.require("service", svc.name, "write", scope)
            old = self.store.services.get(key_of(svc))
            if old is not None and old.name != svc.name:
                authz.require("service", old.name, "write", scope)
            if svc.kind == "connect-proxy" and svc.proxy is not None and svc.proxy.destination_service_name:
                authz.require("service", svc.proxy.destination_service_name, "write", scope)

    def write(self, reg: Registration, replace_checks: bool = False) -> None:
        svc, sidecar_checks = reg.service, reg.sidecar_checks
        if reg.sidecar is not None:
            self._assign_sidecar_port(reg.sidecar)
            if not sidecar_checks:
                sidecar_checks = sidecar_default_checks(reg.sidecar, svc.id)
        with self.store.write() as tx:
            for service, checks in ((svc, reg.checks), (reg.sidecar, sidecar_checks)):
                if service is None:
                    continue
                add_automatic_tagged_addresses(service)
                self.store.services.put(tx, service)
                for check in self.store.checks.of_service(*key_of(service)):  # checks carry the service's name
                    check.service_name = service.name
                self.agent.checks.put_service_checks(tx, service, checks, replace_checks)
        for service in (svc, reg.sidecar):
            if service is not None:  # Consul's agent logs each service it syncs
                event("Synced service", service=service.id, partition=service.partition, namespace=service.namespace)

    def _assign_sidecar_port(self, sidecar: Service) -> None:
        low, high = SIDECAR_PORTS
        if sidecar.port >= 1:
            return
        previous = self.store.services.get(key_of(sidecar))
        if previous is not None and low <= previous.port <= high:
            sidecar.port = previous.port
            return
        used = self.store.services.sidecar_ports
        for port in range(low, high + 1):
            if port not in used:
                sidecar.port = port
                return
        raise ConsulError(M.SIDECAR_PORTS_EXHAUSTED.format(low=low, high=high))

    def deregister(self, scope: Scope, service_id: str) -> None:
        """Remove a service, its checks and the sidecar registered with it."""
        svc = self.require(scope, service_id)
        with self.store.write() as tx:
            self._remove(tx, svc)
            sidecar = self.store.services.get(scope.key(service_id + "-sidecar-proxy"))
            if sidecar is not None and sidecar.sidecar_of == service_id:
                self._remove(tx, sidecar)
        event("Deregistered service", service=service_id, partition=scope.partition, namespace=scope.namespace)

    def _remove(self, tx: Tx, svc: Service) -> None:
        for check in self.store.checks.of_service(*key_of(svc)):
            self.agent.checks.remove(tx, check)
        self.store.services.remove(tx, key_of(svc))

    def maintenance(self, scope: Scope, service_id: str, enable: bool, reason: str) -> None:
        svc = self.require(scope, service_id)
        self.agent.checks.maintenance(scope, M.SERVICE_MAINT_CHECK_ID.format(id=service_id), enable,
                                      M.SERVICE_MAINT_NAME, reason or M.SERVICE_MAINT_NOTES, svc)

    # -- reads ---------------------------------------------------------------------------------

    def get(self, scope: Scope, service_id: str, ws: set | None = None) -> Service | None:
        """An agent service (not the server's own `consul` service)."""
        svc = self.store.services.get(scope.key(service_id), ws)
        return None if svc is None or is_node_owned(svc) else svc

    def require(self, scope: Scope, service_id: str) -> Service:
        svc = self.get(scope, service_id)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID_UPDATE.format(id=service_id))
        return svc

    def view(self, scope: Scope, service_id: str, ws: set) -> tuple[int, Service]:
        """`GET /v1/agent/service/:id`: the merged view, or Consul's 404."""
        svc = self.get(scope, service_id, ws)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID.format(id=service_id))
        return self.store.index_of(ws), self.agent.view(svc)

    def listing(self, scope: Scope) -> list[Service]:
        """The agent's services in a scope, as merged views (only a kind of service has one: the hot path of
        `GET /v1/agent/services` skips the rest)."""
        view = self.agent.view
        return [view(s) if s.kind else s for s in self.store.services.in_scope(scope.partition, scope.namespace)
                if s.id != CONSUL_SERVICE_KEY[2] or not is_node_owned(s)]

    def stats(self) -> dict[str, str]:
        """`/v1/agent/self` Stats.agent: the agent's own services and checks in every scope (agent/agent.go
        Stats: the local state's counts, TTL checks, script checks as check_monitors)."""
        services = [s for s in self.store.services.dump() if not is_node_owned(s)]
        checks = [c for c in self.store.checks.dump() if not is_node_owned(c)]
        return {"check_monitors": str(sum(c.type == "script" for c in checks)),
                "check_ttls": str(sum(c.type == TTL for c in checks)),
                "checks": str(len(checks)), "services": str(len(services))}

    # -- aggregated health ---------------------------------------------------------------------

    def _agent_node_checks(self) -> list[HealthCheck]:
        """The node's checks the agent itself holds (serfHealth is the servers', not the agent's)."""
        return [c for c in self.store.checks.of_node() if not is_node_owned(c)]

    def health(self, svc: Service, node_checks: list[HealthCheck]) -> tuple[str, list[HealthCheck]]:
        checks = self.store.checks.of_service(*key_of(svc)) + node_checks
        return aggregated_status(checks), checks

    def health_by_id(self, scope: Scope, service_id: str) -> tuple[Service, str, list[HealthCheck]] | None:
        svc = self.get(scope, service_id)
        if svc is None:
            return None
        status, checks = self.health(svc, self._agent_node_checks())
        return self.agent.view(svc), status, checks

    def health_by_name(self, scope: Scope, name: str) -> list[tuple[Service, str, list[HealthCheck]]]:
        node_checks = self._agent_node_checks()  # the same for every instance: read once
        found = []
        for svc in self.store.services.instances(scope.partition, scope.namespace, name):
            if not is_node_owned(svc):
                status, checks = self.health(svc, node_checks)
                found.append((self.agent.view(svc), status, checks))
        return found
