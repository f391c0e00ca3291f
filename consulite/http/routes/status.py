"""`/v1/status/*`: the (single) raft leader and peers (reference agent-service-api.md §8)."""

from __future__ import annotations

from aiohttp import web

from consulite.http.context import Agent
from consulite.http.params import check_query
from consulite.http.responses import json_response
from consulite.http.router import Router


def register(router: Router) -> None:
    router.add("/v1/status/leader", {"GET": leader}, "Raft leader address")
    router.add("/v1/status/peers", {"GET": peers}, "Raft peers")


async def leader(agent: Agent, request: web.Request, rest: str):
    check_query(agent, request)
    return json_response(request, f"{agent.node.address}:8300")


async def peers(agent: Agent, request: web.Request, rest: str):
    check_query(agent, request)
    return json_response(request, [f"{agent.node.address}:8300"])
