"""`/v1/agent/*`: the local agent's services, checks, maintenance, self and members (reference agent-service-api.md)."""

from __future__ import annotations

import time

from aiohttp import web

from consulite import CONSUL_VERSION, messages as M
from consulite.decode.bodies import decode_object
from consulite.decode.filter import compile_filter
from consulite.decode.render import content_hash
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.http.context import Agent
from consulite.http.params import ent_meta, jittered, parse_bool, parse_wait
from consulite.http.responses import JSON, TEXT, empty_response, json_response
from consulite.http.router import Router
from consulite.model.check import CRITICAL, PASSING, STATUSES, WARNING, HealthCheck
from consulite.model.registration import prepare
from consulite.model.rules import validate_check

AGENT_SERVICE_FIELDS = frozenset({
    "Kind", "ID", "Service", "Tags", "Meta", "Port", "Address", "SocketPath", "TaggedAddresses", "Weights",
    "EnableTagOverride", "Proxy", "Connect", "PeerName",
})
HEALTH_CHECK_FIELDS = frozenset({
    "Node", "CheckID", "Name", "Status", "Notes", "Output", "ServiceID", "ServiceName", "ServiceTags", "Type",
    "Interval", "Timeout", "ExposedPort",
})


def register(router: Router) -> None:
    router.add("/v1/agent/services", {"GET": list_services}, "List services registered with the agent")
    router.add("/v1/agent/service/", {"GET": get_service}, "Read one agent service (hash-blocking)")
    router.add("/v1/agent/service/register", {"PUT": register_service}, "Register a service")
    router.add("/v1/agent/service/deregister/", {"PUT": deregister_service}, "Deregister a service")
    router.add("/v1/agent/service/maintenance/", {"PUT": service_maintenance}, "Toggle service maintenance")
    router.add("/v1/agent/health/service/id/", {"GET": health_by_id}, "Aggregated health of a service ID")
    router.add("/v1/agent/health/service/name/", {"GET": health_by_name}, "Aggregated health by service name")
    router.add("/v1/agent/checks", {"GET": list_checks}, "List checks registered with the agent")
    router.add("/v1/agent/check/register", {"PUT": register_check}, "Register a check")
    router.add("/v1/agent/check/deregister/", {"PUT": deregister_check}, "Deregister a check")
    for status, name in ((PASSING, "pass"), (WARNING, "warn"), (CRITICAL, "fail")):
        router.add(f"/v1/agent/check/{name}/", {"PUT": _ttl_handler(status)}, f"Set a TTL check {status}")
    router.add("/v1/agent/check/update/", {"PUT": update_check}, "Set a TTL check's status and output")
    router.add("/v1/agent/maintenance", {"PUT": node_maintenance}, "Toggle node maintenance")
    router.add("/v1/agent/self", {"GET": self_info}, "Agent configuration and member")
    router.add("/v1/agent/members", {"GET": members}, "Serf LAN members")
    router.add("/v1/agent/version", {"GET": version}, "Build information")


# -- services ------------------------------------------------------------------------------------

async def list_services(agent: Agent, request: web.Request, rest: str):
    partition, namespace = ent_meta(agent, request)
    services = [agent.view(svc) for svc in agent.store.agent_services(partition, namespace)]
    text = request.query.get("filter")
    if text is None and "pretty" not in request.query:  # the hot path: cached JSON per service
        return web.Response(body=agent.render.agent_services_json(services), content_type=JSON)
    keep = compile_filter(text, AGENT_SERVICE_FIELDS) if text else None
    out = {}
    for svc in services:
        rendered = agent.render.agent_service(svc)
        if keep is None or keep(rendered):
            out[svc.id] = rendered
    return json_response(request, out)


def _with_hash(rendered: dict) -> tuple[dict, str]:
    digest = content_hash(rendered)
    out = {}
    for key, value in rendered.items():
        out[key] = value
        if key == "EnableTagOverride":
            out["ContentHash"] = digest
    return out, digest


async def get_service(agent: Agent, request: web.Request, service_id: str):
    _, wait = parse_wait(request)
    partition, namespace = ent_meta(agent, request)
    store = agent.store

    def current():
        svc = store.service(partition, namespace, service_id)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID.format(id=service_id))
        return _with_hash(agent.render.agent_service(agent.view(svc)))

    rendered, digest = current()
    wanted = request.query.get("hash")
    if wanted:
        deadline = time.monotonic() + jittered(wait)
        topics = [("agent", partition, namespace, service_id)]
        while digest == wanted and (remaining := deadline - time.monotonic()) > 0:
            await store.watches.wait(topics, remaining)
            rendered, digest = current()
    return json_response(request, rendered, headers={"X-Consul-ContentHash": digest})


async def register_service(agent: Agent, request: web.Request, rest: str):
    if not agent.config.enterprise:
        ent_meta(agent, request)  # Community Edition refuses partition/ns before decoding (§7)
    defn = agent.bodies.service(await request.read())
    partition, namespace = ent_meta(agent, request, defn.partition, defn.namespace)
    reg = prepare(defn, partition, namespace, inherit=agent.config.enterprise,
                  script_checks=agent.config.enable_script_checks)
    q = request.query
    replace = "replace-existing-checks" in q and q["replace-existing-checks"] in ("", "true")
    agent.store.register(reg, replace)
    return empty_response()


