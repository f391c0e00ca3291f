"""Go's strconv as go-bexpr uses it: `%q` quoting, `Unquote`, and `ParseInt(s, 0, 64)` / `ParseBool` with
their error texts (`strconv.ParseInt: parsing "x": invalid syntax`)."""

from __future__ import annotations

import re

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                  "\r": "\\r", "\t": "\\t", "\v": "\\v"}
_UNESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
INVALID_SYNTAX = "invalid syntax"
OUT_OF_RANGE = "value out of range"


def go_quote(text: str) -> str:
    """Go's `%q` of a string (strconv.Quote): short escapes, printable non-ASCII kept, \\x/\\u/\\U otherwise."""
    out = ['"']
    for ch in text:
        n = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0xDC80 <= n <= 0xDCFF:  # a byte that is not UTF-8 (see go_unquote)
            out.append(f"\\x{n - 0xDC00:02x}")
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


def go_unquote(literal: str) -> str:
    """strconv.Unquote of a `"..."` or backtick literal; ValueError("invalid syntax") where Go refuses it.

    A `\\x` or octal escape of a byte >= 0x80 (not UTF-8 on its own) becomes U+DC80+byte, so it equals no
    text, as in Go."""
    if literal.startswith("`"):
        return literal[1:-1].replace("\r", "")
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\n":
            raise ValueError(INVALID_SYNTAX)
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1:i + 2]
        if e in _UNESCAPES:
            out.append(_UNESCAPES[e])
            i += 2
        elif e in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2:i + 2 + width]
            if len(digits) != width or not re.fullmatch("[0-9a-fA-F]+", digits):
                raise ValueError(INVALID_SYNTAX)
            out.append(_code_point(int(digits, 16), byte=e == "x"))
            i += 2 + width
        elif e and e in "01234567":
            digits = body[i + 1:i + 4]
            if not re.fullmatch("[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError(INVALID_SYNTAX)
            out.append(_code_point(int(digits, 8), byte=True))
            i += 4
        else:
            raise ValueError(INVALID_SYNTAX)
    return "".join(out)


def _code_point(n: int, byte: bool) -> str:
    if byte:
        return chr(n) if n < 0x80 else chr(0xDC00 + n)
    if n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        raise ValueError(INVALID_SYNTAX)
    return chr(n)


def _num_error(fn: str, text: str, err: str) -> ValueError:
    return ValueError(f"strconv.{fn}: parsing {go_quote(text)}: {err}")


_BASES = {"0x": 16, "0o": 8, "0b": 2}


def parse_int(text: str, bits: int = 64) -> int:
    """strconv.ParseInt(text, 0, bits): sign, 0x/0o/0b/0 prefixes, underscores after a prefix."""
    s = text[1:] if text[:1] in "+-" else text
    base, digits = 10, s
    if s[:2].lower() in _BASES:
        base, digits = _BASES[s[:2].lower()], s[2:]
    elif len(s) > 1 and s[0] == "0":
        base, digits = 8, s[1:]
    pattern = {16: "[0-9a-fA-F]", 10: "[0-9]", 8: "[0-7]", 2: "[01]"}[base]
    prefixed = s != digits
    ok = re.fullmatch(f"(_?{pattern})+" if prefixed else f"{pattern}(_?{pattern})*", digits) if digits else False
    if not ok or (not prefixed and "_" in digits):
        raise _num_error("ParseInt", text, INVALID_SYNTAX)
    if len(digits.replace("_", "").lstrip("0")) > 64:  # past any int64 in any base (and Python's int() limit)
        raise _num_error("ParseInt", text, OUT_OF_RANGE)
    value = int(digits.replace("_", ""), base) * (-1 if text[:1] == "-" else 1)
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        raise _num_error("ParseInt", text, OUT_OF_RANGE)
    return value


def parse_bool(text: str) -> bool:
    """strconv.ParseBool."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise _num_error("ParseBool", text, INVALID_SYNTAX)
