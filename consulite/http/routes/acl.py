"""`/v1/acl/*` (reference acl.md §2) and `/v1/agent/token/<kind>`. Reads need `acl:read`, writes `acl:write`
(the route table's ACL column); bootstrap, `token/self`, login and logout need none. With ACLs off every
route answers `401 ACL support disabled`."""

from __future__ import annotations

from consulite import messages as M
from consulite.decode.acl_json import (
    auth_method_json,
    binding_rule_json,
    digest,
    policy_json,
    read_body,
    role_json,
    token_json,
)
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.http.context import RequestContext
from consulite.http.responses import empty_response
from consulite.http.router import Handler, Router
from consulite.model.acl import TEMPLATE_SCHEMA, TEMPLATES, Token

READ, WRITE = ("acl", "read"), ("acl", "write")


def _enabled(handler: Handler) -> Handler:
    """401 with ACLs off; the handlers' 400s carry Go's `Bad request: ` (BadRequestError, as 1.8.7 shows)."""

    async def checked(ctx: RequestContext):
        if not ctx.agent.acl.enabled:
            raise ConsulError(M.ACL_DISABLED, 401)
        try:
            return await handler(ctx)
        except BadRequest as e:
            raise BadRequest(M.BAD_REQUEST.format(reason=e.text)) from None

    return checked


def register(router: Router) -> None:
    def add(pattern: str, methods: dict, acl: dict | None = None, **meta) -> None:
        router.add(pattern, {m: _enabled(h) for m, h in methods.items()}, acl=acl or {}, **meta)

    add("/v1/acl/bootstrap", {"PUT": bootstrap})
    add("/v1/acl/policy", {"PUT": create_policy}, {"PUT": WRITE})
    add("/v1/acl/policy/", {"GET": read_policy, "PUT": update_policy, "DELETE": delete_policy},
        {"GET": READ, "PUT": WRITE, "DELETE": WRITE})
    add("/v1/acl/policy/name/", {"GET": read_policy_by_name}, {"GET": READ})
    add("/v1/acl/policies", {"GET": list_policies}, {"GET": READ}, blocking=True)
    add("/v1/acl/token", {"PUT": create_token}, {"PUT": WRITE})
    add("/v1/acl/token/self", {"GET": token_self}, blocking=True)
    add("/v1/acl/token/", {"GET": read_token, "PUT": update_token, "DELETE": delete_token},
        {"GET": READ, "PUT": WRITE, "DELETE": WRITE})
    add("/v1/acl/tokens", {"GET": list_tokens}, {"GET": READ}, blocking=True)
    add("/v1/acl/role", {"PUT": create_role}, {"PUT": WRITE})
    add("/v1/acl/role/", {"GET": read_role, "PUT": update_role, "DELETE": delete_role},
        {"GET": READ, "PUT": WRITE, "DELETE": WRITE})
    add("/v1/acl/role/name/", {"GET": read_role_by_name}, {"GET": READ})
    add("/v1/acl/roles", {"GET": list_roles}, {"GET": READ}, blocking=True)
    add("/v1/acl/templated-policies", {"GET": list_templates}, {"GET": READ})
    add("/v1/acl/templated-policy/name/", {"GET": read_template}, {"GET": READ})
    add("/v1/acl/templated-policy/preview/", {"POST": preview_template}, {"POST": READ})
    add("/v1/acl/auth-method", {"PUT": create_method}, {"PUT": WRITE})
    add("/v1/acl/auth-method/", {"GET": read_method, "PUT": update_method, "DELETE": delete_method},
        {"GET": READ, "PUT": WRITE, "DELETE": WRITE})
    add("/v1/acl/auth-methods", {"GET": list_methods}, {"GET": READ}, blocking=True)
    add("/v1/acl/binding-rule", {"PUT": create_rule}, {"PUT": WRITE})
    add("/v1/acl/binding-rule/", {"GET": read_rule, "PUT": update_rule, "DELETE": delete_rule},
        {"GET": READ, "PUT": WRITE, "DELETE": WRITE})
    add("/v1/acl/binding-rules", {"GET": list_rules}, {"GET": READ}, blocking=True)
    add("/v1/acl/login", {"POST": login})
    add("/v1/acl/logout", {"POST": logout})
    add("/v1/agent/token/", {"PUT": set_agent_token}, {"PUT": ("agent", "write")}, scoped=False)


# -- bootstrap and policies ----------------------------------------------------------------------------

