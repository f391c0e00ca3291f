"""`explain`: for a proxy or gateway, every upstream's mode, the layer that decided it, what is dialed and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from consulite.model.config import kinds as K
from consulite.model.config.entry import ConfigEntry
from consulite.model.scope import DEFAULT
from consulite.model.service import Service, Upstream
from consulite.resolve.chain import resolve_target
from consulite.resolve.entries import Entries
from consulite.resolve.mesh_gateway import (
    VALID_MODES,
    Decision,
    Layers,
    dial_via,
    proxy_mode,
    upstream_identity,
    upstream_mode,
)


@attrs.frozen
class World:
    """What explain reads besides config entries: partitions, registered mesh gateways, the local datacenter."""

    entries: Entries
    datacenter: str
    trust_domain: str
    partition_exists: Callable[[str], bool]
    gateways: Callable[[str], list[Service]]  # mesh gateways registered in a partition


def decision_json(d: Decision) -> dict[str, Any]:
    out: dict[str, Any] = {"Mode": d.mode, "Source": d.source}
    if d.entry is not None:
        out.update(_entry_json(d.entry))
    return out


def _entry_json(found: ConfigEntry) -> dict[str, Any]:
    return {"Entry": found.ref, "EntryPartition": found.partition, "EntryNamespace": found.namespace}


def explain(svc: Service, world: World) -> dict[str, Any]:
    layers = Layers.of(svc, world.entries)
    proxy = proxy_mode(svc, layers)
    warnings = _mode_warning(proxy, "the proxy")
    upstreams = [_upstream(svc, u, layers, world) for u in (svc.proxy.upstreams if svc.proxy else None) or []]
    return {"Service": {"ID": svc.id, "Kind": svc.kind, "Partition": svc.partition, "Namespace": svc.namespace},
            "MeshGateway": decision_json(proxy), "Upstreams": upstreams, "Warnings": warnings}


def _upstream(svc: Service, u: Upstream, layers: Layers, world: World) -> dict[str, Any]:
    peer, name, namespace, partition = upstream_identity(svc, u)
    merged = upstream_mode(svc, u, layers)
    out: dict[str, Any] = {
        "DestinationName": name, "DestinationNamespace": namespace, "DestinationPartition": partition,
    }
    if peer:
        out["DestinationPeer"] = peer
    out["MeshGateway"] = decision_json(merged)
    warnings = _mode_warning(merged, f'upstream "{name}"')
    if peer or u.destination_type == "prepared_query":
        out.update(Dial=None, Exported=None, Warnings=[
            *warnings, "peer and prepared-query upstreams are not resolved by consulite's explain"])
        return out
    datacenter = u.datacenter or world.datacenter
    target = resolve_target(world.entries, name, namespace, partition, datacenter, merged)
    crossing = target.datacenter != world.datacenter or target.partition != svc.partition
    via = dial_via(target.mode.mode, crossing)
    gateway = None
    if via != "direct":
        where = svc.partition if via == "local-gateway" else target.partition
        gateway, problem = _gateway(world, where, via, target.datacenter)
        if problem:
            warnings.append(problem)
    dial = {**decision_json(target.mode), "Via": via, "Gateway": gateway, "Target": target.id,
            "SNI": target.sni(world.trust_domain)}
    if target.mode != merged:
        warnings += _mode_warning(target.mode, f'target "{target.id}"')
    if crossing and via == "direct":
        warnings.append(f'upstream "{name}" crosses into partition "{target.partition}" but no mesh gateway mode '
                        "applies: it is dialed directly, which usually fails across partitions")
    exported = None
    if target.partition != svc.partition:
        if not world.partition_exists(target.partition):
            warnings.append(f'destination partition "{target.partition}" does not exist')
            exported = False
        else:
            exported = _exported(world.entries, target.service, target.namespace, target.partition, svc.partition)
            if not exported:
                warnings.append(f'service "{target.service}" in partition "{target.partition}" is not exported to '
                                f'partition "{svc.partition}": add it to the exported-services entry '
                                f'"{target.partition}"')
    out.update(Dial=dial, Exported=exported, Warnings=warnings)
    return out


def _mode_warning(d: Decision, what: str) -> list[str]:
    if d.mode and d.mode not in VALID_MODES:
        return [f'mesh gateway mode "{d.mode}" for {what} (from {d.source}) is not one of "none", "local", '
                '"remote": Consul does not validate it and dials directly']
    return []


def _gateway(world: World, partition: str, via: str, datacenter: str) -> tuple[dict[str, Any] | None, str | None]:
    if datacenter != world.datacenter and via == "remote-gateway":
        return None, f'mode remote needs a mesh gateway in datacenter "{datacenter}", which consulite does not know'
    found = sorted(world.gateways(partition), key=lambda g: (g.namespace, g.id))
    if not found:
        mode = "local" if via == "local-gateway" else "remote"
        return None, (f'mode {mode} needs a mesh gateway registered in partition "{partition}", and there is none: '
                      "traffic to this upstream has nowhere to go")
    gw = found[0]
    address = gw.address
    if via == "remote-gateway" and gw.tagged_addresses:
        wan = gw.tagged_addresses.get("wan") or gw.tagged_addresses.get("wan_ipv4")
        if wan is not None:
            return {"ID": gw.id, "Partition": gw.partition, "Namespace": gw.namespace, "Address": wan.address,
                    "Port": wan.port or gw.port}, None
    return {"ID": gw.id, "Partition": gw.partition, "Namespace": gw.namespace, "Address": address,
            "Port": gw.port}, None


def _exported(entries: Entries, service: str, namespace: str, partition: str, consumer: str) -> bool:
    """Whether partition's exported-services entry exports `service` to partition `consumer`."""
    entry = entries.get(K.EXPORTED_SERVICES, partition, DEFAULT, partition)
    for svc in (entry.body.get("Services") or []) if entry else []:
        if (
            svc.get("Name") in (service, "*")
            and (svc.get("Namespace") or DEFAULT) in (namespace, "*")
            and any(c.get("Partition") == consumer for c in svc.get("Consumers") or [])
        ):
            return True
    return False
