"""service-resolver, service-router and service-splitter (config-entries-and-resolver.md §3.5)."""

from __future__ import annotations

import math
import re
import struct as _struct
from typing import Any

from consulite.model.config import kinds as K
from consulite.model.config.common import (
    FAILOVER_POLICY,
    HEADER_MODIFIERS,
    HTTP_METHODS,
    META,
    PRIORITIZE_BY_LOCALITY,
    validate_meta,
)
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, Lookup, require_name
from consulite.model.config.fields import (
    BOOL,
    DURATION,
    DURATION_NS,
    FLOAT,
    STR_LIST,
    STRING,
    UINT,
    UINT32,
    list_of,
    map_of,
    struct,
)
from consulite.model.go import format_duration, multierror
from consulite.model.scope import DEFAULT

L7_PROTOCOLS = frozenset({"http", "http2", "grpc"})

RESOLVER_SPEC = struct(
    "ServiceResolverConfigEntry",
    ("DefaultSubset", STRING, "default_subset"),
    ("Subsets", map_of(struct("ServiceResolverSubset", ("Filter", STRING), ("OnlyPassing", BOOL, "only_passing")))),
    ("Redirect", struct("ServiceResolverRedirect", ("Service", STRING), ("ServiceSubset", STRING, "service_subset"),
                        ("Namespace", STRING), ("Partition", STRING), ("SamenessGroup", STRING, "sameness_group"),
                        ("Datacenter", STRING), ("Peer", STRING)).ptr()),
    ("Failover", map_of(struct(
        "ServiceResolverFailover", ("Service", STRING), ("ServiceSubset", STRING, "service_subset"),
        ("Namespace", STRING), ("Datacenters", STR_LIST),
        ("Targets", list_of(struct("ServiceResolverFailoverTarget", ("Service", STRING),
                                   ("ServiceSubset", STRING, "service_subset"), ("Partition", STRING),
                                   ("Namespace", STRING), ("Datacenter", STRING), ("Peer", STRING)))),
        ("Policy", FAILOVER_POLICY), ("SamenessGroup", STRING, "sameness_group")))),
    ("ConnectTimeout", DURATION, "connect_timeout"),
    ("RequestTimeout", DURATION, "request_timeout"),
    ("PrioritizeByLocality", PRIORITIZE_BY_LOCALITY, "prioritize_by_locality"),
    ("LoadBalancer", struct(
        "LoadBalancer", ("Policy", STRING),
        ("RingHashConfig", struct("RingHashConfig", ("MinimumRingSize", UINT, "minimum_ring_size"),
                                  ("MaximumRingSize", UINT, "maximum_ring_size")).ptr(), "ring_hash_config"),
        ("LeastRequestConfig", struct("LeastRequestConfig", ("ChoiceCount", UINT32, "choice_count")).ptr(),
         "least_request_config"),
        ("HashPolicies", list_of(struct(
            "HashPolicy", ("Field", STRING), ("FieldValue", STRING, "field_value"),
            ("CookieConfig", struct("CookieConfig", ("Session", BOOL), ("TTL", DURATION_NS), ("Path", STRING)).ptr(),
             "cookie_config"),
            ("SourceIP", BOOL, "source_ip"), ("Terminal", BOOL))), "hash_policies")).ptr(), "load_balancer"),
    META,
)

