"""What a request says besides its body, as Consul parses it: partition and namespace per edition, and
the query options (dc, consistency, blocking index and wait, content hash, filter)."""

from __future__ import annotations

import attrs
from multidict import MultiMapping

from consulite import messages as M
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, ConsulError, DecodeError
from consulite.model.scope import DEFAULT, DEFAULT_SCOPE, Scope

DEFAULT_WAIT = 300.0
MAX_WAIT = 600.0


@attrs.frozen
class QueryOptions:
    min_index: int = 0
    wait: float = DEFAULT_WAIT
    hash: str = ""
    consistency: str = "leader"  # or "stale", "consistent": X-Consul-Effective-Consistency


NO_OPTIONS = QueryOptions()


def parse_scope(enterprise: bool, q: MultiMapping[str], h: MultiMapping[str]) -> Scope:
    """(partition, namespace) of a request (reference agent-service-api.md §7).

    Enterprise: `partition`/`ns`, then the X-Consul-* header, then `default` (a body's own value wins
    later, in the operation). Community Edition: any of them is a 400, checked in Consul's order.
    """
    if not enterprise:
        for present, text in ((h.get("X-Consul-Namespace"), M.CE_NS_HEADER), (q.get("ns"), M.CE_NS_QUERY),
                              (h.get("X-Consul-Partition"), M.CE_PARTITION_HEADER),
                              (q.get("partition"), M.CE_PARTITION_QUERY)):
            if present:
                raise BadRequest(text)
        return DEFAULT_SCOPE
    partition = q.get("partition") or h.get("X-Consul-Partition") or DEFAULT
    namespace = q.get("ns") or h.get("X-Consul-Namespace") or DEFAULT
    return Scope(partition, namespace) if (partition, namespace) != (DEFAULT, DEFAULT) else DEFAULT_SCOPE


def parse_options(datacenter: str, q: MultiMapping[str], blocking: bool) -> QueryOptions:
    """Consul's query options: another datacenter has no path from here; stale and consistent conflict;
    `wait` and `index` for blocking routes, with Consul's defaults, cap and 400s."""
    if "stale" in q and "consistent" in q:
        raise BadRequest(M.STALE_AND_CONSISTENT)
    dc = q.get("dc")
    if dc and dc != datacenter:
        raise ConsulError(M.NO_PATH_TO_DC)
    consistency = "stale" if "stale" in q else "consistent" if "consistent" in q else "leader"
    if not blocking:
        return QueryOptions(consistency=consistency) if consistency != "leader" else NO_OPTIONS
    wait = DEFAULT_WAIT
    if "wait" in q:
        try:
            wait = parse_duration(q["wait"]) / 1e9
        except DecodeError:
            raise BadRequest(M.INVALID_WAIT) from None
        if wait <= 0:
            wait = DEFAULT_WAIT
    index = 0
    if "index" in q:
        raw = q["index"]
        if not raw.isdigit():
            raise BadRequest(M.INVALID_INDEX)
        index = int(raw)
    return QueryOptions(min_index=index, wait=min(wait, MAX_WAIT), hash=q.get("hash", ""),
                        consistency=consistency)