def _token(ctx: RequestContext, token: Token) -> dict:
    acl = ctx.agent.acl
    return token_json(token, ctx.agent.enterprise, acl.name_of("policies"), acl.name_of("roles"),
                      secret=ctx.authz.allowed("acl", None, "write", ctx.scope))


async def bootstrap(ctx: RequestContext):
    b = read_body(await ctx.body(), "Request", optional=True)
    token = ctx.agent.acl.bootstrap(b.text("BootstrapSecret"))
    acl = ctx.agent.acl
    out = token_json(token, ctx.agent.enterprise, acl.name_of("policies"), acl.name_of("roles"))
    return ctx.json({"ID": token.secret_id, **out})


def _id(ctx: RequestContext, what: str) -> str:
    if not ctx.rest:
        raise BadRequest(M.ACL_MISSING_ID.format(what=what))
    return ctx.rest


def _name(ctx: RequestContext, what: str) -> str:
    if not ctx.rest:
        raise BadRequest(M.ACL_MISSING_NAME.format(what=what))
    return ctx.rest


async def create_policy(ctx: RequestContext):
    b = read_body(await ctx.body(), "Policy")
    if b.text("ID"):
        raise BadRequest(M.ACL_CREATE_WITH_ID.format(what="policy"))
    return ctx.json(policy_json(ctx.agent.acl.set_policy(b, ctx.scope), ctx.agent.enterprise))


async def update_policy(ctx: RequestContext):
    pid = _id(ctx, "policy")
    b = read_body(await ctx.body(), "Policy")
    if b.text("ID") and b.text("ID") != pid:
        raise BadRequest(M.ACL_ID_MISMATCH.format(what="Policy"))
    return ctx.json(policy_json(ctx.agent.acl.set_policy(b, ctx.scope, pid), ctx.agent.enterprise))


async def read_policy(ctx: RequestContext):
    policy = ctx.agent.acl.get("policies", _id(ctx, "policy"), "policy")
    return ctx.read(policy_json(policy, ctx.agent.enterprise), policy.modify_index)


async def read_policy_by_name(ctx: RequestContext):
    policy = ctx.agent.acl.get_by_name("policies", _name(ctx, "policy"), ctx.scope, "policy")
    return ctx.read(policy_json(policy, ctx.agent.enterprise), policy.modify_index)


async def delete_policy(ctx: RequestContext):
    ctx.agent.acl.delete("policies", _id(ctx, "policy"))
    return ctx.json(True)


async def _list(ctx: RequestContext, table: str, render):
    acl = ctx.agent.acl

    def read(ws: set):
        rows = acl.listed(table, ctx.scope, ws)
        return acl.index(ws), rows

    index, rows = await ctx.block(read)
    return ctx.read([render(r) for r in rows], index)


async def list_policies(ctx: RequestContext):
    return await _list(ctx, "policies", lambda p: policy_json(p, ctx.agent.enterprise, stub=True))


# -- tokens ---------------------------------------------------------------------------------------------

async def create_token(ctx: RequestContext):
    b = read_body(await ctx.body(), "Token")
    return ctx.json(_token(ctx, ctx.agent.acl_tokens.create(b, ctx.scope)))


def _accessor_and_action(ctx: RequestContext) -> tuple[str, str]:
    accessor, _, action = ctx.rest.partition("/")
    if not accessor:
        raise BadRequest(M.ACL_MISSING_ACCESSOR)
    return accessor, action


async def read_token(ctx: RequestContext):
    accessor, action = _accessor_and_action(ctx)
    if action:
        raise NotFound(M.UNKNOWN_V1_PATH)
    token = ctx.agent.acl_tokens.read(accessor)
    out = _token(ctx, token)
    if "expanded" in ctx.params:
        out.update(_expanded(ctx, token))
    return ctx.read(out, token.modify_index)


def _expanded(ctx: RequestContext, token: Token) -> dict:
    acl, enterprise = ctx.agent.acl, ctx.agent.enterprise
    policies = [policy_json(p, enterprise) for pid in token.links.policies
                if (p := acl.tables["policies"].get(pid)) is not None]
    roles = [role_json(r, enterprise, acl.name_of("policies")) for rid in token.links.roles
             if (r := acl.tables["roles"].get(rid)) is not None]
    cfg = ctx.agent.config
    return {"ExpandedPolicies": policies or None, "ExpandedRoles": roles or None,
            "NamespaceDefaultPolicyIDs": None, "NamespaceDefaultRoleIDs": None,
            "AgentACLDefaultPolicy": cfg.acl_default_policy, "AgentACLDownPolicy": cfg.acl_down_policy,
            "ResolvedByAgent": cfg.node_name}


