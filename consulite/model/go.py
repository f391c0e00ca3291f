"""Go's helpers whose exact behaviour Consul's answers show: strconv.ParseBool, go-multierror's text,
net.JoinHostPort, go-uuid's ParseUUID."""

from __future__ import annotations

from consulite import messages as M

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def parse_bool(raw: str) -> bool | None:
    """strconv.ParseBool; None when `raw` is not a boolean."""
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    return None


def multierror(errors: list[str]) -> str:
    """go-multierror's text for `errors`."""
    head = "1 error occurred:" if len(errors) == 1 else f"{len(errors)} errors occurred:"
    return head + "".join(f"\n\t* {e}" for e in errors) + "\n\n"


def join_host_port(host: str, port: int) -> str:
    """net.JoinHostPort: an IPv6 host goes in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def go_float(x: float) -> str:
    """A float64 as Go's `%v` prints it (shortest digits; exponent below 1e-4 and from 1e21)."""
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}e{exp[0]}{int(exp[1:]):02d}" if exp[0] in "+-" else f"{mant}e+{int(exp):02d}"
    return text


def uuid_error(text: str) -> str | None:
    """What hashicorp/go-uuid's ParseUUID says of `text` (None: a UUID)."""
    raw = text.encode()
    if len(raw) != 36:
        return M.UUID_LENGTH
    if any(raw[i] != 0x2D for i in (8, 13, 18, 23)):  # "-"
        return M.UUID_FORMAT
    for byte in raw[:8] + raw[9:13] + raw[14:18] + raw[19:23] + raw[24:]:
        if chr(byte) not in "0123456789abcdefABCDEF":
            char = chr(byte)
            return M.HEX_INVALID_BYTE.format(rune=f"U+{byte:04X} '{char}'" if char.isprintable() else f"U+{byte:04X}")
    return None


def format_duration(ns: int) -> str:
    """Go's Duration.String(): `0s`, `150ms`, `10s`, `1m30s`, `1h0m0s`."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 10**9:
        for unit, size in (("ms", 10**6), ("µs", 10**3), ("ns", 1)):
            if ns >= size:
                return sign + _trim_float(ns / size) + unit
    hours, rem = divmod(ns, 3600 * 10**9)
    minutes, rem = divmod(rem, 60 * 10**9)
    secs = _trim_float(rem / 10**9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}"
    if minutes:
        return f"{sign}{minutes}m{secs}"
    return sign + secs


def _trim_float(x: float) -> str:
    text = f"{x:.9f}".rstrip("0").rstrip(".")
    return text or "0"
