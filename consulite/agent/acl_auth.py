"""Auth methods, binding rules, login and logout (reference acl.md §2; Consul's `agent/consul/authmethod`).
Login is implemented for the `jwt` type with static public keys (`JWTValidationPubKeys`), as Nomad's
workload identity uses it: the bearer token is verified with PyJWT, its claims mapped by `ClaimMappings`
and `ListClaimMappings`, and every binding rule whose selector matches adds an identity, role or policy
to a new token."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import orjson

from consulite import messages as M
from consulite.decode.acl_json import Body
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.model.acl import AuthMethod, BindingRule, Links, NodeIdentity, ServiceIdentity, TemplatedPolicy, Token
from consulite.model.scope import Scope
from consulite.resolve.acl import PermissionDenied

if TYPE_CHECKING:
    from consulite.agent.core import Agent

METHOD_TYPES = ("jwt", "kubernetes", "oidc")
BIND_TYPES = ("service", "node", "role", "policy", "templated-policy")
_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,128}$")
_VAR = re.compile(r"\$\{([^}]+)\}")


class Auth:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.acl = agent.acl
        self.methods = agent.store.acl["auth_methods"]
        self.rules = agent.store.acl["binding_rules"]

    # -- auth methods ---------------------------------------------------------------------------------

    def set_method(self, b: Body, scope: Scope, name: str = "") -> AuthMethod:
        scope = self.acl.body_scope(b, scope)
        name = name or b.text("Name")
        kind = b.text("Type")
        if not name:
            raise ConsulError(M.AUTH_METHOD_NO_NAME)
        if not _NAME.match(name):
            raise ConsulError("Invalid Auth Method: invalid Name. Only alphanumeric characters, '-' and '_' are "
                              "allowed")
        if not kind:
            raise ConsulError(M.AUTH_METHOD_NO_TYPE)
        if kind not in METHOD_TYPES:
            raise ConsulError(M.AUTH_METHOD_BAD_TYPE.format(type=kind))
        config = b.get("Config", {}, dict)
        if kind == "jwt":
            _public_keys(config)
        method = AuthMethod(name, kind, b.text("DisplayName"), b.text("Description"), b.text("MaxTokenTTL"),
                            b.text("TokenLocality"), config, scope.partition, scope.namespace)
        with self.acl.write() as tx:
            return self.methods.put(tx, method)

    def method(self, name: str, scope: Scope, ws: set | None = None) -> AuthMethod:
        found = self.methods.get((scope.partition, scope.namespace, name), ws)
        if found is None:
            raise NotFound(M.ACL_NOT_EXIST.format(what="auth method"))
        return found

    def delete_method(self, name: str, scope: Scope) -> None:
        """Delete an auth method with its binding rules and the tokens it issued."""
        key = (scope.partition, scope.namespace, name)
        with self.acl.write() as tx:
            if self.methods.delete(tx, key) is None:
                return
            for rule in [r for r in self.rules.rows.values() if r.auth_method == name]:
                self.rules.delete(tx, rule.id)
            tokens = self.agent.store.acl["tokens"]
            for t in [t for t in tokens.rows.values() if t.auth_method == name]:
                tokens.delete(tx, t.accessor_id)

    # -- binding rules --------------------------------------------------------------------------------

    def set_rule(self, b: Body, scope: Scope, rule_id: str = "") -> BindingRule:
        scope = self.acl.body_scope(b, scope)
        if rule_id and self.rules.get(rule_id) is None:
            raise ConsulError(f"cannot find binding rule {rule_id}")
        method = b.text("AuthMethod")
        if not method:
            raise ConsulError(M.BINDING_RULE_NO_METHOD)
        if self.methods.get((scope.partition, scope.namespace, method)) is None:
            raise ConsulError(M.BINDING_RULE_UNKNOWN_METHOD.format(name=method))
        bind_type, bind_name = b.text("BindType"), b.text("BindName")
        if bind_type not in BIND_TYPES:
            raise ConsulError(f"Invalid Binding Rule: unknown BindType {bind_type!r}")
        if not bind_name:
            raise ConsulError(M.BINDING_RULE_NO_BIND_NAME)
        selector = b.text("Selector")
        if selector:
            _selector(selector)
        rule = BindingRule(rule_id or str(uuid.uuid4()), method, bind_type, bind_name, b.text("Description"),
                           selector, scope.partition, scope.namespace)
        with self.acl.write() as tx:
            return self.rules.put(tx, rule)

    def rule(self, rule_id: str, ws: set | None = None) -> BindingRule:
        found = self.rules.get(rule_id, ws)
        if found is None:
            raise NotFound(M.ACL_NOT_EXIST.format(what="binding rule"))
        return found

    def delete_rule(self, rule_id: str) -> None:
        with self.acl.write() as tx:
            self.rules.delete(tx, rule_id)

    # -- login and logout -----------------------------------------------------------------------------

    def login(self, b: Body, scope: Scope) -> Token:
        name, bearer = b.text("AuthMethod"), b.text("BearerToken")
        method = self.methods.get((scope.partition, scope.namespace, name))
        if method is None:
            raise ConsulError(M.ACL_NOT_FOUND, 403)
        if method.type != "jwt":
            raise ConsulError(f"consulite does not implement login for auth method type {method.type!r} yet", 501)
        variables, selectable = _verify(method.config, bearer)
        links = Links()
        for rule in self.rules.rows.values():
            if rule.auth_method != name or (rule.selector and not _selector(rule.selector)(selectable)):
                continue
            bound = _VAR.sub(lambda m: variables.get(m.group(1).strip(), ""), rule.bind_name)
            if rule.bind_type == "service":
                links.service_identities.append(ServiceIdentity(bound))
            elif rule.bind_type == "node":
                links.node_identities.append(NodeIdentity(bound, self.agent.config.datacenter))
            elif rule.bind_type == "templated-policy":
                links.templated_policies.append(TemplatedPolicy("builtin/service", {"name": bound}))
            else:
                table = "roles" if rule.bind_type == "role" else "policies"
                found = self.acl.by_name(table, bound, scope)
                if found is not None:
                    (links.roles if table == "roles" else links.policies).append(found.id)
        if not (links.service_identities or links.node_identities or links.roles or links.policies
                or links.templated_policies):
            raise PermissionDenied(M.LOGIN_NO_BINDINGS)
        meta = b.get("Meta", {}, dict)
        token = Token(str(uuid.uuid4()), str(uuid.uuid4()),
                      "token created via login" + (": " + orjson.dumps(meta).decode() if meta else ""), links,
                      method.token_locality == "local", name, None, self.acl.now(), scope.partition,
                      scope.namespace)
        with self.acl.write() as tx:
            return self.agent.store.acl["tokens"].put(tx, token)

    def logout(self, secret: str) -> None:
        if not secret:
            raise ConsulError(M.LOGOUT_NO_TOKEN, 401)
        token = self.acl.token_by_secret(secret)
        if token is None:
            raise ConsulError(M.ACL_NOT_FOUND, 403)
        if not token.auth_method:
            raise PermissionDenied(M.LOGOUT_NOT_LOGIN)
        with self.acl.write() as tx:
            self.agent.store.acl["tokens"].delete(tx, token.accessor_id)


def _public_keys(config: dict) -> list[Any]:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    keys = config.get("JWTValidationPubKeys") or []
    if not keys and not (config.get("JWKSURL") or config.get("OIDCDiscoveryURL")):
        raise ConsulError(M.AUTH_METHOD_CONFIG.format(
            err="exactly one of 'JWTValidationPubKeys', 'JWKSURL', or 'OIDCDiscoveryURL' must be set"))
    try:
        return [load_pem_public_key(k.encode()) for k in keys]
    except (ValueError, TypeError, AttributeError) as e:
        raise ConsulError(M.AUTH_METHOD_CONFIG.format(err=f"error parsing public key: {e}")) from None


def _verify(config: dict, bearer: str) -> tuple[dict[str, str], dict]:
    """The claims of a valid bearer token: (variables for BindName, the selectable `value`/`list` view)."""
    import jwt

    audiences = config.get("BoundAudiences") or None
    issuer = config.get("BoundIssuer") or None
    claims = None
    error = "no known key successfully validated the token signature"
    for key in _public_keys(config):
        try:
            claims = jwt.decode(bearer, key, algorithms=config.get("JWTSupportedAlgs") or ["RS256", "ES256"],
                                audience=audiences, issuer=issuer,
                                leeway=float(config.get("ClockSkewLeeway") or 60),
                                options={"verify_aud": audiences is not None})
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as e:
            error = str(e)
            break
    if claims is None:
        raise PermissionDenied(M.LOGIN_FAILED.format(err=error))
    values = {dst: str(claims[src]) for src, dst in (config.get("ClaimMappings") or {}).items() if src in claims}
    lists = {dst: list(claims[src]) for src, dst in (config.get("ListClaimMappings") or {}).items()
             if isinstance(claims.get(src), list)}
    variables = {f"value.{k}": v for k, v in values.items()}
    return variables, {"value": values, "list": lists}


def _selector(text: str):
    from consulite.decode.filter import compile_filter
    from consulite.decode.filter_schema import BINDING_RULE_VARS

    try:
        return compile_filter(text, BINDING_RULE_VARS)
    except (BadRequest, DecodeError) as e:
        raise ConsulError(f"invalid Binding Rule: Selector is invalid: {e.text}") from None
