"""Verified: the HTTP layer the families share (query options, CE scope refusals, unknown paths, blocking)."""

import time

import pytest

from tests.verified.helpers import assert_error, index, newer

HTTP_CE = "agent/http_ce.go (shared/reference/agent-service-api.md §7); 1.8.7 wrapped it in BadRequestError"


@pytest.mark.parametrize("query, status, text", [
    ("?index=abc", 400, "Invalid index"),
    ("?wait=abc", 400, "Invalid wait time"),
    ("?stale&consistent", 400, "Cannot specify ?stale with ?consistent, conflicting semantics."),
    ("?dc=dc2", 500, "No path to datacenter"),
])
def test_bad_query_options(target, query, status, text):
    assert_error(target.get("/v1/catalog/services" + query), status, text)


def test_consistency_headers(target):
    r = target.get("/v1/catalog/services")
    assert r.headers["x-consul-knownleader"] == "true"
    assert r.headers["x-consul-lastcontact"] == "0"
    assert r.headers["x-consul-effective-consistency"] == "leader"
    assert target.get("/v1/catalog/services?stale").headers["x-consul-effective-consistency"] == "stale"
    assert target.get("/v1/catalog/services?consistent").headers["x-consul-effective-consistency"] == "consistent"


def test_ce_refuses_namespaces(target):
    text = 'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature'
    assert_error(target.get("/v1/catalog/services?ns=foo"), 400,
                 newer(target, HTTP_CE, v187="Bad request: " + text, current=text))
    text = 'Invalid header: "X-Consul-Namespace" - Namespaces are a Consul Enterprise feature'
    assert_error(target.get("/v1/catalog/services", headers={"X-Consul-Namespace": "foo"}), 400,
                 newer(target, HTTP_CE, v187="Bad request: " + text, current=text))


def test_ce_refuses_partitions(target):
    # 1.8.7 predates admin partitions (1.11) and ignores ?partition=; newer CE refuses it (agent/http_ce.go)
    r = target.get("/v1/catalog/services?partition=foo")
    status = newer(target, HTTP_CE, v187=200, current=400)
    assert r.status == status
    if status == 400:
        assert r.body == 'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature'


def test_unknown_paths(target):
    # newer Consul explains a 404 (agent/http.go, the index handler); 1.8.7 answered an empty body
    r = target.get("/v1/no-such-endpoint")
    assert (r.status, r.body) == (404, newer(target, "agent/http.go (index handler)", v187="",
                                            current="Invalid URL path: not a recognized HTTP API endpoint\n"))
    r = target.get("/no-such-path")
    assert (r.status, r.body) == (404, newer(
        target, "agent/http.go (index handler)", v187="",
        current="Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n"))


def test_invalid_cache_control(target):
    assert_error(target.get("/v1/catalog/services", headers={"Cache-Control": "max-age=abc"}), 400,
                 "Invalid Cache-Control header.")


def test_double_slash_redirects(target):
    r = target.get("/v1/catalog//services")
    assert (r.status, r.headers.get("location")) == (301, "/v1/catalog/services")


def test_blocking_query_on_index_1_answers_at_once(target):
    start = time.monotonic()
    r = target.get("/v1/catalog/services?index=1&wait=1s")
    assert r.status == 200 and index(r) > 1
    assert time.monotonic() - start < 0.5


def test_blocking_query_wakes_on_a_change(target):
    r = target.get("/v1/config/service-defaults")
    before = index(r)
    # nothing changes: the query waits for `wait` and answers the same index
    start = time.monotonic()
    r = target.get(f"/v1/config/service-defaults?index={before}&wait=200ms")
    assert index(r) == before and time.monotonic() - start >= 0.15
    target.ok("PUT", "/v1/config", {"Kind": "service-defaults", "Name": target.name("web"), "Protocol": "http"})
    r = target.get(f"/v1/config/service-defaults?index={before}&wait=5s")
    assert index(r) > before
