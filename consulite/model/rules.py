"""Consul's register-time rules, pure: defaults, normalisation and validation of a service definition.

Texts and their order follow reference agent-service-api.md §2.1, §3, §3.1 and §3.2.
"""

from __future__ import annotations

import functools
import ipaddress
import re

import attrs

from consulite import messages as M
from consulite.errors import BadRequest, ConsulError
from consulite.model.check import STATUSES, CheckType
from consulite.model.go import join_host_port, multierror
from consulite.model.scope import DEFAULT
from consulite.model.service import (
    GATEWAY_KINDS,
    KIND_API_GATEWAY,
    KIND_CONNECT_PROXY,
    KIND_INGRESS_GATEWAY,
    KIND_MESH_GATEWAY,
    Proxy,
    Service,
    ServiceAddress,
    ServiceDefinition,
    Upstream,
    Weights,
)

SIDECAR_SUFFIX = "-sidecar-proxy"
_META_KEY = re.compile(r"^[a-zA-Z0-9_-]+$")
_ANY_ADDRESSES = frozenset({"0.0.0.0", "::", "[::]"})


def validate_weights(w: Weights) -> str | None:
    if w.passing < 1:
        return M.WEIGHT_PASSING
    if w.warning < 0:
        return M.WEIGHT_WARNING
    if w.passing > 65535 or w.warning > 65535:
        return M.WEIGHT_DNS
    return None


def validate_meta(kind: str, meta: dict[str, str] | None) -> str | None:
    """Consul's ValidateServiceMetadata: the first failing pair, or None."""
    if not meta:
        return None
    if len(meta) > 64:
        return M.META_TOO_MANY
    for key, value in meta.items():
        reason = None
        if key == "":
            reason = M.META_KEY_BLANK
        elif not _META_KEY.match(key):
            reason = M.META_KEY_CHARS
        elif len(key) > 128:
            reason = M.META_KEY_LONG
        elif key.startswith("consul-") and not (kind == KIND_MESH_GATEWAY and key == "consul-wan-federation"):
            reason = M.META_KEY_RESERVED
        elif len(value) > 512:
            reason = M.META_VALUE_LONG
        if reason:
            return M.META_PAIR.format(key=key, value=value, reason=reason)
    return None


def is_empty_check(c: CheckType) -> bool:
    return c == CheckType()


def validate_check(c: CheckType) -> str | None:
    """Consul's CheckType.Validate: the first problem, or None."""
    interval_check = bool(c.script_args or c.http or c.tcp or c.udp or c.grpc or c.h2ping or c.os_service)
    alias = bool(c.alias_node or c.alias_service)
    if c.interval > 0 and c.ttl > 0:
        return M.CHECK_INTERVAL_AND_TTL
    if interval_check and c.interval <= 0:
        return M.CHECK_INTERVAL_REQUIRED
    if interval_check and alias:  # an alias's own Interval is accepted (and unused)
        return M.CHECK_ALIAS_INTERVAL
    if alias and c.ttl > 0:
        return M.CHECK_ALIAS_TTL
    if not interval_check and not alias and c.ttl <= 0:
        return M.CHECK_TTL_REQUIRED
    if c.output_max_size < 0:
        return M.CHECK_OUTPUT_MAX
    if c.failures_before_warning > c.failures_before_critical:
        return M.CHECK_FAILURES
    return None


def check_types(defn: ServiceDefinition, wrap: str) -> list[CheckType]:
    """The definition's checks (`Check` first, ignored when empty), each validated."""
    found = [defn.check] if defn.check is not None and not is_empty_check(defn.check) else []
    found += defn.checks or []
    for c in found:
        err = validate_check(c)
        if err:
            raise BadRequest(wrap.format(err=err))
    for c in found:
        if c.status and c.status not in STATUSES:
            raise BadRequest(M.CHECK_STATUS_VALUES)
    return found


@functools.lru_cache(maxsize=4096)
def _is_ip(address: str) -> int:
    """4 or 6 for an IP literal, else 0 (cached: registrations repeat a handful of addresses)."""
    try:
        return ipaddress.ip_address(address).version
    except ValueError:
        return 0


def to_service(defn: ServiceDefinition, partition: str, namespace: str, inherit: bool = True) -> Service:
    """Consul's ServiceDefinition.NodeService plus validateService defaults (reference §2.1 steps 1-2).

    With `inherit` (Enterprise), upstreams without a destination partition or namespace take the
    service's; Community Edition leaves them empty.
    """
    dest_ns, dest_partition = (namespace, partition) if inherit else ("", "")
    proxy = attrs.evolve(defn.proxy) if defn.proxy is not None else None
    if proxy is not None and proxy.upstreams:
        proxy.upstreams = [
            attrs.evolve(
                u,
                destination_type=u.destination_type or "service",
                destination_namespace=u.destination_namespace or dest_ns,
                destination_partition=u.destination_partition or dest_partition,
            )
            for u in proxy.upstreams
        ]
    return Service(
        kind=defn.kind,
        id=defn.id or defn.name,
        name=defn.name,
        partition=partition,
        namespace=namespace,
        tags=list(defn.tags or []),
        meta=dict(defn.meta or {}),
        port=defn.port,
        address=defn.address,
        socket_path=defn.socket_path,
        tagged_addresses=dict(defn.tagged_addresses) if defn.tagged_addresses else None,
        weights=defn.weights if defn.weights is not None else Weights(1, 1),
        enable_tag_override=defn.enable_tag_override,
        locality=defn.locality,
        proxy=proxy,
        native=bool(defn.connect and defn.connect.native),
    )


