"""The aiohttp application: one catch-all handler running the request pipeline over the route table.

The pipeline's steps, in order: clean path (Go ServeMux's 301) -> route (404, 501, 405, OPTIONS) ->
errors (domain errors become Consul's status and plain-text body) -> common headers -> log (every
request at debug, each 4xx/5xx with its reason at warn) -> body limit (413) -> token and authorizer ->
scope (Community Edition's 400s) -> query options -> handler -> large `?pretty` rendered off the loop.
At shutdown every blocked query is answered.
"""

from __future__ import annotations

import logging
import time

from aiohttp import web

from consulite import messages as M
from consulite.agent.clock import Clock
from consulite.agent.core import Agent
from consulite.errors import ConsulError
from consulite.http.body import ClientGone, check_length
from consulite.http.connections import MAX_HEADER_BYTES
from consulite.http.context import RequestContext
from consulite.http.query import parse_options, parse_scope
from consulite.http.responses import finish_pretty, text_response
from consulite.http.router import Route, Router, clean_path, is_unimplemented
from consulite.http.routes import FAMILIES
from consulite.logs import kv
from consulite.model.acl import NAMED
from consulite.model.agent_config import AgentConfig

log = logging.getLogger("consulite.agent.http")
AGENT_KEY = web.AppKey("agent", Agent)
#: on every answer; X-Consul-Default-Acl-Policy follows the agent's acl.default_policy
COMMON_HEADERS = {"X-Consul-Default-Acl-Policy": "allow"}
FILTERED_HEADER = {"X-Consul-Results-Filtered-By-ACLs": "true"}


def build_router() -> Router:
    router = Router()
    for family in FAMILIES:
        family.register(router)
    return router


ROUTER = build_router()


def _unrouted(request: web.Request, agent: Agent) -> web.StreamResponse | tuple[Route, str]:
    """The route of a request, or the answer when there is none (redirect, 404, 501, 405, OPTIONS)."""
    path = request.path
    cleaned = clean_path(path)
    if cleaned != path:
        location = cleaned + (f"?{request.query_string}" if request.query_string else "")
        return web.Response(status=301, headers={"Location": location})
    found = ROUTER.match(path)
    if found is not None and found[0].enterprise_only and not agent.enterprise:
        found = None
    if found is None:
        if is_unimplemented(path):
            return text_response(M.UNIMPLEMENTED.format(method=request.method, path=path), 501)
        return text_response(M.UNKNOWN_V1_PATH if path.startswith("/v1/") else M.NOT_V1_PATH, 404)
    route = found[0]
    if request.method not in route.methods:
        if request.method == "OPTIONS":
            return web.Response(status=200, headers={"Allow": route.allow})
        return text_response(M.METHOD_NOT_ALLOWED.format(method=request.method), 405, {"Allow": route.allow})
    return found


async def _handle(agent: Agent, request: web.Request, route: Route, rest: str) -> web.StreamResponse:
    ctx = RequestContext(agent, request, rest)
    if request.method in ("PUT", "POST", "PATCH"):
        ctx.max_body = route.max_body or agent.config.http_max_body_bytes
        check_length(request, ctx.max_body)
    if route.scoped:
        ctx.scope = parse_scope(agent.enterprise, request.query, request.headers)
    if agent.acl.enabled:
        _authorize(ctx, route)
    if route.query or route.blocking:
        ctx.query = parse_options(agent.config.datacenter, request.query, route.blocking, request.headers)
    resp = await route.methods[request.method](ctx)
    if ctx.filtered and ctx.authz.named:
        resp.headers.update(FILTERED_HEADER)
    await _durable(agent)
    return resp


def token_of(request: web.Request) -> str:
    """The request's token in Consul's order (agent/http.go parseTokenInternal): `?token=`, then
    `X-Consul-Token`, then `Authorization: Bearer`; `""` when none is given."""
    token = request.query.get("token", "")
    if not token:
        token = request.headers.get("X-Consul-Token", "")
    if not token:
        scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer":
            token = value.strip()
    return token


