"""Field declarations that carry their Consul wire name, Go type and snake_case alias.

`decode.schema` compiles a strict, case-insensitive decoder from these declarations,
so each model class states once how Consul spells and types its fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

# Kinds of value, named by the Go type Consul decodes them into.
STR, INT, BOOL, FLOAT = "string", "int", "bool", "float64"
DURATION = "time.Duration"
STR_LIST = "[]string"
STR_MAP = "map[string]string"
ANY_MAP = "map[string]interface {}"
HEADERS = "map[string][]string"


if TYPE_CHECKING:
    #: A decoded JSON object, as attrs fields hold it.
    JSONObject = dict[str, Any]
else:
    # Bare at run time on purpose: cattrs reads these annotations when it structures a state
    # document (decode/state.py), and `dict[str, Any]` would change what it accepts and its error texts.
    JSONObject = dict

#: A model class, or a function returning one (for a class declared further down, or its own class).
ClassRef = type | Callable[[], type]
#: A field's kind: a scalar's Go type name above, or ("obj" | "list" | "map", class).
WireKind = str | tuple[str, ClassRef]


def obj(cls: ClassRef) -> tuple[str, ClassRef]:
    return ("obj", cls)


def list_of(cls: ClassRef) -> tuple[str, ClassRef]:
    return ("list", cls)


def map_of(cls: ClassRef) -> tuple[str, ClassRef]:
    return ("map", cls)


_ZERO: dict[WireKind, Any] = {STR: "", INT: 0, BOOL: False, FLOAT: 0.0, DURATION: 0}


def wire(name: str, kind: WireKind, alias: str | tuple[str, ...] = (), default: Any = attrs.NOTHING,
         tag: str = "") -> Any:
    """An attrs field named `name` on the wire, of Go kind `kind`, with optional snake_case aliases the
    register decoder honours; `tag` is the Go struct's `alias:` tag, which only mapstructure (config
    entries) honours.

    Typed `Any`, as `attrs.field` is, so that `x: str = wire(...)` declares an attribute of type `str`.
    """
    aliases = (alias,) if isinstance(alias, str) else tuple(alias)
    meta = {"wire": name, "kind": kind, "aliases": aliases, "tag": tag}
    if default is not attrs.NOTHING:
        return attrs.field(default=default, metadata=meta)
    if kind in _ZERO:
        return attrs.field(default=_ZERO[kind], metadata=meta)
    return attrs.field(default=None, metadata=meta)
