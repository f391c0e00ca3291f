"""The typed shapes `?filter=` selects over, per endpoint: Consul's Go structs with their `bexpr` tags.

go-bexpr derives what a filter may say from the Go type of the data: each struct field is a selector,
primitives allow `==`/`!=` (strings also `in`/`matches`), lists of primitives `in`/`is empty`, maps with
string keys `in`/`is empty` and `Map.<key>` selectors, structs only their fields, and a pointer is its
target (a nil one panics in go-bexpr). Fields tagged `bexpr:"-"` (raft indexes, enterprise meta, opaque
`Config` maps) are left out. The same structs are declared in oracles/bexpr/main.go, which checks this
module against go-bexpr itself.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Prim:
    kind: str  # "string" | "int" | "bool"


@attrs.frozen
class ListOf:
    elem: Any


@attrs.frozen
class MapOf:
    """A map with string keys."""
    value: Any


@attrs.frozen
class Struct:
    name: str
    fields: dict[str, Any] = attrs.field(hash=False)


@attrs.frozen
class Ptr:
    target: Any


STR, INT, BOOL = Prim("string"), Prim("int"), Prim("bool")
STRS, STR_MAP = ListOf(STR), MapOf(STR)


def struct(name: str, **fields: Any) -> Struct:
    return Struct(name, fields)


SERVICE_ADDRESS = struct("ServiceAddress", Address=STR, Port=INT)
WEIGHTS = struct("Weights", Passing=INT, Warning=INT)
MESH_GATEWAY = struct("MeshGatewayConfig", Mode=STR)
EXPOSE = struct("ExposeConfig", Checks=BOOL, Paths=ListOf(struct(
    "ExposePath", ListenerPort=INT, Path=STR, LocalPathPort=INT, Protocol=STR, ParsedFromCheck=BOOL)))
TRANSPARENT_PROXY = struct("TransparentProxyConfig", OutboundListenerPort=INT, DialedDirectly=BOOL)
UPSTREAM = struct(
    "Upstream", DestinationType=STR, DestinationPartition=STR, DestinationNamespace=STR, DestinationPeer=STR,
    DestinationName=STR, Datacenter=STR, LocalBindAddress=STR, LocalBindPort=INT, LocalBindSocketPath=STR,
    LocalBindSocketMode=STR, MeshGateway=MESH_GATEWAY)


def proxy(name: str, transparent: Any) -> Struct:
    """Consul's connect proxy config: api's holds TransparentProxy by pointer, structs' by value."""
    return struct(name, DestinationServiceName=STR, DestinationServiceID=STR, LocalServiceAddress=STR,
                  LocalServicePort=INT, LocalServiceSocketPath=STR, Mode=STR, TransparentProxy=transparent,
                  Upstreams=ListOf(UPSTREAM), MeshGateway=MESH_GATEWAY, Expose=EXPOSE)


CONNECT = struct("ServiceConnect", Native=BOOL)

#: api.AgentService (`/v1/agent/services`)
AGENT_SERVICE = struct(
    "AgentService", Kind=STR, ID=STR, Service=STR, Tags=STRS, Meta=STR_MAP, Port=INT, Address=STR,
    TaggedAddresses=MapOf(SERVICE_ADDRESS), Weights=WEIGHTS, EnableTagOverride=BOOL,
    Proxy=Ptr(proxy("AgentServiceConnectProxyConfig", Ptr(TRANSPARENT_PROXY))), Connect=Ptr(CONNECT),
    PeerName=STR)
