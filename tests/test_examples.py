"""The seed scenario's walkthrough (examples/mesh-gateways) runs against consulite and shows what it should."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the walkthrough, in subprocesses

WALKTHROUGH = Path(__file__).resolve().parents[1] / "examples" / "mesh-gateways" / "walkthrough.sh"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough uses curl")
def test_walkthrough(consulite):
    env = {**os.environ, "CONSUL_HTTP_ADDR": consulite.http_addr, "CONSULITE": f"{sys.executable} -m consulite.cli"}
    proc = subprocess.run(["bash", str(WALKTHROUGH)], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Config entry written: proxy-defaults/global" in out
    assert "billing.default.finance  local  service-instance  local-gateway  mesh-gateway@default 10.0.0.5:8443" in out
    assert 'is not exported to partition "default"' in out.split("== export billing")[0]
    assert "not exported" not in out.split("== export billing")[1].split("== service-defaults")[0]
    assert "decided by service-defaults (default/service-defaults/web)" in out
    for dest in ("api.dev.api", "db.dev.db", "logging.dev.logging"):
        assert f"{dest}" in out
