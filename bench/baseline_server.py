"""The bare aiohttp baseline, the floor of consulite's stack: `baseline_server.py PORT [SEED]`.

Writes parse the same JSON and keep a dict, answering what consulite answers. Reads named in SEED (a JSON
document {path: {"body": parsed JSON, "headers": {...}}}, captured from consulite serving the same data) are
answered with `orjson.dumps` of that data on every request, with the same X-Consul-* headers: routing,
serialisation and the socket write, nothing else. A health read with `?index=` blocks until the next
register (for the long-poll clients), counted in `/_consulite/health`. Listens with consulite's backlog."""

import asyncio
import sys
import uuid
from pathlib import Path

import orjson
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consulite.http.connections import listen_backlog

STORE: dict = {}
CONFIG: dict = {}
KV: dict = {}
SESSIONS: dict = {}
WATCH = {"index": 1, "changed": asyncio.Event(), "blocked": 0}


def changed() -> None:
    WATCH["index"] += 1
    WATCH["changed"].set()
    WATCH["changed"] = asyncio.Event()


async def register(request: web.Request) -> web.Response:
    """Parse the body and store the dict an agent lists for it (the same data consulite serves)."""
    body = orjson.loads(await request.read())
    address, port = body.get("Address", ""), body.get("Port", 0)
    STORE[body.get("ID") or body["Name"]] = {
        "ID": body.get("ID") or body["Name"], "Service": body["Name"], "Tags": body.get("Tags", []),
        "Meta": body.get("Meta", {}), "Port": port, "Address": address,
        "TaggedAddresses": {"lan_ipv4": {"Address": address, "Port": port},
                            "wan_ipv4": {"Address": address, "Port": port}},
        "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": False, "Namespace": "default",
        "Partition": "default", "Datacenter": "dc1"}
    changed()
    return web.Response(status=200)


async def services(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps(STORE), content_type="application/json")


async def config_write(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    CONFIG[body["Kind"], body["Name"]] = body
    return web.Response(body=b"true", content_type="application/json")


async def session_create(request: web.Request) -> web.Response:
    raw = await request.read()
    body = orjson.loads(raw) if raw else {}
    sid = str(uuid.uuid4())
    SESSIONS[sid] = {**body, "ID": sid}
    return web.Response(body=orjson.dumps({"ID": sid}), content_type="application/json")


async def kv_put(request: web.Request) -> web.Response:
    """Store the raw body under the key and answer true, as consulite does."""
    KV[request.match_info["key"]] = await request.read()
    return web.Response(body=b"true", content_type="application/json")


async def health(request: web.Request) -> web.Response:
    """The index header; with `?index=` at the current index, wait for the next register."""
    if request.query.get("index") == str(WATCH["index"]):
        WATCH["blocked"] += 1
        try:
            await asyncio.wait_for(WATCH["changed"].wait(), 600)
        finally:
            WATCH["blocked"] -= 1
    return web.Response(body=b"[]", content_type="application/json", headers={"X-Consul-Index": str(WATCH["index"])})


async def blocked(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps({"BlockedQueries": WATCH["blocked"]}), content_type="application/json")


async def leader(request: web.Request) -> web.Response:
    return web.Response(body=b'"127.0.0.1:8300"', content_type="application/json")


def seeded(data: object, headers: dict[str, str]):
    async def read(request: web.Request) -> web.Response:
        return web.Response(body=orjson.dumps(data), content_type="application/json", headers=headers)

    return read


app = web.Application()
if len(sys.argv) > 2:
    for path, answer in orjson.loads(Path(sys.argv[2]).read_bytes()).items():
        app.router.add_get(path, seeded(answer["body"], answer["headers"]))
app.router.add_put("/v1/agent/service/register", register)
app.router.add_get("/v1/status/leader", leader)
app.router.add_get("/v1/agent/services", services)
app.router.add_put("/v1/config", config_write)
app.router.add_put("/v1/session/create", session_create)
app.router.add_put("/v1/kv/{key:.*}", kv_put)
app.router.add_get("/v1/health/service/{name}", health)
app.router.add_get("/_consulite/health", blocked)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None, backlog=listen_backlog())
