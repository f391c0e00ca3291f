"""Run as its own process: N readers blocked on one service's health (each on its own connection), one write;
the time until the last reader was blocked (connecting) and until the last returned after the write. Prints
JSON."""

import asyncio
import json
import sys
import time

import aiohttp


async def web_and_index(session: aiohttp.ClientSession, url: str) -> str:
    """Register `web` and return the index a reader of its health blocks on."""
    await session.put(url + "/v1/agent/service/register", json={"Name": "web", "Port": 80})
    async with session.get(url + "/v1/health/service/web") as r:
        return r.headers["X-Consul-Index"]


async def until_blocked(session: aiohttp.ClientSession, url: str, count: int) -> None:
    """Bounded polling on the server's own count of blocked queries."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        async with session.get(url + "/_consulite/health") as r:
            if (await r.json())["BlockedQueries"] >= count:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError("readers did not block")


async def main(url: str, readers: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        index = await web_and_index(session, url)

        async def read() -> float:
            async with session.get(url + "/v1/health/service/web", params={"index": index, "wait": "60s"}) as r:
                await r.read()
            return time.perf_counter()

        start = time.perf_counter()
        tasks = [asyncio.create_task(read()) for _ in range(readers)]
        await until_blocked(session, url, readers)
        connected = time.perf_counter() - start
        start = time.perf_counter()
        await session.put(url + "/v1/agent/service/register", json={"Name": "web", "Port": 81})
        ends = await asyncio.gather(*tasks)
    print(json.dumps({"connect_s": connected, "last_reader_s": max(ends) - start}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
