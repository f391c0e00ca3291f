"""Gateway kinds and their routes and certificates (config-entries-and-resolver.md §3.6).

ingress-gateway and terminating-gateway are validated as Consul does; the api-gateway family
(api-gateway, bound-api-gateway, http-route, tcp-route, inline- and file-system-certificate)
carries its field set and the required-field checks.
"""

from __future__ import annotations

from consulite import messages as M
from consulite.model.config.common import (
    HEADER_MODIFIERS,
    META,
    PASSIVE_HEALTH_CHECK,
    RESOURCE_REFERENCE,
    STATUS,
    validate_meta,
)
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, require_name
from consulite.model.config.fields import BOOL, INT, STR_LIST, STR_MAP, STRING, UINT32, list_of, map_of, struct
from consulite.model.go import multierror

_SDS = struct("GatewayTLSSDSConfig", ("ClusterName", STRING, "cluster_name"),
              ("CertResource", STRING, "cert_resource")).ptr()
_GATEWAY_TLS = struct("GatewayTLSConfig", ("Enabled", BOOL, False), ("SDS", _SDS),
                      ("TLSMinVersion", STRING, "tls_min_version"), ("TLSMaxVersion", STRING, "tls_max_version"),
                      ("CipherSuites", STR_LIST, "cipher_suites"))
_INGRESS_SERVICE = struct(
    "IngressService", ("Name", STRING), ("Hosts", STR_LIST, False),
    ("TLS", struct("GatewayServiceTLSConfig", ("SDS", _SDS)).ptr()),
    ("RequestHeaders", HEADER_MODIFIERS, "request_headers"), ("ResponseHeaders", HEADER_MODIFIERS, "response_headers"),
    ("MaxConnections", UINT32, "max_connections"), ("MaxPendingRequests", UINT32, "max_pending_requests"),
    ("MaxConcurrentRequests", UINT32, "max_concurrent_requests"),
    ("PassiveHealthCheck", PASSIVE_HEALTH_CHECK, "passive_health_check"),
    ("Meta", STR_MAP), ("Namespace", STRING), ("Partition", STRING))
INGRESS_SPEC = struct(
    "IngressGatewayConfigEntry",
    ("TLS", _GATEWAY_TLS, False),
    ("Listeners", list_of(struct("IngressListener", ("Port", INT, False), ("Protocol", STRING, False),
                                 ("TLS", _GATEWAY_TLS.ptr()), ("Services", list_of(_INGRESS_SERVICE), False))),
     False),
    META,
    ("Defaults", struct("IngressServiceConfig", ("MaxConnections", UINT32, "max_connections"),
                        ("MaxPendingRequests", UINT32, "max_pending_requests"),
                        ("MaxConcurrentRequests", UINT32, "max_concurrent_requests"),
                        ("PassiveHealthCheck", PASSIVE_HEALTH_CHECK, "passive_health_check")).ptr()),
)
TERMINATING_SPEC = struct(
    "TerminatingGatewayConfigEntry",
    ("Services", list_of(struct("LinkedService", ("Name", STRING), ("Namespace", STRING), ("Partition", STRING),
                                ("CAFile", STRING, "ca_file"), ("CertFile", STRING, "cert_file"),
                                ("KeyFile", STRING, "key_file"), ("SNI", STRING),
                                ("DisableAutoHostRewrite", BOOL, "disable_auto_host_rewrite"))), False),
    META,
)
_L7 = frozenset({"http", "http2", "grpc"})


def _normalize_ingress(e: ConfigEntry, ctx: Context) -> None:
    for listener in e.body.get("Listeners") or []:
        listener["Protocol"] = (listener.get("Protocol") or "tcp").lower()
        for svc in listener.get("Services") or []:
            if ctx.enterprise:
                svc["Namespace"] = svc.get("Namespace") or e.namespace
                svc["Partition"] = svc.get("Partition") or e.partition


