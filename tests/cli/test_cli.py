"""`consulite agent` as a process: ready line, serving, clean stop, one-line error on a taken port."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.slow  # every test here runs the command as a subprocess


def start(*args):
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = next(line for line in proc.stdout if "agent ready" in line)  # after Consul's start-up header
    return proc, line


def test_agent_serves_and_stops_on_sigterm():
    proc, line = start("-http-port", "0", "-datacenter", "east")
    try:
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/self") as r:
            assert b'"Datacenter":"east"' in r.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped" in out


def test_taken_port_fails_with_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "consulite.cli", "agent", "-http-port", str(port)],
                              capture_output=True, text=True, timeout=60, env={**os.environ})
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"consulite: cannot listen on 127.0.0.1:{port}: address already in use"


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "consulite.cli", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def test_explain_prints_a_table(consulite):
    consulite.create_partition("finance")
    consulite.register_service({"Name": "mesh-gateway", "Kind": "mesh-gateway", "Port": 8443,
                                "Address": "10.0.0.5"})
    consulite.register_service({"Name": "web-sidecar-proxy", "Kind": "connect-proxy", "Port": 8181, "Proxy": {
        "DestinationServiceName": "web", "MeshGateway": {"Mode": "local"},
        "Upstreams": [{"DestinationName": "billing", "DestinationPartition": "finance", "LocalBindPort": 9090}]}})
    proc = run_cli("explain", "web-sidecar-proxy", env={"CONSUL_HTTP_ADDR": consulite.http_addr})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("web-sidecar-proxy (connect-proxy) in default/default: proxy mode local, decided by "
                               "service-instance")
    assert lines[1].split() == ["DESTINATION", "MODE", "DECIDED", "BY", "VIA", "GATEWAY", "SNI"]
    row = lines[2].split()
    assert row[:4] == ["billing.default.finance", "local", "service-instance", "local-gateway"]
    assert row[4:6] == ["mesh-gateway@default", "10.0.0.5:8443"]
    assert row[6].startswith("billing.default.finance.dc1.internal-v1.")
    assert any(line.startswith("WARNING: billing: service \"billing\" in partition \"finance\" is not exported")
               for line in lines)


def test_explain_of_an_unknown_service_fails(consulite):
    proc = run_cli("explain", "nope", "-http-addr", consulite.http_addr)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error explaining nope: Unexpected response code: 404 (unknown service ID: nope)"


def test_agent_settings_come_from_files_then_flags(tmp_path):
    conf = tmp_path / "agent.hcl"
    conf.write_text('datacenter = "from-file"\nnode_name = "file-node"\nports {\n  http = 1\n}\n'
                    'service {\n  name = "web"\n  port = 80\n}\n')
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-config-file", str(conf),
                             "-http-port", "0", "-node", "flag-node"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = next(line for line in proc.stdout if "agent ready" in line)
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))  # the flag's 0 beat the file's 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/self") as r:
            config = json.loads(r.read())["Config"]
        assert (config["Datacenter"], config["NodeName"]) == ("from-file", "flag-node")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
            assert list(json.loads(r.read())) == ["web"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
