"""Consul's `?filter=` language (go-bexpr), parsed once per request and evaluated over rendered JSON objects.

Supports `==`, `!=`, `in`, `not in`, `contains`, `not contains`, `matches`, `not matches`,
`is empty`, `is not empty`, `and`, `or`, `not` and parentheses. Selectors are dotted field
names (`Meta.env`, `Proxy.Upstreams.DestinationName`); through a list they reach every element.

`matches` is Go's regexp (RE2: linear time, Go's syntax and Go's parse errors), compiled once per
filter. Parentheses and `not` nest at most `MAX_DEPTH` levels (go-bexpr has no limit; a Python
parser needs one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import NoReturn, cast

import re2

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
MAX_DEPTH = 100  # nested "(" and "not" in one filter; deeper ones are refused (consulite's limit)


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
                if _SURROGATE.search(value):  # Go's strconv.Unquote refuses `\ud800`: not a code point
                    self._fail(start, "a valid string escape")
            self.tokens.append(("str" if kind in ("dq", "bq") else kind, value, start))
            pos = m.end()
        self.i = 0
        self.depth = 0
        self.regexes: dict[str, re2._Regexp] = {}

    def _nest(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadRequest(M.FILTER_FAILED.format(err=M.FILTER_TOO_DEEP.format(limit=MAX_DEPTH, offset=offset)))

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
            self._nest(self._offset())
            self.i += 1
            inner = self._not()
            self.depth -= 1
            return lambda o: not inner(o)
        tok = self._peek()
        if tok is not None and tok[0] == "op" and tok[1] == "(":
            self._nest(tok[2])
            self.i += 1
            inner = self._or()
            close = self._peek()
            if close is None or close[1] != ")":
                self._fail(self._offset(), '")"')
            self.i += 1
            self.depth -= 1
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
            pred = _matches(path, self._regex(self._value()))
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

    def _regex(self, pattern: str) -> re2._Regexp:
        """Go's `regexp.Compile` as go-bexpr v0.1.2 calls it (validate.go), once per pattern and filter."""
        if pattern not in self.regexes:
            self.regexes[pattern] = compile_go_regexp(pattern)
        return self.regexes[pattern]

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


def _matches(path: list[str], regex: re2._Regexp) -> Predicate:
    def match(o):
        actual = _resolve(o, path)
        values = actual if isinstance(actual, list) else [actual]
        return any(isinstance(v, str) and regex.search(_utf8_safe(v)) is not None for v in values)

    return match


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_safe(text: str) -> str:
    """`text` with lone surrogates as U+FFFD, the rune Go reads for bytes that are not UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# RE2's C++ parse error codes (re2/regexp.cc) and Go's regexp/syntax ErrorCode texts for the same errors.
_GO_REGEXP_ERRORS = {
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
}
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # max_mem stays RE2's 8 MiB: a bigger program is "expression too large", so that
# compiling one regex is bounded (about 0.7 s at worst measured, `[\pL\pN_-]{1,253}`; a refusal in 0.1-0.3 s). Go
# accepts a few larger ones, such as `\pL{1000}`: a documented gap.
_GO_MAX_HEIGHT = 1000


def compile_go_regexp(pattern: str) -> re2._Regexp:
    """`pattern` compiled with Go's regexp syntax; `BadRequest` with go-bexpr's text when Go refuses it.

    RE2's C++ parser accepts two things Go's does not (`\\C`, and `(?<name>` before Go 1.22, the Go
    of Consul 1.17): those are found first, and Go's error is the first one left to right.
    """
    if _SURROGATE.search(pattern):  # only from a raw query string: Go's regexp refuses text that is not UTF-8
        _regexp_error(pattern, "invalid UTF-8", _utf8_safe(pattern))
    go_only = _go_only_syntax(pattern)
    if go_only is not None:
        pos, code, arg = go_only
        _raise_re2_error(pattern, pattern[:pos], ignore={"missing )", "missing ]"})
        _regexp_error(pattern, code, arg)
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as e:
        _raise_re2_error(pattern, pattern, ignore=set(), error=e)
        raise  # not reached: _raise_re2_error always raises for an error it is given


def _raise_re2_error(pattern: str, part: str, ignore: set[str], error: re2.error | None = None) -> None:
    """Raise go-bexpr's text for RE2's parse error of `part` (a prefix of `pattern`), unless it is in `ignore`."""
    if error is None:
        try:
            re2.compile(part, options=_RE2_OPTIONS)
            return
        except re2.error as e:
            error = e
    raw = error.args[0] if error.args else b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    code, _, arg = text.partition(": ")
    if code in ignore:
        return
    if part is not pattern:  # RE2 saw a prefix only: name what Go names in the whole pattern
        if code == "unexpected )":
            arg = pattern
        elif code == "invalid escape sequence" and arg.startswith("\\x") and part.endswith(arg):  # cut short
            arg += pattern[len(part):len(part) + 1]
    if code == "invalid repetition size" and arg.endswith("}?"):  # Go names the count without the lazy `?`
        arg = arg[:-1]
    if code.startswith("pattern too large"):
        _regexp_error(pattern, "expression too large", None)
    _regexp_error(pattern, _GO_REGEXP_ERRORS.get(code, code), arg)


def _go_only_syntax(pattern: str) -> tuple[int, str, str] | None:
    """The first construct RE2 C++ accepts and Go's regexp/syntax refuses: (offset, Go code, Go's quoted arg)."""
    i, n, in_class, depth = 0, len(pattern), False, 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1:i + 2]
            if nxt == "C":
                return i, "invalid escape sequence", "\\C"
            if nxt == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                i = n if end < 0 else end + 2
                continue
            i += 2
        elif in_class:
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                i = i + 1 if end < 0 else end + 2
            else:
                in_class = c != "]"
                i += 1
        elif c == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):  # a leading ] is a literal
                i += 1
        elif pattern.startswith("(?<", i):
            return i, "invalid or unsupported Perl syntax", "(?<"
        else:
            if c == "(":
                depth += 1
                if depth >= _GO_MAX_HEIGHT:  # Go's parser limits the tree's height (approximated by groups)
                    return i, "expression nests too deeply", pattern
            elif c == ")":
                depth = max(0, depth - 1)
            i += 1
    return None


def _regexp_error(pattern: str, code: str, arg: str | None):
    go_err = M.GO_REGEXP_ERROR.format(code=code) + (f": `{arg}`" if arg is not None else "")
    raise BadRequest(M.FILTER_FAILED.format(err=M.FILTER_BAD_REGEXP.format(pattern=go_quote(pattern), err=go_err)))


def go_quote(text: str) -> str:
    """Go's `%q` of a string (strconv.Quote): short escapes, printable non-ASCII kept, \\x/\\u/\\U otherwise."""
    out = ['"']
    for ch in text:
        n = ord(ch)
        if ch in _GO_SHORT_ESCAPES:
            out.append(_GO_SHORT_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif n < 0x80:
            out.append(f"\\x{n:02x}")
        elif n < 0x10000:
            out.append(f"\\u{n:04x}")
        else:
            out.append(f"\\U{n:08x}")
    out.append('"')
    return "".join(out)


_GO_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                     "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _is_empty(value) -> bool:
    return value is _MISSING or value is None or (isinstance(value, (list, dict, str)) and len(value) == 0)


def compile_filter(text: str, roots: Collection[str]) -> Predicate:
    """A predicate over rendered objects; `BadRequest` with go-bexpr's kind of text when malformed."""
    return _Parser(text, roots).parse()