def _validate_ingress(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    errs = validate_meta(e.meta)
    ports: set[int] = set()
    for listener in e.body.get("Listeners") or []:
        port, protocol = listener.get("Port", 0), listener.get("Protocol", "tcp")
        if port in ports:
            raise EntryError(f"port {port} declared on two listeners")
        ports.add(port)
        if protocol not in ("tcp", "http", "http2", "grpc"):
            raise EntryError(f"protocol must be 'tcp', 'http', 'http2', or 'grpc'. '{protocol}' is an unsupported "
                             "protocol")
        services = listener.get("Services") or []
        if not services:
            raise EntryError(f"No service declared for listener with port {port}")
        if len(services) > 1 and protocol not in _L7:
            raise EntryError("Multiple services per listener are only supported for L7 protocols, 'http', 'grpc' "
                             f"and 'http2' (listener on port {port})")
        for svc in services:
            if not svc.get("Name"):
                raise EntryError(f"Service name cannot be blank (listener on port {port})")
            if svc["Name"] == "*" and protocol != "http":
                raise EntryError(f"Wildcard service name is only valid for protocol = 'http' (listener on port "
                                 f"{port})")
            if svc["Name"] == "*" and svc.get("Hosts"):
                raise EntryError(M.INGRESS_WILDCARD_HOSTS.format(port=port))
    if errs:
        raise EntryError(multierror(errs))


def _normalize_terminating(e: ConfigEntry, ctx: Context) -> None:
    for svc in e.body.get("Services") or []:
        if ctx.enterprise:
            svc["Namespace"] = svc.get("Namespace") or e.namespace
            svc["Partition"] = svc.get("Partition") or e.partition


def _validate_terminating(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    seen = set()
    for svc in e.body.get("Services") or []:
        name = svc.get("Name", "")
        if not name:
            raise EntryError("Service name cannot be blank.")
        if svc.get("Namespace") == "*":
            raise EntryError("Wildcard namespace is not supported for terminating gateway services")
        ident = (name, svc.get("Namespace", ""), svc.get("Partition", ""))
        if ident in seen:
            raise EntryError(f'Service "{name}" was specified more than once within a namespace')
        seen.add(ident)
        tls = [bool(svc.get(k)) for k in ("CAFile", "CertFile", "KeyFile")]
        if any(tls[1:]) and not all(tls):
            raise EntryError(f'Service "{name}" must have a CertFile, CAFile, and KeyFile specified for TLS '
                             "origination")
    errs = validate_meta(e.meta)
    if errs:
        raise EntryError(multierror(errs))


def _validate_named(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    errs = validate_meta(e.meta)
    if errs:
        raise EntryError(multierror(errs))


def _validate_certificate(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    for key in ("Certificate", "PrivateKey"):
        if not e.body.get(key):
            raise EntryError(f"{key} is required")


_REFS = list_of(RESOURCE_REFERENCE)
API_GATEWAY_SPEC = struct(
    "APIGatewayConfigEntry",
    ("Listeners", list_of(struct(
        "APIGatewayListener", ("Name", STRING), ("Hostname", STRING), ("Port", INT), ("Protocol", STRING),
        ("TLS", struct("APIGatewayTLSConfiguration", ("Certificates", _REFS), ("MaxVersion", STRING),
                       ("MinVersion", STRING), ("CipherSuites", STR_LIST, "cipher_suites")))))),
    ("Status", STATUS), META)
BOUND_API_GATEWAY_SPEC = struct(
    "BoundAPIGatewayConfigEntry",
    ("Listeners", list_of(struct("BoundAPIGatewayListener", ("Name", STRING), ("Routes", _REFS),
                                 ("Certificates", _REFS)))),
    ("Services", map_of(list_of(RESOURCE_REFERENCE))), META)
_HTTP_MATCH = struct(
    "HTTPMatch",
    ("Headers", list_of(struct("HTTPHeaderMatch", ("Match", STRING), ("Name", STRING), ("Value", STRING)))),
    ("Method", STRING),
    ("Path", struct("HTTPPathMatch", ("Match", STRING), ("Value", STRING))),
    ("Query", list_of(struct("HTTPQueryMatch", ("Match", STRING), ("Name", STRING), ("Value", STRING)))))
_HTTP_FILTERS = struct(
    "HTTPFilters", ("Headers", list_of(struct("HTTPHeaderFilter", ("Add", STR_MAP), ("Remove", STR_LIST),
                                              ("Set", STR_MAP)))),
    ("URLRewrite", struct("URLRewrite", ("Path", STRING)).ptr(), "url_rewrite"))
HTTP_ROUTE_SPEC = struct(
    "HTTPRouteConfigEntry",
    ("Parents", _REFS),
    ("Rules", list_of(struct("HTTPRouteRule", ("Filters", _HTTP_FILTERS), ("ResponseFilters", _HTTP_FILTERS),
                             ("Matches", list_of(_HTTP_MATCH)),
                             ("Services", list_of(struct("HTTPService", ("Name", STRING), ("Weight", INT),
                                                         ("Filters", _HTTP_FILTERS), ("Namespace", STRING),
                                                         ("Partition", STRING))))))),
    ("Hostnames", STR_LIST), META, ("Status", STATUS))
TCP_ROUTE_SPEC = struct(
    "TCPRouteConfigEntry",
    ("Parents", _REFS),
    ("Services", list_of(struct("TCPService", ("Name", STRING), ("Namespace", STRING), ("Partition", STRING)))),
    META, ("Status", STATUS))
CERTIFICATE_SPEC = struct("InlineCertificateConfigEntry", ("Certificate", STRING),
                          ("PrivateKey", STRING, "private_key"), META)
FILE_CERTIFICATE_SPEC = struct("FileSystemCertificateConfigEntry", ("Certificate", STRING),
                               ("PrivateKey", STRING, "private_key"), META)

INGRESS_GATEWAY = Kind("ingress-gateway", INGRESS_SPEC, _normalize_ingress, _validate_ingress, has_hash=True)
TERMINATING_GATEWAY = Kind("terminating-gateway", TERMINATING_SPEC, _normalize_terminating, _validate_terminating,
                           has_hash=True)
API_GATEWAY = Kind("api-gateway", API_GATEWAY_SPEC, validate=_validate_named, has_hash=True)
BOUND_API_GATEWAY = Kind("bound-api-gateway", BOUND_API_GATEWAY_SPEC, validate=_validate_named, has_hash=True)
HTTP_ROUTE = Kind("http-route", HTTP_ROUTE_SPEC, validate=_validate_named, has_hash=True)
TCP_ROUTE = Kind("tcp-route", TCP_ROUTE_SPEC, validate=_validate_named, has_hash=True)
INLINE_CERTIFICATE = Kind("inline-certificate", CERTIFICATE_SPEC, validate=_validate_certificate, has_hash=True)
FILE_SYSTEM_CERTIFICATE = Kind("file-system-certificate", FILE_CERTIFICATE_SPEC, validate=_validate_certificate,
                               has_hash=True)
