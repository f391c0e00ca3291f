"""`/v1/agent/*`: the local agent's services, checks, maintenance, self and members (reference agent-service-api.md)."""

from __future__ import annotations

from aiohttp import web

from consulite import CONSUL_VERSION
from consulite import messages as M
from consulite.agent.services import STATUS_CODES
from consulite.agent.stats import stats
from consulite.decode import filter_schema as F
from consulite.decode.bodies import decode_object
from consulite.decode.render import content_hash
from consulite.errors import BadRequest
from consulite.http.acl import check_readable, service_readable
from consulite.http.context import RequestContext
from consulite.http.query import parse_scope
from consulite.http.responses import JSON, TEXT, empty_response
from consulite.http.router import Router
from consulite.model.check import CRITICAL, PASSING, STATUSES, WARNING
from consulite.model.go import parse_bool
from consulite.model.scope import DEFAULT


def register(router: Router) -> None:
    router.add("/v1/agent/services", {"GET": list_services})
    router.add("/v1/agent/service/", {"GET": get_service}, blocking=True)
    router.add("/v1/agent/service/register", {"PUT": register_service})
    router.add("/v1/agent/service/deregister/", {"PUT": deregister_service})
    router.add("/v1/agent/service/maintenance/", {"PUT": service_maintenance})
    router.add("/v1/agent/health/service/id/", {"GET": health_by_id})
    router.add("/v1/agent/health/service/name/", {"GET": health_by_name}, acl={"GET": ("service", "read")})
    router.add("/v1/agent/checks", {"GET": list_checks})
    router.add("/v1/agent/check/register", {"PUT": register_check})
    router.add("/v1/agent/check/deregister/", {"PUT": deregister_check})
    for status, name in ((PASSING, "pass"), (WARNING, "warn"), (CRITICAL, "fail")):
        router.add(f"/v1/agent/check/{name}/", {"PUT": _ttl_handler(status)})
    router.add("/v1/agent/check/update/", {"PUT": update_check})
    router.add("/v1/agent/maintenance", {"PUT": node_maintenance}, scoped=False)
    router.add("/v1/agent/self", {"GET": self_info}, scoped=False, acl={"GET": ("agent", "read")})
    router.add("/v1/agent/members", {"GET": members}, scoped=False)
    router.add("/v1/agent/version", {"GET": version}, scoped=False)


# -- services ------------------------------------------------------------------------------------

async def list_services(ctx: RequestContext):
    services = ctx.visible(ctx.agent.services.listing(ctx.scope), service_readable(ctx))
    keep = ctx.filter(F.AGENT_SERVICE)
    if keep is None and "pretty" not in ctx.params:  # the hot path: cached JSON per service
        return web.Response(body=ctx.render.agent_services_json(services), content_type=JSON)
    out = {}
    for svc in services:
        rendered = ctx.render.agent_service(svc)
        if keep is None or keep(rendered):
            out[svc.id] = rendered
    return ctx.json(out)


def _with_hash(rendered: dict) -> tuple[dict, str]:
    digest = content_hash(rendered)
    out = {}
    for key, value in rendered.items():
        out[key] = value
        if key == "EnableTagOverride":
            out["ContentHash"] = digest
    return out, digest


async def get_service(ctx: RequestContext):
    agent, service_id = ctx.agent, ctx.rest

    def read(ws: set):
        index, svc = agent.services.view(ctx.scope, service_id, ws)
        ctx.require("service", svc.name, "read")
        return index, _with_hash(ctx.render.agent_service(svc))

    _, (rendered, digest) = await ctx.block(read, digest_of=lambda value: value[1])
    return ctx.json(rendered, headers={"X-Consul-ContentHash": digest})


async def register_service(ctx: RequestContext):
    defn = ctx.agent.bodies.service(await ctx.body())
    q = ctx.params
    replace = "replace-existing-checks" in q and q["replace-existing-checks"] in ("", "true")
    ctx.agent.services.register(defn, ctx.scope, replace, ctx.authz)
    return empty_response()


async def deregister_service(ctx: RequestContext):
    ctx.require("service", ctx.agent.services.require(ctx.scope, ctx.rest).name, "write")
    ctx.agent.services.deregister(ctx.scope, ctx.rest)
    return empty_response()


def _enable_param(ctx: RequestContext) -> bool:
    if "enable" not in ctx.params:
        raise BadRequest(M.MISSING_ENABLE)
    raw = ctx.params["enable"]
    enable = parse_bool(raw)
    if enable is None:
        raise BadRequest(M.INVALID_ENABLE.format(raw='"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'))
    return enable


