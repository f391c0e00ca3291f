"""KV entries, txn results and user events as Consul's JSON (reference kv-sessions-txn.md §1.4, §3.4;
agent/structs DirEntry, api.UserEvent)."""

from __future__ import annotations

import base64

from consulite.decode.render import scoped
from consulite.model.event import UserEvent
from consulite.model.kv import KVEntry


def b64(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode() if value is not None else None


def render_entry(e: KVEntry, enterprise: bool) -> dict:
    """DirEntry in Go's field order: Session omitempty; Enterprise adds Partition/Namespace after it."""
    out = {"LockIndex": e.lock_index, "Key": e.key, "Flags": e.flags, "Value": b64(e.value)}
    if e.session:
        out["Session"] = e.session
    return scoped(out, e, enterprise)


def render_event(e: UserEvent) -> dict:
    return {"ID": e.id, "Name": e.name, "Payload": b64(e.payload), "NodeFilter": e.node_filter,
            "ServiceFilter": e.service_filter, "TagFilter": e.tag_filter, "Version": e.version, "LTime": e.ltime}
