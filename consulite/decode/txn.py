"""`PUT /v1/txn` bodies: a JSON array of operations, each with one of `KV`, `Node`, `Service`, `Check`,
decoded strictly (unknown fields refused, standard padded base64 values), as Go decodes api.TxnOps
(reference kv-sessions-txn.md §3.1)."""

from __future__ import annotations

import base64
import binascii
import re

import attrs

from consulite.decode.bodies import parse_json
from consulite.decode.schema import json_kind
from consulite.errors import DecodeError

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


def decode_txn(body: bytes) -> list[Op]:
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
            ops.append(op)
            break
    return ops
