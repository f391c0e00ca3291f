"""Consul's HCL: HCL version 1 (hashicorp/hcl v1.0.0), parsed into the shape Go's `hcl.Decode` gives a
`map[string]interface{}` (reference hcl.md, rules A).

Every object (block or `= {}`) becomes a list of maps, repeated keys concatenate, labeled blocks nest
(`service "web" {}` -> `{"service": [{"web": [{}]}]}`), objects inside lists stay plain maps; strings keep
`${...}` literally; heredocs keep their final newline; a document starting with `{` is JSON.
"""

from __future__ import annotations

import re
from typing import NoReturn

from consulite.decode.go_text import parse_int
from consulite.decode.hcl_json import loads_json
from consulite.decode.hcl_scan import (
    HCLError,
    ScanError,
    number_value,
    parse_float,
    scan_leading_period,
    scan_number,
    scan_string,
    unquote,
)
from consulite.errors import DecodeError


def _is_decimal(ch: str) -> bool:
    return ch != "" and "0" <= ch <= "9"


def _is_letter(ch: str) -> bool:
    """hcl's isLetter: ASCII letters, `_`, and letters past ASCII."""
    return (ch.isascii() and (ch.isalpha() or ch == "_")) or (not ch.isascii() and ch.isalpha())


def _is_digit(ch: str) -> bool:
    return _is_decimal(ch) or (not ch.isascii() and ch.isdecimal())



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
            elif _is_decimal(ch) or (ch == "-" and _is_decimal(text[pos + 1:pos + 2])):
                kind, end = self._scan(scan_number, pos + (ch == "-"))
                yield (kind, text[pos:end], pos)
            elif ch == "." and _is_decimal(text[pos + 1:pos + 2]):
                end = scan_leading_period(text, pos)
                self.pos = end
                yield ("FLOAT", text[pos:end], pos)
            elif _is_letter(ch):
                end = pos + 1
                while end < n and (_is_letter(text[end]) or _is_digit(text[end]) or text[end] in "-."):
                    end += 1
                self.pos = end
                word = text[pos:end]
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

    def _scan(self, scan, pos: int):
        try:
            kind, end = scan(self.text, pos)
        except ScanError as e:
            self.fail(e.pos, e.message)
        self.pos = end
        return kind, end

    def _string(self, start: int) -> str:
        """A quoted string; `${...}` is kept as written (braces may nest and hold quotes)."""
        try:
            end = scan_string(self.text, start)
            self.pos = end
            return unquote(self.text[start:end])
        except ScanError as e:
            self.fail(e.pos, e.message)
        except ValueError:  # hcl's decoder panics on a literal its Unquote refuses
            self.fail(start, "invalid string literal")

    def _heredoc(self, start: int) -> str:
        """hcl's scanHeredoc: `<<` or `<<-`, an anchor of letters and digits, then lines up to one that is
        the anchor (after any white space, before any `\r`) and ends with a newline."""
        text, n = self.text, len(self.text)
        if not text.startswith("<<", start):
            self.fail(start, "heredoc expected second '<', didn't see it")
        pos = start + 2 + text.startswith("-", start + 2)
        while pos < n and (_is_letter(text[pos]) or _is_digit(text[pos])):
            pos += 1
        if pos >= n:
            self.fail(pos, "heredoc not terminated")
        if text.startswith("\r\n", pos):
            pos += 1
        if text[pos] != "\n":
            self.fail(pos, "invalid characters in heredoc anchor")
        ident = text[start + 2:pos]
        if ident in ("", "-"):
            self.fail(pos, "zero-length heredoc anchor")
        closing = re.compile(r"[\t\n\v\f\r ]*" + re.escape(ident[1:] if ident.startswith("-") else ident) + r"\r*")
        line_start = pos + 1
        while True:
            nl = text.find("\n", line_start)
            if nl < 0:
                self.fail(n, "heredoc not terminated")
            line = text[line_start:nl]
            if len(line.encode()) >= len(ident.encode()) and closing.fullmatch(line):
                self.pos = nl + 1
                return _heredoc_value(text[start:nl + 1])
            line_start = nl + 1


def _heredoc_value(token: str) -> str:
    """hcl's unindentHeredoc over the token's bytes: the lines between the marker lines; `<<-` removes the
    closing marker's indentation from every line when all lines have it."""
    doc = token.encode("utf-8", "surrogatepass")
    idx = doc.index(b"\n")
    end = len(doc) - idx + 1
    if idx + 1 > end:  # Go's slice bounds: hcl panics
        raise ValueError("heredoc slice bounds out of range")
    if doc[2:3] != b"-":
        return doc[idx + 1:end].decode("utf-8", "replace")
    lines = doc[idx + 1:end + 1].split(b"\n")
    prefix = lines[-1]
    if not all(line.startswith(prefix) for line in lines):
        return doc[idx + 1:end].rstrip(b" \t").decode("utf-8", "replace")
    return b"\n".join([line[len(prefix):] for line in lines[:-1]] + [b""]).decode("utf-8", "replace")


