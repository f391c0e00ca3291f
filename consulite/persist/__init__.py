"""Durable state: a data dir (SQLite, WAL) that journals every store table through the store's commit hook.
Between agent and store in the layers (it knows the store, not the agent): the server opens it and hands it
to the agent, whose `flushed()` the HTTP pipeline awaits before answering."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any

from consulite.errors import DecodeError
from consulite.persist.datadir import DataDir, DataDirError
from consulite.persist.journal import Journal
from consulite.store import Store


def open_data_dir(path: str | os.PathLike[str], store: Store, node: Any,
                  restore: Callable[[dict[str, Any]], None]) -> Journal:
    """Lock the data dir, `restore` the state document it holds (the agent's restore: index, rows, topics,
    node; TTL timers start again from now), and journal every write of `store` from here on (a new data dir
    gets the whole state). Raises DataDirError naming the file for a locked, newer or corrupt data dir,
    having written nothing to it."""
    datadir = DataDir(path, [t.name for t in store.tables])
    collecting = gc.isenabled()
    gc.disable()  # a million new objects would run full collections over and over
    try:
        doc = datadir.document()
        if doc is not None:
            try:
                restore(doc)
            except DecodeError as e:
                raise DataDirError(str(datadir.db_path),
                                   f"cannot be read ({e.text}); refusing to overwrite it") from None
        datadir.prepare()
    except BaseException:
        datadir.release()
        raise
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # the recovered state lives as long as the agent: later collections need not scan it
    journal = Journal(datadir, store, node)
    journal.fresh = doc is None
    journal.attach(full=doc is None)
    return journal


__all__ = ["DataDir", "DataDirError", "Journal", "open_data_dir"]
