"""The leader's tombstone GC (agent/consul/state/tombstone_gc.go): a KV tombstone lives about `TTL`, then is
reaped with every tombstone at or below the newest index of its granularity bucket, in one write
(reference kv-sessions-txn.md §1.7). After a reap a prefix listing may answer a lower index, as in Consul."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from consulite.agent.clock import Handle

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.store import Tx

TTL = 15 * 60.0  # TombstoneTTL
GRANULARITY = 30.0  # TombstoneTTLGranularity: tombstones expiring within one bucket are reaped together


class TombstoneGC:
    """Follows the store's commits (a commit hook): each new tombstone hints its bucket's reap."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self._buckets: dict[float, tuple[int, Handle]] = {}  # expiry -> (newest tombstone index, its timer)
        agent.store.hooks.append(self)

    def committed(self, tx: Tx) -> None:
        newest = max((row.index for table, _, row in tx.changes if table == "tombstones" and row is not None),
                     default=0)
        if newest:
            self._hint(newest)

    def replaced(self) -> None:
        """Reset or restore: the buckets described tombstones that are gone (restored ones go with the next
        reap, whose index is above theirs)."""
        for _, timer in self._buckets.values():
            timer.cancel()
        self._buckets.clear()

    def _hint(self, index: int) -> None:
        clock = self.agent.clock
        expires = math.ceil((clock.time() + TTL) / GRANULARITY) * GRANULARITY
        found = self._buckets.get(expires)
        if found is not None:
            self._buckets[expires] = (max(found[0], index), found[1])
            return
        timer = clock.call_later(expires - clock.time(), lambda: self._reap(expires))
        self._buckets[expires] = (index, timer)

    def _reap(self, expires: float) -> None:
        index, _ = self._buckets.pop(expires)
        store = self.agent.store
        tombstones = store.kv.tombstones
        assert tombstones is not None  # the store's tombstones table links itself to the KV table
        with store.write() as tx:
            tombstones.reap(tx, index)
