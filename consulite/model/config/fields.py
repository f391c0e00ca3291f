"""A small declarative language for config-entry fields: Go field name, type, `alias` tags and JSON omitempty.

`decode.entries` decodes with Consul's mapstructure rules from these declarations and renders
with Go encoding/json's rules; the per-kind modules only declare fields and their rules.
"""

from __future__ import annotations

from typing import Any

import attrs

STRING, INT, UINT, FLOAT, BOOL, TIME = "string", "int", "uint64", "float64", "bool", "time.Time"
UINT32 = "uint32"
# The range of each Go integer type a field may have (int is 64 bits, as on the platforms Consul ships for)
INT_RANGES = {INT: (-(1 << 63), (1 << 63) - 1), UINT: (0, (1 << 64) - 1), UINT32: (0, (1 << 32) - 1)}
DURATION = "time.Duration"  # rendered as a Go duration string ("5s"): types with a custom MarshalJSON
DURATION_NS = "time.Duration(ns)"  # rendered as integer nanoseconds: plain time.Duration fields
ANY = "interface {}"
STR_LIST = ("list", STRING)
STR_MAP = ("map", STRING)
ANY_MAP = ("map", ANY)

_ZERO: dict[object, Any] = {
    STRING: "", INT: 0, UINT: 0, UINT32: 0, FLOAT: 0.0, BOOL: False, DURATION: 0, DURATION_NS: 0, TIME: None, ANY: None,
}


@attrs.frozen
class Field:
    name: str
    type: object
    aliases: tuple[str, ...] = ()
    omitempty: bool = True


@attrs.frozen
class Struct:
    """A Go struct; `pointer` structs are nil (omitted or null) until set, value structs always render."""

    name: str
    fields: tuple[Field, ...]
    pointer: bool = False

    def ptr(self) -> Struct:
        return attrs.evolve(self, pointer=True)


def struct(name: str, *specs: tuple[Any, ...]) -> Struct:
    """`struct("MeshGatewayConfig", ("Mode", STRING))`; a spec is (name, type[, alias or aliases][, omitempty])."""
    out = []
    for spec in specs:
        fname, ftype, *rest = spec
        aliases: tuple[str, ...] = ()
        omitempty = True
        for extra in rest:
            if isinstance(extra, bool):
                omitempty = extra
            elif isinstance(extra, str):
                aliases = (extra,)
            else:
                aliases = tuple(extra)
        out.append(Field(fname, ftype, aliases, omitempty))
    return Struct(name, tuple(out))


def struct_of(cls: type) -> Struct:
    """The config-entry view of a struct the model declares as an attrs class (`model.fields.wire`), so
    each Go struct is declared once: the wire names, Go types and alias tags come from the class."""
    from consulite.model import fields as W

    scalar = {W.STR: STRING, W.INT: INT, W.BOOL: BOOL, W.FLOAT: FLOAT, W.DURATION: DURATION,
              W.STR_LIST: STR_LIST, W.STR_MAP: STR_MAP, W.ANY_MAP: ANY_MAP}

    def field_type(kind: Any) -> Any:
        if isinstance(kind, tuple):
            shape, inner = kind
            return struct_of(inner) if shape == "obj" else (shape, struct_of(inner))
        return scalar[kind]

    fields: list[Field] = []
    for a in attrs.fields(cls):
        meta = a.metadata
        tags = tuple(dict.fromkeys((*meta["aliases"], *((meta["tag"],) if meta["tag"] else ()))))
        fields.append(Field(meta["wire"], field_type(meta["kind"]), tags))
    return Struct(vars(cls)["__go_name__"], tuple(fields))


def list_of(t: object) -> tuple[str, object]:
    return ("list", t)


def map_of(t: object) -> tuple[str, object]:
    return ("map", t)


def zero(t: object) -> Any:
    """Go's zero value for a field type (None for nil slices, maps and pointers)."""
    if isinstance(t, Struct):
        return None if t.pointer else {}
    if isinstance(t, tuple):
        return None
    return _ZERO[t]


def is_zero(t: object, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(t, Struct):
        return False if not t.pointer else value is None
    if isinstance(t, tuple):
        return len(value) == 0
    return bool(value == _ZERO[t])
