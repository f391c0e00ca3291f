"""The protocol every table of the store implements, so that reset, snapshot, restore and the data dir's
journal cover a new table with no extra code.

Besides the members below, a table reports every row a write changes: `tx.changed(self, key, row)` (`row`
None when removed; `key` a string or a tuple of strings and ints, unique in the table). A journal reads
those reports at commit and nothing else, and keeps the table's order as a dict does: a reported row keeps
its place, a new one goes last, and one reported removed and then written again goes last."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from consulite.store.core import Tx


class Table(Protocol):
    @property
    def name(self) -> str:
        """The table's key in a state document."""

    @property
    def item_type(self) -> type:
        """The model class of its rows (the state document is structured into it)."""

    def key(self, row: Any) -> Hashable:
        """A row's key in the table (the one its writes report)."""

    def clear(self) -> None:
        """Empty the table in place."""

    def dump(self) -> list[Any]:
        """Every row (shared objects: the caller serialises them at once)."""

    def load(self, rows: list[Any]) -> None:
        """Replace the rows with `rows`, indexes as saved."""

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """Remove the rows of one partition, touching their topics."""

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        """Remove the rows of one namespace of a partition, touching their topics (a no-op for tables
        whose rows are not namespaced)."""
