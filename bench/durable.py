"""The data dir's figures for bench/run.py: write throughput with `-data-dir` against the same agent in memory
(one run, side by side), start-up from a data dir holding many services, and the data dir's size against
the state document's."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def data_dir_cmd(path: str | None = None) -> Callable[[int], list[str]]:
    """An agent command on a data dir: `path`, or a new empty one for every start."""

    def cmd(port: int) -> list[str]:
        where = path or tempfile.mkdtemp(prefix="consulite-bench-")
        return [sys.executable, "-m", "consulite.cli", "agent", "-http-port", str(port), "-log-level", "warn",
                "-data-dir", where]

    return cmd


def filled_data_dir(path: str, services: int) -> tuple[int, int]:
    """Write a data dir holding `services` services (registered through the agent's operation) and return
    (data dir bytes, state document bytes)."""
    sys.path.insert(0, str(ROOT))
    import orjson

    from consulite.agent.core import Agent
    from consulite.model.scope import DEFAULT_SCOPE
    from consulite.persist import open_data_dir
    from consulite.persist.datadir import DB_FILE

    agent = Agent()
    for i in range(services):
        body = json.dumps({"Name": f"svc{i % 100}", "ID": f"svc-{i}", "Port": 8000 + i % 1000, "Tags": ["a", "b"],
                           "Meta": {"team": "t"}, "Address": "10.0.0.1"}).encode()
        agent.services.register(agent.bodies.service(body), DEFAULT_SCOPE)

    async def write() -> None:
        journal = open_data_dir(path, agent.store, agent.node, agent.state.recover)  # new: the whole state
        await journal.flushed()
        await journal.close()

    asyncio.run(write())
    size = sum(f.stat().st_size for f in Path(path).iterdir() if f.name.startswith(DB_FILE))
    return size, len(orjson.dumps(agent.state.snapshot()))
