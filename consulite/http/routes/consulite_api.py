"""`/_consulite/*`: consulite's own control API (never under /v1/): readiness, reset, state, explain."""

from __future__ import annotations

from consulite import __version__
from consulite.decode.bodies import parse_json
from consulite.errors import BadRequest, DecodeError
from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router
from consulite.model.agent_config import MAX_STATE_BYTES

_MANAGEMENT = ("acl", "write")  # what the control API needs once ACLs are on (management)


def register(router: Router) -> None:
    router.add("/_consulite/health", {"GET": health}, scoped=False)
    router.add("/_consulite/reset", {"PUT": reset}, scoped=False, acl={"PUT": _MANAGEMENT})
    router.add("/_consulite/state", {"GET": get_state, "PUT": put_state}, scoped=False,
               acl={"GET": _MANAGEMENT, "PUT": _MANAGEMENT}, max_body=MAX_STATE_BYTES)
    router.add("/_consulite/explain/", {"GET": explain_service}, acl={"GET": _MANAGEMENT})


async def health(ctx: RequestContext):
    cfg = ctx.agent.config
    return ctx.json({"Status": "ready", "Version": __version__, "Edition": cfg.edition,
                     "Datacenter": cfg.datacenter, "BlockedQueries": ctx.agent.store.watches.blocked})


async def reset(ctx: RequestContext):
    partition = ctx.params.get("partition")
    if partition:
        ctx.agent.state.reset_partition(partition)
    else:
        ctx.agent.state.reset()
    return empty_response()


async def explain_service(ctx: RequestContext):
    return ctx.json(ctx.agent.explain.service(ctx.scope, ctx.rest))


async def get_state(ctx: RequestContext):
    return ctx.json(ctx.agent.state.snapshot())


async def put_state(ctx: RequestContext):
    try:
        ctx.agent.state.restore(parse_json(await ctx.body()))
    except DecodeError as e:
        raise BadRequest(e.text) from None
    return empty_response()
