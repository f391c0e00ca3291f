"""`consulite acl ...` against an ACL-enabled server: the requests and outputs of `consul acl`."""

from __future__ import annotations

import pytest

from consulite.cli import main
from consulite.model.agent_config import AgentConfig
from consulite.testing.server import ConsuliteServer

ROOT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def server():
    with ConsuliteServer(AgentConfig(acl_enabled=True, acl_default_policy="deny", acl_initial_management=ROOT,
                                     edition="ce")) as s:
        yield s


@pytest.fixture
def run(server, monkeypatch, capsys):
    server.reset()
    monkeypatch.setenv("CONSUL_HTTP_ADDR", server.http_addr)
    monkeypatch.setenv("CONSUL_HTTP_TOKEN", ROOT)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


def test_policy_token_role_lifecycle(run, tmp_path):
    rules = tmp_path / "r.hcl"
    rules.write_text('service "web" { policy = "write" }\n')
    code, out, _ = run("acl", "policy", "create", "-name", "web", "-description", "hi", "-rules", f"@{rules}")
    assert code == 0 and out.splitlines()[1:5] == ["Name:         web", "Description:  hi", "Datacenters:  ", "Rules:"]
    code, out, _ = run("acl", "token", "create", "-policy-name", "web", "-description", "tk",
                       "-service-identity", "api:dc1", "-node-identity", "n1:dc1")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("AccessorID:       ") and lines[2] == "Description:      tk"
    assert "Service Identities:" in lines and "   api (Datacenters: dc1)" in lines
    assert "   n1 (Datacenter: dc1)" in lines and any(line.endswith(" - web") for line in lines)
    accessor = lines[0].split()[-1]
    code, out, _ = run("acl", "token", "list")
    assert code == 0 and f"AccessorID:       {accessor}" in out and "SecretID" not in out
    code, out, _ = run("acl", "token", "clone", "-id", accessor, "-description", "copy")
    assert code == 0 and "Description:      copy" in out
    code, out, _ = run("acl", "role", "create", "-name", "ops", "-policy-name", "web")
    assert code == 0 and "Name:         ops" in out
    code, out, _ = run("acl", "policy", "list")
    assert code == 0 and "global-management:" in out and "web:" in out
    code, out, _ = run("acl", "token", "delete", "-id", accessor)
    assert (code, out) == (0, f'Token "{accessor}" deleted successfully\n')
    code, _, err = run("acl", "policy", "read", "-name", "nope")
    assert (code, err) == (1, "Error determining policy ID: No such policy with name nope\n")


def test_bootstrap_refused_after_the_configured_token(run):
    code, _, err = run("acl", "bootstrap")
    assert code == 1 and err.startswith(
        "Failed ACL bootstrapping: Unexpected response code: 403 (Permission denied: ACL bootstrap no longer allowed")


def test_token_read_self_and_expiry_flag(run):
    code, out, _ = run("acl", "token", "read", "-self")
    assert code == 0 and f"SecretID:         {ROOT}" in out
    code, out, _ = run("acl", "token", "create", "-expires-ttl", "10m")
    assert code == 0 and "Expiration Time:  " in out
