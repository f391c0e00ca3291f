"""`/v1/agent/{reload,leave,join,force-leave,metrics,monitor,host}` (texts as real Consul 1.8.7 answers them)."""

import asyncio
import json

from consulite import messages as M
from consulite.decode.files import Loaded


async def test_metrics_count_requests_json_and_prometheus(client):
    for _ in range(3):
        await client.get("/v1/agent/services")
    data = await (await client.get("/v1/agent/metrics")).json()
    assert set(data) >= {"Timestamp", "Gauges", "Points", "Counters", "Samples"}
    counted = {tuple(c["Labels"].values()): c["Count"] for c in data["Counters"]}
    assert counted[("GET", "/v1/agent/services", "200")] == 3
    gauges = {g["Name"]: g["Value"] for g in data["Gauges"]}
    assert gauges["consul.state.services"] == 1 and gauges["consul.raft.applied_index"] >= 1
    r = await client.get("/v1/agent/metrics?format=prometheus")
    text = await r.text()
    assert r.headers["Content-Type"].startswith("text/plain")
    assert 'consul_http_requests{code="200",method="GET",route="/v1/agent/services"} 3' in text
    assert "# TYPE consul_state_services gauge" in text


async def test_monitor_streams_log_lines_at_a_level(client, agent_of):
    r = await client.get("/v1/agent/monitor?loglevel=bogus")
    assert r.status == 400 and await r.text() == "Bad request: Unknown log level: bogus"
    stream = await client.get("/v1/agent/monitor?loglevel=debug")
    assert stream.status == 200
    feed = agent_of(client).admin.monitor
    assert feed.subscribers
    await client.get("/v1/agent/services")
    line = (await asyncio.wait_for(stream.content.readline(), 5)).decode()
    # the agent's own request line (consulite.logs): hclog's text with its key=value fields
    assert "[DEBUG] agent.http: Request finished: method=GET url=/v1/agent/services" in line and "status=200" in line
    stream.close()
    for _ in range(50):
        if not feed.subscribers:
            break
        await asyncio.sleep(0.1)
    assert not feed.subscribers


async def test_join_and_force_leave_on_one_agent(client):
    assert (await client.put("/v1/agent/join/127.0.0.1")).status == 200
    r = await client.put("/v1/agent/join/10.9.9.9")
    assert r.status == 500 and await r.text() == M.JOIN_FAILED.format(address="10.9.9.9", target="10.9.9.9:8301")
    r = await client.put("/v1/agent/join/10.9.9.9:7000?wan=1")
    assert "dial tcp 10.9.9.9:7000" in await r.text()
    assert (await client.put("/v1/agent/force-leave/node1")).status == 200
    r = await client.put("/v1/agent/force-leave/nope")
    assert r.status == 500 and await r.text() == "agent: No node found with name 'nope'"


async def test_reload_rereads_through_the_hook_and_leave_calls_its_hook(client, agent_of):
    admin = agent_of(client).admin
    assert (await client.put("/v1/agent/reload")).status == 200  # nothing to re-read
    admin.reloader = lambda: Loaded(services=[("web.hcl", {"Name": "web", "Port": 80})])
    assert (await client.put("/v1/agent/reload")).status == 200
    assert "web" in await (await client.get("/v1/agent/services")).json()

    def broken():
        raise OSError("config: Open failed on gone.hcl")
    admin.reloader = broken
    r = await client.put("/v1/agent/reload")
    assert r.status == 500 and (await r.text()).startswith("Failed reloading config: config: Open failed")
    left = asyncio.Event()
    admin.on_leave = left.set
    assert (await client.put("/v1/agent/leave")).status == 200
    await asyncio.wait_for(left.wait(), 5)


async def test_host(client):
    host = await (await client.get("/v1/agent/host")).json()
    assert set(host) >= {"Memory", "CPU", "Host", "Disk", "CollectionTime", "Errors"}
    assert host["Memory"]["total"] > 0 and host["Host"]["hostname"]


async def test_monitor_json_lines(client):
    stream = await client.get("/v1/agent/monitor?loglevel=DEBUG&logjson")
    await client.get("/v1/agent/checks")
    line = json.loads(await asyncio.wait_for(stream.content.readline(), 5))
    assert line["@level"] == "debug" and line["@module"] == "agent.http"
    assert line["@message"] == "Request finished" and line["url"] == "/v1/agent/checks" and line["status"] == 200
    assert line["@timestamp"].endswith("Z")
    stream.close()
