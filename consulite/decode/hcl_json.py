"""hcl v1.0.0's JSON mode (a document starting with `{`), as its own JSON parser reads it, which is not
Go's encoding/json: trailing commas are accepted, `null` is "", numbers are hcl's (`01` refused, int64
and float64 bounds), string escapes are hcl's (`\\x41` accepted, `\\/` refused), anything after the top
object is ignored; nested objects become lists of maps and a key seen twice concatenates objects.
"""

from __future__ import annotations

from typing import Any

from consulite.decode.hcl_scan import (
    HCLError,
    Scanned,
    number_value,
    scan_leading_period,
    scan_number,
    scan_string,
    unquote,
)
from consulite.errors import DecodeError

_WS = " \t\r\n"


class _JSON:
    def __init__(self, text: str):
        self.text, self.pos = text, 0
        self.sc = Scanned(text)

    def fail(self, pos: int, message: str, at: str = "At "):
        line = self.text.count("\n", 0, pos) + 1
        raise HCLError(line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1, message, at)

    def scanned(self) -> None:
        """A scanner error, as hcl's JSON parser words it."""
        if self.sc.error:
            self.fail(*self.sc.error, at="")

    def peek(self) -> str:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def object(self) -> dict:
        """An object after its `{`: hcl's parser also ends it at the end of input or after a value that no
        comma follows (what comes next is ignored there)."""
        self.pos += 1  # the "{"
        out: dict = {}
        while True:
            ch = self.peek()
            if ch in ("", "}"):
                self.pos += ch == "}"
                return out
            if ch != '"':
                self.fail(self.pos, "illegal char" if ch not in "0123456789-[{,:" else "expected: STRING")
            key = self.string()
            if self.peek() in ("", "}"):  # a key with no value: dropped
                self.pos += self.peek() == "}"
                return out
            if self.peek() != ":":
                self.fail(self.pos, "expected: COLON")
            self.pos += 1
            if self.peek() == "":
                return out
            value = self.value(nested=True)
            old = out.get(key)
            if isinstance(old, list) and isinstance(value, list) and old and value and \
                    all(isinstance(v, dict) for v in old + value):
                value = old + value
            out[key] = value
            if self.peek() != ",":
                self.pos += self.peek() == "}"
                return out
            self.pos += 1

    def string(self) -> str:
        end = scan_string(self.sc, self.pos)
        self.scanned()
        try:
            value = unquote(self.text[self.pos:end])
        except ValueError:  # hcl panics on a literal its Unquote refuses
            self.fail(self.pos, "invalid string literal")
        if "\ufffd" in value and "\ufffd" not in self.text[self.pos:end]:  # \ud800: JSON's Unquote refuses it
            self.fail(self.pos, "invalid string literal")
        self.pos = end
        return value

    def value(self, nested: bool) -> Any:
        ch = self.peek()
        if ch == "{":
            obj = self.object()
            return [obj] if nested else obj
        if ch == "[":
            self.pos += 1
            items: list = []
            while True:
                if self.peek() == "]":
                    self.pos += 1
                    return items
                if self.text.startswith("null", self.pos):
                    raise DecodeError("unexpected token while parsing list: NULL")
                items.append(self.value(nested=False))
                if self.peek() == ",":
                    self.pos += 1
        if ch == '"':
            return self.string()
        for word, value in (("true", True), ("false", False), ("null", "")):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        start = self.pos
        if ch == "-" or (ch.isdigit() and ch.isascii()):
            if self.text.startswith("0", start + (ch == "-")) and self.text[start + 1 + (ch == "-"):][:1].isdigit():
                self.fail(start + 1, "numbers cannot start with 0")
            kind, end = scan_number(self.sc, start + (ch == "-"))
            self.scanned()
            self.pos = end
            try:
                return number_value(kind, self.text[start:end])
            except ValueError as e:
                raise DecodeError(str(e)) from None
        if ch == "." and self.text[start + 1:start + 2].isdigit():
            self.pos = scan_leading_period(self.sc, start)
            return number_value("FLOAT", self.text[start:self.pos])
        self.fail(start, "illegal char")


def loads_json(text: str) -> dict:
    """The value hcl's JSON mode gives `text` (which starts, after white space, with `{`)."""
    p = _JSON(text)
    p.peek()
    return p.object()
