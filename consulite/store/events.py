"""User events: the agent's buffer of the last 256 (Consul's userEventSize), in the order received.
Firing one takes no raft index; it wakes `/v1/event/list` readers."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from consulite.model.event import UserEvent
from consulite.store import topics
from consulite.store.watch import WatchSet

if TYPE_CHECKING:
    from consulite.store.core import Tx

BUFFER = 256


class EventsTable:
    name = "events"
    item_type = UserEvent

    def __init__(self) -> None:
        self.rows: deque[UserEvent] = deque(maxlen=BUFFER)
        self.ltime = 0  # the Lamport clock of user events

    @staticmethod
    def key(event: UserEvent) -> str:
        return event.id

    def clear(self) -> None:
        self.rows.clear()
        self.ltime = 0

    def dump(self) -> list[UserEvent]:
        return list(self.rows)

    def load(self, rows: list[UserEvent]) -> None:
        self.rows.extend(rows)
        self.ltime = max((e.ltime for e in rows), default=0)

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """Events belong to the node, not to a partition."""

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Events belong to the node, not to a namespace."""

    def list(self, ws: WatchSet) -> list[UserEvent]:
        ws.add(topics.EVENTS)
        return list(self.rows)

    def add(self, tx: Tx, event: UserEvent) -> UserEvent:
        """Receive an event: it gets the next Lamport time; the oldest falls out of a full buffer."""
        self.ltime += 1
        received = UserEvent(event.id, event.name, event.payload, event.node_filter, event.service_filter,
                             event.tag_filter, event.version, self.ltime)
        if len(self.rows) == self.rows.maxlen:
            tx.changed(self, self.rows[0].id, None)
        self.rows.append(received)
        tx.wake(topics.EVENTS)
        tx.changed(self, received.id, received)
        return received
