"""User events: fire (name, node/service/tag filters, payload) and list, blocking by Consul's event-index
rule: the index is derived from the last event's ID, so a blocked reader waits while it is unchanged
(agent/event_endpoint.go)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.errors import BadRequest
from consulite.model.event import UserEvent

if TYPE_CHECKING:
    from consulite.agent.core import Agent


def event_index(event_id: str) -> int:
    """uuidToUint64: the UUID's high and low 64 bits XORed."""
    hexed = event_id.replace("-", "")
    return int(hexed[:16], 16) ^ int(hexed[16:], 16)


class Events:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    def fire(self, name: str, payload: bytes | None, node: str = "", service: str = "", tag: str = "") -> UserEvent:
        """Fire an event; the answer is the event as sent (LTime 0: the Lamport time is the receiver's)."""
        if not name:
            raise BadRequest(M.EVENT_MISSING_NAME)
        event = UserEvent(str(uuid.uuid4()), name, payload or None, node, service, tag)
        if self._delivered(event):
            with self.store.write() as tx:
                self.store.events.add(tx, event)
        return event

    def _delivered(self, e: UserEvent) -> bool:
        """Whether this agent takes the event (shouldProcessUserEvent): the node filter matches its name,
        the service filter one of its services, the tag filter a tag of that service (regular expressions)."""
        if e.node_filter and not re.search(e.node_filter, self.agent.node.name):
            return False
        if not e.service_filter:
            return True
        return any(re.search(e.service_filter, svc.name) and (not e.tag_filter or any(
            re.search(e.tag_filter, t) for t in svc.tags or ())) for svc in self.store.services.rows.values())

    def listing(self, name: str, ws: set) -> tuple[int, list[UserEvent]]:
        """The buffered events (of `name` if given), oldest first; index 1 when there are none."""
        events = [e for e in self.store.events.list(ws) if not name or e.name == name]
        return (event_index(events[-1].id) if events else 1), events
