"""Reading a request body within limits: a documented size (past it, the 413 Consul answers in
agent/kvs_endpoint.go and agent/txn_endpoint.go) and a time limit; a client that leaves mid-body is
`ClientGone`, logged at debug by the pipeline, never a traceback."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.client_exceptions import ClientPayloadError
from aiohttp.web_protocol import RequestPayloadError

from consulite import messages as M
from consulite.errors import ConsulError


class ClientGone(Exception):
    """The client closed the connection before its body arrived."""


def too_large(size: int | None, limit: int) -> ConsulError:
    if size is None:
        return ConsulError(M.BODY_TOO_LARGE_CHUNKED.format(limit=limit, doc=M.BODY_LIMIT_DOC), 413)
    return ConsulError(M.BODY_TOO_LARGE.format(size=size, limit=limit, doc=M.BODY_LIMIT_DOC), 413)


def check_length(request: web.BaseRequest, limit: int) -> None:
    """Refuse a declared Content-Length past `limit` before reading anything."""
    size = request.content_length
    if limit and size is not None and size > limit:
        raise too_large(size, limit)


async def read_body(request: web.BaseRequest, limit: int, timeout: float) -> bytes:
    """The body of a request whose declared length the pipeline checked (`check_length`): the actual bytes
    are counted against `limit` as they arrive, within `timeout` seconds."""
    if request.content_length is not None and request.content.is_eof():
        return await request.read()  # the whole body, its declared size checked, has arrived: no timer needed
    try:
        async with asyncio.timeout(timeout):
            chunks, total = [], 0
            while chunk := await request.content.read(64 * 1024):
                total += len(chunk)
                if limit and total > limit:
                    raise too_large(None, limit)
                chunks.append(chunk)
    except TimeoutError:
        raise ConsulError(M.BODY_TIMEOUT.format(seconds=timeout), 408, {"Connection": "close"}) from None
    except (ClientPayloadError, RequestPayloadError, ConnectionError) as e:
        raise ClientGone(str(e)) from None
    return b"".join(chunks)
