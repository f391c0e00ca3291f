"""`/v1/catalog/*`: the agent's node and the nodes registered through the catalog, with `X-Consul-Index` and
index blocking; register and deregister."""

from __future__ import annotations

from typing import Any

from consulite import messages as M
from consulite.agent.catalog import EVERYTHING, Selection, tags_of
from consulite.decode import filter_schema as F
from consulite.errors import BadRequest, ConsulError
from consulite.http.acl import instance_readable, node_readable, service_readable
from consulite.http.context import RequestContext
from consulite.http.router import Router

READ = {"blocking": True}


def register(router: Router) -> None:
    router.add("/v1/catalog/register", {"PUT": register_entity})
    router.add("/v1/catalog/deregister", {"PUT": deregister_entity})
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


def near(ctx: RequestContext) -> str:
    return ctx.params.get("near", "")


def node_json(ctx: RequestContext, node: Any) -> dict:
    """A node's JSON: None is the agent's."""
    return ctx.render.node_json(ctx.scope.partition) if node is None else ctx.render.catalog_node(node)


def node_json_of(ctx: RequestContext):
    """The JSON of a service's or check's node, rendered once per node in a request."""
    catalog, rendered = ctx.agent.catalog, {}

    def of(obj: Any) -> dict:
        if obj.node not in rendered:
            rendered[obj.node] = node_json(ctx, catalog.node_of(obj))
        return rendered[obj.node]

    return of


def _in_dc(ctx: RequestContext, datacenter: str) -> None:
    """A body naming another datacenter has no path there (Consul forwards it)."""
    if datacenter and datacenter != ctx.agent.config.datacenter:
        raise ConsulError(M.NO_PATH_TO_DC)


async def register_entity(ctx: RequestContext):
    req = ctx.agent.bodies.register(await ctx.body())
    _in_dc(ctx, req.datacenter)
    if req.service is not None and req.service.service:
        ctx.require("service", req.service.service, "write")
    if not req.skip_node_update or any(not c.service_id for c in [req.check, *(req.checks or [])] if c):
        ctx.require("node", req.node, "write")
    ctx.agent.catalog.register(req, ctx.scope)
    return ctx.json(True)


async def deregister_entity(ctx: RequestContext):
    req = ctx.agent.bodies.deregister(await ctx.body())
    _in_dc(ctx, req.datacenter)
    if not ctx.allowed("node", req.node, "write"):  # node:write allows every form (reference acl.md §4.4)
        namespace = req.namespace or ctx.scope.namespace
        held = ctx.agent.catalog.held(ctx.scope.partition, req.node, namespace, req.service_id)
        if held is None:
            ctx.require("node", req.node, "write")
        else:
            ctx.require("service", held.name, "write")
    ctx.agent.catalog.deregister(req, ctx.scope)
    return ctx.json(True)


async def services(ctx: RequestContext):
    """Names with their instances' tags; `?filter=` runs over the instances (structs.ServiceNode, Consul 1.14+)."""
    sel, keep, scope = selection(ctx), ctx.filter(F.SERVICE_NODE), ctx.scope

    def readable(out: dict[str, list[str]]) -> dict[str, list[str]]:
        return dict(ctx.visible(out.items(), lambda authz, item: authz.allowed("service", item[0], "read", scope)))

    if keep is None:
        return await ctx.answer(lambda ws: ctx.agent.catalog.services(scope, ws, sel), readable)
    index, found = await ctx.block(lambda ws: ctx.agent.catalog.service_instances(scope, ws, sel))
    node_of = node_json_of(ctx)
    kept = {name: tags_of(passed) for name, instances in found.items()
            if (passed := [s for s in instances if keep(ctx.render.catalog_service(s, node_of(s)))])}
    return ctx.read(readable(kept), index)


def service_name(ctx: RequestContext) -> str:
    if not ctx.rest:
        raise BadRequest(M.MISSING_SERVICE_NAME_CATALOG)
    return ctx.rest


async def _instances(ctx: RequestContext, connect: bool):
    name, sel, close = service_name(ctx), selection(ctx), near(ctx)
    keep = ctx.filter(F.SERVICE_NODE)
    index, found = await ctx.block(
        lambda ws: ctx.agent.catalog.instances(ctx.scope, name, connect, ws, sel, close))
    node_of = node_json_of(ctx)
    rendered = [ctx.render.catalog_service(svc, node_of(svc)) for svc in ctx.visible(found, instance_readable(ctx))]
    return ctx.read([r for r in rendered if keep is None or keep(r)], index)


async def service_nodes(ctx: RequestContext):
    return await _instances(ctx, connect=False)


async def connect_nodes(ctx: RequestContext):
    return await _instances(ctx, connect=True)


async def nodes(ctx: RequestContext):
    keep = ctx.filter(F.NODE)
    sel, close = selection(ctx), near(ctx)
    index, listed = await ctx.block(lambda ws: ctx.agent.catalog.nodes(ctx.scope, ws, sel, close))
    name_of = ctx.agent.catalog.node_name
    listed = ctx.visible(listed, lambda authz, n: authz.allowed("node", name_of(n), "read", ctx.scope))
    rendered = [node_json(ctx, n) for n in listed]
    return ctx.read([r for r in rendered if keep is None or keep(r)], index)


async def _node_and_services(ctx: RequestContext):
    """(node JSON or None, (ID, JSON) of its services in the request's scope that pass `?filter=`, index)."""
    if not ctx.rest:
        raise BadRequest(M.MISSING_NODE_NAME)
    keep = ctx.filter(F.NODE_SERVICE)
    index, found = await ctx.block(lambda ws: ctx.agent.catalog.node_services(ctx.scope, ctx.rest, ws))
    if found is None:
        return None, [], index
    node, listed = found
    if not node_readable(ctx, ctx.agent.catalog.node_name(node)):
        return None, [], index
    listed = ctx.visible(listed, service_readable(ctx))
    rendered = [(s.id, ctx.render.node_service(s)) for s in listed]
    return node_json(ctx, node), [(i, r) for i, r in rendered if keep is None or keep(r)], index


async def node_services(ctx: RequestContext):
    node, found, index = await _node_and_services(ctx)
    return ctx.read({"Node": node, "Services": dict(found)} if node is not None else None, index)


async def node_service_list(ctx: RequestContext):
    node, found, index = await _node_and_services(ctx)
    listed = [rendered for _, rendered in found] if node is not None else None  # Consul's nil slice
    return ctx.read({"Node": node, "Services": listed}, index)


async def datacenters(ctx: RequestContext):
    return ctx.json([ctx.agent.config.datacenter])
