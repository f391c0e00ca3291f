"""`/v1/config`: config entries of every kind, per partition, with CAS, indexes and blocking (reference
config-entries-and-resolver.md §1)."""

from __future__ import annotations

from consulite.agent.config_entries import decoding_failed
from consulite.decode import filter_schema as F
from consulite.decode.bodies import parse_json
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.http.acl import entry_readable
from consulite.http.context import RequestContext
from consulite.http.query import parse_uint
from consulite.http.router import Router
from consulite.model.config import kinds as K
from consulite.resolve.acl_entries import require_read, require_write


def register(router: Router) -> None:
    router.add("/v1/config", {"PUT": apply}, query=True)
    router.add("/v1/config/", {"GET": read, "DELETE": delete}, blocking=True)


def _cas(ctx: RequestContext) -> int | None:
    raw = ctx.params.get("cas")
    if not raw:
        return None
    try:
        return parse_uint(raw)
    except BadRequest as e:  # Consul answers a bad cas with a plain 500 (agent/config_endpoint.go)
        raise ConsulError(e.text) from None


async def apply(ctx: RequestContext):
    try:
        body = parse_json(await ctx.body())
    except DecodeError as e:
        raise decoding_failed(e.text) from None
    entries = ctx.agent.config_entries
    entry = entries.decode(body)
    return ctx.json(entries.write(entry, ctx.scope, _cas(ctx), ctx.authz))


def _split(rest: str) -> tuple[str, str | None]:
    kind, sep, name = rest.partition("/")
    return kind, (name if sep else None)


async def read(ctx: RequestContext):
    kind, name = _split(ctx.rest)
    entries = ctx.agent.config_entries
    if kind:
        entries.kind(kind)
    if name is None:
        return await _list(ctx, kind or None)
    require_read(ctx.authz, kind, name, ctx.scope)
    index, entry = await ctx.block(lambda ws: entries.get(kind, name, ctx.scope, ws))
    if entry is None:
        raise entries.not_found(kind, name, ctx.meta(index))
    return ctx.read(ctx.agent.codec.render(entry), index)


async def _list(ctx: RequestContext, kind: str | None):
    keep = None
    if ctx.params.get("filter"):
        if kind != K.SERVICE_DEFAULTS:
            raise ConsulError(f"filtering not supported for config entry kind={kind or ''}")
        keep = ctx.filter(F.SERVICE_DEFAULTS)
    codec = ctx.agent.codec
    readable = entry_readable(ctx)

    def current(ws: set):
        index, found = ctx.agent.config_entries.listing(kind, ctx.scope, ws)
        visible = ctx.visible(found, readable)
        if keep is None:
            return index, [codec.fragment(e) for e in visible]
        return index, [r for r in map(codec.render, visible) if keep(r)]

    return await ctx.answer(current, lambda result: result, content=True)  # unchanged content keeps blocking (§1.5)


async def delete(ctx: RequestContext):
    kind, name = _split(ctx.rest)
    if not kind or name is None:
        raise NotFound("Must provide both a kind and name to delete")
    entries = ctx.agent.config_entries
    entries.kind(kind, status=BadRequest.status)
    cas = _cas(ctx)
    require_write(ctx.authz, kind, name, ctx.scope)
    deleted = entries.delete(kind, name, ctx.scope, cas)
    return ctx.json(deleted if cas is not None else {})