async def service_maintenance(ctx: RequestContext):
    if not ctx.rest:
        raise BadRequest(M.MISSING_SERVICE_ID)
    enable = _enable_param(ctx)
    ctx.require("service", ctx.agent.services.require(ctx.scope, ctx.rest).name, "write")
    ctx.agent.services.maintenance(ctx.scope, ctx.rest, enable, ctx.params.get("reason", ""))
    return empty_response()


async def node_maintenance(ctx: RequestContext):
    enable = _enable_param(ctx)  # its 400s come before the ACL check (acl.md §4.3)
    ctx.require("node", ctx.agent.config.node_name, "write")
    ctx.agent.checks.node_maintenance(enable, ctx.params.get("reason", ""))
    return empty_response()


# -- aggregated health ---------------------------------------------------------------------------

def _wants_text(ctx: RequestContext) -> bool:
    if ctx.request.headers.get("Accept", "").startswith("text/plain"):
        return True
    return ctx.params.get("format", "") == "text"


def _health_entry(ctx: RequestContext, svc, status: str, checks) -> dict:
    return {"AggregatedStatus": status, "Service": ctx.render.agent_service(svc),
            "Checks": [ctx.render.agent_health_check(c, svc.tags if c.service_id else None) for c in checks]}


def _text(status: str, code: int) -> web.Response:
    return web.Response(body=status.encode(), status=code, headers={"Content-Type": TEXT})


async def health_by_id(ctx: RequestContext):
    if not ctx.rest:
        raise BadRequest(M.MISSING_SERVICE_ID_HEALTH)
    found = ctx.agent.services.health_by_id(ctx.scope, ctx.rest)
    if found is None:
        if _wants_text(ctx):
            return web.Response(text=M.SERVICE_ID_NOT_FOUND_TEXT.format(id=ctx.rest), status=404)
        return ctx.json({"AggregatedStatus": CRITICAL, "Service": None, "Checks": None}, 404)
    svc, status, checks = found
    ctx.require("service", svc.name, "read")
    code = STATUS_CODES.get(status, 503)
    if _wants_text(ctx):
        return _text(status, code)
    return ctx.json(_health_entry(ctx, svc, status, checks), code)


async def health_by_name(ctx: RequestContext):
    name = ctx.rest
    if not name:
        raise BadRequest(M.MISSING_SERVICE_NAME_HEALTH)
    code, status, result = 404, M.SERVICE_NAME_NOT_FOUND_TEXT.format(name=name), []
    for svc, sstatus, checks in ctx.agent.services.health_by_name(ctx.scope, name):
        scode = STATUS_CODES.get(sstatus, 503)
        result.append(_health_entry(ctx, svc, sstatus, checks))
        if code == 404 or code < scode:
            code, status = scode, sstatus
    if _wants_text(ctx):
        return _text(status, code)
    return ctx.json(result, code)


# -- checks --------------------------------------------------------------------------------------

async def list_checks(ctx: RequestContext):
    keep = ctx.filter(F.HEALTH_CHECK, lazy=True)
    checks = ctx.agent.checks
    out = {}
    for c in ctx.visible(checks.listing(ctx.scope), check_readable(ctx)):
        rendered = ctx.render.agent_check(c, checks.service_tags(c))
        if keep is None or keep(rendered):
            out[c.check_id] = rendered
    return ctx.json(out)


def _require_check_write(ctx: RequestContext, service_id: str, scope=None) -> None:
    """A service check needs `service:write` on its service, a node check `node:write` on the node."""
    if ctx.authz.manage_all:
        return
    if service_id:
        svc = ctx.agent.services.get(scope or ctx.scope, service_id)
        if svc is not None:
            ctx.require("service", svc.name, "write")
    else:
        ctx.require("node", ctx.agent.config.node_name, "write")


async def register_check(ctx: RequestContext):
    defn = ctx.agent.bodies.check(await ctx.body())
    _require_check_write(ctx, defn.service_id)
    ctx.agent.checks.register(defn, ctx.scope)
    return empty_response()


def _existing_check(ctx: RequestContext) -> None:
    if not ctx.authz.manage_all:
        _require_check_write(ctx, ctx.agent.checks.require(ctx.scope, ctx.rest).service_id)


