"""Issue 11: stopping with blocked queries open answers them (200, as Consul 1.8.7 does as it stops) and
exits promptly; a second Ctrl-C exits at once. No timing is asserted beyond generous bounds."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from consulite.testing.server import ConsuliteServer

ROOT = Path(__file__).resolve().parents[2]


def blocked_get(url: str, results: list) -> None:
    with urllib.request.urlopen(url + "/v1/catalog/services", timeout=30) as r:
        index = r.headers["X-Consul-Index"]
    with urllib.request.urlopen(f"{url}/v1/catalog/services?index={index}&wait=60s", timeout=60) as r:
        results.append((r.status, json.loads(r.read())))


def test_stop_answers_blocked_queries():
    server = ConsuliteServer().start()
    results: list = []
    threads = [threading.Thread(target=blocked_get, args=(server.url, results)) for _ in range(5)]
    for t in threads:
        t.start()
    server.readers_blocked(5)
    start = time.monotonic()
    server.stop()
    for t in threads:
        t.join(10)
    assert time.monotonic() - start < 10  # was 30 s and more: the blocked query's whole wait
    assert results == [(200, {"consul": []})] * 5


async def test_watches_stop_returns_a_blocking_read_at_once(client, agent_of):
    import asyncio

    agent = agent_of(client)
    index = (await client.get("/v1/catalog/services")).headers["X-Consul-Index"]
    reader = asyncio.create_task(client.get("/v1/catalog/services", params={"index": index, "wait": "60s"}))
    await agent.store.watches.readers_blocked(1)
    agent.store.watches.stop()
    r = await asyncio.wait_for(reader, 10)
    assert r.status == 200
    assert agent.store.watches.waiting_on() == 0


def _start_agent(*flags):
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", "0", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = next((line for line in proc.stdout if "agent ready" in line), "")  # after Consul's start-up header
    assert "ready" in line, line + proc.stderr.read()
    return proc, line.split("http://")[1].split(" ")[0]


@pytest.mark.slow
def test_sigint_answers_blocked_queries_and_exits():
    proc, addr = _start_agent()
    results: list = []
    threads = [threading.Thread(target=blocked_get, args=(f"http://{addr}", results)) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "blocked" not in _health(addr, len(threads)):
        time.sleep(0.05)  # bounded polling on a condition (the agent's blocked-reader count)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) == 0
    for t in threads:
        t.join(10)
    assert [status for status, _ in results] == [200] * 3


def _health(addr: str, want: int) -> str:
    """`blocked` once the three readers reached the server (their connections are open and idle)."""
    with urllib.request.urlopen(f"http://{addr}/_consulite/health") as r:
        return "blocked" if json.loads(r.read())["BlockedQueries"] >= want else ""


@pytest.mark.slow
def test_second_sigint_exits_at_once():
    proc, _addr = _start_agent()
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) in (0, 1)
