"""Run as its own process: R long-poll readers blocked on one service's health (on their own connections),
then a mixed load of N requests at concurrency C (registrations, catalog and health reads, the leader).
Prints JSON stats of the mixed load."""

import asyncio
import json
import sys
import time

import aiohttp
from blockers import until_blocked, web_and_index


def request(i: int) -> tuple[str, str, dict | None]:
    kind = i % 5
    if kind == 0:
        return "PUT", "/v1/agent/service/register", {"Name": f"svc{i % 50}", "ID": f"svc-{i}", "Port": 8000 + i % 1000}
    if kind == 1:
        return "GET", f"/v1/catalog/service/svc{i % 50}", None
    if kind == 2:
        return "GET", f"/v1/health/service/svc{i % 50}", None
    if kind == 3:
        return "GET", "/v1/status/leader", None
    return "GET", f"/v1/agent/service/svc-{max(i - 4, 0)}", None


async def main(url: str, readers: int, total: int, concurrency: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as blocked, \
            aiohttp.ClientSession() as session:
        index = await web_and_index(session, url)

        async def read() -> None:
            async with blocked.get(url + "/v1/health/service/web", params={"index": index, "wait": "120s"}) as r:
                await r.read()

        tasks = [asyncio.create_task(read()) for _ in range(readers)]
        if readers:
            await until_blocked(session, url, readers)
        latencies: list[float] = []
        counter = iter(range(total))

        async def worker() -> None:
            for i in counter:
                method, path, body = request(i)
                start = time.perf_counter()
                async with session.request(method, url + path, json=body) as r:
                    await r.read()
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    print(json.dumps({"rps": total / elapsed, "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
