"""`/v1/discovery-chain/:service`: the compiled chain with per-target mesh gateway modes
(config-entries-and-resolver.md §6, §4.4)."""

from __future__ import annotations

import hashlib

from aiohttp import web

from consulite.decode.bodies import parse_json
from consulite.decode.duration import format_duration
from consulite.decode.entries import decode_body
from consulite.errors import BadRequest, DecodeError
from consulite.http.context import Agent
from consulite.http.params import block_on_index, check_query, ent_meta
from consulite.http.responses import json_response, query_meta
from consulite.http.router import Router
from consulite.model.config.fields import STRING, struct
from consulite.model.config.common import MESH_GATEWAY
from consulite.resolve.chain import computed_mode, protocol, resolve_target
from consulite.resolve.mesh_gateway import NOTHING, VALID_MODES, Decision
from consulite.store.config import TABLE

_REQUEST = struct("DiscoveryChainRequest", ("OverrideMeshGateway", MESH_GATEWAY, "override_mesh_gateway"),
                  ("OverrideProtocol", STRING, "override_protocol"),
                  ("OverrideConnectTimeout", STRING, "override_connect_timeout"))
DEFAULT_TIMEOUT = 5 * 10**9


def register(router: Router) -> None:
    router.add("/v1/discovery-chain/", {"GET": chain, "POST": chain}, "Compiled discovery chain of a service")


async def chain(agent: Agent, request: web.Request, name: str):
    if not name:
        raise BadRequest("Missing chain name")
    override = NOTHING
    if request.method == "POST":
        override = _override(await request.read())
    check_query(agent, request)
    partition, namespace = ent_meta(agent, request)
    index = await block_on_index(agent, request, [TABLE])
    datacenter = request.query.get("compile-dc") or agent.config.datacenter
    return json_response(request, {"Chain": compile_chain(agent, name, namespace, partition, datacenter, override)},
                         headers=query_meta(index, request))


def _override(body: bytes) -> Decision:
    try:
        raw = parse_json(body) if body.strip() else {}
        request = decode_body(_REQUEST, raw if isinstance(raw, dict) else {}, enterprise=True) if raw else {}
    except DecodeError as e:
        raise BadRequest(f"Request decoding failed: {e.text}") from None
    mode = (request.get("OverrideMeshGateway") or {}).get("Mode", "")
    if mode and mode not in VALID_MODES:
        raise BadRequest("Invalid OverrideMeshGateway.Mode parameter")
    return Decision(mode, "upstream") if mode else NOTHING


def compile_chain(agent: Agent, service: str, namespace: str, partition: str, datacenter: str,
                  override: Decision) -> dict:
    entries = agent.central
    target = resolve_target(entries, service, namespace, partition, datacenter, override)
    resolver = entries.get("service-resolver", target.partition, target.namespace, target.service)
    timeout = format_duration((resolver.body.get("ConnectTimeout") if resolver else 0) or DEFAULT_TIMEOUT)
    node_key = f"resolver:{target.id}"
    out: dict = {"ServiceName": service, "Namespace": namespace, "Partition": partition, "Datacenter": datacenter}
    if override.mode and override.mode != computed_mode(entries, target):
        digest = hashlib.blake2b(f"{override.mode}".encode(), digest_size=4).hexdigest()
        out["CustomizationHash"] = digest
    if not any(entries.get(kind, partition, namespace, service) is not None
               for kind in ("service-router", "service-splitter", "service-resolver")):
        out["Default"] = True
    sni = target.sni(agent.trust_domain)
    out.update({
        "Protocol": protocol(entries, service, namespace, partition),
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
    return out
