"""`/v1/agent/{reload,leave,join,force-leave,metrics,monitor,host}`: the agent's administration
(agent/agent_endpoint.go); the operations are in `consulite.agent.admin`."""

from __future__ import annotations

import asyncio

from aiohttp import web

from consulite.agent.admin import log_level
from consulite.http.context import RequestContext
from consulite.http.responses import TEXT, empty_response
from consulite.http.router import Router

AGENT = {"scoped": False}
#: how often a quiet monitor stream checks that its client is still there (seconds)
MONITOR_POLL = 0.5


def register(router: Router) -> None:
    router.add("/v1/agent/reload", {"PUT": reload}, **AGENT, acl={"PUT": ("agent", "write")})
    router.add("/v1/agent/leave", {"PUT": leave}, **AGENT, acl={"PUT": ("agent", "write")})
    router.add("/v1/agent/join/", {"PUT": join}, **AGENT, acl={"PUT": ("agent", "write")})
    router.add("/v1/agent/force-leave/", {"PUT": force_leave}, **AGENT, acl={"PUT": ("operator", "write")})
    router.add("/v1/agent/metrics", {"GET": metrics}, **AGENT, acl={"GET": ("agent", "read")})
    router.add("/v1/agent/monitor", {"GET": monitor}, **AGENT, acl={"GET": ("agent", "read")})
    router.add("/v1/agent/host", {"GET": host}, **AGENT, acl={"GET": ("operator", "read")})


async def reload(ctx: RequestContext):
    ctx.agent.admin.reload()
    return empty_response()


async def leave(ctx: RequestContext):
    ctx.agent.admin.leave()
    return empty_response()


async def join(ctx: RequestContext):
    ctx.agent.admin.join(ctx.rest, bool(ctx.params.get("wan")))
    return empty_response()


async def force_leave(ctx: RequestContext):
    ctx.agent.admin.force_leave(ctx.rest)
    return empty_response()


async def metrics(ctx: RequestContext):
    if ctx.params.get("format") == "prometheus":
        return web.Response(body=ctx.agent.admin.prometheus().encode(),
                            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})
    return ctx.json(ctx.agent.admin.metrics())


async def monitor(ctx: RequestContext):
    """Stream the agent's log lines at `?loglevel=` (default info; `?logjson` for JSON lines) until the
    client goes away."""
    level = log_level(ctx.params.get("loglevel", "info"))
    as_json = "logjson" in ctx.params
    feed = ctx.agent.admin.monitor
    queue = feed.subscribe(level, as_json)
    resp = web.StreamResponse(headers={"Content-Type": TEXT})
    try:
        await resp.prepare(ctx.request)
        while ctx.request.transport is not None and not ctx.request.transport.is_closing():
            try:
                line = await asyncio.wait_for(queue.get(), MONITOR_POLL)
            except TimeoutError:
                continue
            await resp.write((line + "\n").encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        feed.unsubscribe(queue)
    return resp


async def host(ctx: RequestContext):
    return ctx.json(ctx.agent.admin.host())
