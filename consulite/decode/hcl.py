"""Consul's HCL: HCL version 1 (hashicorp/hcl v1.0.0), parsed into the shape Go's `hcl.Decode` gives a
`map[string]interface{}` (reference hcl.md, rules A).

Every object (block or `= {}`) becomes a list of maps, repeated keys concatenate, labeled blocks nest
(`service "web" {}` -> `{"service": [{"web": [{}]}]}`), objects inside lists stay plain maps; strings keep
`${...}` literally; heredocs keep their final newline; a document starting with `{` is JSON.
"""

from __future__ import annotations

import json
import re
from typing import NoReturn

from consulite.errors import DecodeError

_IDENT_START = re.compile(r"[A-Za-z_]")
_IDENT = re.compile(r"[A-Za-z0-9_\-.]*")
_NUMBER = re.compile(r"-?(0[xX][0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "/": "/"}


class HCLError(DecodeError):
    """A parse error at a line and column (1-based), worded as hashicorp/hcl v1 words it."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(f"At {line}:{col}: {message}")
        self.line, self.col = line, col


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def where(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def fail(self, pos: int, message: str) -> NoReturn:
        raise HCLError(*self.where(pos), message)

    def tokens(self):
        text, n = self.text, len(self.text)
        while True:
            pos = self._skip_space_and_comments()
            if pos >= n:
                while True:
                    yield ("EOF", None, pos)
            ch = text[pos]
            if ch in "{}[],=":
                self.pos = pos + 1
                yield ({"{": "LBRACE", "}": "RBRACE", "[": "LBRACK", "]": "RBRACK", ",": "COMMA",
                        "=": "ASSIGN"}[ch], ch, pos)
            elif ch == '"':
                yield ("STRING", self._string(pos), pos)
            elif ch == "<":
                yield ("HEREDOC", self._heredoc(pos), pos)
            elif ch.isdigit() or (ch == "-" and pos + 1 < n and text[pos + 1].isdigit()):
                m = _NUMBER.match(text, pos)
                assert m is not None  # a digit, or "-" and a digit, starts a _NUMBER
                self.pos = m.end()
                raw = m.group(0)
                if m.group(2) or m.group(3):
                    yield ("FLOAT", float(raw), pos)
                else:
                    yield ("NUMBER", _parse_int(raw), pos)
            elif _IDENT_START.match(ch) or ch.isalpha():
                m = _IDENT.match(text, pos + 1)
                assert m is not None  # _IDENT matches the empty string
                self.pos = m.end()
                word = text[pos:m.end()]
                if word in ("true", "false"):
                    yield ("BOOL", word == "true", pos)
                else:
                    yield ("IDENT", word, pos)
            elif ch == ".":
                self.pos = pos + 1
                yield ("PERIOD", ".", pos)
            else:
                self.fail(pos, "illegal char")

    def _skip_space_and_comments(self) -> int:
        text, n, pos = self.text, len(self.text), self.pos
        while pos < n:
            ch = text[pos]
            if ch in " \t\r\n":
                pos += 1
            elif ch == "#" or text.startswith("//", pos):
                end = text.find("\n", pos)
                pos = n if end < 0 else end
            elif text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                if end < 0:
                    self.fail(pos, "comment not terminated")
                pos = end + 2
            elif ch == "/":
                self.fail(pos, "expected '/' for comment")
            else:
                break
        self.pos = pos
        return pos

    def _string(self, start: int) -> str:
        """A quoted string; `${...}` is kept as written (braces may nest and hold quotes)."""
        text, n = self.text, len(self.text)
        out: list[str] = []
        pos, depth = start + 1, 0
        while True:
            if pos >= n or text[pos] == "\n":
                self.fail(start, "literal not terminated")
            ch = text[pos]
            if ch == '"' and depth == 0:
                self.pos = pos + 1
                return "".join(out)
            if ch == "\\" and depth == 0:
                nxt = text[pos + 1] if pos + 1 < n else ""
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    pos += 2
                    continue
                if nxt in "uU":
                    size = 4 if nxt == "u" else 8
                    digits = text[pos + 2:pos + 2 + size]
                    if len(digits) != size or not all(c in "0123456789abcdefABCDEF" for c in digits):
                        self.fail(pos, "illegal char escape")
                    out.append(chr(int(digits, 16)))
                    pos += 2 + size
                    continue
                self.fail(pos, "illegal char escape")
            if ch == "$" and text.startswith("${", pos):
                depth += 1
                out.append("${")
                pos += 2
                continue
            if ch == "}" and depth:
                depth -= 1
            out.append(ch)
            pos += 1

    def _heredoc(self, start: int) -> str:
        text = self.text
        if not text.startswith("<<", start):
            self.fail(start, "heredoc expected second '<', didn't see it")
        pos = start + 2
        indented = text.startswith("-", pos)
        if indented:
            pos += 1
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*").match(text, pos)
        if m is None:
            self.fail(pos, "heredoc anchor not found")
        anchor = m.group(0)
        eol = text.find("\n", m.end())
        if eol < 0 or text[m.end():eol].strip("\r") != "":
            self.fail(start, "heredoc not terminated")
        lines: list[str] = []
        pos = eol + 1
        while True:
            if pos >= len(text):
                self.fail(start, "heredoc not terminated")
            end = text.find("\n", pos)
            line = text[pos:] if end < 0 else text[pos:end]
            candidate = line.rstrip("\r")
            # the closing marker may be indented; hcl v1 needs a `<<-` marker line longer than "-" + anchor
            if candidate.lstrip(" \t") == anchor and (not indented or candidate != anchor):
                self.pos = len(text) if end < 0 else end
                return _heredoc_value(lines, candidate[:len(candidate) - len(anchor)], indented)
            lines.append(line)
            pos = len(text) if end < 0 else end + 1


def _heredoc_value(lines: list[str], marker_indent: str, indented: bool) -> str:
    """HCL1 (rule A5): `<<EOF` is the lines, each with its newline, plus the closing marker's indentation;
    `<<-EOF` removes the marker's indentation from every line when all lines have it."""
    if not indented:
        return "".join(line + "\n" for line in lines) + marker_indent
    if marker_indent and all(line.startswith(marker_indent) for line in lines):
        lines = [line[len(marker_indent):] for line in lines]
    return "".join(line + "\n" for line in lines)


def _parse_int(raw: str) -> int:
    """HCL v1 reads a NUMBER with strconv.ParseInt(text, 0, 0): past int64 it is Go's range error."""
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("-")
    if len(digits.lstrip("0xX")) > 40:  # past any int64 in any base HCL allows; int() would refuse it anyway
        raise DecodeError(f'strconv.ParseInt: parsing "{raw}": value out of range')
    if digits[:2] in ("0x", "0X"):
        n = sign * int(digits[2:], 16)
    elif len(digits) > 1 and digits.startswith("0") and all(c in "01234567" for c in digits):
        n = sign * int(digits, 8)
    else:
        n = sign * int(digits)
    if not -(1 << 63) <= n < (1 << 63):
        raise DecodeError(f'strconv.ParseInt: parsing "{raw}": value out of range')
    return n


class _Parser:
    def __init__(self, text: str):
        self.lexer = _Lexer(text)
        self.tokens = self.lexer.tokens()
        self.peeked: list = []

    def next(self):
        return self.peeked.pop() if self.peeked else next(self.tokens)

    def back(self, tok) -> None:
        self.peeked.append(tok)

    def fail(self, tok, message: str) -> NoReturn:
        self.lexer.fail(tok[2], message)

    def document(self) -> dict:
        return self.object_list(inside=False)

    def object_list(self, inside: bool) -> dict:
        out: dict = {}
        while True:
            tok = self.next()
            if tok[0] == "EOF":
                if inside:
                    self.fail(tok, "object expected closing RBRACE got: EOF")
                return out
            if inside and tok[0] == "RBRACE":
                self.back(tok)
                return out
            self.back(tok)
            self.object_item(out)
            tok = self.next()
            if tok[0] != "COMMA":
                self.back(tok)

    def object_item(self, out: dict) -> None:
        keys: list[str] = []
        while True:
            tok = self.next()
            kind = tok[0]
            if kind == "EOF":  # hcl v1 drops keys that reach the end of input without a value
                self.back(tok)
                return
            if kind in ("IDENT", "STRING"):
                keys.append(tok[1])
                continue
            if kind == "ASSIGN":
                if len(keys) > 1:
                    self.fail(tok, "nested object expected: LBRACE got: ASSIGN")
                if not keys:
                    self.fail(tok, "no object keys found!")
                _put(out, keys, self.value())
                return
            if kind == "LBRACE":
                if not keys:
                    self.fail(tok, "expected: IDENT | STRING got: LBRACE")
                _put(out, keys, self.object_body())
                return
            self.fail(tok, f"expected: IDENT | STRING | ASSIGN | LBRACE got: {kind}")

    def object_body(self) -> list:
        body = self.object_list(inside=True)
        self.next()  # the RBRACE
        return [body]

    def value(self):
        tok = self.next()
        kind = tok[0]
        if kind in ("NUMBER", "FLOAT", "BOOL", "STRING", "HEREDOC"):
            return tok[1]
        if kind == "LBRACE":
            return self.object_body()
        if kind == "LBRACK":
            return self.list()
        self.fail(tok, f"Unknown token: {kind} {tok[1] if tok[1] is not None else ''}".rstrip())

    def list(self) -> list:
        items: list = []
        need_comma = False
        while True:
            tok = self.next()
            kind = tok[0]
            if kind == "RBRACK":
                return items
            if need_comma:
                if kind != "COMMA":
                    self.fail(tok, f"unexpected token while parsing list: {kind}")
                need_comma = False
                continue
            if kind in ("NUMBER", "FLOAT", "BOOL", "STRING", "HEREDOC"):
                items.append(tok[1])
            elif kind == "LBRACE":
                items.append(self.object_body()[0])  # objects in lists stay plain maps
            elif kind == "LBRACK":
                items.append(self.list())
            else:
                self.fail(tok, f"unexpected token while parsing list: {kind}")
            need_comma = True


def _put(out: dict, keys: list[str], value) -> None:
    """Assign `keys[0] "keys[1]" ... = value`: labels nest as one-element lists of maps; objects concatenate."""
    for key in reversed(keys[1:]):
        value = [{key: value}]
    key = keys[0]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and \
            isinstance(out.get(key), list) and _is_object_list(out[key]):
        out[key] = out[key] + value
    else:
        out[key] = value


def _is_object_list(value: list) -> bool:
    return bool(value) and all(isinstance(v, dict) for v in value)


def _from_json(value, top: bool = True):
    """HCL1's JSON parser gives the same shape: nested objects become lists of maps."""
    if isinstance(value, dict):
        converted = {k: _from_json(v, top=False) for k, v in value.items()}
        return converted if top else [converted]
    if isinstance(value, list):
        return [_from_json(v, top=True) if isinstance(v, dict) else _from_json(v, top=False) for v in value]
    return value


def loads(text: str) -> dict:
    """The HCL1 value of `text` (a JSON document when it starts with `{`); HCLError on bad input."""
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise HCLError(e.lineno, e.colno, "illegal char") from None
        if not isinstance(value, dict):
            raise HCLError(1, 1, "illegal char")
        return _from_json(value)
    return _Parser(text).document()
