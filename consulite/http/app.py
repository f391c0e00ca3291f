"""The aiohttp application: one catch-all handler running the request pipeline over the route table.

The pipeline's steps, in order: clean path (Go ServeMux's 301) -> route (404, 501, 405, OPTIONS) ->
errors (domain errors become Consul's status and plain-text body) -> common headers -> log -> token and
authorizer -> scope (Community Edition's 400s) -> query options -> handler.
"""

from __future__ import annotations

import logging

from aiohttp import web

from consulite import messages as M
from consulite.agent.clock import Clock
from consulite.agent.core import Agent
from consulite.errors import ConsulError
from consulite.http.context import RequestContext
from consulite.http.query import parse_options, parse_scope
from consulite.http.responses import text_response
from consulite.http.router import Route, Router, clean_path, is_unimplemented
from consulite.http.routes import FAMILIES
from consulite.model.acl import NAMED
from consulite.model.agent_config import AgentConfig

log = logging.getLogger("consulite.http")
AGENT_KEY = web.AppKey("agent", Agent)
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
    if route.scoped:
        ctx.scope = parse_scope(agent.enterprise, request.query, request.headers)
    if agent.acl.enabled:
        _authorize(ctx, route)
    if route.query or route.blocking:
        ctx.query = parse_options(agent.config.datacenter, request.query, route.blocking)
    resp = await route.methods[request.method](ctx)
    if ctx.filtered and ctx.authz.named:
        resp.headers.update(FILTERED_HEADER)
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


def make_app(config: AgentConfig | None = None, clock: Clock | None = None) -> web.Application:
    app = web.Application(client_max_size=32 * 1024 * 1024)
    agent = app[AGENT_KEY] = Agent(config or AgentConfig(), clock)
    common_headers = {"X-Consul-Default-Acl-Policy": agent.config.acl_default_policy}

    async def dispatch(request: web.Request) -> web.StreamResponse:
        routed = _unrouted(request, agent)
        if isinstance(routed, web.StreamResponse):
            resp = routed
        else:
            try:
                resp = await _handle(agent, request, *routed)
            except ConsulError as e:
                resp = text_response(e.text, e.status, e.headers)
            except Exception as e:  # an unexpected exception is a bug; answer as Consul's plain 500 does
                log.exception("unexpected error on %s %s", request.method, request.path)
                resp = text_response(f"consulite internal error: {e!r}", 500)
        resp.headers.update(common_headers)
        log.debug("%s %s -> %s", request.method, request.path_qs, resp.status)
        return resp

    app.router.add_route("*", "/{tail:.*}", dispatch)

    async def close_checks(_: web.Application) -> None:  # running checks stop with the server
        await agent.checks.aclose()

    app.on_cleanup.append(close_checks)
    return app
