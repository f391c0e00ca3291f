"""`PUT /v1/txn` bodies: a JSON array of operations, each with one of `KV`, `Node`, `Service`, `Check`,
decoded strictly (unknown fields refused, standard padded base64 values), as Go decodes api.TxnOps
(reference kv-sessions-txn.md §3.1)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import attrs

from consulite.decode.bodies import parse_json
from consulite.decode.schema import Schema, json_kind
from consulite.errors import DecodeError
from consulite.model.node import HealthCheckBody, NodeServiceBody, RegisterRequest

_B64 = re.compile(r"[A-Za-z0-9+/]")

#: per family, its fields and their JSON types (dict: a nested object left to the operation)
FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "KV": {"Verb": str, "Key": str, "Value": str, "Flags": int, "Index": int, "Session": str,
           "Namespace": str, "Partition": str},
    "Node": {"Verb": str, "Node": dict},
    "Service": {"Verb": str, "Node": str, "Service": dict},
    "Check": {"Verb": str, "Check": dict},
}
_GO = {str: "string", int: "uint64", dict: "struct"}


@attrs.define
class Op:
    family: str  # KV, Node, Service, Check
    fields: dict
    value: bytes | None = None  # a KV op's decoded Value
    body: Any = None  # a catalog op's object: RegisterRequest (Node), NodeServiceBody (Service), HealthCheckBody
    index: int = 0  # a catalog op's ModifyIndex (its CAS index)


#: per catalog family (its object under the same key): the model class, and the keys of Consul's api type
#: (api.Node, api.AgentService, api.HealthCheck) a txn does not write
_CATALOG: dict[str, tuple[type, frozenset[str]]] = {
    "Node": (RegisterRequest, frozenset({"createindex", "peername", "partition"})),
    "Service": (NodeServiceBody, frozenset({"createindex", "peername", "contenthash", "datacenter"})),
    "Check": (HealthCheckBody, frozenset({"createindex", "peername", "exposedport", "servicetags"})),
}
#: api.Node's fields as a RegisterRequest names them
_NODE_KEYS = {"id": "ID", "node": "Node", "address": "Address", "datacenter": "Datacenter",
              "taggedaddresses": "TaggedAddresses", "meta": "NodeMeta"}
#: api.HealthCheck has no top-level Interval/Timeout (they are its Definition's)
_CHECK_REFUSED = frozenset({"interval", "timeout"})
_SCHEMAS = {family: Schema(f"{family}TxnOp.{family}") for family in _CATALOG}


def _catalog_body(family: str, raw: dict, enterprise: bool) -> tuple[Any, int]:
    """A catalog op's object as the catalog's request types, with its ModifyIndex; Community Edition ignores
    `Namespace`/`Partition` (reference kv-sessions-txn.md §3.1, §4)."""
    cls, aside = _CATALOG[family]
    value: dict = {}
    index = 0
    for key, item in raw.items():
        low = key.lower()
        if low == "modifyindex":
            if not isinstance(item, int) or isinstance(item, bool) or item < 0:
                raise DecodeError(f"json: cannot unmarshal {json_kind(item)} into Go struct field "
                                  f"{family}TxnOp.{family}.ModifyIndex of type uint64")
            index = item
        elif low in aside or (not enterprise and low in ("namespace", "partition")):
            continue
        elif family == "Node":
            if low not in _NODE_KEYS:
                raise DecodeError(f'json: unknown field "{key}"')
            value[_NODE_KEYS[low]] = item
        elif family == "Check" and low in _CHECK_REFUSED:
            raise DecodeError(f'json: unknown field "{key}"')
        else:
            value[key] = item
    return _SCHEMAS[family].decode(cls, value), index


def _b64(text: str) -> bytes:
    """Go's StdEncoding: padded, strict; its error names the offending byte."""
    for i, ch in enumerate(text.rstrip("=")):
        if not _B64.match(ch):
            raise DecodeError(f"illegal base64 data at input byte {i}")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:  # an incomplete last quantum: Go names the byte where it starts
        raise DecodeError(f"illegal base64 data at input byte {len(text.rstrip('=')) // 4 * 4}") from None


def _fields(family: str, raw: object) -> dict:
    spec = FIELDS[family]
    if not isinstance(raw, dict):
        raise DecodeError(f"json: cannot unmarshal {json_kind(raw)} into Go struct field TxnOp.{family} "
                          f"of type api.{family}TxnOp")
    lower = {k.lower(): k for k in spec}
    out: dict = {}
    for key, value in raw.items():
        name = lower.get(key.lower())
        if name is None:
            raise DecodeError(f'json: unknown field "{key}"')
        if value is None:
            continue
        want = spec[name]
        if not isinstance(value, want) or isinstance(value, bool) or (
                want is int and isinstance(value, int) and value < 0):
            got = f"number {value}" if want is int and isinstance(value, (int, float)) and not isinstance(
                value, bool) else json_kind(value)
            raise DecodeError(f"json: cannot unmarshal {got} into Go struct field "
                              f"{family}TxnOp.{family}.{name} of type {_GO[want]}")  # type: ignore[index]
        out[name] = value
    return out


def decode_txn(body: bytes, enterprise: bool = False) -> list[Op]:
    """The operations of a txn body; an element naming no family is skipped (TXEP's switch)."""
    value = parse_json(body)
    if not isinstance(value, list):
        raise DecodeError(f"json: cannot unmarshal {json_kind(value)} into Go value of type api.TxnOps")
    ops = []
    for item in value:
        if not isinstance(item, dict):
            raise DecodeError(f"json: cannot unmarshal {json_kind(item)} into Go value of type api.TxnOp")
        for key, raw in item.items():
            family = {k.lower(): k for k in FIELDS}.get(key.lower())
            if family is None:
                raise DecodeError(f'json: unknown field "{key}"')
            if raw is None:
                continue
            fields = _fields(family, raw)
            op = Op(family, fields)
            if family == "KV" and "Value" in fields:
                op.value = _b64(fields["Value"])
            elif family in _CATALOG:
                op.body, op.index = _catalog_body(family, fields.get(family) or {}, enterprise)
            ops.append(op)
            break
    return ops
