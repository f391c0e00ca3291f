"""Start consulite's HTTP server on an address, in the running event loop, with Consul's connection limits;
stopping answers every blocked query first (as Consul 1.8.7 does as it stops)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from consulite.agent.clock import Clock
from consulite.http.app import AGENT_KEY, make_app
from consulite.http.connections import LimitedServer, install_accept_filter, listen_backlog
from consulite.model.agent_config import AgentConfig

if TYPE_CHECKING:  # loading files is imported only when asked for (start-up time)
    from consulite.decode.files import Loaded

#: seconds `cleanup()` gives open requests once blocked readers were answered
SHUTDOWN_GRACE = 0.5


class ConsuliteRunner(web.AppRunner):
    """aiohttp's runner, making the connection-limiting server (aiohttp has no hook for the protocol)."""

    def __init__(self, app: web.Application, config: AgentConfig) -> None:
        super().__init__(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE)
        self._config = config

    async def _make_server(self) -> web.Server:
        app = self._app
        plain = await super()._make_server()  # startup and freeze, as aiohttp does; its Server is replaced
        return LimitedServer(app._handle, request_factory=app._make_request, loop=app._loop,
                             max_conns_per_client=self._config.http_max_conns_per_client,
                             header_timeout=self._config.http_header_timeout, **plain._kwargs)


async def serve(config: AgentConfig, host: str = "127.0.0.1", port: int = 8500, clock: Clock | None = None,
                loaded: Loaded | None = None, state: dict[str, Any] | None = None,
                reload: Callable[[], Loaded] | None = None,
                leave: Callable[[], None] | None = None) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0 = a free port), after recovering the data dir (`config.data_dir`), then loading a
    saved state document as `State.check` returned it (into memory or a new data dir only) and files into the
    agent; returns the runner and the port actually bound. `reload` re-reads the agent's files
    (`/v1/agent/reload`), `leave` stops the process (`/v1/agent/leave`)."""
    app = make_app(config, clock)
    agent = app[AGENT_KEY]
    agent.admin.reloader, agent.admin.on_leave, agent.admin.files = reload, leave, loaded
    fresh = await attach_data_dir(app, config.data_dir) if config.data_dir else True
    if state is not None and fresh:
        agent.state.load_checked(state)
    if loaded is not None:
        agent.state.load(loaded)
    install_accept_filter()
    runner = ConsuliteRunner(app, config)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True, backlog=listen_backlog())
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    server = site._server  # aiohttp exposes no public accessor of the bound port
    assert isinstance(server, asyncio.Server)
    bound: int = server.sockets[0].getsockname()[1]
    return runner, bound


#: the cyclic GC's thresholds (gen0 allocations, gen1, gen2 collections). Measured in-process (pause time from
#: gc.callbacks, 20,000 registrations then 1,000 health entries rendered uncached): Python's (700, 10, 10)
#: spent 6.3 µs of a 64 µs registration and 3.4 of 33 ms per health render collecting; start-up objects frozen
#: and (20000, 50, 50): 1.0 µs and 0.06 ms. Almost nothing a request makes is cyclic, so collecting rarely
#: costs no memory that matters.
GC_THRESHOLD = (20_000, 50, 50)


def tune_gc() -> None:
    """The agent process, once started: freeze what start-up made (modules, route table, loaded state: never
    garbage, never scanned again) and collect less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


async def attach_data_dir(app: web.Application, path: str) -> bool:
    """Recover the agent from its data dir and journal it; it is closed (pending writes committed) when the
    app is cleaned up. True when the data dir was new."""
    from consulite.persist import open_data_dir

    agent = app[AGENT_KEY]
    agent.journal = journal = open_data_dir(path, agent.store, agent.node, agent.state.recover)
    agent.acl.load_persisted_tokens(path)

    async def close(_app: web.Application) -> None:
        await journal.close()

    app.on_cleanup.append(close)
    return journal.fresh
