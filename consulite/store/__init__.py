"""In-memory, partitioned state with one raft-like index and watches for blocking queries."""

from consulite.store.state import Store

__all__ = ["Store"]
