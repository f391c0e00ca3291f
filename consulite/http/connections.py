"""Connections as Consul's HTTP server treats them: at most `http_max_conns_per_client` open connections per
client IP (the next is answered 429 and closed, as Consul's connLimiter does in agent/agent.go, via
hashicorp/go-connlimit), a request head that must arrive within a time limit, an idle keep-alive limit,
request lines and headers up to Go's 1 MB (net/http DefaultMaxHeaderBytes), and a full accept queue (or
no file descriptors left) logged once, not once per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from consulite import messages as M

log = logging.getLogger("consulite.agent.http")

#: Go's net/http DefaultMaxHeaderBytes: the request line and headers may take up to 1 MB
MAX_HEADER_BYTES = 1 << 20
TOO_MANY_RESPONSE = (
    "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\n"
    f"Content-Length: {len(M.TOO_MANY_CONNS)}\r\nConnection: close\r\n\r\n{M.TOO_MANY_CONNS}"
).encode()


def listen_backlog() -> int:
    """The OS maximum listen backlog (Go's net package reads /proc/sys/net/core/somaxconn too)."""
    try:
        return max(int(Path("/proc/sys/net/core/somaxconn").read_text()), socket.SOMAXCONN)
    except (OSError, ValueError):
        return socket.SOMAXCONN


class LimitedHandler(RequestHandler):
    """aiohttp's per-connection protocol, with the per-client limit and the request-head timeout."""

    def __init__(self, server: LimitedServer, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self._limits = server
        self._client: str | None = None
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._client = peer[0] if isinstance(peer, tuple) else str(peer)
        self._limits.accepted()
        if not self._limits.admit(self._client):
            self._refused = True
            transport.write(TOO_MANY_RESPONSE)  # type: ignore[attr-defined]
            transport.close()
            return
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_head_timer()
        self._limits.release(self._client)
        if not self._refused:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        before = self._request_count
        super().data_received(data)
        if self._request_count != before:
            self._cancel_head_timer()
        elif self._head_timer is None and not self._request_in_progress:
            self._head_timer = self._loop.call_later(self._limits.header_timeout, self._head_timed_out, before)

    def _head_timed_out(self, count: int) -> None:
        self._head_timer = None
        if self._request_count == count and self.transport is not None:
            log.debug("closing a connection whose request head did not arrive in %ss: from=%s",
                      self._limits.header_timeout, self._client)
            self.force_close()

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None


class LimitedServer(web.Server):
    """aiohttp's low-level server making `LimitedHandler`s, counting open connections per client IP."""

    def __init__(self, *args: Any, max_conns_per_client: int = 200, header_timeout: float = 10.0,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_conns_per_client = max_conns_per_client
        self.header_timeout = header_timeout
        self.per_client: dict[str, int] = {}
        self._warned: set[str] = set()

    def __call__(self) -> RequestHandler:
        return LimitedHandler(self, loop=self._loop, **self._kwargs)

    def admit(self, client: str) -> bool:
        """Count a new connection of `client`; False when it is past the limit (0: no limit)."""
        count = self.per_client[client] = self.per_client.get(client, 0) + 1
        if self.max_conns_per_client <= 0 or count <= self.max_conns_per_client:
            return True
        if client not in self._warned:  # once, until the client is back under its limit
            self._warned.add(client)
            log.warning("Too many concurrent connections: from=%s limit=%d", client, self.max_conns_per_client)
        return False

    def release(self, client: str | None) -> None:
        if client is None or client not in self.per_client:
            return
        count = self.per_client[client] - 1
        if count > 0:
            self.per_client[client] = count
        else:
            del self.per_client[client]
        if count < self.max_conns_per_client:
            self._warned.discard(client)

    def accepted(self) -> None:
        ACCEPT_ERRORS.reset()


class _AcceptErrorsOnce(logging.Filter):
    """asyncio logs an accept failure (EMFILE, ENFILE, ENOBUFS, ENOMEM) with a traceback on every retry;
    let the first through as one line, and drop the rest until a connection is accepted again."""

    def __init__(self) -> None:
        super().__init__()
        self.reported = False

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith("socket.accept() out of system resource"):
            return True
        if self.reported:
            return False
        self.reported = True
        exc = record.exc_info[1] if record.exc_info else None
        log.error("accept failed, not accepting connections until resources free up: %s "
                  "(logged once until a connection is accepted again)", exc)
        return False

    def reset(self) -> None:
        self.reported = False


ACCEPT_ERRORS = _AcceptErrorsOnce()


def install_accept_filter() -> None:
    aio = logging.getLogger("asyncio")
    if ACCEPT_ERRORS not in aio.filters:
        aio.addFilter(ACCEPT_ERRORS)
