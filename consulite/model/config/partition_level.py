"""Kinds that exist once per partition or name partitions: mesh, exported-services, sameness-group,
jwt-provider, control-plane-request-limit (config-entries-and-resolver.md §3.3, §3.4, §5.2)."""

from __future__ import annotations

from consulite.model.config.common import META, validate_meta
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, require_name
from consulite.model.config.fields import BOOL, DURATION_NS, FLOAT, INT, STR_LIST, STRING, list_of, struct
from consulite.model.go import multierror

_DIRECTIONAL_TLS = struct("MeshDirectionalTLSConfig", ("TLSMinVersion", STRING, "tls_min_version"),
                          ("TLSMaxVersion", STRING, "tls_max_version"),
                          ("CipherSuites", STR_LIST, "cipher_suites")).ptr()
MESH_SPEC = struct(
    "MeshConfigEntry",
    ("TransparentProxy", struct("TransparentProxyMeshConfig",
                                ("MeshDestinationsOnly", BOOL, "mesh_destinations_only", False)),
     "transparent_proxy", False),
    ("AllowEnablingPermissiveMutualTLS", BOOL, "allow_enabling_permissive_mutual_tls"),
    ("ValidateClusters", BOOL, "validate_clusters"),
    ("TLS", struct("MeshTLSConfig", ("Incoming", _DIRECTIONAL_TLS), ("Outgoing", _DIRECTIONAL_TLS)).ptr()),
    ("HTTP", struct("MeshHTTPConfig",
                    ("SanitizeXForwardedClientCert", BOOL, "sanitize_x_forwarded_client_cert", False),
                    ("Incoming", struct("MeshDirectionalHTTPConfig", ("RequestNormalization", struct(
                        "RequestNormalizationMeshConfig",
                        ("InsecureDisablePathNormalization", BOOL, "insecure_disable_path_normalization"),
                        ("MergeSlashes", BOOL, "merge_slashes"),
                        ("PathWithEscapedSlashesAction", STRING, "path_with_escaped_slashes_action"),
                        ("HeadersWithUnderscoresAction", STRING, "headers_with_underscores_action")).ptr(),
                        "request_normalization")).ptr())).ptr()),
    ("Peering", struct("PeeringMeshConfig",
                       ("PeerThroughMeshGateways", BOOL, "peer_through_mesh_gateways")).ptr()),
    META,
)

EXPORTED_SERVICES_SPEC = struct(
    "ExportedServicesConfigEntry",
    ("Services", list_of(struct(
        "ExportedService", ("Name", STRING), ("Namespace", STRING),
        ("Consumers", list_of(struct("ServiceConsumer", ("Partition", STRING), ("Peer", STRING, "peer_name"),
                                     ("SamenessGroup", STRING, "sameness_group"))))))),
    META,
)

SAMENESS_GROUP_SPEC = struct(
    "SamenessGroupConfigEntry",
    ("DefaultForFailover", BOOL, "default_for_failover"), ("IncludeLocal", BOOL, "include_local"),
    ("Members", list_of(struct("SamenessGroupMember", ("Partition", STRING), ("Peer", STRING)))),
    META,
)

JWT_PROVIDER_SPEC = struct(
    "JWTProviderConfigEntry",
    ("JSONWebKeySet", struct(
        "JSONWebKeySet",
        ("Local", struct("LocalJWKS", ("JWKS", STRING), ("Filename", STRING)).ptr()),
        ("Remote", struct("RemoteJWKS", ("URI", STRING), ("RequestTimeoutMs", INT, "request_timeout_ms"),
                          ("CacheDuration", DURATION_NS, "cache_duration"),
                          ("FetchAsynchronously", BOOL, "fetch_asynchronously"),
                          ("RetryPolicy", struct("JWKSRetryPolicy", ("NumRetries", INT, "num_retries")).ptr(),
                           "retry_policy")).ptr())).ptr(), "json_web_key_set"),
    ("Issuer", STRING), ("Audiences", STR_LIST),
    ("Locations", list_of(struct(
        "JWTLocation",
        ("Header", struct("JWTLocationHeader", ("Name", STRING), ("ValuePrefix", STRING, "value_prefix"),
                          ("Forward", BOOL)).ptr()),
        ("QueryParam", struct("JWTLocationQueryParam", ("Name", STRING)).ptr(), "query_param"),
        ("Cookie", struct("JWTLocationCookie", ("Name", STRING)).ptr())))),
    ("Forwarding", struct("JWTForwardingConfig", ("HeaderName", STRING, "header_name"),
                          ("PadForwardPayloadHeader", BOOL, "pad_forward_payload_header")).ptr()),
    ("ClockSkewSeconds", INT, "clock_skew_seconds"),
    ("CacheConfig", struct("JWTCacheConfig", ("Size", INT)).ptr(), "cache_config"),
    META,
)

