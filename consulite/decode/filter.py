"""Consul's `?filter=` language (go-bexpr), parsed once per request and evaluated over rendered JSON objects.

Supports `==`, `!=`, `in`, `not in`, `contains`, `not contains`, `matches`, `not matches`,
`is empty`, `is not empty`, `and`, `or`, `not` and parentheses. Selectors are dotted field
names (`Meta.env`, `Proxy.Upstreams.DestinationName`); through a list they reach every element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import NoReturn, cast

from consulite import messages as M
from consulite.errors import BadRequest

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<op>==|!=|\(|\))
    | "(?P<dq>(?:[^"\\]|\\.)*)"
    | `(?P<bq>[^`]*)`
    | (?P<word>[^\s()"`=!]+)
    )""", re.VERBOSE)
_MISSING = object()
Predicate = Callable[[dict], bool]


class _Parser:
    def __init__(self, text: str, roots: Collection[str]):
        self.text = text
        self.roots = roots
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, offset)
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                self._fail(pos + len(text[pos:]) - len(text[pos:].lstrip()), "unexpected character")
            kind = cast(str, m.lastgroup)  # every alternative of _TOKEN is a named group
            start = m.start(kind)
            value = m.group(kind)
            if kind == "dq":
                try:
                    value = json.loads(f'"{value}"')
                except ValueError:
                    self._fail(start, "a valid string escape")
            self.tokens.append(("str" if kind in ("dq", "bq") else kind, value, start))
            pos = m.end()
        self.i = 0

    def _fail(self, offset: int, expected: str) -> NoReturn:
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        raise BadRequest(M.FILTER_FAILED.format(err=f"{line}:{col} ({offset}): no match found, expected: {expected}"))

    def _peek(self, ahead: int = 0) -> tuple[str, str, int] | None:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def _offset(self) -> int:
        tok = self._peek()
        return tok[2] if tok else len(self.text)

    def _word(self, *words: str) -> bool:
        tok = self._peek()
        return tok is not None and tok[0] == "word" and tok[1] in words

    def parse(self) -> Predicate:
        if not self.tokens:
            self._fail(0, "an expression")
        expr = self._or()
        if self._peek() is not None:
            self._fail(self._offset(), '"and", "or" or end of input')
        return expr

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._word("or"):
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda o: any(p(o) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._word("and"):
            self.i += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda o: all(p(o) for p in parts))

    def _not(self) -> Predicate:
        if self._word("not") and not self._is_value_op_ahead():
            self.i += 1
            inner = self._not()
            return lambda o: not inner(o)
        tok = self._peek()
        if tok is not None and tok[0] == "op" and tok[1] == "(":
            self.i += 1
            inner = self._or()
            close = self._peek()
            if close is None or close[1] != ")":
                self._fail(self._offset(), '")"')
            self.i += 1
            return inner
        return self._match()

    def _is_value_op_ahead(self) -> bool:
        nxt = self._peek(1)
        return nxt is not None and nxt[0] == "word" and nxt[1] in ("in", "contains", "matches")

    def _match(self) -> Predicate:
        first = self._peek()
        if first is None or first[0] == "op":
            self._fail(self._offset(), "a selector or a value")
        self.i += 1
        if self._word("in"):
            self.i += 1
            return self._membership(first[1], self._selector(), negate=False)
        after = self._peek(1)
        if self._word("not") and after is not None and after[1] == "in":
            self.i += 2
            return self._membership(first[1], self._selector(), negate=True)
        if first[0] != "word":
            self._fail(first[2], '"in" or "not in"')
        path = self._check_selector(first)
        tok = self._peek()
        if tok is None:
            self._fail(len(self.text), '"==", "!=", "contains", "in", "is", "matches" or "not"')
        if tok[1] in ("==", "!="):
            self.i += 1
            value = self._value()
            eq = _equals(path, value)
            return eq if tok[1] == "==" else (lambda o: not eq(o))
        negate = False
        if self._word("not"):
            negate = True
            self.i += 1
        if self._word("contains"):
            self.i += 1
            pred = self._membership(self._value(), path, negate=False, selector_first=True)
        elif self._word("matches"):
            self.i += 1
            pred = _matches(path, self._value(), self._fail, self._offset())
        elif self._word("is") and not negate:
            self.i += 1
            if self._word("not"):
                negate = True
                self.i += 1
            if not self._word("empty"):
                self._fail(self._offset(), '"empty" or "not empty"')
            self.i += 1
            pred = lambda o: _is_empty(_resolve(o, path))  # noqa: E731
        else:
            self._fail(self._offset(), '"==", "!=", "contains", "in", "is", "matches" or "not"')
        return (lambda o: not pred(o)) if negate else pred

    def _selector(self) -> list[str]:
        tok = self._peek()
        if tok is None or tok[0] != "word":
            self._fail(self._offset(), "a selector")
        self.i += 1
        return self._check_selector(tok)

    def _check_selector(self, tok) -> list[str]:
        path = tok[1].split(".")
        if path[0] not in self.roots or any(not part for part in path):
            raise BadRequest(M.FILTER_FAILED.format(err=f'Selector "{tok[1]}" is not valid'))
        return path

    def _value(self) -> str:
        tok = self._peek()
        if tok is None or tok[0] == "op":
            self._fail(self._offset(), "a value")
        self.i += 1
        return tok[1]

    @staticmethod
    def _membership(value: str, path: list[str], negate: bool, selector_first: bool = False) -> Predicate:
        def contains(o):
            target = _resolve(o, path)
            if isinstance(target, dict):
                found = value in target
            elif isinstance(target, list):
                found = any(_coerce_eq(item, value) for item in target)
            elif isinstance(target, str):
                found = value in target
            else:
                found = False
            return found != negate

        return contains


def _resolve(obj, path: list[str]):
    current = obj
    for i, part in enumerate(path):
        if isinstance(current, list):
            out = []
            for item in current:
                v = _resolve(item, path[i:])
                if isinstance(v, list):
                    out.extend(v)
                elif v is not _MISSING:
                    out.append(v)
            return out
        if not isinstance(current, dict):
            return _MISSING
        current = current.get(part, _MISSING)
        if current is _MISSING:
            return _MISSING
    return current


def _coerce_eq(actual, literal: str) -> bool:
    if isinstance(actual, bool):
        return literal.lower() == ("true" if actual else "false")
    if isinstance(actual, (int, float)):
        try:
            return float(literal) == actual
        except ValueError:
            return False
    if actual is None:
        return literal == ""
    return isinstance(actual, str) and actual == literal


def _equals(path: list[str], literal: str) -> Predicate:
    def eq(o):
        actual = _resolve(o, path)
        if actual is _MISSING:
            return literal == ""
        if isinstance(actual, list) and len(path) > 1:
            return any(_coerce_eq(a, literal) for a in actual)
        return _coerce_eq(actual, literal)

    return eq


def _matches(path: list[str], pattern: str, fail, offset: int) -> Predicate:
    try:
        regex = re.compile(pattern)
    except re.error as e:
        fail(offset, f"a valid regular expression ({e})")

    def match(o):
        actual = _resolve(o, path)
        values = actual if isinstance(actual, list) else [actual]
        return any(isinstance(v, str) and regex.search(v) is not None for v in values)

    return match


def _is_empty(value) -> bool:
    return value is _MISSING or value is None or (isinstance(value, (list, dict, str)) and len(value) == 0)


def compile_filter(text: str, roots: Collection[str]) -> Predicate:
    """A predicate over rendered objects; `BadRequest` with go-bexpr's kind of text when malformed."""
    return _Parser(text, roots).parse()
