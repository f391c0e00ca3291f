"""Start consulite's HTTP server on an address, in the running event loop."""

from __future__ import annotations

from aiohttp import web

from typing import TYPE_CHECKING

from consulite.http.app import AGENT_KEY, make_app

if TYPE_CHECKING:  # loading files and states is imported only when asked for (start-up time)
    from consulite.decode.files import Loaded
    from consulite.model.snapshot import Snapshot
from consulite.model.agent_config import AgentConfig
from consulite.store.state import Scheduler


async def serve(config: AgentConfig, host: str = "127.0.0.1", port: int = 8500,
                scheduler: Scheduler | None = None, loaded: Loaded | None = None,
                snapshot: Snapshot | None = None) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0 = a free port), after loading a saved state and files into the agent; returns
    the runner and the port actually bound."""
    app = make_app(config, scheduler)
    if snapshot is not None:
        app[AGENT_KEY].store.restore(snapshot)
    if loaded is not None:
        from consulite.http.seed import apply_loaded

        apply_loaded(app[AGENT_KEY], loaded)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - aiohttp exposes no public accessor
    return runner, bound
