"""Admin partitions and the agent's node."""

from __future__ import annotations

import attrs

from consulite import CONSUL_VERSION

#: The agent node's Meta, as a dev agent sets it.
NODE_META = {"consul-network-segment": "", "consul-version": CONSUL_VERSION}


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
