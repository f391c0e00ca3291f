"""Load from wrk (a C load generator) against a server pinned to one core, with the load on the other:
throughput, latency and the server's CPU time per request (stable on a noisy machine where req/s is not)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
TICKS = os.sysconf("SC_CLK_TCK")
TWO_CORES = (os.cpu_count() or 1) >= 2


def ensure_wrk() -> str | None:
    """The wrk binary, installed from Debian's package where missing and possible; None otherwise."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
    return found


def _pinned(cmd: list[str], core: int) -> list[str]:
    return ["taskset", "-c", str(core), *cmd] if TWO_CORES and shutil.which("taskset") else cmd


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@contextmanager
def server(cmd: list[str], port: int, timeout: float = 30) -> Iterator[subprocess.Popen[bytes]]:
    """A server process pinned to core 0, once it answers on `port`."""
    proc = subprocess.Popen(_pinned(cmd, 0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status/leader", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"server did not start: {cmd}") from None
                time.sleep(0.05)  # a process start: bounded polling
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(s|ms|m)")
_SCALE = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def run_wrk(url: str, seconds: float, connections: int, script: str | None = None, threads: int = 2) -> dict:
    """One wrk run, pinned to core 1: requests, req/s, p50 and p99 in ms."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(LUA / script)]
    out = subprocess.run(_pinned([*cmd, url], 1), capture_output=True, text=True, check=True).stdout
    count, took, unit = _REQUESTS.search(out).groups()  # type: ignore[union-attr]
    elapsed = float(took) * _SCALE[unit] / 1e3
    lat = {p: float(v) * _SCALE[u] for p, v, u in _LATENCY.findall(out)}
    return {"requests": int(count), "rps": int(count) / elapsed, "p50_ms": lat.get("50"), "p99_ms": lat.get("99")}


def measure(cmd: list[str], port: int, path: str, *, script: str | None = None, seconds: float = 3,
            connections: int = 32, setup: Callable[[int], None] | None = None) -> dict:
    """wrk against a fresh server: the run's figures plus the server's CPU microseconds per request."""
    with server(cmd, port) as proc:
        if setup is not None:
            setup(port)
        before = cpu_seconds(proc.pid)
        figures = run_wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, script)
        figures["cpu_us"] = (cpu_seconds(proc.pid) - before) / max(figures["requests"], 1) * 1e6
    return figures
