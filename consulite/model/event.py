"""User events (Consul's UserEvent: agent/user_event.go)."""

from __future__ import annotations

import attrs


@attrs.define(eq=False)
class UserEvent:
    id: str
    name: str
    payload: bytes | None = None
    node_filter: str = ""
    service_filter: str = ""
    tag_filter: str = ""
    version: int = 1
    ltime: int = 0
