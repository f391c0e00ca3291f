"""hcl v1.0.0's scanner rules for numbers and quoted strings, and the conversions its decoder applies.

Numbers: the token's extent and kind follow hcl's scanNumber (so `1.`, `.5`, `1.e5` are FLOATs, `0x` is
"illegal hexadecimal number", `0159` "illegal octal number"); the value is Go's `strconv.ParseInt(text, 0,
0)` or `ParseFloat(text, 64)` (`08`, `1e`, 2^63 and 1e400 refused with Go's texts). Strings: escapes are
checked as the scanner checks them (`\\x41` and `\\101` accepted, `\\/` refused; inside `${...}` too, where
quotes and newlines do not end the literal), then unquoted as hcl's strconv does: `${...}` kept as written,
`\\u` of a surrogate is U+FFFD, a code point past U+10FFFF an error, `\\x`/octal escapes raw bytes.
"""

from __future__ import annotations

import re

from consulite.decode.go_text import INVALID_SYNTAX, OUT_OF_RANGE, go_quote, parse_int
from consulite.errors import DecodeError

EOF = ""
_HEX = "0123456789abcdefABCDEF"
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_DIGITS = {"x": (16, 2), "u": (16, 4), "U": (16, 8)}


class HCLError(DecodeError):
    """A parse error at a line and column (1-based), worded as hashicorp/hcl v1 words it."""

    def __init__(self, line: int, col: int, message: str, at: str = "At "):
        super().__init__(f"{at}{line}:{col}: {message}")  # hcl's JSON parser prints its scanner's without "At "
        self.line, self.col = line, col
        self.token: tuple | None = None  # the parser's token at the error, when it is one


NUL = "unexpected null character (0x00)"
RESERVED = "unicode code point U+E123 reserved for internal use"


class Scanned:
    """What hcl's scanner reports while it goes on scanning: every error is kept, the last one wins
    (hcl's parser returns the scanner's last error over its own, once it stops).

    Positions are read offsets into the text and may pass its end: hcl's reader moves its column on by
    one for every read at the end of input and never takes such a read back, so the k-th read past the
    end is at offset len(text) + k - 1 (a column past the last character of the last line)."""

    def __init__(self, text: str):
        self.text, self.n = text, len(text)
        self.error: tuple[int, str] | None = None

    def report(self, pos: int, message: str) -> None:
        self.error = (pos, message)

    def read(self, pos: int) -> str:
        """The character at `pos` as hcl's reader returns it: NUL is reported and reads as the end."""
        if pos >= self.n:
            return EOF
        ch = self.text[pos]
        if ch == "\x00":
            self.report(pos, NUL)
            return EOF
        return ch


class _Reader:
    """hcl's next/unread/peek over the text, from the rune at `pos` (already read); `i` is the next read."""

    def __init__(self, sc: Scanned, pos: int):
        self.sc, self.i = sc, pos + 1

    def next(self) -> str:
        self.i += 1
        return self.sc.read(self.i - 1)

    def unread(self) -> None:  # only ever after a read that was not the end
        self.i -= 1

    def peek(self) -> str:
        return self.sc.text[self.i] if self.i < self.sc.n else EOF

    def mantissa(self, ch: str) -> str:
        """Digits from `ch` on; the first other character is taken back unless it was the end (or
        no digit was read)."""
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


def scan_number(sc: Scanned, pos: int) -> tuple[str, int]:
    """("NUMBER" | "FLOAT", end) of the number whose first digit is at `pos` (hcl's scanNumber); a decimal
    integer reads one character past its digits ("seek forward") and takes it back unless it was the end."""
    r = _Reader(sc, pos)
    ch = sc.text[pos]
    if ch == "0":
        ch = r.next()
        if ch in ("x", "X"):
            ch, found = r.next(), False
            while ch and ch in _HEX:
                ch, found = r.next(), True
            if not found:
                sc.report(r.i - 1, "illegal hexadecimal number")
            if ch != EOF:
                r.unread()
            return "NUMBER", r.i
        illegal_octal = False
        while ch and ch.isascii() and ch.isdigit():
            ch = r.next()
            illegal_octal = illegal_octal or ch in ("8", "9")
        return _after_digits(r, ch, illegal_octal)
    r.mantissa(ch)
    return _after_digits(r, r.next())


def _after_digits(r: _Reader, ch: str, illegal_octal: bool = False) -> tuple[str, int]:
    """The rest of a number once its integer digits are read (`ch` the character after them): an exponent or a
    fraction makes a FLOAT; otherwise a NUMBER (an octal one with an 8 or 9 is reported), `ch` taken back."""
    if ch in ("e", "E"):
        r.exponent(ch)
        return "FLOAT", r.i
    if ch == ".":
        ch = r.fraction(ch)
        if ch in ("e", "E"):
            r.exponent(r.next())
        return "FLOAT", r.i
    if illegal_octal:
        r.sc.report(r.i - 1, "illegal octal number")
    if ch != EOF:
        r.unread()
    return "NUMBER", r.i


def scan_leading_period(sc: Scanned, pos: int) -> int:
    """The end of a FLOAT starting with "." (a digit follows), as hcl's Scan reads `.5`."""
    r = _Reader(sc, pos)
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


_PLAIN = re.compile(r'[^\n\x00"${}\\\ue123]*')  # what a string scans past with nothing to check


def scan_string(sc: Scanned, start: int) -> int:
    """The end of the string literal opening at `start` (hcl's scanString): after its closing quote, or
    after the read that ended it unterminated (a newline outside `${...}`, the end, a NUL)."""
    pos, depth, text = start + 1, 0, sc.text
    while True:
        if pos < sc.n:  # (a read past the end stays there)
            pos = m.end() if (m := _PLAIN.match(text, pos)) else pos
        ch = sc.read(pos)
        pos += 1
        if (ch == "\n" and depth == 0) or ch == EOF:
            sc.report(pos - 1, "literal not terminated")
            return pos
        if ch == '"' and depth == 0:
            return pos
        if ch == "\ue123":
            sc.report(pos - 1, RESERVED)
        elif depth == 0 and ch == "$" and text.startswith("{", pos):
            depth, pos = 1, pos + 1
        elif depth and ch == "{":
            depth += 1
        elif depth and ch == "}":
            depth -= 1
        elif ch == "\\":
            pos = _scan_escape(sc, pos)


def _scan_escape(sc: Scanned, pos: int) -> int:
    """hcl's scanEscape from the read at `pos` (after the backslash): a letter it does not know, or too
    few digits, is "illegal char escape" where the read stopped; a digit run short of its width takes back
    the character that ended it (unless it was the end)."""
    ch = sc.read(pos)
    pos += 1
    if ch in _SIMPLE:
        return pos
    if ch and ch in "01234567":
        base, width = 8, 3
    elif ch in _DIGITS:
        (base, width), ch = _DIGITS[ch], sc.read(pos)
        pos += 1
    else:
        sc.report(pos - 1, "illegal char escape")
        return pos
    left = width
    while left and ch and ch in _HEX and int(ch, 16) < base:
        ch = sc.read(pos)
        pos += 1
        if ch == EOF:
            break
        left -= 1
    if left:
        sc.report(pos - 1, "illegal char escape")
    if left != width and ch != EOF:
        pos -= 1
    return pos


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
