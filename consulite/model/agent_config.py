"""The agent's configuration, as Consul's builder produces it: defaults, then config files, then flags
(`consulite.decode.agent_config.build`)."""

from __future__ import annotations

from typing import Any

import attrs

#: The levels Consul's `log_level` accepts, in any case (logging/logger.go's allowedLogLevels).
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERR", "ERROR")
EDITIONS = ("enterprise", "ce")


def _setting(default: object, key: str, go_type: str, *aliases: str) -> Any:
    """A field that an agent-config file may set under `key` (snake_case, dots for nested blocks), or under
    one of its deprecated `aliases`."""
    return attrs.field(default=default, metadata={"key": key, "go": go_type, "aliases": aliases})

#: the largest request body on /v1/ routes; past it, Consul's 413 text (README "Limits"). 512 KiB is
#: Consul's own default for kv_max_value_size and txn_max_req_len, and keeps the decode of the worst
#: body (deeply nested JSON) short enough not to hold other clients up
MAX_BODY_BYTES = 512 * 1024
#: the largest state document `PUT /_consulite/state` takes
MAX_STATE_BYTES = 256 * 1024 * 1024


@attrs.define
class AgentConfig:
    datacenter: str = _setting("dc1", "datacenter", "string")
    node_name: str = _setting("node1", "node_name", "string")
    client_addr: str = _setting("127.0.0.1", "client_addr", "string")
    http_port: int = _setting(8500, "ports.http", "int")  # 0 (flag only): a free port
    enable_script_checks: bool = _setting(False, "enable_script_checks", "bool")
    checks_run: bool = _setting(True, "checks_run", "bool")  # consulite's own: false stores checks only
    log_level: str = _setting("info", "log_level", "string")
    data_dir: str = _setting("", "data_dir", "string")  # "" (and -dev): in memory
    primary_datacenter: str = _setting("", "primary_datacenter", "string")
    # ACLs (reference acl.md §1.1); 1.8 spells initial_management `master`, agent_recovery `agent_master`
    acl_enabled: bool = _setting(False, "acl.enabled", "bool")
    acl_default_policy: str = _setting("allow", "acl.default_policy", "string")
    acl_down_policy: str = _setting("extend-cache", "acl.down_policy", "string")
    acl_enable_token_persistence: bool = _setting(False, "acl.enable_token_persistence", "bool")
    acl_enable_key_list_policy: bool = _setting(False, "acl.enable_key_list_policy", "bool")
    acl_initial_management: str = _setting("", "acl.tokens.initial_management", "string", "acl.tokens.master")
    acl_agent_token: str = _setting("", "acl.tokens.agent", "string")
    acl_default_token: str = _setting("", "acl.tokens.default", "string")
    acl_agent_recovery: str = _setting("", "acl.tokens.agent_recovery", "string", "acl.tokens.agent_master")
    edition: str = "enterprise"  # consulite's own: `-edition` only, never a file key
    #: `limits { http_max_conns_per_client = 200 }`: Consul's default; 0 means no limit
    http_max_conns_per_client: int = _setting(200, "limits.http_max_conns_per_client", "int")
    #: request bodies past this answer 413 (consulite's own limit; Consul has one per endpoint family)
    http_max_body_bytes: int = MAX_BODY_BYTES
    #: seconds a request head may take to arrive, and a request body to be read
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0
    #: seconds an idle keep-alive connection is kept
    http_idle_timeout: float = 60.0

    @property
    def enterprise(self) -> bool:
        return self.edition == "enterprise"


#: file key -> (AgentConfig field, Go type) for every setting a file may hold (besides services and entries).
FILE_KEYS: dict[str, tuple[str, str]] = {
    key: (a.name, a.metadata["go"]) for a in attrs.fields(AgentConfig) if "key" in a.metadata
    for key in (a.metadata["key"], *a.metadata["aliases"])}
