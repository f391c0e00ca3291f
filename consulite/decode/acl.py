"""A policy's `Rules` (HCL or JSON, read by our HCL1 parser) -> model.acl.Rule grants, with Consul's parse
and validation texts (reference acl.md §3.1-§3.5): unknown keys ignored, the first bad value refused."""

from __future__ import annotations

from typing import Any

from consulite import messages as M
from consulite.decode.hcl import loads
from consulite.errors import ConsulError, DecodeError
from consulite.model.acl import NAMED, UNNAMED, Rule

_GO_TYPES = {"agent": "AgentRule", "event": "EventRule", "key": "KeyRule", "node": "NodeRule",
             "query": "PreparedQueryRule", "service": "ServiceRule", "session": "SessionRule"}
_SCOPES = ("partition", "partition_prefix", "namespace", "namespace_prefix")


def _valid(access: Any, allow_list: bool = False) -> bool:
    return access in ("deny", "read", "write") or (allow_list and access == "list")


def _labelled(value: Any) -> list[tuple[str, dict]]:
    """The (label, body) pairs of a labelled block, as the HCL parser returns them."""
    out: list[tuple[str, dict]] = []
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            continue
        for label, bodies in item.items():
            for body in bodies if isinstance(bodies, list) else [bodies]:
                out.append((str(label), body if isinstance(body, dict) else {}))
    return out


def _invalid(key: str, label: str, body: dict, intentions: bool = False) -> ConsulError:
    resource = key.removesuffix("_prefix")
    go = _GO_TYPES[resource]
    fields = f'Name:"{label}", Policy:"{body.get("policy", "")}"'
    if resource == "service":
        fields += f', Intentions:"{body.get("intentions", "")}"'
    fields += ", EnterpriseRule:acl.EnterpriseRule{}"
    what = f"{key} intentions" if intentions else key
    return ConsulError(M.ACL_INVALID_RULE.format(kind=what, dump=f"&acl.{go}{{{fields}}}"))


def _walk(doc: dict, out: list[Rule], partition: tuple[bool, str] | None, namespace: tuple[bool, str] | None,
          enterprise: bool) -> None:
    for key, value in doc.items():
        low = key.lower()
        if low in UNNAMED:
            if isinstance(value, list):
                value = value[-1] if value else ""
            if not _valid(value):
                raise ConsulError(M.ACL_INVALID_RULE.format(kind=low, dump=f'"{value}"'))
            out.append(Rule(low, None, False, value, partition, namespace))
            continue
        resource = low.removesuffix("_prefix")
        if resource in NAMED:
            prefix = low.endswith("_prefix")
            for label, body in _labelled(value):
                access = body.get("policy", "")
                if not _valid(access, resource == "key"):
                    raise _invalid(low, label, body)
                out.append(Rule(resource, label, prefix, access, partition, namespace))
                if resource == "service":
                    intentions = body.get("intentions", "")
                    if intentions and not _valid(intentions):
                        raise _invalid(low, label, body, intentions=True)
                    if not intentions:  # unset: read under read or write, else deny (acl.md §3.2)
                        intentions = "read" if access in ("read", "write") else "deny"
                    out.append(Rule("intention", label, prefix, intentions, partition, namespace))
        elif enterprise and low in _SCOPES:
            for label, body in _labelled(value):
                spec = (low.endswith("_prefix"), label)
                if low.startswith("partition"):
                    _walk(body, out, spec, namespace, enterprise)
                else:
                    _walk(body, out, partition, spec, enterprise)
        # any other key is ignored, as Consul's decoder ignores it


def parse_rules(text: str, enterprise: bool = True) -> list[Rule]:
    """The grants of a policy's rules; ConsulError (a 500, as Consul answers) with Consul's text."""
    if not text.strip():
        return []
    try:
        doc = loads(text)
    except DecodeError as e:
        raise ConsulError(M.ACL_RULES_PARSE.format(err=e.text)) from None
    out: list[Rule] = []
    _walk(doc, out, None, None, enterprise)
    return out
