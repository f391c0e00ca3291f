"""A load generator run as its own process: N PUTs (service registrations or config entries) at a given
concurrency; prints JSON stats."""

import asyncio
import json
import os
import sys
import time

import aiohttp


def register_body(i: int) -> tuple[str, dict]:
    return "/v1/agent/service/register", {"Name": f"svc{i % 50}", "ID": f"svc-{i}", "Port": 8000 + i % 1000,
                                          "Tags": ["a", "b"], "Meta": {"team": "t"}, "Address": "10.0.0.1"}


def config_body(i: int) -> tuple[str, dict]:
    return "/v1/config", {"Kind": "service-defaults", "Name": f"svc-{i}", "Protocol": "http",
                          "MeshGateway": {"Mode": "local"}, "Meta": {"team": "t"}}


def check_body(i: int) -> tuple[str, dict]:
    """A registration with an HTTP check at a 10 s interval against the target in $BENCH_CHECK_URL."""
    path, body = register_body(i)
    return path, {**body, "Check": {"HTTP": os.environ["BENCH_CHECK_URL"], "Interval": "10s"}}



def kv_body(i: int) -> tuple[str, bytes]:
    return f"/v1/kv/bench/{i % 1000}", b"value-%d" % i


BODIES = {"register": register_body, "config": config_body, "check": check_body, "kv": kv_body,
          "kv-get": kv_body}


async def main(url: str, total: int, concurrency: int, mode: str) -> None:
    make = BODIES[mode]
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            path, body = make(i)
            start = time.perf_counter()
            if mode == "kv-get":
                request = session.get(url + "/v1/kv/bench/key")
            elif isinstance(body, bytes):
                request = session.put(url + path, data=body)
            else:
                request = session.put(url + path, json=body)
            async with request as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append(time.perf_counter() - start)

    token = os.environ.get("CONSULITE_BENCH_TOKEN")  # ACLs on: every request carries this token
    async with aiohttp.ClientSession(headers={"X-Consul-Token": token} if token else None) as session:
        if mode == "kv-get":
            async with session.put(url + "/v1/kv/bench/key", data=b"the value") as r:
                await r.read()
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    print(json.dumps({"rps": total / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
                      "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "register"))
