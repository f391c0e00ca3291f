"""The benchmark harness runs at a tiny size, so it cannot rot (no timing is asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # benchmark smoke, in a subprocess

ROOT = Path(__file__).resolve().parents[1]


def test_bench_runs_tiny():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tiny"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "register (PUT /v1/agent/service/register)" in proc.stdout and "memory per service" in proc.stdout
