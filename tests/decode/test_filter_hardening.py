"""Issue 11, filters: `matches` is Go's RE2 (linear time, Go's syntax and error texts); nesting is bounded."""

import time

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from consulite import messages as M
from consulite.decode import filter as filter_module
from consulite.decode.filter import MAX_DEPTH, compile_filter
from consulite.errors import BadRequest

ROOTS = {"Service", "Tags", "Meta", "Port"}


def _error(expr: str) -> str:
    with pytest.raises(BadRequest) as e:
        compile_filter(expr, ROOTS)
    return e.value.text


def test_catastrophic_backtracking_pattern_is_linear_time():
    # Python's backtracking `re` needs seconds for `^(a+)+$` over 26 a's and a mismatch (3.7 s at 27 in the
    # issue); RE2 answers in microseconds, also over a 100,000-character name.
    keep = compile_filter('Service matches "^(a+)+$"', ROOTS)
    started = time.perf_counter()
    assert keep({"Service": "a" * 26 + "!"}) is False
    assert keep({"Service": "a" * 100_000 + "!"}) is False
    assert keep({"Service": "a" * 100_000}) is True
    assert time.perf_counter() - started < 0.25


@pytest.mark.parametrize("pattern, name, expected", [
    (r"^\\pL+$", "wéb", True), (r"^\\pL+$", "web1", False), ("^[[:alpha:]]+$", "web", True),
    ("^[[:alpha:]]+$", "web-1", False), (r"^\\p{Greek}", "αβ", True), ("(?i)^WEB$", "web", True),
    (r"\\Q.*\\E", "a.*b", True), (r"\\Q.*\\E", "ab", False), (r"^a\\z", "a", True),
])
def test_go_regexp_syntax_works(pattern, name, expected):
    assert compile_filter(f'Service matches "{pattern}"', ROOTS)({"Service": name}) is expected


# Texts from go-bexpr v0.1.2 validate.go ("Failed to compile regular expression %q: %v" around Go's
# regexp.Compile error) and Go's regexp/syntax parse.go ErrorCode strings, as printed by go-bexpr 0.1.2
# built with Go 1.19 (reference/real-consul.md §3 oracle).
@pytest.mark.parametrize("expr, err", [
    ('Service matches "(?=a)"', "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
    ('Service matches "(?!a)"', "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
    ('Service matches "(?<=a)"', "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"),
    ('Service matches "(?<n>a)"', "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"),
    (r'Service matches "\\C"', r"error parsing regexp: invalid escape sequence: `\C`"),
    (r'Service matches "(a)\\1"', r"error parsing regexp: invalid escape sequence: `\1`"),
    (r'Service matches "a\\Z"', r"error parsing regexp: invalid escape sequence: `\Z`"),
    ('Service matches "(a"', "error parsing regexp: missing closing ): `(a`"),
    ('Service matches "a)"', "error parsing regexp: unexpected ): `a)`"),
    ('Service matches "[a"', "error parsing regexp: missing closing ]: `[a`"),
    ('Service matches "a**"', "error parsing regexp: invalid nested repetition operator: `**`"),
    ('Service matches "a{1001}"', "error parsing regexp: invalid repeat count: `{1001}`"),
    ('Service matches "*"', "error parsing regexp: missing argument to repetition operator: `*`"),
    ('Service matches "[z-a]"', "error parsing regexp: invalid character class range: `z-a`"),
    ('Service matches "(?P<>a)"', "error parsing regexp: invalid named capture: `(?P<>`"),
    ('Service matches "(?x)a"', "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
])
def test_non_re2_syntax_is_gos_parse_error(expr, err):
    pattern = expr[len('Service matches "'):-1].replace("\\\\", "\\")
    quoted = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert _error(expr) == ("Failed to create boolean expression evaluator: Failed to compile regular expression "
                            f"{quoted}: {err}")


def test_lookahead_text_in_full():
    assert _error('Service matches "^(?=web)"') == (
        'Failed to create boolean expression evaluator: Failed to compile regular expression "^(?=web)": '
        "error parsing regexp: invalid or unsupported Perl syntax: `(?=`")


def test_each_regex_compiles_once_per_filter(monkeypatch):
    calls = []
    real = re2.compile

    def counting(pattern, options=None):
        calls.append(pattern)
        return real(pattern, options=options)

    monkeypatch.setattr(filter_module.re2, "compile", counting)
    keep = compile_filter('Service matches "^w" or Tags matches "^w" or Service not matches "^w" '
                          'or Service matches "x$"', ROOTS)
    for i in range(50):
        keep({"Service": f"web{i}", "Tags": ["a", "b"]})
    assert sorted(calls) == ["^w", "x$"]


@pytest.mark.parametrize("depth", [330, 10_000])
def test_deep_parentheses_are_a_bad_filter_not_a_recursion_error(depth):
    text = _error("(" * depth + "Service == web" + ")" * depth)
    assert text == M.FILTER_FAILED.format(err=M.FILTER_TOO_DEEP.format(limit=MAX_DEPTH, offset=MAX_DEPTH))


def test_deep_not_chain_is_a_bad_filter():
    text = _error("not " * 10_000 + "Service == web")
    assert text.startswith("Failed to create boolean expression evaluator: expression nests deeper than")


def test_nesting_up_to_the_limit_parses_and_evaluates():
    half = MAX_DEPTH // 2
    keep = compile_filter("(not " * half + "Service == web" + ")" * half, ROOTS)
    assert keep({"Service": "web"}) is (half % 2 == 0)
    _error("(" * (MAX_DEPTH + 1) + "Service == web" + ")" * (MAX_DEPTH + 1))
    compile_filter("(" * MAX_DEPTH + "Service == web" + ")" * MAX_DEPTH, ROOTS)


def test_lone_surrogates_are_refused_or_matched_not_a_500():
    # Go's strconv.Unquote refuses a `\ud800` escape (not a code point); a raw surrogate (only from a raw query
    # string) is text Go's regexp refuses as invalid UTF-8; a stored value holding one is matched as Go reads it.
    assert "a valid string escape" in _error(r'Service matches "\ud800"')
    with pytest.raises(BadRequest) as e:
        filter_module.compile_go_regexp("a\ud800")
    assert "error parsing regexp: invalid UTF-8: `a\ufffd`" in e.value.text
    assert compile_filter('Service matches "a$"', ROOTS)({"Service": "\ud800a"}) is True


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['Service matches "', 'Tags not matches "', '"', "(", ")", " or ", " and ", "not ",
                                 "a", "\\\\", "\\\\C", "(?<", "(?=", "[", "]", "[[:alpha:]]", "\\\\pL", "{2}", "*", "+",
                                 "\\ud800", "\\\\ud800", "é", "$", "^", "|"]), max_size=14))
def test_any_matches_filter_is_a_predicate_or_a_bad_request(parts):
    try:
        keep = compile_filter("".join(parts), ROOTS)
    except BadRequest:
        return
    assert keep({"Service": "web\ud800é", "Tags": ["a", "b"]}) in (True, False)
