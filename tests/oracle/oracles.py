"""The go-bexpr v0.1.2 and hcl v1.0.0 oracles (oracles/*/main.go, built by scripts/oracles.sh) as Python calls.

Each oracle is one long-running process speaking JSON lines; tests skip with one line when it is absent.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

CACHE = Path(os.environ.get("CONSULITE_ORACLES_DIR") or Path.home() / ".cache/consulite/oracles")


class Oracle:
    def __init__(self, path: str):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     encoding="utf-8", errors="surrogateescape")

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


def oracle(name: str) -> Oracle:
    """The running `name` oracle (`bexpr` or `hcl`), or a skip naming the script that builds it."""
    path = os.environ.get(f"CONSULITE_{name.upper()}_ORACLE") or str(CACHE / f"{name}-oracle")
    if not os.access(path, os.X_OK):
        pytest.skip(f"the {name} oracle is not built: run scripts/oracles.sh (needs Go and Debian's -dev packages)")
    return Oracle(path)
