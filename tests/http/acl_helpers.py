"""Shared by the ACL tests: an ACL-enabled agent (default deny) and helpers to make tokens."""

from __future__ import annotations

import itertools

from consulite.model.agent_config import AgentConfig

ROOT = "11111111-2222-3333-4444-555555555555"
H = {"X-Consul-Token": ROOT}
_names = itertools.count(1)


def acl_config(**overrides) -> AgentConfig:
    settings = dict(acl_enabled=True, acl_default_policy="deny", acl_initial_management=ROOT)
    settings.update(overrides)
    return AgentConfig(**settings)


async def token_with(client, rules: str, **body) -> dict:
    """A new token holding one new policy with `rules` (created in the body's Partition, if any)."""
    scope = {k: body[k] for k in ("Partition", "Namespace") if k in body}
    name = f"p{next(_names)}"
    r = await client.put("/v1/acl/policy", json={"Name": name, "Rules": rules, **scope}, headers=H)
    assert r.status == 200, await r.text()
    policy = await r.json()
    r = await client.put("/v1/acl/token", json={"Policies": [{"ID": policy["ID"]}], **body}, headers=H)
    assert r.status == 200, await r.text()
    return await r.json()
