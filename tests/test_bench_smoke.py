"""The benchmark harness runs at a tiny size, so it cannot rot (no timing is asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # benchmark smoke, in a subprocess

ROOT = Path(__file__).resolve().parents[1]


def test_bench_runs_tiny(tmp_path):
    md = tmp_path / "bench.md"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tiny", "--markdown", str(md)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # every row measured, every baseline body identical
    for figure in ("register (PUT /v1/agent/service/register)", "GET /v1/health/service/web", "memory per service",
                   "long-poll clients connecting", "objects"):
        assert figure in proc.stdout
    assert "| figure | consulite | baseline | ratio | target | met? | baseline is |" in md.read_text()
