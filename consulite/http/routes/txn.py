"""`PUT /v1/txn`: limits, 200 `Results` / 409 `Errors`, the read path's headers
(reference kv-sessions-txn.md §3; agent/txn_endpoint.go)."""

from __future__ import annotations

from consulite import messages as M
from consulite.agent.kv import MAX_VALUE_SIZE
from consulite.agent.txn import MAX_OPS
from consulite.decode.kv import render_entry
from consulite.decode.txn import decode_txn
from consulite.errors import BadRequest, ConsulError, DecodeError
from consulite.http.context import RequestContext
from consulite.http.router import Router

MAX_BODY = max(524288, MAX_VALUE_SIZE)  # max(txn_max_req_len, kv_max_value_size)


#: the read path's response embeds Consul's QueryMeta (flattened by Go's JSON encoder; reference §3.3)
READ_META = {"Index": 1, "LastContact": 0, "KnownLeader": True, "ConsistencyLevel": "", "NotModified": False,
             "Backend": 0, "ResultsFilteredByACLs": False}


def register(router: Router) -> None:
    router.add("/v1/txn", {"PUT": txn}, query=True, max_body=2 * MAX_BODY)  # the handler's own 413 text


def _result(ctx: RequestContext, family: str, obj) -> dict:
    render = ctx.render
    if family == "KV":
        return {"KV": render_entry(obj, ctx.agent.enterprise)}
    # the stored structs: no tags are null (the catalog's HTTP reads fill in []); a check carries its service's
    if family == "Check":
        return {"Check": {**render.health_check(obj), "ServiceTags": ctx.agent.health.service_tags(obj) or None}}
    if family == "Service":
        return {"Service": {**render.node_service(obj), "Tags": obj.tags or None}}
    return {"Node": render.node_json(ctx.scope.partition) if obj is None else render.catalog_node(obj)}


_KV_READS = frozenset({"get", "get-tree", "check-index", "check-session", "check-not-exists"})


def _authorize_ops(ctx: RequestContext, ops) -> None:
    """Each op's own permission before anything runs (agent/consul/txn_endpoint.go vetting): KV reads need
    `key:read`, KV writes `key:write`, node ops `node:write`, service and check ops `service:write` (check
    ops on a node check `node:write`)."""
    if ctx.authz.manage_all:
        return
    for op in ops:
        f = op.fields
        verb = str(f.get("Verb", ""))
        if op.family == "KV":
            ctx.require("key", str(f.get("Key", "")), "read" if verb in _KV_READS else "write")
        elif op.family == "Node":
            ctx.require("node", str((f.get("Node") or {}).get("Node", "")), "read" if verb == "get" else "write")
        elif op.family == "Service":
            name = str((f.get("Service") or {}).get("Service", ""))
            ctx.require("service", name, "read" if verb == "get" else "write")
        elif op.family == "Check":
            check = f.get("Check") or {}
            access = "read" if verb == "get" else "write"
            if check.get("ServiceName"):
                ctx.require("service", str(check["ServiceName"]), access)
            else:
                ctx.require("node", str(check.get("Node", "")), access)


async def txn(ctx: RequestContext):
    size = ctx.request.content_length or 0
    if size > MAX_BODY:
        raise ConsulError(M.BODY_TOO_LARGE.format(size=size, limit=MAX_BODY, doc=M.TXN_LIMIT_DOC), 413)
    try:
        ops = decode_txn(await ctx.body(), ctx.agent.enterprise)
    except DecodeError as e:
        raise BadRequest(M.TXN_PARSE_FAILED.format(err=e.text)) from None
    if len(ops) > MAX_OPS:
        raise ConsulError(M.TXN_TOO_MANY.format(n=len(ops), max=MAX_OPS), 413)
    for op in ops:
        if op.value is not None and len(op.value) > MAX_VALUE_SIZE:
            raise ConsulError(M.TXN_VALUE_TOO_LARGE.format(key=op.fields.get("Key", ""), size=len(op.value),
                                                           max=MAX_VALUE_SIZE), 413)
    _authorize_ops(ctx, ops)
    outcome = ctx.agent.txn.run(ops, ctx.scope)
    headers = None if outcome.write else {"X-Consul-Knownleader": "true", "X-Consul-Lastcontact": "0"}
    if outcome.errors is not None:
        errors = [{"OpIndex": i, "What": what} for i, what in outcome.errors]
        return ctx.json({"Results": None, "Errors": errors}, status=409, headers=headers)
    results = [_result(ctx, family, obj) for family, obj in outcome.results or []]
    body: dict[str, object] = {"Results": results, "Errors": None}
    if not outcome.write:
        body.update(READ_META)
    return ctx.json(body, headers=headers)
