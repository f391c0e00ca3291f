"""Effective mesh gateway modes, each with the layer that decided it (config-entries-and-resolver.md §4.1, §4.2,
§4.7, §4.9)."""

from __future__ import annotations

from typing import Any

import attrs

from consulite.model.config import kinds as K
from consulite.model.config.entry import ConfigEntry
from consulite.model.scope import DEFAULT
from consulite.model.service import KIND_CONNECT_PROXY, Service, Upstream
from consulite.resolve.entries import Entries, mode_of

VALID_MODES = frozenset({"none", "local", "remote"})

# Layer names, as `Source` reports them.
UPSTREAM = "upstream"
UPSTREAM_CONFIG_OVERRIDE = "upstream-config-override"
SERVICE_INSTANCE = "service-instance"
UPSTREAM_CONFIG_DEFAULTS = "upstream-config-defaults"
SERVICE_DEFAULTS, PROXY_DEFAULTS = K.SERVICE_DEFAULTS, K.PROXY_DEFAULTS
TARGET_SERVICE_DEFAULTS = "target-service-defaults"
TARGET_PROXY_DEFAULTS = "target-proxy-defaults"


@attrs.frozen
class Decision:
    """A mode ("" = no gateway configured anywhere) and the layer, and entry if any, that set it."""

    mode: str
    source: str
    entry: ConfigEntry | None = None


NOTHING = Decision("", DEFAULT)


def first_set(*candidates: tuple[str, str, ConfigEntry | None]) -> Decision:
    """The first candidate whose mode is non-empty; an empty mode means "inherit from the next layer"."""
    for mode, source, entry in candidates:
        if mode:
            return Decision(mode, source, entry)
    return NOTHING


def destination_name(svc: Service) -> str:
    """The service whose service-defaults apply: a sidecar's destination, or a gateway's own name."""
    if svc.kind == KIND_CONNECT_PROXY and svc.proxy is not None:
        return svc.proxy.destination_service_name
    return svc.name


def _pd_upstream_mode(pd: ConfigEntry | None) -> str:
    """proxy-defaults for upstreams: its MeshGateway, else a `mesh_gateway` key in its opaque Config (§4.8)."""
    if pd is None:
        return ""
    typed = mode_of(pd)
    if typed:
        return typed
    opaque = (pd.body.get("Config") or {}).get("mesh_gateway")
    if isinstance(opaque, dict):
        value = opaque.get("mode", opaque.get("Mode", ""))
        return value if isinstance(value, str) else ""
    return ""


@attrs.frozen
class Layers:
    """The config entries that bear on one proxy: its service-defaults and its partition's proxy-defaults."""

    sd: ConfigEntry | None
    pd: ConfigEntry | None

    @classmethod
    def of(cls, svc: Service, entries: Entries) -> Layers:
        return cls(entries.service_defaults(svc.partition, svc.namespace, destination_name(svc)),
                   entries.proxy_defaults(svc.partition))

    def override_for(self, upstream_id: tuple[str, str, str, str]) -> dict[str, Any] | None:
        """The UpstreamConfig.Overrides entry matching (peer, name, namespace, partition); without any peer in
        the overrides, a peer upstream also matches by its peerless identity (§4.1 step 7f)."""
        overrides: list[dict[str, Any]] = (
            ((self.sd.body.get("UpstreamConfig") or {}).get("Overrides") or []) if self.sd else []
        )
        peer, name, namespace, partition = upstream_id
        legacy = not any(o.get("Peer") for o in overrides)
        for o in overrides:
            o_ns = o.get("Namespace") or (self.sd.namespace if self.sd else "default")
            o_part = o.get("Partition") or (self.sd.partition if self.sd else "default")
            if o.get("Name") == name and o_ns == namespace and o_part == partition and (
                    o.get("Peer", "") == peer or (legacy and not o.get("Peer"))):
                return o
        return None

    @property
    def defaults(self) -> dict[str, Any] | None:
        return ((self.sd.body.get("UpstreamConfig") or {}).get("Defaults")) if self.sd else None


