"""Consul's `?filter=` (go-bexpr v0.1.2): parsed and validated once per request against the endpoint's Go type
(`decode/filter_schema.py`), then evaluated over the rendered JSON objects as go-bexpr evaluates the structs.

As in go-bexpr: a selector names struct fields (`Proxy.Upstreams.DestinationName`), map keys (`Meta.env`,
`Meta["a.b"]`); unknown ones, operators the field's type does not allow and values that do not coerce to
the field's type (`Port == "80"` is fine, `Port == web` is not) are errors at creation; through a list an
operator holds when it holds for some element; a missing map key makes `==`, `in`, `is not empty` false and
every other operator true; a field JSON omits is its Go zero value; a selector through a nil pointer is a
panic in go-bexpr, here a 500 with consulite's text. Every refusal is a `FilterError` (500): Consul returns
go-bexpr's error as is on every filtered endpoint (1.8.7 and 1.17's agent_endpoint.go and RPC handlers).
Parentheses and `not` nest at most `MAX_DEPTH` levels (go-bexpr has no limit; a Python parser needs one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from consulite import messages as M
from consulite.decode import bexpr_grammar as G
from consulite.decode.filter_schema import ListOf, MapOf, Prim, Ptr, Struct
from consulite.decode.go_regexp import FilterError, _utf8_safe, compile_go_regexp
from consulite.decode.go_text import go_quote, parse_bool, parse_int

__all__ = ["MAX_DEPTH", "FilterError", "FilterPanic", "Predicate", "compile_filter", "compile_go_regexp", "go_quote"]

Predicate = Callable[[Any], bool]
MAX_DEPTH = 100  # nested "(" and "not" in one filter; deeper ones are refused (consulite's limit)
_ANY = ""  # go-bexpr's FieldNameAny: the key of a map
_STRING_OPS = ("Equal", "Not Equal", "In", "Not In", "Matches", "Not Matches")
_COLLECTION_OPS = ("Is Empty", "Is Not Empty", "In", "Not In")
_TRUE_ON_MISSING_KEY = ("Not Equal", "Is Empty", "Not In", "Matches", "Not Matches")


class FilterPanic(FilterError):
    """Where go-bexpr panics (a selector through a nil pointer): Consul answers nothing; consulite a 500."""


class _Config:
    """go-bexpr's FieldConfiguration of one Go type: operators, value coercion, sub-selectors."""

    def __init__(self, ops: tuple[str, ...], coerce: str | None, sub: dict[str, Any] | None):
        self.ops, self.coerce, self.sub = ops, coerce, sub


def _deref(t: Any) -> Any:
    return t.target if isinstance(t, Ptr) else t


def _config(t: Any) -> _Config:
    t = _deref(t)
    if isinstance(t, Prim):
        return _Config(_STRING_OPS if t.kind == "string" else ("Equal", "Not Equal"), t.kind, None)
    if isinstance(t, MapOf):
        return _Config(_COLLECTION_OPS, "string", {_ANY: t.value})
    if isinstance(t, ListOf):
        if isinstance(t.elem, Prim):
            return _Config(_COLLECTION_OPS, t.elem.kind, None)
        return _Config(("Is Empty", "Is Not Empty"), None, _config(t.elem).sub)
    return _Config((), None, dict(t.fields))


def _coerce(kind: str, raw: str) -> Any:
    if kind == "int":
        return parse_int(raw)
    if kind == "bool":
        return parse_bool(raw)
    return raw


def _selector(path: tuple[str, ...]) -> str:
    return go_quote(".".join(path))


class _Matcher:
    """One validated match expression: its selector's types, its operator and its coerced value."""

    def __init__(self, node: G.Match, top: Struct, regexes: dict[str, Any]):
        self.path, self.op = node.selector, node.op
        fields: dict[str, Any] | None = top.fields
        last: _Config | None = None
        for i, part in enumerate(self.path):
            key = part if fields and part in fields else _ANY if fields and _ANY in fields else None
            if key is None or fields is None:
                raise FilterError(f"Selector {_selector(self.path[:i + 1])} is not valid")
            last = _config(fields[key])
            fields = last.sub
        assert last is not None  # the grammar gives every selector one part at least
        if self.op not in last.ops:
            raise FilterError(f"Invalid match operator {go_quote(self.op)} for selector {_selector(self.path)}")
        self.value: Any = node.raw
        if node.raw is not None and last.coerce is not None:
            try:
                self.value = _coerce(last.coerce, node.raw)
            except ValueError as e:
                raise FilterError(f"Failed to coerce value {go_quote(node.raw)} for selector "
                                  f"{_selector(self.path)}: {e}") from None
        if self.op in ("Matches", "Not Matches"):
            if self.value not in regexes:  # once per pattern and filter
                regexes[self.value] = compile_go_regexp(self.value)
            self.value = regexes[self.value]

    def __call__(self, obj: Any, top: Struct) -> bool:
        return self._walk(obj, top, 0)

    def _walk(self, v: Any, t: Any, depth: int) -> bool:
        if depth >= len(self.path):
            return self._leaf(v, t)
        if isinstance(t, Struct):
            name = self.path[depth]
            ft = t.fields[name]
            fv = v.get(name) if isinstance(v, dict) else None
            if isinstance(ft, Ptr):
                if fv is None:
                    raise FilterPanic(M.FILTER_NIL_POINTER.format(
                        selector=_selector(self.path), field=_selector(self.path[:depth + 1])))
                ft = ft.target
            return self._walk(fv, ft, depth + 1)
        if isinstance(t, ListOf):
            return any(self._item(item, t.elem, depth) for item in v or ())
        key = self.path[depth]  # a map (validation leaves nothing else with sub-selectors)
        if not isinstance(v, dict) or key not in v:
            return self.op in _TRUE_ON_MISSING_KEY
        return self._walk(v[key], t.value, depth + 1)

    def _item(self, item: Any, t: Any, depth: int) -> bool:
        if item is None and isinstance(t, Ptr):  # a nil element of a list of pointers: go-bexpr's error or panic
            if depth < len(self.path):
                raise FilterError(M.FILTER_NOT_NESTED.format(selector=_selector(self.path[:depth])))
            raise FilterPanic(M.FILTER_NIL_POINTER.format(selector=_selector(self.path), field=_selector(self.path)))
        return self._walk(item, _deref(t), depth)

    def _leaf(self, v: Any, t: Any) -> bool:
        op = self.op
        negate = op.startswith("Not ") or op == "Is Not Empty"
        if op in ("Is Empty", "Is Not Empty"):
            result = not v
        elif op in ("Matches", "Not Matches"):
            result = self.value.search(_utf8_safe(_zero(v, t))) is not None
        elif op in ("In", "Not In"):
            if isinstance(t, MapOf):
                result = isinstance(v, dict) and self.value in v
            elif isinstance(t, ListOf):
                result = any(_zero(item, t.elem) == self.value for item in v or ())
            else:
                result = self.value in _zero(v, t)
        else:
            result = _zero(v, t) == self.value and type(_zero(v, t)) is type(self.value)
        return result != negate


