"""Everything an agent holds, as one value: what `/_consulite/state` saves and loads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from consulite.model.check import HealthCheck
from consulite.model.config import ConfigEntry
from consulite.model.partition import Node, Partition
from consulite.model.service import Service

if TYPE_CHECKING:
    #: A watched topic: a list in the state document, a tuple (the store's key) once loaded.
    Topic = Sequence[Any]
else:
    Topic = list  # bare at run time: cattrs reads this annotation (see model.fields.JSONObject)


@attrs.define
class Snapshot:
    index: int
    node: Node
    partitions: list[Partition]
    services: list[Service]
    checks: list[HealthCheck]
    entries: list[ConfigEntry]
    #: the last-change index of every watched topic, so that X-Consul-Index answers are reproduced
    topics: list[tuple[Topic, int]]
