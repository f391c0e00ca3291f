"""What reading and writing each config-entry kind needs (reference acl.md §4.5, after Consul's
`agent/structs/config_entry*.go` CanRead/CanWrite): `(resource, named?, access)`; None is "nothing"."""

from __future__ import annotations

from typing import Any

from consulite.errors import ConsulError
from consulite.model.config.entry import ConfigEntry
from consulite.model.scope import Scope
from consulite.resolve.acl import Authorizer

Need = tuple[str, bool, str] | None

_SERVICE = (("service", True, "read"), ("service", True, "write"))
_MESH = (("mesh", False, "read"), ("mesh", False, "write"))
_GATEWAY = (("service", True, "read"), ("mesh", False, "write"))
#: kind -> (read needs, write needs)
RULES: dict[str, tuple[Need, Need]] = {
    "service-defaults": _SERVICE, "service-router": _SERVICE, "service-splitter": _SERVICE,
    "service-resolver": _SERVICE,
    "proxy-defaults": (None, ("mesh", False, "write")), "mesh": (None, ("mesh", False, "write")),
    "sameness-group": (None, ("mesh", False, "write")),
    "service-intentions": (("intention", True, "read"), ("intention", True, "write")),
    "ingress-gateway": _GATEWAY, "terminating-gateway": _GATEWAY, "api-gateway": _GATEWAY,
    "bound-api-gateway": (("service", True, "read"), ("mesh", False, "write")),
    "http-route": _MESH, "tcp-route": _MESH, "inline-certificate": _MESH, "file-system-certificate": _MESH,
    "exported-services": _MESH, "jwt-provider": _MESH,
    "control-plane-request-limit": (("operator", False, "read"), ("operator", False, "write")),
}


def _check(authz: Authorizer, need: Need, name: str, scope: Scope) -> bool:
    if need is None:
        return True
    resource, named, access = need
    return authz.allowed(resource, name if named else None, access, scope)


def can_read(authz: Authorizer, kind: str, name: str, scope: Scope) -> bool:
    read = RULES.get(kind, _MESH)[0]
    if kind == "jwt-provider" and not _check(authz, read, name, scope):
        return authz.any_allowed("service", "write", scope)  # mesh:read or service write on any name
    return _check(authz, read, name, scope)


def require_read(authz: Authorizer, kind: str, name: str, scope: Scope) -> None:
    if not can_read(authz, kind, name, scope):
        _deny(authz, RULES.get(kind, _MESH)[0], name, scope)


def require_write(authz: Authorizer, kind: str, name: str, scope: Scope) -> None:
    if kind == "bound-api-gateway" and not authz.manage_all:
        from consulite.resolve.acl import PermissionDenied

        raise PermissionDenied("Permission denied: only writeable by controller")
    need = RULES.get(kind, _MESH)[1]
    if not _check(authz, need, name, scope):
        _deny(authz, need, name, scope)


def require_entry_write(authz: Authorizer, entry: ConfigEntry) -> None:
    """Writing `entry`: its kind's write rule, and for a router, splitter or resolver `service:read` on every
    other service it sends traffic to (Consul's canWriteDiscoveryChain over ListRelatedServices, in
    agent/structs/config_entry_discoverychain.go: read suffices to redirect one's own service's traffic)."""
    scope = Scope(entry.partition, entry.namespace)
    require_write(authz, entry.kind, entry.name, scope)
    if authz.manage_all:
        return
    for name, where in related_services(entry):
        authz.require("service", name, "read", where)


def related_services(entry: ConfigEntry) -> list[tuple[str, Scope]]:
    """The services other than its own that a discovery-chain entry names (a target's empty Service is the
    entry's own name; its Namespace and Partition default to those of what encloses it; peers are skipped)."""
    body = entry.body
    own = Scope(entry.partition, entry.namespace)
    if entry.kind == "service-router":
        targets = [(r["Destination"], own) for r in body.get("Routes") or () if r.get("Destination")]
    elif entry.kind == "service-splitter":
        targets = [(split, own) for split in body.get("Splits") or ()]
    elif entry.kind == "service-resolver":
        targets = [(body["Redirect"], own)] if body.get("Redirect") else []
        for failover in (body.get("Failover") or {}).values():
            if not failover.get("Targets"):
                targets.append((failover, own))
            else:
                around = _scope_of(failover, own)
                targets += [(t, around) for t in failover["Targets"] if not t.get("Peer")]
    else:
        return []
    found = {(t.get("Service") or entry.name, _scope_of(t, around)) for t, around in targets}
    found.discard((entry.name, own))
    return sorted(found, key=lambda f: (f[0], f[1].partition, f[1].namespace))


def _scope_of(target: dict[str, Any], around: Scope) -> Scope:
    return Scope(target.get("Partition") or around.partition, target.get("Namespace") or around.namespace)


def _deny(authz: Authorizer, need: Need, name: str, scope: Scope) -> None:
    assert need is not None
    resource, named, access = need
    authz.require(resource, name if named else None, access, scope)
    raise ConsulError("Permission denied", 403)  # not reached: require raised
