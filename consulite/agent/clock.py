"""Time as the agent sees it: timers on the running event loop; tests inject a manual clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol


class Handle(Protocol):
    def cancel(self) -> None: ...


class Clock:
    """Runs callbacks later on the running event loop and tells the time (monotonic seconds)."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle:
        return asyncio.get_running_loop().call_later(delay, callback)

    def time(self) -> float:
        return time.monotonic()
