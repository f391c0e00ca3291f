"""A service instance as the agent holds it (Consul's ServiceDefinition / NodeService)."""

from __future__ import annotations

from typing import Any

import attrs

from consulite.model.check import CheckType
from consulite.model.fields import (
    ANY_MAP,
    BOOL,
    INT,
    STR,
    STR_LIST,
    STR_MAP,
    JSONObject,
    list_of,
    map_of,
    obj,
    wire,
)

KIND_TYPICAL = ""
KIND_CONNECT_PROXY = "connect-proxy"
KIND_MESH_GATEWAY = "mesh-gateway"
KIND_TERMINATING_GATEWAY = "terminating-gateway"
KIND_INGRESS_GATEWAY = "ingress-gateway"
KIND_API_GATEWAY = "api-gateway"
GATEWAY_KINDS = frozenset(
    {KIND_MESH_GATEWAY, KIND_TERMINATING_GATEWAY, KIND_INGRESS_GATEWAY, KIND_API_GATEWAY}
)


@attrs.define
class MeshGatewayConfig:
    __go_name__ = "MeshGatewayConfig"
    mode: str = wire("Mode", STR)


@attrs.define
class TransparentProxy:
    __go_name__ = "TransparentProxyConfig"
    outbound_listener_port: int = wire("OutboundListenerPort", INT, tag="outbound_listener_port")
    dialed_directly: bool = wire("DialedDirectly", BOOL, tag="dialed_directly")


@attrs.define
class AccessLogs:
    __go_name__ = "AccessLogsConfig"
    enabled: bool = wire("Enabled", BOOL)
    disable_listener_logs: bool = wire("DisableListenerLogs", BOOL, tag="disable_listener_logs")
    type: str = wire("Type", STR)
    path: str = wire("Path", STR)
    json_format: str = wire("JSONFormat", STR, tag="json_format")
    text_format: str = wire("TextFormat", STR, tag="text_format")


@attrs.define
class ExposePath:
    __go_name__ = "ExposePath"
    listener_port: int = wire("ListenerPort", INT, alias="listener_port")
    path: str = wire("Path", STR)
    local_path_port: int = wire("LocalPathPort", INT, alias="local_path_port")
    protocol: str = wire("Protocol", STR)
    parsed_from_check: bool = wire("ParsedFromCheck", BOOL, alias="parsed_from_check")


@attrs.define
class Expose:
    __go_name__ = "ExposeConfig"
    checks: bool = wire("Checks", BOOL)
    paths: list[ExposePath] | None = wire("Paths", list_of(ExposePath))


@attrs.define
class EnvoyExtension:
    __go_name__ = "EnvoyExtension"
    name: str = wire("Name", STR)
    required: bool = wire("Required", BOOL)
    arguments: JSONObject | None = wire("Arguments", ANY_MAP)
    consul_version: str = wire("ConsulVersion", STR, tag="consul_version")
    envoy_version: str = wire("EnvoyVersion", STR, tag="envoy_version")


@attrs.define
class Upstream:
    __go_name__ = "Upstream"
    __wire_ignored__ = ("centrallyconfigured",)
    destination_type: str = wire("DestinationType", STR, alias="destination_type")
    destination_namespace: str = wire("DestinationNamespace", STR, alias="destination_namespace")
    destination_partition: str = wire("DestinationPartition", STR, alias="destination_partition")
    destination_peer: str = wire("DestinationPeer", STR, alias="destination_peer")
    destination_name: str = wire("DestinationName", STR, alias="destination_name")
    datacenter: str = wire("Datacenter", STR)
    local_bind_address: str = wire("LocalBindAddress", STR, alias="local_bind_address")
    local_bind_port: int = wire("LocalBindPort", INT, alias="local_bind_port")
    local_bind_socket_path: str = wire("LocalBindSocketPath", STR, alias="local_bind_socket_path")
    local_bind_socket_mode: str = wire("LocalBindSocketMode", STR, alias="local_bind_socket_mode")
    config: JSONObject | None = wire("Config", ANY_MAP)
    mesh_gateway: MeshGatewayConfig | None = wire("MeshGateway", obj(MeshGatewayConfig), alias="mesh_gateway")


