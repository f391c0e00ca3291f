"""In-memory tables under one raft-like index, with watch sets that wake blocked readers."""

from consulite.store.core import Store, Tx

__all__ = ["Store", "Tx"]
