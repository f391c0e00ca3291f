"""Output-only check updates reach the catalog after check_update_interval (agent/local/state.go
UpdateCheck): the agent's endpoints show the new output at once; a status change syncs at once, carrying the
latest output."""

from __future__ import annotations

from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig

FIVE_MINUTES = 300.0


async def _ttl(client, status="passing"):
    r = await client.put("/v1/agent/check/register", json={"Name": "t", "TTL": "1h", "Status": status})
    assert r.status == 200


async def _views(client):
    agent = (await (await client.get("/v1/agent/checks")).json())["t"]
    [catalog] = [c for c in await (await client.get("/v1/health/node/node1")).json() if c["CheckID"] == "t"]
    return (agent["Status"], agent["Output"]), (catalog["Status"], catalog["Output"])


async def test_an_output_only_update_waits_for_the_catalog(client, clock):
    await _ttl(client)
    before = (await client.get("/v1/health/node/node1")).headers["X-Consul-Index"]
    await client.put("/v1/agent/check/pass/t?note=one")
    assert await _views(client) == (("passing", "one"), ("passing", ""))
    after = await client.get("/v1/health/node/node1")
    assert after.headers["X-Consul-Index"] == before  # nothing reached the catalog: no index, no wake-up
    clock.advance(FIVE_MINUTES * 1.5)  # the deferral is staggered within half to one and a half intervals
    assert await _views(client) == (("passing", "one"), ("passing", "one"))


async def test_a_status_change_syncs_at_once_with_the_latest_output(client, clock):
    await _ttl(client)
    await client.put("/v1/agent/check/pass/t?note=one")
    await client.put("/v1/agent/check/warn/t?note=two")
    assert await _views(client) == (("warning", "two"), ("warning", "two"))
    clock.advance(FIVE_MINUTES * 1.5)  # the cancelled deferral writes nothing
    assert await _views(client) == (("warning", "two"), ("warning", "two"))


async def test_no_interval_means_at_once(aiohttp_client, clock):
    client = await aiohttp_client(make_app(AgentConfig(check_update_interval="0s"), clock))
    await _ttl(client)
    await client.put("/v1/agent/check/pass/t?note=one")
    assert await _views(client) == (("passing", "one"), ("passing", "one"))
