"""Run as its own process: N readers blocked on one service's health, one write, and the time until the last
reader returns. Prints JSON."""

import asyncio
import json
import sys
import time

import aiohttp


async def main(url: str, readers: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await session.put(url + "/v1/agent/service/register", json={"Name": "web", "Port": 80})
        async with session.get(url + "/v1/health/service/web") as r:
            index = r.headers["X-Consul-Index"]

        async def read() -> float:
            async with session.get(url + "/v1/health/service/web", params={"index": index, "wait": "60s"}) as r:
                await r.read()
            return time.perf_counter()

        tasks = [asyncio.create_task(read()) for _ in range(readers)]
        await asyncio.sleep(1.0 + readers / 1000)  # let every reader reach the server and block
        start = time.perf_counter()
        await session.put(url + "/v1/agent/service/register", json={"Name": "web", "Port": 81})
        ends = await asyncio.gather(*tasks)
    print(json.dumps({"last_reader_s": max(ends) - start}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
