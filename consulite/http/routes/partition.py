"""`/v1/partition*`: admin partitions (Consul Enterprise; absent, so 404, in Community Edition).

The Enterprise source is not public: texts for conflicts and missing partitions are consulite's
wording (consulite.messages), statuses follow Consul's conventions (400 bad input, 404 missing).
"""

from __future__ import annotations

import re

from aiohttp import web

from consulite import messages as M
from consulite.decode.bodies import decode_object
from consulite.errors import BadRequest, NotFound
from consulite.http.context import Agent
from consulite.http.responses import empty_response, json_response, query_meta
from consulite.http.router import Router
from consulite.model.service import DEFAULT

_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")  # a DNS label starting with a letter (§5.1)
_BODY = {"Name": str, "Description": str, "CreateIndex": int, "ModifyIndex": int, "DeletedAt": str}


def register(router: Router) -> None:
    router.add("/v1/partition", {"PUT": create}, "Create a partition", enterprise_only=True)
    router.add("/v1/partition/", {"GET": read, "PUT": update, "DELETE": delete}, "Read, update or delete a partition",
               enterprise_only=True)
    router.add("/v1/partitions", {"GET": list_partitions}, "List partitions", enterprise_only=True)


async def _body(request: web.Request) -> dict:
    return decode_object(await request.read(), _BODY, "api.Partition")


async def create(agent: Agent, request: web.Request, rest: str):
    body = await _body(request)
    name = body.get("Name", "")
    if not _NAME.match(name):
        raise BadRequest(M.PARTITION_NAME_INVALID.format(name=name))
    if name in agent.store.partitions:
        raise BadRequest(M.PARTITION_EXISTS.format(name=name))
    part = agent.store.create_partition(name, body.get("Description", ""))
    return json_response(request, agent.render.partition(part))


def _existing(agent: Agent, name: str):
    part = agent.store.partitions.get(name)
    if part is None:
        raise NotFound(M.PARTITION_NOT_FOUND.format(name=name))
    return part


async def read(agent: Agent, request: web.Request, name: str):
    part = _existing(agent, name)
    return json_response(request, agent.render.partition(part), headers=query_meta(agent.store.index, request))


async def update(agent: Agent, request: web.Request, name: str):
    body = await _body(request)
    if body.get("Name") and body["Name"] != name:
        raise BadRequest(M.PARTITION_NAME_MISMATCH.format(body=body["Name"], path=name))
    _existing(agent, name)
    part = agent.store.update_partition(name, body.get("Description", ""))
    return json_response(request, agent.render.partition(part))


async def delete(agent: Agent, request: web.Request, name: str):
    if name == DEFAULT:
        raise BadRequest(M.PARTITION_DEFAULT_DELETE)
    if name in agent.store.partitions:
        agent.store.delete_partition(name)
    return empty_response()


async def list_partitions(agent: Agent, request: web.Request, rest: str):
    parts = sorted(agent.store.partitions.values(), key=lambda p: p.name)
    return json_response(request, [agent.render.partition(p) for p in parts], headers=query_meta(agent.store.index, request))
