"""Agent checks: register, TTL updates and expiry, deregister (agent/agent_endpoint.go texts)."""

import asyncio

import pytest


async def ttl_service(client, ttl="10s"):
    r = await client.put("/v1/agent/service/register", json={"Name": "w", "Check": {"TTL": ttl}})
    assert r.status == 200


async def status_of(client, check_id="service:w"):
    return (await (await client.get("/v1/agent/checks")).json())[check_id]


async def test_ttl_expires_on_the_injected_clock(client, clock):
    await ttl_service(client)
    assert (await client.put("/v1/agent/check/pass/service:w", params={"note": "ok"})).status == 200
    check = await status_of(client)
    assert (check["Status"], check["Output"]) == ("passing", "ok")
    clock.advance(9)
    assert (await status_of(client))["Status"] == "passing"
    clock.advance(2)
    check = await status_of(client)
    assert check["Status"] == "critical"
    assert check["Output"] == "TTL expired (last output before timeout follows): ok"


async def test_updates_restart_the_ttl(client, clock):
    await ttl_service(client)
    await client.put("/v1/agent/check/warn/service:w")
    clock.advance(8)
    await client.put("/v1/agent/check/update/service:w", json={"Status": "passing", "Output": "fine"})
    clock.advance(8)
    check = await status_of(client)
    assert (check["Status"], check["Output"]) == ("passing", "fine")
    clock.advance(3)
    assert (await status_of(client))["Output"] == "TTL expired (last output before timeout follows): fine"


async def test_ttl_really_expires_in_real_time(aiohttp_client):
    # the reference's client facts: a 100 ms TTL is critical soon after; bound generously for slow machines
    from consulite.http.app import make_app

    client = await aiohttp_client(make_app())
    await client.put("/v1/agent/service/register", json={"Name": "w", "Check": {"TTL": "100ms"}})
    await client.put("/v1/agent/check/pass/service:w")
    assert (await status_of(client))["Status"] == "passing"
    for _ in range(100):
        await asyncio.sleep(0.05)
        if (await status_of(client))["Status"] == "critical":
            break
    assert (await status_of(client))["Output"] == "TTL expired"


async def test_register_check_standalone_and_for_a_service(client):
    r = await client.put("/v1/agent/check/register", json={"name": "disk", "ttl": "30s", "notes": "n"})
    assert r.status == 200
    check = await status_of(client, "disk")  # ID defaults to the name
    assert (check["Name"], check["Notes"], check["ServiceID"], check["Type"]) == ("disk", "n", "", "ttl")
    await client.put("/v1/agent/service/register", json={"Name": "w", "Tags": ["x"]})
    r = await client.put("/v1/agent/check/register",
                         json={"name": "web up", "id": "web-http", "serviceid": "w", "http": "http://x",
                               "interval": "10s", "status": "passing"})
    assert r.status == 200
    check = await status_of(client, "web-http")
    assert (check["ServiceName"], check["ServiceTags"], check["Status"]) == ("w", ["x"], "passing")
    # agent/agent.go keeps no HealthCheckDefinition for the checks it runs: Definition is {}, Interval shown
    assert (check["Definition"], check["Interval"], check["Type"]) == ({}, "10s", "http")


@pytest.mark.parametrize("body, status, text", [
    ({"ttl": "1s"}, 400, "Missing check name"),
    ({"name": "c", "ttl": "1s", "status": "ok"}, 400, "Bad check status"),
    ({"name": "c"}, 400, "Invalid check: TTL must be > 0 for TTL checks"),
    # a check for a service that does not exist is a 404 (agent/agent_endpoint.go, AgentRegisterCheck)
    ({"name": "c", "ttl": "1s", "serviceid": "nope"}, 404, 'ServiceID "nope" does not exist'),
    ({"name": "c", "ttl": "1s", "bogus": 1}, 400, 'Request decode failed: json: unknown field "bogus"'),
])
async def test_register_check_errors(client, body, status, text):
    r = await client.put("/v1/agent/check/register", json=body)
    assert (r.status, await r.text()) == (status, text)
    assert await (await client.get("/v1/agent/checks")).json() == {}


async def test_check_update_errors(client):
    r = await client.put("/v1/agent/check/pass/nope")
    assert (r.status, await r.text()) == (
        404, 'Unknown check ID "nope". Ensure that the check ID is passed, not the check name.')
    await client.put("/v1/agent/check/register", json={"name": "h", "http": "http://x", "interval": "5s"})
    r = await client.put("/v1/agent/check/pass/h")
    assert (r.status, await r.text()) == (500, 'CheckID "h" does not have associated TTL')
    r = await client.put("/v1/agent/check/update/h", json={"Status": "fine"})
    assert (r.status, await r.text()) == (400, "Invalid check status: 'fine'")


async def test_deregister_check(client):
    await client.put("/v1/agent/check/register", json={"name": "c", "ttl": "1s"})
    assert (await client.put("/v1/agent/check/deregister/c")).status == 200
    assert (await client.put("/v1/agent/check/deregister/c")).status == 404
    assert await (await client.get("/v1/agent/checks")).json() == {}


async def test_node_maintenance(client):
    assert (await client.put("/v1/agent/maintenance", params={"enable": "true", "reason": "patching"})).status == 200
    check = await status_of(client, "_node_maintenance")
    assert (check["Name"], check["Notes"], check["Status"]) == ("Node Maintenance Mode", "patching", "critical")
    r = await client.get("/v1/health/node/node1")
    assert "_node_maintenance" in [c["CheckID"] for c in await r.json()]