_SCALARS = ("NUMBER", "FLOAT", "BOOL", "STRING", "HEREDOC")


class _Parser:
    """hcl v1's parser (objectList / objectItem / objectKey / object / listType) and, as items are added,
    what its decoder does into a `map[string]interface{}` with a key seen twice (`_put`)."""

    def __init__(self, text: str):
        self.lexer = _Lexer(text)
        self.tokens = self.lexer.tokens()
        self.peeked: list = []
        self.kinds: dict[tuple[int, str], str] = {}  # (id of a map, key) -> "labeled", "object", "list" or a literal

    def next(self):
        return self.peeked.pop() if self.peeked else next(self.tokens)

    def back(self, tok) -> None:
        self.peeked.append(tok)

    def fail(self, tok, message: str) -> NoReturn:
        try:
            self.lexer.fail(tok[2], message)
        except HCLError as e:
            e.token = tok
            raise

    def document(self) -> dict:
        return self.object_list(inside=False)

    def object_list(self, inside: bool) -> dict:
        items: list[tuple] = []
        while True:
            tok = self.next()
            if tok[0] == "EOF":
                if inside:
                    self.fail(tok, "object expected closing RBRACE got: EOF")
                return self.assemble(items)
            if inside and tok[0] == "RBRACE":
                self.back(tok)
                return self.assemble(items)
            self.back(tok)
            try:
                item = self.object_item(items)
            except HCLError as e:
                if not inside or e.token is None or e.token[0] != "RBRACE":
                    raise
                # hcl's objectType keeps what it parsed when the error is at a `}` (the failing item dropped),
                # then reads its closing `}` after that one
                return self.assemble(items)
            if not item:
                if inside:  # `x { a =` and the end of input
                    self.fail(self.next(), "object expected closing RBRACE got: EOF")
                return self.assemble(items)
            tok = self.next()
            if tok[0] != "COMMA":
                self.back(tok)

    def object_item(self, items: list) -> bool:
        """Parse one item onto `items`; False at a bare end of input or `key =` and the end (hcl drops it)."""
        keys: list[tuple] = []
        while True:
            tok = self.next()
            kind = tok[0]
            if kind in ("IDENT", "STRING"):
                keys.append(tok)
                continue
            if kind == "ASSIGN" and len(keys) > 1:
                self.fail(tok, "nested object expected: LBRACE got: ASSIGN")
            if kind == "ASSIGN" and not keys:
                self.fail(tok, "no object keys found!")
            if kind == "LBRACE" and not keys:
                self.fail(tok, "expected: IDENT | STRING got: LBRACE")
            if kind == "EOF" and not keys:
                self.back(tok)
                return False
            if kind not in ("ASSIGN", "LBRACE", "EOF", "RBRACE"):
                self.fail(tok, f"expected: IDENT | STRING | ASSIGN | LBRACE got: {kind}")
            break
        names = [k[1] for k in keys]
        if kind == "ASSIGN":
            value = self.next()
            if value[0] == "EOF":
                self.back(value)
                return False
            items.append((names, *self.value(value)))
        elif kind == "LBRACE":
            items.append((names, self.object_body(), "labeled" if len(names) > 1 else "object"))
        else:
            shown = " ".join(self.lexer.text[k[2]:k[2] + len(k[1]) + 2] if k[0] == "STRING" else k[1] for k in keys)
            self.lexer.fail(tok[2], f"key '{shown}' expected start of object ('{{') or assignment ('=')")
        return True

    def object_body(self) -> list:
        body = self.object_list(inside=True)
        tok = self.next()
        if tok[0] != "RBRACE":
            self.fail(tok, f"object expected closing RBRACE got: {tok[0]}")
        return [body]

    def literal(self, tok):
        if tok[0] in ("NUMBER", "FLOAT"):
            try:
                return number_value(tok[0], tok[1])
            except ValueError as e:
                raise DecodeError(str(e)) from None
        return tok[1]

    def value(self, tok) -> tuple:
        """(value, kind) of the value starting at `tok`."""
        kind = tok[0]
        if kind in _SCALARS:
            return None, tok  # converted as the decoder converts it, by _put
        if kind == "LBRACE":
            return self.object_body(), "object"
        if kind == "LBRACK":
            return self.list_value(), "list"
        self.fail(tok, f"Unknown token: {kind} {tok[1] if tok[1] is not None else ''}".rstrip())

    def list_value(self) -> list:
        items: list = []
        need_comma = False
        while True:
            tok = self.next()
            kind = tok[0]
            if need_comma and kind not in ("COMMA", "RBRACK"):
                self.fail(tok, f"error parsing list, expected comma or list end, got: {kind}")
            if kind == "RBRACK":
                return [self.literal(i) if isinstance(i, tuple) else i for i in items]
            need_comma = kind in _SCALARS or kind == "LBRACE"
            if kind in _SCALARS:
                items.append(tok)  # converted once the list is complete, as hcl decodes after parsing
            elif kind == "LBRACE":
                items.append(self.object_body()[0])  # objects in lists stay plain maps
            elif kind == "LBRACK":
                items.append(self.list_value())
            elif kind != "COMMA":
                self.fail(tok, f"unexpected token while parsing list: {kind}")

    def assemble(self, items: list[tuple]) -> dict:
        """The map hcl's decoder makes of one object's items: per key in order, `_put`; but a key with labels
        takes every item whose key equals it ignoring case (ObjectList.Filter), each one labeled."""
        out: dict = {}
        done = set()
        for names, value, kind in items:
            key = names[0]
            if len(names) == 1:
                self._put(out, names, value, kind)
            elif key not in done:
                done.add(key)
                group = [(n, v, k) for n, v, k in items if n[0].casefold() == key.casefold()]
                for i, (n, _, _) in enumerate(group):
                    if len(n) == 1:
                        raise DecodeError(f"root.{key}[{i}]: map must have string keys")
                out[key] = [self.assemble([(n[1:], v, k if len(n) > 2 else "object")]) for n, v, k in group]
                self.kinds[(id(out), key)] = "labeled"
        return out

    def _put(self, out: dict, keys: list[str], value, kind) -> None:
        """Assign `keys[0] "keys[1]" ... = value`: labels nest as one-element lists of maps; a key seen again
        concatenates objects (labeled with labeled, unlabeled with unlabeled) and lists, and a literal
        converts to the type of the key's first value, as hcl's decoder does."""
        for key in reversed(keys[1:]):
            value = [{key: value}]
        key, where = keys[0], (id(out), keys[0])
        first = self.kinds.get(where)
        if first is None:
            self.kinds[where] = kind[0] if isinstance(kind, tuple) else kind
            out[key] = self.literal(kind) if isinstance(kind, tuple) else value
        elif first in ("object", "labeled") and kind in ("object", "labeled"):
            if first != kind:
                raise DecodeError(f"root.{key}: map must have string keys")
            out[key] = out[key] + value
        elif (first == "list" and kind in ("list", "object")) or \
                (first == "object" and kind == "list" and all(isinstance(v, dict) for v in value)):
            out[key] = out[key] + value
        elif isinstance(kind, tuple) and first in _SCALARS:
            out[key] = _convert(key, first, kind)
        else:
            raise DecodeError(f"root.{key}: unknown type")


