"""Shared fixtures: aiohttp test clients per edition, and a manual clock for TTL checks."""

from __future__ import annotations

import asyncio

import pytest

from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig

pytest_plugins = ["pytester"]  # tests of the pytest plugin run inner sessions


class ManualClock:
    """A clock (consulite.agent.clock.Clock's interface) whose time moves only when a test calls `advance`."""

    def __init__(self) -> None:
        self.now = 0.0
        self._pending: list[list] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay, callback):
        entry = [self.now + delay, callback, False]
        self._pending.append(entry)

        class Handle:
            def cancel(self_inner):
                entry[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [e for e in self._pending if e[0] <= self.now and not e[2]]
        self._pending = [e for e in self._pending if e not in due]
        for e in sorted(due, key=lambda e: e[0]):
            e[1]()


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
async def client(aiohttp_client, clock):
    """An Enterprise-edition agent (the default) behind aiohttp's test client."""
    return await aiohttp_client(make_app(AgentConfig(), clock))


@pytest.fixture
async def ce_client(aiohttp_client):
    """A Community-Edition agent."""
    return await aiohttp_client(make_app(AgentConfig(edition="ce")))


@pytest.fixture
def blocked(agent_of):
    """`await blocked(client, coro)`: start a request as a task and return it once it is really blocked."""

    async def start(client, coro):
        watches = agent_of(client).store.watches
        task = asyncio.ensure_future(coro)
        await watches.readers_blocked(watches.blocked + 1)
        return task

    return start


@pytest.fixture
def agent_of():
    """The Agent behind a test client."""
    from consulite.http.app import AGENT_KEY

    return lambda c: c.app[AGENT_KEY]


def pytest_terminal_summary(terminalreporter):
    """Say loudly what did not run because ../shared (the HCL corpus, real Consul's notes) is absent."""
    from tests.decode.test_corpus import MISSING, ROWS

    if not ROWS:
        terminalreporter.write_sep("!", "NOT RUN: " + MISSING, red=True, bold=True)


@pytest.fixture
async def acl_client(aiohttp_client, clock):
    """An Enterprise agent with ACLs on, default deny, initial management token tests.http.acl_helpers.ROOT."""
    from tests.http.acl_helpers import acl_config

    return await aiohttp_client(make_app(acl_config(), clock))