_HTTP_MATCH = struct(
    "ServiceRouteHTTPMatch",
    ("PathExact", STRING, "path_exact"), ("PathPrefix", STRING, "path_prefix"), ("PathRegex", STRING, "path_regex"),
    ("CaseInsensitive", BOOL, "case_insensitive"),
    ("Header", list_of(struct("ServiceRouteHTTPMatchHeader", ("Name", STRING), ("Present", BOOL), ("Exact", STRING),
                              ("Prefix", STRING), ("Suffix", STRING), ("Contains", STRING), ("Regex", STRING),
                              ("IgnoreCase", BOOL, "ignore_case"), ("Invert", BOOL)))),
    ("QueryParam", list_of(struct("ServiceRouteHTTPMatchQueryParam", ("Name", STRING), ("Present", BOOL),
                                  ("Exact", STRING), ("Regex", STRING))), "query_param"),
    ("Methods", STR_LIST),
)
ROUTER_SPEC = struct(
    "ServiceRouterConfigEntry",
    ("Routes", list_of(struct(
        "ServiceRoute",
        ("Match", struct("ServiceRouteMatch", ("HTTP", _HTTP_MATCH.ptr())).ptr()),
        ("Destination", struct(
            "ServiceRouteDestination", ("Service", STRING), ("ServiceSubset", STRING, "service_subset"),
            ("Namespace", STRING), ("Partition", STRING), ("PrefixRewrite", STRING, "prefix_rewrite"),
            ("RequestTimeout", DURATION, "request_timeout"), ("IdleTimeout", DURATION, "idle_timeout"),
            ("NumRetries", UINT32, "num_retries"), ("RetryOnConnectFailure", BOOL, "retry_on_connect_failure"),
            ("RetryOn", STR_LIST, "retry_on"), ("RetryOnStatusCodes", list_of(UINT32), "retry_on_status_codes"),
            ("RequestHeaders", HEADER_MODIFIERS, "request_headers"),
            ("ResponseHeaders", HEADER_MODIFIERS, "response_headers")).ptr())))),
    META,
)
SPLITTER_SPEC = struct(
    "ServiceSplitterConfigEntry",
    ("Splits", list_of(struct(
        "ServiceSplit", ("Weight", FLOAT, False), ("Service", STRING), ("ServiceSubset", STRING, "service_subset"),
        ("Namespace", STRING), ("Partition", STRING), ("RequestHeaders", HEADER_MODIFIERS, "request_headers"),
        ("ResponseHeaders", HEADER_MODIFIERS, "response_headers")))),
    META,
)

_RETRY_ON = frozenset({"5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx",
                       "refused-stream", "cancelled", "deadline-exceeded", "internal", "resource-exhausted",
                       "unavailable"})
_LB_POLICIES = frozenset({"", "random", "round_robin", "least_request", "ring_hash", "maglev"})
_HASH_FIELDS = frozenset({"header", "cookie", "query_parameter"})
_DNS_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")


def _check_meta(e: ConfigEntry) -> None:
    """validateConfigEntryMeta: its errors are always go-multierror-wrapped, even a single one."""
    errs = validate_meta(e.meta)
    if errs:
        raise EntryError(multierror(errs))


def _subset_problem(name: str) -> str | None:
    """validateServiceSubset: subset names appear in SNI, so they must be DNS labels."""
    if len(name) > 63:
        return "must be non-empty and 63 characters or fewer"
    if not _DNS_LABEL.fullmatch(name):
        return ("must be 63 characters or fewer, begin or end with lower case alphanumeric characters, and contain "
                "lower case alphanumeric characters or '-' in between")
    return None


def _validate_resolver(e: ConfigEntry, ctx: Context) -> None:
    """Consul's checks in its order; the first failing one is the answer."""
    require_name(e)
    _check_meta(e)
    b = e.body
    subsets = b.get("Subsets") or {}
    for name in subsets:
        if not name:
            raise EntryError("Subset defined with empty name")
        problem = _subset_problem(name)
        if problem:
            raise EntryError(f'Subset "{name}" is invalid: {problem}')
        problem = ctx.filter_error(subsets[name]["Filter"]) if subsets[name].get("Filter") else None
        if problem:
            raise EntryError(f'Filter for subset "{name}" is not a valid expression: {problem}')
    default = b.get("DefaultSubset", "")
    if default and default not in subsets:
        raise EntryError(f'DefaultSubset "{default}" is not a valid subset')
    in_default_partition = e.partition in ("", "default")
    redirect = b.get("Redirect")
    if redirect is not None:
        _validate_redirect(e, redirect, subsets, in_default_partition)
    for key, failover in (b.get("Failover") or {}).items():
        _validate_failover(e, key, failover, subsets, in_default_partition)
    for key in ("ConnectTimeout", "RequestTimeout"):
        if b.get(key, 0) < 0:
            raise EntryError(f"Bad {key} '{format_duration(b[key])}', must be >= 0")
    if b.get("LoadBalancer") is not None:
        _validate_load_balancer(b["LoadBalancer"])


