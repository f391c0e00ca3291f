"""service-resolver, service-router and service-splitter (config-entries-and-resolver.md §3.5)."""

from __future__ import annotations

import math
import re
import struct as _struct

from consulite.model.config.common import (
    HEADER_MODIFIERS, META, PRIORITIZE_BY_LOCALITY, FAILOVER_POLICY, validate_meta,
)
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, require_name
from consulite.model.config.fields import (
    BOOL, DURATION, DURATION_NS, FLOAT, STR_LIST, STRING, UINT, UINT32, list_of, map_of, struct,
)
from consulite.model.rules import multierror

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

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
_RETRY_ON = frozenset({"5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx",
                       "refused-stream", "cancelled", "deadline-exceeded", "internal", "resource-exhausted",
                       "unavailable"})
_LB_POLICIES = frozenset({"", "random", "round_robin", "least_request", "ring_hash", "maglev"})


def _raise_all(errs: list[str]) -> None:
    if errs:
        raise EntryError(errs[0] if len(errs) == 1 else multierror(errs))


def _validate_resolver(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    b = e.body
    subsets = b.get("Subsets") or {}
    for name, subset in subsets.items():
        if not name:
            raise EntryError("Subset defined with empty name")
        if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name):
            raise EntryError(f'Subset "{name}" is invalid: must be a valid DNS label')
    default = b.get("DefaultSubset", "")
    if default and default not in subsets:
        raise EntryError(f'DefaultSubset "{default}" is not a valid subset')
    redirect = b.get("Redirect")
    if redirect is not None:
        if b.get("Failover"):
            raise EntryError("Redirect and Failover cannot both be set")
        if not any(redirect.get(k) for k in ("Service", "ServiceSubset", "Namespace", "Partition", "Datacenter",
                                             "Peer", "SamenessGroup")):
            raise EntryError("Redirect is empty")
        if redirect.get("Datacenter") and redirect.get("Partition"):
            raise EntryError("Cross-datacenter and cross-partition redirect is not supported")
        if redirect.get("Peer"):
            for key in ("ServiceSubset", "Partition", "Datacenter"):
                if redirect.get(key):
                    raise EntryError(f"Redirect.Peer cannot be set with Redirect.{key}")
        if not redirect.get("Service"):
            for key in ("ServiceSubset", "Namespace", "Partition", "Peer"):
                if redirect.get(key) and not (key == "Partition" and redirect.get("Namespace")):
                    raise EntryError(f"Redirect.{key} defined without Redirect.Service")
        subset = redirect.get("ServiceSubset")
        if subset and redirect.get("Service") in ("", e.name) and subset not in subsets:
            raise EntryError(f'Redirect.ServiceSubset "{subset}" is not a valid subset of "{e.name}"')
    for key, failover in (b.get("Failover") or {}).items():
        if key != "*" and key not in subsets:
            raise EntryError(f'Bad Failover["{key}"]: not a valid subset subset')
        if not any(failover.get(k) for k in ("Service", "ServiceSubset", "Namespace", "Targets", "Datacenters",
                                             "SamenessGroup")):
            raise EntryError(f'Bad Failover["{key}"]: one of Service, ServiceSubset, Namespace, Targets, or '
                             "Datacenters is required")
        if failover.get("Targets"):
            for other in ("Datacenters", "ServiceSubset", "Service"):
                if failover.get(other):
                    raise EntryError(f'Bad Failover["{key}"]: Targets cannot be set with {other}')
        for dc in failover.get("Datacenters") or []:
            if not dc:
                raise EntryError(f'Bad Failover["{key}"].Datacenters: found empty datacenter')
        for i, target in enumerate(failover.get("Targets") or []):
            if target.get("Peer"):
                for other in ("ServiceSubset", "Datacenter"):
                    if target.get(other):
                        raise EntryError(f'Bad Failover["{key}"].Targets[{i}]: Peer cannot be set with {other}')
            if target.get("Partition"):
                for other in ("Peer", "Datacenter"):
                    if target.get(other):
                        raise EntryError(f'Bad Failover["{key}"].Targets[{i}]: Partition cannot be set with {other}')
    for key in ("ConnectTimeout", "RequestTimeout"):
        if b.get(key, 0) < 0:
            raise EntryError(f"Bad {key} '{b[key] / 1e9:g}s', must be >= 0")
    lb = b.get("LoadBalancer") or {}
    if lb.get("Policy", "") not in _LB_POLICIES:
        raise EntryError(f'Bad LoadBalancer policy: "{lb["Policy"]}" is not supported')
    _raise_all(validate_meta(e.meta))


def _normalize_router(e: ConfigEntry, ctx: Context) -> None:
    for route in e.body.get("Routes") or []:
        http = (route.get("Match") or {}).get("HTTP")
        if http and http.get("Methods"):
            http["Methods"] = [m.upper() for m in http["Methods"]]
        dest = route.get("Destination")
        if dest is not None and ctx.enterprise:
            dest["Namespace"] = dest.get("Namespace") or e.namespace
            dest["Partition"] = dest.get("Partition") or e.partition


