"""ACL tokens (reference acl.md §2.3): create, update, clone, read, self, delete, list with filters; expiry
under the agent's clock (an expired token is gone: reads, lists and resolution no longer see it)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.agent.acl import is_uuid
from consulite.decode.acl_json import Body, duration_of, parse_time
from consulite.errors import ConsulError, NotFound
from consulite.model.acl import ANONYMOUS_ACCESSOR, RESERVED_ID_PREFIX, Links, Token
from consulite.model.go import format_duration
from consulite.model.scope import Scope

if TYPE_CHECKING:
    from consulite.agent.core import Agent

_MIN_TTL, _MAX_TTL = 60.0, 24 * 3600.0


class Tokens:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.acl = agent.acl
        self.table = agent.store.acl["tokens"]

    def _check_id(self, value: str, field: str, old_field: str) -> None:
        if not is_uuid(value):
            raise ConsulError(M.TOKEN_FIELD_INVALID.format(field=field))
        if value.startswith(RESERVED_ID_PREFIX):
            raise ConsulError(M.TOKEN_FIELD_RESERVED.format(field=field))
        if any(getattr(t, old_field) == value for t in self.table.rows.values()):
            raise ConsulError(M.TOKEN_FIELD_IN_USE.format(field=field))

    def _expiry(self, b: Body, now: float) -> float | None:
        ttl_given, time_given = b.has("ExpirationTTL"), b.has("ExpirationTime")
        if ttl_given and time_given:
            raise ConsulError(M.TOKEN_TTL_AND_TIME)
        if ttl_given:
            ns = duration_of(b.get("ExpirationTTL"))
            if ns <= 0:
                raise ConsulError(M.TOKEN_TTL_NEGATIVE.format(ttl=format_duration(ns)))
            expires = now + ns / 1e9
        elif time_given:
            expires = parse_time(b.text("ExpirationTime"))
            if expires < now:
                raise ConsulError(M.TOKEN_EXPIRY_BEFORE)
        else:
            return None
        span = expires - now
        if span < _MIN_TTL or span > _MAX_TTL:
            cmp, bound = ("less", "1m0s") if span < _MIN_TTL else ("more", "24h0m0s")
            raise ConsulError(M.TOKEN_EXPIRY_RANGE.format(cmp=cmp, bound=bound,
                                                           was=format_duration(int(span * 1e9))))
        return expires

    def create(self, b: Body, scope: Scope, auth_method: str = "") -> Token:
        acl = self.acl
        scope = acl.body_scope(b, scope)
        if b.text("AuthMethod") and not auth_method:
            raise ConsulError(M.TOKEN_AUTH_METHOD)
        accessor, secret = b.text("AccessorID"), b.text("SecretID")
        if accessor:
            self._check_id(accessor, "AccessorID", "accessor_id")
        if secret:
            self._check_id(secret, "SecretID", "secret_id")
        local = bool(b.get("Local", False, bool))
        now = acl.now()
        expires = self._expiry(b, now)
        links = acl.resolve_links(b, scope, "token", local)
        token = Token(accessor or str(uuid.uuid4()), secret or str(uuid.uuid4()), b.text("Description"), links,
                      local, auth_method, expires, now, scope.partition, scope.namespace)
        with acl.write() as tx:
            return self.table.put(tx, token)

    def update(self, accessor: str, b: Body, scope: Scope) -> Token:
        acl = self.acl
        if not is_uuid(accessor):
            raise ConsulError("AccessorID is not a valid UUID")
        old = self.get(accessor)
        if old is None:
            raise ConsulError(M.TOKEN_CANNOT_FIND.format(id=accessor))
        if b.text("SecretID") and b.text("SecretID") != old.secret_id:
            raise ConsulError(M.TOKEN_SECRET_CHANGE)
        if b.has("Local") and b.get("Local", False, bool) != old.local:
            raise ConsulError(M.TOKEN_LOCAL_CHANGE.format(id=accessor))
        if b.text("AuthMethod") and b.text("AuthMethod") != old.auth_method:
            raise ConsulError(M.TOKEN_AUTH_METHOD)
        if b.has("ExpirationTime") and parse_time(b.text("ExpirationTime")) != old.expiration_time:
            raise ConsulError(M.TOKEN_EXPIRY_CHANGE.format(id=accessor))
        links = acl.resolve_links(b, Scope(old.partition, old.namespace), "token", old.local)
        token = Token(old.accessor_id, old.secret_id, b.text("Description"), links, old.local, old.auth_method,
                      old.expiration_time, old.create_time, old.partition, old.namespace, old.create_index)
        with acl.write() as tx:
            return self.table.put(tx, token)

    def clone(self, accessor: str, b: Body) -> Token:
        old = self.get(accessor)
        if old is None:
            raise ConsulError(M.ACL_NOT_FOUND, 403)
        if old.auth_method:
            raise ConsulError(M.TOKEN_CLONE_AUTH)
        links = Links(list(old.links.policies), list(old.links.roles), list(old.links.service_identities),
                      list(old.links.node_identities), list(old.links.templated_policies))
        token = Token(str(uuid.uuid4()), str(uuid.uuid4()), b.text("Description") or old.description, links,
                      old.local, "", old.expiration_time, self.acl.now(), old.partition, old.namespace)
        with self.acl.write() as tx:
            return self.table.put(tx, token)

    def get(self, accessor: str, ws: set | None = None) -> Token | None:
        token = self.table.get(accessor, ws)
        return None if token is None or self.acl.expired(token) else token

    def read(self, accessor: str, ws: set | None = None) -> Token:
        """A token by AccessorID; a missing one is 403 `ACL not found` (as 1.8.7 and the py-consul suite
        against 1.20+ show; policies and roles answer 404)."""
        if not is_uuid(accessor):
            raise ConsulError(M.ACL_LOOKUP_UUID.format(what="token"))
        token = self.get(accessor, ws)
        if token is None:
            raise ConsulError(M.ACL_NOT_FOUND, 403)
        return token

    def self_token(self, secret: str) -> Token:
        """The request's token (or the agent's default token); none given: 403 `ACL not found` (1.8.7)."""
        secret = secret or self.acl.agent_tokens["default"]
        if not secret:
            raise ConsulError(M.ACL_NOT_FOUND, 403)
        token = self.acl.token_by_secret(secret)
        if token is None:
            raise NotFound(M.ACL_SELF_MISSING)
        return token

    def delete(self, accessor: str, own_accessor: str) -> None:
        if not is_uuid(accessor):
            raise ConsulError("Accessor ID is missing or an invalid UUID")
        if accessor == ANONYMOUS_ACCESSOR:
            raise ConsulError(M.TOKEN_DELETE_ANONYMOUS)
        if accessor == own_accessor:
            raise ConsulError(M.TOKEN_DELETE_SELF)
        with self.acl.write() as tx:
            self.table.delete(tx, accessor)

    def list(self, scope: Scope, ws: set, policy: str = "", role: str = "", auth_method: str = "",
             service_name: str = "") -> list[Token]:
        out = []
        for t in self.acl.listed("tokens", scope, ws):
            if self.acl.expired(t):
                continue
            links = t.links
            if policy and policy not in links.policies:
                continue
            if role and role not in links.roles:
                continue
            if auth_method and t.auth_method != auth_method:
                continue
            if service_name and service_name not in [s.service_name for s in links.service_identities]:
                continue
            out.append(t)
        return out
