"""Config-entry bodies as Consul decodes them (mapstructure, weakly typed) and renders them (encoding/json).

Decoding follows config-entries-and-resolver.md §2: keys translated by field name and `alias`
tags, then matched case-insensitively; weak typing ("80" -> 80, "5s" durations); a one-element
list of maps unwrapped where a struct is expected; unused keys collected as `invalid config key`.
"""

from __future__ import annotations

import datetime
import math
import re

from consulite.decode.duration import parse_duration
from consulite.decode.filter import go_quote
from consulite.errors import DecodeError
from consulite.model.config import fields as F
from consulite.model.config.fields import Struct
from consulite.model.go import format_duration, multierror, parse_bool


class _Decoding:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.unused: list[str] = []

    # -- structs -----------------------------------------------------------------------------

    def struct(self, spec: Struct, value, path: str, top: bool = False) -> dict | None:
        if isinstance(value, list):  # HookWeakDecodeFromSlice: HCL's one-element block lists
            if not value:
                return None
            if len(value) == 1 and isinstance(value[0], dict):
                value = value[0]
        if not isinstance(value, dict):
            self.errors.append(f"'{path}' expected a map, got '{_go_kind(value)}'")
            return None
        table = _tables(spec)
        data: dict = {}
        for key, item in value.items():  # HookTranslateKeys
            canon = table["aliases"].get(key.lower())
            if canon is None:
                data.setdefault(key, item)
            elif canon not in data:
                data[canon] = item
        out: dict = {}
        claimed: set[str] = set()
        lowered: dict[str, str] = {}  # each key lower-cased to the first key spelled so
        for k in data:
            lowered.setdefault(k.lower(), k)
        for f, low in table["fields"]:
            key = f.name if f.name in data else lowered.get(low)
            if key is None:
                continue
            claimed.add(key)
            if data[key] is None:
                continue
            value = self.value(f.type, data[key], f"{path}.{f.name}" if path else f.name)
            if not _is_unset(f.type, value):
                out[f.name] = value
        for key in data:
            if key not in claimed:
                self.unused.append(f"{path}.{key}" if path else key)
        return out

    # -- values ------------------------------------------------------------------------------

    def value(self, t, v, path: str):
        if isinstance(t, Struct):
            return self.struct(t, v, path)
        if isinstance(t, tuple):
            shape, item = t
            return self.list(item, v, path) if shape == "list" else self.map(item, v, path)
        return self.scalar(t, v, path)

    def list(self, item, v, path: str):
        if isinstance(v, dict) and not v:
            return []
        if not isinstance(v, list):
            v = [v]  # weak: a single value becomes a one-element slice
        return [self.value(item, x, f"{path}[{i}]") for i, x in enumerate(v)]

    def map(self, item, v, path: str):
        if item == F.ANY and isinstance(v, list) and len(v) == 1:
            v = un_slice(v)  # HookWeakDecodeFromSlice into interface{}: HCL's one-element lists
            if isinstance(v, dict):
                return v
        if isinstance(v, list) and all(isinstance(x, dict) for x in v):  # weak: a slice of maps merges into one map
            merged: dict = {}
            for x in v:
                merged.update(x)
            v = merged
        if not isinstance(v, dict):
            self.errors.append(f"'{path}' expected a map, got '{_go_kind(v)}'")
            return None
        if item == F.ANY:
            return v
        return {k: self.value(item, x, f"{path}[{k}]") for k, x in v.items()}

    def scalar(self, t: str, v, path: str):
        try:
            return _SCALAR[t](v, path)
        except _Mismatch:
            self.errors.append(f"'{path}' expected type '{_GO_TYPE.get(t, t)}', got unconvertible type "
                               f"'{_go_type(v)}', value: '{_go_value(v)}'")
        except DecodeError as e:
            self.errors.append(f"error decoding '{path}': {e.text}")
        except ValueError as e:
            self.errors.append(str(e))
        return None


