"""`/_consulite/*`: consulite's own control API (never under /v1/): readiness and reset."""

from __future__ import annotations

from aiohttp import web

from consulite import __version__
from consulite import messages as M
from consulite.decode.bodies import parse_json
from consulite.errors import BadRequest, DecodeError, NotFound
from consulite.http.context import Agent
from consulite.http.params import ent_meta
from consulite.http.responses import empty_response, json_response
from consulite.http.router import Router
from consulite.resolve.explain import explain


def register(router: Router) -> None:
    router.add("/_consulite/health", {"GET": health}, "consulite readiness")
    router.add("/_consulite/reset", {"PUT": reset}, "Back to a fresh agent, or clear one partition")
    router.add("/_consulite/state", {"GET": get_state, "PUT": put_state},
               "The whole state as one JSON document; load one back")
    router.add("/_consulite/explain/", {"GET": explain_service},
               "Mesh gateway mode of a proxy and its upstreams, the deciding layer, what is dialed and why")


async def health(agent: Agent, request: web.Request, rest: str):
    cfg = agent.config
    return json_response(request, {"Status": "ready", "Version": __version__, "Edition": cfg.edition,
                                   "Datacenter": cfg.datacenter})


async def reset(agent: Agent, request: web.Request, rest: str):
    partition = request.query.get("partition")
    if partition:
        agent.store.require_partition(partition)
        agent.store.clear_partition(partition)
    else:
        agent.store.reset()
    return empty_response()


async def explain_service(agent: Agent, request: web.Request, service_id: str):
    partition, namespace = ent_meta(agent, request)
    svc = agent.store.service(partition, namespace, service_id)
    if svc is None:
        raise NotFound(M.UNKNOWN_SERVICE_ID.format(id=service_id))
    return json_response(request, explain(svc, agent.world))


async def get_state(agent: Agent, request: web.Request, rest: str):
    from consulite.decode import state  # cattrs loads on first use, not at start-up

    return json_response(request, state.to_json(agent.store.snapshot()))


async def put_state(agent: Agent, request: web.Request, rest: str):
    from consulite.decode import state

    try:
        snapshot = state.from_json(parse_json(await request.read()))
    except DecodeError as e:
        raise BadRequest(e.text) from None
    agent.store.restore(snapshot)
    return empty_response()
