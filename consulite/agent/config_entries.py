"""Config entries: write (CAS, no-op writes), delete, read and list, per partition and namespace; a change
to proxy-defaults or service-defaults wakes the readers of every proxy it may change (config-entries-and-
resolver.md §1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from consulite.decode.config import json_text_error
from consulite.decode.filter import syntax_error
from consulite.errors import BadRequest, ConsulError, DecodeError, NotFound
from consulite.logs import event
from consulite.model.config import KINDS, ConfigEntry, Context, EntryError
from consulite.model.config import kinds as K
from consulite.model.config.apply import check_graph, prepare_write
from consulite.model.config.apply import scope as scope_entry
from consulite.model.scope import DEFAULT, Scope
from consulite.resolve.acl import MANAGE_ALL, Authorizer
from consulite.resolve.acl_entries import require_entry_write
from consulite.store import Tx, topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent

#: Kinds that feed a proxy's merged view (agent-service-api.md §4.2).
MERGED_KINDS = frozenset({K.PROXY_DEFAULTS, K.SERVICE_DEFAULTS})


def decoding_failed(text: str) -> BadRequest:
    return BadRequest(f"Request decoding failed: {text}")


class ConfigEntries:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    def context(self, proposed: ConfigEntry | None = None, deleted: bool = False) -> Context:
        """Normalize/Validate's view of the state with `proposed` written (or, with `deleted`, removed).
        Its key is taken at each lookup, so the view follows Normalize (a nameless proxy-defaults is `global`)."""
        table = self.store.config

        def lookup(kind: str, partition: str, namespace: str, name: str) -> dict | None:
            key = (kind, partition, namespace, name)
            if proposed is not None and key == proposed.key:
                return None if deleted else proposed.body
            entry = table.get(key)
            return entry.body if entry is not None else None

        def related(kind: str, partition: str, namespace: str | None, name: str | None) -> list[ConfigEntry]:
            if name is not None and namespace is not None:
                entry = table.get((kind, partition, namespace, name))
                return [entry] if entry is not None else []
            return table.list(kind, partition, namespace)

        return Context(enterprise=self.agent.enterprise, partition_exists=lambda p: p in self.store.partitions,
                       namespace_exists=self.agent.namespaces.exists,
                       lookup=lookup, related=related, json_error=json_text_error,
                       filter_error=syntax_error)

    def decode(self, body: object) -> ConfigEntry:
        """A `PUT /v1/config` body (parsed JSON) as an entry; Consul's 400 when it does not decode."""
        try:
            return self.agent.codec.decode(body)
        except DecodeError as e:
            raise decoding_failed(e.text) from None

    def kind(self, kind: str, status: int = 500) -> None:
        """A known kind, or Consul's text (500 on reads, 400 on delete)."""
        try:
            self.agent.codec.kind_of(kind)
        except DecodeError as e:
            raise ConsulError(e.text, status) from None

    def write(self, entry: ConfigEntry, scope: Scope, cas: int | None = None, authz: Authorizer = MANAGE_ALL) -> bool:
        """Scope, Normalize and Validate an entry, then (the token allowing its kind's write) write it;
        False when `cas` does not match."""
        scope_entry(entry, scope.partition, scope.namespace, self.agent.enterprise)
        try:
            prepare_write(entry, self.context(entry))
        except EntryError as e:
            raise ConsulError(e.text) from None
        require_entry_write(authz, entry)
        with self.store.write() as tx:
            written = self.store.config.put(tx, entry, cas)
            self._live(tx, entry)
        if written:
            event("Wrote config entry", kind=entry.kind, name=entry.name, partition=entry.partition,
                  namespace=entry.namespace)
        return written

    def delete(self, kind: str, name: str, scope: Scope, cas: int | None = None) -> bool:
        entry = ConfigEntry(kind=kind, name=name, partition=scope.partition, namespace=scope.namespace, body={})
        scope_entry(entry, scope.partition, scope.namespace, self.agent.enterprise)
        ctx = self.context(entry, deleted=True)
        try:
            KINDS[kind].normalize(entry, ctx)  # after it, entry.key is where the entry lives (mesh: any name)
            check_graph(kind, entry.partition, entry.namespace, entry.name, ctx)
        except EntryError as e:
            raise ConsulError(e.text) from None
        with self.store.write() as tx:
            deleted = self.store.config.delete(tx, entry.key, cas)
            self._live(tx, entry)
        if deleted:
            event("Deleted config entry", kind=entry.kind, name=entry.name, partition=entry.partition,
                  namespace=entry.namespace)
        return deleted

    def _live(self, tx: Tx, entry: ConfigEntry) -> None:
        """Central config is live: proxies of the partition see the change (only if something was written)."""
        if entry.kind in MERGED_KINDS and tx.topics:
            tx.touch(*self.store.services.proxy_topics(entry.partition))

    @staticmethod
    def key(kind: str, name: str, scope: Scope) -> tuple[str, str, str, str]:
        """Where an entry of `kind` named `name` lives when read in `scope`."""
        namespace = DEFAULT if KINDS[kind].partition_scoped else scope.namespace
        partition = name if kind == K.EXPORTED_SERVICES else scope.partition
        return (kind, partition, namespace, name)

    def get(self, kind: str, name: str, scope: Scope, ws: set) -> tuple[int, ConfigEntry | None]:
        """One entry (None when missing); the index is the table's, the watch is on the entry alone (§1.5)."""
        entry = self.store.config.get(self.key(kind, name, scope), ws)
        return self.store.watches.index_of([topics.CONFIG]), entry

    @staticmethod
    def not_found(kind: str, name: str, headers: dict[str, str]) -> NotFound:
        return NotFound(f'Config entry not found for "{kind}" / "{name}"', headers=headers)

    def listing(self, kind: str | None, scope: Scope, ws: set) -> tuple[int, list[ConfigEntry]]:
        """Entries of a kind (every kind when None) in the scope's partition; namespace `*` is every one."""
        found = self.store.config.list(kind, scope.partition, scope.namespaces, ws)
        return self.store.watches.index_of([topics.CONFIG]), found