def _validate_redirect(e: ConfigEntry, r: dict[str, Any], subsets: dict[str, Any], in_default_partition: bool) -> None:
    if r.get("Datacenter"):
        if not in_default_partition:
            raise EntryError("Cross-datacenter redirect is only supported in the default partition")
        if (r.get("Partition") or "default") != (e.partition or "default"):
            raise EntryError("Cross-datacenter and cross-partition redirect is not supported")
    if e.body.get("Failover"):
        raise EntryError("Redirect and Failover cannot both be set")
    if not any(r.get(k) for k in ("Service", "ServiceSubset", "Namespace", "Partition", "Datacenter", "Peer",
                                  "SamenessGroup")):
        raise EntryError("Redirect is empty")
    peer, service, subset = r.get("Peer"), r.get("Service"), r.get("ServiceSubset")
    if peer and subset:
        raise EntryError("Redirect.Peer cannot be set with Redirect.ServiceSubset")
    if peer and r.get("Partition"):
        raise EntryError("Redirect.Partition cannot be set with Redirect.Peer")
    if peer and r.get("Datacenter"):
        raise EntryError("Redirect.Peer cannot be set with Redirect.Datacenter")
    if not service:
        for key in ("ServiceSubset", "Namespace", "Partition", "Peer"):
            if r.get(key):
                raise EntryError(f"Redirect.{key} defined without Redirect.Service")
    elif subset and service == e.name and subset not in subsets:
        raise EntryError(f'Redirect.ServiceSubset "{subset}" is not a valid subset of "{e.name}"')


def _validate_failover(e: ConfigEntry, key: str, f: dict[str, Any], subsets: dict[str, Any],
                       in_default_partition: bool) -> None:
    prefix = f'Bad Failover["{key}"]'
    if f.get("Datacenters") and not in_default_partition:
        raise EntryError("Cross-datacenter failover is only supported in the default partition")
    if key != "*" and key not in subsets:
        raise EntryError(f"{prefix}: not a valid subset subset")
    if not any(f.get(k) for k in ("Service", "ServiceSubset", "Namespace", "Targets", "Datacenters",
                                  "SamenessGroup")):
        raise EntryError(f"{prefix}: one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required")
    service, subset = f.get("Service", ""), f.get("ServiceSubset", "")
    if subset and service in ("", e.name) and subset not in subsets:
        raise EntryError(f'{prefix}: ServiceSubset "{subset}" is not a valid subset of "{service}"')
    if f.get("Targets"):
        for other in ("Datacenters", "ServiceSubset", "Service"):
            if f.get(other):
                raise EntryError(f"{prefix}: Targets cannot be set with {other}")
    for i, t in enumerate(f.get("Targets") or []):
        where = f"{prefix}.Targets[{i}]"
        peer, partition, dc, t_subset = t.get("Peer"), t.get("Partition"), t.get("Datacenter"), t.get("ServiceSubset")
        if peer and t_subset:
            raise EntryError(f"{where}: Peer cannot be set with ServiceSubset")
        if peer and partition:
            raise EntryError(f"{where}: Partition cannot be set with Peer")
        if peer and dc:
            raise EntryError(f"{where}: Peer cannot be set with Datacenter")
        if partition and dc:
            raise EntryError(f"{where}: Partition cannot be set with Datacenter")
        if t_subset and t.get("Service", "") in ("", e.name) and t_subset not in subsets:
            raise EntryError(f'{where}: ServiceSubset "{t_subset}" is not a valid subset of "{e.name}"')
    for dc in f.get("Datacenters") or []:
        if not dc:
            raise EntryError(f"{prefix}.Datacenters: found empty datacenter")


