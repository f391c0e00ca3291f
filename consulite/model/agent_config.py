"""The agent's configuration, as Consul's builder produces it: defaults, then config files, then flags."""

from __future__ import annotations

import attrs


@attrs.define
class AgentConfig:
    datacenter: str = "dc1"
    node_name: str = "node1"
    edition: str = "enterprise"
    enable_script_checks: bool = False

    @property
    def enterprise(self) -> bool:
        return self.edition == "enterprise"