async def deregister_service(agent: Agent, request: web.Request, service_id: str):
    partition, namespace = ent_meta(agent, request)
    agent.store.deregister(partition, namespace, service_id)
    return empty_response()


def _enable_param(request: web.Request) -> bool:
    if "enable" not in request.query:
        raise BadRequest(M.MISSING_ENABLE)
    raw = request.query["enable"]
    enable = parse_bool(raw)
    if enable is None:
        raise BadRequest(M.INVALID_ENABLE.format(raw='"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'))
    return enable


async def service_maintenance(agent: Agent, request: web.Request, service_id: str):
    if not service_id:
        raise BadRequest(M.MISSING_SERVICE_ID)
    enable = _enable_param(request)
    partition, namespace = ent_meta(agent, request)
    agent.store.maintenance(partition, namespace, service_id, enable, request.query.get("reason", ""))
    return empty_response()


async def node_maintenance(agent: Agent, request: web.Request, rest: str):
    enable = _enable_param(request)
    agent.store.node_maintenance(enable, request.query.get("reason", ""))
    return empty_response()


# -- aggregated health ---------------------------------------------------------------------------

def aggregated_status(checks: list[HealthCheck]) -> str:
    """api.HealthChecks.AggregatedStatus: maintenance, then critical, warning, passing."""
    statuses = set()
    for c in checks:
        if c.check_id == M.NODE_MAINT_CHECK_ID or c.check_id.startswith("_service_maintenance:"):
            return "maintenance"
        statuses.add(c.status)
    for status in (CRITICAL, WARNING):
        if status in statuses:
            return status
    return PASSING


_STATUS_CODE = {PASSING: 200, WARNING: 429}


def _agent_node_checks(agent: Agent) -> list[HealthCheck]:
    """The node's checks the agent itself holds (serfHealth is the servers', not the agent's)."""
    store = agent.store
    return [c for c in store.node_checks() if c is not store.serf_check]


def _wants_text(request: web.Request) -> bool:
    if request.headers.get("Accept", "").startswith("text/plain"):
        return True
    return request.query.get("format", "") == "text"


def _health_entry(agent: Agent, svc, node_checks: list[HealthCheck]) -> tuple[int, str, dict]:
    checks = agent.store.service_checks(svc) + node_checks
    status = aggregated_status(checks)
    entry = {"AggregatedStatus": status, "Service": agent.render.agent_service(agent.view(svc)),
             "Checks": [agent.render.health_check(c, svc.tags) for c in checks]}
    return _STATUS_CODE.get(status, 503), status, entry


async def health_by_id(agent: Agent, request: web.Request, service_id: str):
    if not service_id:
        raise BadRequest(M.MISSING_SERVICE_ID_HEALTH)
    partition, namespace = ent_meta(agent, request)
    svc = agent.store.service(partition, namespace, service_id)
    if svc is None:
        if _wants_text(request):
            return web.Response(text=M.SERVICE_ID_NOT_FOUND_TEXT.format(id=service_id), status=404)
        return json_response(request, {"AggregatedStatus": CRITICAL, "Service": None, "Checks": None}, 404)
    code, status, entry = _health_entry(agent, svc, _agent_node_checks(agent))
    if _wants_text(request):
        return web.Response(body=status.encode(), status=code, headers={"Content-Type": TEXT})
    return json_response(request, entry, code)


async def health_by_name(agent: Agent, request: web.Request, name: str):
    if not name:
        raise BadRequest(M.MISSING_SERVICE_NAME_HEALTH)
    partition, namespace = ent_meta(agent, request)
    code, status, result = 404, M.SERVICE_NAME_NOT_FOUND_TEXT.format(name=name), []
    node_checks = _agent_node_checks(agent)  # the same for every instance: read once
    for svc in agent.store.instances(partition, namespace, name):
        if svc is agent.store.consul_service:
            continue
        scode, sstatus, entry = _health_entry(agent, svc, node_checks)
        result.append(entry)
        if code == 404 or code < scode:
            code, status = scode, sstatus
    if _wants_text(request):
        return web.Response(body=status.encode(), status=code, headers={"Content-Type": TEXT})
    return json_response(request, result, code)


# -- checks --------------------------------------------------------------------------------------

async def list_checks(agent: Agent, request: web.Request, rest: str):
    partition, namespace = ent_meta(agent, request)
    text = request.query.get("filter")
    keep = compile_filter(text, HEALTH_CHECK_FIELDS) if text else None
    store = agent.store
    out = {}
    for c in store.checks_in(partition, namespace):
        if c is store.serf_check:
            continue
        svc = store.service(c.partition, c.namespace, c.service_id) if c.service_id else None
        rendered = agent.render.health_check(c, svc.tags if svc else None)
        if keep is None or keep(rendered):
            out[c.check_id] = rendered
    return json_response(request, out)


