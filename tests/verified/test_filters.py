"""Verified: `?filter=` on the endpoints consulite implements: a bad filter is a 500 with go-bexpr's text on each
(Consul 1.8.7 and 1.17's agent_endpoint.go / RPC handlers return the error as is). The expression language itself
is judged by the go-bexpr oracle (tests/decode/test_filter_oracle.py)."""

from urllib.parse import quote

import pytest

from tests.verified.helpers import assert_error

ENDPOINTS = ["/v1/agent/services", "/v1/catalog/service/{name}", "/v1/catalog/nodes",
             "/v1/health/service/{name}", "/v1/health/checks/{name}"]


def _setup(target):
    name = target.name("web")
    target.ok("PUT", "/v1/agent/service/register",
              {"Name": name, "Port": 80, "Meta": {"k": "v"}, "Check": {"TTL": "30s", "Status": "passing"}})
    target.synced()
    return name


@pytest.mark.parametrize("path, expr, count", [
    ("/v1/agent/services", 'Service == "{name}"', 1),
    ("/v1/agent/services", 'Port == 81 and Service == "{name}"', 0),
    ("/v1/catalog/service/{name}", "ServiceMeta.k == v", 1),
    ("/v1/catalog/service/{name}", "ServiceMeta.k == w", 0),
    ("/v1/health/service/{name}", 'Service.Port == 80', 1),
    ("/v1/health/checks/{name}", 'Status == "passing"', 1),
    ("/v1/health/checks/{name}", 'Status == "critical"', 0),
])
def test_filter_selects(target, path, expr, count):
    name = _setup(target)
    r = target.get(path.format(name=name) + "?filter=" + quote(expr.format(name=name)))
    assert r.status == 200
    assert len(r.body) == count


@pytest.mark.parametrize("path", ENDPOINTS)
def test_unknown_selector(target, path):
    name = _setup(target)
    assert_error(target.get(path.format(name=name) + "?filter=" + quote("Bogus == 1")), 500,
                 'Failed to create boolean expression evaluator: Selector "Bogus" is not valid')


def test_syntax_error(target):
    assert_error(target.get("/v1/agent/services?filter=" + quote("Service ==")), 500,
                 'Failed to create boolean expression evaluator: 1:11 (10): no match found, expected: "-", "0", '
                 '"\\"", "`", [ \\t\\r\\n], [1-9] or [a-zA-Z]')


def test_unknown_selector_on_agent_checks(target):
    _setup(target)
    assert_error(target.get("/v1/agent/checks?filter=" + quote("Bogus == 1")), 500, 'Selector "Bogus" is not valid')


@pytest.mark.parametrize("path, expr, count", [
    ("/v1/agent/services", 'Port == "80" and Service == "{name}"', 1),  # a quoted number coerces to the int field
    ("/v1/agent/services", '"k" in Meta and Service == "{name}"', 1),
    ("/v1/agent/services", 'Meta.missing != x and Service == "{name}"', 1),  # a missing key: != holds
    ("/v1/agent/services", 'Tags is empty and Weights.Passing == 1 and Service == "{name}"', 1),
    ("/v1/health/service/{name}", 'Checks.Status == passing', 1),  # any check
    ("/v1/health/service/{name}", 'Checks.Status != passing', 0),  # serfHealth and the TTL check both pass
])
def test_filter_typed_semantics(target, path, expr, count):
    name = _setup(target)
    r = target.get(path.format(name=name) + "?filter=" + quote(expr.format(name=name)))
    assert r.status == 200
    assert len(r.body) == count


@pytest.mark.parametrize("expr, err", [
    ("Tags == a", 'Invalid match operator "Equal" for selector "Tags"'),
    ("Service is empty", 'Invalid match operator "Is Empty" for selector "Service"'),
    ("Port == web",
     'Failed to coerce value "web" for selector "Port": strconv.ParseInt: parsing "web": invalid syntax'),
    ("Service.Bogus == 1", 'Selector "Service.Bogus" is not valid'),
    ('Service == "a\\/"', '1:12 (11): rule "string": invalid syntax'),
    ("(Service == a", '1:14 (13): rule "grouping": Unmatched parentheses'),
])
def test_typed_filter_errors(target, expr, err):
    _setup(target)
    assert_error(target.get("/v1/agent/services?filter=" + quote(expr)), 500,
                 "Failed to create boolean expression evaluator: " + err)
