"""Verified: HTTP and TCP checks really run, with Consul's statuses and Outputs (agent/checks/check.go).

Both agents run checks on real time (Interval 1s, the minimum): each test waits on a blocking query of the
service's health checks until the first result lands (bounded), then reads the agent's own view."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.agent.probe_targets import threaded_http
from tests.verified.helpers import assert_contains

BOUND = 10.0  # seconds for a first result: the stagger (< 1 s) plus a probe, with room for slow machines


@pytest.fixture(scope="module")
def http_target():
    with threaded_http({"/ok": (200, b"ok"), "/warn": (429, b"slow down"), "/fail": (503, b"down")}) as url:
        yield url


@pytest.fixture(scope="module")
def tcp_target():
    sock = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                conn.close()
            except OSError:
                pass

    threading.Thread(target=accept, daemon=True).start()
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_result(target, service: str, check_id: str) -> dict:
    """The agent's view of a check once it has left its registered state (critical, no output)."""
    deadline = time.monotonic() + BOUND
    index = 1
    while time.monotonic() < deadline:
        r = target.get(f"/v1/health/checks/{service}?index={index}&wait=1s")
        index = max(int(r.headers.get("x-consul-index", "1")), 1)
        check = target.get("/v1/agent/checks").body.get(check_id)
        if check and (check["Status"] != "critical" or check["Output"]):
            return check
    raise AssertionError(f"{check_id} never ran within {BOUND} s")


@pytest.mark.parametrize("path, status, text", [
    ("/ok", "passing", "200 OK Output: ok"), ("/warn", "warning", "429 Too Many Requests Output: slow down"),
    ("/fail", "critical", "503 Service Unavailable Output: down")])
def test_http_check_runs(target, http_target, path, status, text):
    name = target.name("web")
    url = http_target + path
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Check": {"HTTP": url, "Interval": "1s"}})
    try:
        check = first_result(target, name, f"service:{name}")
        assert_contains(check, {"Status": status, "Output": f"HTTP GET {url}: {text}", "Type": "http"})
    finally:
        target.put(f"/v1/agent/service/deregister/{name}")


def test_tcp_check_runs(target, tcp_target):
    name = target.name("db")
    port = _closed_port()
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Checks": [
        {"TCP": tcp_target, "Interval": "1s"}, {"TCP": f"127.0.0.1:{port}", "Interval": "1s"}]})
    try:
        assert_contains(first_result(target, name, f"service:{name}:1"),
                        {"Status": "passing", "Output": f"TCP connect {tcp_target}: Success", "Type": "tcp"})
        assert_contains(first_result(target, name, f"service:{name}:2"), {
            "Status": "critical", "Output": f"dial tcp 127.0.0.1:{port}: connect: connection refused"})
    finally:
        target.put(f"/v1/agent/service/deregister/{name}")
