"""Nodes of the catalog besides the agent's own, and the catalog's register and deregister bodies (Consul's
structs.RegisterRequest, NodeService, HealthCheck and DeregisterRequest)."""

from __future__ import annotations

import attrs

from consulite.model.check import CheckType
from consulite.model.fields import (
    BOOL,
    INT,
    STR,
    STR_LIST,
    STR_MAP,
    list_of,
    map_of,
    obj,
    wire,
)
from consulite.model.service import Connect, Locality, Proxy, ServiceAddress, Weights


@attrs.define(eq=False)
class CatalogNode:
    """A node registered through `/v1/catalog/register` (Consul's structs.Node)."""

    name: str
    partition: str
    id: str = ""
    address: str = ""
    datacenter: str = ""
    tagged_addresses: dict[str, str] | None = None
    meta: dict[str, str] | None = None
    create_index: int = 0
    modify_index: int = 0


def node_key(name: str) -> str:
    """Node names compare case-insensitively (the state store's node index lower-cases them)."""
    return name.lower()


@attrs.define
class NodeServiceBody:
    """The `Service` of a register request (structs.NodeService: the name is `Service`)."""

    __go_name__ = "NodeService"
    __wire_ignored__ = ("createindex", "modifyindex", "peername", "locallyregisteredassidecar")
    kind: str = wire("Kind", STR)
    id: str = wire("ID", STR)
    service: str = wire("Service", STR)
    tags: list[str] | None = wire("Tags", STR_LIST)
    address: str = wire("Address", STR)
    tagged_addresses: dict[str, ServiceAddress] | None = wire("TaggedAddresses", map_of(ServiceAddress))
    meta: dict[str, str] | None = wire("Meta", STR_MAP)
    port: int = wire("Port", INT)
    socket_path: str = wire("SocketPath", STR)
    weights: Weights | None = wire("Weights", obj(Weights))
    enable_tag_override: bool = wire("EnableTagOverride", BOOL)
    locality: Locality | None = wire("Locality", obj(Locality))
    proxy: Proxy | None = wire("Proxy", obj(Proxy))
    connect: Connect | None = wire("Connect", obj(Connect))
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)


@attrs.define
class HealthCheckBody:
    """A `Check` or an item of `Checks` of a register request (structs.HealthCheck)."""

    __go_name__ = "HealthCheck"
    __wire_ignored__ = ("createindex", "modifyindex", "peername", "exposedport", "servicetags")
    node: str = wire("Node", STR)
    check_id: str = wire("CheckID", STR)
    name: str = wire("Name", STR)
    status: str = wire("Status", STR)
    notes: str = wire("Notes", STR)
    output: str = wire("Output", STR)
    service_id: str = wire("ServiceID", STR)
    service_name: str = wire("ServiceName", STR)
    type: str = wire("Type", STR)
    interval: str = wire("Interval", STR)
    timeout: str = wire("Timeout", STR)
    definition: CheckType | None = wire("Definition", obj(CheckType))
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)


@attrs.define
class RegisterRequest:
    __go_name__ = "RegisterRequest"
    __wire_ignored__ = ("token", "writerequest", "createindex", "modifyindex", "peername", "locality",
                        "enterprisemeta")
    datacenter: str = wire("Datacenter", STR)
    id: str = wire("ID", STR)
    node: str = wire("Node", STR)
    address: str = wire("Address", STR)
    tagged_addresses: dict[str, str] | None = wire("TaggedAddresses", STR_MAP)
    node_meta: dict[str, str] | None = wire("NodeMeta", STR_MAP)
    service: NodeServiceBody | None = wire("Service", obj(NodeServiceBody))
    check: HealthCheckBody | None = wire("Check", obj(HealthCheckBody))
    checks: list[HealthCheckBody] | None = wire("Checks", list_of(HealthCheckBody))
    skip_node_update: bool = wire("SkipNodeUpdate", BOOL)
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)


@attrs.define
class DeregisterRequest:
    __go_name__ = "DeregisterRequest"
    __wire_ignored__ = ("token", "writerequest", "peername", "enterprisemeta")
    datacenter: str = wire("Datacenter", STR)
    node: str = wire("Node", STR)
    service_id: str = wire("ServiceID", STR)
    check_id: str = wire("CheckID", STR)
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)

