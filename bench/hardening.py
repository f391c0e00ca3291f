"""Load and fault figures of issue 11, each against its own baseline in the same run: a mixed load with and
without blocked readers, many readers on one topic, the stall probe (the leader answering while the worst
request of each kind runs), and shutdown with readers blocked. `rows(tiny, repeats)` gives the table rows."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def agent(*flags: str):
    """A consulite agent process on a free port without the per-client limit (the load is one client);
    yields (process, base url)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", str(port),
                             "-log-level", "error", "-http-max-conns-per-client", "0", *flags],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/v1/status/leader", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait()


def _call(url: str, method: str = "GET", body: bytes | None = None, timeout: float = 120) -> bytes:
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        return e.read()


def mixed_load(readers: int, total: int, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        with agent() as (_, url):
            out = subprocess.run([sys.executable, str(HERE / "mixed.py"), url, str(readers), str(total), "32"],
                                 capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def one_topic_wake(readers: int, repeats: int) -> float:
    """Seconds from a write to the last of `readers` blocking reads of one service's health returning,
    in-process through the agent's blocking loop and read (no HTTP client in the way)."""
    import asyncio

    sys.path.insert(0, str(ROOT))
    from consulite.agent.core import Agent
    from consulite.model.scope import DEFAULT_SCOPE

    async def once() -> float:
        a = Agent()
        a.services.register(a.bodies.service(b'{"Name": "web"}'), DEFAULT_SCOPE)
        read = lambda ws: a.health.service(DEFAULT_SCOPE, "web", False, False, ws)  # noqa: E731
        index = read(set())[0]
        tasks = [asyncio.create_task(a.block(read, 60, index)) for _ in range(readers)]  # as over HTTP
        await a.store.watches.readers_blocked(readers)
        start = time.perf_counter()
        a.services.register(a.bodies.service(b'{"Name": "web", "Port": 81}'), DEFAULT_SCOPE)
        await asyncio.gather(*tasks)
        return time.perf_counter() - start

    return statistics.median(asyncio.run(once()) for _ in range(repeats))


def stall(url: str, heavy) -> float:
    """The slowest GET /v1/status/leader (seconds) while `heavy()` runs, probed every 5 ms from a thread."""
    worst, done = [0.0], threading.Event()

    def probe() -> None:
        while not done.is_set():
            start = time.perf_counter()
            _call(url + "/v1/status/leader", timeout=60)
            worst[0] = max(worst[0], time.perf_counter() - start)
            time.sleep(0.005)

    thread = threading.Thread(target=probe)
    thread.start()
    try:
        heavy()
    finally:
        done.set()
        thread.join()
    return worst[0]


def stall_probes(tiny: bool) -> dict[str, float]:
    """The worst request of each kind issue 11 names, each with the probe running."""
    out = {}
    with agent() as (_, url):
        nested = {"Name": "big", "Kind": "connect-proxy", "Port": 5, "Proxy": {
            "DestinationServiceName": "a", "Config": {f"k{i}": [i, "v"] for i in range(20_000 if not tiny else 2000)}}}
        body = json.dumps(nested).encode()
        assert len(body) <= 512 * 1024, len(body)  # the default body limit
        out["nested body at the limit"] = stall(
            url, lambda: _call(url + "/v1/agent/service/register", "PUT", body))
        huge = b'{"Name": "x", "Meta": {"k": "' + b"x" * (31 * 1024 * 1024 if not tiny else 2 * 1024 * 1024) + b'"}}'
        out["31 MiB body (413)"] = stall(url, lambda: _call(url + "/v1/agent/service/register", "PUT", huge))
        for i in range(200 if not tiny else 20):
            _call(url + "/v1/agent/service/register", "PUT",
                  json.dumps({"Name": f"s{i}", "Tags": [f"t{j}" for j in range(200)]}).encode())
        out["?pretty, large listing"] = stall(url, lambda: _call(url + "/v1/agent/services?pretty"))
        name = "a" * (26 if not tiny else 14) + "!"  # backtracking doubles with each "a"
        _call(url + "/v1/agent/service/register", "PUT", json.dumps({"Name": name}).encode())
        out[f"regex ^(a+)+$, {len(name)} chars"] = stall(url, lambda: _call(
            url + "/v1/agent/services?filter=" + urllib.parse.quote('Service matches "^(a+)+$"')))
        _call(url + "/v1/agent/service/register", "PUT", json.dumps(
            {"Name": "tags", "Tags": [f"t{j}" for j in range(32_000 if not tiny else 2000)]}).encode())
        tags = 32_000 if not tiny else 2000
        out[f"catalog/services, {tags} tags"] = stall(url, lambda: _call(url + "/v1/catalog/services"))
    return out


def shutdown_with_readers(readers: int, repeats: int) -> float:
    """Seconds from SIGTERM to exit with `readers` blocking queries open."""
    import asyncio

    import aiohttp

    samples = []
    for _ in range(repeats):
        with agent() as (proc, url):
            async def block_and_stop() -> float:
                async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:
                    async with s.get(url + "/v1/catalog/services") as r:
                        index = r.headers["X-Consul-Index"]
                    tasks = [asyncio.create_task(s.get(url + "/v1/catalog/services",
                                                       params={"index": index, "wait": "120s"}))
                             for _ in range(readers)]
                    while True:  # bounded by the readers arriving
                        async with s.get(url + "/_consulite/health") as r:
                            if (await r.json())["BlockedQueries"] >= readers:
                                break
                        await asyncio.sleep(0.05)
                    start = time.perf_counter()
                    proc.send_signal(signal.SIGTERM)
                    await asyncio.to_thread(proc.wait, 30)
                    elapsed = time.perf_counter() - start
                    await asyncio.gather(*tasks, return_exceptions=True)
                    return elapsed

            samples.append(asyncio.run(block_and_stop()))
    return statistics.median(samples)


def rows(tiny: bool, repeats: int) -> list[tuple]:
    out = []
    readers, total = (100, 500) if tiny else (2000, 5000)
    bare, loaded = mixed_load(0, total, repeats), mixed_load(readers, total, repeats)
    ratio = loaded["rps"] / bare["rps"]
    out.append((f"mixed load with {readers} blocked readers (req/s)", loaded["rps"], bare["rps"], ratio,
                ">= 0.7x", ratio >= 0.7))
    out.append((f"mixed load p99 with {readers} blocked (ms)", loaded["p99_ms"], bare["p99_ms"],
                loaded["p99_ms"] / bare["p99_ms"], "< 100 ms", loaded["p99_ms"] < 100))
    many = 500 if tiny else 10_000
    wake = one_topic_wake(many, repeats)
    out.append((f"{many} readers on one topic: write to last (ms)", wake * 1e3, None, None, "<= 100 ms",
                wake <= 0.1))
    for name, worst in stall_probes(tiny).items():
        out.append((f"stall: {name} (ms)", worst * 1e3, None, None, "<= 50 ms", worst <= 0.05))
    blocked = 100 if tiny else 1000
    down = shutdown_with_readers(blocked, repeats)
    out.append((f"shutdown with {blocked} readers blocked (s)", down, None, None, "<= 1 s", down <= 1))
    return out