def un_slice(value):
    """Consul's unSlice: a one-element list becomes its element, also inside the maps it holds."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        return {k: un_slice(v) for k, v in value.items()}
    return value


def _is_unset(t, value) -> bool:
    """Canonical bodies leave out what renders the same as absent: zero scalars, empty value structs and
    empty slices or maps (pointer structs stay: set-but-empty differs from nil)."""
    if value is None:
        return True
    if isinstance(t, Struct):
        return not t.pointer and value == {}
    if isinstance(t, tuple):
        return len(value) == 0
    return F.is_zero(t, value)


class _Mismatch(Exception):
    pass


def _to_string(v, path):
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _format_float(v)
    raise _Mismatch


def _to_int(v, path, go_type=F.INT):
    """mapstructure's weakly typed decodeInt/decodeUint into a Go integer of `go_type` (int, uint64, uint32)."""
    lo, hi = F.INT_RANGES[go_type]
    unsigned = lo == 0
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str):
        return _parse_go_int(v, path, go_type)
    if isinstance(v, int):
        n = v
    elif isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(_overflow(path, v, go_type))
        n = int(v)
    else:
        raise _Mismatch
    if unsigned and n < 0:
        raise ValueError(f"cannot parse '{path}', {n} overflows uint")
    if not lo <= n <= hi:
        # Consul converts the float64 of a JSON number with no check (the result is implementation-defined);
        # consulite refuses, in the words mapstructure uses for a negative number into a uint.
        raise ValueError(_overflow(path, v, go_type))
    return n


def _overflow(path: str, v, go_type: str) -> str:
    return f"cannot parse '{path}', {float(v):f} overflows {go_type}"


_GO_INT_LITERAL = re.compile(r"([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*"
                             r"|[1-9](?:_?[0-9])*)")
_GO_BASES = {"x": 16, "b": 2, "o": 8}


def _parse_go_int(text: str, path: str, go_type: str) -> int:
    """strconv.ParseInt / ParseUint with base 0 and the bit size of `go_type`, as mapstructure calls them."""
    lo, hi = F.INT_RANGES[go_type]
    unsigned = lo == 0
    what, func = ("uint", "ParseUint") if unsigned else ("int", "ParseInt")
    if text == "":
        return 0  # weak decoding: an empty string is the zero value
    m = _GO_INT_LITERAL.fullmatch(text)
    if m is None or (unsigned and m.group(1)):
        raise ValueError(f"cannot parse '{path}' as {what}: strconv.{func}: parsing {go_quote(text)}: invalid syntax")
    body = m.group(2).replace("_", "")
    base = 10
    if len(body) > 1 and body[0] == "0":
        base = _GO_BASES.get(body[1].lower(), 8)
        body = body[2:] if base != 8 or body[1] in "oO" else body[1:]
    body = body.lstrip("0") or "0"
    n = int(body, base) if len(body) <= 80 else hi + 1  # longer than any 64-bit value: out of range
    if m.group(1) == "-":
        n = -n
    if not lo <= n <= hi:
        raise ValueError(f"cannot parse '{path}' as {what}: strconv.{func}: parsing {go_quote(text)}: "
                         "value out of range")
    return n


def _to_float(v, path):
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        if v == "":
            return 0.0
        try:
            f = float(v)
        except ValueError:
            raise ValueError(f"cannot parse '{path}' as float: strconv.ParseFloat: parsing {go_quote(v)}: "
                             "invalid syntax") from None
        if math.isinf(f) and "inf" not in v.lower():
            raise ValueError(f"cannot parse '{path}' as float: strconv.ParseFloat: parsing {go_quote(v)}: "
                             "value out of range")
        return f
    raise _Mismatch


def _to_bool(v, path):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str):
        if v == "":
            return False
        parsed = parse_bool(v)
        if parsed is not None:
            return parsed
        raise ValueError(f"cannot parse '{path}' as bool: strconv.ParseBool: parsing \"{v}\": invalid syntax")
    raise _Mismatch


