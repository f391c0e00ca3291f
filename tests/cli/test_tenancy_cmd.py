"""`consulite namespace|partition ...`: the flags and outputs of `consul namespace` / `consul partition`
(website/content/commands/namespace/*.mdx, commands/partition.mdx: pretty layout, three-space JSON)."""

import json

from consulite.cli import main


def _run(capsys, consulite, *argv, code=0):
    assert main([*argv, "-http-addr", consulite.http_addr]) == code
    out = capsys.readouterr()
    return out.out if code == 0 else out.err


def test_namespace_commands(consulite, capsys):
    out = _run(capsys, consulite, "namespace", "create", "-name", "team-1", "-description", "Team 1",
               "-meta", "team=one")
    assert out == "Name: team-1\nDescription:\n   Team 1\nMeta:\n   team: one\n"
    made = json.loads(_run(capsys, consulite, "namespace", "read", "team-1", "-format", "json"))
    assert (made["Name"], made["Meta"]) == ("team-1", {"team": "one"})
    assert '\n   "Name": "team-1",' in _run(capsys, consulite, "namespace", "read", "-format=json", "team-1")
    out = _run(capsys, consulite, "namespace", "update", "-name", "team-1", "-meta", "env=dev", "-merge-meta",
               "-show-meta")
    assert "Meta:\n   team: one\n   env: dev\n" in out and "Create Index: " in out and "Modify Index: " in out
    assert "Description:\nMeta" in out  # update replaces the description it was not given
    listed = _run(capsys, consulite, "namespace", "list", "-meta")
    assert listed.startswith("default:\n   Description:\n      Builtin Default Namespace\n   Create Index: ")
    assert "team-1:\n   Description:\n   Meta:\n" in listed
    assert _run(capsys, consulite, "namespace", "delete", "team-1") == ""
    err = _run(capsys, consulite, "namespace", "read", "team-1", code=1)
    assert err == "Namespace not found: team-1\n"
    err = _run(capsys, consulite, "namespace", "create", "-name", "bad_name", code=1)
    assert err == ('Error creating namespace: Unexpected response code: 400 (Namespace name "bad_name" is not a '
                   "valid DNS hostname)\n")
    assert _run(capsys, consulite, "namespace", "create", code=1) == "Missing required -name flag\n"


def test_namespace_in_a_partition(consulite, capsys):
    _run(capsys, consulite, "partition", "create", "-name", "finance")
    _run(capsys, consulite, "namespace", "create", "-name", "ops", "-partition", "finance")
    found = json.loads(_run(capsys, consulite, "namespace", "list", "-format", "json", "-partition", "finance"))
    assert [(n["Name"], n["Partition"]) for n in found] == [("default", "finance"), ("ops", "finance")]


def test_partition_commands(consulite, capsys):
    out = _run(capsys, consulite, "partition", "create", "-name", "webdev", "-description", "web team",
               "-format", "json", "-show-meta")
    made = json.loads(out)
    assert (made["Name"], made["Description"]) == ("webdev", "web team") and made["CreateIndex"] > 0
    assert _run(capsys, consulite, "partition", "read", "webdev") == "Name: webdev\nDescription:\n   web team\n"
    out = _run(capsys, consulite, "partition", "update", "-name", "webdev", "-description", "renamed")
    assert out == "Name: webdev\nDescription:\n   renamed\n"
    listed = _run(capsys, consulite, "partition", "list")
    assert listed == ("default:\n   Description:\n      Builtin Default Partition\n"
                      "webdev:\n   Description:\n      renamed\n")
    assert _run(capsys, consulite, "partition", "delete", "webdev") == ""
    assert _run(capsys, consulite, "partition", "read", "webdev", code=1) == "Partition not found: webdev\n"
