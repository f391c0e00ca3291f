"""`/v1/discovery-chain/:service`: the compiled chain with per-target mesh gateway modes
(config-entries-and-resolver.md §6, §4.4)."""

from __future__ import annotations

from consulite.agent.discovery_chain import override as parse_override
from consulite.errors import BadRequest
from consulite.http.context import RequestContext
from consulite.http.router import Router
from consulite.resolve.mesh_gateway import NOTHING


def register(router: Router) -> None:
    router.add("/v1/discovery-chain/", {"GET": chain, "POST": chain}, blocking=True,
               acl={"GET": ("service", "read"), "POST": ("service", "read")})


async def chain(ctx: RequestContext):
    if not ctx.rest:
        raise BadRequest("Missing chain name")
    override = parse_override(await ctx.body()) if ctx.request.method == "POST" else NOTHING
    datacenter = ctx.params.get("compile-dc") or ctx.agent.config.datacenter
    index, compiled = await ctx.block(
        lambda ws: ctx.agent.discovery_chain.compile(ctx.rest, ctx.scope, datacenter, override, ws))
    return ctx.read({"Chain": compiled}, index)
