"""`/v1/namespace*`: namespaces (Consul Enterprise, clients-and-enterprise.md §2.1; absent, so 404, in
Community Edition, as real Consul 1.8.7 answers). Every route takes `?partition=`."""

from __future__ import annotations

from consulite.decode.namespace import namespace_body
from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router
from consulite.model.namespace import Namespace

_READ, _WRITE = ("operator", "read"), ("operator", "write")


def register(router: Router) -> None:
    router.add("/v1/namespace", {"PUT": create}, enterprise_only=True, acl={"PUT": _WRITE})
    router.add("/v1/namespace/", {"GET": read, "PUT": update, "DELETE": delete}, enterprise_only=True,
               blocking=True, acl={"GET": _READ, "PUT": _WRITE, "DELETE": _WRITE})
    router.add("/v1/namespaces", {"GET": listing}, enterprise_only=True, blocking=True, acl={"GET": _READ})


def _render(ctx: RequestContext, ns: Namespace) -> dict:
    acl = ctx.agent.acl
    return ctx.render.namespace(ns, acl.name_of("policies"), acl.name_of("roles"))


async def create(ctx: RequestContext):
    ns = ctx.agent.namespaces.write(namespace_body(await ctx.body()), ctx.scope)
    return ctx.json(_render(ctx, ns))


async def update(ctx: RequestContext):
    ns = ctx.agent.namespaces.write(namespace_body(await ctx.body()), ctx.scope, ctx.rest)
    return ctx.json(_render(ctx, ns))


async def read(ctx: RequestContext):
    index, ns = await ctx.block(lambda ws: ctx.agent.namespaces.get(ctx.scope.partition, ctx.rest, ws))
    return ctx.read(_render(ctx, ns), index)


async def delete(ctx: RequestContext):
    ctx.agent.namespaces.delete(ctx.scope.partition, ctx.rest)
    return empty_response()


async def listing(ctx: RequestContext):
    index, found = await ctx.block(lambda ws: ctx.agent.namespaces.listing(ctx.scope.partition, ws))
    return ctx.read([_render(ctx, ns) for ns in found], index)
