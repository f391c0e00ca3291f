"""ACL request bodies (JSON, keys matched case-insensitively as Go's decoder does) and the JSON Consul
answers for ACL objects (reference acl.md §2): links carry ID and Name, omitempty fields left out."""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Callable
from typing import Any

import orjson

from consulite import messages as M
from consulite.decode.bodies import parse_json
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, DecodeError
from consulite.model.acl import (
    AuthMethod,
    BindingRule,
    Links,
    NodeIdentity,
    Policy,
    Role,
    ServiceIdentity,
    TemplatedPolicy,
    Token,
)


class Body:
    """A JSON object read with Go's case-insensitive key matching."""

    def __init__(self, raw: Any, what: str) -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise BadRequest(M.ACL_DECODE.format(what=what, err="json: cannot unmarshal into object"))
        self.what = what
        self.raw = raw
        self._lower = {k.lower(): v for k, v in raw.items()}

    def has(self, key: str) -> bool:
        return key.lower() in self._lower and self._lower[key.lower()] is not None

    def get(self, key: str, default: Any = None, kind: type | tuple = object) -> Any:
        value = self._lower.get(key.lower())
        if value is None:
            return default
        if not isinstance(value, kind) or (kind in (int, str, list, dict) and isinstance(value, bool)):
            raise BadRequest(M.ACL_DECODE.format(
                what=self.what, err=f"json: cannot unmarshal {type(value).__name__} into Go struct field {key}"))
        return value

    def text(self, key: str) -> str:
        return str(self.get(key, "", str))

    def seq(self, key: str) -> list[Any]:
        return list(self.get(key, [], list))

    def bodies(self, key: str) -> list[Body]:
        return [Body(item, self.what) for item in self.seq(key)]


def read_body(raw: bytes, what: str, optional: bool = False) -> Body:
    """A request body (`what` names it in the 400: Policy, Token, Role ...)."""
    if optional and not raw.strip():
        return Body({}, what)
    try:
        return Body(parse_json(raw), what)
    except DecodeError as e:
        raise BadRequest(M.ACL_DECODE.format(what=what, err=e.text)) from None


# -- decoding ------------------------------------------------------------------------------------------

def links_from(b: Body) -> tuple[Links, list[tuple[str, str]], list[tuple[str, str]]]:
    """Identities and templates of a token or role body, and its policy and role links as (ID, Name)."""
    policies = [(p.text("ID"), p.text("Name")) for p in b.bodies("Policies")]
    roles = [(r.text("ID"), r.text("Name")) for r in b.bodies("Roles")]
    services = [ServiceIdentity(s.text("ServiceName"), list(s.seq("Datacenters")))
                for s in b.bodies("ServiceIdentities")]
    nodes = [NodeIdentity(n.text("NodeName"), n.text("Datacenter")) for n in b.bodies("NodeIdentities")]
    templates = []
    for t in b.bodies("TemplatedPolicies"):
        variables = Body(t.get("TemplateVariables", {}, dict), b.what)
        templates.append(TemplatedPolicy(t.text("TemplateName"), {"name": variables.text("Name")}
                                         if variables.has("Name") else {}, list(t.seq("Datacenters"))))
    return Links(service_identities=services, node_identities=nodes, templated_policies=templates), policies, roles


