"""`consulite agent` as a process: ready line, serving, clean stop, one-line error on a taken port."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request


def start(*args):
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
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
