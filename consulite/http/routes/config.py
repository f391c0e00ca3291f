"""`/v1/config`: config entries of every kind, per partition, with CAS, indexes and blocking (reference
config-entries-and-resolver.md §1)."""

from __future__ import annotations

import time

import orjson
from aiohttp import web

from consulite.decode.bodies import parse_json
from consulite.decode.filter import compile_filter
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.http.context import Agent
from consulite.http.params import check_query, ent_meta, jittered, parse_wait
from consulite.http.responses import json_response, query_meta
from consulite.http.router import Router
from consulite.model.config import KINDS, ConfigEntry, Context, EntryError
from consulite.model.config.apply import check_graph, prepare_write, scope
from consulite.store.config import TABLE, entry_topic, kind_topic

SERVICE_DEFAULTS_FIELDS = frozenset({
    "Kind", "Name", "Protocol", "Mode", "TransparentProxy", "MutualTLSMode", "MeshGateway", "Expose", "ExternalSNI",
    "UpstreamConfig", "Destination", "MaxInboundConnections", "LocalConnectTimeoutMs", "LocalRequestTimeoutMs",
    "BalanceInboundConnections", "Meta",
})


def register(router: Router) -> None:
    router.add("/v1/config", {"PUT": apply}, "Create or update a config entry (?cas=)")
    router.add("/v1/config/", {"GET": read, "DELETE": delete}, "Read, list or delete config entries")


def context(agent: Agent, proposed: ConfigEntry | None = None, deleted: bool = False) -> Context:
    """Normalize/Validate's view of the state with `proposed` written (or, with `deleted`, removed).
    Its key is taken at each lookup, so the view follows Normalize (a nameless proxy-defaults is `global`)."""
    table = agent.store.config

    def lookup(kind, partition, namespace, name):
        key = (kind, partition, namespace, name)
        if proposed is not None and key == proposed.key:
            return None if deleted else proposed.body
        entry = table.get(*key)
        return entry.body if entry is not None else None

    def related(kind, partition, namespace, name):
        if name is not None:
            entry = table.get(kind, partition, namespace, name)
            return [entry] if entry is not None else []
        return table.list(kind, partition, namespace)

    return Context(enterprise=agent.config.enterprise, partition_exists=lambda p: p in agent.store.partitions,
                   lookup=lookup, related=related)


def _cas(request: web.Request) -> int | None:
    raw = request.query.get("cas")
    if not raw:
        return None
    if not raw.isdigit():
        raise ConsulError(f'strconv.ParseUint: parsing "{raw}": invalid syntax')
    return int(raw)


def _decoding_failed(text: str) -> BadRequest:
    return BadRequest(f"Request decoding failed: {text}")


async def apply(agent: Agent, request: web.Request, rest: str):
    check_query(agent, request)
    try:
        entry = agent.entries.decode(parse_json(await request.read()))
    except DecodeError as e:
        raise _decoding_failed(e.text) from None
    partition, namespace = ent_meta(agent, request)
    scope(entry, partition, namespace, agent.config.enterprise)
    cas = _cas(request)
    try:
        prepare_write(entry, context(agent, entry))
    except EntryError as e:
        raise ConsulError(e.text) from None
    return json_response(request, agent.store.config.apply(entry, cas))


def _split(rest: str) -> tuple[str, str | None]:
    kind, sep, name = rest.partition("/")
    return kind, (name if sep else None)


def _kind(agent: Agent, kind: str) -> None:
    try:
        agent.entries.kind_of(kind)
    except DecodeError as e:
        raise ConsulError(e.text) from None


async def read(agent: Agent, request: web.Request, rest: str):
    kind, name = _split(rest)
    index, wait = parse_wait(request)
    check_query(agent, request)
    partition, namespace = ent_meta(agent, request)
    if kind:
        _kind(agent, kind)
    if name is None:
        return await _list(agent, request, kind or None, partition, namespace, index, wait)
    return await _get(agent, request, kind, name, partition, namespace, index, wait)


def _scope_key(kind: str, partition: str, namespace: str, name: str) -> tuple[str, str, str, str]:
    spec = KINDS[kind]
    if spec.partition_scoped:
        namespace = "default"
    if kind == "exported-services":
        partition = name
    return (kind, partition, namespace, name)


async def _get(agent: Agent, request, kind, name, partition, namespace, index, wait):
    key = _scope_key(kind, partition, namespace, name)
    watches = agent.store.watches
    if index and watches.index_of([TABLE]) <= index:  # block until this entry changes (§1.5)
        deadline = time.monotonic() + jittered(wait)
        topic = entry_topic(key)
        while watches.index_of([topic], floor=0) <= index and (remaining := deadline - time.monotonic()) > 0:
            await watches.wait([topic], remaining)
    meta = query_meta(watches.index_of([TABLE]), request)
    entry = agent.store.config.get(*key)
    if entry is None:
        raise NotFound(f'Config entry not found for "{kind}" / "{name}"', headers=meta)
    return json_response(request, agent.entries.render(entry), headers=meta)


async def _list(agent: Agent, request, kind, partition, namespace, index, wait):
    text = request.query.get("filter")
    keep = None
    if text:
        if kind != "service-defaults":
            raise ConsulError(f"filtering not supported for config entry kind={kind or ''}")
        keep = compile_filter(text, SERVICE_DEFAULTS_FIELDS)
    ns = None if namespace == "*" else namespace

    def current() -> list[dict]:
        rendered = [agent.entries.render(e) for e in agent.store.config.list(kind, partition, ns)]
        return [r for r in rendered if keep is None or keep(r)]

    result = current()
    watches = agent.store.watches
    if index and watches.index_of([TABLE]) <= index:  # block; unchanged content keeps blocking (§1.5)
        deadline = time.monotonic() + jittered(wait)
        topic = kind_topic(kind) if kind else TABLE
        before = orjson.dumps(result)
        while (remaining := deadline - time.monotonic()) > 0:
            await watches.wait([topic], remaining)
            result = current()
            if orjson.dumps(result) != before:
                break
    return json_response(request, result, headers=query_meta(watches.index_of([TABLE]), request))


async def delete(agent: Agent, request: web.Request, rest: str):
    kind, name = _split(rest)
    if not kind or name is None:
        raise NotFound("Must provide both a kind and name to delete")
    try:
        agent.entries.kind_of(kind)
    except DecodeError as e:
        raise BadRequest(e.text) from None
    check_query(agent, request)
    partition, namespace = ent_meta(agent, request)
    entry = ConfigEntry(kind=kind, name=name, partition=partition, namespace=namespace, body={})
    scope(entry, partition, namespace, agent.config.enterprise)
    ctx = context(agent, entry, deleted=True)
    try:
        KINDS[kind].normalize(entry, ctx)  # after it, entry.key is where the entry lives (mesh: any name)
        check_graph(kind, entry.partition, entry.namespace, entry.name, ctx)
    except EntryError as e:
        raise ConsulError(e.text) from None
    cas = _cas(request)
    deleted = agent.store.config.delete(*entry.key, cas=cas)
    return json_response(request, deleted if cas is not None else {})
