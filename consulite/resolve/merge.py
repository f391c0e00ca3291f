"""The merged proxy view Consul's agent stores and shows (agent-service-api.md §4.2, config-entries §4.2).

`merged(svc, entries)` returns a copy of a connect proxy or gateway with central config merged in;
typical services come back unchanged.
"""

from __future__ import annotations

from typing import Any

import attrs

from consulite.model.service import (
    GATEWAY_KINDS,
    KIND_CONNECT_PROXY,
    AccessLogs,
    Expose,
    ExposePath,
    MeshGatewayConfig,
    Proxy,
    Service,
    TransparentProxy,
    Upstream,
)
from consulite.resolve.entries import Entries
from consulite.resolve.mesh_gateway import Layers, proxy_mode, upstream_identity, upstream_mode

_SD_CONFIG_KEYS = (("Protocol", "protocol"), ("BalanceInboundConnections", "balance_inbound_connections"),
                   ("MaxInboundConnections", "max_inbound_connections"),
                   ("LocalConnectTimeoutMs", "local_connect_timeout_ms"),
                   ("LocalRequestTimeoutMs", "local_request_timeout_ms"))
_UPSTREAM_CONFIG_KEYS = (("Protocol", "protocol"), ("ConnectTimeoutMs", "connect_timeout_ms"),
                         ("Limits", "limits"), ("PassiveHealthCheck", "passive_health_check"),
                         ("EnvoyListenerJSON", "envoy_listener_json"), ("EnvoyClusterJSON", "envoy_cluster_json"),
                         ("BalanceOutboundConnections", "balance_outbound_connections"))


def is_merged(svc: Service) -> bool:
    """Central config is merged into sidecar proxies and gateways only."""
    if svc.kind == KIND_CONNECT_PROXY:
        return svc.proxy is not None and bool(svc.proxy.destination_service_name or svc.proxy.destination_service_id)
    return svc.kind in GATEWAY_KINDS


def merged(svc: Service, entries: Entries) -> Service:
    if not is_merged(svc):
        return svc
    layers = Layers.of(svc, entries)
    pd = layers.pd.body if layers.pd else {}
    sd = layers.sd.body if layers.sd else {}
    reg = svc.proxy or Proxy()
    proxy = attrs.evolve(reg)
    # Config: resolved keys fill what the registration lacks (registration values win)
    resolved = dict(pd.get("Config") or {})
    for field, key in _SD_CONFIG_KEYS:
        if sd.get(field):
            resolved[key] = sd[field]
    config = dict(reg.config or {})
    for key, value in resolved.items():
        if not config.get(key):
            config[key] = value
    proxy.config = config or None
    mode = sd.get("Mode") or pd.get("Mode", "")
    proxy.mode = reg.mode or mode
    proxy.transparent_proxy = _transparent(reg.transparent_proxy, pd, sd)
    proxy.mesh_gateway = MeshGatewayConfig(proxy_mode(svc, layers).mode)
    proxy.expose = _expose(reg.expose, pd, sd)
    proxy.access_logs = _access_logs(reg.access_logs, pd)
    if reg.upstreams:
        proxy.upstreams = [_upstream(svc, u, layers, entries) for u in reg.upstreams]
    return attrs.evolve(svc, proxy=proxy)


def _transparent(reg: TransparentProxy | None, pd: dict[str, Any], sd: dict[str, Any]) -> TransparentProxy | None:
    tp = dict(pd.get("TransparentProxy") or {})
    sd_tp = sd.get("TransparentProxy") or {}
    if sd_tp.get("OutboundListenerPort"):
        tp["OutboundListenerPort"] = sd_tp["OutboundListenerPort"]
    if sd_tp.get("DialedDirectly"):
        tp["DialedDirectly"] = True
    reg = reg or TransparentProxy()
    return TransparentProxy(reg.outbound_listener_port or tp.get("OutboundListenerPort", 0),
                            reg.dialed_directly or tp.get("DialedDirectly", False))


def _expose(reg: Expose | None, pd: dict[str, Any], sd: dict[str, Any]) -> Expose:
    resolved = dict(pd.get("Expose") or {})
    sd_expose = sd.get("Expose") or {}
    if sd_expose.get("Checks"):
        resolved["Checks"] = True
    if sd_expose.get("Paths"):
        resolved["Paths"] = sd_expose["Paths"]
    reg = reg or Expose()
    paths = reg.paths or [ExposePath(listener_port=p.get("ListenerPort", 0), path=p.get("Path", ""),
                                     local_path_port=p.get("LocalPathPort", 0), protocol=p.get("Protocol", ""),
                                     parsed_from_check=p.get("ParsedFromCheck", False))
                          for p in resolved.get("Paths") or []]
    return Expose(checks=reg.checks or resolved.get("Checks", False), paths=paths or None)


def _access_logs(reg: AccessLogs | None, pd: dict[str, Any]) -> AccessLogs | None:
    logs = pd.get("AccessLogs") or {}
    reg = reg or AccessLogs()
    return AccessLogs(enabled=reg.enabled or logs.get("Enabled", False),
                      disable_listener_logs=reg.disable_listener_logs or logs.get("DisableListenerLogs", False),
                      type=reg.type or logs.get("Type", ""), path=reg.path or logs.get("Path", ""),
                      json_format=reg.json_format or logs.get("JSONFormat", ""),
                      text_format=reg.text_format or logs.get("TextFormat", ""))


def upstream_config(svc: Service, u: Upstream, layers: Layers, entries: Entries) -> dict[str, Any]:
    """The opaque per-upstream config Consul resolves, in its order (agent-service-api.md §4.2 steps 1-7;
    `mesh_gateway` is resolved separately)."""
    peer, name, namespace, partition = upstream_identity(svc, u)
    out: dict[str, Any] = {}
    pd_protocol = ((layers.pd.body.get("Config") or {}).get("protocol")) if layers.pd else None
    if pd_protocol:
        out["protocol"] = pd_protocol
    target_sd = entries.service_defaults(partition, namespace, name) if not peer else None
    if target_sd is not None and target_sd.body.get("Protocol"):
        out["protocol"] = target_sd.body["Protocol"]
    _merge_upstream_fields(out, layers.defaults)
    _merge_upstream_fields(out, layers.override_for((peer, name, namespace, partition)))
    return out


def _merge_upstream_fields(out: dict[str, Any], cfg: dict[str, Any] | None) -> None:
    for field, key in _UPSTREAM_CONFIG_KEYS:
        if cfg and cfg.get(field):
            out[key] = cfg[field]


def _upstream(svc: Service, u: Upstream, layers: Layers, entries: Entries) -> Upstream:
    if u.destination_type not in ("service", ""):
        return u
    config = dict(u.config or {})
    resolved = upstream_config(svc, u, layers, entries)
    for key, value in resolved.items():
        if key not in config:
            config[key] = value
    if u.destination_peer and "protocol" in resolved and "protocol" not in (u.config or {}):
        del config["protocol"]  # peered upstreams keep their own protocol
    config.pop("mesh_gateway", None)
    return attrs.evolve(u, config=config or None, mesh_gateway=MeshGatewayConfig(upstream_mode(svc, u, layers).mode))
