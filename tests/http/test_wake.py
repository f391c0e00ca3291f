"""Issue 11 (wake storms): a change wakes the readers of the topics it touched, once each, and nothing is
kept for readers once they are gone. Counts, not timings."""

import asyncio
import gc
import tracemalloc

from consulite.store.watch import Watches


async def test_a_write_wakes_only_the_readers_of_its_topic(client, agent_of):
    watches = agent_of(client).store.watches
    for name in ("web", "db"):
        await client.put("/v1/agent/service/register", json={"Name": name})
    index = {n: (await client.get(f"/v1/health/service/{n}")).headers["X-Consul-Index"] for n in ("web", "db")}

    def read(name):
        return asyncio.create_task(client.get(f"/v1/health/service/{name}",
                                              params={"index": index[name], "wait": "60s"}))

    web = [read("web") for _ in range(60)]  # the test client opens at most 100 connections
    db = [read("db") for _ in range(30)]
    await asyncio.wait_for(watches.readers_blocked(90), 30)
    await client.put("/v1/agent/service/register", json={"Name": "web", "Port": 81})
    answers = await asyncio.gather(*web)
    assert {r.status for r in answers} == {200}
    assert watches.blocked == 30  # the db readers still wait: they were not woken
    await client.put("/v1/agent/service/register", json={"Name": "db", "Port": 82})
    await asyncio.gather(*db)
    assert watches.blocked == 0 and watches.waiting_on() == 0


async def test_touch_wakes_each_waiter_once_and_forgets_them():
    watches = Watches()
    woken = []

    async def reader(topic, i):
        await watches.wait([topic, ("node",)], 60)
        woken.append(i)

    tasks = [asyncio.create_task(reader(("svc", i % 2), i)) for i in range(2000)]
    await asyncio.wait_for(watches.readers_blocked(2000), 30)
    watches.touch([("svc", 0)], 5)
    await asyncio.gather(*tasks[0::2])
    assert sorted(woken) == list(range(0, 2000, 2))
    assert watches.blocked == 1000
    watches.touch([("node",)], 6)  # a topic every reader also watches: each remaining reader wakes once
    await asyncio.gather(*tasks)
    assert sorted(woken) == list(range(2000)) and watches.waiting_on() == 0


async def test_memory_comes_back_when_readers_are_gone():
    watches = Watches()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]

        async def reader(i):
            await watches.wait([("svc", i), ("node",)], 60)

        tasks = [asyncio.create_task(reader(i)) for i in range(2000)]
        await asyncio.wait_for(watches.readers_blocked(2000), 30)
        peak = tracemalloc.get_traced_memory()[0]
        watches.touch([("node",)], 2)
        await asyncio.gather(*tasks)
        del tasks
        await asyncio.sleep(0)  # the loop drops its own references to the finished tasks
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert watches.waiting_on() == 0
    # what is left is the per-topic last-change index of the 2000 topics read, not the readers
    assert after - base < (peak - base) / 4, (base, peak, after)
