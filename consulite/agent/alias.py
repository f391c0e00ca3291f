"""Alias checks: the status an `AliasService`/`AliasNode` check reports, from the checks it can see.

Consul's agent/checks/alias.go `processChecks`: without AliasNode the alias reads the agent's local checks
of its partition (every namespace, node-level checks included, itself too when it has no ServiceID, as
Consul's local state holds it); with AliasNode it reads that node's catalog checks (serfHealth included).
A critical check decides at once, a warning unless a critical one follows; no matching check leaves
`No checks found.` (passing) unless the target service does not exist (critical). Checked against 1.8.7.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from consulite import messages as M
from consulite.model.check import CRITICAL, PASSING, WARNING, CheckType, HealthCheck

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
