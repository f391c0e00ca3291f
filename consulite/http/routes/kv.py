"""`/v1/kv/<key>`: GET (one key, `?recurse`, `?keys`+`?separator`, `?raw`), PUT (`?flags`, `?cas`,
`?acquire`, `?release`), DELETE (`?recurse`, `?cas`) (reference kv-sessions-txn.md §1; agent/kvs_endpoint.go)."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from consulite import messages as M
from consulite.agent.kv import MAX_VALUE_SIZE
from consulite.decode.kv import render_entry
from consulite.errors import BadRequest, ConsulError
from consulite.http.context import RequestContext
from consulite.http.router import Router

#: Consul's headers on a raw value since CVE-2020-25864 (§1.2)
RAW_HEADERS = {"Content-Type": "text/plain", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox"}


def register(router: Router) -> None:
    router.add("/v1/kv/", {"GET": get, "PUT": put, "DELETE": delete}, blocking=True,
               max_body=2 * MAX_VALUE_SIZE,  # past kv_max_value_size: the handler's own 413 text
               acl={"PUT": ("key", "write"), "DELETE": ("key", "write")})  # GET: per key, in get() (acl.md §4.2)


def uint64(ctx: RequestContext, name: str) -> int | None:
    """A uint64 query parameter; Go's strconv error (a 500) otherwise."""
    raw = ctx.params.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise ConsulError(M.PARSE_UINT.format(raw=raw))
    if int(raw) >= 2**64:
        raise ConsulError(f'strconv.ParseUint: parsing "{raw}": value out of range')
    return int(raw)


def not_found(ctx: RequestContext, index: int) -> web.Response:
    """Consul's 404 for a missing key or an empty prefix: no body, no content type, the query meta."""
    return web.Response(status=404, headers=ctx.meta(index, consistency=False))


def conflicting(ctx: RequestContext, names: tuple[str, ...]) -> None:
    if sum(n in ctx.params for n in names) > 1:
        raise BadRequest(M.CONFLICTING_FLAGS.format(query=urlencode(sorted(ctx.params.items()))))


async def get(ctx: RequestContext):
    kv, scope, key, params = ctx.agent.kv, ctx.scope, ctx.rest, ctx.params
    enterprise = ctx.agent.enterprise
    if "keys" in params:
        separator = params.get("separator", params.get("seperator", ""))
        index, keys = await ctx.block(lambda ws: kv.keys(scope, key, separator, ws))
        keys = ctx.visible(keys, lambda authz, k: authz.allowed("key", k, "read", scope))
        if not keys and key:
            return not_found(ctx, index)
        return ctx.read(keys, index, consistency=False)
    if "recurse" in params:
        index, entries = await ctx.block(lambda ws: kv.listing(scope, key, ws))
        entries = ctx.visible(entries, lambda authz, e: authz.allowed("key", e.key, "read", scope))
        if not entries:
            return not_found(ctx, index)
        return ctx.read([render_entry(e, enterprise) for e in entries], index, consistency=False)
    if not key:
        raise BadRequest(M.MISSING_KEY_NAME)
    ctx.require("key", key, "read")
    index, entry = await ctx.block(lambda ws: kv.get(scope, key, ws))
    if entry is None:
        return not_found(ctx, index)
    if "raw" in params:
        return web.Response(body=entry.value or b"", headers={**RAW_HEADERS, **ctx.meta(index, False)})
    return ctx.read([render_entry(entry, enterprise)], index, consistency=False)


async def put(ctx: RequestContext):
    key = ctx.rest
    if not key:
        raise BadRequest(M.MISSING_KEY_NAME)
    conflicting(ctx, ("cas", "acquire", "release"))
    flags, cas = uint64(ctx, "flags") or 0, uint64(ctx, "cas")
    size = ctx.request.content_length or 0
    if size > MAX_VALUE_SIZE:
        raise ConsulError(M.BODY_TOO_LARGE.format(size=size, limit=MAX_VALUE_SIZE, doc=M.KV_LIMIT_DOC), 413)
    value = await ctx.body()
    if len(value) > MAX_VALUE_SIZE:
        raise ConsulError(M.BODY_TOO_LARGE.format(size=len(value), limit=MAX_VALUE_SIZE, doc=M.KV_LIMIT_DOC), 413)
    done = ctx.agent.kv.put(ctx.scope, key, value or None, flags, cas, ctx.params.get("acquire"),
                            ctx.params.get("release"))
    return ctx.json(done)


async def delete(ctx: RequestContext):
    key, recurse = ctx.rest, "recurse" in ctx.params
    if not key and not recurse:
        raise BadRequest(M.MISSING_KEY_NAME)
    conflicting(ctx, ("recurse", "cas"))
    return ctx.json(ctx.agent.kv.delete(ctx.scope, key, recurse, uint64(ctx, "cas")))
