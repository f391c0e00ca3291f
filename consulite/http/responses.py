"""Responses shaped as Consul writes them: JSON (compact, or 4-space `?pretty`), plain-text errors, query meta."""

from __future__ import annotations

import json

import orjson
from aiohttp import web

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


def json_response(request: web.Request, data, status: int = 200, headers: dict | None = None) -> web.Response:
    body = (json.dumps(data, indent=4) + "\n").encode() if "pretty" in request.query else orjson.dumps(data)
    return web.Response(body=body, status=status, content_type=JSON, headers=headers)


def text_response(text: str, status: int, headers: dict | None = None) -> web.Response:
    return web.Response(body=text.encode(), status=status, headers={"Content-Type": TEXT, **(headers or {})})


def empty_response() -> web.Response:
    """Consul's 200 with an empty body for writes that return nothing."""
    return web.Response(status=200)


def query_meta(index: int, consistency: str | None = "leader") -> dict[str, str]:
    """Headers Consul's setMeta writes on reads: the index (never 0), leader contact, and the consistency
    mode where the handler sets it (None: KV and sessions do not, kv-sessions-txn.md §1.2)."""
    meta = {
        "X-Consul-Index": str(max(index, 1)),
        "X-Consul-Knownleader": "true",
        "X-Consul-Lastcontact": "0",
    }
    if consistency is not None:
        meta["X-Consul-Effective-Consistency"] = consistency
    return meta
