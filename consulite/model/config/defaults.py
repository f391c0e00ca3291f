"""proxy-defaults and service-defaults (config-entries-and-resolver.md §3.1, §3.2)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from consulite.model.config.common import (
    ACCESS_LOGS,
    ENVOY_EXTENSION,
    EXPOSE,
    FAILOVER_POLICY,
    LIMITS,
    MESH_GATEWAY,
    META,
    PASSIVE_HEALTH_CHECK,
    PRIORITIZE_BY_LOCALITY,
    TRANSPARENT_PROXY,
    validate_access_logs,
    validate_failover_policy,
    validate_hcp_dir,
    validate_meta,
    validate_mutual_tls,
    validate_prioritize,
)
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind
from consulite.model.config.fields import ANY_MAP, INT, STR_LIST, STRING, list_of, struct
from consulite.model.go import multierror

GLOBAL = "global"

PROXY_DEFAULTS_SPEC = struct(
    "ProxyConfigEntry",
    ("Config", ANY_MAP, False),
    ("Mode", STRING),
    ("TransparentProxy", TRANSPARENT_PROXY, "transparent_proxy"),
    ("MutualTLSMode", STRING, "mutual_tls_mode"),
    ("MeshGateway", MESH_GATEWAY, "mesh_gateway"),
    ("Expose", EXPOSE),
    ("AccessLogs", ACCESS_LOGS, "access_logs"),
    ("EnvoyExtensions", list_of(ENVOY_EXTENSION), "envoy_extensions"),
    ("FailoverPolicy", FAILOVER_POLICY, "failover_policy"),
    ("PrioritizeByLocality", PRIORITIZE_BY_LOCALITY, "prioritize_by_locality"),
    META,
)

UPSTREAM_CONFIG = struct(
    "UpstreamConfig",
    ("Name", STRING), ("Partition", STRING), ("Namespace", STRING), ("Peer", STRING),
    ("EnvoyListenerJSON", STRING, "envoy_listener_json"), ("EnvoyClusterJSON", STRING, "envoy_cluster_json"),
    ("Protocol", STRING), ("ConnectTimeoutMs", INT, "connect_timeout_ms"), ("Limits", LIMITS),
    ("PassiveHealthCheck", PASSIVE_HEALTH_CHECK, "passive_health_check"),
    ("MeshGateway", MESH_GATEWAY, "mesh_gateway"),
    ("BalanceOutboundConnections", STRING, "balance_outbound_connections"),
)

SERVICE_DEFAULTS_SPEC = struct(
    "ServiceConfigEntry",
    ("Protocol", STRING, False),
    ("Mode", STRING),
    ("TransparentProxy", TRANSPARENT_PROXY, "transparent_proxy"),
    ("MutualTLSMode", STRING, "mutual_tls_mode"),
    ("MeshGateway", MESH_GATEWAY, "mesh_gateway"),
    ("Expose", EXPOSE),
    ("ExternalSNI", STRING, "external_sni"),
    ("UpstreamConfig", struct("UpstreamConfiguration", ("Overrides", list_of(UPSTREAM_CONFIG)),
                              ("Defaults", UPSTREAM_CONFIG.ptr())).ptr(), "upstream_config"),
    ("Destination", struct("DestinationConfig", ("Addresses", STR_LIST), ("Port", INT)).ptr()),
    ("MaxInboundConnections", INT, "max_inbound_connections"),
    ("LocalConnectTimeoutMs", INT, "local_connect_timeout_ms"),
    ("LocalRequestTimeoutMs", INT, "local_request_timeout_ms"),
    ("BalanceInboundConnections", STRING, "balance_inbound_connections"),
    ("RateLimits", struct("RateLimits", ("InstanceLevel", struct(
        "InstanceLevelRateLimits", ("RequestsPerSecond", INT, "requests_per_second"),
        ("RequestsMaxBurst", INT, "requests_max_burst"), ("Routes", list_of(struct(
            "InstanceLevelRouteRateLimits", ("PathExact", STRING, "path_exact"),
            ("PathPrefix", STRING, "path_prefix"), ("PathRegex", STRING, "path_regex"),
            ("RequestsPerSecond", INT, "requests_per_second"), ("RequestsMaxBurst", INT, "requests_max_burst"))))),
        "instance_level")).ptr(), "rate_limits"),
    ("EnvoyExtensions", list_of(ENVOY_EXTENSION), "envoy_extensions"),
    META,
)


def _normalize_proxy_defaults(e: ConfigEntry, ctx: Context) -> None:
    if e.name and e.name != GLOBAL:
        raise EntryError(f'invalid name ("{e.name}"), only "global" is supported')
    e.name = GLOBAL


def _validate_proxy_defaults(e: ConfigEntry, ctx: Context) -> None:
    b = e.body
    for err in (validate_access_logs(b.get("AccessLogs") or {}, ctx.json_error), _first(validate_meta(e.meta)),
                validate_hcp_dir(b.get("Config")), validate_failover_policy(b.get("FailoverPolicy")),
                validate_prioritize(b.get("PrioritizeByLocality")), validate_mutual_tls(b.get("MutualTLSMode", ""))):
        if err:
            raise EntryError(err)


def _first(errs: list[str]) -> str | None:
    return multierror(errs) if errs else None


def peered_name(u: dict[str, Any]) -> str:
    """PeeredServiceName.String(): `[peer:]partition/namespace/name` (default parts omitted)."""
    name = u.get("Name", "")
    ns, partition = u.get("Namespace", "") or "default", u.get("Partition", "") or "default"
    text = name if (ns, partition) == ("default", "default") else f"{partition}/{ns}/{name}"
    return f"peer:{u['Peer']}/{text}" if u.get("Peer") else text


def _normalize_upstream(u: dict[str, Any], e: ConfigEntry, enterprise: bool) -> None:
    """An override names its upstream in the entry's namespace and partition unless it says otherwise."""
    if enterprise:
        u["Namespace"] = u.get("Namespace") or e.namespace
        u["Partition"] = u.get("Partition") or e.partition
    if u.get("Protocol"):
        u["Protocol"] = u["Protocol"].lower()
    if u.get("ConnectTimeoutMs", 0) < 0:
        u["ConnectTimeoutMs"] = 0


