"""The agent's configuration, as Consul's builder produces it: defaults, then config files, then flags
(`consulite.decode.agent_config.build`)."""

from __future__ import annotations

from typing import Any

import attrs

#: The levels Consul's `log_level` accepts, in any case (logging/logger.go's allowedLogLevels).
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERR", "ERROR")
EDITIONS = ("enterprise", "ce")


def _setting(default: object, key: str, go_type: str) -> Any:
    """A field that an agent-config file may set under `key` (snake_case, dots for nested blocks)."""
    return attrs.field(default=default, metadata={"key": key, "go": go_type})


@attrs.define
class AgentConfig:
    datacenter: str = _setting("dc1", "datacenter", "string")
    node_name: str = _setting("node1", "node_name", "string")
    client_addr: str = _setting("127.0.0.1", "client_addr", "string")
    http_port: int = _setting(8500, "ports.http", "int")  # 0 (flag only): a free port
    enable_script_checks: bool = _setting(False, "enable_script_checks", "bool")
    log_level: str = _setting("info", "log_level", "string")
    data_dir: str = _setting("", "data_dir", "string")  # "" (and -dev): in memory
    edition: str = "enterprise"  # consulite's own: `-edition` only, never a file key

    @property
    def enterprise(self) -> bool:
        return self.edition == "enterprise"


#: file key -> (AgentConfig field, Go type) for every setting a file may hold (besides services and entries).
FILE_KEYS: dict[str, tuple[str, str]] = {
    a.metadata["key"]: (a.name, a.metadata["go"]) for a in attrs.fields(AgentConfig) if "key" in a.metadata}