def _authorize(ctx: RequestContext, route: Route) -> None:
    """The token and authorizer step: resolve the token (403 `ACL not found`), then check what the route
    table says the route needs, on the path's name (or the agent's node for `agent`/`node` on exact routes)."""
    ctx.token = token_of(ctx.request)
    ctx.authz = ctx.agent.acl.authorizer(ctx.token)
    need = route.acl.get(ctx.request.method)
    if need is None:
        return
    resource, access = need
    name: str | None = None
    if resource == "agent" or (resource in ("node", "session") and not route.is_prefix):
        name = ctx.agent.config.node_name
    elif resource in NAMED:
        name = ctx.rest
    ctx.require(resource, name, access)


async def _durable(agent: Agent) -> None:
    """With a data dir, no answer goes out before the state it reflects is on disk: a write is acknowledged
    only once committed (the batch it joined), and a read never shows what a crash could take back."""
    await agent.flushed()


def make_app(config: AgentConfig | None = None, clock: Clock | None = None) -> web.Application:
    config = config or AgentConfig()
    # aiohttp's own cap stays above every route's limit (the pipeline answers 413 first); request lines and
    # headers up to Go's 1 MB; a Content-Encoding is not decoded (Go's server does not decode it either)
    limit = max(config.http_max_body_bytes, *(r.max_body or 0 for r in ROUTER.routes)) + 1
    app = web.Application(client_max_size=limit, handler_args={
        "max_line_size": MAX_HEADER_BYTES, "max_field_size": MAX_HEADER_BYTES, "auto_decompress": False,
        "keepalive_timeout": config.http_idle_timeout})
    agent = app[AGENT_KEY] = Agent(config, clock)
    common_headers = {**COMMON_HEADERS, "X-Consul-Default-Acl-Policy": config.acl_default_policy}

    async def dispatch(request: web.Request) -> web.StreamResponse:
        start = time.perf_counter()
        routed = _unrouted(request, agent)
        if isinstance(routed, web.StreamResponse):
            resp = routed
        else:
            try:
                resp = await _handle(agent, request, *routed)
                await finish_pretty(resp)
            except ConsulError as e:
                resp = text_response(e.text, e.status, e.headers)
            except ClientGone as e:
                kv(log, logging.DEBUG, "Client left before its request body arrived", method=request.method,
                   url=request.path_qs, **{"from": request.remote, "error": str(e)})
                resp = text_response(M.CLIENT_LEFT, 400, {"Connection": "close"})
            except Exception as e:  # an unexpected exception is a bug; answer as Consul's plain 500 does
                log.exception("unexpected error on %s %s", request.method, request.path)
                resp = text_response(f"consulite internal error: {e!r}", 500)
        resp.headers.update(common_headers)
        _log_request(request, resp, start)
        agent.admin.count(request.method, "" if isinstance(routed, web.StreamResponse) else routed[0].pattern,
                          resp.status)  # the request counters of /v1/agent/metrics
        return resp

    async def answer_blocked(_app: web.Application) -> None:
        agent.store.watches.stop()

    app.on_shutdown.append(answer_blocked)
    app.router.add_route("*", "/{tail:.*}", dispatch)

    async def close_checks(_: web.Application) -> None:  # running checks stop with the server
        await agent.checks.aclose()

    app.on_cleanup.append(close_checks)
    return app


def _log_request(request: web.Request, resp: web.StreamResponse, start: float) -> None:
    """Consul's agent.http lines: an error with its reason at warn, every request at debug."""
    warn = resp.status >= 400 and log.isEnabledFor(logging.WARNING)
    if not warn and not log.isEnabledFor(logging.DEBUG):
        return  # the hot path: nothing to format
    fields = {"method": request.method, "url": request.path_qs, "from": request.remote}
    if warn:
        body = resp.body if isinstance(resp, web.Response) else b""
        reason = body[:512].decode(errors="replace").strip() if isinstance(body, bytes) else ""
        kv(log, logging.WARNING, "Request error", **fields, status=resp.status, error=reason)
    kv(log, logging.DEBUG, "Request finished", **fields, status=resp.status,
       latency=f"{(time.perf_counter() - start) * 1000:.3f}ms")
