"""The agent's configuration, as Consul's builder produces it: defaults, then config files, then flags
(`consulite.decode.agent_config.build`)."""

from __future__ import annotations

from typing import Any

import attrs

#: The levels Consul's `log_level` accepts, in any case (logging/logger.go's allowedLogLevels).
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERR", "ERROR")
EDITIONS = ("enterprise", "ce")
#: what Consul reads as "any address" (agent/config/builder.go, ipaddr.IsAny)
ANY_ADDRESSES = ("0.0.0.0", "::", "[::]")


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
    node_id: str = _setting("", "node_id", "string")  # "": a random UUID
    #: where HTTP listens: addresses.http, else client_addr (space-separated addresses)
    client_addr: str = _setting("127.0.0.1", "client_addr", "string")
    http_addr: str = _setting("", "addresses.http", "string")
    dns_addr: str = _setting("", "addresses.dns", "string")
    grpc_addr: str = _setting("", "addresses.grpc", "string")
    #: the node's address (advertise_addr, else bind_addr unless it is 0.0.0.0)
    bind_addr: str = _setting("127.0.0.1", "bind_addr", "string")
    advertise_addr: str = _setting("", "advertise_addr", "string")
    http_port: int = _setting(8500, "ports.http", "int")  # 0 (flag only): a free port
    # ports consulite does not listen on, shown where Consul shows them (agent/self, members, status)
    https_port: int = _setting(-1, "ports.https", "int")
    dns_port: int = _setting(8600, "ports.dns", "int")
    grpc_port: int = _setting(8502, "ports.grpc", "int")
    grpc_tls_port: int = _setting(-1, "ports.grpc_tls", "int")
    serf_lan_port: int = _setting(8301, "ports.serf_lan", "int")
    serf_wan_port: int = _setting(8302, "ports.serf_wan", "int")
    server_port: int = _setting(8300, "ports.server", "int")
    # a single server that leads at once: these are checked as Consul checks them, and shown
    server: bool = _setting(True, "server", "bool")
    bootstrap: bool = _setting(False, "bootstrap", "bool")
    bootstrap_expect: int = _setting(0, "bootstrap_expect", "int")
    connect_enabled: bool = _setting(True, "connect.enabled", "bool")
    domain: str = _setting("consul.", "domain", "string")
    encrypt: str = _setting("", "encrypt", "string")  # checked as a key, then unused (no gossip)
    pid_file: str = _setting("", "pid_file", "string")
    log_json: bool = _setting(False, "log_json", "bool")
    enable_script_checks: bool = _setting(False, "enable_script_checks", "bool")
    checks_run: bool = _setting(True, "checks_run", "bool")  # consulite's own: false stores checks only
    #: how long a check's output-only change waits before the catalog sees it (a Go duration; "0s": at once)
    check_update_interval: str = _setting("5m", "check_update_interval", "string")
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
    dev: bool = False  # `-dev` (flag only)
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

    @property
    def node_address(self) -> str:
        """The address the node is known by: advertise_addr, else bind_addr (an ANY address: loopback)."""
        return self.advertise_addr or (self.bind_addr if self.bind_addr not in ANY_ADDRESSES else "127.0.0.1")

    def addresses(self, service: str) -> list[str]:
        """Where a client service ("http", "dns", "grpc") listens: `addresses.<service>`, else client_addr."""
        own = {"http": self.http_addr, "dns": self.dns_addr, "grpc": self.grpc_addr}[service]
        return (own or self.client_addr).split()


#: Consul's agent-config keys that mean nothing to an emulator: accepted with any value, logged once each at
#: start (agent/config/config.go). Dots name keys inside blocks; a block named here is accepted whole.
IGNORED_KEYS = (
    "performance", "telemetry", "ui", "ui_config", "ui_dir", "ui_content_path", "disable_update_check",
    "skip_leave_on_interrupt", "leave_on_terminate", "rejoin_after_leave", "start_join", "start_join_wan",
    "retry_join", "retry_join_wan", "retry_interval", "retry_interval_wan", "retry_max", "retry_max_wan",
    "raft_protocol", "protocol", "segment", "segments", "node_meta", "recursors", "dns_config", "alt_domain",
    "ca_file", "ca_path", "cert_file", "key_file", "verify_incoming", "verify_incoming_rpc",
    "verify_incoming_https", "verify_outgoing", "verify_server_hostname", "tls", "auto_encrypt", "auto_config",
    "enable_debug", "enable_syslog", "syslog_facility", "log_file", "log_rotate_bytes", "log_rotate_duration",
    "log_rotate_max_files", "peering", "disable_host_node_id", "disable_keyring_file", "disable_remote_exec",
    "disable_coordinates", "encrypt_verify_incoming", "encrypt_verify_outgoing", "enable_local_script_checks",
    "autopilot", "acl_datacenter", "acl_default_policy", "non_voting_server", "read_replica", "primary_gateways",
    "advertise_addr_wan", "serf_lan", "serf_wan", "serf_lan_allowed_cidrs", "serf_wan_allowed_cidrs",
    "tagged_addresses", "translate_wan_addrs", "reconnect_timeout", "reconnect_timeout_wan",
    "discard_check_output", "default_query_time", "max_query_time", "session_ttl_min",
    "http_config", "unix_sockets", "watches", "server_name", "gossip_lan", "gossip_wan", "rpc", "xds", "cache",
    "check_output_max_size", "enable_central_service_config", "auto_reload_config", "partition",
    "raft_snapshot_threshold", "raft_snapshot_interval", "raft_trailing_logs", "limits.rpc_rate",
    "limits.rpc_max_burst", "limits.rpc_max_conns_per_client", "limits.kv_max_value_size", "limits.txn_max_req_len",
    "limits.https_handshake_timeout", "limits.rpc_handshake_timeout", "limits.request_limits",
    "ports.proxy_min_port", "ports.proxy_max_port", "ports.sidecar_min_port", "ports.sidecar_max_port",
    "ports.expose_min_port", "ports.expose_max_port", "addresses.https", "addresses.grpc_tls",
    "connect.ca_provider", "connect.ca_config", "connect.enable_mesh_gateway_wan_federation",
    "acl.policy_ttl", "acl.token_ttl", "acl.role_ttl", "acl.enable_token_replication", "acl.disabled_ttl",
    "acl.tokens.replication", "acl.tokens.config_file_service_registration")

#: file key -> (AgentConfig field, Go type) for every setting a file may hold (besides services and entries).
FILE_KEYS: dict[str, tuple[str, str]] = {
    key: (a.name, a.metadata["go"]) for a in attrs.fields(AgentConfig) if "key" in a.metadata
    for key in (a.metadata["key"], *a.metadata["aliases"])}
