"""`/v1/partition*`: admin partitions (Consul Enterprise; absent, so 404, in Community Edition)."""

from __future__ import annotations

from consulite.decode.bodies import decode_object
from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router

_BODY = {"Name": str, "Description": str, "CreateIndex": int, "ModifyIndex": int, "DeletedAt": str}
_META = {"scoped": False, "enterprise_only": True}


def register(router: Router) -> None:
    router.add("/v1/partition", {"PUT": create}, **_META, acl={"PUT": ("operator", "write")})
    router.add("/v1/partition/", {"GET": read, "PUT": update, "DELETE": delete}, **_META,
               acl={"GET": ("operator", "read"), "PUT": ("operator", "write"), "DELETE": ("operator", "write")})
    router.add("/v1/partitions", {"GET": list_partitions}, **_META, acl={"GET": ("operator", "read")})


async def _body(ctx: RequestContext) -> dict:
    return decode_object(await ctx.body(), _BODY, "api.Partition")


async def create(ctx: RequestContext):
    body = await _body(ctx)
    part = ctx.agent.partitions.create_checked(body.get("Name", ""), body.get("Description", ""))
    return ctx.json(ctx.render.partition(part))


async def read(ctx: RequestContext):
    index, part = ctx.agent.partitions.get(ctx.rest)
    return ctx.read(ctx.render.partition(part), index)


async def update(ctx: RequestContext):
    body = await _body(ctx)
    part = ctx.agent.partitions.update(ctx.rest, body.get("Name", ""), body.get("Description", ""))
    return ctx.json(ctx.render.partition(part))


async def delete(ctx: RequestContext):
    ctx.agent.partitions.delete(ctx.rest)
    return empty_response()


async def list_partitions(ctx: RequestContext):
    index, parts = ctx.agent.partitions.listing()
    return ctx.read([ctx.render.partition(p) for p in parts], index)
