"""Every route, with odd parameters and bodies, answers without an unexpected exception."""

import pytest

from consulite.http.app import ROUTER

ODD_QUERIES = [{}, {"index": "abc"}, {"wait": "forever"}, {"filter": "("}, {"filter": 'Service == "\\x"'},
               {"partition": "nope"}, {"ns": ""}, {"dc": "dc9"}, {"hash": "x", "wait": "1ms"},
               {"passing": "x"}, {"tag": "t"}, {"enable": "maybe"}, {"format": "text"}, {"index": "1", "wait": "1ms"}]
ODD_BODIES = [b"", b"null", b"[]", b'"x"', b"{", b'{"Name": 1}', b'{"Status": "passing"}', b'{"name": "x"}']
#: routes that stream until the client leaves: only their status is read
STREAMING = {"/v1/agent/monitor"}


@pytest.mark.parametrize("route", ROUTER.routes, ids=lambda r: r.pattern)
async def test_route_survives_odd_input(client, route):
    path = route.pattern + ("x" if route.is_prefix else "")
    for method in route.methods:
        for query in ODD_QUERIES:
            for body in ODD_BODIES if method in ("PUT", "POST") else [b""]:
                r = await client.request(method, path, params=query, data=body)
                if route.pattern in STREAMING:
                    assert r.status in (200, 400), (method, path, query)
                    r.close()
                    continue
                text = await r.text()
                assert not text.startswith("consulite internal error"), (method, path, query, body, text)
