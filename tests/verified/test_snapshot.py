"""Verified: `consul snapshot save|restore|inspect` (the real 1.8.7 CLI against real Consul, consulite's CLI
against consulite: the archives differ, the texts and exit codes must not) and `/v1/snapshot`'s methods."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.verified.conftest import real_consul_binary
from tests.verified.helpers import assert_error

ROOT = Path(__file__).resolve().parents[2]


def snapshot_cli(target, *args: str, cwd: Path) -> tuple[int, str, str]:
    cmd = [real_consul_binary()] if target.is_real else [sys.executable, "-m", "consulite.cli"]
    env = {**os.environ, "CONSUL_HTTP_ADDR": f"127.0.0.1:{target.port}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*cmd, "snapshot", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
def test_save_inspect_restore(target, tmp_path):
    code, out, err = snapshot_cli(target, "save", "backup.snap", cwd=tmp_path)
    assert (code, err) == (0, "") and re.fullmatch(r"Saved and verified snapshot to index \d+\n", out), out
    index = out.split()[-1]
    code, out, _ = snapshot_cli(target, "inspect", "backup.snap", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 0 and re.fullmatch(r"ID {11}\S+", lines[0]) and lines[2] == f"Index        {index}", out
    assert re.fullmatch(r"Size {9}\d+", lines[1]) and out.endswith("\n\n")  # the state's size, not the file's
    assert snapshot_cli(target, "restore", "backup.snap", cwd=tmp_path) == (0, "Restored snapshot\n", "")


@pytest.mark.slow
def test_argument_file_and_archive_errors(target, tmp_path):
    (tmp_path / "bad.snap").write_text("garbage\n")
    undecompressed = "failed to decompress snapshot: unexpected EOF"
    for args, err in ((["save"], "Missing FILE argument\n"),
                      (["inspect", "a", "b"], "Too many arguments (expected 1, got 2)\n"),
                      (["restore", "nope.snap"],
                       "Error opening snapshot file: open nope.snap: no such file or directory\n"),
                      (["inspect", "bad.snap"], f"Error verifying snapshot: {undecompressed}\n"),
                      (["restore", "bad.snap"],
                       f"Error restoring snapshot: Unexpected response code: 500 ({undecompressed})\n")):
        assert snapshot_cli(target, *args, cwd=tmp_path) == (1, "", err), args


def test_snapshot_takes_get_and_put(target):
    _, headers, _ = target.post("/v1/snapshot")
    assert headers["allow"] == "OPTIONS,GET,PUT"
    assert_error(target.post("/v1/snapshot"), 405, "method POST not allowed")
    assert_error(target.delete("/v1/snapshot"), 405, "method DELETE not allowed")
