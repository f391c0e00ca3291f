"""ACL operations (reference acl.md): the builtin objects, bootstrap, token resolution (cached until the
next ACL write), policies and roles. Tokens are in `agent/acl_tokens.py`, auth methods and login in
`agent/acl_auth.py`; the rules and the authorizer are pure (`decode/acl.py`, `resolve/acl.py`)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.decode.acl import parse_rules
from consulite.decode.acl_json import Body, links_from
from consulite.errors import ConsulError, NotFound
from consulite.logs import kv
from consulite.model.acl import (
    ANONYMOUS_ACCESSOR,
    ANONYMOUS_SECRET,
    GLOBAL_MANAGEMENT_ID,
    MANAGEMENT_RULES,
    ROOT_NAMES,
    TEMPLATES,
    ACLMeta,
    Links,
    Policy,
    Role,
    Rule,
    Token,
    node_identity_rules,
    service_identity_rules,
)
from consulite.model.scope import Scope
from consulite.resolve.acl import MANAGE_ALL, Authorizer, PermissionDenied, PolicyGrants
from consulite.store import topics

_LOG = logging.getLogger("consulite.agent")

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.persist.tokens import TokenFile
    from consulite.store import Tx

_POLICY_NAME = re.compile(r"^[A-Za-z0-9\-_]+/?[A-Za-z0-9\-_]*$")
_ROLE_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,256}$")
_IDENTITY_NAME = re.compile(r"^[a-z0-9]([a-z0-9\-_]*[a-z0-9])?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


class ACL:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        self.tables = agent.store.acl
        config = agent.config
        self.enabled = config.acl_enabled
        self.default_allow = config.acl_default_policy == "allow"
        #: the agent's tokens (`acl.tokens.*`, `PUT /v1/agent/token/<kind>`)
        self.agent_tokens = {"default": config.acl_default_token, "agent": config.acl_agent_token,
                             "agent_recovery": config.acl_agent_recovery, "replication": "",
                             "config_file_service_registration": "", "dns": ""}
        self._from_api: set[str] = set()  # kinds set through the API (the ones persistence keeps)
        self._token_file: TokenFile | None = None
        self._wall = time.time() - agent.clock.time()
        self._rules: dict[tuple[str, bool], list[Rule]] = {}
        self._cache: dict[str, Authorizer] = {}
        self._stamp: tuple[int, int] = (-1, -1)
        #: (partition, namespace, service ID) -> the AccessorID of the token a service registered with
        self.registered_with: dict[tuple[str, str, str], str] = {}

    def load_persisted_tokens(self, data_dir: str) -> None:
        """With `acl.enable_token_persistence`, once the data dir is the agent's: the tokens persisted there
        replace the configuration's (with Consul's warning when both have one); later API sets are saved."""
        if not self.agent.config.acl_enable_token_persistence:
            return
        from consulite.persist.tokens import TokenFile  # only agents with a data dir need it

        self._token_file = TokenFile(data_dir)
        try:
            found = self._token_file.load()
        except ValueError as e:
            kv(_LOG, logging.WARNING, "unable to load persisted tokens", error=str(e))
            found = {}
        for kind, token in found.items():
            if self.agent_tokens[kind]:
                _LOG.warning('"%s" token present in both the configuration and persisted token store, '
                             "using the persisted token", kind)
            self.agent_tokens[kind] = token
            self._from_api.add(kind)

    def set_agent_token(self, kind: str, token: str) -> None:
        """`PUT /v1/agent/token/<kind>`; persisted when persistence is on. As in Consul, a failed save is a
        500 and the token stays set in memory."""
        self.agent_tokens[kind] = token
        self._from_api.add(kind)
        self._cache.clear()  # a request without a token resolved through the old default token
        if self._token_file is not None:
            try:
                self._token_file.save({k: self.agent_tokens[k] for k in self._from_api})
            except OSError as e:
                kv(_LOG, logging.WARNING, "failed to persist tokens", error=str(e))
                raise ConsulError(M.TOKENS_NOT_PERSISTED.format(err=e), 500) from None

    def now(self) -> float:
        """Wall-clock seconds, moved by the agent's clock (tests advance it)."""
        return self._wall + self.agent.clock.time()

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self.store.write() as tx:
            yield tx

    # -- the builtin objects and bootstrap ---------------------------------------------------------

    def setup(self) -> None:
        """What a leader inserts with ACLs on: global-management, the anonymous token, and the configured
        initial management token (which uses up the bootstrap)."""
        self.registered_with.clear()
        if not self.enabled:
            return
        with self.write() as tx:
            self.tables["policies"].put(tx, Policy(GLOBAL_MANAGEMENT_ID, "global-management",
                                                   M.ACL_MANAGEMENT_DESCRIPTION, MANAGEMENT_RULES))
        with self.write() as tx:
            self.tables["tokens"].put(tx, Token(ANONYMOUS_ACCESSOR, ANONYMOUS_SECRET, M.ACL_ANONYMOUS_DESCRIPTION,
                                                create_time=self.now()))
        secret = self.agent.config.acl_initial_management
        if secret:
            self.bootstrap(secret, M.ACL_INITIAL_DESCRIPTION)

    def bootstrap(self, secret: str = "", description: str = M.ACL_BOOTSTRAP_DESCRIPTION) -> Token:
        meta = self.tables["meta"]
        done = meta.get("bootstrap")
        if done is not None:
            raise PermissionDenied(M.ACL_BOOTSTRAP_DONE.format(index=done.bootstrap_index))
        token = Token(str(uuid.uuid4()), secret or str(uuid.uuid4()), description,
                      Links(policies=[GLOBAL_MANAGEMENT_ID]), create_time=self.now())
        with self.write() as tx:
            self.tables["tokens"].put(tx, token)
            meta.put(tx, ACLMeta(tx.index))
        return token

    # -- resolution ---------------------------------------------------------------------------------

    def _fresh(self) -> None:
        """Forget resolved tokens after any ACL write, reset or restore."""
        stamp = (self.store.watches.epoch, self.store.watches.changed.get(topics.ACL, 0))
        if stamp != self._stamp:
            self._cache.clear()
            self._stamp = stamp

    def authorizer(self, secret: str) -> Authorizer:
        """The authorizer of a request's token (`""`: none given: the agent's default token, else
        anonymous). Unknown or expired: 403 `ACL not found`."""
        if not self.enabled:
            return MANAGE_ALL
        self._fresh()
        found = self._cache.get(secret)
        if found is not None and (found.expires is None or self.now() < found.expires):
            return found
        named = bool(secret)
        actual = secret or self.agent_tokens["default"] or ANONYMOUS_SECRET
        named = named or bool(self.agent_tokens["default"])
        if actual in ROOT_NAMES:
            raise ConsulError(M.ACL_ROOT)
        if actual == self.agent_tokens["agent_recovery"]:
            node = self.agent.config.node_name
            rules = [Rule("agent", node, False, "write"), Rule("node", "", True, "read")]
            return Authorizer("", [PolicyGrants(rules)], False, named=True)
        token = self.token_by_secret(actual)
        if token is None:
            raise PermissionDenied(M.ACL_NOT_FOUND)
        where = Scope(token.partition, token.namespace)
        authz = Authorizer(token.accessor_id, self.grants_of(token.links, where) + self.namespace_defaults(where),
                           self.default_allow, manage_all=self._manages(token.links), named=named)
        authz.expires = token.expiration_time
        self._cache[secret] = authz
        return authz

    def authorizer_of(self, accessor: str) -> Authorizer | None:
        """The authorizer of a token by AccessorID (None when it is gone or expired)."""
        token = self.tables["tokens"].get(accessor)
        if token is None or self.expired(token):
            return None
        return self.authorizer(token.secret_id)

    def token_by_secret(self, secret: str) -> Token | None:
        for token in self.tables["tokens"].rows.values():
            if token.secret_id == secret and not self.expired(token):
                return token
        return None

    def expired(self, token: Token) -> bool:
        return token.expiration_time is not None and self.now() >= token.expiration_time

    def parsed(self, rules: str) -> list[Rule]:
        key = (rules, self.agent.enterprise)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = parse_rules(rules, self.agent.enterprise)
        return found

    def grants_of(self, links: Links, scope: Scope, seen: frozenset[str] = frozenset(),
                  policies_in: Scope | None = None) -> list[PolicyGrants]:
        """Every policy a token or role stands for, as grants (policies of other datacenters skipped); a linked
        policy's rules apply in its own scope, or in `policies_in` when given."""
        dc = self.agent.config.datacenter
        out: list[PolicyGrants] = []

        def add(rules: str, dcs: list[str], part: str = scope.partition, ns: str = scope.namespace) -> None:
            if not dcs or dc in dcs:
                out.append(PolicyGrants(self.parsed(rules), part, ns))

        for pid in links.policies:
            p = self.tables["policies"].get(pid)
            if p is not None:
                where = policies_in or Scope(p.partition, p.namespace)
                add(p.rules, p.datacenters, where.partition, where.namespace)
        for rid in links.roles:
            role = self.tables["roles"].get(rid)
            if role is not None and rid not in seen:
                out += self.grants_of(role.links, Scope(role.partition, role.namespace), seen | {rid})
        for s in links.service_identities:
            add(service_identity_rules(s.service_name), s.datacenters)
        for n in links.node_identities:
            add(node_identity_rules(n.node_name), [n.datacenter])
        for t in links.templated_policies:
            add(TEMPLATES[t.template_name][2].format(name=t.variables.get("name", "")), t.datacenters)
        return out

    def _manages(self, links: Links) -> bool:
        """Whether links hold the builtin global-management policy (directly or through a role): everything in
        every partition and namespace, as Enterprise's version of that policy grants (its rules sit in
        `partition_prefix ""` and `namespace_prefix ""` blocks there)."""
        roles = self.tables["roles"]
        return GLOBAL_MANAGEMENT_ID in links.policies or any(
            (role := roles.get(rid)) is not None and GLOBAL_MANAGEMENT_ID in role.links.policies
            for rid in links.roles)

    def namespace_defaults(self, scope: Scope) -> list[PolicyGrants]:
        """What every token of a namespace holds beside its own links (Enterprise's `ACLs.PolicyDefaults` and
        `RoleDefaults`): the default policies' rules apply in the namespace, the roles as they grant."""
        ns = self.agent.namespaces.row(scope.partition, scope.namespace)
        if ns is None:
            return []
        return self.grants_of(Links(policies=list(ns.policy_defaults), roles=list(ns.role_defaults)), scope,
                              policies_in=scope)

    # -- links, shared by tokens and roles ----------------------------------------------------------

    def resolve_links(self, b: Body, scope: Scope, what: str, local: bool = False) -> Links:
        """A body's links checked as Consul checks them: policies and roles by ID or name (merged by ID),
        identities' names, templates' variables."""
        links, policies, roles = links_from(b)
        for table, pairs, into, by_id, by_name in (
                ("policies", policies, links.policies, M.LINK_NO_POLICY_ID, M.LINK_NO_POLICY_NAME),
                ("roles", roles, links.roles, M.LINK_NO_ROLE_ID, M.LINK_NO_ROLE_NAME)):
            for oid, name in pairs:
                row = self.find(table, oid, name, scope)
                if row is None:
                    raise ConsulError(by_id.format(id=oid) if oid else by_name.format(name=name))
                if row.id not in into:
                    into.append(row.id)
        for s in links.service_identities:
            if not s.service_name:
                raise ConsulError(M.IDENTITY_NO_SERVICE.format(what=what))
            if local and s.datacenters:
                raise ConsulError(M.IDENTITY_LOCAL_DCS.format(name=s.service_name))
            if not _IDENTITY_NAME.match(s.service_name):
                raise ConsulError(M.IDENTITY_BAD_SERVICE.format(name=s.service_name))
        for n in links.node_identities:
            if not n.node_name:
                raise ConsulError(M.IDENTITY_NO_NODE.format(what=what))
            if not n.datacenter:
                raise ConsulError(M.IDENTITY_NO_DC.format(what=what))
            if not _IDENTITY_NAME.match(n.node_name):
                raise ConsulError(M.IDENTITY_BAD_NODE)
        for t in links.templated_policies:
            template = TEMPLATES.get(t.template_name)
            if template is None:
                raise ConsulError(M.TEMPLATE_MISSING.format(name=t.template_name))
            if template[3] and not t.variables.get("name"):
                raise ConsulError(M.TEMPLATE_NO_NAME.format(name=t.template_name))
        return links

    def find(self, table: str, oid: str, name: str, scope: Scope) -> Policy | Role | None:
        """A policy or role linked by ID, else by name in `scope`."""
        if oid:
            return self.tables[table].get(oid)
        return self.by_name(table, name, scope)

    def by_name(self, table: str, name: str, scope: Scope):
        for row in self.tables[table].rows.values():
            if row.name == name and (row.partition, row.namespace) == (scope.partition, scope.namespace):
                return row
        return None

    def name_of(self, table: str):
        rows = self.tables[table].rows

        def name(oid: str) -> str | None:
            row = rows.get(oid)
            return None if row is None else row.name

        return name

    # -- policies and roles -------------------------------------------------------------------------

    def set_policy(self, b: Body, scope: Scope, policy_id: str = "") -> Policy:
        """Create (no ID) or update a policy; Consul's validation texts (500s)."""
        scope = self.body_scope(b, scope)
        name, rules, dcs = b.text("Name"), b.text("Rules"), list(b.seq("Datacenters"))
        old = self.tables["policies"].get(policy_id) if policy_id else None
        if policy_id and old is None:
            if not is_uuid(policy_id):
                raise ConsulError(M.POLICY_ID_INVALID)
            raise ConsulError(M.POLICY_CANNOT_FIND.format(id=policy_id))
        if not name:
            raise ConsulError(M.POLICY_NO_NAME)
        if len(name) >= 128:
            raise ConsulError(M.POLICY_NAME_LENGTH)
        if name.startswith(("/", "builtin/")):
            raise ConsulError(M.POLICY_NAME_RESERVED)
        if not _POLICY_NAME.match(name):
            raise ConsulError(M.POLICY_BAD_NAME)
        same = self.by_name("policies", name, scope)
        if same is not None and same.id != policy_id:
            raise ConsulError((M.POLICY_RENAME_EXISTS if old else M.POLICY_EXISTS).format(name=name))
        if policy_id == GLOBAL_MANAGEMENT_ID and old is not None:
            if rules != old.rules:
                raise ConsulError(M.POLICY_MGMT_RULES)
            if dcs != old.datacenters:
                raise ConsulError(M.POLICY_MGMT_DCS)
        self.parsed(rules)
        policy = Policy(policy_id or str(uuid.uuid4()), name, b.text("Description"), rules, dcs,
                        scope.partition, scope.namespace)
        with self.write() as tx:
            return self.tables["policies"].put(tx, policy)

    def set_role(self, b: Body, scope: Scope, role_id: str = "") -> Role:
        scope = self.body_scope(b, scope)
        name = b.text("Name")
        old = self.tables["roles"].get(role_id) if role_id else None
        if role_id and old is None:
            raise ConsulError(M.ROLE_ID_INVALID if not is_uuid(role_id) else M.ROLE_CANNOT_FIND.format(id=role_id))
        if not name:
            raise ConsulError(M.ROLE_NO_NAME)
        if not _ROLE_NAME.match(name):
            raise ConsulError(M.ROLE_BAD_NAME)
        same = self.by_name("roles", name, scope)
        if same is not None and same.id != role_id:
            raise ConsulError((M.ROLE_RENAME_EXISTS if old else M.ROLE_EXISTS).format(name=name))
        links = self.resolve_links(b, scope, "role")
        role = Role(role_id or str(uuid.uuid4()), name, b.text("Description"), links, scope.partition,
                    scope.namespace)
        with self.write() as tx:
            return self.tables["roles"].put(tx, role)

    def get(self, table: str, oid: str, what: str, ws: set | None = None):
        if not is_uuid(oid):
            raise ConsulError(M.ACL_LOOKUP_UUID.format(what=what))
        row = self.tables[table].get(oid, ws)
        if row is None:
            raise NotFound(M.ACL_NOT_EXIST.format(what=what))
        return row

    def get_by_name(self, table: str, name: str, scope: Scope, what: str):
        row = self.by_name(table, name, scope)
        if row is None:
            raise NotFound(M.ACL_NOT_EXIST.format(what=what))
        return row

    def delete(self, table: str, oid: str) -> None:
        """Delete a policy or role (a missing one is a no-op, as in Consul)."""
        if table == "policies" and oid == GLOBAL_MANAGEMENT_ID:
            raise ConsulError(M.POLICY_MGMT_DELETE)
        with self.write() as tx:
            self.tables[table].delete(tx, oid)

    def listed(self, table: str, scope: Scope, ws: set | None = None) -> list:
        rows = self.tables[table].list(ws)
        if self.agent.enterprise:
            rows = [r for r in rows if (r.partition, r.namespace) == (scope.partition, scope.namespace)]
        return sorted(rows, key=lambda r: r.create_index)

    def body_scope(self, b: Body, scope: Scope) -> Scope:
        """An object's scope: the body's Partition/Namespace, else the request's (Enterprise); it must exist."""
        if not self.agent.enterprise:
            return scope
        scope = Scope(b.text("Partition") or scope.partition, b.text("Namespace") or scope.namespace)
        self.agent.namespaces.require(scope, 500)
        return scope

    def index(self, ws: set) -> int:
        return self.store.index_of(ws)
