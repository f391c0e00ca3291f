"""The bare aiohttp floor for bench/paths.py: each GET path answers orjson.dumps of the data consulite answered
there (the same data, byte-identical JSON, rendered per request), and `PUT /v1/config` parses the body and
keeps it in a dict, as the bare register of bench/baseline_server.py does.

    python bench/paths_baseline.py <port> <answers.json>    # {path: data}
"""

import sys
from pathlib import Path

import orjson
from aiohttp import web

ANSWERS: dict = orjson.loads(Path(sys.argv[2]).read_bytes()) if len(sys.argv) > 2 else {}
ENTRIES: dict = {}
HEADERS = {"X-Consul-Index": "1", "X-Consul-Knownleader": "true", "X-Consul-Lastcontact": "0"}


async def answer(request: web.Request) -> web.Response:
    data = ANSWERS.get(request.path_qs)
    if data is None:
        return web.Response(status=404)
    return web.Response(body=orjson.dumps(data), content_type="application/json", headers=HEADERS)


async def config_put(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    ENTRIES[(body["Kind"], body.get("Name", ""))] = body
    return web.Response(body=b"true", content_type="application/json")


async def leader(request: web.Request) -> web.Response:
    return web.Response(body=b'"127.0.0.1:8300"', content_type="application/json")


app = web.Application()
app.router.add_get("/v1/status/leader", leader)
app.router.add_put("/v1/config", config_put)
app.router.add_get("/{tail:.*}", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
