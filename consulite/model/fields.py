"""Field declarations that carry their Consul wire name, Go type and snake_case alias.

`decode.schema` compiles a strict, case-insensitive decoder from these declarations,
so each model class states once how Consul spells and types its fields.
"""

from __future__ import annotations

import attrs

# Kinds of value, named by the Go type Consul decodes them into.
STR, INT, BOOL, FLOAT = "string", "int", "bool", "float64"
DURATION = "time.Duration"
STR_LIST = "[]string"
STR_MAP = "map[string]string"
ANY_MAP = "map[string]interface {}"
HEADERS = "map[string][]string"


def obj(cls: type) -> tuple[str, type]:
    return ("obj", cls)


def list_of(cls: type) -> tuple[str, type]:
    return ("list", cls)


def map_of(cls: type) -> tuple[str, type]:
    return ("map", cls)


_ZERO = {STR: "", INT: 0, BOOL: False, FLOAT: 0.0, DURATION: 0}


def wire(name: str, kind, alias: str | tuple[str, ...] = (), default=attrs.NOTHING, tag: str = ""):
    """An attrs field named `name` on the wire, of Go kind `kind`, with optional snake_case aliases the
    register decoder honours; `tag` is the Go struct's `alias:` tag, which only mapstructure (config
    entries) honours."""
    aliases = (alias,) if isinstance(alias, str) else tuple(alias)
    meta = {"wire": name, "kind": kind, "aliases": aliases, "tag": tag}
    if default is not attrs.NOTHING:
        return attrs.field(default=default, metadata=meta)
    if kind in _ZERO:
        return attrs.field(default=_ZERO[kind], metadata=meta)
    return attrs.field(default=None, metadata=meta)
