"""Request bodies: JSON text to model objects, with Consul's strict key rules per edition."""

from __future__ import annotations

import json
import re

import orjson

from consulite import messages as M
from consulite.decode.gojson import value_end
from consulite.decode.schema import NumberMismatch, Schema, json_kind
from consulite.errors import BadRequest, DecodeError
from consulite.model.check import CheckDefinition
from consulite.model.node import DeregisterRequest, RegisterRequest
from consulite.model.service import ServiceDefinition

_CE_DROP = frozenset({"namespace", "partition"})
# Containers (objects and arrays) one JSON document may nest. orjson renders at most 254 levels and a listing or
# the state document wraps a value in a few more, so everything accepted under this limit renders back.
MAX_JSON_DEPTH = 128
_GO_TYPES = {str: "string", int: "int", bool: "bool"}


class BodyDecoder:
    """Decoders for one edition: Community Edition does not know `Namespace`/`Partition` keys."""

    def __init__(self, enterprise: bool):
        drop = frozenset() if enterprise else _CE_DROP
        self._service = Schema("ServiceDefinition", drop)
        self._check = Schema("CheckDefinition", drop)
        self._register = Schema("RegisterRequest", drop)
        self._deregister = Schema("DeregisterRequest", drop)
        self._service.decoder(ServiceDefinition)
        self._check.decoder(CheckDefinition)

    def service(self, body: bytes) -> ServiceDefinition:
        return self._decode(self._service, ServiceDefinition, body)

    def check(self, body: bytes) -> CheckDefinition:
        return self._decode(self._check, CheckDefinition, body)

    def register(self, body: bytes) -> RegisterRequest:
        """`PUT /v1/catalog/register` (Go's case-insensitive keys, no snake_case aliases)."""
        return self._decode(self._register, RegisterRequest, body)

    def deregister(self, body: bytes) -> DeregisterRequest:
        return self._decode(self._deregister, DeregisterRequest, body)

    @staticmethod
    def _decode(schema: Schema, cls, body: bytes):
        try:
            value = parse_json(body)
            if value is None:  # JSON null decodes to the zero value, as in Go
                return cls()
            try:
                return schema.decode(cls, value)
            except NumberMismatch as first:  # the same decode over numbers that carry their text, for Go's wording
                try:
                    literal = with_number_literals(body)
                except (ValueError, RecursionError):
                    raise first from None
                return schema.decode(cls, literal)
        except DecodeError as e:
            raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=e.text)) from None


def parse_json(body: bytes):
    """The first JSON value of `body`, as Go's `json.Decoder` reads it: an empty body is `EOF`, text after the
    value is ignored, syntax errors carry Go's texts (`decode/gojson.py`); invalid UTF-8 becomes U+FFFD."""
    try:
        value = _loads(body)
    except orjson.JSONDecodeError:
        body = body[:value_end(body)]
        try:
            value = _loads(body)
        except orjson.JSONDecodeError:
            value = _loads(body.decode("utf-8", "replace"))
    check_text_depth(body)
    return value


def _loads(text: bytes | str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        if "depth limit" in str(e):
            raise DecodeError(M.JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH)) from None
        raise


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_ONE_BRACKET = bytes.maketrans(b"{}", b"[]")
_NOT_SYNTAX = bytes(c for c in range(256) if c not in b'[]{}"\\')


def check_text_depth(text: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """`DecodeError` when the valid JSON `text` nests more than `limit` objects and arrays. The walk runs in C
    over the brackets outside strings: each pass drops the innermost (empty) pairs, so passes count levels."""
    if text.count(b"{") + text.count(b"[") <= limit:  # fewer brackets cannot nest deeper
        return
    syntax = text.translate(None, _NOT_SYNTAX)
    if b"\\" not in syntax:  # quotes alternate open and close: adjacent ones enclose no bracket outside strings
        syntax = syntax.replace(b'""', b"")
    brackets = _STRINGS.sub(b"", syntax).translate(_ONE_BRACKET)
    for _ in range(limit):
        if not brackets:
            return
        brackets = brackets.replace(b"[]", b"")
    if brackets:
        raise DecodeError(M.JSON_TOO_DEEP.format(limit=limit))


def check_depth(value, limit: int = MAX_JSON_DEPTH) -> None:
    """`DecodeError` when `value` nests more than `limit` objects and arrays: over its JSON text where orjson
    renders it, otherwise by walking it (iteratively: no recursion)."""
    if not isinstance(value, (dict, list)):
        return
    try:
        check_text_depth(orjson.dumps(value), limit)
        return
    except orjson.JSONEncodeError:  # deeper than orjson renders, or a value it does not: walk it
        pass
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            raise DecodeError(M.JSON_TOO_DEEP.format(limit=limit))
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))


class _Int(int):
    literal: str


class _Float(float):
    literal: str


def _int_literal(text: str) -> int:
    n = _Int(text)
    n.literal = text
    return n


def _float_literal(text: str) -> float:
    f = _Float(text)
    f.literal = text
    return f


def with_number_literals(body: bytes):
    """`body` (already valid for orjson) with each number carrying its JSON text as `literal`."""
    return json.loads(body, parse_int=_int_literal, parse_float=_float_literal)


def decode_object(body: bytes, fields: dict[str, type], type_name: str) -> dict:
    """A small JSON object whose keys match `fields` case-insensitively (e.g. a check update body)."""
    try:
        value = parse_json(body)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise DecodeError(M.JSON_VALUE_MISMATCH.format(got=json_kind(value), want=type_name))
        out = {}
        lower = {k.lower(): k for k in fields}
        for key, item in value.items():
            name = lower.get(key.lower())
            if name is None:
                raise DecodeError(M.JSON_UNKNOWN_FIELD.format(key=key))
            if item is None:  # JSON null leaves the Go zero value
                continue
            if not isinstance(item, fields[name]) or isinstance(item, bool) != (fields[name] is bool):
                raise DecodeError(M.JSON_TYPE_MISMATCH.format(
                    got=json_kind(item), field=f"{type_name.split('.')[-1]}.{name}", want=_GO_TYPES[fields[name]]))
            out[name] = item
        return out
    except DecodeError as e:
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=e.text)) from None
