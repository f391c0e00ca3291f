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
    partition = _utf8(q.get("partition") or h.get("X-Consul-Partition"), "partition") or DEFAULT
    namespace = _utf8(q.get("ns") or h.get("X-Consul-Namespace"), "namespace") or DEFAULT
    return Scope(partition, namespace) if (partition, namespace) != (DEFAULT, DEFAULT) else DEFAULT_SCOPE


def _utf8(value: str | None, what: str) -> str | None:
    """`value` unless its bytes were not UTF-8 (the query decoder leaves U+FFFD, the header decoder lone
    surrogates): such a name would be stored and then break every dump, so it is refused here."""
    if value and ("\ufffd" in value or (not value.isascii() and not _encodes(value))):
        raise BadRequest(M.NOT_UTF8.format(what=what))
    return value


def _encodes(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def parse_uint(raw: str) -> int:
    """Go's strconv.ParseUint(raw, 10, 64): ASCII digits only (Unicode digits pass `isdigit`), below 2^64."""
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(M.PARSE_UINT.format(raw=raw))
    value = int(raw)
    if value >= 1 << 64:
        raise BadRequest(M.PARSE_UINT_RANGE.format(raw=raw))
    return value


def check_cache_control(h: MultiMapping[str]) -> None:
    """Consul's parseCacheControl (agent/http.go): `max-age` and `stale-if-error` take Go's Atoi."""
    raw = h.get("Cache-Control")
    if not raw:
        return
    for directive in raw.split(","):
        d = directive.strip().lower()
        for name in ("max-age=", "stale-if-error="):
            if d.startswith(name) and not _go_atoi(d[len(name):]):
                raise BadRequest(M.INVALID_CACHE_CONTROL)


def _go_atoi(raw: str) -> bool:
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    return digits.isascii() and digits.isdigit() and -(1 << 63) <= int(raw) < 1 << 63


def parse_options(datacenter: str, q: MultiMapping[str], blocking: bool,
                  h: MultiMapping[str] | None = None) -> QueryOptions:
    """Consul's query options: another datacenter has no path from here; stale and consistent conflict;
    a bad Cache-Control is a 400; `wait` and `index` for blocking routes, with Consul's defaults, cap and 400s."""
    if "stale" in q and "consistent" in q:
        raise BadRequest(M.STALE_AND_CONSISTENT)
    dc = q.get("dc")
    if dc and dc != datacenter:
        raise ConsulError(M.NO_PATH_TO_DC)
    if h is not None:
        check_cache_control(h)
    consistency = "stale" if "stale" in q else "consistent" if "consistent" in q else "leader"
    if not blocking:
        return QueryOptions(consistency=consistency) if consistency != "leader" else NO_OPTIONS
    wait = DEFAULT_WAIT
    if q.get("wait"):  # an empty wait or index is ignored, as Consul's parseWait does
        try:
            wait = parse_duration(q["wait"]) / 1e9
        except DecodeError:
            raise BadRequest(M.INVALID_WAIT) from None
        if wait <= 0:
            wait = DEFAULT_WAIT
    index = 0
    if q.get("index"):
        try:
            index = parse_uint(q["index"])
        except BadRequest:
            raise BadRequest(M.INVALID_INDEX) from None
    return QueryOptions(min_index=index, wait=min(wait, MAX_WAIT), hash=q.get("hash", ""),
                        consistency=consistency)
