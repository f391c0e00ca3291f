"""What reading and writing each config-entry kind needs (reference acl.md §4.5, after Consul's
`agent/structs/config_entry*.go` CanRead/CanWrite): `(resource, named?, access)`; None is "nothing"."""

from __future__ import annotations

from consulite.errors import ConsulError
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


def _deny(authz: Authorizer, need: Need, name: str, scope: Scope) -> None:
    assert need is not None
    resource, named, access = need
    authz.require(resource, name if named else None, access, scope)
    raise ConsulError("Permission denied", 403)  # not reached: require raised
