"""Verified: Community Edition has no namespace endpoints. Real Consul 1.8.7 answers 404 on each (it never
registers them); newer Consul explains its 404 (agent/http.go, the index handler)."""

import pytest

from tests.verified.helpers import newer


@pytest.mark.parametrize("method, path", [("PUT", "/v1/namespace"), ("GET", "/v1/namespace/team"),
                                          ("PUT", "/v1/namespace/team"), ("DELETE", "/v1/namespace/team"),
                                          ("GET", "/v1/namespaces")])
def test_ce_has_no_namespace_endpoints(target, method, path):
    r = target.put(path, {"Name": "team"}) if method == "PUT" else getattr(target, method.lower())(path)
    assert (r.status, r.body) == (404, newer(target, "agent/http.go (index handler)", v187="",
                                            current="Invalid URL path: not a recognized HTTP API endpoint\n"))