def _validate_load_balancer(lb: dict[str, Any]) -> None:
    policy = lb.get("Policy", "")
    if policy not in _LB_POLICIES:
        raise EntryError(f'Bad LoadBalancer policy: "{policy}" is not supported')
    for config, wanted in (("RingHashConfig", "ring_hash"), ("LeastRequestConfig", "least_request")):
        if lb.get(config) is not None and policy != wanted:
            raise EntryError(f"Bad LoadBalancer configuration. {config} specified for incompatible load balancing "
                             f'policy "{policy}"')
    hash_policies = lb.get("HashPolicies") or []
    if hash_policies and policy not in ("ring_hash", "maglev"):
        raise EntryError("Bad LoadBalancer configuration: HashPolicies specified for non-hash-based Policy: "
                         f'"{policy}"')
    for i, hp in enumerate(hash_policies):
        where = f"Bad LoadBalancer HashPolicy[{i}]"
        field, value = hp.get("Field", ""), hp.get("FieldValue", "")
        if field and field not in _HASH_FIELDS:
            raise EntryError(f'{where}: "{field}" is not a supported field')
        if hp.get("SourceIP") and field:
            raise EntryError(f'{where}: A single hash policy cannot hash both a source address and a "{field}"')
        if hp.get("SourceIP") and value:
            raise EntryError(f"{where}: A FieldValue cannot be specified when hashing SourceIP")
        if field and not value:
            raise EntryError(f'{where}: Field "{field}" was specified without a FieldValue')
        if value and not field:
            raise EntryError(f"{where}: FieldValue requires a Field to apply to")
        cookie = hp.get("CookieConfig")
        if cookie is not None:
            if field != "cookie":
                raise EntryError(f'{where}: cookie_config provided for "{field}"')
            if cookie.get("Session") and cookie.get("TTL", 0) != 0:
                raise EntryError(f"{where}: a session cookie cannot have an associated TTL")


def _normalize_router(e: ConfigEntry, ctx: Context) -> None:
    """Methods upper-cased; Consul fills the destination's scope only on routes that have Match.HTTP."""
    for route in e.body.get("Routes") or []:
        http = (route.get("Match") or {}).get("HTTP")
        if http is None:
            continue
        if http.get("Methods"):
            http["Methods"] = [m.upper() for m in http["Methods"]]
        dest = route.get("Destination")
        if dest is not None and ctx.enterprise:
            dest["Namespace"] = dest.get("Namespace") or e.namespace
            dest["Partition"] = dest.get("Partition") or e.partition


def _validate_router(e: ConfigEntry, ctx: Context) -> None:
    """Consul's checks in its order; the first failing one is the answer."""
    require_name(e)
    _check_meta(e)
    for i, route in enumerate(e.body.get("Routes") or []):
        http = (route.get("Match") or {}).get("HTTP") or {}
        for key in ("PathExact", "PathPrefix"):
            if http.get(key) and not http[key].startswith("/"):
                raise EntryError(f"Route[{i}] {key} doesn't start with '/': \"{http[key]}\"")
        if sum(bool(http.get(k)) for k in ("PathExact", "PathPrefix", "PathRegex")) > 1:
            raise EntryError(f"Route[{i}] should only contain at most one of PathExact, PathPrefix, or PathRegex")
        for j, header in enumerate(http.get("Header") or []):
            if not header.get("Name"):
                raise EntryError(f"Route[{i}] Header[{j}] missing required Name field")
            if sum(bool(header.get(k)) for k in ("Present", "Exact", "Prefix", "Suffix", "Contains", "Regex")) != 1:
                raise EntryError(f"Route[{i}] Header[{j}] should only contain one of Present, Exact, Prefix, Suffix, "
                                 "or Regex")
        for j, param in enumerate(http.get("QueryParam") or []):
            if not param.get("Name"):
                raise EntryError(f"Route[{i}] QueryParam[{j}] missing required Name field")
            if sum(bool(param.get(k)) for k in ("Present", "Exact", "Regex")) != 1:
                raise EntryError(f"Route[{i}] QueryParam[{j}] should only contain one of Present, Exact, or Regex")
        seen: set[str] = set()
        for method in http.get("Methods") or []:
            if method not in HTTP_METHODS:
                raise EntryError(f'Route[{i}] Methods contains an invalid method "{method}"')
            if method in seen:
                raise EntryError(f'Route[{i}] Methods contains "{method}" more than once')
            seen.add(method)
        dest = route.get("Destination") or {}
        if dest.get("PrefixRewrite") and not (http.get("PathExact") or http.get("PathPrefix")):
            raise EntryError(f"Route[{i}] cannot make use of PrefixRewrite without configuring either PathExact or "
                             "PathPrefix")
        for cond in dest.get("RetryOn") or []:
            if cond not in _RETRY_ON:
                raise EntryError(f'Route[{i}] contains an invalid retry condition: "{cond}"')
    require_l7(e, ctx)


