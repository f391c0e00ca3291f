"""The ACL view of `explain` (pure): whether the token a gateway registered with holds what routing an
upstream through it needs (clients-and-enterprise.md §2.6): `service:read` on the destination, `node:read`
on the nodes, `mesh:write` for its leaf certificate. Warnings in words when it does not."""

from __future__ import annotations

from typing import Any

from consulite.model.scope import Scope
from consulite.resolve.acl import Authorizer


def gateway_acl(gateway_id: str, authz: Authorizer | None, accessor: str, destination: str,
                dest_scope: Scope, gateway_scope: Scope, node: str) -> dict[str, Any]:
    """{Gateway, AccessorID, Checks: [{Permission, On, Allowed}], Warnings} for one gateway on a route;
    `authz` None: the gateway registered with no token that still resolves."""
    needs = [("service", destination, "read", dest_scope), ("node", node, "read", gateway_scope),
             ("mesh", None, "write", gateway_scope)]
    warnings: list[str] = []
    checks = []
    for resource, name, access, scope in needs:
        allowed = authz is not None and authz.allowed(resource, name, access, scope)
        checks.append({"Permission": f"{resource}:{access}", "On": name, "Allowed": allowed})
        if authz is not None and not allowed:
            on = f' on "{name}"' if name is not None else ""
            warnings.append(f'mesh gateway "{gateway_id}": its token ({accessor}) lacks {resource}:{access}{on}, '
                            "which routing this upstream through it needs")
    if authz is None:
        warnings.append(f'mesh gateway "{gateway_id}" was registered without a token that still resolves '
                        "(anonymous, deleted or expired): it cannot route this upstream with ACLs on")
    return {"Gateway": gateway_id, "AccessorID": accessor or None, "Checks": checks, "Warnings": warnings}
