"""consulite's agent for the check benchmark: `checks_server.py PORT [run|store]` serves on PORT (checks run,
or with `store` are stored only); on SIGTERM prints, as JSON, how many probes the check runner started and the
most any started after its due time (seconds)."""

import asyncio
import json
import signal
import sys

from consulite.http.app import AGENT_KEY
from consulite.model.agent_config import AgentConfig
from consulite.server import serve


async def main(port: int, run: bool) -> None:
    runner, _ = await serve(AgentConfig(log_level="warn", checks_run=run), "127.0.0.1", port)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    checks = runner.app[AGENT_KEY].checks.runner
    figures = {"runs": checks.runs, "late_max": checks.late_max} if checks else {"runs": 0, "late_max": 0.0}
    print(json.dumps(figures), flush=True)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:] != ["store"]))