def duration_of(value: Any) -> int:
    """A duration as a Go string (`60s`) or nanoseconds (what the api client sends)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    try:
        return parse_duration(str(value))
    except DecodeError as e:
        raise BadRequest(M.ACL_DECODE.format(what="Token", err=e.text)) from None


def parse_time(raw: str) -> float:
    """An RFC 3339 time (ExpirationTime) as Unix seconds."""
    try:
        return datetime.datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise BadRequest(M.ACL_DECODE.format(what="Token", err=f'parsing time "{raw}"')) from None


# -- rendering -----------------------------------------------------------------------------------------

def rfc3339(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat().replace("+00:00", "Z")


def digest(*parts: Any) -> str:
    """The `Hash` of an object: base64 of a blake2b-256 digest over its fields."""
    return base64.b64encode(hashlib.blake2b(orjson.dumps(parts, default=repr), digest_size=32).digest()).decode()


def _scope(out: dict, obj: Any, enterprise: bool) -> dict:
    if enterprise:
        out["Partition"], out["Namespace"] = obj.partition, obj.namespace
    return out


def policy_json(p: Policy, enterprise: bool, stub: bool = False) -> dict:
    out: dict[str, Any] = {"ID": p.id, "Name": p.name, "Description": p.description}
    if not stub:
        out["Rules"] = p.rules
    if stub or p.datacenters:
        out["Datacenters"] = p.datacenters or None
    out.update(Hash=digest(p.name, p.description, p.rules, p.datacenters), CreateIndex=p.create_index,
               ModifyIndex=p.modify_index)
    return _scope(out, p, enterprise)


Namer = Callable[[str], "str | None"]


def _links_json(out: dict, links: Links, policy_name: Namer, role_name: Namer) -> None:
    policies = [{"ID": i, "Name": n} for i in links.policies if (n := policy_name(i)) is not None]
    roles = [{"ID": i, "Name": n} for i in links.roles if (n := role_name(i)) is not None]
    if policies:
        out["Policies"] = policies
    if roles:
        out["Roles"] = roles
    if links.service_identities:
        out["ServiceIdentities"] = [{"ServiceName": s.service_name, **({"Datacenters": s.datacenters}
                                                                     if s.datacenters else {})}
                                    for s in links.service_identities]
    if links.node_identities:
        out["NodeIdentities"] = [{"NodeName": n.node_name, "Datacenter": n.datacenter}
                                 for n in links.node_identities]
    if links.templated_policies:
        out["TemplatedPolicies"] = [{"TemplateName": t.template_name,
                                     **({"TemplateVariables": dict(t.variables)} if t.variables else {}),
                                     **({"Datacenters": t.datacenters} if t.datacenters else {})}
                                    for t in links.templated_policies]


def token_json(t: Token, enterprise: bool, policy_name: Namer, role_name: Namer, secret: bool = True) -> dict:
    out: dict[str, Any] = {"AccessorID": t.accessor_id, "SecretID": t.secret_id if secret else "<hidden>",
                           "Description": t.description}
    _links_json(out, t.links, policy_name, role_name)
    out["Local"] = t.local
    if t.auth_method:
        out["AuthMethod"] = t.auth_method
    if t.expiration_time is not None:
        out["ExpirationTime"] = rfc3339(t.expiration_time)
    out.update(CreateTime=rfc3339(t.create_time),
               Hash=digest(t.description, t.local, sorted(t.links.policies), sorted(t.links.roles),
                           repr(t.links.service_identities), repr(t.links.node_identities),
                           repr(t.links.templated_policies)),
               CreateIndex=t.create_index, ModifyIndex=t.modify_index)
    if enterprise and t.auth_method:
        out["AuthMethodNamespace"] = t.namespace
    return _scope(out, t, enterprise)


def role_json(r: Role, enterprise: bool, policy_name: Namer) -> dict:
    out: dict[str, Any] = {"ID": r.id, "Name": r.name, "Description": r.description}
    _links_json(out, r.links, policy_name, lambda _: None)
    out.update(Hash=digest(r.name, r.description, sorted(r.links.policies), repr(r.links.service_identities),
                           repr(r.links.node_identities)),
               CreateIndex=r.create_index, ModifyIndex=r.modify_index)
    return _scope(out, r, enterprise)


def auth_method_json(m: AuthMethod, enterprise: bool, stub: bool = False) -> dict:
    out: dict[str, Any] = {"Name": m.name, "Type": m.type}
    if m.display_name:
        out["DisplayName"] = m.display_name
    out["Description"] = m.description
    if m.max_token_ttl:
        out["MaxTokenTTL"] = m.max_token_ttl
    if m.token_locality:
        out["TokenLocality"] = m.token_locality
    if not stub:
        out["Config"] = m.config
    out.update(CreateIndex=m.create_index, ModifyIndex=m.modify_index)
    return _scope(out, m, enterprise)


def binding_rule_json(b: BindingRule, enterprise: bool) -> dict:
    out = {"ID": b.id, "Description": b.description, "AuthMethod": b.auth_method, "Selector": b.selector,
           "BindType": b.bind_type, "BindName": b.bind_name, "CreateIndex": b.create_index,
           "ModifyIndex": b.modify_index}
    return _scope(out, b, enterprise)
