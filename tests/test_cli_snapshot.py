"""`consulite snapshot save|restore|inspect` and `consulite state export|import`, in-process against the test
server, with the texts of `consul snapshot` 1.8.7 (command/snapshot/; the outputs checked against the real CLI)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from consulite.cli import main


@pytest.fixture(autouse=True)
def agent_addr(monkeypatch, consulite):
    for name in ("CONSUL_HTTP_TOKEN", "CONSUL_NAMESPACE", "CONSUL_PARTITION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONSUL_HTTP_ADDR", consulite.http_addr)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def services(consulite) -> list[str]:
    return sorted(json.loads(consulite.request("GET", "/v1/agent/services")[1]))


def test_save_inspect_restore(consulite, capsys, tmp_path):
    consulite.register_service({"Name": "web"})
    path = tmp_path / "backup.snap"
    index = json.loads(consulite.request("GET", "/_consulite/state")[1])["index"]
    assert run(capsys, "snapshot", "save", str(path)) == (0, f"Saved and verified snapshot to index {index}\n", "")
    code, out, _ = run(capsys, "snapshot", "inspect", str(path))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(f"ID           {index}-")
    state = len(json.dumps(json.loads(consulite.request("GET", "/_consulite/state")[1]), separators=(",", ":")))
    assert lines[1:4] == [f"Size         {state}", f"Index        {index}", "Version      1"]
    assert [line.split() for line in lines if line.startswith("services ")] == [["services", "2"]]
    assert out.endswith("\n\n")
    consulite.register_service({"Name": "later"})
    assert run(capsys, "snapshot", "restore", str(path)) == (0, "Restored snapshot\n", "")
    assert services(consulite) == ["web"]


@pytest.mark.parametrize("argv, err", [
    (["save"], "Missing FILE argument\n"),
    (["restore", "a", "b"], "Too many arguments (expected 1, got 2)\n"),
    (["inspect", "nope.snap"], "Error opening snapshot file: open nope.snap: no such file or directory\n"),
    (["restore", "nope.snap"], "Error opening snapshot file: open nope.snap: no such file or directory\n"),
    (["save", "-http-addr", "127.0.0.1:1", "x.snap"],
     'Error saving snapshot: Get "http://127.0.0.1:1/v1/snapshot": dial tcp 127.0.0.1:1: connect: connection '
     "refused\n"),
])
def test_argument_and_connection_errors(capsys, argv, err, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "snapshot", *argv) == (1, "", err)
    assert not (tmp_path / "x.snap").exists()


def test_a_bad_file_is_refused_by_inspect_and_restore(consulite, capsys, tmp_path):
    bad = tmp_path / "bad.snap"
    bad.write_text("garbage\n")
    assert run(capsys, "snapshot", "inspect", str(bad)) == (
        1, "", "Error verifying snapshot: failed to decompress snapshot: unexpected EOF\n")
    assert run(capsys, "snapshot", "restore", str(bad)) == (
        1, "", "Error restoring snapshot: Unexpected response code: 500 (failed to decompress snapshot: "
               "unexpected EOF)\n")


def test_state_export_and_import(consulite, capsys, tmp_path):
    consulite.register_service({"Name": "seeded"})
    path = tmp_path / "state.json"
    code, out, _ = run(capsys, "state", "export", str(path))
    doc = json.loads(path.read_text())
    assert (code, out) == (0, f"Exported state to {path} (index {doc['index']})\n")
    consulite.reset()
    assert run(capsys, "state", "import", str(path)) == (0, f"Imported state from {path}\n", "")
    assert "seeded" in services(consulite)
    path.write_text("{}")
    code, _, err = run(capsys, "state", "import", str(path))
    assert code == 1 and err.startswith("Error importing state: Unexpected response code: 400 (not a consulite")


@pytest.mark.slow
def test_agent_refuses_a_data_dir_in_use(tmp_path):
    from tests.persist.test_crash import start_agent

    proc, _ = start_agent(tmp_path)
    try:
        second = subprocess.run([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-data-dir",
                                 str(tmp_path)], capture_output=True, text=True, timeout=60)
    finally:
        proc.terminate()
        proc.wait(60)
    assert second.returncode == 1
    assert second.stderr.startswith(f"consulite: refusing to start: {tmp_path}/consulite.lock: data dir is in use "
                                    f"by another agent (pid {proc.pid}); stop it or use another -data-dir")