def _normalize_splitter(e: ConfigEntry, ctx: Context) -> None:
    """Weights to 0.01. (Consul's Normalize also means to default each split's namespace, but assigns it to a
    loop copy, so the stored split keeps its scope as sent.)"""
    for split in e.body.get("Splits") or []:
        split["Weight"] = _scaled_weight(split.get("Weight", 0.0)) / 100  # float32 renders short: 33.33


def _scaled_weight(weight: float) -> int:
    """Consul's scaleWeight: `int(math.Round(float64(weight * 100)))` on a float32 weight, the product taken in
    float32. Go's math.Round rounds half away from zero; a weight past float32 (1e308 becomes +Inf) or an int64
    gives what amd64 gives, -2^63, not an error."""
    scaled = _float32(_float32(weight) * 100)
    if not math.isfinite(scaled):
        return -(1 << 63)
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return rounded if -(1 << 63) <= rounded < (1 << 63) else -(1 << 63)


def _float32(value: float) -> float:
    """`float32(value)`: rounded to single precision, +-Inf past its range (as Go converts)."""
    if not math.isfinite(value) or abs(value) >= 3.4028235677973366e38:
        return math.copysign(math.inf, value) if abs(value) >= 3.4028235677973366e38 else value
    rounded: float = _struct.unpack("f", _struct.pack("f", value))[0]
    return rounded


def _validate_splitter(e: ConfigEntry, ctx: Context) -> None:
    """Consul's checks in its order; the first failing one is the answer."""
    require_name(e)
    splits = e.body.get("Splits") or []
    if not splits:
        raise EntryError("no splits configured")
    _check_meta(e)
    seen = set()
    for s in splits:
        if s.get("RequestHeaders") is not None or s.get("ResponseHeaders") is not None:
            continue  # Consul keys splits by value, and header modifiers are pointers: never equal
        ident = (s.get("Service") or e.name, s.get("ServiceSubset", ""), s.get("Namespace", ""),
                 s.get("Partition", ""))
        if ident in seen:
            raise EntryError('split destination occurs more than once: service="{}", subset="{}", namespace="{}", '
                             'partition="{}"'.format(*ident))
        seen.add(ident)
    total = sum(_scaled_weight(s.get("Weight", 0.0)) for s in splits)
    if total != 10000:
        raise EntryError(f"the sum of all split weights must be 100, not {_float32(_float32(total) / 100):f}")
    require_l7(e, ctx)


def service_protocol(lookup: Lookup, partition: str, namespace: str, name: str) -> str:
    """The protocol a discovery chain uses for a service: its service-defaults' Protocol, then the
    proxy-defaults' `Config.protocol` as written (Consul compares it case-sensitively, so `HTTP` is not
    L7), then tcp. The one home of this rule: the graph check, the discovery chain and explain use it."""
    sd = lookup(K.SERVICE_DEFAULTS, partition, namespace, name)
    if sd and sd.get("Protocol"):
        protocol: str = sd["Protocol"]  # a Go string field: decode made it a str
        return protocol
    pd = lookup(K.PROXY_DEFAULTS, partition, DEFAULT, K.PROXY_DEFAULTS_GLOBAL)
    configured = ((pd or {}).get("Config") or {}).get("protocol")
    return configured if isinstance(configured, str) and configured else "tcp"


def require_l7(e: ConfigEntry, ctx: Context) -> None:
    """Routers and splitters need an L7 protocol for their service (graph validation, §3.7)."""
    protocol = service_protocol(ctx.lookup, e.partition, e.namespace, e.name)
    if protocol not in L7_PROTOCOLS:
        raise EntryError(f'discovery chain "{e.name}" uses a protocol "{protocol}" that does not permit advanced '
                         "routing or splitting behavior")


SERVICE_RESOLVER = Kind("service-resolver", RESOLVER_SPEC, validate=_validate_resolver)
SERVICE_ROUTER = Kind("service-router", ROUTER_SPEC, _normalize_router, _validate_router)
SERVICE_SPLITTER = Kind("service-splitter", SPLITTER_SPEC, _normalize_splitter, _validate_splitter)
