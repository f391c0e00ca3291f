"""The `?filter=` language (go-bexpr subset) over rendered objects."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consulite.decode.filter import compile_filter
from consulite.errors import BadRequest

OBJ = {"Service": "web", "Tags": ["a", "b"], "Meta": {"env": "prod"}, "Port": 80, "EnableTagOverride": False,
       "Proxy": {"Upstreams": [{"DestinationName": "db"}, {"DestinationName": "cache"}]}}
ROOTS = {"Service", "Tags", "Meta", "Port", "Proxy", "Kind", "EnableTagOverride"}


@pytest.mark.parametrize("expr, expected", [
    ('Service == "web"', True), ("Service == web", True), ("Service != web", False),
    ('"a" in Tags', True), ('"z" not in Tags', True), ("Tags contains b", True), ("Tags not contains b", False),
    ("Meta.env == prod", True), ('"env" in Meta', True), ("Meta.missing == x", False),
    ("Port == 80", True), ("Port == 81", False), ("EnableTagOverride == false", True),
    ("Kind is empty", True), ("Tags is not empty", True),
    ('Service matches "^w.b$"', True), ('Service not matches "^x"', True),
    ("Proxy.Upstreams.DestinationName == cache", True), ('"db" in Proxy.Upstreams.DestinationName', True),
    ("Port == 80 and Service == api", False), ("Port == 81 or Service == web", True),
    ("not (Port == 81) and (Service == web or Service == api)", True), ("not Service == web", False),
])
def test_expressions(expr, expected):
    assert compile_filter(expr, ROOTS)(OBJ) is expected


@pytest.mark.parametrize("expr, fragment", [
    ("Service ==", "no match found"), ("Service = web", "no match found"), ("(Service == web", '")"'),
    ("Bogus == 1", 'Selector "Bogus" is not valid'), ("", "no match found"),
    ("Service == web extra", "no match found"), (r'Service == "\x"', "a valid string escape"),
    ('Service matches "["', "error parsing regexp: missing closing ]"), ('Service == "open', "no match found"),
])
def test_malformed_filters_are_bad_requests(expr, fragment):
    with pytest.raises(BadRequest) as e:
        compile_filter(expr, ROOTS)
    assert e.value.text.startswith("Failed to create boolean expression evaluator: ")
    assert fragment in e.value.text


def test_string_escapes_and_unicode():
    assert compile_filter(r'Service == "w\u00e9b"', ROOTS)({"Service": "w\u00e9b"})
    assert compile_filter('Service == "wéb"', ROOTS)({"Service": "wéb"})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ServiceTagsMeta.env =!"`()\\ux0-9 and or not in is empty matches')),
               max_size=40))
def test_any_filter_text_parses_or_is_a_bad_request(text):
    try:
        keep = compile_filter(text, ROOTS)
    except BadRequest:
        return
    assert keep(OBJ) in (True, False)
