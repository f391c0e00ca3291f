"""Verified: `consul acl ...` (the real 1.8.7 CLI) against an ACL-enabled consulite and an ACL-enabled real
Consul 1.8.7, with the management token: the same exit code, stdout and stderr. Normalised: IDs by relation
(UUIDS), creation times (TIMES)."""

from __future__ import annotations

import re

import pytest

from tests.verified.cli import DEFAULT, INDEXES, UUID, by_regex, by_relation

pytestmark = pytest.mark.slow

#: `Create Time:` is each agent's clock
TIMES = by_regex(r"^(Create Time:\s+).*$", r"\1<time>")
#: a policy's Hash covers its ID (agent/structs/acl.go ACLPolicy.SetHash), which differs: by relation
HASHES = by_relation(r'(?<="Hash": ")[A-Za-z0-9+/=]+', "hash")
NORM = [*DEFAULT, TIMES, HASHES]
#: newer Consul names the configured management token "Initial Management Token" (acl.md §2; 1.8.7: "Master
#: Token"): consulite keeps the newer name
MANAGEMENT = by_regex(r"^(Description:\s+)(?:Master|Initial Management) Token$", r"\1<management token>")


def _blocks(text: str) -> list[str]:
    """A listing's entries, each with every UUID blanked, in sorted order: Consul lists tokens by AccessorID,
    which is random on each side, so order and the relations between entries cannot be compared."""
    return sorted(UUID.sub("<uuid>", block) for block in text.split("\n\n") if block)


def _id(out: str, field: str) -> str:
    return next(line.split()[-1] for line in out.splitlines() if line.startswith(field))


def test_bootstrap_after_a_configured_management_token(acl_cli):
    # both agents were started with a management token: bootstrapping is no longer allowed
    lite, real = acl_cli.both("acl", "bootstrap")
    assert lite.code == real.code == 1 and lite.out == real.out == ""
    pattern = r"Failed ACL bootstrapping: Unexpected response code: 403 \(Permission denied: ACL bootstrap no " \
              r"longer allowed \(reset index: \d+\)\)\n"
    reset_index = by_regex(r"reset index: \d+", "reset index: N")
    assert reset_index(lite.err) == reset_index(real.err), (lite, real)
    assert re.fullmatch(pattern, real.err), real.err


def test_policy_lifecycle(acl_cli, tmp_path):
    name = f"{acl_cli.prefix}-pol"
    (tmp_path / "rules.hcl").write_text('service "web" {\n  policy = "write"\n}\n')
    out = acl_cli.run("acl", "policy", "create", "-name", name, "-description", f"{acl_cli.prefix} d",
                      "-rules", "@rules.hcl", norm=NORM).out
    assert out.startswith("ID:  ")
    policy_id = _id(acl_cli.one("consulite", ["acl", "policy", "read", "-name", name]).out, "ID:")
    assert policy_id
    acl_cli.run("acl", "policy", "read", "-name", name, norm=NORM)
    acl_cli.run("acl", "policy", "read", "-name", name, "-format", "json", norm=[*NORM, INDEXES])
    acl_cli.run("acl", "policy", "update", "-name", name, "-description", f"{acl_cli.prefix} new",
                "-datacenter", "dc1", norm=NORM)
    acl_cli.run("acl", "policy", "list", norm=NORM)
    acl_cli.run("acl", "policy", "delete", "-name", name, norm=NORM)
    acl_cli.run("acl", "policy", "read", "-name", name, norm=NORM)


def test_token_and_role_lifecycle(acl_cli):
    pol, role = f"{acl_cli.prefix}-p", f"{acl_cli.prefix}-r"
    acl_cli.run("acl", "policy", "create", "-name", pol, "-description", acl_cli.prefix, "-rules",
                'key_prefix "" { policy = "read" }', norm=NORM)
    acl_cli.run("acl", "role", "create", "-name", role, "-description", acl_cli.prefix, "-policy-name", pol,
                "-service-identity", "api:dc1", norm=NORM)
    acl_cli.run("acl", "role", "read", "-name", role, norm=NORM)
    acl_cli.run("acl", "role", "list", norm=NORM)
    acl_cli.run("acl", "token", "create", "-description", f"{acl_cli.prefix} tok", "-policy-name", pol,
                "-role-name", role, "-service-identity", "web", "-node-identity", "n1:dc1", norm=NORM)
    acl_cli.run("acl", "token", "create", "-description", f"{acl_cli.prefix} local", "-local",
                "-policy-name", pol, norm=NORM)
    lite, real = acl_cli.both("acl", "token", "list")
    assert lite.code == real.code == 0 and lite.err == real.err == ""
    assert _blocks(TIMES(MANAGEMENT(lite.out))) == _blocks(TIMES(MANAGEMENT(real.out)))
    acl_cli.run("acl", "token", "read", "-self", norm=[*NORM, MANAGEMENT])
    acl_cli.run("acl", "role", "update", "-name", role, "-description", f"{acl_cli.prefix} r2", norm=NORM)
    acl_cli.run("acl", "role", "delete", "-name", role, norm=NORM)
    acl_cli.run("acl", "policy", "delete", "-name", pol, norm=NORM)


def test_token_update_clone_delete(acl_cli):
    # the same accessor on both sides: a token created with a chosen AccessorID/SecretID
    accessor, secret = "aaaaaaaa-1111-2222-3333-444444444444", "bbbbbbbb-1111-2222-3333-444444444444"
    acl_cli.run("acl", "token", "create", "-accessor", accessor, "-secret", secret,
                "-description", f"{acl_cli.prefix} t", norm=NORM)
    acl_cli.run("acl", "token", "read", "-id", accessor, norm=NORM)
    acl_cli.run("acl", "token", "update", "-id", accessor, "-description", f"{acl_cli.prefix} u",
                "-policy-name", "global-management", norm=NORM)
    acl_cli.run("acl", "token", "clone", "-id", accessor, "-description", f"{acl_cli.prefix} c", norm=NORM)
    acl_cli.run("acl", "token", "delete", "-id", accessor, norm=NORM)
    acl_cli.run("acl", "token", "read", "-id", accessor, norm=NORM)


@pytest.mark.parametrize("args", [
    ("acl", "policy", "create"),
    ("acl", "policy", "read"),
    ("acl", "policy", "delete", "-name", "nope"),
    ("acl", "role", "create", "-name", "x"),
    ("acl", "role", "read", "-name", "nope"),
    ("acl", "token", "read", "-id", "nope"),
    ("acl", "token", "create", "-policy-name", "nope"),
    ("acl", "token", "delete"),
], ids=["policy-no-name", "policy-read-nothing", "policy-delete-unknown",
        "role-no-policy", "role-read-unknown", "token-read-bad-prefix", "token-unknown-policy", "token-delete-nothing"])
def test_acl_errors(acl_cli, args):
    acl_cli.run(*args, norm=NORM)


def test_policy_read_unknown_id(acl_cli):
    pid = "00000000-0000-0000-0000-00000000000f"
    lite, real = acl_cli.both("acl", "policy", "read", "-id", pid)
    # newer Consul answers a missing policy with a 404 (acl.md, /v1/acl/policy/:id; 1.15+); 1.8.7 with a 403
    assert lite == (1, "", f'Error reading policy "{pid}": Unexpected response code: 404 (Requested policy does not '
                           'exist: ACL not found)\n')
    assert real == (1, "", f'Error reading policy "{pid}": Unexpected response code: 403 (ACL not found)\n')
