"""The protocol every table of the store implements, so that reset, snapshot and restore cover a new
table with no extra code."""

from __future__ import annotations

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

    def clear(self) -> None:
        """Empty the table in place."""

    def dump(self) -> list[Any]:
        """Every row (shared objects: the caller serialises them at once)."""

    def load(self, rows: list[Any]) -> None:
        """Replace the rows with `rows`, indexes as saved."""

    def drop_partition(self, tx: Tx, partition: str) -> None:
        """Remove the rows of one partition, touching their topics."""