def _to_duration(v, path):
    if isinstance(v, str):
        return parse_duration(v)
    return _to_int(v, path)


def _to_time(v, path):
    if isinstance(v, str):
        try:
            datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            raise DecodeError(f'parsing time "{v}" as "2006-01-02T15:04:05Z07:00": cannot parse') from None
        return v
    raise _Mismatch


_SCALAR = {
    F.STRING: _to_string, F.INT: _to_int, F.UINT: lambda v, p: _to_int(v, p, F.UINT),
    F.UINT32: lambda v, p: _to_int(v, p, F.UINT32), F.FLOAT: _to_float,
    F.BOOL: _to_bool, F.DURATION: _to_duration, F.DURATION_NS: _to_duration, F.TIME: _to_time,
    F.ANY: lambda v, p: v,
}
_GO_TYPE = {F.DURATION: "int64", F.DURATION_NS: "int64"}


def _go_kind(v) -> str:
    return {str: "string", bool: "bool", int: "float64", float: "float64", list: "slice", dict: "map"}.get(
        type(v), "interface")


def _go_type(v) -> str:
    return {str: "string", bool: "bool", int: "float64", float: "float64", list: "[]interface {}",
            dict: "map[string]interface {}"}.get(type(v), "interface {}")


def _go_value(v) -> str:
    if isinstance(v, list):
        return "[" + " ".join(_go_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_value(x)}" for k, x in sorted(v.items())) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _format_float(v)
    return str(v)


def _format_float(v: float) -> str:
    return str(int(v)) if v.is_integer() else repr(v)


_TABLE_CACHE: dict[int, dict] = {}


def _tables(spec: Struct) -> dict:
    key = id(spec)
    if key not in _TABLE_CACHE:
        aliases: dict[str, str] = {}
        for f in spec.fields:
            aliases[f.name.lower()] = f.name.lower()
            for a in f.aliases:
                aliases[a.lower()] = f.name.lower()
        _TABLE_CACHE[key] = {"aliases": aliases, "spec": spec, "fields": [(f, f.name.lower()) for f in spec.fields]}
    return _TABLE_CACHE[key]


def decode_body(spec: Struct, raw: dict, enterprise: bool) -> dict:
    """The typed body of a config entry, or DecodeError with Consul's text (§2 steps 3-5)."""
    d = _Decoding()
    body = d.struct(spec, raw, "", top=True) or {}
    if d.errors:
        points = sorted(f"* {e}" for e in d.errors)
        raise DecodeError(f"{len(points)} error(s) decoding:\n\n" + "\n".join(points))
    problems = []
    for key in d.unused:
        low = key.lower()
        if key in ("CreateIndex", "ModifyIndex", "kind", "Kind"):
            continue
        if not enterprise and low.endswith("namespace"):
            problems.append(f'invalid config key "{key}", namespaces are a consul enterprise feature')
        elif not enterprise and "jwt" in low:
            problems.append(f'invalid config key "{key}", api-gateway jwt validation is a consul enterprise feature')
        else:
            problems.append(f'invalid config key "{key}"')
    if problems:
        raise DecodeError(multierror(problems))
    return body


def render_body(spec: Struct, body: dict) -> dict:
    """Go encoding/json of the struct: field order, omitempty, value structs always present."""
    out: dict = {}
    for f in spec.fields:
        value = body.get(f.name)
        if value is None:
            value = F.zero(f.type)
        if f.omitempty and F.is_zero(f.type, value):
            continue
        out[f.name] = _render_value(f.type, value)
    return out


def _render_value(t, value):
    if value is None:
        return None
    if isinstance(t, Struct):
        return render_body(t, value)
    if isinstance(t, tuple):
        shape, item = t
        if shape == "list":
            return [_render_value(item, v) for v in value]
        return value if item == F.ANY else {k: _render_value(item, v) for k, v in value.items()}
    if t == F.DURATION:
        return format_duration(value)
    return value