def validate_for_agent(svc: Service, sidecar: ServiceDefinition | None) -> list[str]:
    """Consul's NodeService.ValidateForAgent (reference §3.1)."""
    errs: list[str] = []
    proxy = svc.proxy or Proxy()
    if svc.kind == KIND_CONNECT_PROXY:
        if not proxy.destination_service_name.strip():
            errs.append(M.PROXY_DEST_EMPTY)
        if proxy.destination_service_name == "*":
            errs.append(M.PROXY_DEST_WILDCARD)
        if svc.native:
            errs.append(M.PROXY_NATIVE)
        hcp = (proxy.config or {}).get("envoy_hcp_metrics_bind_socket_dir")
        if isinstance(hcp, str) and len(hcp) > 70:
            errs.append(M.PROXY_HCP_DIR.format(n=len(hcp)))
        errs += _upstream_errors(svc, proxy)
        errs += _expose_errors(proxy)
    if svc.kind in GATEWAY_KINDS:
        if svc.port == 0 and svc.kind not in (KIND_INGRESS_GATEWAY, KIND_API_GATEWAY):
            errs.append(M.GATEWAY_PORT.format(kind=svc.kind))
        if sidecar is not None:
            errs.append(M.GATEWAY_SIDECAR.format(kind=svc.kind))
        for field, value in (
            ("DestinationServiceName", proxy.destination_service_name),
            ("DestinationServiceID", proxy.destination_service_id),
            ("LocalServiceAddress", proxy.local_service_address),
            ("LocalServicePort", proxy.local_service_port),
            ("LocalServiceSocketPath", proxy.local_service_socket_path),
            ("Upstreams", proxy.upstreams),
        ):
            if value:
                errs.append(M.GATEWAY_PROXY_FIELD.format(field=field, kind=svc.kind))
    if sidecar is not None:
        if sidecar.id:
            errs.append(M.SIDECAR_ID)
        if sidecar.connect is not None and sidecar.connect.sidecar_service is not None:
            errs.append(M.SIDECAR_NESTED)
    if svc.native and svc.port == 0 and not svc.socket_path:
        errs.append(M.NATIVE_PORT)
    return errs


def validate(svc: Service, sidecar: ServiceDefinition | None) -> list[str]:
    """Consul's NodeService.Validate: the connect-proxy port rule, then ValidateForAgent."""
    errs = []
    if svc.kind == KIND_CONNECT_PROXY and svc.port == 0 and not svc.socket_path:
        errs.append(M.PROXY_PORT)
    return errs + validate_for_agent(svc, sidecar)


def _upstream_errors(svc: Service, proxy: Proxy) -> list[str]:
    errs: list[str] = []
    seen_ids: set[tuple[str, ...]] = set()
    seen_binds: set[str] = set()
    for u in proxy.upstreams or []:
        if u.datacenter and (u.destination_partition not in ("", DEFAULT) or svc.partition != DEFAULT):
            errs.append(M.UPSTREAM_DC_PARTITION)
        if u.destination_peer and u.destination_partition not in ("", svc.partition):
            errs.append(M.UPSTREAM_PEER_PARTITION)
        err = _upstream_error(u)
        if err:
            errs.append(err)
        ident = (u.destination_type, u.destination_name, u.destination_partition, u.destination_namespace,
                 u.destination_peer, u.datacenter)
        if ident in seen_ids:
            errs.append(M.UPSTREAM_DUPLICATE.format(
                type=ident[0], name=ident[1], partition=ident[2], namespace=ident[3], peer=ident[4],
                datacenter=ident[5]))
            continue  # Consul checks nothing more of a duplicate (agent/structs/structs.go NodeService.Validate)
        seen_ids.add(ident)
        if u.local_bind_port:
            bind = join_host_port(u.local_bind_address or "127.0.0.1", u.local_bind_port)
        else:
            bind = u.local_bind_socket_path
        if bind:
            if bind in seen_binds:
                errs.append(M.UPSTREAM_DUPLICATE_BIND.format(addr=bind))
            seen_binds.add(bind)
    return errs