async def update_token(ctx: RequestContext):
    accessor, action = _accessor_and_action(ctx)
    tokens = ctx.agent.acl_tokens
    if action == "clone":
        b = read_body(await ctx.body(), "Token", optional=True)
        return ctx.json(_token(ctx, tokens.clone(accessor, b)))
    if action:
        raise NotFound(M.UNKNOWN_V1_PATH)
    b = read_body(await ctx.body(), "Token")
    if b.text("AccessorID") and b.text("AccessorID") != accessor:
        raise BadRequest(M.TOKEN_ACCESSOR_MISMATCH)
    return ctx.json(_token(ctx, tokens.update(accessor, b, ctx.scope)))


async def delete_token(ctx: RequestContext):
    accessor, _ = _accessor_and_action(ctx)
    ctx.agent.acl_tokens.delete(accessor, ctx.authz.accessor)
    return ctx.json(True)


async def token_self(ctx: RequestContext):
    token = ctx.agent.acl_tokens.self_token(ctx.token)
    return ctx.read(_token(ctx, token), token.modify_index)


async def list_tokens(ctx: RequestContext):
    q, acl = ctx.params, ctx.agent.acl

    def read(ws: set):
        rows = ctx.agent.acl_tokens.list(ctx.scope, ws, q.get("policy", ""), q.get("role", ""),
                                         q.get("authmethod", ""), q.get("servicename", ""))
        return acl.index(ws), rows

    index, rows = await ctx.block(read)
    return ctx.read([_token(ctx, t) for t in rows], index)


# -- roles ----------------------------------------------------------------------------------------------

def _role(ctx: RequestContext, role) -> dict:
    return role_json(role, ctx.agent.enterprise, ctx.agent.acl.name_of("policies"))


async def create_role(ctx: RequestContext):
    b = read_body(await ctx.body(), "Role")
    if b.text("ID"):
        raise BadRequest(M.ACL_CREATE_WITH_ID.format(what="role"))
    return ctx.json(_role(ctx, ctx.agent.acl.set_role(b, ctx.scope)))


async def update_role(ctx: RequestContext):
    rid = _id(ctx, "role")
    b = read_body(await ctx.body(), "Role")
    if b.text("ID") and b.text("ID") != rid:
        raise BadRequest(M.ACL_ID_MISMATCH.format(what="Role"))
    return ctx.json(_role(ctx, ctx.agent.acl.set_role(b, ctx.scope, rid)))


async def read_role(ctx: RequestContext):
    role = ctx.agent.acl.get("roles", _id(ctx, "role"), "role")
    return ctx.read(_role(ctx, role), role.modify_index)


async def read_role_by_name(ctx: RequestContext):
    role = ctx.agent.acl.get_by_name("roles", _name(ctx, "role"), ctx.scope, "role")
    return ctx.read(_role(ctx, role), role.modify_index)


async def delete_role(ctx: RequestContext):
    ctx.agent.acl.delete("roles", _id(ctx, "role"))
    return ctx.json(True)


async def list_roles(ctx: RequestContext):
    policy = ctx.params.get("policy", "")
    return await _list(ctx, "roles", lambda r: _role(ctx, r)) if not policy else ctx.json(
        [_role(ctx, r) for r in ctx.agent.acl.listed("roles", ctx.scope) if policy in r.links.policies])


# -- templated policies ---------------------------------------------------------------------------------

def _template(name: str) -> dict:
    _, description, rules, _ = TEMPLATES[name]
    return {"TemplateName": name, "Schema": TEMPLATE_SCHEMA if TEMPLATES[name][3] else "", "Template": rules
            .replace("{{", "\x00").replace("}}", "\x01").replace("{name}", "{{.Name}}")
            .replace("\x00", "{").replace("\x01", "}"), "Description": description}


async def list_templates(ctx: RequestContext):
    return ctx.json({name: _template(name) for name in TEMPLATES})


def _template_name(ctx: RequestContext) -> str:
    name = _name(ctx, "templated policy")
    if name not in TEMPLATES:
        raise NotFound(M.TEMPLATE_MISSING.format(name=name))
    return name


async def read_template(ctx: RequestContext):
    return ctx.json(_template(_template_name(ctx)))


