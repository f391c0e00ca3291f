"""`/v1/health/*`: instances with their checks, checks by service, state and node; index blocking."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from consulite import messages as M
from consulite.decode import filter_schema as F
from consulite.errors import BadRequest
from consulite.http.acl import check_readable, instance_readable
from consulite.http.context import RequestContext
from consulite.http.router import Router
from consulite.http.routes.catalog import READ, near, node_json_of, selection, service_name
from consulite.model.check import HealthCheck
from consulite.model.go import parse_bool
from consulite.model.service import Service


def register(router: Router) -> None:
    router.add("/v1/health/service/", {"GET": service_health}, **READ)
    router.add("/v1/health/connect/", {"GET": connect_health}, **READ)
    router.add("/v1/health/checks/", {"GET": service_checks}, **READ)
    router.add("/v1/health/state/", {"GET": checks_in_state}, **READ)
    router.add("/v1/health/node/", {"GET": node_checks}, **READ)


async def _entries(ctx: RequestContext, connect: bool):
    name, sel = service_name(ctx), selection(ctx)
    passing = False
    if "passing" in ctx.params:
        raw = ctx.params["passing"]
        parsed = True if raw == "" else parse_bool(raw)
        if parsed is None:
            return web.Response(text=M.INVALID_PASSING, status=400, headers=ctx.meta(ctx.agent.index))
        passing = parsed
    keep = ctx.filter(F.CHECK_SERVICE_NODE)
    close = near(ctx)
    readable = instance_readable(ctx)

    def entries(found) -> list:
        visible = ctx.visible(found, lambda authz, pair: readable(authz, pair[0]))
        if keep is None:
            entry_of = health_entry_of(ctx, kept=True)
            return [entry_of(svc, checks) for svc, checks in visible]
        entry_of = health_entry_of(ctx)
        return [entry for svc, checks in visible if keep(entry := entry_of(svc, checks))]

    return await ctx.answer(
        lambda ws: ctx.agent.health.service(ctx.scope, name, connect, passing, ws, sel, close), entries)


def health_entries(ctx: RequestContext, found) -> list[dict]:
    """Instances with their checks as `/v1/health/service` renders them (CheckServiceNodes)."""
    entry_of = health_entry_of(ctx)
    return [entry_of(svc, checks) for svc, checks in found]


def health_entry_of(ctx: RequestContext, kept: bool = False):
    """(instance, its checks) -> the CheckServiceNode JSON `/v1/health/service` answers, each node rendered
    once per request; with `kept`, an instance on the agent's node as the JSON kept on it (`Renderer.health_entry`)."""
    render, node_of = ctx.render, node_json_of(ctx)

    def entry(svc: Service, checks: list[HealthCheck]) -> Any:
        if kept and not svc.node:
            return render.health_entry(svc, checks)
        return {"Node": node_of(svc), "Service": render.node_service(svc),
                "Checks": [render.health_check(c, svc.tags if c.service_id else None) for c in checks]}

    return entry


async def service_health(ctx: RequestContext):
    return await _entries(ctx, connect=False)


async def connect_health(ctx: RequestContext):
    return await _entries(ctx, connect=True)


def _checks(ctx: RequestContext, checks, index: int):
    keep = ctx.filter(F.HEALTH_CHECK)
    tags_of = ctx.agent.health.service_tags
    rendered = [ctx.render.health_check(c, tags_of(c)) for c in ctx.visible(checks, check_readable(ctx))]
    return ctx.read([r for r in rendered if keep is None or keep(r)], index)


async def service_checks(ctx: RequestContext):
    name, sel = service_name(ctx), selection(ctx)
    close = near(ctx)
    index, found = await ctx.block(lambda ws: ctx.agent.health.service_checks(ctx.scope, name, ws, sel, close))
    return _checks(ctx, found, index)


async def checks_in_state(ctx: RequestContext):
    if not ctx.rest:
        raise BadRequest(M.MISSING_CHECK_STATE)
    close = near(ctx)
    index, found = await ctx.block(lambda ws: ctx.agent.health.state(ctx.scope, ctx.rest, ws, close))
    return _checks(ctx, found, index)


async def node_checks(ctx: RequestContext):
    if not ctx.rest:
        raise BadRequest(M.MISSING_NODE_NAME)
    index, found = await ctx.block(lambda ws: ctx.agent.health.node(ctx.scope, ctx.rest, ws))
    return _checks(ctx, found, index)
