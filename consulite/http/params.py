"""Query parameters and headers as Consul parses them: partition/namespace per edition, dc, blocking."""

from __future__ import annotations

import random
import time

from aiohttp import web

from consulite import messages as M
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, ConsulError, DecodeError
from consulite.http.context import Agent
from consulite.model.service import DEFAULT

DEFAULT_WAIT = 300.0
MAX_WAIT = 600.0


def ent_meta(agent: Agent, request: web.Request, body_partition: str = "", body_ns: str = "") -> tuple[str, str]:
    """(partition, namespace) of a request (reference agent-service-api.md §7).

    Enterprise: the body's value, then `partition`/`ns`, then the X-Consul-* header, then `default`.
    Community Edition: any of them is a 400, checked in Consul's order.
    """
    q, h = request.query, request.headers
    if not agent.config.enterprise:
        for present, text in ((h.get("X-Consul-Namespace"), M.CE_NS_HEADER), (q.get("ns"), M.CE_NS_QUERY),
                              (h.get("X-Consul-Partition"), M.CE_PARTITION_HEADER),
                              (q.get("partition"), M.CE_PARTITION_QUERY)):
            if present:
                raise BadRequest(text)
        return DEFAULT, DEFAULT
    partition = body_partition or q.get("partition") or h.get("X-Consul-Partition") or DEFAULT
    namespace = body_ns or q.get("ns") or h.get("X-Consul-Namespace") or DEFAULT
    return partition, namespace


def check_query(agent: Agent, request: web.Request) -> None:
    """Consul's query options: another datacenter has no path from here; stale and consistent conflict."""
    q = request.query
    if "stale" in q and "consistent" in q:
        raise BadRequest(M.STALE_AND_CONSISTENT)
    dc = q.get("dc")
    if dc and dc != agent.config.datacenter:
        raise ConsulError(M.NO_PATH_TO_DC)


def parse_wait(request: web.Request) -> tuple[int, float]:
    """(`index`, `wait` in seconds) with Consul's defaults, cap and 400s."""
    q = request.query
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
    return index, min(wait, MAX_WAIT)


def jittered(wait: float) -> float:
    """Consul adds up to wait/16 of random jitter to a blocking wait."""
    return wait + random.random() * wait / 16


async def block_on_index(agent: Agent, request: web.Request, topics: list) -> int:
    """Wait until one of `topics` changes past `?index=` (or `?wait=` passes); the index to answer with."""
    index, wait = parse_wait(request)
    watches = agent.store.watches
    current = watches.index_of(topics)
    if index == 0 or current < index:  # a lower index means state was reset: answer at once
        return current
    deadline = time.monotonic() + jittered(wait)
    while current <= index:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await watches.wait(topics, remaining)
        current = watches.index_of(topics)
    return current


def parse_bool(raw: str) -> bool | None:
    """Go's strconv.ParseBool; None when not a boolean."""
    if raw in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if raw in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None
