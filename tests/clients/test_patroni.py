"""Patroni's own Consul DCS (`patroni.dcs.consul.Consul`, PyPI) against a running consulite: two members
race for the leader key, one wins, the loser sees the leader; the leader stops renewing, its session lapses
(2x TTL on consulite's clock, advanced by the test), the other takes over.

Patroni needs no PostgreSQL for its DCS class, only the psycopg2 module at import. consulite runs in a
thread here with a manual clock (advanced on the server's own loop), so no test waits for a real TTL."""

from __future__ import annotations

import asyncio
import threading

import pytest

pytest.importorskip("psycopg2")
consul_dcs = pytest.importorskip("patroni.dcs.consul")
from aiohttp import web  # noqa: E402
from patroni.postgresql.mpp import get_mpp  # noqa: E402

from consulite.http.app import make_app  # noqa: E402
from consulite.model.agent_config import AgentConfig  # noqa: E402
from tests.conftest import ManualClock  # noqa: E402

pytestmark = pytest.mark.slow


class ThreadedConsulite:
    """consulite on a free port in a thread, with a manual clock advanced on the server's loop."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(make_app(AgentConfig(), self.clock))
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self.runner = runner
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> ThreadedConsulite:
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def advance(self, seconds: float) -> None:
        asyncio.run_coroutine_threadsafe(self._advance(seconds), self.loop).result(10)

    async def _advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


def member(port: int, name: str):
    config = {"scope": "pg", "name": name, "host": f"127.0.0.1:{port}", "ttl": 20, "loop_wait": 10,
              "retry_timeout": 10}
    return consul_dcs.Consul(config, get_mpp({}))


def test_leader_race_and_takeover():
    with ThreadedConsulite() as server:
        a, b = member(server.port, "a"), member(server.port, "b")  # each creates its session at once
        assert a.attempt_to_acquire_leader() is True
        assert b.attempt_to_acquire_leader() is False  # the loser
        assert b.get_cluster().leader.name == "a"       # ... sees the leader
        assert a.touch_member({"state": "running", "role": "primary"}) is True
        assert b.get_cluster().members and {m.name for m in b.get_cluster().members} == {"a"}
        # a stops renewing; b keeps its own session alive (renew is Patroni's refresh_session)
        server.advance(15)
        assert b.refresh_session() is False  # renewed, not re-created
        server.advance(6)                    # a's session: 10s TTL, expired at 20s (2x)
        assert b.get_cluster().leader is None  # behavior=delete removed the leader key
        server.advance(1)                    # past the 1ms lock-delay of a's expiry
        assert b.attempt_to_acquire_leader() is True
        assert a.get_cluster().leader.name == "b"
        assert a._do_refresh_session(force=True) is True  # a's session is gone (renew 404): a new one
        assert a.attempt_to_acquire_leader() is False
