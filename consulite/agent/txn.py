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
from consulite.model.kv import KVEntry
from consulite.model.node import CatalogNode, RegisterRequest, node_key
from consulite.model.scope import Scope
from consulite.model.service import Service

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

MAX_OPS = 128  # since 1.14 (PR #14599)
KV_WRITES = frozenset({"set", "delete", "delete-cas", "delete-tree", "cas", "lock", "unlock"})
CATALOG_WRITES = ("set", "cas", "delete", "delete-cas")
AGENT_NODE_INDEX = 1  # the agent's node is registered once, at start (as `Renderer.node_json` shows it)
Result = tuple[str, Any]  # ("KV", KVEntry with/without value) | ("Node", CatalogNode, None: the agent's) | ...


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
        self.catalog = agent.catalog
        self.store = agent.store

    def run(self, ops: list[Op], scope: Scope) -> Outcome:
        """Pre-check every op, then run them all in one write; any error: no results, nothing applied."""
        write = is_write(ops)
        errors, services = self._pre_check(ops, scope)
        if errors:
            return Outcome(None, errors, write)
        try:
            with self.agent.store.write() as tx:
                results: list[Result] = []
                errors = []
                for i, op in enumerate(ops):
                    try:
                        results += self._op(tx, op, scope, services.get(i))
                    except ConsulError as e:
                        errors.append((i, e.text))
                if errors:
                    raise TxnFailed(errors)
        except TxnFailed as failed:
            return Outcome(None, failed.errors, write)
        return Outcome(results, None, write)

    def _op(self, tx: Tx, op: Op, scope: Scope, service: Service | None) -> list[Result]:
        if op.family == "Service":
            return self._service(tx, op, scope, service)
        handler: Callable = {"KV": self._kv, "Node": self._node, "Check": self._check}[op.family]
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

    # -- the catalog: every node (agent/consul/state/txn.go txnNode, txnService, txnCheck) -------------------

    def _pre_check(self, ops: list[Op], scope: Scope) -> tuple[list[tuple[int, str]], dict[int, Service]]:
        """Consul's preCheck before anything runs: KV keys, a node write's name and ID (nodePreApply), a
        service write's service (servicePreApply; kept by op index for the write)."""
        errors: list[tuple[int, str]] = []
        services: dict[int, Service] = {}
        for i, op in enumerate(ops):
            verb = op.fields.get("Verb", "")
            try:
                if op.family == "KV" and not op.fields.get("Key") and verb != "delete-tree":
                    raise ConsulError(M.TXN_MUST_PROVIDE_KEY)
                if op.family == "Node" and verb in CATALOG_WRITES:
                    self.catalog.validate_node(op.body.node, op.body.id)
                if op.family == "Service" and verb in CATALOG_WRITES:
                    req = RegisterRequest(node=op.fields.get("Node", ""), service=op.body)
                    services[i] = self.catalog.service_of(req, scope)
            except ConsulError as e:
                errors.append((i, e.text))
        return errors, services

    def _find_node(self, partition: str, req: RegisterRequest) -> tuple[bool, CatalogNode | None]:
        """(found, row) of a node op's node, by ID if given, else by name; row None is the agent's node."""
        key = req.id or req.node
        if key and self.agent.is_this_node(key):
            return True, None
        row = self.store.nodes.get(partition, key) if key else None
        return row is not None, row

    def _node(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        verb, req, p = op.fields.get("Verb", ""), op.body, scope.partition
        if verb not in ("get", *CATALOG_WRITES):
            raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Node", verb=verb))
        if verb != "get":
            found, row = self._find_node(p, RegisterRequest(node=req.node))
            current = (row.modify_index if row is not None else AGENT_NODE_INDEX) if found else 0
            if verb.endswith("cas") and (current != op.index or (verb == "delete-cas" and not found)):
                raise ConsulError(M.TXN_NODE_STALE.format(op="delete" if verb == "delete-cas" else "set",
                                                          node=req.node))
            if verb.startswith("delete"):
                self.catalog.remove_node(tx, p, req.node)
                return []
            self.catalog.put_node(tx, req, p)
        found, row = self._find_node(p, req)
        if not found:
            raise ConsulError(M.TXN_NODE_MISSING.format(node=req.node))
        return [("Node", row)]

    def _service(self, tx: Tx, op: Op, scope: Scope, prepared: Service | None) -> list[Result]:
        verb, node, body, p = op.fields.get("Verb", ""), op.fields.get("Node", ""), op.body, scope.partition
        if verb == "get":
            found = self.catalog.held(p, node, body.namespace or scope.namespace, body.id) if node else None
            return [("Service", self._shown(self._need(found, M.TXN_SERVICE_MISSING.format(id=body.id,
                                                                                           node=node))))]
        if prepared is None:
            raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Service", verb=verb))
        svc = prepared
        existing = self.catalog.held(p, node, svc.namespace, svc.id) if node else None
        if verb.endswith("cas") and ((existing.modify_index if existing else 0) != op.index or (
                verb == "delete-cas" and existing is None)):
            raise ConsulError(M.TXN_SERVICE_STALE.format(op="delete" if verb == "delete-cas" else "set",
                                                         id=svc.id, node=node))
        if verb.startswith("delete"):
            self.catalog.remove_service(tx, (p, node_key(node), svc.namespace, svc.id))
            return []
        if not self.catalog.has_node(p, node):
            raise ConsulError(M.MISSING_NODE_REGISTRATION)
        self.catalog.put_service(tx, svc)
        return [("Service", self._shown(self._need(self.catalog.held(p, node, svc.namespace, svc.id), "")))]

    def _shown(self, svc: Service) -> Service:
        """A service as a result shows it: the agent's own as the agent shows them."""
        return svc if svc.node else self.agent.view(svc)

    def _check(self, tx: Tx, op: Op, scope: Scope) -> list[Result]:
        verb, body, p = op.fields.get("Verb", ""), op.body, scope.partition
        node, ns = body.node, body.namespace or scope.namespace
        if verb == "get":
            found = self.catalog.held_check(p, node, ns, body.check_id) if node else None
            return [("Check", self._need(found, M.TXN_CHECK_MISSING.format(id=body.check_id, node=node)))]
        if verb not in CATALOG_WRITES:
            raise ConsulError(M.TXN_UNKNOWN_VERB.format(family="Check", verb=verb))
        check_id = body.check_id or body.name  # checkPreApply
        existing = self.catalog.held_check(p, node, ns, check_id) if node else None
        if verb.endswith("cas") and ((existing.modify_index if existing else 0) != op.index or (
                verb == "delete-cas" and existing is None)):
            raise ConsulError(M.TXN_CHECK_STALE.format(op="delete" if verb == "delete-cas" else "set",
                                                       id=check_id, node=node))
        if verb.startswith("delete"):
            self.catalog.remove_check(tx, (p, node_key(node), ns, check_id))
            return []
        if not self.catalog.has_node(p, node):
            raise ConsulError(M.MISSING_NODE_REGISTRATION)
        owner = self.catalog.held(p, node, ns, body.service_id) if body.service_id else None
        if body.service_id and owner is None:
            raise ConsulError(M.TXN_MISSING_SERVICE)
        if not check_id:
            raise ConsulError(M.TXN_CHECK_NO_ID)
        self.catalog.put_check(tx, self.catalog.check_of(body, node, scope, owner))
        return [("Check", self._need(self.catalog.held_check(p, node, ns, check_id), ""))]
