"""Blocking queries (Consul's blockingQuery): run a read, and while the answer is what the client already
has, wait on the topics the read looked at and run it again, until `wait` passes.

The three kinds Consul has are predicates over one loop: `?index=` (the index has not moved past the
client's), content (the answer is unchanged though the index moved), `?hash=` (the content hash is the
client's).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from consulite.store.watch import Watches, WatchSet

T = TypeVar("T")
Read = Callable[[WatchSet], tuple[int, T]]
#: (first answer, latest answer) -> keep waiting? Each answer is (index, value).
KeepWaiting = Callable[[tuple[int, T], tuple[int, T]], bool]


def jittered(wait: float) -> float:
    """Consul adds up to wait/16 of random jitter to a blocking wait."""
    return wait + random.random() * wait / 16


def index_unchanged(min_index: int) -> KeepWaiting[Any]:
    """`?index=N`: wait while the index is N (a lower one means the state was reset: answer at once)."""
    return lambda first, latest: min_index > 0 and max(latest[0], 1) == min_index  # answered as 1 when 0


def content_unchanged(min_index: int) -> KeepWaiting[Any]:
    """`?index=N` over an answer whose index moves with unrelated writes: when the client is up to date,
    wait while the answer is still the first one."""
    return lambda first, latest: min_index > 0 and max(first[0], 1) == min_index and latest[1] == first[1]


def hash_unchanged(wanted: str, digest_of: Callable[[T], str]) -> KeepWaiting[Any]:
    """`?hash=H`: wait while the content hash of the answer is H."""
    return lambda first, latest: bool(wanted) and digest_of(latest[1]) == wanted


async def blocking(watches: Watches, read: Read[T], wait: float, keep_waiting: KeepWaiting[T]) -> tuple[int, T]:
    """Run `read` until `keep_waiting` is false or `wait` seconds (jittered) pass; the last (index, value)."""
    ws: WatchSet = set()
    first = latest = read(ws)
    if not keep_waiting(first, latest):
        return latest
    deadline = time.monotonic() + jittered(wait)
    epoch = watches.epoch
    while (remaining := deadline - time.monotonic()) > 0:
        await watches.wait(ws, remaining)
        if watches.epoch != epoch:  # the state was replaced: answer with what is there now
            return read(set())
        ws = set()
        latest = read(ws)
        if not keep_waiting(first, latest) or watches.stopping:  # shutting down: answer what there is
            break
    return latest
