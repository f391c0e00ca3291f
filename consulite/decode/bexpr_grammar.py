"""go-bexpr v0.1.2's filter grammar, parsed as its pigeon-generated PEG parser parses it.

The grammar is written out below as data (one rule per line, as in go-bexpr's grammar.peg) and run by a
small PEG interpreter with pigeon's error reporting: every literal and character class that fails at the
farthest offset is an expectation (inverted under `!`), and when nothing matches the error names them
sorted, as `L:C (O): no match found, expected: ...`. Errors from the grammar's code blocks ("Unmatched
parentheses", a string `strconv.Unquote` refuses, ...) carry `rule <display name>` and fail the parse even
when a later alternative matches, as pigeon's do. Results are memoised per (rule, offset) so nesting is
linear (pigeon's optimised parser re-parses; the results are the same).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import attrs

from consulite.decode.go_text import go_quote, go_unquote


@attrs.frozen
class Match:
    selector: tuple[str, ...]
    op: str  # go-bexpr's MatchOperator name: "Equal", "Not Equal", "In", ..., "Not Matches"
    raw: str | None  # the value as written (unquoted); None for "is empty" / "is not empty"


@attrs.frozen
class Not:
    operand: Any


@attrs.frozen
class Bool:
    op: str  # "and" | "or"
    left: Any
    right: Any


class ParseError(Exception):
    """The text go-bexpr's parser gives (without CreateFilter's prefix)."""


_ANY = ("any",)
_WS = ("rule", "_")


def _lit(s: str):
    return ("lit", s)


def _cls(display: str, test: Callable[[str], bool]):
    return ("cls", display, test)


def _seq(*items):
    return ("seq", items)


def _alt(*items):
    return ("alt", items)


def _opt(e):
    return ("opt", e)


def _ref(name: str):
    return ("rule", name)


def _kw(*words: str, tail: bool = True):
    """`_ "w1" _ "w2" ... _`: an operator keyword between required whitespace."""
    items: list = []
    for w in words:
        items += [_WS, _lit(w)]
    return _seq(*items, *([_WS] if tail else []))


def _act(e, fn):
    return ("act", e, fn)


def _fail(message: str):
    return ("fail", message)


_OPS_WITH_VALUE = ["MatchEqual", "MatchNotEqual", "MatchContains", "MatchNotContains", "MatchMatches",
                   "MatchNotMatches"]
_ALPHA = _cls("[a-zA-Z]", lambda c: c.isascii() and c.isalpha())
_WORD = _cls("[a-zA-Z0-9_]", lambda c: c.isascii() and (c.isalnum() or c == "_"))
_DIGIT = _cls("[0-9]", lambda c: "0" <= c <= "9")

# name -> (display name or None, expression)
RULES: dict[str, tuple[str | None, Any]] = {
    "Input": (None, _alt(
        _act(_seq(_opt(_WS), _lit("("), _opt(_WS), _ref("OrExpression"), _opt(_WS), _lit(")"), _opt(_WS),
                  _ref("EOF")), lambda v, t: v[3]),
        _act(_seq(_opt(_WS), _ref("OrExpression"), _opt(_WS), _ref("EOF")), lambda v, t: v[1]))),
    "OrExpression": (None, _alt(
        _act(_seq(_ref("AndExpression"), _WS, _lit("or"), _WS, _ref("OrExpression")),
             lambda v, t: Bool("or", v[0], v[4])),
        _ref("AndExpression"))),
    "AndExpression": (None, _alt(
        _act(_seq(_ref("NotExpression"), _WS, _lit("and"), _WS, _ref("AndExpression")),
             lambda v, t: Bool("and", v[0], v[4])),
        _ref("NotExpression"))),
    "NotExpression": (None, _alt(
        _act(_seq(_lit("not"), _WS, _ref("NotExpression")), lambda v, t: Not(v[2])),
        _ref("ParenthesizedExpression"))),
    "ParenthesizedExpression": ('"grouping"', _alt(
        _act(_seq(_lit("("), _opt(_WS), _ref("OrExpression"), _opt(_WS), _lit(")")), lambda v, t: v[2]),
        _ref("MatchExpression"),
        _seq(_lit("("), _opt(_WS), _ref("OrExpression"), _opt(_WS), ("not", _lit(")")),
             _fail("Unmatched parentheses")))),
    "MatchExpression": ('"match"', _alt(_ref("MatchSelectorOpValue"), _ref("MatchSelectorOp"),
                                        _ref("MatchValueOpSelector"))),
    "MatchSelectorOpValue": ('"match"', _act(
        _seq(_ref("Selector"), _alt(*map(_ref, _OPS_WITH_VALUE)), _ref("Value")),
        lambda v, t: Match(v[0], v[1], v[2]))),
    "MatchSelectorOp": ('"match"', _act(
        _seq(_ref("Selector"), _alt(_ref("MatchIsEmpty"), _ref("MatchIsNotEmpty"))),
        lambda v, t: Match(v[0], v[1], None))),
    "MatchValueOpSelector": ('"match"', _alt(
        _act(_seq(_ref("Value"), _alt(_ref("MatchIn"), _ref("MatchNotIn")), _ref("Selector")),
             lambda v, t: Match(v[2], v[1], v[0])),
        _seq(_ref("Value"), _alt(_ref("MatchIn"), _ref("MatchNotIn")), ("not", _ref("Selector")),
             _fail("Invalid selector")))),
    "MatchEqual": (None, _act(_seq(_opt(_WS), _lit("=="), _opt(_WS)), lambda v, t: "Equal")),
    "MatchNotEqual": (None, _act(_seq(_opt(_WS), _lit("!="), _opt(_WS)), lambda v, t: "Not Equal")),
    "MatchIsEmpty": (None, _act(_kw("is", "empty", tail=False), lambda v, t: "Is Empty")),
    "MatchIsNotEmpty": (None, _act(_kw("is", "not", "empty", tail=False), lambda v, t: "Is Not Empty")),
    "MatchIn": (None, _act(_kw("in"), lambda v, t: "In")),
    "MatchNotIn": (None, _act(_kw("not", "in"), lambda v, t: "Not In")),
    "MatchContains": (None, _act(_kw("contains"), lambda v, t: "In")),
    "MatchNotContains": (None, _act(_kw("not", "contains"), lambda v, t: "Not In")),
    "MatchMatches": (None, _act(_kw("matches"), lambda v, t: "Matches")),
    "MatchNotMatches": (None, _act(_kw("not", "matches"), lambda v, t: "Not Matches")),
    "Selector": ('"selector"', _act(_seq(_ref("Identifier"), ("star", _ref("SelectorOrIndex"))),
                                    lambda v, t: (v[0], *v[1]))),
    "Identifier": (None, _act(_seq(_ALPHA, ("star", _WORD)), lambda v, t: t)),
    "SelectorOrIndex": (None, _alt(_act(_seq(_lit("."), _ref("Identifier")), lambda v, t: v[1]),
                                   _ref("IndexExpression"))),
    "IndexExpression": ('"index"', _alt(
        _act(_seq(_lit("["), _opt(_WS), _ref("StringLiteral"), _opt(_WS), _lit("]")), lambda v, t: v[2]),
        _seq(_lit("["), _opt(_WS), ("not", _ref("StringLiteral")), _fail("Invalid index")),
        _seq(_lit("["), _opt(_WS), _ref("StringLiteral"), _opt(_WS), ("not", _lit("]")),
             _fail("Unclosed index expression")))),
    "Value": ('"value"', _alt(_act(_ref("Selector"), lambda v, t: ".".join(x or "" for x in v)),
                              _ref("NumberLiteral"), _ref("StringLiteral"))),
    "NumberLiteral": ('"number"', _alt(
        _act(_seq(_opt(_lit("-")), _ref("IntegerOrFloat"), ("and", _ref("AfterNumbers"))), lambda v, t: t),
        _seq(_opt(_lit("-")), _ref("IntegerOrFloat"), ("not", _ref("AfterNumbers")),
             _fail("Invalid number literal")))),
    "AfterNumbers": (None, ("and", _alt(_WS, _ref("EOF"), _lit(")")))),
    "IntegerOrFloat": (None, _seq(_alt(_lit("0"), _seq(_cls("[1-9]", lambda c: "1" <= c <= "9"), ("star", _DIGIT))),
                                  _opt(_seq(_lit("."), ("plus", _DIGIT))))),
    "StringLiteral": ('"string"', _alt(
        _act(_alt(_seq(_lit("`"), ("star", _ref("RawStringChar")), _lit("`")),
                  _seq(_lit('"'), ("star", _ref("DoubleStringChar")), _lit('"'))), lambda v, t: go_unquote(t)),
        _seq(_alt(_seq(_lit("`"), ("star", _ref("RawStringChar"))),
                  _seq(_lit('"'), ("star", _ref("DoubleStringChar")))), _ref("EOF"),
             _fail("Unterminated string literal")))),
    "RawStringChar": (None, _seq(("not", _lit("`")), _ANY)),
    "DoubleStringChar": (None, _seq(("not", _lit('"')), _ANY)),
    "_": ('"whitespace"', ("plus", _cls("[ \\t\\r\\n]", lambda c: c in " \t\r\n"))),
    "EOF": (None, ("not", _ANY)),
}
_FAILED = object()


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.invert = False
        self.max_fail = 0
        self.expected: set[str] = set()
        self.errors: list[tuple[int, str, str]] = []  # (offset, rule display, message)
        self.rules: list[str] = []
        self.memo: dict[tuple[str, int, bool], tuple[Any, int]] = {}

    def fail_at(self, matched: bool, pos: int, want: str) -> None:
        """pigeon's failAt: a failed match is an expectation, a successful one under `!` an inverted one."""
        if matched == self.invert and pos >= self.max_fail:
            if pos > self.max_fail:
                self.max_fail, self.expected = pos, set()
            self.expected.add("!" + want if self.invert else want)

    def error(self, pos: int, message: str) -> None:
        display = RULES[self.rules[-1]][0]
        self.errors.append((pos, f"rule {display or self.rules[-1]}", message))

    def run(self, e, pos: int) -> tuple[Any, int]:
        """(value, end) or (_FAILED, pos)."""
        kind = e[0]
        if kind == "lit":
            ok = self.text.startswith(e[1], pos)
            self.fail_at(ok, pos, go_quote(e[1]))
            return (e[1], pos + len(e[1])) if ok else (_FAILED, pos)
        if kind in ("cls", "any"):
            ok = pos < len(self.text) and (kind == "any" or e[2](self.text[pos]))
            self.fail_at(ok, pos, "." if kind == "any" else e[1])
            return (self.text[pos], pos + 1) if ok else (_FAILED, pos)
        if kind == "seq":
            values, at = [], pos
            for item in e[1]:
                v, at = self.run(item, at)
                if v is _FAILED:
                    return _FAILED, pos
                values.append(v)
            return values, at
        if kind == "alt":
            for item in e[1]:
                v, at = self.run(item, pos)
                if v is not _FAILED:
                    return v, at
            return _FAILED, pos
        if kind in ("opt", "star", "plus"):
            values, at = [], pos
            while True:
                v, nxt = self.run(e[1], at)
                if v is _FAILED:
                    break
                values.append(v)
                at = nxt
                if kind == "opt":
                    break
            if kind == "plus" and not values:
                return _FAILED, pos
            return (values[0] if values else None) if kind == "opt" else values, at
        if kind in ("not", "and"):
            if kind == "not":
                self.invert = not self.invert
            v, _ = self.run(e[1], pos)
            if kind == "not":
                self.invert = not self.invert
            return (None, pos) if (v is _FAILED) == (kind == "not") else (_FAILED, pos)
        if kind == "act":
            v, at = self.run(e[1], pos)
            if v is _FAILED:
                return v, at
            try:
                return e[2](v, self.text[pos:at]), at
            except ValueError as err:  # strconv.Unquote's error: recorded, and the value is ""
                self.error(pos, str(err))
                return "", at
        if kind == "fail":
            self.error(pos, e[1])
            return _FAILED, pos
        return self.rule(e[1], pos)

    def rule(self, name: str, pos: int) -> tuple[Any, int]:
        key = (name, pos, self.invert)
        if key not in self.memo:
            self.rules.append(name)
            self.memo[key] = self.run(RULES[name][1], pos)
            self.rules.pop()
        return self.memo[key]

    def where(self, pos: int) -> str:
        line = self.text.count("\n", 0, pos + 1 if pos < len(self.text) else pos) + 1
        col = pos - self.text.rfind("\n", 0, pos + 1 if pos < len(self.text) else pos)
        if pos < len(self.text) and self.text[pos] == "\n":
            col = 0
        return f"{line}:{col} ({len(self.text[:pos].encode('utf-8', 'surrogatepass'))})"


_FRAMES = 20_000  # about 40 Python frames per level of nesting; the caller bounds nesting (filter.MAX_DEPTH)


def parse(text: str) -> Any:
    """The AST of a filter expression; `ParseError` with go-bexpr's text when it does not parse."""
    p = _Parser(text)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _FRAMES))  # Python 3.11 frames of Python calls do not use the C stack
    try:
        tree, _ = p.rule("Input", 0)
    finally:
        sys.setrecursionlimit(limit)
    if tree is _FAILED and not p.errors:
        expected = sorted(x for x in p.expected if x != "!.") + (["EOF"] if "!." in p.expected else [])
        listed = expected[0] if len(expected) == 1 else f"{', '.join(expected[:-1])} or {expected[-1]}"
        raise ParseError(f"{p.where(p.max_fail)}: no match found, expected: {listed}")
    if p.errors:
        seen: dict[str, None] = {}
        for pos, rule, message in p.errors:
            seen.setdefault(f"{p.where(pos)}: {rule}: {message}", None)
        raise ParseError("\n".join(seen))
    return tree
