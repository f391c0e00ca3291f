"""Alias checks: the status an `AliasService`/`AliasNode` check reports, from the checks it can see.

Consul's agent/checks/alias.go `processChecks`: without AliasNode the alias reads the agent's local checks
of its partition (every namespace, node-level checks included, itself too when it has no ServiceID, as
Consul's local state holds it); with AliasNode it reads that node's catalog checks (serfHealth included).
A critical check decides at once, a warning unless a critical one follows; no matching check leaves
`No checks found.` (passing) unless the target service does not exist (critical). Checked against 1.8.7.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from consulite import messages as M
from consulite.agent.state import is_node_owned
from consulite.model.check import CRITICAL, PASSING, WARNING, CheckType, HealthCheck
from consulite.store.checks import Key, key_of

if TYPE_CHECKING:
    from consulite.agent.checks import Checks

Target = tuple[str, str, str]  # (partition, namespace, service ID); the ID is "" for a node alias


def alias_status(ct: CheckType, target: Target, checks: Iterable[HealthCheck],
                 service_exists: Callable[[Target], bool]) -> tuple[str, str]:
    """(status, output) of an alias check over the checks it sees (all on the aliased node)."""
    status, output, found = PASSING, M.ALIAS_NO_CHECKS, False
    for chk in checks:
        match = (chk.partition, chk.namespace, chk.service_id) == target if chk.service_id else not target[2]
        if chk.service_id and not match:
            continue
        found = found or match
        if chk.status in (CRITICAL, WARNING):
            status, output = chk.status, M.ALIAS_FAILING.format(name=chk.name, output=chk.output)
            if chk.status == CRITICAL:
                break
        elif status == PASSING:
            output = M.ALIAS_ALL_PASSING
    if not found and not service_exists(target):
        return CRITICAL, M.ALIAS_NOT_FOUND.format(id=target[2], node=ct.alias_node)
    return status, output


class Aliases:
    """The agent's alias checks, each following its target: after every commit that touched a target
    (its service or that service's checks, or a node check of the alias's partition) the aliases of that
    target are evaluated again, until none changes (aliases of aliases; a cycle stops after a few passes).
    No polling: `Checks` reports node-check changes, the store's commit reports the touched topics."""

    PASSES = 8

    def __init__(self, checks: Checks) -> None:
        self._checks = checks
        self._by_key: dict[Key, HealthCheck] = {}
        self._by_target: dict[Target, set[Key]] = {}
        self._dirty: set[Target] = set()
        self._dirty_partitions: set[str] = set()
        self._node_checks: dict[str, dict[Key, HealthCheck]] = {}  # the agent's node checks, by partition
        self._following = False

    def add(self, check: HealthCheck, ct: CheckType) -> None:
        key, target = key_of(check), (check.partition, check.namespace, ct.alias_service)
        self._by_key[key] = check
        self._by_target.setdefault(target, set()).add(key)
        self._dirty.add(target)

    def discard(self, key: Key) -> None:
        check = self._by_key.pop(key, None)
        if check is not None and check.definition is not None:
            target = (check.partition, check.namespace, check.definition.alias_service)
            keys = self._by_target.get(target, set())
            keys.discard(key)
            if not keys:
                self._by_target.pop(target, None)

    def clear(self) -> None:
        self._by_key.clear()
        self._by_target.clear()
        self._node_checks.clear()

    def node_check(self, check: HealthCheck, present: bool = True) -> None:
        """A node check (no ServiceID) was stored, changed or (not `present`) removed."""
        group = self._node_checks.setdefault(check.partition, {})
        if present:
            group[key_of(check)] = check
        else:
            group.pop(key_of(check), None)
        if self._by_key:
            self._dirty_partitions.add(check.partition)

    def reindex(self) -> None:
        """After a restore: the node checks as loaded."""
        self._node_checks.clear()
        for check in self._checks.store.checks.rows.values():
            if not check.service_id and not is_node_owned(check):
                self.node_check(check)

    def on_commit(self, touched: set[Any]) -> None:
        if not self._by_key:
            return
        for topic in touched:  # ("agent", partition, namespace, service ID): the service or its checks
            if isinstance(topic, tuple) and len(topic) == 4 and topic[0] == "agent":
                self._dirty.add(topic[1:])
        if not self._following:
            self.follow()

    def follow(self, everything: bool = False) -> None:
        self._following = True
        try:
            for _ in range(self.PASSES):
                keys = set(self._by_key) if everything else self._affected()
                everything = False
                self._dirty.clear()
                self._dirty_partitions.clear()
                if not keys:
                    return
                for key in sorted(keys):
                    check = self._by_key.get(key)
                    if check is not None and check.definition is not None:
                        self._checks._set_status(check, *self._result(check, check.definition))
        finally:
            self._following = False

    def _affected(self) -> set[Key]:
        keys = {k for t in self._dirty for k in self._by_target.get(t, ())}
        if self._dirty_partitions:
            keys |= {k for k in self._by_key if k[0] in self._dirty_partitions}
        return keys

    def _result(self, check: HealthCheck, ct: CheckType) -> tuple[str, str]:
        agent, table = self._checks.agent, self._checks.store.checks
        target: Target = (check.partition, check.namespace, ct.alias_service)
        if not ct.alias_node:  # the agent's local state: its node checks and the target's checks
            seen = [c for k, c in self._node_checks.get(check.partition, {}).items() if table.get(k) is c]
        elif ct.alias_node.lower() == agent.node.name.lower():  # alias.go compares with EqualFold
            seen = [c for c in table.rows.values() if c.partition == check.partition and not c.service_id]
        else:
            seen = []  # no other node in this datacenter
        if target[2]:
            seen += table.of_service(*target)
        services = self._checks.store.services
        return alias_status(ct, target, seen, lambda t: bool(t[2]) and services.get(t) is not None)
