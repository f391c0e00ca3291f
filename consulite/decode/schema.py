"""A strict decoder compiled once per model class, with Go encoding/json's rules as Consul uses them.

Keys match case-insensitively; declared snake_case aliases count only where the CamelCase
value is zero; unknown keys and type mismatches fail with Go's texts, the first one in document
order winning (reference agent-service-api.md §2.2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from consulite import messages
from consulite.decode.duration import parse_duration
from consulite.errors import DecodeError
from consulite.model import fields as F

Decoder = Callable[[Any, str], Any]


def json_kind(value: Any) -> str:
    literal = getattr(value, "literal", None)
    if literal is not None:  # a number re-read with its text (see bodies.with_number_literals)
        return f"number {literal}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"  # Go names the number's text only where it was meant for a number (number_mismatch)
    if isinstance(value, list):
        return "array"
    return "object"


class NumberMismatch(DecodeError):
    """A number that does not fit an integer field, decoded without the number's text: the caller re-reads the
    document with `literal`-carrying numbers to give Go's exact text (`number 99999999999999999999`)."""


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class Schema:
    """Holds the root Go struct name used in type-error texts and caches compiled decoders."""

    def __init__(self, root: str, drop: frozenset[str] = frozenset()):
        self.root = root
        self.drop = drop  # lower-case wire names this edition does not know (CE: namespace, partition)
        self._cache: dict[type, Decoder] = {}

    def number_mismatch(self, value: Any, path: str, go_type: str) -> DecodeError:
        """A JSON number the Go integer `go_type` cannot hold: Go names the number's text (`number 1e5`)."""
        err = self.mismatch(value, path, go_type)
        if getattr(value, "literal", None) is None:
            return NumberMismatch(err.text)
        return err

    def mismatch(self, value: Any, path: str, go_type: str) -> DecodeError:
        if not path:
            return DecodeError(messages.JSON_VALUE_MISMATCH.format(got=json_kind(value), want="structs." + go_type))
        field = f"{self.root}.{path}"
        return DecodeError(messages.JSON_TYPE_MISMATCH.format(got=json_kind(value), field=field, want=go_type))

    def decoder(self, cls) -> Decoder:
        if not isinstance(cls, type):
            cls = cls()
        if cls not in self._cache:
            self._cache[cls] = lambda v, p: None  # placeholder for recursive classes
            self._cache[cls] = self._compile_object(cls)
        return self._cache[cls]

    def decode(self, cls, value: Any):
        return self.decoder(cls)(value, "")

    # -- compilation -------------------------------------------------------------------------

    def _compile_object(self, cls: type[Any]) -> Decoder:
        table: dict[str, tuple[str, bool, Decoder | None, str]] = {}
        for a in attrs.fields(cls):
            meta = a.metadata
            if "wire" not in meta or meta["wire"].lower() in self.drop:
                continue
            sub = self._compile_kind(meta["kind"])
            table[meta["wire"].lower()] = (a.name, False, sub, meta["wire"])
            for alias in meta["aliases"]:
                table[alias.lower()] = (a.name, True, sub, meta["wire"])
        for ignored in getattr(cls, "__wire_ignored__", ()):
            table[ignored] = ("", False, None, "")
        lenient = getattr(cls, "__wire_lenient__", False)
        schema = self

        def decode_object(value: Any, path: str):
            if not isinstance(value, dict):
                raise schema.mismatch(value, path, cls.__go_name__)
            canonical: dict[str, Any] = {}
            aliased: dict[str, Any] = {}
            prefix = path + "." if path else ""
            for key, item in value.items():
                entry = table.get(key.lower())
                if entry is None:
                    if lenient:
                        continue
                    raise DecodeError(messages.JSON_UNKNOWN_FIELD.format(key=key))
                attr, is_alias, sub, go_field = entry
                if sub is None or item is None:
                    continue
                (aliased if is_alias else canonical)[attr] = sub(item, prefix + go_field)
            for attr, item in aliased.items():
                if not canonical.get(attr):
                    canonical[attr] = item
            return cls(**canonical)

        return decode_object

    def _compile_kind(self, kind) -> Decoder:
        if isinstance(kind, tuple):
            shape, target = kind
            if shape == "obj":
                return lambda v, p: self.decoder(target)(v, p)
            container = self._compile_list if shape == "list" else self._compile_map
            return container(lambda v, p: self.decoder(target)(v, p), getattr(target, "__go_name__", "struct"))
        return _SCALARS[kind](self)

    def _compile_list(self, item: Decoder, go_item: str) -> Decoder:
        def decode_list(value, path):
            if not isinstance(value, list):
                raise self.mismatch(value, path, "[]" + go_item)
            return [item(v, path) for v in value]

        return decode_list

    def _compile_map(self, item: Decoder, go_item: str) -> Decoder:
        def decode_map(value, path):
            if not isinstance(value, dict):
                raise self.mismatch(value, path, "map[string]" + go_item)
            return {k: item(v, path) for k, v in value.items()}

        return decode_map


def _scalar(check: Callable[[Any], bool], go_type: str):
    def make(schema: Schema) -> Decoder:
        def decode_scalar(value, path):
            if not check(value):
                raise schema.mismatch(value, path, go_type)
            return value

        return decode_scalar

    return make


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int(schema: Schema) -> Decoder:
    """Go's int (64 bits): a JSON number that is not an integer, or is past int64, is refused with its text."""
    def decode_int(value, path):
        if _is_int(value) and INT64_MIN <= value <= INT64_MAX:
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise schema.number_mismatch(value, path, F.INT)
        raise schema.mismatch(value, path, F.INT)

    return decode_int


def _duration(schema: Schema) -> Decoder:
    def decode_duration(value, path):
        if isinstance(value, str):
            return parse_duration(value)
        if _is_int(value) and INT64_MIN <= value <= INT64_MAX:
            return value
        if _is_int(value):
            raise schema.number_mismatch(value, path, F.DURATION)
        raise schema.mismatch(value, path, F.DURATION)

    return decode_duration


def _str_list(schema: Schema) -> Decoder:
    def decode(value, path):
        if not isinstance(value, list):
            raise schema.mismatch(value, path, F.STR_LIST)
        for v in value:
            if not isinstance(v, str):
                raise schema.mismatch(v, path, "string")
        return value

    return decode


def _str_map(schema: Schema) -> Decoder:
    def decode(value, path):
        if not isinstance(value, dict):
            raise schema.mismatch(value, path, F.STR_MAP)
        for v in value.values():
            if v is not None and not isinstance(v, str):
                raise schema.mismatch(v, path, "string")
        return {k: ("" if v is None else v) for k, v in value.items()}

    return decode


def _any_map(schema: Schema) -> Decoder:
    def decode(value, path):
        if not isinstance(value, dict):
            raise schema.mismatch(value, path, F.ANY_MAP)
        return value

    return decode


def _headers(schema: Schema) -> Decoder:
    def decode(value, path):
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values() if v is not None
        ):
            raise schema.mismatch(value, path, F.HEADERS)
        return value

    return decode


_SCALARS = {
    F.STR: _scalar(lambda v: isinstance(v, str), F.STR),
    F.INT: _int,
    F.BOOL: _scalar(lambda v: isinstance(v, bool), F.BOOL),
    F.FLOAT: _scalar(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), F.FLOAT),
    F.DURATION: _duration,
    F.STR_LIST: _str_list,
    F.STR_MAP: _str_map,
    F.ANY_MAP: _any_map,
    F.HEADERS: _headers,
}
