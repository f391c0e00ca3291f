"""`/v1/status/*`: the (single) raft leader and peers (reference agent-service-api.md §8)."""

from __future__ import annotations

from consulite.agent.stats import leader_address
from consulite.http.context import RequestContext
from consulite.http.router import Router


def register(router: Router) -> None:
    router.add("/v1/status/leader", {"GET": leader}, scoped=False, query=True)
    router.add("/v1/status/peers", {"GET": peers}, scoped=False, query=True)


async def leader(ctx: RequestContext):
    return ctx.json(leader_address(ctx.agent))


async def peers(ctx: RequestContext):
    return ctx.json([leader_address(ctx.agent)])
