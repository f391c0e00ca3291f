"""The compiled discovery chain of a service, with per-target mesh gateway modes
(config-entries-and-resolver.md §6, §4.4)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from consulite.agent.config_entries import decoding_failed
from consulite.decode.bodies import parse_json
from consulite.decode.entries import decode_body
from consulite.errors import BadRequest, DecodeError
from consulite.model.config.chain import service_protocol
from consulite.model.config.common import MESH_GATEWAY
from consulite.model.config.fields import STRING, struct
from consulite.model.go import format_duration
from consulite.model.scope import Scope
from consulite.resolve.chain import computed_mode, resolve_target
from consulite.resolve.mesh_gateway import NOTHING, VALID_MODES, Decision
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent

_REQUEST = struct("DiscoveryChainRequest", ("OverrideMeshGateway", MESH_GATEWAY, "override_mesh_gateway"),
                  ("OverrideProtocol", STRING, "override_protocol"),
                  ("OverrideConnectTimeout", STRING, "override_connect_timeout"))
DEFAULT_TIMEOUT = 5 * 10**9


def override(body: bytes) -> Decision:
    """The mesh gateway override of a `POST` body (Consul's 400s for a bad body or mode)."""
    try:
        raw = parse_json(body) if body.strip() else {}
        request = decode_body(_REQUEST, raw if isinstance(raw, dict) else {}, enterprise=True) if raw else {}
    except DecodeError as e:
        raise decoding_failed(e.text) from None
    mode = (request.get("OverrideMeshGateway") or {}).get("Mode", "")
    if mode and mode not in VALID_MODES:
        raise BadRequest("Invalid OverrideMeshGateway.Mode parameter")
    return Decision(mode, "upstream") if mode else NOTHING


class DiscoveryChain:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def compile(self, service: str, scope: Scope, datacenter: str, override: Decision,
                ws: set) -> tuple[int, dict[str, Any]]:
        ws.add(topics.CONFIG)
        agent = self.agent
        partition, namespace = scope.partition, scope.namespace
        entries = agent.central
        target = resolve_target(entries, service, namespace, partition, datacenter, override)
        resolver = entries.get("service-resolver", target.partition, target.namespace, target.service)
        timeout = format_duration((resolver.body.get("ConnectTimeout") if resolver else 0) or DEFAULT_TIMEOUT)
        node_key = f"resolver:{target.id}"
        out: dict[str, Any] = {"ServiceName": service, "Namespace": namespace, "Partition": partition,
                               "Datacenter": datacenter}
        if override.mode and override.mode != computed_mode(entries, target):
            out["CustomizationHash"] = hashlib.blake2b(f"{override.mode}".encode(), digest_size=4).hexdigest()
        if not any(entries.get(kind, partition, namespace, service) is not None
                   for kind in ("service-router", "service-splitter", "service-resolver")):
            out["Default"] = True
        sni = target.sni(agent.trust_domain)
        out.update({
            "Protocol": service_protocol(entries.body, partition, namespace, service),
            "StartNode": node_key,
            "Nodes": {node_key: {"Type": "resolver", "Name": target.id, "Resolver": {
                "Default": resolver is None, "ConnectTimeout": timeout, "Target": target.id}}},
            "Targets": {target.id: {
                "ID": target.id, "Service": target.service, "ServiceSubset": target.subset,
                "Namespace": target.namespace, "Partition": target.partition, "Datacenter": target.datacenter,
                "MeshGateway": {"Mode": target.mode.mode} if target.mode.mode else {}, "Subset": {},
                "ConnectTimeout": timeout, "External": target.external, "SNI": sni, "Name": sni}},
            "AutoVirtualIPs": None, "ManualVirtualIPs": None,
        })
        return agent.store.index_of(ws), out
