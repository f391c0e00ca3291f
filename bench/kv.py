"""KV benchmarks measured in-process through the agent's operations: prefix reads in a small and a large
store, memory per key, and a write that must wake none of the readers blocked elsewhere."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consulite.agent.core import Agent
from consulite.model.scope import DEFAULT_SCOPE as S

PREFIX_KEYS = 1000


def _fill(agent: Agent, total: int, value: bytes = b"0123456789") -> int:
    """`total` keys: PREFIX_KEYS under `target/`, the rest spread under other prefixes; their byte count."""
    size = 0
    for i in range(total):
        key = f"target/{i:06d}" if i < PREFIX_KEYS else f"k{i % 997:03d}/{i:08d}"
        agent.kv.put(S, key, value)
        size += len(key) + len(value)
    return size


def recurse_seconds(total: int, repeats: int) -> float:
    """Median seconds of a `?recurse` read of the 1,000-key prefix, with its index (the agent op)."""
    agent = Agent()
    _fill(agent, total)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        index, entries = agent.kv.listing(S, "target/", set())
        samples.append(time.perf_counter() - start)
        assert len(entries) == PREFIX_KEYS and index > 0
    return statistics.median(samples)


def memory_per_key(total: int) -> float:
    """Bytes per key beyond the key and value bytes themselves."""
    agent = Agent()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    size = _fill(agent, total)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before - size) / total


def write_with_blocked_readers(readers: int, repeats: int) -> tuple[int, float, float]:
    """(readers woken, write seconds with the readers blocked on other prefixes, write seconds without)."""

    async def measure() -> tuple[int, float, float]:
        agent = Agent()
        watches = agent.store.watches
        space = ("kv", "default", "default", "*")
        waits = [asyncio.ensure_future(watches.wait({(*space, f"other{i}/")}, 600)) for i in range(readers)]
        await watches.readers_blocked(readers)
        with_readers, before = [], watches.woken
        for n in range(repeats):
            start = time.perf_counter()
            agent.kv.put(S, f"target/key{n}", b"v")
            with_readers.append(time.perf_counter() - start)
        woken = watches.woken - before
        watches.wake_all(forget=False)
        await asyncio.gather(*waits)
        alone = []
        for n in range(repeats):
            start = time.perf_counter()
            agent.kv.put(S, f"target/again{n}", b"v")
            alone.append(time.perf_counter() - start)
        return woken, statistics.median(with_readers), statistics.median(alone)

    return asyncio.run(measure())
