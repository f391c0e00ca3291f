"""Topics with a last-changed index each, and the waiting that blocking queries do on them.

A reader waits on the topics of its watch set with one future; a change wakes exactly the readers of the
topics it touched, once, and a reader's registration is gone as soon as it returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

Topic = tuple[str, ...]
WatchSet = set[Topic]  # the topics a read looked at


def key_topic(space: Topic, key: str) -> Topic:
    """Readers of exactly `key` wait on this (woken by `Watches.wake_key`)."""
    return (*space, "=", key)


def prefix_topic(space: Topic, prefix: str) -> Topic:
    """Readers of every key under `prefix` wait on this (woken by `Watches.wake_key`)."""
    return (*space, "*", prefix)


class Watches:
    """Records, per topic, the index of its last change, and wakes waiters when it moves."""

    def __init__(self) -> None:
        self.changed: dict[Topic, int] = {}
        self._waiters: dict[Topic, set[asyncio.Future[None]]] = {}
        self.blocked = 0  # readers waiting right now
        self.woken = 0  # readers woken so far (tests: a write elsewhere wakes nobody)
        #: moves when the whole state is replaced (reset, restore): blocked readers then answer at once,
        #: as Consul's abandoned state store makes them
        self.epoch = 0
        #: set at shutdown: waits return at once, and blocking queries answer what they have
        self.stopping = False
        self._peak = 0  # the most topics waited on at once since the table was last empty
        self._blocked_hooks: list[tuple[int, asyncio.Future[None]]] = []

    def index_of(self, topics: Iterable[Topic], floor: int = 1) -> int:
        """The highest last-changed index among `topics` (at least `floor`, as Consul never answers 0)."""
        return max((self.changed.get(t, 0) for t in topics), default=0) or floor

    def touch(self, topics: Iterable[Topic], index: int) -> None:
        topics = list(topics)
        changed = self.changed
        for topic in topics:
            changed[topic] = index
        self.wake(topics)

    def wake(self, topics: Iterable[Topic]) -> None:
        """Wake the waiters of `topics` without recording an index (topics whose index lives elsewhere,
        such as KV keys: no memory grows with the topics written)."""
        waiters = self._waiters
        for topic in topics:
            woken = waiters.pop(topic, None)
            if woken:
                for fut in woken:
                    if not fut.done():
                        fut.set_result(None)
                        self.woken += 1

    def wake_key(self, space: Topic, key: str) -> None:
        """A write of `key` in `space`: wake the readers of that key and of every prefix of it (Consul's
        prefixes are not slash-bounded). O(len(key)) lookups; only watched prefixes hold waiters."""
        waiters = self._waiters
        if not waiters:
            return
        self.wake([key_topic(space, key), *(prefix_topic(space, key[:i]) for i in range(len(key) + 1))])

    def wake_all(self, forget: bool = True) -> None:
        """Wake every waiter; with `forget`, also forget every topic's index (the state they described is gone)."""
        if forget:
            self.changed.clear()
            self.epoch += 1
        for waiters in self._waiters.values():
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)
                    self.woken += 1
        self._waiters.clear()

    def stop(self) -> None:
        """Shutdown: answer every blocked reader now (as Consul 1.8.7 answers them 200 as it stops)."""
        self.stopping = True
        self.wake_all(forget=False)

    async def wait(self, topics: Iterable[Topic], timeout: float) -> None:
        """Until any of `topics` is touched or `timeout` seconds pass (at once while stopping)."""
        if self.stopping:
            return
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        topics = list(topics)
        waiters = self._waiters
        for t in topics:
            found = waiters.get(t)
            if found is None:
                waiters[t] = {fut}
            else:
                found.add(fut)
        self.blocked += 1
        self._peak = max(self._peak, len(waiters))
        self._notify_blocked()
        timer = loop.call_later(timeout, _release, fut)  # one timer, no wrapper task (wait_for makes two)
        try:
            await fut
        finally:
            timer.cancel()
            self.blocked -= 1
            for t in topics:
                found = waiters.get(t)
                if found is not None:
                    found.discard(fut)
                    if not found:
                        del waiters[t]
            if not waiters and waiters is self._waiters and self._peak > 1024:
                self._waiters, self._peak = {}, 0  # a dict never shrinks: give a storm's table back

    def waiting_on(self) -> int:
        """How many topics have readers waiting (0 once every reader is gone: nothing is kept for them)."""
        return len(self._waiters)

    async def readers_blocked(self, count: int = 1) -> None:
        """Test hook: returns once at least `count` readers are really blocked."""
        if self.blocked >= count:
            return
        fut = asyncio.get_running_loop().create_future()
        self._blocked_hooks.append((count, fut))
        await fut

    def _notify_blocked(self) -> None:
        if not self._blocked_hooks:
            return
        keep = []
        for count, fut in self._blocked_hooks:
            if self.blocked >= count:
                if not fut.done():
                    fut.set_result(None)
            else:
                keep.append((count, fut))
        self._blocked_hooks = keep


def _release(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
