"""hcl v1.0.0's scanner rules for numbers and quoted strings, and the conversions its decoder applies.

Numbers: the token's extent and kind follow hcl's scanNumber (so `1.`, `.5`, `1.e5` are FLOATs, `0x` is
"illegal hexadecimal number", `0159` "illegal octal number"); the value is Go's `strconv.ParseInt(text, 0,
0)` or `ParseFloat(text, 64)` (`08`, `1e`, 2^63 and 1e400 refused with Go's texts). Strings: escapes are
checked as the scanner checks them (`\\x41` and `\\101` accepted, `\\/` refused; inside `${...}` too, where
quotes and newlines do not end the literal), then unquoted as hcl's strconv does: `${...}` kept as written,
`\\u` of a surrogate is U+FFFD, a code point past U+10FFFF an error, `\\x`/octal escapes raw bytes.
"""

from __future__ import annotations

from consulite.decode.go_text import INVALID_SYNTAX, OUT_OF_RANGE, go_quote, parse_int
from consulite.errors import DecodeError

EOF = ""
_HEX = "0123456789abcdefABCDEF"
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_DIGITS = {"x": (16, 2), "u": (16, 4), "U": (16, 8)}


class HCLError(DecodeError):
    """A parse error at a line and column (1-based), worded as hashicorp/hcl v1 words it."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(f"At {line}:{col}: {message}")
        self.line, self.col = line, col
        self.token: tuple | None = None  # the parser's token at the error, when it is one


class ScanError(Exception):
    """A scanner error at `pos` (an index into the text)."""

    def __init__(self, pos: int, message: str):
        super().__init__(message)
        self.pos, self.message = pos, message


class _Reader:
    """hcl's next/unread/peek over `text`, from the rune at `pos` (already read)."""

    def __init__(self, text: str, pos: int):
        self.text, self.i = text, pos + 1

    def next(self) -> str:
        if self.i < len(self.text):
            self.i += 1
            return self.text[self.i - 1]
        return EOF

    def unread(self) -> None:
        self.i -= 1

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else EOF

    def mantissa(self, ch: str) -> str:
        scanned = False
        while ch and ch.isascii() and ch.isdigit():
            ch, scanned = self.next(), True
        if scanned and ch != EOF:
            self.unread()
        return ch

    def fraction(self, ch: str) -> str:
        return self.mantissa(self.peek()) if ch == "." else ch

    def exponent(self, ch: str) -> str:
        if ch in ("e", "E"):
            ch = self.next()
            if ch in ("-", "+"):
                ch = self.next()
            ch = self.mantissa(ch)
        return ch


def scan_number(text: str, pos: int) -> tuple[str, int]:
    """("NUMBER" | "FLOAT", end) of the number whose first digit is at `pos` (hcl's scanNumber)."""
    r = _Reader(text, pos)
    ch = text[pos]
    if ch == "0":
        ch = r.next()
        if ch in ("x", "X"):
            ch, found = r.next(), False
            while ch and ch in _HEX:
                ch, found = r.next(), True
            if not found:
                raise ScanError(r.i - 1, "illegal hexadecimal number")
            if ch != EOF:
                r.unread()
            return "NUMBER", r.i
        illegal_octal = False
        while ch and ch.isascii() and ch.isdigit():
            ch = r.next()
            illegal_octal = illegal_octal or ch in ("8", "9")
        if ch in ("e", "E"):
            r.exponent(ch)
            return "FLOAT", r.i
        if ch == ".":
            ch = r.fraction(ch)
            if ch in ("e", "E"):
                r.exponent(r.next())
            return "FLOAT", r.i
        if illegal_octal:
            raise ScanError(r.i - 1, "illegal octal number")
        if ch != EOF:
            r.unread()
        return "NUMBER", r.i
    r.mantissa(ch)
    ch = r.next()
    if ch in ("e", "E"):
        r.exponent(ch)
        return "FLOAT", r.i
    if ch == ".":
        ch = r.fraction(ch)
        if ch in ("e", "E"):
            r.exponent(r.next())
        return "FLOAT", r.i
    if ch != EOF:
        r.unread()
    return "NUMBER", r.i


