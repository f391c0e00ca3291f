"""`/v1/snapshot`: save and restore the whole state as one archive (consulite's own format,
`consulite.decode.snapshot`); a management token once ACLs are on."""

from __future__ import annotations

from aiohttp import web

from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router

_MANAGEMENT = ("acl", "write")


def register(router: Router) -> None:
    router.add("/v1/snapshot", {"GET": save, "PUT": restore}, scoped=False, query=True,
               acl={"GET": _MANAGEMENT, "PUT": _MANAGEMENT})


async def save(ctx: RequestContext):
    index, archive = ctx.agent.state.archive()
    return web.Response(body=archive, content_type="application/x-gzip", headers=ctx.meta(index))


async def restore(ctx: RequestContext):
    ctx.agent.state.restore_archive(await ctx.body())
    return empty_response()
