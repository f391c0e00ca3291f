"""Topics with a last-changed index each, and the waiting that blocking queries do on them."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable

Topic = Hashable


class Watches:
    """Records, per topic, the index of its last change, and wakes waiters when it moves."""

    def __init__(self) -> None:
        self.changed: dict[Topic, int] = {}
        self._waiters: dict[Topic, set[asyncio.Future]] = {}

    def index_of(self, topics: Iterable[Topic], floor: int = 1) -> int:
        """The highest last-changed index among `topics` (at least `floor`, as Consul never answers 0)."""
        return max((self.changed.get(t, 0) for t in topics), default=0) or floor

    def touch(self, topics: Iterable[Topic], index: int) -> None:
        for topic in topics:
            self.changed[topic] = index
            for fut in self._waiters.pop(topic, ()):
                if not fut.done():
                    fut.set_result(None)

    def wake_all(self) -> None:
        """Wake every waiter and forget every topic's index (the state they described is gone)."""
        self.changed.clear()
        for waiters in self._waiters.values():
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)
        self._waiters.clear()

    async def wait(self, topics: list[Topic], timeout: float) -> None:
        """Until any of `topics` is touched or `timeout` seconds pass."""
        fut = asyncio.get_running_loop().create_future()
        for t in topics:
            self._waiters.setdefault(t, set()).add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            for t in topics:
                waiters = self._waiters.get(t)
                if waiters is not None:
                    waiters.discard(fut)
                    if not waiters:
                        del self._waiters[t]
