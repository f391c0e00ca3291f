"""Coordinates, raft, autopilot, licence, usage and keyring: the operator's view of a one-server cluster
(agent/coordinate_endpoint.go, agent/operator_endpoint.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consulite import CONSUL_VERSION
from consulite import messages as M
from consulite.decode.bodies import parse_json
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.model.go import format_duration, go_float, join_host_port
from consulite.model.operator import AUTOPILOT_DEFAULTS, ORIGIN, AutopilotConfig, NodeCoordinate
from consulite.model.scope import DEFAULT

if TYPE_CHECKING:
    from consulite.agent.core import Agent

#: Autopilot's duration settings and its integer ones (api/operator_autopilot.go)
_DURATIONS = ("LastContactThreshold", "ServerStabilizationTime")
_INTS = ("MaxTrailingLogs", "MinQuorum")
_BOOLS = ("CleanupDeadServers", "DisableUpgradeMigration")
_STRINGS = ("RedundancyZoneTag", "UpgradeVersionTag")
#: Features of the licence the Enterprise edition reports (website/content/docs/enterprise/index.mdx)
LICENSE_FEATURES = ("Automated Backups", "Automated Upgrades", "Enhanced Read Scalability", "Network Segments",
                    "Redundancy Zone", "Advanced Network Federation", "Namespaces", "SSO", "Audit Logging",
                    "Admin Partitions")


def ci_get(body: dict[str, Any], key: str, default: Any = None) -> Any:
    """A key of a JSON object as Go's encoding/json finds it: exact name first, then case-insensitively."""
    if key in body:
        return body[key]
    low = key.lower()
    return next((v for k, v in body.items() if k.lower() == low), default)


def json_body(raw: bytes, gotype: str) -> dict[str, Any]:
    """A JSON object body (null is an empty one, as Go decodes it into a struct), or Consul's `Request decode
    failed` 400; `gotype` names the Go type the body decodes into."""
    try:
        value = parse_json(raw)
    except DecodeError as e:
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=e.text)) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=M.GO_UNMARSHAL_VALUE.format(
            kind=_go_kind(value), type=gotype)))
    return value


_ZERO: dict[type, Any] = {bool: False, int: 0, float: 0.0, str: "", dict: {}, list: []}
_GO_TYPE = {bool: "bool", int: "int", float: "float64", str: "string", dict: "object", list: "array"}


def field(body: Any, key: str, want: type, where: str, gotype: str = "") -> Any:
    """`body[key]` (Go's case-insensitive match) as a `want`, its zero value when absent or null, or Consul's
    `Request decode failed` 400 naming the Go struct field `where.key` as encoding/json does."""
    value = ci_get(body, key) if isinstance(body, dict) else None
    if value is None:
        return _ZERO[want] if want not in (dict, list) else want()
    numeric = want in (int, float) and isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric and (want is float or float(value).is_integer()):
        return want(value)
    if not numeric and isinstance(value, want) and not (want is int and isinstance(value, bool)):
        return value
    raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=M.GO_UNMARSHAL.format(
        kind=_go_kind(value), field=f"{where}.{key}", type=gotype or _GO_TYPE[want])))


def _go_kind(value: Any) -> str:
    return ("bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float))
            else "string" if isinstance(value, str) else "array" if isinstance(value, list)
            else "object" if isinstance(value, dict) else "null")


