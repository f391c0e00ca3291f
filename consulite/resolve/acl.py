"""The ACL authorizer (pure; reference acl.md §3.3-§3.6, §4.1): parsed policies in, decisions and Consul's
403 texts out.

A token's policies (linked, from roles, identities and templates) are merged per scope of a request: for
each resource and label the strongest access wins (deny > write > list > read). Matching then runs on the
merged grants: an exact label beats every prefix, the longest prefix beats shorter ones, and a matching
deny is final. When no grant matches, the agent's `default_policy` decides (`allow` still denies `acl`).
Enterprise scoping: a policy's top-level rules apply in its own partition (and, for service, key, session
and intention rules, its own namespace); `partition`/`namespace` blocks (exact or prefix) widen that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from consulite import messages as M
from consulite.errors import ConsulError
from consulite.model.acl import ACCESS_RANK, ANONYMOUS_ACCESSOR, Rule
from consulite.model.scope import DEFAULT, DEFAULT_SCOPE, Scope

#: resources whose rules are namespaced (the others are per partition)
_NAMESPACED = frozenset({"service", "key", "session", "intention", "event", "query"})
_GRANTS = {"write": ("read", "list", "write"), "list": ("read", "list"), "read": ("read",), "deny": ()}


class PermissionDenied(ConsulError):
    status = 403


@attrs.frozen
class PolicyGrants:
    """One policy's parsed rules and where the policy lives."""

    rules: Sequence[Rule]
    partition: str = DEFAULT
    namespace: str = DEFAULT


def _matches(spec: tuple[bool, str] | None, own: str, actual: str) -> bool:
    if spec is None:
        return own == actual
    is_prefix, label = spec
    return actual.startswith(label) if is_prefix else actual == label


class Grants:
    """The merged grants that apply in one scope, indexed for matching."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        exact: dict[tuple[str, str | None], str] = {}
        prefixes: dict[tuple[str, str | None], str] = {}
        for r in rules:
            table: dict[tuple[str, str | None], str] = prefixes if r.prefix else exact
            key = (r.resource, r.name)
            old = table.get(key)
            if old is None or ACCESS_RANK[r.access] > ACCESS_RANK[old]:
                table[key] = r.access
        self.exact = exact
        by_resource: dict[str, list[tuple[str, str]]] = {}
        for (resource, label), access in prefixes.items():
            by_resource.setdefault(resource, []).append((label or "", access))
        self.prefixes = {res: sorted(pairs, key=lambda p: len(p[0]), reverse=True)
                         for res, pairs in by_resource.items()}

    def granted(self, resource: str, name: str | None) -> str | None:
        """The access the grants give on a name (exact, else longest prefix), or None (no opinion)."""
        found = self.exact.get((resource, name))
        if found is not None or name is None:
            if found is None and resource in ("mesh", "peering"):  # unset: operator decides (§3.3)
                return self.exact.get(("operator", None))
            return found
        for label, access in self.prefixes.get(resource, ()):
            if name.startswith(label):
                return access
        return None


class Authorizer:
    """What one token may do. `allowed(resource, name, access, scope)`; `require` raises Consul's 403."""

    def __init__(self, accessor: str, policies: Sequence[PolicyGrants], default_allow: bool,
                 manage_all: bool = False, named: bool = True) -> None:
        self.accessor = accessor
        self.policies = policies
        self.default_allow = default_allow
        self.manage_all = manage_all
        #: whether a token was given (filtered lists say so only then)
        self.named = named
        #: when the token expires (wall-clock seconds), if it does
        self.expires: float | None = None
        self._scoped: dict[Scope, Grants] = {}

    def grants(self, scope: Scope = DEFAULT_SCOPE) -> Grants:
        found = self._scoped.get(scope)
        if found is None:
            part, ns = scope.partition, scope.namespace
            found = self._scoped[scope] = Grants(
                r for p in self.policies for r in p.rules
                if _matches(r.partition, p.partition, part)
                and (r.resource not in _NAMESPACED or _matches(r.namespace, p.namespace, ns)))
        return found

    def decide(self, resource: str, name: str | None, access: str, scope: Scope = DEFAULT_SCOPE) -> bool | None:
        """True or False where a grant matches, None where the token's policies say nothing."""
        granted = self.grants(scope).granted(resource, name)
        return None if granted is None else access in _GRANTS[granted]

    def allowed(self, resource: str, name: str | None, access: str, scope: Scope = DEFAULT_SCOPE) -> bool:
        if self.manage_all:
            return True
        decided = self.decide(resource, name, access, scope)
        if decided is None:
            return self.default_allow and resource != "acl"
        return decided

    def require(self, resource: str, name: str | None, access: str, scope: Scope = DEFAULT_SCOPE) -> None:
        if not self.allowed(resource, name, access, scope):
            raise PermissionDenied(denied_text(self.accessor, resource, name, access, scope))

    def any_allowed(self, resource: str, access: str, scope: Scope = DEFAULT_SCOPE) -> bool:
        """Whether any label of a resource grants `access` (ServiceWriteAny and kin)."""
        if self.manage_all:
            return True
        g = self.grants(scope)
        labels = [a for (res, _), a in g.exact.items() if res == resource]
        labels += [a for _, a in g.prefixes.get(resource, ())]
        return any(access in _GRANTS[a] for a in labels) or (not labels and self.default_allow)


#: ACLs off: everything is allowed, `acl` too (acl.md §1.5)
MANAGE_ALL = Authorizer("", (), True, manage_all=True, named=False)


def denied_text(accessor: str, resource: str, name: str | None, access: str, scope: Scope = DEFAULT_SCOPE) -> str:
    """Consul's permission-denied text (acl.md §4.1), with the Enterprise scope when it is not default."""
    on = ""
    if name is not None:
        on = f' on "{name}"'
        if scope.partition != DEFAULT or scope.namespace != DEFAULT:
            on += f' in partition "{scope.partition}" in namespace "{scope.namespace}"'
    if accessor == ANONYMOUS_ACCESSOR:
        return M.ACL_DENIED_ANONYMOUS.format(perm=f"{resource}:{access}", on=on)
    if not accessor:
        return M.ACL_DENIED_PROVIDED.format(perm=f"{resource}:{access}", on=on)
    return M.ACL_DENIED.format(accessor=accessor, perm=f"{resource}:{access}", on=on)
