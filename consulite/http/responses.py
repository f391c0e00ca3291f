"""Responses shaped as Consul writes them: JSON (compact, or 4-space `?pretty`), plain-text errors, query meta."""

from __future__ import annotations

import asyncio
import json

import orjson
from aiohttp import web

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


#: compact answers past this many bytes are pretty-printed off the event loop (json's indenting encoder is
#: pure Python, so another thread lets the loop serve other clients meanwhile)
PRETTY_INLINE_BYTES = 64 * 1024


def json_response(request: web.Request, data, status: int = 200, headers: dict | None = None) -> web.Response:
    body = orjson.dumps(data)
    resp = web.Response(body=body, status=status, content_type=JSON, headers=headers)
    if "pretty" in request.query:
        if len(body) <= PRETTY_INLINE_BYTES:
            resp.body = pretty(body)
        else:
            resp.pretty_data = body  # type: ignore[attr-defined]  # the pipeline renders it in a thread
    return resp


def pretty(body: bytes) -> bytes:
    """Go's json.MarshalIndent of a compact answer, with four spaces and its trailing newline (from the compact
    bytes, which may hold pre-rendered parts: orjson.Fragment)."""
    return (json.dumps(json.loads(body), indent=4) + "\n").encode()


async def finish_pretty(resp: web.StreamResponse) -> None:
    """Render a large `?pretty` answer in a worker thread."""
    body = getattr(resp, "pretty_data", None)
    if body is not None and isinstance(resp, web.Response):
        resp.body = await asyncio.to_thread(pretty, body)


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
