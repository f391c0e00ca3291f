"""Sessions (Consul's structs.Session, reference kv-sessions-txn.md §2.3)."""

from __future__ import annotations

import attrs

RELEASE, DELETE = "release", "delete"
SERF_HEALTH = "serfHealth"
#: Consul's bounds and defaults: session_ttl_min, SessionTTLMax, MaxLockDelay, the default lock-delay
TTL_MIN_NS = 10 * 10**9
TTL_MAX_NS = 24 * 3600 * 10**9
MAX_LOCK_DELAY_NS = 60 * 10**9
DEFAULT_LOCK_DELAY_NS = 15 * 10**9


@attrs.define(eq=False)
class ServiceCheck:
    id: str
    namespace: str = ""


@attrs.define(eq=False)
class Session:
    id: str
    node: str
    name: str = ""
    lock_delay: int = DEFAULT_LOCK_DELAY_NS  # nanoseconds
    behavior: str = RELEASE
    ttl: str = ""
    node_checks: list[str] | None = None
    service_checks: list[ServiceCheck] | None = None
    checks: list[str] | None = None
    partition: str = ""  # the request's scope unless the body names one (Enterprise)
    namespace: str = ""
    create_index: int = 0
    modify_index: int = 0

    def check_ids(self) -> list[str]:
        """Every linked check: Checks + NodeChecks + ServiceChecks[].ID (structs_ce.go CheckIDs)."""
        return [*(self.checks or ()), *(self.node_checks or ()), *(c.id for c in self.service_checks or ())]
