"""The body of `PUT /v1/namespace[/<name>]` (api.Namespace, clients-and-enterprise.md §2.1): keys matched
case-insensitively, `policy_defaults`/`role_defaults` as aliases, Go's texts for unknown keys and mismatches."""

from __future__ import annotations

from typing import Any

import attrs

from consulite import messages as M
from consulite.decode.bodies import parse_json
from consulite.decode.schema import json_kind
from consulite.errors import BadRequest, DecodeError

#: a policy or role given by ID and/or name
Link = tuple[str, str]


@attrs.frozen
class NamespaceBody:
    name: str = ""
    description: str = ""
    partition: str = ""
    meta: dict[str, str] = attrs.field(factory=dict)
    policy_defaults: list[Link] = attrs.field(factory=list)
    role_defaults: list[Link] = attrs.field(factory=list)


#: lower-case key -> (Python type, Go field name, Go type), per Go struct
Fields = dict[str, tuple[type, str, str]]
_NAMESPACE: Fields = {
    "name": (str, "Name", "string"), "description": (str, "Description", "string"),
    "partition": (str, "Partition", "string"), "meta": (dict, "Meta", "map[string]string"),
    "acls": (dict, "ACLs", "api.NamespaceACLConfig"), "deletedat": (str, "DeletedAt", "time.Time"),
    "createindex": (int, "CreateIndex", "uint64"), "modifyindex": (int, "ModifyIndex", "uint64")}
_ACLS: Fields = {key: (list, wire, "[]api.ACLLink") for key, wire in (
    ("policydefaults", "PolicyDefaults"), ("policy_defaults", "PolicyDefaults"),
    ("roledefaults", "RoleDefaults"), ("role_defaults", "RoleDefaults"))}
_LINK: Fields = {"id": (str, "ID", "string"), "name": (str, "Name", "string")}


def _fields(value: Any, schema: Fields, struct: str) -> dict[str, Any]:
    """An object's known keys (lower-cased), JSON nulls left out, as Go's decoder takes them."""
    if not isinstance(value, dict):
        raise DecodeError(M.JSON_VALUE_MISMATCH.format(got=json_kind(value), want="api." + struct))
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key.lower()
        if name not in schema:
            raise DecodeError(M.JSON_UNKNOWN_FIELD.format(key=key))
        if item is None:
            continue
        kind, wire, go = schema[name]
        if not isinstance(item, kind) or isinstance(item, bool) or (isinstance(item, int) and item < 0):
            raise DecodeError(M.JSON_TYPE_MISMATCH.format(got=json_kind(item), field=f"{struct}.{wire}", want=go))
        out[name] = item
    return out


def _links(items: list[Any]) -> list[Link]:
    return [(link.get("id", ""), link.get("name", "")) for link in (_fields(i, _LINK, "ACLLink") for i in items)]


def namespace_body(raw: bytes) -> NamespaceBody:
    """A namespace body (empty: all defaults); Consul's 400 `Request decode failed: ...` when it does not decode."""
    try:
        top = _fields(parse_json(raw) if raw.strip() else {}, _NAMESPACE, "Namespace")
        meta = top.get("meta", {})
        for value in meta.values():
            if not isinstance(value, str):
                raise DecodeError(M.JSON_TYPE_MISMATCH.format(got=json_kind(value), field="Namespace.Meta",
                                                              want="string"))
        acls = _fields(top.get("acls", {}), _ACLS, "NamespaceACLConfig")
        policies = acls.get("policydefaults") or acls.get("policy_defaults") or []
        roles = acls.get("roledefaults") or acls.get("role_defaults") or []
        return NamespaceBody(top.get("name", ""), top.get("description", ""), top.get("partition", ""), meta,
                             _links(policies), _links(roles))
    except DecodeError as e:
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=e.text)) from None
