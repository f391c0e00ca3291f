"""`consulite agent` as a process: `/v1/agent/reload` re-reads its config files, `/v1/agent/leave` stops it."""

import json
import re
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.slow  # runs the command as a subprocess


def _put(port: int, path: str) -> int:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="PUT")
    with urllib.request.urlopen(req) as r:
        return r.status


def test_reload_rereads_the_files_and_leave_stops_the_agent(tmp_path):
    conf = tmp_path / "web.hcl"
    conf.write_text('service { name = "web" port = 80 }\n')
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", "0",
                             "-config-file", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = next(line for line in proc.stdout if "agent ready" in line)  # after Consul's start-up header
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))
        conf.write_text('services = [{ name = "web" port = 80 }, { name = "db" port = 5432 }]\n')
        assert _put(port, "/v1/agent/reload") == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
            assert set(json.loads(r.read())) == {"web", "db"}
        conf.write_text('service { name = "db" port = 5432 }\n')  # web is no longer defined: deregistered
        assert _put(port, "/v1/agent/reload") == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
            assert set(json.loads(r.read())) == {"db"}
        assert _put(port, "/v1/agent/leave") == 200
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "stopped" in out
