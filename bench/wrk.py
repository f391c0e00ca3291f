"""Load from wrk (a C load generator) against a server pinned to one core, with the load on the other:
throughput, latency and the server's CPU time per request (stable on a noisy machine where req/s is not)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LUA = Path(__file__).resolve().parent / "lua"
ROOT = LUA.parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
TWO_CORES = (os.cpu_count() or 1) >= 2


def ensure_wrk() -> str | None:
    """The wrk binary, installed from Debian's package where missing and possible; None otherwise."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
    return found


def pinned(cmd: list[str], core: int) -> list[str]:
    return ["taskset", "-c", str(core), *cmd] if TWO_CORES and shutil.which("taskset") else cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_ready(port: int, proc: subprocess.Popen[Any], timeout: float = 120) -> None:
    """Until the server on `port` answers (bounded polling on a process start)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status/leader", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"server did not start: {proc.args}") from None
            time.sleep(0.05)


@contextmanager
def server(cmd: list[str], port: int, timeout: float = 120) -> Iterator[subprocess.Popen[bytes]]:
    """A server process pinned to core 0, once it answers on `port`."""
    proc = subprocess.Popen(pinned(cmd, 0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_ready(port, proc, timeout)
        yield proc
    finally:
        proc.terminate()
        proc.wait(30)


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(s|ms|m)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SCALE = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def pinned_load(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A load generator's run on core 1 (the server's core is 0)."""
    return subprocess.run(pinned(cmd, 1), capture_output=True, text=True, check=True, cwd=ROOT, **kwargs)


def run_wrk(url: str, seconds: float, connections: int, script: str | None = None, threads: int = 1,
            env: dict[str, str] | None = None, timeout: float = 30) -> dict:
    """One wrk run on core 1: requests, req/s, p50 and p99 in ms, failed answers (non-2xx, socket errors)."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(round(seconds), 1)}s", f"--timeout={timeout:g}s",
           "--latency"]
    if script:
        cmd += ["-s", str(LUA / script)]
    out = pinned_load([*cmd, url], env={**os.environ, "BENCH_LUA": str(LUA), **(env or {})}).stdout
    count, took, unit = _REQUESTS.search(out).groups()  # type: ignore[union-attr]
    elapsed = float(took) * _SCALE[unit] / 1e3
    lat = {p: float(v) * _SCALE[u] for p, v, u in _LATENCY.findall(out)}
    errors, non_2xx = _ERRORS.search(out), _NON_2XX.search(out)
    failed = (sum(map(int, errors.groups())) if errors else 0) + (int(non_2xx.group(1)) if non_2xx else 0)
    return {"requests": int(count), "rps": int(count) / elapsed, "p50_ms": lat.get("50"), "p99_ms": lat.get("99"),
            "failed": failed}


def measure(proc: subprocess.Popen[Any], url: str, seconds: float, connections: int, script: str | None = None,
            env: dict[str, str] | None = None) -> dict:
    """wrk against a running server: the run's figures plus the server's CPU microseconds per request."""
    before = cpu_seconds(proc.pid)
    figures = run_wrk(url, seconds, connections, script, env=env)
    figures["cpu_us"] = (cpu_seconds(proc.pid) - before) / max(figures["requests"], 1) * 1e6
    return figures
