"""Shared by the ACL tests: an ACL-enabled agent (default deny) and helpers to make tokens."""

from __future__ import annotations

import pytest

from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig

ROOT = "11111111-2222-3333-4444-555555555555"
H = {"X-Consul-Token": ROOT}


def acl_config(**overrides) -> AgentConfig:
    settings = dict(acl_enabled=True, acl_default_policy="deny", acl_initial_management=ROOT)
    settings.update(overrides)
    return AgentConfig(**settings)


@pytest.fixture
async def acl_client(aiohttp_client, clock):
    """An Enterprise agent with ACLs on, default deny, initial management token ROOT."""
    return await aiohttp_client(make_app(acl_config(), clock))


@pytest.fixture
async def acl_ce(aiohttp_client, clock):
    return await aiohttp_client(make_app(acl_config(edition="ce"), clock))


async def token_with(client, rules: str, **body) -> dict:
    """A new token holding one new policy with `rules` (created in the body's Partition, if any)."""
    scope = {k: body[k] for k in ("Partition", "Namespace") if k in body}
    r = await client.put("/v1/acl/policy", json={"Name": f"p{id(rules) % 100000}-{len(rules)}-{abs(hash(rules)) % 9999}",
                                                 "Rules": rules, **scope}, headers=H)
    assert r.status == 200, await r.text()
    policy = await r.json()
    r = await client.put("/v1/acl/token", json={"Policies": [{"ID": policy["ID"]}], **body}, headers=H)
    assert r.status == 200, await r.text()
    return await r.json()
