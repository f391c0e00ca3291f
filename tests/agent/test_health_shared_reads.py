"""Readers a write wakes at once share one health read of the new state (issue 11's fan-out): the read is made
once per state and query, and a later write makes it again."""

from __future__ import annotations

import asyncio

from consulite.agent.core import Agent
from consulite.model.scope import DEFAULT_SCOPE
from tests.conftest import ManualClock


async def test_readers_woken_by_one_write_share_one_read(monkeypatch):
    agent = Agent(clock=ManualClock())
    agent.services.register(agent.bodies.service(b'{"Name": "web"}'), DEFAULT_SCOPE)
    made = []
    real = agent.health._service
    monkeypatch.setattr(agent.health, "_service", lambda *a: made.append(a) or real(*a))

    def read(ws):
        return agent.health.service(DEFAULT_SCOPE, "web", False, False, ws)

    index = read(set())[0]
    readers = [asyncio.create_task(agent.block(read, 60, index)) for _ in range(50)]
    await agent.store.watches.readers_blocked(50)
    made.clear()
    agent.services.register(agent.bodies.service(b'{"Name": "web", "Port": 81}'), DEFAULT_SCOPE)
    answers = await asyncio.gather(*readers)
    assert len(made) == 1  # one read of the new state for all fifty
    assert {a[0] for a in answers} == {agent.store.index} and all(a[1][0][0].port == 81 for a in answers)
    agent.services.register(agent.bodies.service(b'{"Name": "web", "Port": 82}'), DEFAULT_SCOPE)
    assert read(set())[1][0][0].port == 82 and len(made) == 2  # a later write: made again
