"""Start consulite's HTTP server on an address, in the running event loop."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aiohttp import web

from consulite.agent.clock import Clock
from consulite.http.app import AGENT_KEY, make_app
from consulite.model.agent_config import AgentConfig

if TYPE_CHECKING:  # loading files is imported only when asked for (start-up time)
    from consulite.decode.files import Loaded


async def serve(config: AgentConfig, host: str = "127.0.0.1", port: int = 8500, clock: Clock | None = None,
                loaded: Loaded | None = None, state: Any = None) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0 = a free port), after loading a saved state document and files into the agent;
    returns the runner and the port actually bound."""
    app = make_app(config, clock)
    agent = app[AGENT_KEY]
    if state is not None:
        agent.state.restore(state)
    if loaded is not None:
        agent.state.load(loaded)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    server = site._server  # aiohttp exposes no public accessor of the bound port
    assert isinstance(server, asyncio.Server)
    bound: int = server.sockets[0].getsockname()[1]
    return runner, bound
