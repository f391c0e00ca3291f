"""/v1/session with the manual clock: TTL expiry at 2x the TTL, renewal, lock-delay, invalidation by checks
and serfHealth, blocking on list/info/node (reference kv-sessions-txn.md §2, §5)."""

import asyncio


async def _create(client, **body):
    r = await client.put("/v1/session/create", json=body)
    assert r.status == 200, await r.text()
    return (await r.json())["ID"]


async def _info(client, sid):
    return await (await client.get(f"/v1/session/info/{sid}")).json()


async def test_ttl_expires_at_twice_the_ttl_and_renew_resets(client, clock):
    sid = await _create(client, TTL="10s")
    clock.advance(19)
    assert await _info(client, sid) != []  # never before TTL; kept up to 2x TTL (§2.5)
    renewed = await (await client.put(f"/v1/session/renew/{sid}")).json()
    assert renewed[0]["TTL"] == "10s"
    clock.advance(19)
    assert await _info(client, sid) != []
    clock.advance(1)
    assert await _info(client, sid) == []


async def test_expiry_releases_held_keys_and_lock_delay_applies(client, clock):
    sid = await _create(client, TTL="10s", LockDelay="5s")
    assert await (await client.put(f"/v1/kv/lead?acquire={sid}", data=b"me")).json() is True
    clock.advance(20)
    entry = (await (await client.get("/v1/kv/lead")).json())[0]
    assert "Session" not in entry and entry["Value"] == "bWU="  # released, value kept (§2.6)
    other = await _create(client)
    assert await (await client.put(f"/v1/kv/lead?acquire={other}", data=b"o")).json() is False  # lock-delay
    assert await (await client.put("/v1/kv/lead", data=b"plain")).json() is True  # plain writes unaffected
    clock.advance(5)
    assert await (await client.put(f"/v1/kv/lead?acquire={other}", data=b"o")).json() is True


async def test_lock_delay_is_capped_at_60s(client, clock):
    sid = await _create(client, LockDelay="10m")
    await client.put(f"/v1/kv/k?acquire={sid}", data=b"1")
    await client.put(f"/v1/session/destroy/{sid}")
    other = await _create(client)
    clock.advance(59)
    assert await (await client.put(f"/v1/kv/k?acquire={other}")).json() is False
    clock.advance(1)
    assert await (await client.put(f"/v1/kv/k?acquire={other}")).json() is True  # MaxLockDelay (§2.2)


async def test_linked_check_critical_invalidates_and_deletes_per_behavior(client):
    await client.put("/v1/agent/check/register", json={"Name": "c", "TTL": "30s", "Status": "passing"})
    sid = await _create(client, Checks=["c"], Behavior="delete")
    await client.put(f"/v1/kv/owned?acquire={sid}", data=b"x")
    await client.put("/v1/agent/check/fail/c")
    assert await _info(client, sid) == []
    assert (await client.get("/v1/kv/owned")).status == 404  # PYC: delete behaviour


async def test_deregistering_a_linked_check_invalidates(client):
    await client.put("/v1/agent/check/register", json={"Name": "c", "TTL": "30s", "Status": "passing"})
    sid = await _create(client, NodeChecks=["c"])
    await client.put("/v1/agent/check/deregister/c")
    assert await _info(client, sid) == []


async def test_serf_health_failing_invalidates(client):
    sid = await _create(client)
    r = await client.put("/v1/txn", json=[{"Check": {"Verb": "set", "Check": {
        "Node": "node1", "CheckID": "serfHealth", "Name": "Serf Health Status", "Status": "critical"}}}])
    assert r.status == 200
    assert await _info(client, sid) == []  # catalog.go ensureCheckTxn (§2.6, §3.6)
    r = await client.put("/v1/session/create")
    assert (r.status, await r.text()) == (500, "Check 'serfHealth' is in critical state")


async def test_blocked_list_wakes_on_create(client, agent_of):
    r = await client.get("/v1/session/list")
    i = int(r.headers["X-Consul-Index"])
    reader = asyncio.ensure_future(client.get(f"/v1/session/list?index={i}&wait=30s"))
    await agent_of(client).store.watches.readers_blocked(1)
    sid = await _create(client)
    assert [s["ID"] for s in await (await reader).json()] == [sid]


async def test_blocked_info_wakes_on_destroy_only_of_its_session(client, agent_of):
    sid = await _create(client)
    r = await client.get(f"/v1/session/info/{sid}")
    i = int(r.headers["X-Consul-Index"])
    reader = asyncio.ensure_future(client.get(f"/v1/session/info/{sid}?index={i}&wait=30s"))
    watches = agent_of(client).store.watches
    await watches.readers_blocked(1)
    woken = watches.woken
    await _create(client)  # another session: not woken
    assert watches.woken == woken and not reader.done()
    await client.put(f"/v1/session/destroy/{sid}")
    assert await (await reader).json() == []


async def test_enterprise_shape_and_namespace(client):
    sid = await _create(client, Name="n")
    r = await client.get("/v1/session/list?ns=other")
    assert await r.json() == []
    body = (await (await client.get("/v1/session/list")).json())[0]
    assert list(body)[-4:] == ["Partition", "Namespace", "CreateIndex", "ModifyIndex"]  # §2.3
    assert (await (await client.get("/v1/session/list?ns=*")).json())[0]["ID"] == sid  # wildcard (§4)


async def test_restore_rearms_ttl(client, clock):
    sid = await _create(client, TTL="10s")
    state = await (await client.get("/_consulite/state")).json()
    await client.put("/_consulite/state", json=state)
    clock.advance(21)
    assert await _info(client, sid) == []