async def deregister_check(ctx: RequestContext):
    _existing_check(ctx)
    ctx.agent.checks.deregister(ctx.scope, ctx.rest)
    return empty_response()


def _ttl_handler(status: str):
    async def set_status(ctx: RequestContext):
        _existing_check(ctx)
        ctx.agent.checks.update_ttl(ctx.scope, ctx.rest, status, ctx.params.get("note", ""))
        return empty_response()

    return set_status


async def update_check(ctx: RequestContext):
    update = decode_object(await ctx.body(), {"Status": str, "Output": str}, "agent.checkUpdate")
    status = update.get("Status", "")
    if status not in STATUSES:
        raise BadRequest(M.INVALID_CHECK_STATUS.format(status=status))
    _existing_check(ctx)
    ctx.agent.checks.update_ttl(ctx.scope, ctx.rest, status, update.get("Output", ""))
    return empty_response()


# -- self, members, version ----------------------------------------------------------------------

def member(ctx: RequestContext, wan: bool = False) -> dict:
    agent = ctx.agent
    cfg = agent.config
    tags = {
        "role": "consul", "dc": cfg.datacenter, "port": str(cfg.server_port), "id": agent.node.id, "vsn": "2",
        "vsn_min": "2",
        "vsn_max": "3", "build": f"{CONSUL_VERSION}:consulite", "segment": "",
        "acls": "1" if agent.acl.enabled else "0", "ft_fs": "1",
        "ft_si": "1", "raft_vsn": "3", "expect": "1", "wan_join_port": str(cfg.serf_wan_port),
        "grpc_port": str(cfg.grpc_port),
    }
    if cfg.enterprise:
        tags["ap"] = DEFAULT
    name = f"{cfg.node_name}.{cfg.datacenter}" if wan else cfg.node_name  # WAN members are <node>.<dc>
    return {"Name": name, "Addr": agent.node.address, "Port": cfg.serf_wan_port if wan else cfg.serf_lan_port,
            "Tags": tags, "Status": 1,
            "ProtocolMin": 1, "ProtocolMax": 5, "ProtocolCur": 2, "DelegateMin": 2, "DelegateMax": 5,
            "DelegateCur": 4}


def _version(ctx: RequestContext) -> str:
    return CONSUL_VERSION + ("+ent" if ctx.agent.enterprise else "")


async def self_info(ctx: RequestContext):
    agent = ctx.agent
    cfg = agent.config
    config = {"Datacenter": cfg.datacenter, "PrimaryDatacenter": cfg.datacenter, "NodeName": cfg.node_name,
              "NodeID": agent.node.id, "Revision": "consulite", "Server": True, "Version": _version(ctx),
              "BuildDate": "2025-01-01T00:00:00Z"}
    if cfg.enterprise:
        config["Partition"] = DEFAULT
    return ctx.json({
        "Config": config,
        "DebugConfig": {"Datacenter": cfg.datacenter, "NodeName": cfg.node_name, "DevMode": cfg.dev,
                        "EnableCentralServiceConfig": True, "EnableScriptChecks": cfg.enable_script_checks,
                        **agent.operator.debug_config()},
        "Coord": {"Vec": [0.0] * 8, "Error": 1.5, "Adjustment": 0.0, "Height": 1e-05},
        "Member": member(ctx),
        "Stats": stats(agent),
        "Meta": {"consul-network-segment": "", "consul-version": CONSUL_VERSION},
        "xDS": {"SupportedProxies": {"envoy": ["1.33.0", "1.32.3", "1.31.5", "1.30.9"]}, "Port": cfg.grpc_port,
                "Ports": {"Plaintext": cfg.grpc_port, "TLS": cfg.grpc_tls_port}},
    })


async def members(ctx: RequestContext):
    q = ctx.params
    wan = bool(q.get("wan"))  # any non-empty value (agent/agent_endpoint.go AgentMembers)
    if q.get("wan") and q.get("segment") not in (None, "", "_all"):
        raise BadRequest(M.SEGMENT_WITH_WAN)
    parse_scope(ctx.agent.enterprise, ctx.params, ctx.request.headers)  # Community Edition's 400s, after wan
    node = ctx.agent.config.node_name
    return ctx.json(ctx.visible([member(ctx, wan)], lambda authz, _: authz.allowed("node", node, "read")))


async def version(ctx: RequestContext):
    return ctx.json({"SHA": "consulite", "BuildDate": "2025-01-01T00:00:00Z",
                     "HumanVersion": _version(ctx), "FIPS": ""})
