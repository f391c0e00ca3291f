"""Issue 15: harnesses that exec `consul agent` run consulite through a `consul` link on PATH: sdk/testutil's
JSON config file and leader wait (sdk/testutil/server.go), pytest-consul's `-dev -config-file` with ports and a
wait for Consul's start-up line, then py-consul against the agent."""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `consul agent` as a subprocess

consul_api = pytest.importorskip("consul")
ENTRY = Path(sys.executable).parent / "consulite"  # the console script pip installs


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.fixture
def consul_on_path(tmp_path):
    """A PATH whose `consul` is a link to consulite's entry point."""
    if not ENTRY.exists():
        pytest.skip(f"no console script at {ENTRY}")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "consul").symlink_to(ENTRY)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def start(env, *args):
    return subprocess.Popen(["consul", "agent", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def lines_of(proc) -> queue.Queue:
    """The process's standard output, line by line, read by a thread (None at its end)."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_line(lines: queue.Queue, text: str, seen: list[str], timeout: float = 30) -> None:
    """Take lines until one holding `text` (bounded; fails with what was seen)."""
    deadline = time.monotonic() + timeout
    while (line := lines.get(timeout=max(deadline - time.monotonic(), 0.01))) is not None:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"no {text!r} line: {''.join(seen)}")


def stop(proc) -> int:
    proc.send_signal(signal.SIGINT)  # testutil's Stop
    try:
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sdk_testutil_starts_consul_with_a_json_config_and_waits_for_the_leader(consul_on_path, tmp_path):
    dns, http, https, lan, wan, server, grpc, grpc_tls = free_ports(8)
    node_id = str(uuid.uuid4())
    config = {  # what sdk/testutil/server.go defaultServerConfig marshals
        "node_name": f"node-{node_id}", "node_id": node_id, "performance": {"raft_multiplier": 1},
        "bootstrap": True, "server": True, "data_dir": str(tmp_path / "data"), "segments": None,
        "disable_update_check": True, "log_level": "debug", "bind_addr": "127.0.0.1", "addresses": {},
        "ports": {"dns": dns, "http": http, "https": https, "serf_lan": lan, "serf_wan": wan, "server": server,
                  "grpc": grpc, "grpc_tls": grpc_tls},
        "acl": {"tokens": {}}, "connect": {"enabled": True, "ca_config": {"cluster_id": str(uuid.uuid4())}},
        "skip_leave_on_interrupt": True, "peering": {"enabled": True}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    proc = start(consul_on_path, "-config-file", str(tmp_path / "config.json"))
    try:
        wait_line(lines_of(proc), "consulite agent ready", [])  # listening: testutil's waitForAPI now passes
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/v1/catalog/nodes") as r:  # its WaitForLeader
            nodes, headers = json.loads(r.read()), r.headers
        assert headers["X-Consul-KnownLeader"] == "true" and int(headers["X-Consul-Index"]) >= 2
        assert [(n["Node"], n["ID"]) for n in nodes] == [(f"node-{node_id}", node_id)]
        c = consul_api.Consul(port=http)
        assert c.status.leader() == f"127.0.0.1:{server}"
        debug = c.agent.self()["DebugConfig"]
        assert (debug["HTTPPort"], debug["DNSPort"], debug["GRPCPort"], debug["GRPCTLSPort"], debug["SerfPortLAN"],
                debug["SerfPortWAN"], debug["ServerPort"], debug["DevMode"]) == (
            http, dns, grpc, grpc_tls, lan, wan, server, False)
        assert c.kv.put("k", "v") and c.kv.get("k")[1]["Value"] == b"v"
    finally:
        code = stop(proc)
    assert code == 0
    assert (tmp_path / "data").is_dir()  # the data dir was used: persistence is kept


def test_pytest_consul_style_dev_agent_with_ports_and_the_running_line(consul_on_path, tmp_path):
    dns, http, https, grpc, lan, wan, server = free_ports(7)
    ports = {"dns": dns, "http": http, "https": https, "grpc": grpc, "serf_lan": lan, "serf_wan": wan,
             "server": server}
    (tmp_path / "consul.json").write_text(json.dumps({"ports": ports, "performance": {"raft_multiplier": 1},
                                                       "enable_script_checks": True}))
    pid_file = tmp_path / "consul.pid"
    proc = start(consul_on_path, "-dev", "-bind=127.0.0.1", f"-config-file={tmp_path / 'consul.json'}",
                 "-node", "pytest-node", "-retry-join", "127.0.0.1", "-ui", "-pid-file", str(pid_file))
    seen: list[str] = []
    lines = lines_of(proc)
    try:
        wait_line(lines, "==> Consul agent running!", seen)
        wait_line(lines, "agent: Synced node info", seen)
        out = "".join(seen)
        # the header and lines as Consul 1.8.7 prints them (command/agent/agent.go, agent/consul/leader.go)
        assert out.startswith("==> Starting Consul agent...\n")
        assert "         Node name: 'pytest-node'\n" in out
        assert (f"       Client Addr: [127.0.0.1] (HTTP: {http}, HTTPS: {https}, gRPC: {grpc}, DNS: {dns})\n"
                in out)
        assert f"      Cluster Addr: 127.0.0.1 (LAN: {lan}, WAN: {wan})\n" in out
        assert "[INFO]  agent.server: cluster leadership acquired\n" in out
        assert "[INFO]  agent.server: New leader elected: payload=pytest-node\n" in out
        assert f"[INFO]  agent: Started HTTP server: address=127.0.0.1:{http} network=tcp\n" in out
        assert "[WARN]  agent: Ignored: no meaning in consulite: flag=-retry-join\n" in out
        assert "[WARN]  agent: Ignored: no meaning in consulite: key=performance\n" in out
        assert pid_file.read_text() == str(proc.pid)
        c = consul_api.Consul(port=http)
        assert c.status.leader() == f"127.0.0.1:{server}"
        assert c.agent.self()["DebugConfig"]["DevMode"] is True
        c.agent.service.register("web", port=80)
        assert "web" in c.agent.services()
    finally:
        code = stop(proc)
    assert code == 0 and not pid_file.exists()


def test_a_refused_start_exits_1_with_consuls_text(consul_on_path):
    proc = subprocess.run(["consul", "agent", "-dev", "-bootstrap-expect", "3"], env=consul_on_path,
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (
        1, "consulite: refusing to start: 'bootstrap_expect > 0' not allowed in dev mode\n")
    version = subprocess.run(["consul", "version"], env=consul_on_path, capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("Consul v")  # tools read the version from `consul version`'s first line
