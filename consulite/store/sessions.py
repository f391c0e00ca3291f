"""Sessions: one table keyed by ID; `list` and `node` watch the whole table, `info` one session
(reference kv-sessions-txn.md §2.4, §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.model.session import Session
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx


class SessionsTable:
    name = "sessions"
    item_type = Session

    def __init__(self) -> None:
        self.rows: dict[str, Session] = {}

    @staticmethod
    def key(session: Session) -> str:
        return session.id

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[Session]:
        return list(self.rows.values())

    def load(self, rows: list[Session]) -> None:
        self.rows = {s.id: s for s in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        for s in [s for s in self.rows.values() if s.partition == partition]:
            self.remove(tx, s.id)

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        for s in [s for s in self.rows.values() if (s.partition, s.namespace) == (partition, namespace)]:
            self.remove(tx, s.id)

    def get(self, session_id: str, ws: WatchSet | None = None) -> Session | None:
        if ws is not None:
            ws.add(topics.session(session_id))
        return self.rows.get(session_id)

    def list(self, ws: WatchSet | None = None) -> list[Session]:
        """Every session, by ID (memdb's id order)."""
        if ws is not None:
            ws.add(topics.SESSIONS)
        return [self.rows[k] for k in sorted(self.rows)]

    def put(self, tx: Tx, session: Session) -> None:
        session.create_index = session.modify_index = tx.index
        self.rows[session.id] = session
        tx.on_rollback(lambda: self.rows.pop(session.id, None))
        self._touch(tx, session.id)
        tx.changed(self, session.id, session)

    def remove(self, tx: Tx, session_id: str) -> Session | None:
        session = self.rows.pop(session_id, None)
        if session is not None:
            tx.on_rollback(lambda: self.rows.__setitem__(session_id, session))
            self._touch(tx, session_id)
            tx.changed(self, session_id, None)
        return session

    @staticmethod
    def _touch(tx: Tx, session_id: str) -> None:
        tx.touch(topics.SESSIONS)
        tx.wake(topics.session(session_id))
