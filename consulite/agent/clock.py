"""Time as the agent sees it: timers on the running event loop; tests inject a manual clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

K = TypeVar("K", bound=Hashable)


class Handle(Protocol):
    def cancel(self) -> None: ...


class Clock:
    """Runs callbacks later on the running event loop and tells the time (monotonic seconds)."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle:
        return asyncio.get_running_loop().call_later(delay, callback)

    def time(self) -> float:
        return time.monotonic()


def cancel(timers: dict[K, Handle], key: K) -> None:
    """Forget and cancel the timer kept under `key`, if there is one."""
    timer = timers.pop(key, None)
    if timer is not None:
        timer.cancel()
