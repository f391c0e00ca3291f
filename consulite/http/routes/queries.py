"""`/v1/query`: prepared queries, their execution and explanation (agent/prepared_query_endpoint.go)."""

from __future__ import annotations

from consulite import messages as M
from consulite.errors import BadRequest
from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router
from consulite.http.routes.health import health_entries


def register(router: Router) -> None:
    router.add("/v1/query", {"GET": listing, "POST": create}, scoped=False, blocking=True)
    router.add("/v1/query/", {"GET": by_id, "PUT": update, "DELETE": delete}, blocking=True)


async def listing(ctx: RequestContext):
    index, out = await ctx.block(ctx.agent.queries.listing)
    return ctx.read(out, index)


async def create(ctx: RequestContext):
    return ctx.json({"ID": ctx.agent.queries.create(await ctx.body())})


def _meta(ctx: RequestContext) -> dict:
    return {"Index": 0, "LastContact": 0, "KnownLeader": True, "ConsistencyLevel": ctx.query.consistency}


async def by_id(ctx: RequestContext):
    """`GET /v1/query/<id>`, `/v1/query/<id-or-name>/execute`, `/v1/query/<id-or-name>/explain`."""
    rest, queries = ctx.rest, ctx.agent.queries
    if rest.endswith("/explain"):
        return ctx.read({"Query": queries.explain(rest[:-len("/explain")]), **_meta(ctx)}, ctx.agent.index)
    if rest.endswith("/execute"):
        return _execute(ctx, rest[:-len("/execute")])
    index, out = await ctx.block(lambda ws: queries.get(rest, ws))
    return ctx.read(out, index)


def _execute(ctx: RequestContext, id_or_name: str):
    raw = ctx.params.get("limit", "0")
    if not raw.isdigit():
        raise BadRequest(M.QUERY_BAD_LIMIT.format(limit=raw))
    query, found = ctx.agent.queries.execute(id_or_name, ctx.scope, int(raw))
    return ctx.read({"Service": query.body["Service"]["Service"], "Nodes": health_entries(ctx, found),
                     "DNS": query.body["DNS"], "Datacenter": ctx.agent.config.datacenter, "Failovers": 0,
                     **_meta(ctx)}, ctx.agent.index)


async def update(ctx: RequestContext):
    ctx.agent.queries.update(ctx.rest, await ctx.body())
    return empty_response()


async def delete(ctx: RequestContext):
    ctx.agent.queries.delete(ctx.rest)
    return empty_response()
