"""The KV store's rows: an entry (Consul's DirEntry) and a tombstone left by a delete
(reference kv-sessions-txn.md §1.4, §1.7)."""

from __future__ import annotations

import attrs

from consulite.model.scope import DEFAULT


@attrs.define(eq=False)
class KVEntry:
    key: str
    value: bytes | None = None
    flags: int = 0
    lock_index: int = 0
    session: str = ""
    create_index: int = 0
    modify_index: int = 0
    partition: str = DEFAULT
    namespace: str = DEFAULT

    def same_content(self, other: KVEntry) -> bool:
        """Consul's no-op rule (#5885): LockIndex, Key, Flags, Value and Session all equal."""
        return (self.lock_index, self.key, self.flags, self.value or b"", self.session) == (
            other.lock_index, other.key, other.flags, other.value or b"", other.session)


@attrs.define(eq=False)
class Tombstone:
    """A deleted key (or the prefix of a tree delete) and the index of the delete."""

    key: str
    index: int
    partition: str = DEFAULT
    namespace: str = DEFAULT
