"""`/v1/txn`: KV, node, service and check operations in one write at one index; every failing operation
reported (OpIndex, What) and nothing applied; a read-only transaction takes the read path
(reference kv-sessions-txn.md §3; agent/consul/state/txn.go, kvs.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from consulite import messages as M
from consulite.agent.kv import DELAYED, HELD
from consulite.decode.txn import Op
from consulite.errors import ConsulError
from consulite.model.check import HealthCheck
from consulite.model.kv import KVEntry
from consulite.model.scope import DEFAULT, Scope

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

MAX_OPS = 128  # since 1.14 (PR #14599)
KV_WRITES = frozenset({"set", "delete", "delete-cas", "delete-tree", "cas", "lock", "unlock"})
Result = tuple[str, Any]  # ("KV", KVEntry with/without value) | ("Check", HealthCheck) | ...


class TxnFailed(Exception):
    """Carries the per-operation errors out of the write, which then rolls back."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors


def is_write(ops: list[Op]) -> bool:
    return any((op.fields.get("Verb", "") in KV_WRITES) if op.family == "KV" else op.fields.get("Verb") != "get"
               for op in ops)


@attrs.define
class Outcome:
    results: list[Result] | None
    errors: list[tuple[int, str]] | None
    write: bool


class Txn:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.kv = agent.kv

    def run(self, ops: list[Op], scope: Scope) -> Outcome:
        """Pre-check every KV op, then run them all in one write; any error: no results, nothing applied."""
        write = is_write(ops)
        errors = [(i, M.TXN_MUST_PROVIDE_KEY) for i, op in enumerate(ops)
                  if op.family == "KV" and not op.fields.get("Key") and op.fields.get("Verb") != "delete-tree"]
        if errors:
            return Outcome(None, errors, write)
        try:
            with self.agent.store.write() as tx:
                results: list[Result] = []
                errors = []
                for i, op in enumerate(ops):
                    try:
                        results += self._op(tx, op, scope)
                    except ConsulError as e:
                        errors.append((i, e.text))
                if errors:
                    raise TxnFailed(errors)
        except TxnFailed as failed:
            return Outcome(None, failed.errors, write)
        return Outcome(results, None, write)

    def _op(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        handler: Callable = {"KV": self._kv, "Node": self._node, "Service": self._service,
                             "Check": self._check}[op.family]
        return handler(tx, op, scope)

    # -- KV --------------------------------------------------------------------------------------------

    def _kv(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        f = op.fields
        verb, key, flags, index, session = f.get("Verb", ""), f.get("Key", ""), f.get("Flags", 0), \
            f.get("Index", 0), f.get("Session", "")
        if self.agent.enterprise and (f.get("Partition") or f.get("Namespace")):
            scope = Scope(f.get("Partition") or scope.partition, f.get("Namespace") or scope.namespace)
        kv, table, where = self.kv, self.kv.table, (scope.partition, scope.namespace)
        if verb == "set":
            return self._bare(kv.set(tx, scope, key, op.value, flags))
        if verb == "cas":
            return self._bare(self._need(kv.cas(tx, scope, key, op.value, flags, index),
                                         M.TXN_STALE_SET.format(key=key)))
        if verb == "lock":
            entry, why = kv.lock(tx, scope, key, op.value, flags, session)
            if why == DELAYED:
                raise ConsulError(M.TXN_LOCK_DELAY.format(key=key))
            if why == HELD:
                raise ConsulError(M.TXN_LOCK_HELD.format(key=key))
            return self._bare(entry)
        if verb == "unlock":
            return self._bare(self._need(kv.unlock(tx, scope, key, op.value, flags, session),
                                         M.TXN_UNLOCK.format(key=key)))
        if verb == "get":
            return [("KV", self._need(table.get(where, key), M.TXN_KEY_MISSING.format(key=key)))]
        if verb == "get-or-empty":
            found = table.get(where, key)
            return [("KV", found if found is not None else KVEntry(key, None, flags, partition=where[0],
                                                                    namespace=where[1]))]
        if verb == "get-tree":
            return [("KV", e) for e in table.under(where, key)]
        existing = table.get(where, key)
        if verb == "check-index":
            entry = self._need(existing, M.TXN_CHECK_INDEX_MISSING.format(key=key))
            if entry.modify_index != index:
                raise ConsulError(M.TXN_CHECK_INDEX.format(key=key, current=entry.modify_index, wanted=index))
            return self._bare(entry)
        if verb == "check-session":
            entry = self._need(existing, M.TXN_CHECK_SESSION_MISSING.format(key=key))
            if entry.session != session:
                raise ConsulError(M.TXN_CHECK_SESSION.format(key=key, current=entry.session, wanted=session))
            return self._bare(entry)
        if verb == "check-not-exists":
            if existing is not None:
                raise ConsulError(M.TXN_KEY_EXISTS.format(key=key))
            return []
        if verb == "delete":
            table.delete(tx, where, key)
            return []
        if verb == "delete-tree":
            table.delete_tree(tx, where, key)
            return []
        if verb == "delete-cas":
            self._need(kv.delete_cas(tx, scope, key, index) or None, M.TXN_DELETE_STALE.format(key=key))
            return []
        raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="KV", verb=verb))

    @staticmethod
    def _need(found, text: str):
        if found is None:
            raise ConsulError(text)
        return found

    @staticmethod
    def _bare(entry: KVEntry | None) -> list[Result]:
        """A write's or check's result: the entry without its value."""
        return [("KV", attrs.evolve(entry, value=None))] if entry is not None else []

    # -- the catalog of the agent's node -----------------------------------------------------------------

    def _node_name(self, name: str) -> str:
        if name and not self.agent.is_this_node(name):
            raise ConsulError(M.TXN_NODE_MISSING.format(node=name))
        return self.agent.node.name

    def _node(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        verb, node = op.fields.get("Verb", ""), op.fields.get("Node", {})
        name = node.get("Node") or node.get("ID") or ""
        if verb == "get":
            self._node_name(name)
            return [("Node", None)]
        if verb in ("set", "cas", "delete", "delete-cas"):
            raise ConsulError(M.TXN_OTHER_NODE.format(node=name))
        raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Node", verb=verb))

    def _service(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        verb, svc = op.fields.get("Verb", ""), op.fields.get("Service", {})
        node = self._node_name(op.fields.get("Node", ""))
        sid = svc.get("ID") or svc.get("Service") or ""
        key = (svc.get("Partition") or scope.partition, svc.get("Namespace") or scope.namespace, sid)
        services = self.agent.store.services
        existing = services.get(key)
        if verb == "get":
            return [("Service", self._need(existing, M.TXN_SERVICE_MISSING.format(id=sid, node=node)))]
        if verb in ("delete", "delete-cas"):
            if existing is None:
                return []
            if verb == "delete-cas" and existing.modify_index != svc.get("ModifyIndex", 0):
                raise ConsulError(M.TXN_SERVICE_STALE.format(op="delete", id=sid, node=node))
            services.remove(tx, key)
            for check in self.agent.store.checks.of_service(*key):
                self.agent.checks.remove(tx, check)
            return []
        if verb in ("set", "cas"):
            raise ConsulError(M.TXN_OTHER_NODE.format(node=node))
        raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Service", verb=verb))

    def _check(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        verb, c = op.fields.get("Verb", ""), op.fields.get("Check", {})
        node = self._node_name(c.get("Node", ""))
        check_id = c.get("CheckID", "")
        key = (c.get("Partition") or (DEFAULT if not c.get("ServiceID") else scope.partition),
               c.get("Namespace") or (DEFAULT if not c.get("ServiceID") else scope.namespace), check_id)
        checks = self.agent.store.checks
        existing = checks.get(key)
        modify = c.get("ModifyIndex", 0)
        if verb == "get":
            return [("Check", self._need(existing, M.TXN_CHECK_MISSING.format(id=check_id, node=node)))]
        if verb in ("delete", "delete-cas"):
            if existing is None:
                return []
            if verb == "delete-cas" and existing.modify_index != modify:
                raise ConsulError(M.TXN_CHECK_STALE.format(op="delete", id=check_id, node=node))
            self.agent.checks.remove(tx, existing)
            return []
        if verb in ("set", "cas"):
            if verb == "cas" and (existing.modify_index if existing else 0) != modify:
                raise ConsulError(M.TXN_CHECK_STALE.format(op="set", id=check_id, node=node))
            check = HealthCheck(check_id=check_id, name=c.get("Name", ""), status=c.get("Status") or "critical",
                                partition=key[0], namespace=key[1], notes=c.get("Notes", ""),
                                output=c.get("Output", ""), service_id=c.get("ServiceID", ""),
                                service_name=c.get("ServiceName", ""),
                                type=existing.type if existing is not None else "")
            self.agent.checks.put(tx, check)
            return [("Check", check)]
        raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Check", verb=verb))
