"""Go's regexp (RE2 syntax, Go's parse errors) for go-bexpr's `matches`, via the google-re2 binding."""

from __future__ import annotations

import re

import re2

from consulite import messages as M
from consulite.decode.go_text import go_quote
from consulite.errors import ConsulError


class FilterError(ConsulError):
    """A filter Consul refuses: a 500 with go-bexpr's text (Consul returns go-bexpr's error as is)."""

    status = 500


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_safe(text: str) -> str:
    """`text` with lone surrogates as U+FFFD, the rune Go reads for bytes that are not UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# RE2's C++ parse error codes (re2/regexp.cc) and Go's regexp/syntax ErrorCode texts for the same errors.
_GO_REGEXP_ERRORS = {
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
}
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # max_mem stays RE2's 8 MiB: a bigger program is "expression too large", so that
# compiling one regex is bounded (about 0.7 s at worst measured, `[\pL\pN_-]{1,253}`; a refusal in 0.1-0.3 s). Go
# accepts a few larger ones, such as `\pL{1000}`: a documented gap.
_GO_MAX_HEIGHT = 1000


def compile_go_regexp(pattern: str) -> re2._Regexp:
    """`pattern` compiled with Go's regexp syntax; `FilterError` with go-bexpr's text when Go refuses it.

    RE2's C++ parser accepts two things Go's does not (`\\C`, and `(?<name>` before Go 1.22, the Go
    of Consul 1.17): those are found first, and Go's error is the first one left to right.
    """
    if _SURROGATE.search(pattern):  # only from a raw query string: Go's regexp refuses text that is not UTF-8
        _regexp_error(pattern, "invalid UTF-8", _utf8_safe(pattern))
    go_only = _go_only_syntax(pattern)
    if go_only is not None:
        pos, code, arg = go_only
        _raise_re2_error(pattern, pattern[:pos], ignore={"missing )", "missing ]"})
        _regexp_error(pattern, code, arg)
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as e:
        _raise_re2_error(pattern, pattern, ignore=set(), error=e)
        raise  # not reached: _raise_re2_error always raises for an error it is given


def _raise_re2_error(pattern: str, part: str, ignore: set[str], error: re2.error | None = None) -> None:
    """Raise go-bexpr's text for RE2's parse error of `part` (a prefix of `pattern`), unless it is in `ignore`."""
    if error is None:
        try:
            re2.compile(part, options=_RE2_OPTIONS)
            return
        except re2.error as e:
            error = e
    raw = error.args[0] if error.args else b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    code, _, arg = text.partition(": ")
    if code in ignore:
        return
    if part is not pattern:  # RE2 saw a prefix only: name what Go names in the whole pattern
        if code == "unexpected )":
            arg = pattern
        elif code == "invalid escape sequence" and arg.startswith("\\x") and part.endswith(arg):  # cut short
            arg += pattern[len(part):len(part) + 1]
    if code == "invalid repetition size" and arg.endswith("}?"):  # Go names the count without the lazy `?`
        arg = arg[:-1]
    if code.startswith("pattern too large"):
        _regexp_error(pattern, "expression too large", None)
    _regexp_error(pattern, _GO_REGEXP_ERRORS.get(code, code), arg)


def _go_only_syntax(pattern: str) -> tuple[int, str, str] | None:
    """The first construct RE2 C++ accepts and Go's regexp/syntax refuses: (offset, Go code, Go's quoted arg)."""
    i, n, in_class, depth = 0, len(pattern), False, 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1:i + 2]
            if nxt == "C":
                return i, "invalid escape sequence", "\\C"
            if nxt == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                i = n if end < 0 else end + 2
                continue
            i += 2
        elif in_class:
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                i = i + 1 if end < 0 else end + 2
            else:
                in_class = c != "]"
                i += 1
        elif c == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):  # a leading ] is a literal
                i += 1
        elif pattern.startswith("(?<", i):
            return i, "invalid or unsupported Perl syntax", "(?<"
        else:
            if c == "(":
                depth += 1
                if depth >= _GO_MAX_HEIGHT:  # Go's parser limits the tree's height (approximated by groups)
                    return i, "expression nests too deeply", pattern
            elif c == ")":
                depth = max(0, depth - 1)
            i += 1
    return None


def _regexp_error(pattern: str, code: str, arg: str | None):
    go_err = M.GO_REGEXP_ERROR.format(code=code) + (f": `{arg}`" if arg is not None else "")
    raise FilterError(M.FILTER_BAD_REGEXP.format(pattern=go_quote(pattern), err=go_err))