async def register_check(agent: Agent, request: web.Request, rest: str):
    if not agent.config.enterprise:
        ent_meta(agent, request)
    defn = agent.bodies.check(await request.read())
    if not defn.name:
        raise BadRequest(M.MISSING_CHECK_NAME)
    if defn.status and defn.status not in STATUSES:
        raise BadRequest(M.BAD_CHECK_STATUS)
    partition, namespace = ent_meta(agent, request, defn.partition, defn.namespace)
    err = validate_check(defn)
    if err:
        raise BadRequest(M.INVALID_CHECK.format(err=err))
    if defn.script_args and not agent.config.enable_script_checks:
        raise ConsulError(M.SCRIPTS_DISABLED)
    agent.store.register_check(defn, partition, namespace)
    return empty_response()


async def deregister_check(agent: Agent, request: web.Request, check_id: str):
    partition, namespace = ent_meta(agent, request)
    agent.store.deregister_check(partition, namespace, check_id)
    return empty_response()


def _ttl_handler(status: str):
    async def set_status(agent: Agent, request: web.Request, check_id: str):
        partition, namespace = ent_meta(agent, request)
        agent.store.update_ttl(partition, namespace, check_id, status, request.query.get("note", ""))
        return empty_response()

    return set_status


async def update_check(agent: Agent, request: web.Request, check_id: str):
    update = decode_object(await request.read(), {"Status": str, "Output": str}, "agent.checkUpdate")
    status = update.get("Status", "")
    if status not in STATUSES:
        raise BadRequest(M.INVALID_CHECK_STATUS.format(status=status))
    partition, namespace = ent_meta(agent, request)
    agent.store.update_ttl(partition, namespace, check_id, status, update.get("Output", ""))
    return empty_response()


# -- self, members, version ----------------------------------------------------------------------

def member(agent: Agent) -> dict:
    cfg = agent.config
    tags = {
        "role": "consul", "dc": cfg.datacenter, "port": "8300", "id": agent.node.id, "vsn": "2", "vsn_min": "2",
        "vsn_max": "3", "build": f"{CONSUL_VERSION}:consulite", "segment": "", "acls": "0", "ft_fs": "1",
        "ft_si": "1", "raft_vsn": "3", "expect": "1", "wan_join_port": "8302", "grpc_port": "8502",
    }
    if cfg.enterprise:
        tags["ap"] = "default"
    return {"Name": cfg.node_name, "Addr": agent.node.address, "Port": 8301, "Tags": tags, "Status": 1,
            "ProtocolMin": 1, "ProtocolMax": 5, "ProtocolCur": 2, "DelegateMin": 2, "DelegateMax": 5,
            "DelegateCur": 4}


def _version(agent: Agent) -> str:
    return CONSUL_VERSION + ("+ent" if agent.config.enterprise else "")


async def self_info(agent: Agent, request: web.Request, rest: str):
    cfg = agent.config
    config = {"Datacenter": cfg.datacenter, "PrimaryDatacenter": cfg.datacenter, "NodeName": cfg.node_name,
              "NodeID": agent.node.id, "Revision": "consulite", "Server": True, "Version": _version(agent),
              "BuildDate": "2025-01-01T00:00:00Z"}
    if cfg.enterprise:
        config["Partition"] = "default"
    leader = f"{agent.node.address}:8300"
    return json_response(request, {
        "Config": config,
        "DebugConfig": {"Datacenter": cfg.datacenter, "NodeName": cfg.node_name, "DevMode": True,
                        "EnableCentralServiceConfig": True, "EnableScriptChecks": cfg.enable_script_checks},
        "Coord": {"Vec": [0.0] * 8, "Error": 1.5, "Adjustment": 0.0, "Height": 1e-05},
        "Member": member(agent),
        "Stats": {"agent": {"check_monitors": "0", "check_ttls": "0", "checks": "0", "services": "0"},
                  "build": {"version": CONSUL_VERSION, "revision": "consulite", "prerelease": "",
                            "version_metadata": "ent" if cfg.enterprise else ""},
                  "consul": {"leader": "true", "leader_addr": leader, "server": "true", "bootstrap": "true",
                             "known_datacenters": "1"},
                  "runtime": {"os": "linux", "arch": "amd64"}, "serf_lan": {"members": "1"}},
        "Meta": {"consul-network-segment": "", "consul-version": CONSUL_VERSION},
        "xDS": {"SupportedProxies": {"envoy": ["1.33.0", "1.32.3", "1.31.5", "1.30.9"]}, "Port": 8502,
                "Ports": {"Plaintext": 8502, "TLS": -1}},
    })


async def members(agent: Agent, request: web.Request, rest: str):
    q = request.query
    if q.get("wan") and q.get("segment") not in (None, "", "_all"):
        raise BadRequest(M.SEGMENT_WITH_WAN)
    ent_meta(agent, request)
    return json_response(request, [member(agent)])


async def version(agent: Agent, request: web.Request, rest: str):
    return json_response(request, {"SHA": "consulite", "BuildDate": "2025-01-01T00:00:00Z",
                                   "HumanVersion": _version(agent), "FIPS": ""})
