"""`/_consulite/state` and `/v1/snapshot`: a state or snapshot loaded into a fresh server answers every GET as
the server it came from."""

import asyncio
import json
import subprocess
import sys
import urllib.request

import orjson
import pytest

from consulite.decode import snapshot
from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig

PATHS = ["/v1/agent/services", "/v1/agent/service/web-sidecar-proxy", "/v1/agent/checks", "/v1/health/service/web",
         "/v1/health/connect/web", "/v1/health/state/any", "/v1/catalog/services", "/v1/catalog/service/web",
         "/v1/catalog/nodes", "/v1/catalog/node/node1", "/v1/config/", "/v1/config/proxy-defaults/global",
         "/v1/partitions", "/v1/agent/self", "/_consulite/explain/web-sidecar-proxy",
         "/v1/discovery-chain/billing?partition=finance", "/v1/agent/service/billing?partition=finance",
         "/v1/namespaces?partition=finance", "/v1/agent/service/audit?partition=finance&ns=ops"]


async def populate(client):
    await client.put("/v1/partition", json={"Name": "finance", "Description": "money"})
    await client.put("/v1/config", json={"Kind": "proxy-defaults", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/config", json={"Kind": "service-defaults", "Name": "billing", "Protocol": "http"},
                     params={"partition": "finance"})
    await client.put("/v1/agent/service/register", json={"name": "billing", "port": 9}, params={"partition": "finance"})
    await client.put("/v1/namespace", json={"Name": "ops", "Meta": {"team": "ops"}}, params={"partition": "finance"})
    await client.put("/v1/agent/service/register", json={"name": "audit"}, params={"partition": "finance", "ns": "ops"})
    await client.put("/v1/agent/service/register", json={
        "name": "web", "port": 80, "tags": ["a"], "check": {"ttl": "30s"}, "connect": {"sidecar_service": {
            "proxy": {"upstreams": [{"destination_name": "billing", "destination_partition": "finance",
                                     "local_bind_port": 9090}]}}}})
    await client.put("/v1/agent/check/pass/service:web", params={"note": "fine"})
    await client.put("/v1/agent/service/maintenance/web", params={"enable": "true", "reason": "deploy"})


async def save_state(client):
    r = await client.get("/_consulite/state")
    return await r.read(), (await r.json())["index"]


async def save_snapshot(client):
    r = await client.get("/v1/snapshot")
    assert r.headers["Content-Type"] == "application/x-gzip"
    return await r.read(), int(r.headers["X-Consul-Index"])


@pytest.mark.parametrize("path, save", [("/_consulite/state", save_state), ("/v1/snapshot", save_snapshot)],
                         ids=["state", "snapshot"])
async def test_state_round_trip_answers_every_get_the_same(aiohttp_client, path, save):
    # checks stored only: the sidecar's TCP probe, run on its own schedule, would write on one side only
    a = await aiohttp_client(make_app(AgentConfig(checks_run=False)))
    b = await aiohttp_client(make_app(AgentConfig(checks_run=False)))
    await populate(a)
    saved, index = await save(a)
    assert (await b.put(path, data=saved)).status == 200
    for path in PATHS:
        ra, rb = await a.get(path), await b.get(path)
        assert (ra.status, await ra.read()) == (rb.status, await rb.read()), path
        for header in ("X-Consul-Index", "X-Consul-ContentHash"):
            assert ra.headers.get(header) == rb.headers.get(header), (path, header)
    # the loaded server goes on from the saved index
    await b.put("/v1/agent/service/register", json={"name": "new"})
    assert int((await b.get("/v1/catalog/services")).headers["X-Consul-Index"]) == index + 1


async def test_bad_state_documents_are_refused_and_change_nothing(client):
    await client.put("/v1/agent/service/register", json={"name": "keep"})
    for body in (b"[]", b'{"Format": 2}', b'{"Format": 1, "index": "x"}', b"nope"):
        r = await client.put("/_consulite/state", data=body)
        assert r.status == 400, body
    assert list(await (await client.get("/v1/agent/services")).json()) == ["keep"]


@pytest.mark.slow  # a subprocess
def test_agent_starts_from_a_state_file(consulite, tmp_path):
    consulite.register_service({"Name": "saved", "Port": 1234})
    state = tmp_path / "state.json"
    state.write_bytes(consulite.request("GET", "/_consulite/state")[1])
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-state", str(state)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = next(line for line in proc.stdout if "agent ready" in line)  # after Consul's start-up header
        port = int(line.rsplit(":", 1)[1].split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
            assert json.loads(r.read())["saved"]["Port"] == 1234
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    state.write_text("{}")
    proc = subprocess.run([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-state", str(state)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.startswith(f"consulite: refusing to start: {state}: not a consulite")


@pytest.mark.parametrize("reset", [
    lambda c, doc: c.put("/_consulite/reset"),
    lambda c, doc: c.put("/_consulite/state", data=orjson.dumps(doc)),
    lambda c, doc: c.put("/v1/snapshot", data=snapshot.pack(doc, "dc1", "node1")),
], ids=["reset", "state", "snapshot"])
async def test_reset_and_restore_wake_every_blocked_reader(client, blocked, agent_of, reset):
    await client.put("/v1/agent/service/register", json={"Name": "web"})
    await client.put("/v1/config", json={"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    doc = await (await client.get("/_consulite/state")).json()
    digest = (await client.get("/v1/agent/service/web")).headers["X-Consul-ContentHash"]
    readers = []
    for path, params in (("/v1/config/service-defaults/web", "index"), ("/v1/config/service-defaults", "index"),
                         ("/v1/catalog/services", "index"), ("/v1/health/service/web", "index"),
                         ("/v1/agent/service/web", "hash")):
        first = await client.get(path)
        value = digest if params == "hash" else first.headers["X-Consul-Index"]
        readers.append(await blocked(client, client.get(path, params={params: value, "wait": "5m"})))
    assert agent_of(client).store.watches.blocked == len(readers)
    await reset(client, doc)
    # every reader answers now, not when its five minutes are up (the guard only keeps a failure from hanging)
    answers = await asyncio.wait_for(asyncio.gather(*readers), 10)
    assert all(r.status in (200, 404) for r in answers)
