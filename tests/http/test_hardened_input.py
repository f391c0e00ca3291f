"""Issue 11: input that used to answer 500 answers as Consul does, and nothing refused is stored.

Texts: agent/http.go (parseWait: "Invalid index", empty wait/index ignored; parseCacheControl:
"Invalid Cache-Control header."), agent/config_endpoint.go (?cas= through strconv.ParseUint, a plain 500
with Go's text), agent/kvs_endpoint.go and agent/txn_endpoint.go (the 413 text).
"""

import asyncio

import orjson
from yarl import URL

from consulite import messages as M
from consulite.model.agent_config import MAX_BODY_BYTES, AgentConfig


async def raw_request(client, head: bytes, body: bytes = b"") -> bytes:
    """Send bytes as they are (invalid UTF-8 included) and return the raw answer."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(head + b"\r\nHost: x\r\nContent-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
                 + body)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_unicode_digits_in_index_are_consuls_400(client):
    r = await client.get(URL("/v1/health/service/web?index=%C2%B2", encoded=True))
    assert (r.status, await r.text()) == (400, M.INVALID_INDEX)
    r = await client.get("/v1/health/service/web", params={"index": str(1 << 64)})
    assert (r.status, await r.text()) == (400, M.INVALID_INDEX)


async def test_empty_wait_and_index_are_ignored(client):
    r = await client.get("/v1/health/service/web?index=&wait=")
    assert r.status == 200


async def test_unicode_digits_in_cas_answer_consuls_own_parse_error(client):
    r = await client.put("/v1/config?cas=²", json={"Kind": "proxy-defaults", "Name": "global"})
    assert (r.status, await r.text()) == (500, 'strconv.ParseUint: parsing "²": invalid syntax')
    assert (await client.get("/v1/config/proxy-defaults/global")).status == 404


async def test_bad_cache_control_max_age(client):
    for value in ("max-age=abc", "max-age=1.5", "stale-if-error=x"):
        r = await client.get("/v1/health/service/web", headers={"Cache-Control": value})
        assert (r.status, await r.text()) == (400, M.INVALID_CACHE_CONTROL), value
    r = await client.get("/v1/health/service/web", headers={"Cache-Control": "max-age=10, must-revalidate"})
    assert r.status == 200


async def test_gzip_content_encoding_on_a_plain_body_is_not_decoded(client):
    """Go's server does not decode a request's Content-Encoding: the plain JSON body registers."""
    r = await client.put("/v1/agent/service/register", data=b'{"Name": "z"}', headers={"Content-Encoding": "gzip"})
    assert r.status == 200
    assert "z" in await (await client.get("/v1/agent/services")).json()


async def test_invalid_utf8_namespace_is_refused_and_never_stored(client):
    body = b'{"Name": "a"}'
    for head in (b"PUT /v1/agent/service/register?ns=%E9%FF HTTP/1.1",
                 b"PUT /v1/agent/service/register?partition=%FF HTTP/1.1",
                 b"PUT /v1/agent/service/register HTTP/1.1\r\nX-Consul-Namespace: \xe9\xff",
                 b"PUT /v1/agent/service/register HTTP/1.1\r\nX-Consul-Partition: \xff"):
        answer = await raw_request(client, head, body)
        assert answer.startswith(b"HTTP/1.1 400"), (head, answer)
        assert b"not valid UTF-8" in answer
    r = await client.get("/_consulite/state")
    assert r.status == 200
    assert [s["id"] for s in (await r.json())["services"]] == ["consul"]


async def test_body_past_the_limit_is_413_with_consuls_text(client):
    big = b'{"Name": "big", "Meta": {"k": "' + b"x" * MAX_BODY_BYTES + b'"}}'
    r = await client.put("/v1/agent/service/register", data=big)
    assert r.status == 413
    assert await r.text() == M.BODY_TOO_LARGE.format(size=len(big), limit=MAX_BODY_BYTES, doc=M.BODY_LIMIT_DOC)

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    r = await client.put("/v1/agent/service/register", data=chunks())
    assert (r.status, await r.text()) == (413, M.BODY_TOO_LARGE_CHUNKED.format(limit=MAX_BODY_BYTES,
                                                                              doc=M.BODY_LIMIT_DOC))
    assert "big" not in await (await client.get("/v1/agent/services")).json()


async def test_body_limit_is_configurable(aiohttp_client):
    from consulite.http.app import make_app

    small = await aiohttp_client(make_app(AgentConfig(http_max_body_bytes=100)))
    r = await small.put("/v1/agent/service/register", json={"Name": "x" * 200})
    assert r.status == 413


async def test_large_pretty_listing_matches_the_small_rendering(client):
    tags = [f"t{i}" for i in range(20000)]
    assert (await client.put("/v1/agent/service/register", json={"Name": "web", "Tags": tags})).status == 200
    compact = await (await client.get("/v1/agent/services")).json()
    r = await client.get("/v1/agent/services", params={"pretty": ""})
    text = await r.text()
    assert text.endswith("}\n") and '\n    "web": {' in text
    assert orjson.loads(text) == compact


async def test_a_long_filter_fits_in_the_request_line(client):
    """Go's server takes 1 MB of request line and headers; aiohttp's default was 8,190 bytes."""
    long_filter = " or ".join(f'Service == "s{i}"' for i in range(3000))
    assert len(long_filter) > 50000
    r = await client.get("/v1/agent/services", params={"filter": long_filter})
    assert r.status == 200
