"""The store's commit hook for a data dir: it collects each write's changed rows and topics and commits
them in batches (group commit, as raft batches its log): the first write after a commit schedules the next
one on the event loop, and the writes made while a commit is on disk join the one after. The SQLite work
runs in one writer thread, so the loop keeps serving while a batch is fsynced. `flushed()` returns once
everything written so far is durable: the HTTP pipeline awaits it before answering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import orjson

from consulite import messages as M
from consulite.decode.state import row_json
from consulite.errors import ConsulError
from consulite.persist.datadir import Batch, DataDir

if TYPE_CHECKING:
    from consulite.store import Store, Tx

log = logging.getLogger("consulite.persist")


class Journal:
    def __init__(self, datadir: DataDir, store: Store, node: Any) -> None:
        self.dir = datadir
        self.store = store
        self.node = node  # the agent's node (model.partition.Node), saved with every batch
        self._loop = asyncio.get_running_loop()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="consulite-journal")
        #: table name -> key -> (removed before, row or None): the pending changes in the table's order
        self._rows: dict[str, dict[Hashable, tuple[bool, Any]]] = {}
        self._topics: set[Any] = set()
        self._full = False
        self._pending = False  # changes not yet handed to the writer
        self._next: asyncio.Future[None] | None = None  # done when the pending changes are durable
        self._current: asyncio.Future[None] | None = None  # done when the batch on disk now is
        self.failed: BaseException | None = None
        self.batches = 0  # commits so far (tests and benchmarks)
        self.fresh = False  # the data dir was new at start

    def attach(self, full: bool) -> None:
        """Follow the store from now on; with `full`, the next commit writes the whole state."""
        self.store.hooks.append(self)
        if full:
            self.replaced()

    # -- the store's hook ------------------------------------------------------------------------------

    def committed(self, tx: Tx) -> None:
        if not self._full:
            for name, key, row in tx.changes:
                rows = self._rows.setdefault(name, {})
                prev = rows.get(key)
                if row is None or prev is None or prev[1] is None:  # new, removed, or back after removal: last
                    rows.pop(key, None)
                    rows[key] = (prev is not None, row)
                else:
                    rows[key] = (prev[0], row)
            self._topics.update(tx.topics)
        self._schedule()

    def replaced(self) -> None:
        self._full = True
        self._rows.clear()
        self._topics.clear()
        self._schedule()

    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            if self._current is None:
                self._loop.call_soon(self._flush)

    # -- batches -----------------------------------------------------------------------------------------

    def _batch(self) -> Batch:
        """The pending changes, serialised now (later writes may change the same row objects in place)."""
        store = self.store
        changed = store.watches.changed
        node = row_json(self.node)
        rows: dict[str, list[tuple[bytes, bytes | None, bool]]]
        if self._full:
            rows = {t.name: [(orjson.dumps(t.key(r)), row_json(r), False) for r in t.dump()] for t in store.tables}
            topics = [(orjson.dumps(t), i) for t, i in changed.items()]
        else:
            rows = {name: [(orjson.dumps(k), None if r is None else row_json(r), removed)
                           for k, (removed, r) in found.items()] for name, found in self._rows.items()}
            topics = [(orjson.dumps(t), changed[t]) for t in self._topics if t in changed]
        batch = Batch(rows, topics, store.index, node, self._full)
        self._rows, self._topics, self._full, self._pending = {}, set(), False, False
        return batch

    def _flush(self) -> None:
        if self._current is not None or not self._pending:
            return
        done = self._next or self._loop.create_future()
        self._next, self._current = None, done
        try:
            batch = self._batch()
        except Exception as e:  # a row that does not serialise is a bug: fail the writes, keep serving reads
            self._finished(done, e)
            return
        running = self._loop.run_in_executor(self._writer, self.dir.write, batch)
        running.add_done_callback(lambda f: self._finished(done, f.exception()))

    def _finished(self, done: asyncio.Future[None], error: BaseException | None) -> None:
        self._current = None
        self.batches += 1
        if error is not None and self.failed is None:
            self.failed = error
            log.error("the data dir could not be written: %s", error)
        done.set_result(None)
        if self._pending:
            self._flush()

    async def flushed(self) -> None:
        """Once everything written so far is durable; a 500 when the data dir could not be written."""
        if self._pending:
            if self._next is None:
                self._next = self._loop.create_future()
            await asyncio.shield(self._next)
        elif self._current is not None:
            await asyncio.shield(self._current)
        if self.failed is not None:
            raise ConsulError(M.DATA_DIR_WRITE_FAILED.format(error=self.failed), 500)

    async def close(self) -> None:
        """Commit what is pending, then close the data dir (a clean stop loses nothing)."""
        while self._pending or self._current is not None:
            try:
                await self.flushed()
            except ConsulError:
                break
        if self in self.store.hooks:
            self.store.hooks.remove(self)
        self._writer.shutdown(wait=True)
        self.dir.close()
