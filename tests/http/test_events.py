"""User events: fire, list, blocking by the event index (agent/event_endpoint.go)."""

import asyncio


async def test_list_blocks_until_a_new_event(client, agent_of):
    await client.put("/v1/event/fire/a", data=b"1")
    r = await client.get("/v1/event/list")
    i = r.headers["X-Consul-Index"]
    assert "X-Consul-Knownleader" not in r.headers  # setIndex only
    reader = asyncio.ensure_future(client.get(f"/v1/event/list?index={i}&wait=30s"))
    await agent_of(client).store.watches.readers_blocked(1)
    fired = await (await client.put("/v1/event/fire/b")).json()
    listed = await (await reader).json()
    assert [e["Name"] for e in listed] == ["a", "b"] and listed[-1]["ID"] == fired["ID"]
    assert [e["LTime"] for e in listed] == [1, 2] and listed[1]["Payload"] is None


async def test_fire_takes_no_raft_index(client, agent_of):
    before = agent_of(client).index
    await client.put("/v1/event/fire/x")
    assert agent_of(client).index == before


async def test_buffer_keeps_the_last_256(client):
    for n in range(260):
        await client.put(f"/v1/event/fire/e{n}")
    listed = await (await client.get("/v1/event/list")).json()
    assert len(listed) == 256 and listed[0]["Name"] == "e4"


async def test_filters_decide_delivery(client):
    await client.put("/v1/agent/service/register", json={"Name": "web", "Tags": ["blue"]})
    for path in ("/v1/event/fire/n?node=^node1$", "/v1/event/fire/s?service=web&tag=bl",
                 "/v1/event/fire/x?node=other", "/v1/event/fire/y?service=db", "/v1/event/fire/z?service=web&tag=red"):
        assert (await client.put(path)).status == 200
    names = [e["Name"] for e in await (await client.get("/v1/event/list")).json()]
    assert names == ["n", "s"]  # agent/user_event.go shouldProcessUserEvent
