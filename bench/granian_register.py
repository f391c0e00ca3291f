"""The bare register of bench/baseline_server.py as an ASGI app, to measure granian (a Rust HTTP server for ASGI,
RSGI and WSGI apps) against aiohttp's server for the same work. granian cannot serve an aiohttp application
(aiohttp's web.Application is neither ASGI nor RSGI), so this is the only like-for-like figure.

    granian --interface asgi --workers 1 --host 127.0.0.1 --port <port> bench.granian_register:app
"""

import orjson

STORE: dict = {}
_LEADER = b'"127.0.0.1:8300"'


async def _body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    body, status = b"", 200
    if scope["path"] == "/v1/agent/service/register":
        defn = orjson.loads(await _body(receive))
        address, port = defn.get("Address", ""), defn.get("Port", 0)
        sid = defn.get("ID") or defn["Name"]
        STORE[sid] = {
            "ID": sid, "Service": defn["Name"], "Tags": defn.get("Tags", []), "Meta": defn.get("Meta", {}),
            "Port": port, "Address": address,
            "TaggedAddresses": {"lan_ipv4": {"Address": address, "Port": port},
                                "wan_ipv4": {"Address": address, "Port": port}},
            "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": False, "Namespace": "default",
            "Partition": "default", "Datacenter": "dc1"}
    elif scope["path"] == "/v1/status/leader":
        body = _LEADER
    else:
        status = 404
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
