"""`/v1/coordinate/*` and `/v1/operator/*`: coordinates, raft, autopilot, licence, usage and keyring of a
one-server cluster (agent/coordinate_endpoint.go, agent/operator_endpoint.go)."""

from __future__ import annotations

from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Router

READ = {"scoped": False, "blocking": True}
OP_READ = {"GET": ("operator", "read")}


def register(router: Router) -> None:
    router.add("/v1/coordinate/datacenters", {"GET": datacenters}, scoped=False)
    router.add("/v1/coordinate/nodes", {"GET": nodes}, **READ)
    router.add("/v1/coordinate/node/", {"GET": node}, **READ, acl={"GET": ("node", "read")})
    router.add("/v1/coordinate/update", {"PUT": update}, scoped=False, acl={"PUT": ("node", "write")})
    router.add("/v1/operator/raft/configuration", {"GET": raft_configuration}, scoped=False, query=True,
               acl=OP_READ)
    router.add("/v1/operator/raft/peer", {"DELETE": raft_peer}, scoped=False, acl={"DELETE": ("operator", "write")})
    router.add("/v1/operator/raft/transfer-leader", {"POST": transfer_leader}, scoped=False,
               acl={"POST": ("operator", "write")})
    router.add("/v1/operator/autopilot/configuration", {"GET": autopilot, "PUT": set_autopilot}, scoped=False,
               query=True, acl={**OP_READ, "PUT": ("operator", "write")})
    router.add("/v1/operator/autopilot/health", {"GET": autopilot_health}, scoped=False, acl=OP_READ)
    router.add("/v1/operator/autopilot/state", {"GET": autopilot_state}, scoped=False, acl=OP_READ)
    router.add("/v1/operator/usage", {"GET": usage}, query=True, acl=OP_READ)
    router.add("/v1/operator/keyring", {m: keyring for m in ("GET", "POST", "PUT", "DELETE")}, scoped=False,
               acl={"GET": ("keyring", "read"), **{m: ("keyring", "write") for m in ("POST", "PUT", "DELETE")}})
    router.add("/v1/operator/license", {"GET": license_info}, scoped=False, enterprise_only=True)


async def datacenters(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.datacenters())


async def nodes(ctx: RequestContext):
    index, out = await ctx.block(ctx.agent.operator.coordinates)
    return ctx.read(out, index)


async def node(ctx: RequestContext):
    index, out = await ctx.block(lambda ws: ctx.agent.operator.node_coordinates(ctx.rest, ws))
    return ctx.read(out, index)


async def update(ctx: RequestContext):
    ctx.agent.operator.update_coordinate(await ctx.body())
    return empty_response()


async def raft_configuration(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.raft_configuration())


async def raft_peer(ctx: RequestContext):
    ctx.agent.operator.remove_peer(ctx.params.get("id", ""), ctx.params.get("address", ""))
    return empty_response()


async def transfer_leader(ctx: RequestContext):
    ctx.agent.operator.transfer_leader(ctx.params.get("id", ""))
    return ctx.json({"Success": True})


async def autopilot(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.autopilot())


async def set_autopilot(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.set_autopilot(await ctx.body(), ctx.params.get("cas")))


async def autopilot_health(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.autopilot_health())


async def autopilot_state(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.autopilot_state())


async def usage(ctx: RequestContext):
    return ctx.read(ctx.agent.operator.usage(), ctx.agent.index)


async def keyring(ctx: RequestContext):
    ctx.agent.operator.keyring()
    return empty_response()


async def license_info(ctx: RequestContext):
    return ctx.json(ctx.agent.operator.license())
