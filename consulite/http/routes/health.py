"""`/v1/health/*`: instances with their checks, checks by service, state and node; index blocking."""

from __future__ import annotations

from aiohttp import web

from consulite import messages as M
from consulite.errors import BadRequest
from consulite.http.context import Agent
from consulite.http.params import parse_bool
from consulite.http.responses import json_response, query_meta
from consulite.http.router import Router
from consulite.http.routes.agent import HEALTH_CHECK_FIELDS
from consulite.http.routes.catalog import _prepare, filter_of, is_this_node, tags_match
from consulite.model.check import PASSING
from consulite.store.state import NODE

CHECK_SERVICE_NODE_FIELDS = frozenset({"Node", "Service", "Checks"})


def register(router: Router) -> None:
    router.add("/v1/health/service/", {"GET": service_health}, "Instances of a service with their checks")
    router.add("/v1/health/connect/", {"GET": connect_health}, "Connect-capable instances with their checks")
    router.add("/v1/health/checks/", {"GET": service_checks}, "Checks of a service")
    router.add("/v1/health/state/", {"GET": checks_in_state}, "Checks in a state")
    router.add("/v1/health/node/", {"GET": node_checks}, "Checks of a node")


async def _entries(agent: Agent, request: web.Request, name: str, connect: bool):
    if not name:
        raise BadRequest(M.MISSING_SERVICE_NAME_CATALOG)
    topic = "connect" if connect else "svc"
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [(topic, p, ns, name)])
    passing = False
    if "passing" in request.query:
        raw = request.query["passing"]
        passing = True if raw == "" else parse_bool(raw)
        if passing is None:
            return web.Response(text=M.INVALID_PASSING, status=400, headers=query_meta(index, request))
    keep = filter_of(request, CHECK_SERVICE_NODE_FIELDS)
    store, render = agent.store, agent.render
    found = store.instances_of(partition, namespace, name, connect)
    node = render.node_json(partition)
    node_checks = store.node_checks()
    out = []
    for svc in found:
        if not tags_match(request, svc.tags):
            continue
        checks = node_checks + store.service_checks(svc)
        if passing and any(c.status != PASSING for c in checks):
            continue
        entry = {"Node": node, "Service": render.node_service(agent.view(svc)),
                 "Checks": [render.health_check(c, svc.tags if c.service_id else None) for c in checks]}
        if keep is None or keep(entry):
            out.append(entry)
    return json_response(request, out, headers=query_meta(index, request))


async def service_health(agent: Agent, request: web.Request, name: str):
    return await _entries(agent, request, name, connect=False)


async def connect_health(agent: Agent, request: web.Request, name: str):
    return await _entries(agent, request, name, connect=True)


def _render_checks(agent: Agent, request: web.Request, checks, index: int):
    keep = filter_of(request, HEALTH_CHECK_FIELDS)
    store = agent.store
    out = []
    for c in checks:
        svc = store.service(c.partition, c.namespace, c.service_id) if c.service_id else None
        rendered = agent.render.health_check(c, svc.tags if svc else None)
        if keep is None or keep(rendered):
            out.append(rendered)
    return json_response(request, out, headers=query_meta(index, request))


async def service_checks(agent: Agent, request: web.Request, name: str):
    if not name:
        raise BadRequest(M.MISSING_SERVICE_NAME_CATALOG)
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [("svc", p, ns, name)])
    store = agent.store
    checks = [c for svc in store.instances(partition, namespace, name) for c in store.service_checks(svc)]
    return _render_checks(agent, request, checks, index)


async def checks_in_state(agent: Agent, request: web.Request, state: str):
    if not state:
        raise BadRequest(M.MISSING_CHECK_STATE)
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [("checks", p, ns)])
    checks = [c for c in agent.store.checks_in(partition, namespace) if state == "any" or c.status == state]
    return _render_checks(agent, request, checks, index)


async def node_checks(agent: Agent, request: web.Request, name: str):
    if not name:
        raise BadRequest(M.MISSING_NODE_NAME)
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [NODE])
    checks = agent.store.checks_in(partition, namespace) if is_this_node(agent, name) else []
    return _render_checks(agent, request, checks, index)