def _convert(key: str, first: str, tok: tuple):
    """A literal decoded into the Go type of the key's first value (hcl decoder's decodeInt, decodeFloat, ...)."""
    kind, raw = tok[0], tok[1]
    try:
        if first == "NUMBER" and kind in ("NUMBER", "STRING"):
            return parse_int(raw)
        if first == "FLOAT" and kind in ("NUMBER", "FLOAT"):
            return parse_float(raw)
        if first == "BOOL" and kind == "BOOL":
            return raw
        if first in ("STRING", "HEREDOC") and kind in ("NUMBER", "STRING", "HEREDOC"):
            return raw
    except ValueError as e:
        raise DecodeError(str(e)) from None
    raise DecodeError(f"root.{key}: unknown type {kind}")


def loads(text: str) -> dict:
    """The HCL1 value of `text` (a JSON document when it starts with `{`); HCLError on bad input."""
    if text.lstrip().startswith("{"):
        try:
            return loads_json(text)
        except (ValueError, OverflowError, RecursionError, IndexError) as e:
            if isinstance(e, HCLError):
                raise
            text = e.text if isinstance(e, DecodeError) else f"illegal input ({type(e).__name__})"
            raise HCLError(1, 1, text) from None
    text = text.replace("\r\n", "\n")  # hcl's parser normalises line ends before it scans
    if "\x00" in text or "\ue123" in text:  # hcl's scanner refuses them wherever they are
        where = min(i for i in (text.find("\x00"), text.find("\ue123")) if i >= 0)
        raise HCLError(*_Lexer(text).where(where), "illegal character")
    try:
        return _Parser(text).document()
    except (ValueError, OverflowError, RecursionError) as e:  # never a Python error: a parse error
        raise HCLError(1, 1, f"illegal input ({type(e).__name__})") from None