async def preview_template(ctx: RequestContext):
    name = _template_name(ctx)
    b = read_body(await ctx.body(), "TemplatedPolicy", optional=True)
    if TEMPLATES[name][3] and not b.text("Name"):
        raise BadRequest(M.TEMPLATE_NO_NAME.format(name=name))
    rules = TEMPLATES[name][2].format(name=b.text("Name"))
    h = digest(name, rules)
    return ctx.json({"ID": TEMPLATES[name][0], "Name": "synthetic-policy-" + h[:16].replace("/", "_"),
                     "Description": f"synthetic policy generated from templated policy: {name}", "Rules": rules,
                     "Hash": h, "CreateIndex": 0, "ModifyIndex": 0})


# -- auth methods, binding rules, login -----------------------------------------------------------------

async def create_method(ctx: RequestContext):
    b = read_body(await ctx.body(), "AuthMethod")
    return ctx.json(auth_method_json(ctx.agent.acl_auth.set_method(b, ctx.scope), ctx.agent.enterprise))


async def update_method(ctx: RequestContext):
    name = _name(ctx, "auth method")
    b = read_body(await ctx.body(), "AuthMethod")
    if b.text("Name") and b.text("Name") != name:
        raise BadRequest("Auth Method Name in URL and payload do not match")
    ctx.agent.acl_auth.method(name, ctx.scope)
    return ctx.json(auth_method_json(ctx.agent.acl_auth.set_method(b, ctx.scope, name), ctx.agent.enterprise))


async def read_method(ctx: RequestContext):
    method = ctx.agent.acl_auth.method(_name(ctx, "auth method"), ctx.scope)
    return ctx.read(auth_method_json(method, ctx.agent.enterprise), method.modify_index)


async def delete_method(ctx: RequestContext):
    ctx.agent.acl_auth.delete_method(_name(ctx, "auth method"), ctx.scope)
    return ctx.json(True)


async def list_methods(ctx: RequestContext):
    return await _list(ctx, "auth_methods", lambda m: auth_method_json(m, ctx.agent.enterprise, stub=True))


async def create_rule(ctx: RequestContext):
    b = read_body(await ctx.body(), "BindingRule")
    return ctx.json(binding_rule_json(ctx.agent.acl_auth.set_rule(b, ctx.scope), ctx.agent.enterprise))


async def update_rule(ctx: RequestContext):
    rid = _id(ctx, "binding rule")
    b = read_body(await ctx.body(), "BindingRule")
    if b.text("ID") and b.text("ID") != rid:
        raise BadRequest(M.BINDING_RULE_ID_MISMATCH)
    return ctx.json(binding_rule_json(ctx.agent.acl_auth.set_rule(b, ctx.scope, rid), ctx.agent.enterprise))


async def read_rule(ctx: RequestContext):
    rule = ctx.agent.acl_auth.rule(_id(ctx, "binding rule"))
    return ctx.read(binding_rule_json(rule, ctx.agent.enterprise), rule.modify_index)


async def delete_rule(ctx: RequestContext):
    ctx.agent.acl_auth.delete_rule(_id(ctx, "binding rule"))
    return ctx.json(True)


async def list_rules(ctx: RequestContext):
    method = ctx.params.get("authmethod", "")
    acl = ctx.agent.acl
    rows = [r for r in acl.listed("binding_rules", ctx.scope) if not method or r.auth_method == method]
    return ctx.read([binding_rule_json(r, ctx.agent.enterprise) for r in rows], acl.store.index)


async def login(ctx: RequestContext):
    b = read_body(await ctx.body(), "Login")
    token = ctx.agent.acl_auth.login(b, ctx.scope)
    acl = ctx.agent.acl
    return ctx.json(token_json(token, ctx.agent.enterprise, acl.name_of("policies"), acl.name_of("roles")))


async def logout(ctx: RequestContext):
    ctx.agent.acl_auth.logout(ctx.token)
    return ctx.json(True)


# -- the agent's tokens ---------------------------------------------------------------------------------

_KINDS = {"default": "default", "acl_token": "default", "agent": "agent", "acl_agent_token": "agent",
          "agent_recovery": "agent_recovery", "agent_master": "agent_recovery", "acl_agent_master_token":
          "agent_recovery", "replication": "replication", "acl_replication_token": "replication",
          "config_file_service_registration": "config_file_service_registration", "dns": "dns"}


async def set_agent_token(ctx: RequestContext):
    kind = _KINDS.get(ctx.rest)
    b = read_body(await ctx.body(), "Request")
    if kind is None:
        raise NotFound(f"Token {ctx.rest!r} is unknown".replace("'", '"'))
    ctx.agent.acl.set_agent_token(kind, b.text("Token"))
    return empty_response()