class Operator:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    # -- coordinates ----------------------------------------------------------------------------

    def _own(self) -> NodeCoordinate:
        return NodeCoordinate(node=self.agent.node.name)

    def coordinates(self, ws: set | None = None) -> tuple[int, list[dict[str, Any]]]:
        """`/v1/coordinate/nodes`: every node's LAN coordinate (the agent's own from the start)."""
        rows = {c.node: c for c in self.store.coordinates.list(ws)}
        rows.setdefault(self.agent.node.name, self._own())
        return self.store.index_of(ws or set()), [self._render(rows[n]) for n in sorted(rows)]

    def node_coordinates(self, node: str, ws: set | None = None) -> tuple[int, list[dict[str, Any]]]:
        index, rows = self.coordinates(ws)
        found = [r for r in rows if r["Node"] == node]
        if not found:
            raise NotFound("")
        return index, found

    def datacenters(self) -> list[dict[str, Any]]:
        """`/v1/coordinate/datacenters`: the one datacenter's WAN pool, the server alone in it."""
        coord = {"Node": self.agent.node.name, "Segment": "", "Coord": dict(ORIGIN)}
        return [{"Datacenter": self.agent.config.datacenter, "AreaID": "wan", "Coordinates": [coord]}]

    def update_coordinate(self, raw: bytes) -> None:
        """`PUT /v1/coordinate/update`: keep a node's coordinate (a node the catalog lacks is ignored, as the
        state store's batch update does)."""
        body = json_body(raw, "structs.CoordinateUpdateRequest")
        coord = field(body, "Coord", dict, "Coordinate", "coordinate.Coordinate")
        vec = field(coord, "Vec", list, "Coordinate.Coord", "[]float64")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in vec):
            bad = next(v for v in vec if isinstance(v, bool) or not isinstance(v, (int, float)))
            raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=M.GO_UNMARSHAL.format(
                kind=_go_kind(bad), field="Coordinate.Coord.Vec", type="float64")))
        values = {k: field(coord, k, float, "Coordinate.Coord") for k in ("Error", "Adjustment", "Height")}
        vector = [float(v) for v in vec]
        if len(vector) != len(ORIGIN["Vec"]):
            shown = " ".join(go_float(v) for v in vector)
            raise ConsulError(M.COORDINATE_REJECTED.format(coord=f"&{{[{shown}] " + " ".join(
                go_float(values[k]) for k in ("Error", "Adjustment", "Height")) + "}"))
        node = field(body, "Node", str, "Coordinate")
        if self.agent.is_this_node(node):
            node = self.agent.node.name
        elif self.store.nodes.get(DEFAULT, node) is None:
            return
        row = NodeCoordinate(node=node, segment=field(body, "Segment", str, "Coordinate"),
                             coord={"Vec": vector, **values})
        with self.store.write() as tx:
            self.store.coordinates.put(tx, row)

    @staticmethod
    def _render(c: NodeCoordinate) -> dict[str, Any]:
        return {"Node": c.node, "Segment": c.segment, "Coord": c.coord}

    # -- raft -----------------------------------------------------------------------------------

    @property
    def server_address(self) -> str:
        return join_host_port(self.agent.node.address, self.agent.config.server_port)

    def raft_configuration(self) -> dict[str, Any]:
        node = self.agent.node
        return {"Servers": [{"ID": node.id, "Node": node.name, "Address": self.server_address, "Leader": True,
                             "ProtocolVersion": "3", "Voter": True, "LastIndex": self.store.index}],
                "Index": 0}  # the raft configuration's own index: 0 on a single dev server (py-consul checks it)

    def remove_peer(self, peer_id: str, address: str) -> None:
        """`DELETE /v1/operator/raft/peer`: the only peer is the leader, which cannot be removed here."""
        if not peer_id and not address:
            raise BadRequest(M.RAFT_PEER_MISSING)
        if peer_id:
            if peer_id != self.agent.node.id:
                raise ConsulError(M.RAFT_ID_NOT_FOUND.format(id=peer_id))
        elif address != self.server_address:
            raise ConsulError(M.RAFT_ADDRESS_NOT_FOUND.format(address=address))
        raise ConsulError(M.RAFT_REMOVE_LEADER)

    def transfer_leader(self, peer_id: str) -> None:
        """`POST /v1/operator/raft/transfer-leader`: a single server has nobody to hand leadership to."""
        if peer_id and peer_id != self.agent.node.id:
            raise ConsulError(M.RAFT_TRANSFER_UNKNOWN.format(id=peer_id))
        raise ConsulError(M.RAFT_TRANSFER_ALONE)

    # -- autopilot ------------------------------------------------------------------------------

    def autopilot(self, ws: set | None = None) -> dict[str, Any]:
        row = self.store.autopilot.get(ws)
        if row is None:
            return {**AUTOPILOT_DEFAULTS, "CreateIndex": 1, "ModifyIndex": 1}
        return {**row.settings, "CreateIndex": row.create_index, "ModifyIndex": row.modify_index}

    def set_autopilot(self, raw: bytes, cas: str | None) -> bool:
        """`PUT /v1/operator/autopilot/configuration`: the body replaces the whole configuration (absent keys
        are zero, as Go decodes them); `?cas=` writes only over that ModifyIndex."""
        cas_index = None
        if cas is not None:
            if not cas.isdigit():
                raise BadRequest(M.AUTOPILOT_BAD_CAS.format(cas=cas))
            cas_index = int(cas)
        body = json_body(raw, "api.AutopilotConfiguration")
        settings: dict[str, Any] = {}
        where = "AutopilotConfiguration"
        for key in _DURATIONS:
            value = field(body, key, str, where)
            try:
                settings[key] = format_duration(parse_duration(value)) if value else "0s"
            except DecodeError as e:
                raise BadRequest(M.AUTOPILOT_BAD_CONFIG.format(err=e.text)) from None
        settings.update({k: field(body, k, bool, where) for k in _BOOLS})
        settings.update({k: field(body, k, int, where) for k in _INTS})
        settings.update({k: field(body, k, str, where) for k in _STRINGS})
        ordered = {k: settings[k] for k in AUTOPILOT_DEFAULTS}
        with self.store.write() as tx:
            if self.store.autopilot.row is None and cas_index == 1:  # the defaults answer index 1
                cas_index = 0
            return self.store.autopilot.put(tx, AutopilotConfig(settings=ordered), cas_index)

    def _server_health(self) -> dict[str, Any]:
        node = self.agent.node
        return {"ID": node.id, "Name": node.name, "Address": self.server_address, "SerfStatus": "alive",
                "Version": CONSUL_VERSION, "Leader": True, "LastContact": "0s", "LastTerm": 2,
                "LastIndex": self.store.index, "Healthy": True, "Voter": True,
                "StableSince": self.agent.started_at}

    def autopilot_health(self) -> dict[str, Any]:
        return {"Healthy": True, "FailureTolerance": 0, "Servers": [self._server_health()]}

    def autopilot_state(self) -> dict[str, Any]:
        """`/v1/operator/autopilot/state` (Consul 1.9+, api/operator_autopilot.go AutopilotState)."""
        node = self.agent.node
        server = {**self._server_health(), "Status": "leader", "Meta": {"consul-network-segment": ""},
                  "NodeType": "voter", "NodeStatus": "alive"}
        for key in ("SerfStatus", "Leader", "Healthy", "Voter"):
            server.pop(key)
        return {"Healthy": True, "FailureTolerance": 0, "OptimisticFailureTolerance": 0,
                "Servers": {node.id: server}, "Leader": node.id, "Voters": [node.id],
                "RedundancyZones": None, "ReadReplicas": None, "Upgrade": None}

    # -- licence, usage, keyring ----------------------------------------------------------------

    def license(self) -> dict[str, Any]:
        """`GET /v1/operator/license` in the Enterprise edition: a valid, non-expiring licence."""
        node = self.agent.node
        return {"Valid": True, "Warnings": [], "License": {
            "license_id": node.id, "customer_id": "consulite", "installation_id": "*",
            "issue_time": "2025-01-01T00:00:00Z", "start_time": "2025-01-01T00:00:00Z",
            "expiration_time": "2099-01-01T00:00:00Z", "termination_time": "2099-01-01T00:00:00Z",
            "product": "consul", "flags": {"package": "premium"}, "modules": [],
            "features": list(LICENSE_FEATURES), "temporary": False}}

    def license_stats(self) -> dict[str, Any]:
        """`Stats.license` of `/v1/agent/self` in the Enterprise edition (what Nomad and consul-k8s test for
        Enterprise: a comma-separated `features` string); nothing in the Community Edition."""
        if not self.agent.enterprise:
            return {}
        lic = self.license()["License"]
        return {"license": {"id": lic["license_id"], "customer": lic["customer_id"],
                            "install_id": lic["installation_id"], "issue_time": lic["issue_time"],
                            "start_time": lic["start_time"], "expiration_time": lic["expiration_time"],
                            "product": lic["product"], "modules": "", "features": ", ".join(lic["features"])}}

    def debug_config(self) -> dict[str, Any]:
        """The DebugConfig keys tools read (consul-k8s, Nomad, sdk/testutil's users): Connect, the ports and
        the addresses as configured (a port that is off is -1, with no addresses; agent/config/runtime.go)."""
        cfg = self.agent.config

        def addrs(service: str, port: int, *networks: str) -> list[str]:
            return [f"{net}://{join_host_port(a, port)}" for a in cfg.addresses(service) for net in networks] \
                if port > 0 else []

        def port(value: int) -> int:
            return value if value > 0 else -1

        return {"ConnectEnabled": cfg.connect_enabled, "GRPCPort": port(cfg.grpc_port),
                "GRPCTLSPort": port(cfg.grpc_tls_port), "GRPCAddrs": addrs("grpc", cfg.grpc_port, "tcp"),
                "DNSPort": port(cfg.dns_port), "DNSAddrs": addrs("dns", cfg.dns_port, "tcp", "udp"),
                "DNSDomain": cfg.domain, "HTTPPort": port(cfg.http_port), "HTTPSPort": port(cfg.https_port),
                "HTTPAddrs": addrs("http", cfg.http_port, "tcp"), "SerfPortLAN": port(cfg.serf_lan_port),
                "SerfPortWAN": port(cfg.serf_wan_port), "ServerPort": cfg.server_port, "ServerMode": cfg.server,
                "Bootstrap": cfg.bootstrap, "BindAddr": cfg.bind_addr, "ClientAddrs": cfg.client_addr.split(),
                "AdvertiseAddrLAN": cfg.node_address, "NodeID": self.agent.node.id, "SessionTTLMin": "0s"}

    def usage(self) -> dict[str, Any]:
        """`/v1/operator/usage` (Consul 1.10+, api/operator_usage.go): service counts of the datacenter."""
        services = self.store.services.dump()
        kinds = ("connect-proxy", "ingress-gateway", "mesh-gateway", "terminating-gateway")
        per_kind = {"connect-native": sum(1 for s in services if s.native),
                    **{k: sum(1 for s in services if s.kind == k) for k in kinds}}
        usage = {"Services": len({(s.partition, s.namespace, s.name) for s in services}),
                 "ServiceInstances": len(services), "ConnectServiceInstances": per_kind,
                 "BillableServiceInstances": sum(1 for s in services if not s.kind), "Nodes": 1}
        return {"Usage": {self.agent.config.datacenter: usage}, "Index": self.store.index, "LastContact": 0,
                "KnownLeader": True, "ConsistencyLevel": "leader", "NotModified": False, "Backend": 0,
                "ResultsFilteredByACLs": False}

    def keyring(self) -> None:
        """Every `/v1/operator/keyring` verb: gossip encryption is off in a dev agent."""
        name, dc = self.agent.node.name, self.agent.config.datacenter
        raise ConsulError(M.KEYRING_EMPTY.format(node=name, dc=dc))
