"""Admin partitions (Consul Enterprise). The Enterprise source is not public: texts for conflicts and
missing partitions are consulite's wording (consulite.messages), statuses follow Consul's conventions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.model.partition import Partition
from consulite.model.scope import DEFAULT

if TYPE_CHECKING:
    from consulite.agent.core import Agent

_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")  # a DNS label starting with a letter (§5.1)


class Partitions:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    def require(self, name: str, status: int = 400) -> None:
        if name not in self.store.partitions:
            raise ConsulError(M.PARTITION_MISSING.format(name=name), status)

    def create(self, name: str, description: str = "") -> Partition:
        """A new partition (no name checks: start-up files and reset create them directly)."""
        part = Partition(name=name, description=description)
        with self.store.write() as tx:
            self.store.partitions.put(tx, part)
        return part

    def create_checked(self, name: str, description: str) -> Partition:
        """`PUT /v1/partition`: a valid, new name."""
        if not _NAME.match(name):
            raise BadRequest(M.PARTITION_NAME_INVALID.format(name=name))
        if name in self.store.partitions:
            raise BadRequest(M.PARTITION_EXISTS.format(name=name))
        return self.create(name, description)

    def get(self, name: str, ws: set | None = None) -> tuple[int, Partition]:
        part = self.store.partitions.get(name, ws)
        if part is None:
            raise NotFound(M.PARTITION_NOT_FOUND.format(name=name))
        return self.store.index, part

    def update(self, name: str, body_name: str, description: str) -> Partition:
        if body_name and body_name != name:
            raise BadRequest(M.PARTITION_NAME_MISMATCH.format(body=body_name, path=name))
        self.get(name)
        with self.store.write() as tx:
            self.store.partitions.put(tx, Partition(name=name, description=description))
        return self.store.partitions.rows[name]

    def delete(self, name: str) -> None:
        """Remove a partition and everything in it (a missing one is a no-op)."""
        if name == DEFAULT:
            raise BadRequest(M.PARTITION_DEFAULT_DELETE)
        if name not in self.store.partitions:
            return
        self.agent.checks.stop_in(name)
        with self.store.write() as tx:
            self.store.drop_partition(tx, name)
            self.store.partitions.delete(tx, name)

    def listing(self, ws: set | None = None) -> tuple[int, list[Partition]]:
        return self.store.index, self.store.partitions.list(ws)
