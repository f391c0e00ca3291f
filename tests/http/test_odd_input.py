"""Every route, with odd parameters and bodies, answers without an unexpected exception."""

import pytest

from consulite.http.app import ROUTER

ODD_QUERIES = [{}, {"index": "abc"}, {"wait": "forever"}, {"filter": "("}, {"filter": 'Service == "\\x"'},
               {"partition": "nope"}, {"ns": ""}, {"dc": "dc9"}, {"hash": "x", "wait": "1ms"},
               {"passing": "x"}, {"tag": "t"}, {"enable": "maybe"}, {"format": "text"}, {"index": "1", "wait": "1ms"}]
ODD_BODIES = [b"", b"null", b"[]", b'"x"', b"{", b'{"Name": 1}', b'{"Status": "passing"}', b'{"name": "x"}']


@pytest.mark.parametrize("route", ROUTER.routes, ids=lambda r: r.pattern)
async def test_route_survives_odd_input(client, route):
    path = route.pattern + ("x" if route.is_prefix else "")
    for method in route.methods:
        for query in ODD_QUERIES:
            for body in ODD_BODIES if method in ("PUT", "POST") else [b""]:
                r = await client.request(method, path, params=query, data=body)
                text = await r.text()
                assert not text.startswith("consulite internal error"), (method, path, query, body, text)


@pytest.mark.parametrize("value, status", [
    ("max-age=abc", 400), ("max-age=", 400), ("max-age=1.5", 400), ("stale-if-error=x", 400),
    ("no-cache, MAX-AGE=x", 400), ("max-age=99999999999999999999", 400),
    ("max-age=10", 200), ("max-age=+10", 200), ("max-age=-1", 200), ("must-revalidate", 200), ("maxage=x", 200),
])
async def test_cache_control_max_age_is_a_go_integer(client, value, status):
    """agent/http.go parseCacheControl: strconv.Atoi on max-age and stale-if-error, else 400."""
    r = await client.get("/v1/catalog/services", headers={"Cache-Control": value})
    assert r.status == status
    if status == 400:
        assert await r.text() == "Invalid Cache-Control header."
