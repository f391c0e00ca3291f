"""`/v1/event/fire/<name>` and `/v1/event/list` (agent/event_endpoint.go): the list blocks while the
event index (derived from the last event's ID) is the client's."""

from __future__ import annotations

from consulite.decode.kv import render_event
from consulite.http.context import RequestContext
from consulite.http.router import Router


def register(router: Router) -> None:
    router.add("/v1/event/fire/", {"PUT": fire}, scoped=False, query=True, acl={"PUT": ("event", "write")})
    router.add("/v1/event/list", {"GET": listed}, scoped=False, blocking=True)


async def fire(ctx: RequestContext):
    q = ctx.params
    body = await ctx.body()
    event = ctx.agent.events.fire(ctx.rest, body or None, q.get("node", ""), q.get("service", ""), q.get("tag", ""))
    return ctx.json(render_event(event))


async def listed(ctx: RequestContext):
    name = ctx.params.get("name", "")
    index, events = await ctx.block(lambda ws: ctx.agent.events.listing(name, ws))
    events = ctx.visible(events, lambda authz, e: authz.allowed("event", e.name, "read"))
    return ctx.json([render_event(e) for e in events], headers={"X-Consul-Index": str(index)})
