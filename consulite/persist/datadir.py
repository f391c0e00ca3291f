"""The data dir: one SQLite database (the standard library's sqlite3, WAL mode) holding every store table's
rows, each topic's last-change index, the index and the node; a lock file keeps a second agent out.

`DIR/consulite.db`:

* `meta(key, value)`: `format` (this layout's version), `consulite` (the version that wrote it), `index`,
  `node` (JSON);
* `topics(topic, idx)`: a topic (JSON array) and the index of its last change;
* one `"rows:<table>"(key, body)` per store table: the row's key (JSON) and the row (JSON, as a state
  document holds it); rowid order is the table's order (a rewritten row goes last, as in the table).

Commits run with `synchronous=FULL`: COMMIT returns once the WAL is fsynced, so a committed write survives a
crash of the process and a loss of power (on a disk that honours fsync).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import orjson

from consulite import __version__
from consulite.decode.bodies import MAX_JSON_DEPTH, check_text_depth
from consulite.decode.files import FileError
from consulite.errors import DecodeError

FORMAT = 1
DB_FILE = "consulite.db"
LOCK_FILE = "consulite.lock"


class DataDirError(FileError):
    """A data dir the agent refuses to start with: `<file>: <why>`; nothing in it was changed."""


@attrs.frozen
class Batch:
    """What one commit writes: changed rows per table in the table's order (key JSON, body JSON or None to
    delete, whether the row was removed first: it then goes last), changed topics and their indexes, the
    index, the node; `full` empties every table first (reset, restore, a new data dir)."""

    rows: dict[str, list[tuple[bytes, bytes | None, bool]]]
    topics: list[tuple[bytes, int]]
    index: int
    node: bytes
    full: bool = False


def _rows_table(name: str) -> str:
    return '"rows:' + name.replace('"', '""') + '"'


class DataDir:
    """An open, locked data dir. `document()` reads what it holds; `write(batch)` commits (one thread at a
    time: the journal's writer); `close()` checkpoints the WAL and releases the lock."""

    def __init__(self, path: str | os.PathLike[str], tables: Iterable[str]) -> None:
        self.path = Path(path)
        self.db_path = self.path / DB_FILE
        self.tables = tuple(tables)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DataDirError(str(self.path), e.strerror or str(e)) from None
        if not self.path.is_dir():
            raise DataDirError(str(self.path), "data_dir is not a directory")
        self._lock_fd = self._lock()
        self.fresh = not self.db_path.exists() or self.db_path.stat().st_size == 0
        try:
            self._db = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            self._unlock()
            raise self._error(e) from None

    # -- lock ----------------------------------------------------------------------------------------

    def _lock(self) -> int:
        lock = self.path / LOCK_FILE
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DataDirError(str(lock), f"data dir is in use by another agent (pid {holder}); "
                                          "stop it or use another -data-dir") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return fd

    def _unlock(self) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = -1

    def _error(self, e: object) -> DataDirError:
        return DataDirError(str(self.db_path), f"cannot be read ({e}); refusing to overwrite it")

    # -- reading ---------------------------------------------------------------------------------------

    def document(self) -> dict[str, Any] | None:
        """The state document the data dir holds (None when it is new), refusing a newer or corrupt one."""
        if self.fresh:
            return None
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            found = {n for (n,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            fmt = int(meta.get("format", 0))
            if fmt > FORMAT:
                raise DataDirError(str(self.db_path), f"written by a newer consulite ({meta.get('consulite')}, "
                                                      f"data format {fmt}; this one reads {FORMAT})")
            unknown = sorted(n[5:] for n in found if n.startswith("rows:") and n[5:] not in self.tables)
            if fmt < 1 or unknown:
                why = f"holds tables this consulite does not know: {unknown}" if unknown else "has no format"
                raise DataDirError(str(self.db_path), f"{why} (written by a newer consulite?)")
            doc: dict[str, Any] = {"Format": 1, "index": int(meta["index"]), "node": orjson.loads(meta["node"])}
            for name in self.tables:
                if f"rows:{name}" not in found:
                    doc[name] = []
                    continue
                doc[name] = self._json_array("body", _rows_table(name), "ORDER BY rowid")
            doc["topics"] = self._json_array("'[' || CAST(topic AS TEXT) || ',' || idx || ']'", "topics")
        except DataDirError:
            raise
        except DecodeError as e:
            raise self._error(e.text) from None
        except (sqlite3.Error, KeyError, ValueError, TypeError) as e:
            raise self._error(e) from None
        return doc

    def _json_array(self, expr: str, table: str, order: str = "") -> list[Any]:
        """The JSON texts `expr` makes of each row of `table`, as one list: joined in SQLite, checked for
        nesting and parsed by one call each in C (a start-up with a million rows spends its time in neither)."""
        (joined,) = self._db.execute(f"SELECT CAST('[' || coalesce(group_concat(j, ','), '') || ']' AS BLOB) "
                                     f"FROM (SELECT CAST({expr} AS TEXT) AS j FROM {table} {order})").fetchone()
        check_text_depth(joined, MAX_JSON_DEPTH + 1)  # + the list's own level: rows render back as written
        result: list[Any] = orjson.loads(joined)
        return result

    # -- writing ---------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Switch to WAL and create what is missing (after `document()`: a refused dir is never written)."""
        db = self._db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE IF NOT EXISTS topics (topic BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID")
        for name in self.tables:
            db.execute(f"CREATE TABLE IF NOT EXISTS {_rows_table(name)} (key BLOB PRIMARY KEY, body BLOB NOT NULL)")

    def write(self, batch: Batch) -> None:
        """Commit one batch durably (returns after the fsync)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if batch.full:
                db.execute("DELETE FROM topics")
            for name, rows in batch.rows.items():
                table = _rows_table(name)
                if batch.full:
                    db.execute(f"DELETE FROM {table}")
                db.executemany(f"DELETE FROM {table} WHERE key = ?", [(k,) for k, body, gone in rows
                                                                       if body is None or gone])
                # an existing row keeps its rowid (its place); a new one takes the next
                db.executemany(f"INSERT INTO {table} (key, body) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET body = excluded.body",
                               [(k, body) for k, body, _ in rows if body is not None])
            db.executemany("INSERT OR REPLACE INTO topics (topic, idx) VALUES (?, ?)", batch.topics)
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           [("format", str(FORMAT)), ("consulite", __version__), ("index", str(batch.index)),
                            ("node", batch.node.decode())])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def release(self) -> None:
        """Close without writing anything (a refused start)."""
        self._db.close()
        self._unlock()

    def close(self) -> None:
        """Checkpoint the WAL into the database, close it and release the lock."""
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()
        self._unlock()
