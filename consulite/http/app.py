"""The aiohttp application: one catch-all dispatcher over the route table, turning domain errors into Consul's answers."""

from __future__ import annotations

import logging

from aiohttp import web

from consulite import messages as M
from consulite.errors import ConsulError
from consulite.http.context import Agent, AgentConfig
from consulite.http.responses import text_response
from consulite.http.router import Router, is_unimplemented
from consulite.http.routes import agent, catalog, config, consulite_api, discovery_chain, health, partition, status
from consulite.store.state import Scheduler

log = logging.getLogger("consulite.http")
AGENT_KEY = web.AppKey("agent", Agent)
COMMON_HEADERS = {"X-Consul-Default-Acl-Policy": "allow"}


def build_router() -> Router:
    router = Router()
    for family in (agent, catalog, health, status, config, discovery_chain, partition, consulite_api):
        family.register(router)
    return router


ROUTER = build_router()


def make_app(config: AgentConfig | None = None, scheduler: Scheduler | None = None) -> web.Application:
    app = web.Application(client_max_size=32 * 1024 * 1024)
    the_agent = Agent(config or AgentConfig(), scheduler)
    app[AGENT_KEY] = the_agent
    enterprise = the_agent.config.enterprise

    async def dispatch(request: web.Request) -> web.StreamResponse:
        path = request.path
        found = ROUTER.match(path)
        if found is not None and found[0].enterprise_only and not enterprise:
            found = None
        if found is None:
            if is_unimplemented(path):
                resp = text_response(M.UNIMPLEMENTED.format(method=request.method, path=path), 501)
            elif path.startswith("/v1/"):
                resp = text_response(M.UNKNOWN_V1_PATH, 404)
            else:
                resp = text_response(M.NOT_V1_PATH, 404)
        else:
            route, rest = found
            handler = route.methods.get(request.method)
            if handler is not None:
                try:
                    resp = await handler(the_agent, request, rest)
                except ConsulError as e:
                    resp = text_response(e.text, e.status, e.headers)
                except Exception as e:  # an unexpected exception is a bug; answer as Consul's plain 500 does
                    log.exception("unexpected error on %s %s", request.method, path)
                    resp = text_response(f"consulite internal error: {e!r}", 500)
            elif request.method == "OPTIONS":
                resp = web.Response(status=200, headers={"Allow": route.allow})
            else:
                resp = text_response(M.METHOD_NOT_ALLOWED.format(method=request.method), 405,
                                     {"Allow": route.allow})
        resp.headers.update(COMMON_HEADERS)
        log.debug("%s %s -> %s", request.method, request.path_qs, resp.status)
        return resp

    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
