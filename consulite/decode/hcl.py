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
    EOF,
    NUL,
    HCLError,
    Scanned,
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



_IDENT = re.compile(r"[A-Za-z0-9_.\-]*")
_ONE = {"{": "LBRACE", "}": "RBRACE", "[": "LBRACK", "]": "RBRACK", ",": "COMMA", "=": "ASSIGN", "+": "ADD"}


class _Lexer(Scanned):
    """hcl's Scan: tokens as (type, text, position), comments skipped (hcl's parser skips them too).

    `pos` is the scanner's next read; past the end it counts the reads made there (see `Scanned`): an
    identifier or a number that runs to the end reads the end once more, every EOF token is one more
    read, so the EOF token's position depends on how often the parser asked for it."""

    def __init__(self, text: str):
        super().__init__(text)
        self.pos = 0

    def where(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def fail(self, pos: int, message: str) -> NoReturn:
        raise HCLError(*self.where(pos), message)

    def scan(self) -> tuple:
        text, n = self.text, self.n
        pos = self._skip_space_and_comments()
        ch = self.read(pos)
        self.pos = pos + 1
        if ch == EOF:
            return ("EOF", "", pos)
        if ch in _ONE:
            return (_ONE[ch], ch, pos)
        if ch == '"':
            self.pos = scan_string(self, pos)
            return ("STRING", text[pos:self.pos], pos)
        if _is_decimal(ch) or (ch == "-" and _is_decimal(text[pos + 1:pos + 2])):
            kind, self.pos = scan_number(self, pos + (ch == "-"))
            return (kind, text[pos:self.pos], pos)
        if _is_letter(ch):
            end = pos + 1
            while True:
                end = m.end() if (m := _IDENT.match(text, end)) else end
                if end < n and not text[end].isascii() and (_is_letter(text[end]) or _is_digit(text[end])):
                    end += 1
                    continue
                break
            word = text[pos:end]
            self.pos = end if self.read(end) != EOF else end + 1  # the end (or a NUL) is not taken back
            return ("BOOL" if word in ("true", "false") else "IDENT", word, pos)
        if ch == "." and _is_decimal(text[pos + 1:pos + 2]):
            self.pos = scan_leading_period(self, pos)
            return ("FLOAT", text[pos:self.pos], pos)
        if ch == ".":
            return ("PERIOD", ".", pos)
        if ch == "-":
            return ("SUB", "-", pos)
        if ch == "<":
            self.pos = self._heredoc(pos)
            return ("HEREDOC", text[pos:self.pos], pos)
        self.report(pos, "illegal char")  # U+E123 too: reported as reserved, then as this
        return ("ILLEGAL", ch, pos)

    def _skip_space_and_comments(self) -> int:
        """The next read after white space and comments; an unterminated comment is reported where its
        last read was (the end read once more, or a NUL), a lone `/` where it is."""
        text, n, pos = self.text, self.n, self.pos
        while pos < n:
            ch = text[pos]
            if ch in " \t\r\n":
                pos += 1
            elif ch == "#" or text.startswith("//", pos):
                end = text.find("\n", pos)
                end = n if end < 0 else end
                nul = text.find("\x00", pos, end)
                if nul >= 0:
                    self.report(nul, NUL)
                    end = nul
                pos = end + (end in (n, nul))  # the end or a NUL was read, a newline is taken back
            elif text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                nul = text.find("\x00", pos + 2, n if end < 0 else end)
                if nul >= 0 or end < 0:
                    last = n if nul < 0 else nul
                    if nul >= 0:
                        self.report(nul, NUL)
                    self.report(last, "comment not terminated")
                    pos = last + 1
                else:
                    pos = end + 2
            elif ch == "/":
                self.report(pos, "expected '/' for comment")
                pos += 1
            else:
                break
        return pos

    def _heredoc(self, start: int) -> int:
        """hcl's scanHeredoc (`start` is the first `<`): `<<` or `<<-`, an anchor of letters and digits
        and a newline, then lines up to one that is the anchor (after any white space, before any `\r`)
        and ends with a newline; the end of the token after the read where it stopped."""
        text = self.text
        if self.read(start + 1) != "<":
            self.report(start + 1, "heredoc expected second '<', didn't see it")
            return start + 2
        pos = start + 2
        ch = self.read(pos)
        if ch == "-":
            pos += 1
            ch = self.read(pos)
        while _is_letter(ch) or _is_digit(ch):
            pos += 1
            ch = self.read(pos)
        if ch == EOF:
            self.report(pos, "heredoc not terminated")
            return pos + 1
        if ch == "\r" and text.startswith("\n", pos + 1):
            pos += 1
            ch = "\n"
        if ch != "\n":
            self.report(pos, "invalid characters in heredoc anchor")
            return pos + 1
        ident = text[start + 2:pos]
        if ident in ("", "-"):
            self.report(pos, "zero-length heredoc anchor")
            return pos + 1
        closing = re.compile(r"[\t\n\v\f\r ]*" + re.escape(ident[1:] if ident.startswith("-") else ident) + r"\r*")
        nul = text.find("\x00", pos)
        stop = self.n if nul < 0 else nul  # reading there ends the heredoc unterminated
        line_start = pos + 1
        while True:
            nl = text.find("\n", line_start, stop)
            if nl < 0:
                self.read(stop)
                self.report(stop, "heredoc not terminated")
                return stop + 1
            line = text[line_start:nl]
            if len(line.encode()) >= len(ident.encode()) and closing.fullmatch(line):
                return nl + 1
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
    """hcl v1's parser (objectList / objectItem / objectKey / object / objectType / listType) with its
    one-token buffer (`scan`, `unscan`: every EOF token it scans anew is one read past the end), into a
    tree of items; then what its decoder does with that tree into a `map[string]interface{}` (`build`)."""

    def __init__(self, text: str):
        self.lexer = _Lexer(text)
        self.tok: tuple = ("EOF", "", 0)
        self.buffered = False
        self.kinds: dict[tuple[int, str], str] = {}  # (id of a map, key) -> "labeled", "object", "list" or a literal

    def scan(self) -> tuple:
        if self.buffered:
            self.buffered = False
        else:
            self.tok = self.lexer.scan()
        return self.tok

    def unscan(self) -> None:
        self.buffered = True

    def fail(self, tok, message: str) -> NoReturn:
        self.lexer.fail(tok[2], message)

    def document(self) -> dict:
        """The value of the document: hcl reports the scanner's last error, if any, over the parser's (it
        goes on parsing after a scanner error until it stops), and decodes only a document that parsed."""
        items: list = []
        try:
            self.object_list(items, inside=False)
        except HCLError:
            if self.lexer.error is None:
                raise
        if self.lexer.error is not None:
            self.lexer.fail(*self.lexer.error)
        return self.assemble(self.convert(items))

    def object_list(self, items: list, inside: bool) -> None:
        """Items onto `items` up to the end of input, or (inside an object) up to a `}` left unread; a
        comma may follow each item."""
        while True:
            if inside:
                tok = self.scan()
                self.unscan()
                if tok[0] == "RBRACE":
                    return
            item = self.object_item()
            if item is None:
                return
            items.append(item)
            if self.scan()[0] != "COMMA":
                self.unscan()

    def object_item(self) -> tuple | None:
        """(key tokens, value) of one item; None at a bare end of input or at `key =` and the end (hcl
        stops there without an error). Keys then a `}` fail as keys with no `{` or `=`."""
        keys: list[tuple] = []
        while True:
            tok = self.scan()
            kind = tok[0]
            if kind in ("IDENT", "STRING"):
                keys.append(tok)
                continue
            if kind == "EOF" and not keys:
                return None
            if kind == "ASSIGN" and len(keys) > 1:
                self.fail(tok, "nested object expected: LBRACE got: ASSIGN")
            if kind == "ASSIGN" and not keys:
                self.fail(tok, "no object keys found!")
            if kind == "LBRACE" and not keys:
                self.fail(tok, "expected: IDENT | STRING got: LBRACE")
            if kind == "RBRACE" and keys:  # hcl retypes this `}` as EOF: its objectType then keeps the error
                self.tok = ("EOF", *tok[1:])
            elif kind == "ILLEGAL":
                self.fail(tok, "illegal character")
            elif kind not in ("ASSIGN", "LBRACE", "EOF"):
                self.fail(tok, f"expected: IDENT | STRING | ASSIGN | LBRACE got: {kind}")
            break
        kind = self.tok[0]
        if kind == "ASSIGN":
            value = self.object()
            if value is None:
                return None
        elif kind == "LBRACE":
            value = ("object", self.object_type())
        else:
            shown = " ".join(k[1] for k in keys)
            self.fail(self.tok, f"key '{shown}' expected start of object ('{{') or assignment ('=')")
        self.scan()  # hcl looks ahead for a line comment
        self.unscan()
        return keys, value

    def object(self) -> tuple | None:
        """A value after `=`: a literal token, ("object", items) or ("list", elements); None at the end."""
        tok = self.scan()
        kind = tok[0]
        if kind in _SCALARS:
            return tok
        if kind == "LBRACE":
            return ("object", self.object_type())
        if kind == "LBRACK":
            return ("list", self.list_type())
        if kind == "EOF":
            return None
        line, col = self.lexer.where(tok[2])
        self.fail(tok, f"Unknown token: {line}:{col} {kind} {tok[1]}")

    def object_type(self) -> list:
        """The items of an object after its `{`, then its `}`. An error whose last token is a `}` is
        dropped with the item it was in (hcl keeps what it parsed), and the `}` after that is expected."""
        items: list = []
        try:
            self.object_list(items, inside=True)
        except HCLError:
            if self.tok[0] != "RBRACE":
                raise
        tok = self.scan()
        if tok[0] != "RBRACE":
            self.fail(tok, f"object expected closing RBRACE got: {tok[0]}")
        return items

    def list_type(self) -> list:
        """The elements of a list after its `[`; an error inside an element that is an object or a list is
        reported at that element's opening bracket, wrapping the inner error."""
        elements: list = []
        need_comma = False
        while True:
            tok = self.scan()
            kind = tok[0]
            if need_comma and kind not in ("COMMA", "RBRACK"):
                self.fail(tok, f"error parsing list, expected comma or list end, got: {kind}")
            if kind in _SCALARS:
                elements.append(tok)
                need_comma = True
            elif kind == "COMMA":
                self.scan()  # hcl looks ahead for a line comment
                self.unscan()
                need_comma = False
            elif kind in ("LBRACE", "LBRACK"):
                what = "object" if kind == "LBRACE" else "list"
                try:
                    elements.append((what, self.object_type() if kind == "LBRACE" else self.list_type()))
                except HCLError as e:
                    self.fail(tok, f"error while trying to parse {what} within list: {e.text}")
                need_comma = kind == "LBRACE"
            elif kind == "RBRACK":
                return elements
            else:
                self.fail(tok, f"unexpected token while parsing list: {kind}")

    def convert(self, items: list) -> list[tuple]:
        """The parsed items as (key names, value, kind) for `assemble`: literals decoded (a literal hcl's
        decoder panics on is an error), objects assembled, lists built."""
        out: list[tuple] = []
        for keys, value in items:
            names = [self.decoded(k)[1] if k[0] == "STRING" else k[1] for k in keys]
            if value[0] == "object":
                out.append((names, [self.assemble(self.convert(value[1]))], "labeled" if len(names) > 1 else "object"))
            elif value[0] == "list":
                out.append((names, self.build_list(value[1]), "list"))
            else:
                out.append((names, None, self.decoded(value)))
        return out

    def build_list(self, elements: list) -> list:
        """A list's value: literals converted, objects as plain maps, lists nested."""
        out: list = []
        for e in elements:
            if e[0] == "object":
                out.append(self.assemble(self.convert(e[1])))
            elif e[0] == "list":
                out.append(self.build_list(e[1]))
            else:
                out.append(self.literal(self.decoded(e)))
        return out

    def decoded(self, tok: tuple) -> tuple:
        """A literal token with its decoded value in place of its text (numbers stay text, converted to
        the key's type by `_put`)."""
        kind, raw, pos = tok
        try:
            if kind == "STRING":
                return (kind, unquote(raw), pos)
            if kind == "HEREDOC":
                return (kind, _heredoc_value(raw), pos)
        except ValueError:  # hcl's decoder panics on a literal its Unquote refuses
            self.lexer.fail(pos, "invalid string literal")
        if kind == "BOOL":
            return (kind, raw == "true", pos)
        return tok

    def literal(self, tok):
        if tok[0] in ("NUMBER", "FLOAT"):
            try:
                return number_value(tok[0], tok[1])
            except ValueError as e:
                raise DecodeError(str(e)) from None
        return tok[1]

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
    try:
        return _Parser(text).document()
    except (ValueError, OverflowError, RecursionError) as e:  # never a Python error: a parse error
        raise HCLError(1, 1, f"illegal input ({type(e).__name__})") from None
