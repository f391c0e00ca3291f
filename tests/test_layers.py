"""The layering of ../shared/design.md, enforced with import-linter: imports flow one way."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layers_are_respected():
    proc = subprocess.run([sys.executable, "-m", "importlinter.cli", str(ROOT / ".importlinter")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