def _upstream_error(u: Upstream) -> str | None:
    if u.destination_type not in ("service", "prepared_query"):
        return M.UPSTREAM_TYPE.format(type=u.destination_type)
    if not u.destination_name:
        return M.UPSTREAM_NAME_EMPTY
    if u.destination_name == "*":
        return M.UPSTREAM_NAME_WILDCARD
    if u.destination_peer and u.datacenter:
        return M.UPSTREAM_PEER_AND_DC
    if not u.local_bind_port and not u.local_bind_socket_path:
        return M.UPSTREAM_BIND_MISSING
    if u.local_bind_port and u.local_bind_socket_path:
        return M.UPSTREAM_BIND_BOTH
    return None


def _expose_errors(proxy: Proxy) -> list[str]:
    errs: list[str] = []
    ports: set[int] = set()
    for p in (proxy.expose.paths or []) if proxy.expose else []:
        if not p.path:
            errs.append(M.EXPOSE_EMPTY_PATH)
        if p.listener_port in ports:
            errs.append(M.EXPOSE_DUP_PORT)
        ports.add(p.listener_port)
        if p.listener_port <= 0 or p.listener_port > 65535:
            errs.append(M.EXPOSE_BAD_PORT.format(port=p.listener_port))
        if p.protocol and p.protocol.lower() not in ("http", "http2"):
            errs.append(M.EXPOSE_PROTOCOL.format(protocol=p.protocol, path=p.path))
    return errs


def validate_tagged_addresses(svc: Service) -> None:
    """AddService's 500s for user tagged addresses (Consul validates lan_ipv6 twice, never wan_ipv6)."""
    for key, version, text in (("lan_ipv4", 4, M.TAGGED_ADDRESS_V4), ("wan_ipv4", 4, M.TAGGED_ADDRESS_V4),
                               ("lan_ipv6", 6, M.TAGGED_ADDRESS_V6)):
        tagged = (svc.tagged_addresses or {}).get(key)
        if tagged is not None and _is_ip(tagged.address) != version:
            raise ConsulError(text.format(key=key))


def add_automatic_tagged_addresses(svc: Service) -> None:
    """An IP literal Address adds lan_/wan_ tagged addresses where not already present (§2.1 step 3)."""
    version = _is_ip(svc.address)
    if not version:
        return
    tagged = dict(svc.tagged_addresses or {})
    suffix = "ipv4" if version == 4 else "ipv6"
    for key in (f"lan_{suffix}", f"wan_{suffix}"):
        tagged.setdefault(key, ServiceAddress(svc.address, svc.port))
    svc.tagged_addresses = tagged


def check_address(address: str) -> None:
    if address in _ANY_ADDRESSES:
        raise BadRequest(M.INVALID_SERVICE_ADDRESS)


def sidecar_service(parent: Service, defn: ServiceDefinition, inherit: bool = True) -> Service:
    """Expand `connect.sidecar_service` of `parent` (reference §3.2 steps 1-7); the port is assigned later."""
    if defn.meta:
        err = validate_meta(defn.kind or KIND_CONNECT_PROXY, defn.meta)
        if err:
            raise BadRequest(M.INVALID_SIDECAR.format(err=err))
    svc = to_service(defn, parent.partition, parent.namespace, inherit)
    svc.id = parent.id + SIDECAR_SUFFIX
    svc.sidecar_of = parent.id
    if not defn.meta:
        svc.meta = dict(parent.meta)
    if not defn.tags:
        svc.tags = list(parent.tags)
    if svc.locality is None:
        svc.locality = parent.locality
    svc.kind = svc.kind or KIND_CONNECT_PROXY
    svc.name = svc.name or parent.name + SIDECAR_SUFFIX
    svc.address = svc.address or parent.address
    proxy = svc.proxy = svc.proxy or Proxy()
    proxy.destination_service_name = proxy.destination_service_name or parent.name
    proxy.destination_service_id = proxy.destination_service_id or parent.id
    if not proxy.local_service_socket_path and (not proxy.local_service_address or proxy.local_service_port < 1):
        if parent.socket_path:
            proxy.local_service_socket_path = parent.socket_path
        else:
            proxy.local_service_address = proxy.local_service_address or "127.0.0.1"
            if proxy.local_service_port < 1:
                proxy.local_service_port = parent.port
    errs = validate_for_agent(svc, None)
    if errs:
        raise BadRequest(M.FAILED_VALIDATION.format(err=multierror(errs)))
    return svc


def sidecar_default_checks(sidecar: Service, parent_id: str) -> list[CheckType]:
    """The two checks a sidecar without checks gets (reference §3.2 step 11)."""
    host = sidecar.address or (sidecar.proxy.local_service_address if sidecar.proxy else "")
    return [
        CheckType(name=M.SIDECAR_LISTENING_CHECK, tcp=join_host_port(host, sidecar.port), interval=10 * 10**9),
        CheckType(name=M.SIDECAR_ALIAS_CHECK.format(id=parent_id), alias_service=parent_id),
    ]