def proxy_mode(svc: Service, layers: Layers) -> Decision:
    """The proxy-level mode: the instance's `proxy.mesh_gateway`, then service-defaults, then proxy-defaults."""
    instance = svc.proxy.mesh_gateway.mode if svc.proxy and svc.proxy.mesh_gateway else ""
    return first_set((instance, SERVICE_INSTANCE, None), (mode_of(layers.sd), SERVICE_DEFAULTS, layers.sd),
                     (mode_of(layers.pd), PROXY_DEFAULTS, layers.pd))


def upstream_identity(svc: Service, u: Upstream) -> tuple[str, str, str, str]:
    """(peer, name, namespace, partition) of an upstream, defaulting to the proxy's namespace and partition."""
    return (u.destination_peer, u.destination_name, u.destination_namespace or svc.namespace,
            u.destination_partition or svc.partition)


def upstream_mode(svc: Service, u: Upstream, layers: Layers) -> Decision:
    """The mesh gateway mode of one upstream of a proxy, and the layer that decided it.

    Precedence, highest first; an empty mode at a layer means "inherit from the next":
      1. `upstream`                 - the upstream's own `mesh_gateway` in the registration
      2. `upstream-config-override` - the downstream's service-defaults `UpstreamConfig.Overrides` entry for
                                      this upstream (matched by peer, name, namespace, partition)
      3. `service-instance`         - the registration's `proxy.mesh_gateway`
      4. `upstream-config-defaults` - the downstream's service-defaults `UpstreamConfig.Defaults`
      5. `service-defaults`         - the downstream's service-defaults `MeshGateway`
      6. `proxy-defaults`           - the proxy-defaults of the proxy's partition (`MeshGateway`, else a
                                      `mesh_gateway` key of its opaque `Config`)
      7. `default`                  - nothing set anywhere: mode ""
    (config-entries-and-resolver.md §4.1 step 7 and §4.2 step 2; the seed page's four-level list is the
    short form.) This is the one place the order is written down.
    """
    own = u.mesh_gateway.mode if u.mesh_gateway else ""
    override = layers.override_for(upstream_identity(svc, u))
    instance = svc.proxy.mesh_gateway.mode if svc.proxy and svc.proxy.mesh_gateway else ""
    defaults = layers.defaults
    return first_set(
        (own, UPSTREAM, None),
        (((override or {}).get("MeshGateway") or {}).get("Mode", ""), UPSTREAM_CONFIG_OVERRIDE, layers.sd),
        (instance, SERVICE_INSTANCE, None),
        (((defaults or {}).get("MeshGateway") or {}).get("Mode", ""), UPSTREAM_CONFIG_DEFAULTS, layers.sd),
        (mode_of(layers.sd), SERVICE_DEFAULTS, layers.sd),
        (_pd_upstream_mode(layers.pd), PROXY_DEFAULTS, layers.pd),
    )


def target_mode(override: Decision, target_sd: ConfigEntry | None, target_pd: ConfigEntry | None) -> Decision:
    """A discovery-chain target's mode (§4.4): the request's override (the downstream decision), else the
    target service's own service-defaults, else the proxy-defaults of the target's partition. A target with
    an ExternalSNI is never dialed through a gateway."""
    if target_sd is not None and target_sd.body.get("ExternalSNI"):
        return Decision("", TARGET_SERVICE_DEFAULTS, target_sd)
    return first_set((override.mode, override.source, override.entry),
                     (mode_of(target_sd), TARGET_SERVICE_DEFAULTS, target_sd),
                     (mode_of(target_pd), TARGET_PROXY_DEFAULTS, target_pd))


def dial_via(mode: str, crossing: bool) -> str:
    """How a target is dialed (§4.5): gateways only when crossing a datacenter or partition boundary."""
    if not crossing or mode not in ("local", "remote"):
        return "direct"
    return "local-gateway" if mode == "local" else "remote-gateway"