def scan_leading_period(text: str, pos: int) -> int:
    """The end of a FLOAT starting with "." (a digit follows), as hcl's Scan reads `.5`."""
    r = _Reader(text, pos)
    r.exponent(r.mantissa(r.peek()))
    return r.i


def parse_float(raw: str) -> float:
    """strconv.ParseFloat(raw, 64) over what hcl's scanner lets through."""
    try:
        if "_" in raw or not raw.strip("+-.eE0123456789") == "":
            raise ValueError
        value = float(raw)
    except ValueError:
        raise ValueError(f"strconv.ParseFloat: parsing {go_quote(raw)}: {INVALID_SYNTAX}") from None
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"strconv.ParseFloat: parsing {go_quote(raw)}: {OUT_OF_RANGE}")
    return value


def number_value(kind: str, raw: str) -> int | float:
    return parse_int(raw) if kind == "NUMBER" else parse_float(raw)


def scan_string(text: str, start: int) -> int:
    """The end (after the closing quote) of the string literal opening at `start` (hcl's scanString)."""
    pos, depth, n = start + 1, 0, len(text)
    while True:
        ch = text[pos] if pos < n else EOF
        if (ch == "\n" and depth == 0) or ch in (EOF, "\x00"):
            raise ScanError(start, "literal not terminated")
        if ch == '"' and depth == 0:
            return pos + 1
        if depth == 0 and ch == "$" and text.startswith("{", pos + 1):
            depth, pos = 1, pos + 2
            continue
        if depth and ch == "{":
            depth += 1
        if depth and ch == "}":
            depth -= 1
        pos = _scan_escape(text, pos + 1) if ch == "\\" else pos + 1


def _scan_escape(text: str, pos: int) -> int:
    ch = text[pos] if pos < len(text) else EOF
    if ch in _SIMPLE:
        return pos + 1
    base, width = (8, 3) if ch and ch in "01234567" else _DIGITS.get(ch, (0, 0))
    if not base:
        raise ScanError(pos, "illegal char escape")
    first = pos if base == 8 else pos + 1
    digits = text[first:first + width]
    allowed = "01234567" if base == 8 else _HEX
    if len(digits) < width or any(c not in allowed for c in digits):
        raise ScanError(pos, "illegal char escape")
    return first + width


def unquote(literal: str) -> str:
    """hcl's strconv.Unquote of a scanned literal; ValueError where hcl's decoder would panic."""
    s, out, i = literal[1:-1], bytearray(), 0
    while i < len(s):
        if s.startswith("${", i):
            end, depth = i + 2, 1
            while end < len(s) and depth:
                depth += {"{": 1, "}": -1}.get(s[end], 0)
                end += 1
            if depth:
                raise ValueError(INVALID_SYNTAX)
            out += s[i:end].encode("utf-8", "surrogatepass")
            i = end
            continue
        ch = s[i]
        if ch != "\\":
            out += ch.encode("utf-8", "surrogatepass")
            i += 1
            continue
        e = s[i + 1]
        if e in _SIMPLE:
            out += _SIMPLE[e].encode()
            i += 2
            continue
        base, width = (8, 3) if e in "01234567" else _DIGITS[e]
        first = i + 1 if base == 8 else i + 2
        value = int(s[first:first + width], base)
        i = first + width
        if e == "x" or base == 8:
            if value > 255:
                raise ValueError(INVALID_SYNTAX)
            out.append(value)
        elif value > 0x10FFFF:
            raise ValueError(INVALID_SYNTAX)
        else:
            out += ("\ufffd" if 0xD800 <= value <= 0xDFFF else chr(value)).encode()
    return out.decode("utf-8", "replace")
