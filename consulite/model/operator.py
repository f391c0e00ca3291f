"""Node coordinates (Serf's network tomography), the autopilot configuration and prepared queries: rows of
the store's coordinate, autopilot and query tables, kept as Consul's wire values."""

from __future__ import annotations

from typing import Any

import attrs

#: A fresh Vivaldi coordinate, as a new Serf member reports it (serf/coordinate DefaultConfig).
ORIGIN: dict[str, Any] = {"Vec": [0.0] * 8, "Error": 1.5, "Adjustment": 0.0, "Height": 1e-05}


@attrs.define(eq=False)
class NodeCoordinate:
    node: str
    segment: str = ""
    coord: dict[str, Any] = attrs.field(factory=lambda: dict(ORIGIN))
    partition: str = "default"


#: Autopilot's defaults in a dev agent (agent/config/default.go), durations as Go prints them.
AUTOPILOT_DEFAULTS: dict[str, Any] = {
    "CleanupDeadServers": True, "LastContactThreshold": "200ms", "MaxTrailingLogs": 250, "MinQuorum": 0,
    "ServerStabilizationTime": "10s", "RedundancyZoneTag": "", "DisableUpgradeMigration": False,
    "UpgradeVersionTag": "",
}


@attrs.define(eq=False)
class AutopilotConfig:
    settings: dict[str, Any] = attrs.field(factory=lambda: dict(AUTOPILOT_DEFAULTS))
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class PreparedQuery:
    """A prepared query as stored: `body` is its wire object without ID and indexes."""

    id: str
    body: dict[str, Any]
    create_index: int = 0
    modify_index: int = 0

    @property
    def name(self) -> str:
        return str(self.body.get("Name") or "")
