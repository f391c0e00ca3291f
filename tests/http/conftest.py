"""Fixtures of the HTTP tests of checks that run: the manual clock's `run`, and a target whose answer a test
sets (`flip`)."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.agent.probe_targets import free_port


@pytest.fixture
def run(client, clock, agent_of):
    """`await run(seconds, c=client)`: move the manual clock, then wait for the probes it started."""

    async def advance(seconds: float, c=None) -> None:
        clock.advance(seconds)
        await agent_of(c or client).checks.settle()

    return advance


class Flip:
    """An HTTP target whose status a test sets; counts the probes it answers."""

    def __init__(self) -> None:
        self.status, self.hits = 200, 0
        app = web.Application()
        app.router.add_get("/", self._answer)
        self.runner = web.AppRunner(app)
        self.url = ""

    async def _answer(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(status=self.status, text=f"status {self.status}")

    async def __aenter__(self) -> Flip:
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def flip():
    async with Flip() as f:
        yield f
