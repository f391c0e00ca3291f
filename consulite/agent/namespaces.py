"""Namespaces (Consul Enterprise, clients-and-enterprise.md §2.1). Consul marks a deleted namespace and reaps
its data in the background, answering reads with `DeletedAt` meanwhile; here the data goes in the same write
as the namespace, so there is no such window: a read after `DELETE` is the 404 Consul gives once reaping is
done. Writing over an existing namespace through `PUT /v1/namespace` updates it, as Consul does
(hashicorp/consul-k8s#323)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from consulite import messages as M
from consulite.decode.namespace import Link, NamespaceBody
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.model.namespace import Namespace, builtin
from consulite.model.scope import DEFAULT, Scope
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent

#: agent/dns IsValidLabel: letters, digits and inner hyphens, at most 63
_LABEL = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
#: names Consul keeps for itself (hashicorp/consul-k8s#846)
RESERVED = frozenset({"system", "universal", "consul", "operator", "root"})


class Namespaces:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store
        self.table = agent.store.namespaces

    def exists(self, partition: str, name: str) -> bool:
        return partition in self.store.partitions and (name == DEFAULT or (partition, name) in self.table)

    def require(self, scope: Scope, status: int = 400) -> None:
        """Where a write goes must exist: the partition, then the namespace (agent endpoints answer 400 as
        for partitions; writes Consul's servers refuse, `status` 500)."""
        self.agent.partitions.require(scope.partition, status)
        if not self.exists(scope.partition, scope.namespace):
            raise ConsulError(M.NAMESPACE_MISSING.format(name=scope.namespace), status)

    def _found(self, partition: str, name: str, ws: set | None = None) -> Namespace | None:
        row = self.table.get((partition, name), ws)
        if row is None and name == DEFAULT and partition in self.store.partitions:
            return builtin(partition, self.store.partitions.rows[partition].create_index)
        return row

    # -- writes -------------------------------------------------------------------------------------

    def write(self, body: NamespaceBody, scope: Scope, path_name: str | None = None) -> Namespace:
        """Create or update a namespace (`path_name`: the name in `PUT /v1/namespace/<name>`)."""
        name = body.name
        if path_name is not None:
            if name and name != path_name:
                raise BadRequest(M.NAMESPACE_NAME_MISMATCH.format(body=name, path=path_name))
            name = path_name
        if not name:
            raise BadRequest(M.NAMESPACE_NO_NAME)
        if not _LABEL.match(name):
            raise BadRequest(M.NAMESPACE_NAME_INVALID.format(name=name))
        if name.lower() in RESERVED:
            raise ConsulError(M.NAMESPACE_RESERVED.format(name=name))
        partition = body.partition or scope.partition
        self.agent.partitions.require(partition)
        where = Scope(partition, DEFAULT)
        ns = Namespace(partition, name, body.description, self._links("policies", body.policy_defaults, where),
                       self._links("roles", body.role_defaults, where), dict(body.meta))
        old = self._found(partition, name)
        with self.store.write() as tx:
            self.table.put(tx, ns, old.create_index if old is not None else None)
            before = (old.policy_defaults, old.role_defaults) if old is not None else ([], [])
            if before != (ns.policy_defaults, ns.role_defaults):
                tx.touch(topics.ACL)  # the namespace's tokens hold its defaults: resolved tokens are stale
        return ns

    def row(self, partition: str, name: str) -> Namespace | None:
        """A namespace as stored (the builtin `default` while nobody has written it), None when missing."""
        return self._found(partition, name)

    def _links(self, table: str, links: list[Link], scope: Scope) -> list[str]:
        """ACL defaults by ID or name (names in the partition's default namespace), as IDs."""
        by_id, by_name = ((M.LINK_NO_POLICY_ID, M.LINK_NO_POLICY_NAME) if table == "policies"
                          else (M.LINK_NO_ROLE_ID, M.LINK_NO_ROLE_NAME))
        ids: list[str] = []
        for oid, name in links:
            row = self.agent.acl.find(table, oid, name, scope)
            if row is None or row.partition != scope.partition:
                raise ConsulError(by_id.format(id=oid) if oid else by_name.format(name=name))
            if row.id not in ids:
                ids.append(row.id)
        return ids

    def delete(self, partition: str, name: str) -> None:
        """Remove a namespace and everything in it, in one write (a missing one is a no-op)."""
        if name == DEFAULT:
            raise BadRequest(M.NAMESPACE_DEFAULT_DELETE)
        if (partition, name) not in self.table:
            return
        self.agent.checks.stop_in(partition, name)
        with self.store.write() as tx:
            self.store.drop_namespace(tx, partition, name)
            self.table.delete(tx, (partition, name))

    def create(self, partition: str, name: str) -> None:
        """A namespace named by start-up files (no checks: the files' own registrations then run them)."""
        with self.store.write() as tx:
            self.table.put(tx, Namespace(partition, name))

    # -- reads --------------------------------------------------------------------------------------

    def get(self, partition: str, name: str, ws: set) -> tuple[int, Namespace]:
        ns = self._found(partition, name, ws)
        if ns is None:
            raise NotFound(M.NAMESPACE_NOT_FOUND.format(name=name))
        return self.store.index_of(ws), ns

    def listing(self, partition: str, ws: set) -> tuple[int, list[Namespace]]:
        """A partition's namespaces by name, `default` always among them (none for a missing partition)."""
        found = {ns.name: ns for ns in self.table.in_partition(partition, ws)}
        default = self._found(partition, DEFAULT)
        if default is not None:
            found.setdefault(DEFAULT, default)
        return self.store.index_of(ws), sorted(found.values(), key=lambda ns: ns.name)
