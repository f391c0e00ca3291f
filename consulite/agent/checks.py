"""Checks on the agent's node: service checks, standalone checks, TTL updates and expiry, maintenance, and
the checks that run (probes through `CheckRunner`, aliases following their target, DeregisterCritical-
ServiceAfter reaping). Every status change goes through `_set_status`."""

from __future__ import annotations

import builtins
import random
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, cast

from consulite import messages as M
from consulite.agent.alias import Aliases
from consulite.agent.check_runner import CheckRunner
from consulite.agent.clock import Handle, cancel
from consulite.agent.probes import DEFAULT_BUF_SIZE, output_limit
from consulite.agent.state import is_node_owned
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.logs import event
from consulite.model.check import (
    CRITICAL,
    MAINTENANCE,
    STATUSES,
    TTL,
    CheckDefinition,
    CheckType,
    HealthCheck,
    check_type_name,
)
from consulite.model.rules import validate_check
from consulite.model.scope import DEFAULT_SCOPE, Scope
from consulite.model.service import Service
from consulite.store.checks import Key, key_of

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

class Checks:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        self._timers: dict[Key, Handle] = {}
        self._deferred: dict[Key, Handle] = {}  # output-only changes waiting for the catalog
        self.update_interval = parse_duration(agent.config.check_update_interval) / 1e9
        #: called as (tx, check, removed) when a check is written or removed (sessions invalidate on it)
        self.listeners: list[Callable[[Tx, HealthCheck, bool], None]] = []
        self.aliases = Aliases(self)
        #: None with `checks_run = false`: checks are stored and reported, never run
        self.runner: CheckRunner | None = None
        if agent.config.checks_run:
            self.runner = CheckRunner(self._probed, deregister=self._reap, clock=agent.clock)
            self.store.on_commit.append(self.aliases.on_commit)

    # -- writes --------------------------------------------------------------------------------

    def put_service_checks(self, tx: Tx, svc: Service, types: list[CheckType], replace: bool) -> None:
        """A service's checks as registered with it; a re-registered check keeps its status and output."""
        new_ids = set()
        for n, ct in enumerate(types, start=1):
            check_id = ct.check_id or (f"service:{svc.id}" if len(types) == 1 else f"service:{svc.id}:{n}")
            new_ids.add(check_id)
            check = HealthCheck(
                check_id=check_id, name=ct.name or M.SERVICE_CHECK_NAME.format(name=svc.name),
                status=ct.status or CRITICAL, partition=svc.partition, namespace=svc.namespace,
                type=check_type_name(ct), notes=ct.notes, service_id=svc.id, service_name=svc.name,
                definition=ct)
            self._keep_state(check)
            self.put(tx, check)
        if replace:
            for old in self.store.checks.of_service(svc.partition, svc.namespace, svc.id):
                if old.check_id not in new_ids:
                    self.remove(tx, old)

    def _keep_state(self, check: HealthCheck) -> None:
        """A re-registered check keeps the status and output it had, whatever the new definition says
        (agent/agent.go addCheck snapshots the existing check's state "to avoid potential flapping")."""
        prev = self.store.checks.get(key_of(check))
        if prev is not None:
            check.status, check.output = prev.status, prev.output

    def put(self, tx: Tx, check: HealthCheck) -> None:
        """Store a check and (re)start it: a re-registration restarts its schedule with its new definition."""
        self.store.checks.put(tx, check)
        if not check.service_id:
            self.aliases.node_check(check)
        self._start(check)
        self._notify(tx, check, False)

    def remove(self, tx: Tx, check: HealthCheck) -> None:
        """Stop a check at once (a probe in flight reports nothing) and remove it."""
        self._stop(key_of(check))
        if not check.service_id:
            self.aliases.node_check(check, present=False)
        self.store.checks.remove(tx, key_of(check))
        self._notify(tx, check, True)

    def _notify(self, tx: Tx, check: HealthCheck, removed: bool) -> None:
        for listener in self.listeners:
            listener(tx, check, removed)

    @staticmethod
    def refuse_unrunnable(types: list[CheckType]) -> None:
        """agent.go addCheck: an OS service check needs the platform's service manager; off Windows
        NewOSServiceClient fails and the registration is refused with its error (a 500)."""
        if any(ct.os_service for ct in types):
            raise ConsulError(M.OS_SERVICE_NOT_IMPLEMENTED)

    def register(self, defn: CheckDefinition, scope: Scope) -> None:
        """`PUT /v1/agent/check/register`: a standalone check, of the node or of a service."""
        if not defn.name:
            raise BadRequest(M.MISSING_CHECK_NAME)
        if defn.status and defn.status not in STATUSES:
            raise BadRequest(M.BAD_CHECK_STATUS)
        scope = Scope(defn.partition or scope.partition, defn.namespace or scope.namespace)
        err = validate_check(defn)
        if err:
            raise BadRequest(M.INVALID_CHECK.format(err=err))
        if defn.script_args and not self.agent.config.enable_script_checks:
            raise ConsulError(M.SCRIPTS_DISABLED)
        self.agent.namespaces.require(scope)
        service_name = ""
        if defn.service_id:
            svc = self.agent.services.get(scope, defn.service_id)
            if svc is None:  # agent/agent_endpoint.go: a missing service is a 404
                raise NotFound(M.CHECK_SERVICE_MISSING.format(id=defn.service_id))
            service_name = svc.name
        self.refuse_unrunnable([defn])  # AddCheck's error, after the handler's own refusals
        check = HealthCheck(
            check_id=defn.id or defn.check_id or defn.name, name=defn.name, status=defn.status or CRITICAL,
            partition=scope.partition, namespace=scope.namespace, type=check_type_name(defn), notes=defn.notes,
            service_id=defn.service_id, service_name=service_name, definition=defn)
        self._keep_state(check)
        with self.store.write() as tx:
            self.put(tx, check)
        event("Synced check", check=check.check_id, partition=scope.partition, namespace=scope.namespace)

    def require(self, scope: Scope, check_id: str) -> HealthCheck:
        check = self.store.checks.get(scope.key(check_id))
        if check is None:
            raise NotFound(M.UNKNOWN_CHECK_ID.format(id=check_id))
        return check

    def deregister(self, scope: Scope, check_id: str) -> None:
        check = self.require(scope, check_id)
        with self.store.write() as tx:
            self.remove(tx, check)
        event("Deregistered check", check=check_id, partition=scope.partition, namespace=scope.namespace)

    def update_ttl(self, scope: Scope, check_id: str, status: str, output: str) -> None:
        """Set a TTL check's status and output (capped as Consul caps it), and restart its TTL."""
        check = self.require(scope, check_id)
        if check.type != TTL:
            raise ConsulError(M.CHECK_NO_TTL.format(id=check_id))
        limit = output_limit(check.definition) if check.definition else DEFAULT_BUF_SIZE
        if len(output) > limit:  # agent/checks/check.go CheckTTL.SetStatus
            output = M.TTL_OUTPUT_CAPPED.format(output=output[:limit], size=limit, total=len(output))
        self._arm_ttl(check)
        self._set_status(check, status, output)

    def _set_status(self, check: HealthCheck, status: str, output: str) -> None:
        """The one status path (TTL updates and expiry, probe results, aliases): one write, none when
        nothing changes; the runner learns the status for DeregisterCriticalServiceAfter."""
        if self.runner is not None:
            self.runner.observe(key_of(check), status)
        if check.status == status and check.local_output == output:
            return
        if check.status == status and self.update_interval > 0:
            self._defer_output(check, output)
            return
        self._undefer(key_of(check))
        if not check.service_id:
            self.aliases.node_check(check)
        with self.store.write() as tx:
            check.status, check.output, check.agent_output = status, output, None
            self.store.checks.touched(tx, check)
            self._notify(tx, check, False)

    def _defer_output(self, check: HealthCheck, output: str) -> None:
        """An output-only change (Consul's local state, UpdateCheck): the agent shows it at once; the catalog
        after check_update_interval, between half of it and one and a half (Consul's stagger), unless a status
        change syncs it first."""
        with self.store.write() as tx:
            check.agent_output = output
            self.store.checks.kept_locally(tx, check)
        key = key_of(check)
        if key not in self._deferred:
            d = self.update_interval
            self._deferred[key] = self.agent.clock.call_later(d / 2 + random.random() * d,
                                                              lambda: self._sync_output(key))

    def _sync_output(self, key: Key) -> None:
        self._deferred.pop(key, None)
        check = self.store.checks.get(key)
        if check is None or check.agent_output is None:
            return
        with self.store.write() as tx:
            check.output, check.agent_output = check.agent_output, None
            self.store.checks.touched(tx, check)
            self._notify(tx, check, False)

    def _undefer(self, key: Key) -> None:
        cancel(self._deferred, key)

    def maintenance(self, scope: Scope, check_id: str, enable: bool, name: str, notes: str,
                    svc: Service | None = None) -> None:
        """Add or remove a maintenance check (of a service, or of the node when `svc` is None)."""
        existing = self.store.checks.get(scope.key(check_id))
        if enable == (existing is not None):
            return
        with self.store.write() as tx:
            if existing is not None:
                self.remove(tx, existing)
                return
            self.put(tx, HealthCheck(check_id=check_id, name=name, status=CRITICAL, partition=scope.partition,
                                     namespace=scope.namespace, type=MAINTENANCE, notes=notes,
                                     service_id=svc.id if svc else "", service_name=svc.name if svc else ""))

    def node_maintenance(self, enable: bool, reason: str) -> None:
        self.maintenance(DEFAULT_SCOPE, M.NODE_MAINT_CHECK_ID, enable, M.NODE_MAINT_NAME,
                         reason or M.NODE_MAINT_NOTES)

    # -- reads ---------------------------------------------------------------------------------

    def listing(self, scope: Scope) -> list[HealthCheck]:
        """The agent's checks in a scope, with the node's own (serfHealth is the servers')."""
        return [c for c in self.store.checks.in_scope(scope.partition, scope.namespace) if not is_node_owned(c)]

    def service_tags(self, check: HealthCheck) -> builtins.list[str] | None:
        """The tags a check's JSON shows: its service's, None for a node check."""
        if not check.service_id:
            return None
        svc = self.store.services.get((check.partition, check.namespace, check.service_id))
        return svc.tags if svc is not None else None

    # -- running checks ------------------------------------------------------------------------

    def _start(self, check: HealthCheck) -> None:
        """A TTL check's timer; with checks running, its schedule in the runner (probes, and reaping for
        every type) and, for an alias, its place among the aliases re-evaluated at each commit."""
        key = key_of(check)
        self._stop(key)
        ct = check.definition
        if ct is None:
            return
        if check.type == TTL:
            self._arm_ttl(check)
        if self.runner is None:
            return
        owner = (check.partition, check.namespace, check.service_id) if check.service_id else None
        self.runner.start(key, ct, service_key=owner)
        if check.type == "alias":
            self.aliases.add(check, ct)

    def _stop(self, key: Key) -> None:
        self._cancel(key)
        self._undefer(key)
        if self.runner is not None:
            self.runner.stop(key)
            self.aliases.discard(key)

    def _arm_ttl(self, check: HealthCheck) -> None:
        key = key_of(check)
        self._cancel(key)
        if check.definition is not None and check.type == TTL:
            self._timers[key] = self.agent.clock.call_later(check.definition.ttl / 1e9, lambda: self._expire(key))

    def _cancel(self, key: Key) -> None:
        cancel(self._timers, key)

    def _expire(self, key: Key) -> None:
        self._timers.pop(key, None)
        check = self.store.checks.get(key)
        if check is None:
            return
        output = M.TTL_EXPIRED_WITH_OUTPUT.format(output=check.output) if check.output else M.TTL_EXPIRED
        self._set_status(check, CRITICAL, output)

    def _probed(self, key: Hashable, status: str, output: str) -> None:
        """A probe's result (past its thresholds) for a check that may have gone meanwhile."""
        check = self.store.checks.get(cast(Key, key))
        if check is not None:
            self._set_status(check, status, output)

    def _reap(self, service: Hashable) -> None:
        """DeregisterCriticalServiceAfter passed: the service and its checks go, as a deregistration."""
        partition, namespace, service_id = cast(Key, service)
        scope = Scope(partition, namespace)
        if self.agent.services.get(scope, service_id) is not None:
            self.agent.services.deregister(scope, service_id)

    def stop_all(self) -> None:
        for key in list(self._timers):
            self._cancel(key)
        for key in list(self._deferred):
            self._undefer(key)
        if self.runner is not None:
            self.runner.stop_all()
        self.aliases.clear()

    def stop_in(self, partition: str, namespace: str | None = None) -> None:
        """Stop the checks of a partition (or of one of its namespaces) before its contents go."""
        for key in [k for k in self.store.checks.rows
                    if k[0] == partition and namespace in (None, k[1])]:
            self._stop(key)

    def start_all(self) -> None:
        """After a restore: every check starts again (TTL timers, probes, aliases)."""
        for check in self.store.checks.rows.values():
            self._start(check)
        self.aliases.reindex()
        self.aliases.follow(everything=True)

    async def settle(self) -> None:
        """Wait for every probe in flight and the writes it makes (tests, after advancing the clock)."""
        if self.runner is not None:
            await self.runner.settle()

    async def aclose(self) -> None:
        """Stop every check and close the probes' HTTP session (the app's shutdown)."""
        self.stop_all()
        if self.runner is not None:
            await self.runner.aclose()
