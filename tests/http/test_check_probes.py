"""Checks that run, through the HTTP API, against real local targets under the manual clock.

Consul sources: agent/checks/check.go (HTTP/TCP/UDP/H2PING/script Outputs, StatusHandler), grpc.go,
docker.go, os_service_unix.go, alias.go (processChecks), agent/agent.go (addCheck, reapServicesInternal).
A check's first run comes within one Interval of its registration (Consul's stagger); each run after
waits a full Interval, so `run(interval)` below is exactly one more run.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig
from tests.agent.probe_targets import (
    HTTPTarget,
    closed_port,
    grpc_health_server,
    h2_server,
    tcp_listener,
    udp_echo,
)


@pytest.fixture
async def target():
    async with HTTPTarget() as t:
        yield t


async def register(client, body, path="/v1/agent/service/register", **params):
    r = await client.put(path, json=body, params=params)
    assert r.status == 200, await r.text()


async def check(client, check_id, **params):
    return (await (await client.get("/v1/agent/checks", params=params)).json())[check_id]


async def state(client, check_id, **params):
    c = await check(client, check_id, **params)
    return c["Status"], c["Output"]


# --- each probe type through the API (check.go, grpc.go) ---------------------------------------------

@pytest.mark.parametrize("path, status, output", [
    ("/ok", "passing", "HTTP GET {url}: 200 OK Output: ok"),
    ("/warn", "warning", "HTTP GET {url}: 429 Too Many Requests Output: slow down"),
    ("/fail", "critical", "HTTP GET {url}: 503 Service Unavailable Output: down")])
async def test_http_check_status_and_output(client, run, target, path, status, output):
    url = target.url(path)
    await register(client, {"Name": "web", "Check": {"HTTP": url, "Interval": "10s"}})
    assert await state(client, "service:web") == ("critical", "")  # registered critical, not yet run
    await run(10)
    assert await state(client, "service:web") == (status, output.format(url=url))
    passing = await (await client.get("/v1/health/service/web", params={"passing": ""})).json()
    assert len(passing) == (1 if status == "passing" else 0)


async def test_tcp_check_passing_and_refused(client, run):
    port = closed_port()
    async with tcp_listener() as addr:
        await register(client, {"Name": "db", "Checks": [{"TCP": addr, "Interval": "5s"},
                                                       {"TCP": f"127.0.0.1:{port}", "Interval": "5s"}]})
        await run(5)
        assert await state(client, "service:db:1") == ("passing", f"TCP connect {addr}: Success")
        assert await state(client, "service:db:2") == (
            "critical", f"dial tcp 127.0.0.1:{port}: connect: connection refused")


async def test_udp_grpc_and_h2ping_checks(client, run):
    async with udp_echo() as udp, grpc_health_server() as grpc, h2_server() as h2:
        await register(client, {"Name": "multi", "Checks": [
            {"UDP": udp, "Interval": "5s"}, {"GRPC": grpc + "/web", "Interval": "5s"},
            {"GRPC": grpc + "/down", "Interval": "5s"}, {"H2PING": h2, "Interval": "5s", "H2PingUseTLS": False}]})
        await run(5)
        assert await state(client, "service:multi:1") == ("passing", f"UDP connect {udp}: Success")
        assert await state(client, "service:multi:2") == ("passing", f"gRPC check {grpc}/web: success")
        assert await state(client, "service:multi:3") == (
            "critical", f"gRPC {grpc}/down serving status: NOT_SERVING")
        assert await state(client, "service:multi:4") == ("passing", "HTTP2 ping was successful")


async def test_script_check_runs_with_scripts_enabled(aiohttp_client, clock, tmp_path, agent_of):
    c = await aiohttp_client(make_app(AgentConfig(enable_script_checks=True), clock))
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\necho warming up\nexit 1\n")
    script.chmod(0o755)
    await register(c, {"Name": "job", "Args": [str(script)], "Interval": "10s"}, "/v1/agent/check/register")
    clock.advance(10)
    await agent_of(c).checks.settle()
    assert await state(c, "job") == ("warning", "warming up\n")  # exit 1 is warning (check.go CheckMonitor)


@pytest.mark.skipif(os.path.exists("/var/run/docker.sock") or "DOCKER_HOST" in os.environ,
                    reason="a Docker daemon may be reachable here")
async def test_docker_check_without_docker_answers_consuls_error(aiohttp_client, clock, agent_of):
    c = await aiohttp_client(make_app(AgentConfig(enable_script_checks=True), clock))
    await register(c, {"Name": "box", "DockerContainerID": "abc123", "Args": ["/bin/true"], "Interval": "10s"},
                   "/v1/agent/check/register")
    clock.advance(10)
    await agent_of(c).checks.settle()
    assert await state(c, "box") == (
        "critical", 'create exec failed for container abc123: Post '
                    '"http://%2Fvar%2Frun%2Fdocker.sock/containers/abc123/exec": '
                    "dial unix /var/run/docker.sock: connect: no such file or directory")


async def test_os_service_checks_are_refused_off_windows(client):
    # agent.go addCheck: NewOSServiceClient fails off Windows (os_service_unix.go) and the error is a 500
    for path, body in [("/v1/agent/check/register", {"Name": "svc", "OSService": "sshd", "Interval": "10s"}),
                       ("/v1/agent/service/register",
                        {"Name": "web", "Check": {"OSService": "sshd", "Interval": "10s"}})]:
        r = await client.put(path, json=body)
        assert (r.status, await r.text()) == (500, "not implemented")
    assert await (await client.get("/v1/agent/checks")).json() == {}
    assert await (await client.get("/v1/agent/services")).json() == {}


# --- the status path ---------------------------------------------------------------------------------

async def test_transitions_write_once_and_wake_blocked_readers(client, run, flip, blocked, agent_of):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    r = await client.get("/v1/health/checks/web")
    idx = r.headers["X-Consul-Index"]
    waiting = await blocked(client, client.get("/v1/health/checks/web", params={"index": idx}))
    await run(10)
    r = await waiting
    assert (await r.json())[0]["Status"] == "passing" and int(r.headers["X-Consul-Index"]) > int(idx)
    store = agent_of(client).store
    before = store.index
    await run(10)  # the same status and output: no write (Consul's local state ignores it)
    assert store.index == before and flip.hits == 2
    flip.status = 500
    await run(10)
    assert await state(client, "service:web") == (
        "critical", f"HTTP GET {flip.url}: 500 Internal Server Error Output: status 500")
    assert store.index == before + 1


async def test_thresholds(client, run, flip):
    # check.go StatusHandler: counters start at their thresholds, so the first result is reported at once
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s",
                                                     "SuccessBeforePassing": 2, "FailuresBeforeCritical": 2}})
    await run(10)
    assert (await state(client, "service:web"))[0] == "passing"
    flip.status = 503
    await run(10)
    assert (await state(client, "service:web"))[0] == "passing"  # one failure of two
    await run(10)
    assert (await state(client, "service:web"))[0] == "critical"
    flip.status = 200
    await run(10)
    assert (await state(client, "service:web"))[0] == "critical"  # one success of two
    await run(10)
    assert await state(client, "service:web") == ("passing", f"HTTP GET {flip.url}: 200 OK Output: status 200")


async def test_failures_before_warning(client, run, flip):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s",
                                                     "FailuresBeforeWarning": 1, "FailuresBeforeCritical": 3}})
    await run(10)
    flip.status = 503
    await run(10)
    assert await state(client, "service:web") == (
        "warning", f"HTTP GET {flip.url}: 503 Service Unavailable Output: status 503")
    await run(20)
    await run(10)
    assert (await state(client, "service:web"))[0] == "critical"


async def test_deregister_critical_service_after_removes_the_service(client, run):
    # agent.go: the reap timeout is at least 1m, reaping passes every 30s; the service and checks go
    port = closed_port()
    await register(client, {"Name": "web", "Connect": {"SidecarService": {}}, "Check": {
        "TCP": f"127.0.0.1:{port}", "Interval": "10s", "DeregisterCriticalServiceAfter": "10s"}})
    await run(10)
    assert (await state(client, "service:web"))[0] == "critical"
    for _ in range(6):
        await run(10)
    assert "web" in await (await client.get("/v1/agent/services")).json()  # critical < 1m so far
    for _ in range(4):
        await run(10)
    assert await (await client.get("/v1/agent/services")).json() == {}  # its sidecar went with it
    checks = await (await client.get("/v1/agent/checks")).json()
    assert checks == {}


async def test_reregistration_restarts_with_the_new_definition(client, run, flip, target, agent_of):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    runner = agent_of(client).checks.runner
    key = ("default", "default", "service:web")
    assert runner.interval(key) == 10
    await run(10)
    await register(client, {"Name": "web", "Check": {"HTTP": target.url("/warn"), "Interval": "30s"}})
    assert runner.interval(key) == 30
    assert (await state(client, "service:web"))[0] == "passing"  # status kept across re-registration
    hits = flip.hits
    await run(30)
    assert (await state(client, "service:web"))[0] == "warning" and flip.hits == hits


async def test_deregistration_stops_the_probe_at_once(client, run, flip, agent_of):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    await register(client, {"Name": "disk", "HTTP": flip.url, "Interval": "10s"}, "/v1/agent/check/register")
    await run(10)
    assert flip.hits == 2
    assert (await client.put("/v1/agent/service/deregister/web")).status == 200
    assert (await client.put("/v1/agent/check/deregister/disk")).status == 200
    await run(60)
    runner = agent_of(client).checks.runner
    assert flip.hits == 2 and ("default", "default", "service:web") not in runner


async def test_a_hanging_target_delays_no_other_check_or_request(client, clock, target, agent_of):
    async with tcp_listener() as addr:
        await register(client, {"Name": "web", "Checks": [
            {"HTTP": target.url("/slow"), "Interval": "10s", "Timeout": "30s"}, {"TCP": addr, "Interval": "10s"}]})
        clock.advance(10)
        for _ in range(200):  # the TCP result lands while the HTTP probe still hangs
            if (await state(client, "service:web:2"))[0] == "passing":
                break
            await asyncio.sleep(0.01)
        assert await state(client, "service:web:2") == ("passing", f"TCP connect {addr}: Success")
        assert (await state(client, "service:web:1"))[0] == "critical"
        assert (await client.get("/v1/agent/self")).status == 200


async def test_checks_run_false_stores_only(aiohttp_client, clock, flip, agent_of):
    c = await aiohttp_client(make_app(AgentConfig(checks_run=False), clock))
    await register(c, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    clock.advance(60)
    await agent_of(c).checks.settle()
    assert (await state(c, "service:web")) == ("critical", "") and flip.hits == 0
    assert agent_of(c).checks.runner is None


# --- node checks, maintenance, scope, reset and restore ----------------------------------------------

async def test_node_checks_affect_every_service_on_the_node(client, run, flip):
    await register(client, {"Name": "web"})
    await register(client, {"Name": "api"})
    await register(client, {"Name": "node-http", "HTTP": flip.url, "Interval": "10s"}, "/v1/agent/check/register")
    await run(10)
    for name in ("web", "api"):
        assert len(await (await client.get(f"/v1/health/service/{name}", params={"passing": ""})).json()) == 1
    flip.status = 503
    await run(10)
    for name in ("web", "api"):
        assert await (await client.get(f"/v1/health/service/{name}", params={"passing": ""})).json() == []
        r = await client.get(f"/v1/agent/health/service/name/{name}")
        assert r.status == 503 and (await r.json())[0]["AggregatedStatus"] == "critical"


async def test_maintenance_leaves_probes_running(client, run, flip):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    await client.put("/v1/agent/service/maintenance/web", params={"enable": "true", "reason": "upgrade"})
    await run(10)
    assert (await state(client, "service:web"))[0] == "passing"
    r = await client.get("/v1/agent/health/service/id/web")
    assert r.status == 503 and (await r.json())["AggregatedStatus"] == "maintenance"
    await client.put("/v1/agent/service/maintenance/web", params={"enable": "false"})
    assert (await client.get("/v1/agent/health/service/id/web")).status == 200


async def test_checks_live_in_their_services_scope(client, run, flip, agent_of):
    await client.put("/v1/partition", json={"Name": "finance"})
    await client.put("/v1/namespace", json={"Name": "ops"}, params={"partition": "finance"})
    await register(client, {"Name": "pay", "Namespace": "ops", "Check": {"HTTP": flip.url, "Interval": "10s"}},
                   partition="finance")
    await run(10)
    assert (await state(client, "service:pay", partition="finance", ns="ops"))[0] == "passing"
    assert "service:pay" not in await (await client.get("/v1/agent/checks")).json()
    runner = agent_of(client).checks.runner
    assert ("finance", "ops", "service:pay") in runner
    assert (await client.delete("/v1/partition/finance")).status == 200
    assert ("finance", "ops", "service:pay") not in runner
    hits = flip.hits
    await run(30)
    assert flip.hits == hits


async def test_reset_stops_and_restore_restarts(client, run, flip, agent_of):
    await register(client, {"Name": "web", "Check": {"HTTP": flip.url, "Interval": "10s"}})
    saved = await (await client.get("/_consulite/state")).json()
    assert (await client.put("/_consulite/reset")).status == 200
    await run(30)
    assert flip.hits == 0
    assert (await client.put("/_consulite/state", json=saved)).status == 200
    await run(10)
    assert flip.hits == 1 and (await state(client, "service:web"))[0] == "passing"
