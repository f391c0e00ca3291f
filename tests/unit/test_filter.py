"""The `?filter=` language (go-bexpr subset) over rendered objects."""

import pytest

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
    ("Service == web extra", "no match found"),
])
def test_malformed_filters_are_bad_requests(expr, fragment):
    with pytest.raises(BadRequest) as e:
        compile_filter(expr, ROOTS)
    assert e.value.text.startswith("Failed to create boolean expression evaluator: ")
    assert fragment in e.value.text
