"""`/v1/exported-services`, `/v1/imported-services`, `/v1/catalog/gateway-services/<gateway>` and
`/v1/health/ingress/<service>`: views computed from the stored config entries."""

from __future__ import annotations

from consulite import messages as M
from consulite.errors import BadRequest
from consulite.http.context import RequestContext
from consulite.http.router import Router
from consulite.http.routes.health import health_entries
from consulite.model.go import parse_bool

READ = {"blocking": True}


def register(router: Router) -> None:
    router.add("/v1/exported-services", {"GET": exported}, **READ, acl={"GET": ("mesh", "read")})
    router.add("/v1/imported-services", {"GET": imported}, **READ, acl={"GET": ("mesh", "read")})
    router.add("/v1/catalog/gateway-services/", {"GET": gateway_services}, **READ,
               acl={"GET": ("service", "read")})
    router.add("/v1/health/ingress/", {"GET": ingress}, **READ, acl={"GET": ("service", "read")})


async def exported(ctx: RequestContext):
    index, out = await ctx.block(lambda ws: ctx.agent.exported.exported(ctx.scope.partition, ws))
    return ctx.read(out, index)


async def imported(ctx: RequestContext):
    index, out = await ctx.block(lambda ws: ctx.agent.exported.imported(ctx.scope.partition, ws))
    return ctx.read(out, index)


async def gateway_services(ctx: RequestContext):
    index, out = await ctx.block(lambda ws: ctx.agent.exported.gateway_services(ctx.scope, ctx.rest, ws))
    return ctx.read(out, index)


async def ingress(ctx: RequestContext):
    raw = ctx.params.get("passing")
    parsed = True if raw == "" else parse_bool(raw) if raw is not None else False
    if parsed is None:
        raise BadRequest(M.INVALID_PASSING)
    index, found = await ctx.block(lambda ws: ctx.agent.exported.ingress_for(ctx.scope, ctx.rest, parsed, ws))
    return ctx.read(health_entries(ctx, found), index)

