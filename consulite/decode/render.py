"""Model objects to Consul's JSON shapes, with Consul's field order, omitempty rules and edition differences.

Shapes: reference agent-service-api.md §4.1 (AgentService), Consul's structs.HealthCheck,
structs.NodeService, structs.CatalogService (agent/structs/structs.go) and api.Node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson

from consulite.model.check import CheckType, HealthCheck
from consulite.model.go import format_duration
from consulite.model.namespace import Namespace
from consulite.model.node import CatalogNode
from consulite.model.partition import NODE_META, Node, Partition
from consulite.model.service import GATEWAY_KINDS, KIND_CONNECT_PROXY, Expose, Proxy, Service, Upstream

_HASH_IGNORED = ("Namespace", "Partition", "Datacenter", "Locality")

#: api.HealthCheckDefinition as `/v1/agent/health/service/...` shows it for an agent check: every field at its
#: zero value (agent-local checks carry no definition), durations as "0s" (api/health.go MarshalJSON)
_API_EMPTY_DEFINITION = {
    "Interval": "0s", "Timeout": "0s", "DeregisterCriticalServiceAfter": "0s", "HTTP": "", "Header": None,
    "Method": "", "Body": "", "TLSServerName": "", "TLSSkipVerify": False, "TCP": "", "TCPUseTLS": False,
    "UDP": "", "GRPC": "", "OSService": "", "GRPCUseTLS": False,
}


# CheckType fields echoed in a HealthCheck's Definition (omitempty each), durations as Go strings.
_DEFINITION_FIELDS = (
    ("HTTP", "http"), ("TLSServerName", "tls_server_name"), ("TLSSkipVerify", "tls_skip_verify"),
    ("Header", "header"), ("Method", "method"), ("Body", "body"), ("DisableRedirects", "disable_redirects"),
    ("TCP", "tcp"), ("TCPUseTLS", "tcp_use_tls"), ("UDP", "udp"), ("H2PING", "h2ping"),
    ("OSService", "os_service"), ("H2PingUseTLS", "h2ping_use_tls"), ("Interval", "interval"),
    ("OutputMaxSize", "output_max_size"), ("Timeout", "timeout"),
    ("DeregisterCriticalServiceAfter", "deregister_critical_service_after"), ("ScriptArgs", "script_args"),
    ("DockerContainerID", "docker_container_id"), ("Shell", "shell"), ("GRPC", "grpc"),
    ("GRPCUseTLS", "grpc_use_tls"), ("AliasNode", "alias_node"), ("AliasService", "alias_service"),
    ("TTL", "ttl"),
)
_DURATIONS = frozenset({"interval", "timeout", "deregister_critical_service_after", "ttl"})


def weights(svc: Service) -> dict:
    """Passing from the stored weights if > 0, else 1; Warning as stored (reference §4.1)."""
    return {"Passing": svc.weights.passing or 1, "Warning": svc.weights.warning}


def scoped(out: dict, obj, enterprise: bool) -> dict:
    """Append Enterprise's Partition/Namespace and the raft indexes, in Consul's field order."""
    if enterprise:
        out["Partition"] = obj.partition
        out["Namespace"] = obj.namespace
    out["CreateIndex"] = obj.create_index
    out["ModifyIndex"] = obj.modify_index
    return out


def _keep(svc: Service, view: str, value: Any) -> None:
    """Keep a rendered view on a registered service (a merged proxy or gateway view is built per read: not kept,
    since central config changes it)."""
    if not svc.is_proxy_or_gateway:
        if svc.rendered is None:
            svc.rendered = {}
        svc.rendered[view] = value


def content_hash(rendered: dict) -> str:
    """A stable hex digest of an AgentService (Consul's value cannot be reproduced; clients compare it)."""
    hashed = {k: v for k, v in rendered.items() if k not in _HASH_IGNORED}
    digest = hashlib.blake2b(orjson.dumps(hashed, option=orjson.OPT_SORT_KEYS), digest_size=8).digest()
    return format(int.from_bytes(digest, "big"), "x")


class Renderer:
    """Renders for one agent: its edition (Enterprise shows Partition/Namespace) and datacenter."""

    def __init__(self, enterprise: bool, datacenter: str, node: Node):
        self.enterprise = enterprise
        self.datacenter = datacenter
        self.node = node
        self._nodes: dict[str, orjson.Fragment] = {}  # per partition: the node is registered once, at start

    def agent_services_json(self, services: list[Service]) -> bytes:
        """`GET /v1/agent/services` as bytes: each service's JSON is rendered once and kept on it; services
        whose view depends on central config (already merged by the caller) are rendered every time."""
        parts = []
        for svc in services:
            kept = svc.rendered
            member = kept.get("agent") if kept is not None else None
            if member is None:
                member = orjson.dumps(svc.id) + b":" + orjson.dumps(self.agent_service(svc))
                _keep(svc, "agent", member)
            parts.append(member)
        return b"{" + b",".join(parts) + b"}"

    def health_entry(self, svc: Service, checks: list[HealthCheck]) -> orjson.Fragment:
        """One `GET /v1/health/service` entry (structs.CheckServiceNode), kept on the service while its checks
        are the ones it was rendered with (a check's ModifyIndex moves with each change of it)."""
        seen = tuple(c.modify_index for c in checks)
        kept = svc.rendered
        found = kept.get("health") if kept is not None else None
        if found is not None and found[0] == seen:
            return found[1]
        entry = orjson.Fragment(orjson.dumps({
            "Node": self.node_fragment(svc.partition), "Service": self.node_service(svc),
            "Checks": [self.health_check(c, svc.tags if c.service_id else None) for c in checks]}))
        _keep(svc, "health", (seen, entry))
        return entry

    def node_fragment(self, partition: str) -> orjson.Fragment:
        found = self._nodes.get(partition)
        if found is None:
            found = self._nodes[partition] = orjson.Fragment(orjson.dumps(self.node_json(partition)))
        return found

    # -- agent view --------------------------------------------------------------------------

    def agent_service(self, svc: Service) -> dict:
        out: dict = {"Kind": svc.kind} if svc.kind else {}
        out["ID"] = svc.id
        out["Service"] = svc.name
        out["Tags"] = svc.tags
        out["Meta"] = svc.meta
        out["Port"] = svc.port
        out["Address"] = svc.address
        if svc.socket_path:
            out["SocketPath"] = svc.socket_path
        if svc.tagged_addresses:
            out["TaggedAddresses"] = self.tagged_addresses(svc)
        out["Weights"] = weights(svc)
        out["EnableTagOverride"] = svc.enable_tag_override
        if svc.kind == KIND_CONNECT_PROXY or svc.kind in GATEWAY_KINDS:
            out["Proxy"] = self.proxy(svc.proxy or Proxy())
        if svc.native:
            out["Connect"] = {"Native": True}
        if self.enterprise:
            out["Namespace"] = svc.namespace
            out["Partition"] = svc.partition
        out["Datacenter"] = self.datacenter
        if svc.locality is not None:
            out["Locality"] = self.locality(svc)
        return out

    @staticmethod
    def tagged_addresses(svc: Service) -> dict:
        assert svc.tagged_addresses is not None  # rendered only when set
        return {k: {"Address": a.address, "Port": a.port} for k, a in svc.tagged_addresses.items()}

    @staticmethod
    def locality(svc: Service) -> dict:
        loc = svc.locality
        assert loc is not None  # rendered only when set
        return {k: v for k, v in (("Region", loc.region), ("Zone", loc.zone)) if v}

    def proxy(self, p: Proxy, structs: bool = False) -> dict:
        """api.AgentServiceConnectProxyConfig, or with `structs` structs.ConnectProxyConfig (catalog and health
        views): `Mode` always, and each upstream's `Datacenter` even when empty (no omitempty there)."""
        out: dict = {}
        for key, value in (
            ("DestinationServiceName", p.destination_service_name),
            ("DestinationServiceID", p.destination_service_id),
            ("LocalServiceAddress", p.local_service_address),
            ("LocalServicePort", p.local_service_port),
            ("LocalServiceSocketPath", p.local_service_socket_path),
        ):
            if value:
                out[key] = value
        if p.mode or structs:
            out["Mode"] = p.mode
        tp = p.transparent_proxy
        if tp is not None and (tp.outbound_listener_port or tp.dialed_directly):
            out["TransparentProxy"] = {k: v for k, v in (("OutboundListenerPort", tp.outbound_listener_port),
                                                          ("DialedDirectly", tp.dialed_directly)) if v}
        if p.config:
            out["Config"] = p.config
        if p.upstreams:
            out["Upstreams"] = [self.upstream(u, structs) for u in p.upstreams]
        out["MeshGateway"] = self.mesh_gateway(p.mesh_gateway)
        out["Expose"] = self.expose(p.expose)
        al = p.access_logs
        if al is not None:
            logs = {k: v for k, v in (
                ("Enabled", al.enabled), ("DisableListenerLogs", al.disable_listener_logs), ("Type", al.type),
                ("Path", al.path), ("JSONFormat", al.json_format), ("TextFormat", al.text_format)) if v}
            if logs:
                out["AccessLogs"] = logs
        return out

    @staticmethod
    def mesh_gateway(mgw) -> dict:
        return {"Mode": mgw.mode} if mgw is not None and mgw.mode else {}

    @staticmethod
    def expose(e: Expose | None) -> dict:
        if e is None:
            return {}
        out: dict = {"Checks": True} if e.checks else {}
        if e.paths:
            out["Paths"] = [
                {**{k: v for k, v in (("ListenerPort", p.listener_port), ("Path", p.path),
                                      ("LocalPathPort", p.local_path_port), ("Protocol", p.protocol)) if v},
                 "ParsedFromCheck": p.parsed_from_check}
                for p in e.paths
            ]
        return out

    def upstream(self, u: Upstream, structs: bool = False) -> dict:
        out: dict = {}
        for key, value in (
            ("DestinationType", u.destination_type), ("DestinationPartition", u.destination_partition),
            ("DestinationNamespace", u.destination_namespace), ("DestinationPeer", u.destination_peer),
        ):
            if value:
                out[key] = value
        out["DestinationName"] = u.destination_name
        for key, setting in (
            ("Datacenter", u.datacenter), ("LocalBindAddress", u.local_bind_address),
            ("LocalBindPort", u.local_bind_port), ("LocalBindSocketPath", u.local_bind_socket_path),
            ("LocalBindSocketMode", u.local_bind_socket_mode), ("Config", u.config),
        ):
            if setting or (structs and key == "Datacenter"):
                out[key] = setting
        out["MeshGateway"] = self.mesh_gateway(u.mesh_gateway)
        return out

    # -- checks ------------------------------------------------------------------------------

    def health_check(self, c: HealthCheck, service_tags: list[str] | None = None) -> dict:
        """structs.HealthCheck as the catalog shows it. The agent keeps no HealthCheckDefinition for the checks
        it runs (agent/agent.go builds them without one), so their `Definition` is `{}`; a check written through
        the catalog or a txn (it names its node) shows the Definition it was written with."""
        d = c.definition
        out = {
            "Node": c.node or self.node.name, "CheckID": c.check_id, "Name": c.name, "Status": c.status,
            "Notes": c.notes, "Output": c.output, "ServiceID": c.service_id, "ServiceName": c.service_name,
            "ServiceTags": service_tags if service_tags is not None else [], "Type": c.type,
            "Interval": format_duration(d.interval) if d is not None and d.interval else "",
            "Timeout": format_duration(d.timeout) if d is not None and d.timeout else "",
            "ExposedPort": 0, "Definition": self.check_definition(d) if c.node else {},
        }
        return self._scoped(out, c)

    def _scoped(self, out: dict, obj) -> dict:
        return scoped(out, obj, self.enterprise)

    @staticmethod
    def check_definition(d: CheckType | None) -> dict:
        """A written HealthCheckDefinition: its non-zero fields, durations as Go strings."""
        if d is None:
            return {}
        out = {}
        for key, attr in _DEFINITION_FIELDS:
            value = getattr(d, attr)
            if value:
                out[key] = format_duration(value) if attr in _DURATIONS else value
        return out

    def agent_check(self, c: HealthCheck, service_tags: list[str] | None) -> dict:
        """`/v1/agent/checks`: the agent's local state, which has no raft indexes (CreateIndex/ModifyIndex 0)."""
        out = self.health_check(c, service_tags)
        out["Output"] = c.local_output
        out["CreateIndex"] = out["ModifyIndex"] = 0
        return out

    def agent_health_check(self, c: HealthCheck, service_tags: list[str] | None) -> dict:
        """api.HealthCheck as `/v1/agent/health/service/...` builds it from local state (agent/agent_endpoint.go
        agentHealthService copies only the identity, status and tags): `Type` empty, tags as stored (null when
        none), a zero `Definition`, no indexes."""
        out: dict[str, Any] = {
            "Node": self.node.name, "CheckID": c.check_id, "Name": c.name, "Status": c.status, "Notes": c.notes,
            "Output": c.local_output, "ServiceID": c.service_id, "ServiceName": c.service_name,
            "ServiceTags": service_tags or None, "Type": "",
        }
        if self.enterprise:
            out["Namespace"], out["Partition"] = c.namespace, c.partition
        out.update({"ExposedPort": 0, "Definition": dict(_API_EMPTY_DEFINITION), "CreateIndex": 0, "ModifyIndex": 0})
        return out

    # -- catalog and health views ------------------------------------------------------------

    def node_json(self, partition: str) -> dict:
        n = self.node
        out: dict[str, Any] = {
            "ID": n.id, "Node": n.name, "Address": n.address, "Datacenter": n.datacenter,
            "TaggedAddresses": {"lan": n.address, "lan_ipv4": n.address, "wan": n.address, "wan_ipv4": n.address},
            "Meta": dict(NODE_META),
        }
        if self.enterprise:
            out["Partition"] = partition
        out["CreateIndex"] = out["ModifyIndex"] = 1  # the node is registered once, at start
        return out

    def catalog_node(self, n: CatalogNode) -> dict:
        """api.Node of a node registered through the catalog (its maps null when not given)."""
        out: dict[str, Any] = {"ID": n.id, "Node": n.name, "Address": n.address, "Datacenter": n.datacenter,
                               "TaggedAddresses": n.tagged_addresses, "Meta": n.meta}
        if self.enterprise:
            out["Partition"] = n.partition
        out["CreateIndex"], out["ModifyIndex"] = n.create_index, n.modify_index
        return out

    def node_service(self, svc: Service) -> dict:
        """structs.NodeService: the `Service` of health entries and `Services` of a catalog node; an empty Meta
        is null there (the `/v1/agent` and `/v1/catalog/service` handlers fill theirs, these do not)."""
        out: dict = {"Kind": svc.kind} if svc.kind else {}
        out.update({"ID": svc.id, "Service": svc.name, "Tags": svc.tags, "Address": svc.address})
        if svc.tagged_addresses:
            out["TaggedAddresses"] = self.tagged_addresses(svc)
        out.update({
            "Meta": svc.meta or None, "Port": svc.port,
            "Weights": weights(svc),
            "EnableTagOverride": svc.enable_tag_override,
            "Proxy": self.proxy(svc.proxy or Proxy(), structs=True),
            "Connect": {"Native": True} if svc.native else {},
            "PeerName": "",
        })
        if svc.socket_path:
            out["SocketPath"] = svc.socket_path
        if svc.locality is not None:
            out["Locality"] = self.locality(svc)
        return self._scoped(out, svc)

    def catalog_service(self, svc: Service, node: dict) -> dict:
        """structs.ServiceNode as `GET /v1/catalog/service/:name` lists it."""
        out = {
            "ID": node["ID"], "Node": node["Node"], "Address": node["Address"], "Datacenter": node["Datacenter"],
            "TaggedAddresses": node["TaggedAddresses"], "NodeMeta": node["Meta"], "ServiceKind": svc.kind,
            "ServiceID": svc.id, "ServiceName": svc.name, "ServiceTags": svc.tags, "ServiceAddress": svc.address,
            "ServiceWeights": weights(svc),
            "ServiceMeta": svc.meta, "ServicePort": svc.port, "ServiceSocketPath": svc.socket_path,
            "ServiceEnableTagOverride": svc.enable_tag_override,
            "ServiceProxy": self.proxy(svc.proxy or Proxy(), structs=True),
            "ServiceConnect": {"Native": True} if svc.native else {},
        }
        if svc.tagged_addresses:
            out["ServiceTaggedAddresses"] = self.tagged_addresses(svc)
        if svc.locality is not None:
            out["ServiceLocality"] = self.locality(svc)
        return self._scoped(out, svc)

    @staticmethod
    def partition(p: Partition) -> dict:
        """api.Partition: Description omitted when empty (config-entries-and-resolver.md §5.1)."""
        out: dict = {"Name": p.name}
        if p.description:
            out["Description"] = p.description
        out["CreateIndex"] = p.create_index
        out["ModifyIndex"] = p.modify_index
        return out

    @staticmethod
    def namespace(ns: Namespace, policy_name: Callable[[str], str | None],
                  role_name: Callable[[str], str | None]) -> dict:
        """api.Namespace (clients-and-enterprise.md §2.1): Description, ACLs and Meta omitted when empty; ACL
        defaults as {ID, Name}, those whose policy or role is gone left out."""
        out: dict = {"Name": ns.name}
        if ns.description:
            out["Description"] = ns.description
        policies = [{"ID": i, "Name": n} for i in ns.policy_defaults if (n := policy_name(i)) is not None]
        roles = [{"ID": i, "Name": n} for i in ns.role_defaults if (n := role_name(i)) is not None]
        if policies or roles:
            out["ACLs"] = {"PolicyDefaults": policies, "RoleDefaults": roles}
        if ns.meta:
            out["Meta"] = ns.meta
        out["Partition"] = ns.partition
        out["CreateIndex"] = ns.create_index
        out["ModifyIndex"] = ns.modify_index
        return out
