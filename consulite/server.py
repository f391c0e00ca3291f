"""Start consulite's HTTP server on an address, in the running event loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from consulite.agent.clock import Clock
from consulite.http.app import AGENT_KEY, make_app
from consulite.model.agent_config import AgentConfig

if TYPE_CHECKING:  # loading files is imported only when asked for (start-up time)
    from consulite.decode.files import Loaded


async def serve(config: AgentConfig, host: str = "127.0.0.1", port: int = 8500, clock: Clock | None = None,
                loaded: Loaded | None = None, state: Any = None) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0 = a free port), after recovering the data dir (`config.data_dir`), then loading a
    saved state document (into memory or a new data dir only) and files into the agent; returns the runner
    and the port actually bound."""
    app = make_app(config, clock)
    agent = app[AGENT_KEY]
    fresh = await attach_data_dir(app, config.data_dir) if config.data_dir else True
    if state is not None and fresh:
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
    bound = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - aiohttp exposes no public accessor
    return runner, bound


async def attach_data_dir(app: web.Application, path: str) -> bool:
    """Recover the agent from its data dir and journal it; it is closed (pending writes committed) when the
    app is cleaned up. True when the data dir was new."""
    from consulite.persist import open_data_dir

    agent = app[AGENT_KEY]
    agent.journal = journal = open_data_dir(path, agent.store, agent.node, agent.state.restore)

    async def close(_app: web.Application) -> None:
        await journal.close()

    app.on_cleanup.append(close)
    return journal.fresh
