"""`/v1/catalog/*`: the catalog view of this agent's node, with `X-Consul-Index` and index blocking."""

from __future__ import annotations

from consulite import messages as M
from consulite.agent.catalog import EVERYTHING, Selection
from consulite.decode import filter_schema as F
from consulite.errors import BadRequest
from consulite.http.acl import instance_readable, node_readable, service_readable
from consulite.http.context import RequestContext
from consulite.http.router import Router

READ = {"blocking": True}


def register(router: Router) -> None:
    router.add("/v1/catalog/services", {"GET": services}, **READ)
    router.add("/v1/catalog/service/", {"GET": service_nodes}, **READ)
    router.add("/v1/catalog/connect/", {"GET": connect_nodes}, **READ)
    router.add("/v1/catalog/nodes", {"GET": nodes}, **READ)
    router.add("/v1/catalog/node/", {"GET": node_services}, **READ)
    router.add("/v1/catalog/node-services/", {"GET": node_service_list}, **READ)
    router.add("/v1/catalog/datacenters", {"GET": datacenters}, scoped=False)


def selection(ctx: RequestContext) -> Selection:
    """`?tag=` (repeatable), `?node-meta=key:value` (repeatable) and `?peer=` of a catalog or health read."""
    q = ctx.params
    if not q:
        return EVERYTHING
    pairs = tuple(tuple(raw.split(":", 1)) if ":" in raw else (raw, "") for raw in q.getall("node-meta", []))
    return Selection(tags=tuple(q.getall("tag", [])), node_meta=pairs, peer=q.get("peer", ""))


async def services(ctx: RequestContext):
    sel = selection(ctx)
    scope = ctx.scope

    def readable(out: dict[str, list[str]]) -> dict[str, list[str]]:
        return dict(ctx.visible(out.items(), lambda authz, item: authz.allowed("service", item[0], "read", scope)))

    return await ctx.answer(lambda ws: ctx.agent.catalog.services(scope, ws, sel), readable)


def service_name(ctx: RequestContext) -> str:
    if not ctx.rest:
        raise BadRequest(M.MISSING_SERVICE_NAME_CATALOG)
    return ctx.rest


async def _instances(ctx: RequestContext, connect: bool):
    name, sel = service_name(ctx), selection(ctx)
    keep = ctx.filter(F.SERVICE_NODE)
    index, found = await ctx.block(lambda ws: ctx.agent.catalog.instances(ctx.scope, name, connect, ws, sel))
    node = ctx.render.node_json(ctx.scope.partition)
    rendered = [ctx.render.catalog_service(svc, node) for svc in ctx.visible(found, instance_readable(ctx))]
    return ctx.read([r for r in rendered if keep is None or keep(r)], index)


async def service_nodes(ctx: RequestContext):
    return await _instances(ctx, connect=False)


async def connect_nodes(ctx: RequestContext):
    return await _instances(ctx, connect=True)


async def nodes(ctx: RequestContext):
    keep = ctx.filter(F.NODE)
    sel = selection(ctx)
    index, listed = await ctx.block(lambda ws: ctx.agent.catalog.nodes(ws, sel))
    node = ctx.render.node_json(ctx.scope.partition)
    listed = bool(ctx.visible([listed] if listed else [], lambda authz, _: node_readable(ctx)))
    return ctx.read([node] if listed and (keep is None or keep(node)) else [], index)


async def _node_and_services(ctx: RequestContext):
    """(node JSON or None, (ID, JSON) of its services in the request's scope that pass `?filter=`, index)."""
    if not ctx.rest:
        raise BadRequest(M.MISSING_NODE_NAME)
    keep = ctx.filter(F.NODE_SERVICE)
    index, found = await ctx.block(lambda ws: ctx.agent.catalog.node_services(ctx.scope, ctx.rest, ws))
    if found is None or not ctx.visible([found], lambda authz, _: node_readable(ctx)):
        return None, [], index
    found = ctx.visible(found, service_readable(ctx))
    services = [(s.id, ctx.render.node_service(s)) for s in found]
    return ctx.render.node_json(ctx.scope.partition), [(i, r) for i, r in services if keep is None or keep(r)], index


async def node_services(ctx: RequestContext):
    node, found, index = await _node_and_services(ctx)
    return ctx.read({"Node": node, "Services": dict(found)} if node is not None else None, index)


async def node_service_list(ctx: RequestContext):
    node, found, index = await _node_and_services(ctx)
    services = [rendered for _, rendered in found] if node is not None else None  # Consul's nil slice
    return ctx.read({"Node": node, "Services": services}, index)


async def datacenters(ctx: RequestContext):
    return ctx.json([ctx.agent.config.datacenter])
