"""Admin partitions and the agent's node."""

from __future__ import annotations

import attrs


@attrs.define(eq=False)
class Partition:
    name: str
    description: str = ""
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class Node:
    name: str
    id: str
    address: str
    datacenter: str