@attrs.define
class Proxy:
    __go_name__ = "ConnectProxyConfig"
    destination_service_name: str = wire("DestinationServiceName", STR, alias="destination_service_name")
    destination_service_id: str = wire("DestinationServiceID", STR, alias="destination_service_id")
    local_service_address: str = wire("LocalServiceAddress", STR, alias="local_service_address")
    local_service_port: int = wire("LocalServicePort", INT, alias="local_service_port")
    local_service_socket_path: str = wire("LocalServiceSocketPath", STR, alias="local_service_socket_path")
    mode: str = wire("Mode", STR)
    transparent_proxy: TransparentProxy | None = wire(
        "TransparentProxy", obj(TransparentProxy), alias="transparent_proxy"
    )
    config: JSONObject | None = wire("Config", ANY_MAP)
    upstreams: list[Upstream] | None = wire("Upstreams", list_of(Upstream))
    mesh_gateway: MeshGatewayConfig | None = wire("MeshGateway", obj(MeshGatewayConfig), alias="mesh_gateway")
    expose: Expose | None = wire("Expose", obj(Expose))
    access_logs: AccessLogs | None = wire("AccessLogs", obj(AccessLogs), alias="access_logs")
    envoy_extensions: list[EnvoyExtension] | None = wire("EnvoyExtensions", list_of(EnvoyExtension))


@attrs.define
class ServiceAddress:
    __go_name__ = "ServiceAddress"
    address: str = wire("Address", STR)
    port: int = wire("Port", INT)


@attrs.define
class Weights:
    __go_name__ = "Weights"
    passing: int = wire("Passing", INT)
    warning: int = wire("Warning", INT)


@attrs.define
class Locality:
    __go_name__ = "Locality"
    region: str = wire("Region", STR)
    zone: str = wire("Zone", STR)


@attrs.define
class Connect:
    __go_name__ = "ServiceConnect"
    __wire_lenient__ = True  # Consul decodes Connect with plain json.Unmarshal (reference §2.2)
    native: bool = wire("Native", BOOL)
    sidecar_service: ServiceDefinition | None = wire(
        "SidecarService", obj(lambda: ServiceDefinition), alias="sidecar_service"
    )


@attrs.define
class ServiceDefinition:
    """What a register request (or a service file) says, before defaults are applied."""

    __go_name__ = "ServiceDefinition"
    kind: str = wire("Kind", STR)
    id: str = wire("ID", STR)
    name: str = wire("Name", STR)
    tags: list[str] | None = wire("Tags", STR_LIST)
    address: str = wire("Address", STR)
    tagged_addresses: dict[str, ServiceAddress] | None = wire(
        "TaggedAddresses", map_of(ServiceAddress), alias="tagged_addresses"
    )
    meta: dict[str, str] | None = wire("Meta", STR_MAP)
    port: int = wire("Port", INT)
    socket_path: str = wire("SocketPath", STR)
    check: CheckType | None = wire("Check", obj(CheckType))
    checks: list[CheckType] | None = wire("Checks", list_of(CheckType))
    weights: Weights | None = wire("Weights", obj(Weights))
    token: str = wire("Token", STR)
    enable_tag_override: bool = wire("EnableTagOverride", BOOL, alias="enable_tag_override")
    locality: Locality | None = wire("Locality", obj(Locality))
    proxy: Proxy | None = wire("Proxy", obj(Proxy))
    connect: Connect | None = wire("Connect", obj(Connect))
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)


@attrs.define(eq=False)
class Service:
    """A registered service instance (Consul's NodeService), after defaults."""

    kind: str
    id: str
    name: str
    partition: str
    namespace: str
    tags: list[str]
    meta: dict[str, str]
    port: int = 0
    address: str = ""
    socket_path: str = ""
    tagged_addresses: dict[str, ServiceAddress] | None = None
    weights: Weights = attrs.field(factory=lambda: Weights(1, 1))
    enable_tag_override: bool = False
    locality: Locality | None = None
    proxy: Proxy | None = None
    native: bool = False
    #: Registered through a parent's connect.sidecar_service: removed with its parent.
    sidecar_of: str | None = None
    #: The node of a service registered through the catalog ("" on the agent's node, as the agent holds it).
    node: str = ""
    create_index: int = 0
    modify_index: int = 0
    #: the render layer's JSON of this instance, per view (never part of the state: registered services are
    #: replaced, never changed, so what is kept here lives exactly as long as what it shows)
    rendered: dict[str, Any] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def is_proxy_or_gateway(self) -> bool:
        return self.kind == KIND_CONNECT_PROXY or self.kind in GATEWAY_KINDS
