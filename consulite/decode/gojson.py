"""Go's `json.Decoder` syntax rules: where the first JSON value of a body ends, or Go's error text.

Consul decodes request bodies with `json.NewDecoder(body).Decode(...)`: one value is read and anything after it
is ignored; a body cut short is `unexpected EOF`; a bad byte is `invalid character 'x' <context>`, the texts of
`encoding/json/scanner.go`. `value_end` walks the body as that scanner does."""

from __future__ import annotations

from consulite import messages as M
from consulite.errors import DecodeError

_WS = b" \t\r\n"
_DIGITS = b"0123456789"
_HEX = b"0123456789abcdefABCDEF"
_ESCAPES = b'bfnrt\\/"'
_LITERALS = {ord("t"): b"true", ord("f"): b"false", ord("n"): b"null"}
_GO_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 92: "\\\\"}


def quote_char(c: int) -> str:
    """Go's `quoteChar`: the byte as a rune, quoted as `strconv.Quote` does, between single quotes."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    if c in _GO_ESCAPES:
        return f"'{_GO_ESCAPES[c]}'"
    if c < 0x20 or c == 0x7F:
        return f"'\\x{c:02x}'"
    if 0x80 <= c < 0xA0 or c == 0xAD:
        return f"'\\u{c:04x}'"
    return f"'{chr(c)}'"


class _Scanner:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise DecodeError(M.JSON_UNEXPECTED_EOF)
        return self.data[self.pos]

    def take(self) -> int:
        c = self.peek()
        self.pos += 1
        return c

    def fail(self, context: str) -> DecodeError:
        return DecodeError(M.JSON_INVALID_CHARACTER.format(char=quote_char(self.data[self.pos - 1]), context=context))

    def skip_ws(self) -> int:
        while self.peek() in _WS:
            self.pos += 1
        return self.peek()

    def value(self) -> None:
        c = self.skip_ws()
        self.pos += 1
        if c == ord("{"):
            self.container(b"}", key=True)
        elif c == ord("["):
            self.container(b"]", key=False)
        elif c == ord('"'):
            self.string()
        elif c == ord("-") or c in _DIGITS:
            self.number(c)
        elif c in _LITERALS:
            for want in _LITERALS[c][1:]:
                if self.take() != want:
                    raise self.fail(f"in literal {_LITERALS[c].decode()} (expecting {quote_char(want)})")
        else:
            raise self.fail("looking for beginning of value")

    def container(self, close: bytes, key: bool) -> None:
        after = "after object key:value pair" if key else "after array element"
        if self.skip_ws() == close[0]:
            self.pos += 1
            return
        while True:
            if key:
                if self.take() != ord('"'):
                    raise self.fail("looking for beginning of object key string")
                self.string()
                self.skip_ws()
                if self.take() != ord(":"):
                    raise self.fail("after object key")
            self.value()
            self.skip_ws()
            c = self.take()
            if c == close[0]:
                return
            if c != ord(","):
                raise self.fail(after)
            if key:
                self.skip_ws()

    def string(self) -> None:
        while True:
            c = self.take()
            if c == ord('"'):
                return
            if c == ord("\\"):
                e = self.take()
                if e == ord("u"):
                    for _ in range(4):
                        if self.take() not in _HEX:
                            raise self.fail("in \\u hexadecimal character escape")
                elif e not in _ESCAPES:
                    raise self.fail("in string escape code")
            elif c < 0x20:
                raise self.fail("in string literal")

    def _more(self) -> int | None:
        """The next byte of a number, or None at the end of the body (a number may end the body)."""
        return self.data[self.pos] if self.pos < len(self.data) else None

    def _digits(self, context: str) -> None:
        if self.take() not in _DIGITS:
            raise self.fail(context)
        while (c := self._more()) is not None and c in _DIGITS:
            self.pos += 1

    def number(self, first: int) -> None:
        if first == ord("-"):
            first = self.take()
            if first not in _DIGITS:
                raise self.fail("in numeric literal")
        if first != ord("0"):
            while (d := self._more()) is not None and d in _DIGITS:
                self.pos += 1
        if self._more() == ord("."):
            self.pos += 1
            self._digits("after decimal point in numeric literal")
        if self._more() in (ord("e"), ord("E")):
            self.pos += 1
            if self.peek() in b"+-":
                self.pos += 1
            self._digits("in exponent of numeric literal")


def value_end(data: bytes) -> int:
    """The offset just past the first JSON value of `data`; DecodeError with Go's text when there is none."""
    scanner = _Scanner(data)
    if not data.strip(_WS):
        raise DecodeError(M.JSON_EOF)
    scanner.value()
    return scanner.pos


def unmarshal_error(data: bytes) -> str | None:
    """Go's `json.Unmarshal` syntax check (checkValid) of a whole text: the Decoder's texts, but input cut short
    is `unexpected end of JSON input` and text after the value is refused; None when it is valid JSON."""
    try:
        end = value_end(data) if data.strip(_WS) else None
    except DecodeError as e:
        return M.JSON_END_OF_INPUT if e.text == M.JSON_UNEXPECTED_EOF else e.text
    if end is None:
        return M.JSON_END_OF_INPUT
    rest = data[end:].lstrip(_WS)
    return M.JSON_INVALID_CHARACTER.format(char=quote_char(rest[0]), context="after top-level value") if rest else None
