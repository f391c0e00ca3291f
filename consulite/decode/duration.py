"""Go's time.Duration: parse ParseDuration strings (or nanosecond numbers) and format like Duration.String()."""

from __future__ import annotations

from consulite import messages
from consulite.errors import DecodeError

_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
          "h": 3600 * 10**9}
_MAX = 1 << 63  # Go accumulates the magnitude in a uint64 and refuses anything past 1<<63


def parse_duration(raw: str) -> int:
    """Nanoseconds in a Go duration string such as `10s` or `1m30s`; `DecodeError` otherwise.

    Go's `time.ParseDuration` step by step, so that its bounds are Go's: an integer part that
    overflows int64 nanoseconds is `time: invalid duration "<s>"`, fraction digits past what a
    uint64 holds are dropped, and no string, however long, builds a number beyond 2^63.
    """
    s = raw
    neg = False
    if s[:1] in ("+", "-") and s:
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise _invalid(raw)
    total, i, n = 0, 0, len(s)
    while i < n:
        if not (s[i] == "." or "0" <= s[i] <= "9"):
            raise _invalid(raw)
        start = i
        whole = 0
        while i < n and "0" <= s[i] <= "9":  # leadingInt
            if whole > _MAX // 10:
                raise _invalid(raw)
            whole = whole * 10 + ord(s[i]) - 48
            if whole > _MAX:
                raise _invalid(raw)
            i += 1
        pre = i != start
        frac, scale, post = 0, 1, False
        if i < n and s[i] == ".":
            i += 1
            start = i
            overflow = False
            while i < n and "0" <= s[i] <= "9":  # leadingFraction: digits past uint64 are ignored
                if not overflow:
                    nxt = frac * 10 + ord(s[i]) - 48
                    if frac > (_MAX - 1) // 10 or nxt > _MAX:
                        overflow = True
                    else:
                        frac, scale = nxt, scale * 10
                i += 1
            post = i != start
        if not pre and not post:
            raise _invalid(raw)
        start = i
        while i < n and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        unit_text = s[start:i]
        if not unit_text:
            raise DecodeError(messages.DURATION_MISSING_UNIT.format(raw=go_time_quote(raw)))
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise DecodeError(messages.DURATION_UNKNOWN_UNIT.format(unit=go_time_quote(unit_text),
                                                                    raw=go_time_quote(raw)))
        if whole > _MAX // unit:
            raise _invalid(raw)
        value = whole * unit
        if frac:
            value += int(float(frac) * (float(unit) / float(scale)))  # Go computes this part in float64
            if value > _MAX:
                raise _invalid(raw)
        total += value
        if total > _MAX:
            raise _invalid(raw)
    if neg:
        return -total
    if total > _MAX - 1:
        raise _invalid(raw)
    return total


def _invalid(raw: str) -> DecodeError:
    return DecodeError(messages.INVALID_DURATION_QUOTED.format(raw=go_time_quote(raw)))


def go_time_quote(s: str) -> str:
    """The quoting of Go's time package: `"` around, `\\` before `"` and `\\`, bytes outside printable ASCII
    as `\\xNN`."""
    out = ['"']
    for ch in s:
        if ch < " " or ch >= "\x80":
            out.extend(f"\\x{b:02x}" for b in ch.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)
