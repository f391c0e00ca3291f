"""Answers kept by the index they were computed at: one is served again while no topic its read looked at has
changed since (and the state was not replaced), so a repeated list costs a lookup. It trusts the read's watch
set: a read must add every topic its answer depends on, as blocking queries already need it to."""

from __future__ import annotations

from collections.abc import Hashable

import attrs

from consulite.store.watch import Topic, Watches

#: answers kept at most, in bytes of their bodies (the oldest go first)
ANSWER_BYTES = 64 * 1024 * 1024


@attrs.define
class Answer:
    topics: tuple[Topic, ...]
    at: int  # the store's index when computed
    epoch: int
    index: int
    body: bytes


class Answers:
    def __init__(self, watches: Watches, limit: int = ANSWER_BYTES) -> None:
        self._watches = watches
        self._limit = limit
        self._kept: dict[Hashable, Answer] = {}
        self._bytes = 0

    def get(self, key: Hashable) -> Answer | None:
        """The kept answer for `key`, if it is still what its read would give."""
        found = self._kept.get(key)
        if found is None:
            return None
        changed = self._watches.changed
        if found.epoch != self._watches.epoch or any(changed.get(t, 0) > found.at for t in found.topics):
            self._drop(key)
            return None
        return found

    def put(self, key: Hashable, ws: set[Topic], at: int, index: int, body: bytes) -> None:
        if len(body) > self._limit // 4:
            return
        self._drop(key)
        self._kept[key] = Answer(tuple(ws), at, self._watches.epoch, index, body)
        self._bytes += len(body)
        while self._bytes > self._limit:
            self._drop(next(iter(self._kept)))

    def _drop(self, key: Hashable) -> None:
        gone = self._kept.pop(key, None)
        if gone is not None:
            self._bytes -= len(gone.body)

    def __len__(self) -> int:
        return len(self._kept)