def _validate_router(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    errs: list[str] = []
    for i, route in enumerate(e.body.get("Routes") or []):
        http = (route.get("Match") or {}).get("HTTP") or {}
        paths = [k for k in ("PathExact", "PathPrefix", "PathRegex") if http.get(k)]
        if http.get("PathExact") and not http["PathExact"].startswith("/"):
            errs.append(f"Route[{i}] PathExact doesn't start with '/': \"{http['PathExact']}\"")
        if http.get("PathPrefix") and not http["PathPrefix"].startswith("/"):
            errs.append(f"Route[{i}] PathPrefix doesn't start with '/': \"{http['PathPrefix']}\"")
        if len(paths) > 1:
            errs.append(f"Route[{i}] should only contain at most one of PathExact, PathPrefix, or PathRegex")
        for j, header in enumerate(http.get("Header") or []):
            if not header.get("Name"):
                errs.append(f"Route[{i}] Header[{j}] missing required Name field")
            if sum(bool(header.get(k)) for k in ("Present", "Exact", "Prefix", "Suffix", "Contains", "Regex")) > 1:
                errs.append(f"Route[{i}] Header[{j}] should only contain one of Present, Exact, Prefix, Suffix, "
                            "or Regex")
        for j, param in enumerate(http.get("QueryParam") or []):
            if not param.get("Name"):
                errs.append(f"Route[{i}] QueryParam[{j}] missing required Name field")
            if sum(bool(param.get(k)) for k in ("Present", "Exact", "Regex")) > 1:
                errs.append(f"Route[{i}] QueryParam[{j}] should only contain one of Present, Exact, or Regex")
        seen: set[str] = set()
        for method in http.get("Methods") or []:
            if method not in _METHODS:
                errs.append(f'Route[{i}] Methods contains an invalid method "{method}"')
            elif method in seen:
                errs.append(f'Route[{i}] Methods contains "{method}" more than once')
            seen.add(method)
        dest = route.get("Destination") or {}
        if dest.get("PrefixRewrite") and not (http.get("PathExact") or http.get("PathPrefix")):
            errs.append(f"Route[{i}] cannot make use of PrefixRewrite without configuring either PathExact or "
                        "PathPrefix")
        for cond in dest.get("RetryOn") or []:
            if cond not in _RETRY_ON:
                errs.append(f'Route[{i}] contains an invalid retry condition: "{cond}"')
    _raise_all(errs + validate_meta(e.meta))
    require_l7(e, ctx)


def _normalize_splitter(e: ConfigEntry, ctx: Context) -> None:
    for split in e.body.get("Splits") or []:
        split["Weight"] = _scale_weight(split.get("Weight", 0.0)) / 100
        if ctx.enterprise:
            split["Namespace"] = split.get("Namespace") or e.namespace
            split["Partition"] = split.get("Partition") or e.partition


def _scale_weight(weight: float) -> int:
    """Consul's scaleWeight: `int(math.Round(weight * 100))` on a float32 weight. Go's math.Round rounds half away
    from zero; a weight past float32 (1e308 becomes +Inf) or an int64 gives what amd64 gives, -2^63, not an error."""
    scaled = _float32(weight) * 100
    if not math.isfinite(scaled):
        return -(1 << 63)
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return rounded if -(1 << 63) <= rounded < (1 << 63) else -(1 << 63)


def _float32(value: float) -> float:
    """`float32(value)`: rounded to single precision, +-Inf past its range (as Go converts)."""
    if not math.isfinite(value) or abs(value) >= 3.4028235677973366e38:
        return math.copysign(math.inf, value) if abs(value) >= 3.4028235677973366e38 else value
    return _struct.unpack("f", _struct.pack("f", value))[0]


def _validate_splitter(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    splits = e.body.get("Splits") or []
    if not splits:
        raise EntryError("no splits configured")
    seen = set()
    for s in splits:
        ident = (s.get("Service", ""), s.get("ServiceSubset", ""), s.get("Namespace", ""), s.get("Partition", ""))
        if ident in seen:
            raise EntryError('split destination occurs more than once: service="{}", subset="{}", namespace="{}", '
                             'partition="{}"'.format(*ident))
        seen.add(ident)
    total = sum(_scale_weight(s.get("Weight", 0.0)) for s in splits)
    if total != 10000:
        raise EntryError(f"the sum of all split weights must be 100, not {_float32(_float32(total) / 100):f}")
    _raise_all(validate_meta(e.meta))
    require_l7(e, ctx)


def service_protocol(ctx: Context, partition: str, namespace: str, name: str) -> str:
    """The protocol a discovery chain uses for a service: service-defaults, then proxy-defaults, then tcp."""
    sd = ctx.lookup("service-defaults", partition, namespace, name)
    if sd and sd.get("Protocol"):
        return sd["Protocol"]
    pd = ctx.lookup("proxy-defaults", partition, "default", "global")
    protocol = ((pd or {}).get("Config") or {}).get("protocol")
    return protocol.lower() if isinstance(protocol, str) and protocol else "tcp"


def require_l7(e: ConfigEntry, ctx: Context) -> None:
    """Routers and splitters need an L7 protocol for their service (graph validation, §3.7)."""
    protocol = service_protocol(ctx, e.partition, e.namespace, e.name)
    if protocol not in L7_PROTOCOLS:
        raise EntryError(f'discovery chain "{e.name}" uses a protocol "{protocol}" that does not permit advanced '
                         "routing or splitting behavior")


SERVICE_RESOLVER = Kind("service-resolver", RESOLVER_SPEC, validate=_validate_resolver)
SERVICE_ROUTER = Kind("service-router", ROUTER_SPEC, _normalize_router, _validate_router)
SERVICE_SPLITTER = Kind("service-splitter", SPLITTER_SPEC, _normalize_splitter, _validate_splitter)
