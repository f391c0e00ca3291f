"""`/v1/session/*`: create, destroy, renew, info, node, list (reference kv-sessions-txn.md §2;
agent/session_endpoint.go)."""

from __future__ import annotations

from consulite.decode.session import decode_session, render_session
from consulite.http.context import RequestContext
from consulite.http.router import Router


def register(router: Router) -> None:
    router.add("/v1/session/create", {"PUT": create}, blocking=True, acl={"PUT": ("session", "write")})
    router.add("/v1/session/destroy/", {"PUT": destroy}, blocking=True)
    router.add("/v1/session/renew/", {"PUT": renew}, blocking=True)
    router.add("/v1/session/info/", {"GET": info}, blocking=True)
    router.add("/v1/session/node/", {"GET": node}, blocking=True, acl={"GET": ("session", "read")})
    router.add("/v1/session/list", {"GET": listed}, blocking=True)


def _sessions(ctx: RequestContext, sessions) -> list[dict]:
    return [render_session(s, ctx.agent.enterprise) for s in sessions]


async def create(ctx: RequestContext):
    session = decode_session(await ctx.body(), ctx.agent.node.name)
    return ctx.json({"ID": ctx.agent.sessions.create(session, ctx.scope)})


def _node_session(ctx: RequestContext, access: str) -> None:
    """Sessions belong to a node (the agent's): destroy and renew need `session:write` on it."""
    ctx.require("session", ctx.agent.node.name, access)


def _readable(ctx: RequestContext):
    return lambda authz, s: authz.allowed("session", s.node, "read", ctx.scope)


async def destroy(ctx: RequestContext):
    _node_session(ctx, "write")
    ctx.agent.sessions.destroy(ctx.rest)
    return ctx.json(True)


async def renew(ctx: RequestContext):
    _node_session(ctx, "write")
    return ctx.json(_sessions(ctx, ctx.agent.sessions.renew(ctx.rest)))


async def info(ctx: RequestContext):
    sessions = ctx.agent.sessions
    sessions.info(ctx.rest, set())  # an empty ID is a 400 before any blocking
    index, found = await ctx.block(lambda ws: sessions.info(ctx.rest, ws))
    return ctx.read(_sessions(ctx, ctx.visible(found, _readable(ctx))), index, consistency=False)


async def node(ctx: RequestContext):
    sessions = ctx.agent.sessions
    sessions.node(ctx.rest, ctx.scope, set())
    index, found = await ctx.block(lambda ws: sessions.node(ctx.rest, ctx.scope, ws))
    return ctx.read(_sessions(ctx, found), index, consistency=False)


async def listed(ctx: RequestContext):
    index, found = await ctx.block(lambda ws: ctx.agent.sessions.listing(ctx.scope, ws))
    return ctx.read(_sessions(ctx, ctx.visible(found, _readable(ctx))), index, consistency=False)
