"""Structs shared by several config-entry kinds, and the checks they share (agent/structs/config_entry*.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from consulite.model.config.fields import (
    DURATION_NS,
    INT,
    STR_LIST,
    STR_MAP,
    STRING,
    UINT32,
    list_of,
    struct,
    struct_of,
)
from consulite.model.service import AccessLogs, EnvoyExtension, Expose, MeshGatewayConfig, TransparentProxy

MESH_GATEWAY = struct_of(MeshGatewayConfig)
TRANSPARENT_PROXY = struct_of(TransparentProxy)
EXPOSE = struct_of(Expose)
ACCESS_LOGS = struct_of(AccessLogs)
ENVOY_EXTENSION = struct_of(EnvoyExtension)
HEADER_MODIFIERS = struct("HTTPHeaderModifiers", ("Add", STR_MAP), ("Set", STR_MAP), ("Remove", STR_LIST)).ptr()
PASSIVE_HEALTH_CHECK = struct(
    "PassiveHealthCheck", ("Interval", DURATION_NS), ("MaxFailures", UINT32, "max_failures"),
    ("EnforcingConsecutive5xx", UINT32, "enforcing_consecutive_5xx"),
    ("MaxEjectionPercent", UINT32, "max_ejection_percent"), ("BaseEjectionTime", DURATION_NS, "base_ejection_time"),
).ptr()
LIMITS = struct("UpstreamLimits", ("MaxConnections", INT, "max_connections"),
                ("MaxPendingRequests", INT, "max_pending_requests"),
                ("MaxConcurrentRequests", INT, "max_concurrent_requests")).ptr()
FAILOVER_POLICY = struct("ServiceResolverFailoverPolicy", ("Mode", STRING), ("Regions", STR_LIST)).ptr()
PRIORITIZE_BY_LOCALITY = struct("ServiceResolverPrioritizeByLocality", ("Mode", STRING)).ptr()
RESOURCE_REFERENCE = struct("ResourceReference", ("Kind", STRING), ("Name", STRING),
                            ("SectionName", STRING, "section_name"), ("Partition", STRING), ("Namespace", STRING))
STATUS = struct("Status", ("Conditions", list_of(struct(
    "Condition", ("Type", STRING), ("Status", STRING), ("Reason", STRING), ("Message", STRING),
    ("Resource", RESOURCE_REFERENCE.ptr()), ("LastTransitionTime", STRING, "last_transition_time")))))

META = ("Meta", STR_MAP)
#: isValidHTTPMethod: Go's net/http method constants, accepted in router matches and intention permissions.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


def validate_meta(meta: dict[str, Any] | None) -> list[str]:
    """validateConfigEntryMeta: Consul's limits on a config entry's Meta."""
    errs: list[str] = []
    if not meta:
        return errs
    if len(meta) > 64:
        errs.append("Meta exceeds maximum element count 64")
    for k, v in meta.items():
        if len(k) > 128:
            errs.append(f'Meta key "{k}" exceeds maximum length 128')
        if len(v) > 512:
            errs.append(f'Meta value for key "{k}" exceeds maximum length 512')
    return errs


def validate_mutual_tls(mode: str) -> str | None:
    if mode in ("", "strict", "permissive"):
        return None
    return f'Invalid MutualTLSMode "{mode}". Must be one of "", "strict", or "permissive".'


def validate_access_logs(logs: dict[str, Any], json_error: Callable[[str], str | None]) -> str | None:
    """AccessLogsConfig.Validate: the type (and a file's path) first, then the formats, a stray path, and
    last that a JSONFormat is JSON."""
    kind, path = logs.get("Type", ""), logs.get("Path", "")
    if kind not in ("", "file", "stderr", "stdout"):
        return f"invalid access log type: {kind}"
    if kind == "file" and not path:
        return "path must be specified when using file type access logs"
    if logs.get("JSONFormat") and logs.get("TextFormat"):
        return "cannot specify both access log JSONFormat and TextFormat"
    if kind != "file" and path:
        return "path is only valid for file type access logs"
    problem = json_error(logs["JSONFormat"]) if logs.get("JSONFormat") else None
    return f"invalid access log json for JSON format: {problem}" if problem else None


def validate_failover_policy(policy: dict[str, Any] | None) -> str | None:
    if policy and policy.get("Mode", "") not in ("", "sequential", "order-by-locality"):
        return ("Failover-policy mode must be one of '', 'sequential', or 'order-by-locality'; "
                f'got "{policy["Mode"]}"')
    return None


def validate_prioritize(p: dict[str, Any] | None) -> str | None:
    if p and p.get("Mode", "") not in ("", "none", "failover"):
        return f'Invalid PrioritizeByLocality.Mode "{p["Mode"]}"'
    return None


def validate_hcp_dir(config: dict[str, Any] | None) -> str | None:
    value = (config or {}).get("envoy_hcp_metrics_bind_socket_dir")
    if isinstance(value, str) and len(value) > 70:
        return f"Config: envoy_hcp_metrics_bind_socket_dir length {len(value)} exceeds max 70"
    return None
