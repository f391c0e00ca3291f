"""Everything an agent holds, as one value: what `/_consulite/state` saves and loads."""

from __future__ import annotations

import attrs

from consulite.model.check import HealthCheck
from consulite.model.config import ConfigEntry
from consulite.model.fields import JSONArray
from consulite.model.partition import Node, Partition
from consulite.model.service import Service


@attrs.define
class Snapshot:
    index: int
    node: Node
    partitions: list[Partition]
    services: list[Service]
    checks: list[HealthCheck]
    entries: list[ConfigEntry]
    #: the last-change index of every watched topic, so that X-Consul-Index answers are reproduced
    topics: list[tuple[JSONArray, int]]
