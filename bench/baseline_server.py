"""The bare aiohttp baseline: the same JSON parsing and a dict store, nothing else."""

import base64
import sys

import orjson
from aiohttp import web

STORE: dict = {}


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
    return web.Response(status=200)


async def services(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps(STORE), content_type="application/json")


KV: dict = {}


async def kv_put(request: web.Request) -> web.Response:
    """Store the raw body under the key and answer true, as consulite does."""
    KV[request.match_info["key"]] = await request.read()
    return web.Response(body=b"true", content_type="application/json")


async def kv_get(request: web.Request) -> web.Response:
    """The stored value as a one-entry JSON list with base64, the shape consulite answers."""
    value = KV.get(request.match_info["key"])
    if value is None:
        return web.Response(status=404)
    entry = {"LockIndex": 0, "Key": request.match_info["key"], "Flags": 0,
             "Value": base64.b64encode(value).decode(), "CreateIndex": 1, "ModifyIndex": 1}
    return web.Response(body=orjson.dumps([entry]), content_type="application/json")


async def leader(request: web.Request) -> web.Response:
    return web.Response(body=b'"127.0.0.1:8300"', content_type="application/json")


app = web.Application()
app.router.add_put("/v1/agent/service/register", register)
app.router.add_get("/v1/status/leader", leader)
app.router.add_get("/v1/agent/services", services)
app.router.add_put("/v1/kv/{key:.*}", kv_put)
app.router.add_get("/v1/kv/{key:.*}", kv_get)
print("ready", flush=True)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