_RATES = struct("ReadWriteRatesConfig", ("ReadRate", FLOAT, "read_rate"), ("WriteRate", FLOAT, "write_rate")).ptr()
REQUEST_LIMIT_SPEC = struct(
    "RateLimitIPConfigEntry",
    ("Mode", STRING), ("ReadRate", FLOAT, "read_rate"), ("WriteRate", FLOAT, "write_rate"),
    *((name, _RATES) for name in ("ACL", "Catalog", "ConfigEntry", "ConnectCA", "Coordinate", "DiscoveryChain",
                                  "Health", "Intention", "KV", "Tenancy", "PreparedQuery", "Session", "Txn")),
    META,
)


def _raise(errs: list[str]) -> None:
    if errs:
        raise EntryError(multierror(errs))


def _validate_mesh(e: ConfigEntry, ctx: Context) -> None:
    _raise(validate_meta(e.meta))
    for direction in ("Incoming", "Outgoing"):
        tls = ((e.body.get("TLS") or {}).get(direction)) or {}
        low, high = tls.get("TLSMinVersion", ""), tls.get("TLSMaxVersion", "")
        if low and high and high < low:
            raise EntryError(f"error in {direction.lower()} TLS configuration: configuring max version {high} less "
                             f"than the configured min version {low} is invalid")


def _normalize_exported(e: ConfigEntry, ctx: Context) -> None:
    """The entry lives in the partition its Name names (§3.4 Normalize)."""
    if ctx.enterprise:
        e.partition = e.name or e.partition
    e.namespace = "default"
    for svc in e.body.get("Services") or []:
        if ctx.enterprise:
            svc["Namespace"] = svc.get("Namespace") or "default"


def _validate_exported(e: ConfigEntry, ctx: Context) -> None:
    if not ctx.enterprise and e.name != "default":
        raise EntryError('exported-services Name must be "default"')
    if ctx.enterprise and not ctx.partition_exists(e.name):
        raise EntryError(f'exported-services Name must be the name of an existing partition: partition "{e.name}" '
                         "does not exist")
    errs = validate_meta(e.meta)
    for i, svc in enumerate(e.body.get("Services") or []):
        if not svc.get("Name"):
            errs.append(f"Services[{i}]: service name cannot be empty")
        if svc.get("Namespace") == "*" and svc.get("Name") != "*":
            errs.append(f"Services[{i}]: service name must be wildcard if namespace is wildcard")
        consumers = svc.get("Consumers") or []
        if not consumers:
            errs.append(f"Services[{i}]: must have at least one consumer")
        for j, c in enumerate(consumers):
            where = f"Services[{i}].Consumers[{j}]"
            if not ctx.enterprise and c.get("Partition"):
                errs.append(f"{where}: partitions are an enterprise-only feature")
            if not ctx.enterprise and c.get("SamenessGroup"):
                errs.append(f"{where}: sameness-groups are an enterprise-only feature")
            if sum(bool(c.get(k)) for k in ("Peer", "Partition", "SamenessGroup")) > 1:
                errs.append(f"{where}: must define at most one of Peer, Partition, or SamenessGroup")
            if c.get("Partition") == "*":
                errs.append(f"{where}: exporting to all partitions (wildcard) is not supported")
            if c.get("Peer") == "*":
                errs.append(f"{where}: exporting to all peers (wildcard) is not supported")
    _raise(errs)


def _validate_named(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    _raise(validate_meta(e.meta))


def _validate_jwt(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    keys = e.body.get("JSONWebKeySet")
    if not keys:
        raise EntryError("JSONWebKeySet is required")
    if bool(keys.get("Local")) == bool(keys.get("Remote")):
        raise EntryError("Must specify exactly one of Local or Remote JSON Web key set")
    _raise(validate_meta(e.meta))


def _normalize_mesh(e: ConfigEntry, ctx: Context) -> None:
    e.name, e.namespace = "mesh", "default"


def _default_namespace(e: ConfigEntry, ctx: Context) -> None:
    e.namespace = "default"


MESH = Kind("mesh", MESH_SPEC, _normalize_mesh, _validate_mesh, has_name=False, kind_field=False,
            partition_scoped=True)
EXPORTED_SERVICES = Kind("exported-services", EXPORTED_SERVICES_SPEC, _normalize_exported, _validate_exported,
                         kind_field=False, partition_scoped=True)
SAMENESS_GROUP = Kind("sameness-group", SAMENESS_GROUP_SPEC, _default_namespace, _validate_named,
                      partition_scoped=True)
JWT_PROVIDER = Kind("jwt-provider", JWT_PROVIDER_SPEC, _default_namespace, _validate_jwt, partition_scoped=True)
CONTROL_PLANE_REQUEST_LIMIT = Kind("control-plane-request-limit", REQUEST_LIMIT_SPEC, _default_namespace,
                                   _validate_named, partition_scoped=True, enterprise_only=True)