def _zero(v: Any, t: Any) -> Any:
    """A rendered primitive as Go holds it: JSON's null or an omitted field is the type's zero value."""
    if v is None and isinstance(t, Prim):
        return {"string": "", "int": 0, "bool": False}[t.kind]
    return v


def _build(node: Any, top: Struct, regexes: dict[str, Any]) -> Callable[[Any], bool]:
    if isinstance(node, G.Match):
        m = _Matcher(node, top, regexes)
        return lambda o: m(o, top)
    if isinstance(node, G.Not):
        inner = _build(node.operand, top, regexes)
        return lambda o: not inner(o)
    left, right = _build(node.left, top, regexes), _build(node.right, top, regexes)
    if node.op == "and":
        return lambda o: left(o) and right(o)
    return lambda o: left(o) or right(o)


_TOKENS = re.compile(r'"[^"]*"?|`[^`]*`?|[A-Za-z][A-Za-z0-9_]*|\S')


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the recursive parser sees it."""
    levels, prev = [0], None  # per open parenthesis: the `not`s in force at that level
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok == "(" or (tok == "not" and prev in (None, "(", "and", "or", "not!")):
            if tok == "(":
                levels.append(0)
            else:
                levels[-1] += 1
                tok = "not!"
            if len(levels) - 1 + sum(levels) > MAX_DEPTH:
                raise FilterError(M.FILTER_TOO_DEEP.format(limit=MAX_DEPTH, offset=m.start()))
        elif tok == ")" and len(levels) > 1:
            levels.pop()
        elif tok in ("and", "or"):
            levels[-1] = 0
        prev = tok


#: about where a chain of `and`/`or` terms meets Python's recursion limit (the parser is right-recursive)
MAX_TERMS = 600


def _parse(text: str) -> Any:
    """go-bexpr's parse of an expression; FilterError with its bare text."""
    _check_depth(text)
    try:
        return G.parse(text)
    except G.ParseError as e:
        raise FilterError(str(e)) from None
    except RecursionError:  # a chain of `and`/`or` longer than Python's stack (Go's grows)
        raise FilterError(M.FILTER_TOO_LONG.format(limit=MAX_TERMS)) from None


def syntax_error(text: str) -> str | None:
    """What `bexpr.CreateEvaluator(text, nil)` refuses (a parse, no data type to check selectors against),
    None when it parses: a resolver subset's Filter."""
    try:
        _parse(text)
    except FilterError as e:
        return e.text
    return None


def compile_filter(text: str, schema: Struct, lazy: bool = False) -> Predicate:
    """A predicate over rendered objects of `schema`'s type, as `bexpr.CreateFilter(text, nil, []T)`.

    `lazy` is `CreateFilter(text, nil, nil)` (Consul's /v1/agent/checks): only parse errors at creation;
    selectors, operators and values are checked at the first object, with go-bexpr's bare text."""
    if not text:
        return lambda obj: True  # go-bexpr's nil filter
    try:
        tree = _parse(text)
    except FilterError as e:
        raise FilterError(M.FILTER_FAILED.format(err=e.text)) from None
    if not lazy:
        try:
            return _build(tree, schema, {})
        except FilterError as e:
            raise FilterError(M.FILTER_FAILED.format(err=e.text)) from None
        except RecursionError:
            raise FilterError(M.FILTER_FAILED.format(err=M.FILTER_TOO_LONG.format(limit=MAX_TERMS))) from None
    built: list[Predicate] = []

    def first_use(obj: Any) -> bool:
        if not built:
            built.append(_build(tree, schema, {}))
        return built[0](obj)

    return first_use
