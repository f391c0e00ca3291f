"""Sessions: create (Consul's defaults, limits and texts), destroy, info, node, list, renew; TTL expiry at
2x the TTL on the agent's clock; invalidation on destroy, on expiry, when a linked check goes critical or
is deregistered: held keys released or deleted per `Behavior`, with lock-delay
(reference kv-sessions-txn.md §2; agent/consul/session_endpoint.go, agent/consul/state/session.go)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.agent.clock import Handle, cancel
from consulite.decode.session import go_duration
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.model.check import CRITICAL, HealthCheck
from consulite.model.go import format_duration
from consulite.model.scope import DEFAULT, Scope
from consulite.model.session import (
    DELETE,
    MAX_LOCK_DELAY_NS,
    RELEASE,
    TTL_MAX_NS,
    TTL_MIN_NS,
    Session,
)
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

TTL_MULTIPLIER = 2  # SessionTTLMultiplier


def check_id_form(session_id: str) -> None:
    """The sessions table is indexed by UUID: a lookup by anything not 36 characters long fails (a 500)."""
    if len(session_id) != 36:
        raise ConsulError(M.SESSION_LOOKUP_FAILED)


def ttl_seconds(ttl: str) -> float:
    return go_duration(ttl) / 1e9 if ttl else 0.0


class Sessions:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        self.table = agent.store.sessions
        self._timers: dict[str, Handle] = {}
        agent.checks.listeners.append(self._check_changed)

    # -- create --------------------------------------------------------------------------------------

    def validate(self, s: Session) -> None:
        """The RPC's checks (Behavior, TTL) then the state store's (node, linked checks), in Consul's order."""
        if not s.node:
            raise ConsulError(M.MUST_PROVIDE_NODE)
        if s.behavior not in ("", RELEASE, DELETE):
            raise ConsulError(M.INVALID_BEHAVIOR.format(behavior=s.behavior))
        s.behavior = s.behavior or RELEASE
        if s.ttl:
            try:
                ns = go_duration(s.ttl)
            except DecodeError as e:
                raise ConsulError(M.SESSION_TTL_INVALID.format(ttl=s.ttl, err=e.text)) from None
            if ns != 0 and not TTL_MIN_NS <= ns <= TTL_MAX_NS:
                raise ConsulError(M.SESSION_TTL_RANGE.format(ns=ns, min=format_duration(TTL_MIN_NS),
                                                             max=format_duration(TTL_MAX_NS)))
        if not self.agent.is_this_node(s.node):
            raise ConsulError(M.MISSING_NODE_REGISTRATION)
        for check_id in s.check_ids():
            check = self._linked_check(s, check_id)
            if check is None:
                raise ConsulError(M.MISSING_CHECK_REGISTRATION.format(id=check_id))
            if check.status == CRITICAL:
                raise ConsulError(M.CHECK_CRITICAL.format(id=check_id))

    def _linked_check(self, s: Session, check_id: str) -> HealthCheck | None:
        checks = self.store.checks
        return checks.get((s.partition, s.namespace, check_id)) or checks.get((s.partition, DEFAULT, check_id)) \
            or checks.get((DEFAULT, DEFAULT, check_id))

    def create(self, s: Session, scope: Scope) -> str:
        """Validate and store a session under a fresh ID; its TTL timer starts."""
        if not (self.agent.enterprise and s.partition):
            s.partition = scope.partition
        if not (self.agent.enterprise and s.namespace):
            s.namespace = scope.namespace
        self.agent.namespaces.require(Scope(s.partition, s.namespace), 500)
        self.validate(s)
        s.id = str(uuid.uuid4())
        with self.store.write() as tx:
            self.table.put(tx, s)
        self._arm(s)
        return s.id

    # -- reads -----------------------------------------------------------------------------------------

    def _index(self) -> int:
        return self.store.watches.index_of([topics.SESSIONS])

    def info(self, session_id: str, ws: set) -> tuple[int, list[Session]]:
        if not session_id:
            raise BadRequest(M.MISSING_SESSION)
        check_id_form(session_id)
        s = self.table.get(session_id, ws)
        return self._index(), [s] if s is not None else []

    def node(self, node: str, scope: Scope, ws: set) -> tuple[int, list[Session]]:
        if not node:
            raise BadRequest(M.MISSING_NODE_NAME)
        return self._index(), [s for s in self._listed(scope, ws) if s.node == node]

    def listing(self, scope: Scope, ws: set) -> tuple[int, list[Session]]:
        return self._index(), self._listed(scope, ws)

    def _listed(self, scope: Scope, ws: set) -> list[Session]:
        """The scope's sessions; namespace `*` is every namespace of the partition."""
        return [s for s in self.table.list(ws) if s.partition == scope.partition
                and scope.namespace in ("*", s.namespace)]

    # -- renew, destroy, invalidation ------------------------------------------------------------------------

    def renew(self, session_id: str) -> list[Session]:
        if not session_id:
            raise BadRequest(M.MISSING_SESSION)
        check_id_form(session_id)
        s = self.table.get(session_id)
        if s is None:
            raise NotFound(M.SESSION_NOT_FOUND.format(id=session_id))
        self._arm(s)
        return [s]

    def destroy(self, session_id: str) -> None:
        """Idempotent: an unknown session is fine."""
        if not session_id:
            raise BadRequest(M.MISSING_SESSION)
        check_id_form(session_id)
        with self.store.write() as tx:
            self.invalidate(tx, session_id)

    def invalidate(self, tx: Tx, session_id: str) -> None:
        """Delete a session and free its keys per Behavior, with lock-delay (capped at 60s)."""
        s = self.table.remove(tx, session_id)
        if s is None:
            return
        self._cancel(session_id)
        tx.on_rollback(lambda: self._arm(s))
        self.agent.kv.free(tx, session_id, s.behavior == DELETE, min(s.lock_delay, MAX_LOCK_DELAY_NS))

    def linked_to(self, check: HealthCheck) -> list[str]:
        """Sessions linked to a check (by its ID, on the agent's node)."""
        return [s.id for s in self.table.rows.values() if check.check_id in s.check_ids()
                and self._linked_check(s, check.check_id) in (check, None)]

    def _check_changed(self, tx: Tx, check: HealthCheck, removed: bool) -> None:
        """A linked check going critical or away invalidates its sessions (catalog.go ensureCheckTxn,
        deleteCheckTxn)."""
        if removed or check.status == CRITICAL:
            for session_id in self.linked_to(check):
                self.invalidate(tx, session_id)

    # -- TTL timers -----------------------------------------------------------------------------------------

    def _arm(self, s: Session) -> None:
        self._cancel(s.id)
        ttl = ttl_seconds(s.ttl)
        if ttl > 0:
            self._timers[s.id] = self.agent.clock.call_later(ttl * TTL_MULTIPLIER, lambda: self._expire(s.id))

    def _cancel(self, session_id: str) -> None:
        cancel(self._timers, session_id)

    def _expire(self, session_id: str) -> None:
        self._timers.pop(session_id, None)
        self.destroy(session_id)

    def stop_all(self) -> None:
        for session_id in list(self._timers):
            self._cancel(session_id)

    def start_all(self) -> None:
        """After a restore: every session with a TTL gets a fresh 2x TTL (as after a leader election)."""
        self.stop_all()
        for s in self.table.rows.values():
            self._arm(s)
