"""What each item of a filtered list needs (reference acl.md §4.2), as predicates for `ctx.visible`:
services need `service:read` on their name, checks `service:read` on their service (node checks
`node:read` on the node), catalog and health entries both `node:read` and `service:read`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from consulite.http.context import RequestContext
from consulite.resolve.acl import Authorizer

Readable = Callable[[Authorizer, Any], bool]


def service_readable(ctx: RequestContext) -> Readable:
    scope = ctx.scope
    return lambda authz, svc: authz.allowed("service", svc.name, "read", scope)


def node_readable(ctx: RequestContext, name: str = "") -> bool:
    """`node:read` on node `name` (the agent's by default)."""
    return ctx.allowed("node", name or ctx.agent.config.node_name, "read")


def check_readable(ctx: RequestContext) -> Readable:
    scope, node = ctx.scope, ctx.agent.config.node_name

    def readable(authz: Authorizer, check: Any) -> bool:
        if check.service_id:
            return authz.allowed("service", check.service_name, "read", scope)
        return authz.allowed("node", check.node or node, "read", scope)

    return readable


def instance_readable(ctx: RequestContext) -> Readable:
    """A catalog or health entry of a service on its node (CheckServiceNode.CanRead)."""
    scope, node = ctx.scope, ctx.agent.config.node_name
    services = service_readable(ctx)
    return lambda authz, svc: authz.allowed("node", svc.node or node, "read", scope) and services(authz, svc)


def entry_readable(ctx: RequestContext) -> Readable:
    """A config entry, by its kind's read rule."""
    from consulite.resolve.acl_entries import can_read

    scope = ctx.scope
    return lambda authz, entry: can_read(authz, entry.kind, entry.name, scope)