def _normalize_service_defaults(e: ConfigEntry, ctx: Context) -> None:
    b = e.body
    if b.get("Protocol"):
        b["Protocol"] = b["Protocol"].lower()
    upstream = b.get("UpstreamConfig")
    if upstream:
        for override in upstream.get("Overrides") or []:
            _normalize_upstream(override, e, ctx.enterprise)
        defaults = upstream.get("Defaults")
        if defaults:
            if defaults.get("Protocol"):
                defaults["Protocol"] = defaults["Protocol"].lower()
            if defaults.get("ConnectTimeoutMs", 0) < 0:
                defaults["ConnectTimeoutMs"] = 0


def _upstream_errors(u: dict[str, Any], named: bool) -> list[str]:
    errs = []
    if named:
        if not u.get("Name"):
            errs.append("Name is required")
        elif u["Name"] == "*":
            errs.append("Wildcard name is not supported")
        if u.get("Namespace") == "*":
            errs.append("Wildcard namespace is not supported")
    else:
        for key in ("Name", "Namespace", "Partition", "Peer"):
            if u.get(key):
                errs.append(f"{key} must be empty")
    phc = u.get("PassiveHealthCheck") or {}
    if phc.get("Interval", 0) < 0:
        errs.append("passive health check interval cannot be negative")
    if phc.get("EnforcingConsecutive5xx", 0) > 100:
        errs.append("passive health check enforcing_consecutive_5xx must be a percentage between 0 and 100")
    if phc.get("MaxEjectionPercent", 0) > 100:
        errs.append("passive health check max_ejection_percent must be a percentage between 0 and 100")
    if phc.get("BaseEjectionTime", 0) < 0:
        errs.append("passive health check base_ejection_time cannot be negative")
    limits = u.get("Limits") or {}
    for key, text in (("MaxConnections", "max connections"), ("MaxPendingRequests", "max pending requests"),
                      ("MaxConcurrentRequests", "max concurrent requests")):
        if limits.get(key, 0) < 0:
            errs.append(f"{text} cannot be negative")
    if u.get("BalanceOutboundConnections", "") not in ("", "exact_balance"):
        errs.append(f"invalid value for balance_outbound_connections: {u['BalanceOutboundConnections']}")
    return errs


_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
                       r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$")


def _valid_address(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
        return True
    except ValueError:
        return "*" not in address and bool(_HOSTNAME.match(address))


def _validate_service_defaults(e: ConfigEntry, ctx: Context) -> None:
    b = e.body
    if not e.name:
        raise EntryError("Name is required")
    if e.name == "*":
        raise EntryError("service-defaults name must be the name of a service, and not a wildcard")
    errs = validate_meta(e.meta)
    if b.get("BalanceInboundConnections", "") not in ("", "exact_balance"):
        errs.append(f"invalid value for balance_inbound_connections: {b['BalanceInboundConnections']}")
    upstream, destination = b.get("UpstreamConfig"), b.get("Destination")
    if upstream is not None and destination is not None:
        errs.append("UpstreamConfig and Destination are mutually exclusive for service defaults")
        raise EntryError(multierror(errs))
    if upstream:
        for override in upstream.get("Overrides") or []:
            for err in _upstream_errors(override, named=True):
                errs.append(f"error in upstream override for {peered_name(override)}: {err}")
        if upstream.get("Defaults"):
            for err in _upstream_errors(upstream["Defaults"], named=False):
                errs.append(f"error in upstream defaults: {err}")
    if destination is not None:
        addresses = destination.get("Addresses") or []
        if not addresses:
            errs.append("Destination must contain at least one valid address")
        seen: set[str] = set()
        for address in addresses:
            if address in seen:
                errs.append(f"Duplicate address '{address}' is not allowed")
                continue
            seen.add(address)
            if not _valid_address(address):
                errs.append(f"Destination address '{address}' is invalid Could not validate address {address} as "
                            "an IP or Hostname")
        port = destination.get("Port", 0)
        if port < 1 or port > 65535:
            errs.append(f"Invalid Port number {port}")
    mtls = validate_mutual_tls(b.get("MutualTLSMode", ""))
    if mtls:
        raise EntryError(mtls)
    if errs:
        raise EntryError(multierror(errs))


PROXY_DEFAULTS = Kind("proxy-defaults", PROXY_DEFAULTS_SPEC, _normalize_proxy_defaults, _validate_proxy_defaults,
                      has_hash=True, partition_scoped=True)
SERVICE_DEFAULTS = Kind("service-defaults", SERVICE_DEFAULTS_SPEC, _normalize_service_defaults,
                        _validate_service_defaults, has_hash=True)