_PROXY = proxy("ConnectProxyConfig", TRANSPARENT_PROXY)
#: structs.ServiceNode (`/v1/catalog/service/<s>`, `/v1/catalog/connect/<s>`)
SERVICE_NODE = struct(
    "ServiceNode", ID=STR, Node=STR, Address=STR, Datacenter=STR, TaggedAddresses=STR_MAP, NodeMeta=STR_MAP,
    ServiceKind=STR, ServiceID=STR, ServiceName=STR, ServiceTags=STRS, ServiceAddress=STR,
    ServiceTaggedAddresses=MapOf(SERVICE_ADDRESS), ServiceWeights=WEIGHTS, ServiceMeta=STR_MAP, ServicePort=INT,
    ServiceSocketPath=STR, ServiceEnableTagOverride=BOOL, ServiceProxy=_PROXY, ServiceConnect=CONNECT,
    PeerName=STR)
#: structs.NodeService (the `Service` of a health entry; `/v1/catalog/node-services/<n>`)
NODE_SERVICE = struct(
    "NodeService", Kind=STR, ID=STR, Service=STR, Tags=STRS, Address=STR, TaggedAddresses=MapOf(SERVICE_ADDRESS),
    Meta=STR_MAP, Port=INT, SocketPath=STR, Weights=Ptr(WEIGHTS), EnableTagOverride=BOOL, Proxy=_PROXY,
    Connect=CONNECT, PeerName=STR)
#: structs.Node (`/v1/catalog/nodes`)
NODE = struct("Node", ID=STR, Node=STR, Address=STR, Datacenter=STR, PeerName=STR, TaggedAddresses=STR_MAP,
              Meta=STR_MAP)
#: structs.HealthCheck (`/v1/agent/checks`, `/v1/health/checks/<s>`, `/v1/health/state/<s>`, `/v1/health/node/<n>`)
HEALTH_CHECK = struct(
    "HealthCheck", Node=STR, CheckID=STR, Name=STR, Status=STR, Notes=STR, Output=STR, ServiceID=STR,
    ServiceName=STR, ServiceTags=STRS, Type=STR, Interval=STR, Timeout=STR, ExposedPort=INT, PeerName=STR)
#: structs.CheckServiceNode (`/v1/health/service/<s>`, `/v1/health/connect/<s>`)
CHECK_SERVICE_NODE = struct("CheckServiceNode", Node=Ptr(NODE), Service=Ptr(NODE_SERVICE),
                            Checks=ListOf(Ptr(HEALTH_CHECK)))
_UPSTREAM_DEFAULTS = struct("UpstreamConfig", Protocol=STR, ConnectTimeoutMs=INT, MeshGateway=MESH_GATEWAY)
#: structs.ServiceConfigEntry (`/v1/config/service-defaults`)
SERVICE_DEFAULTS = struct(
    "ServiceConfigEntry", Kind=STR, Name=STR, Protocol=STR, Mode=STR, TransparentProxy=TRANSPARENT_PROXY,
    MutualTLSMode=STR, MeshGateway=MESH_GATEWAY, Expose=EXPOSE, ExternalSNI=STR,
    UpstreamConfig=Ptr(struct("UpstreamConfiguration", Overrides=ListOf(Ptr(_UPSTREAM_DEFAULTS)),
                              Defaults=Ptr(_UPSTREAM_DEFAULTS))),
    Destination=Ptr(struct("DestinationConfig", Addresses=STRS, Port=INT)), MaxInboundConnections=INT,
    LocalConnectTimeoutMs=INT, LocalRequestTimeoutMs=INT, BalanceInboundConnections=STR, Meta=STR_MAP)

#: the oracle's name for each schema (oracles/bexpr/main.go `types`)
#: an ACL binding rule's selector runs over the login's claims (agent/consul/authmethod: `value` and `list`)
BINDING_RULE_VARS = struct("BindingRuleVars", value=STR_MAP, list=MapOf(STRS))
ORACLE_NAMES = {AGENT_SERVICE: "agent-service", SERVICE_NODE: "service-node", NODE_SERVICE: "node-service",
                CHECK_SERVICE_NODE: "check-service-node", HEALTH_CHECK: "health-check", NODE: "node",
                SERVICE_DEFAULTS: "service-defaults"}
