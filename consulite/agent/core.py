"""The agent: its configuration, node, clock, store and codecs, and one object per family holding that
family's operations. HTTP handlers, start-up file loading, `consulite validate` and the test helpers all
go through these operations."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from consulite.agent.clock import Clock
from consulite.decode.bodies import BodyDecoder
from consulite.decode.config import EntryCodec
from consulite.decode.render import Renderer
from consulite.model.agent_config import AgentConfig
from consulite.model.config import ConfigEntry
from consulite.model.partition import Node
from consulite.model.service import Service
from consulite.resolve.entries import Entries
from consulite.resolve.explain import World
from consulite.resolve.merge import merged
from consulite.store import Store
from consulite.store.blocking import Read, content_unchanged, hash_unchanged, index_unchanged


class Agent:
    def __init__(self, config: AgentConfig | None = None, clock: Clock | None = None) -> None:
        from consulite.agent import (
            acl,
            acl_auth,
            acl_tokens,
            admin,
            catalog,
            checks,
            config_entries,
            discovery_chain,
            events,
            explain,
            exported,
            health,
            kv,
            namespaces,
            operator,
            partitions,
            queries,
            services,
            sessions,
            state,
            tombstones,
            txn,
        )

        self.config = config = config or AgentConfig()
        self.clock = clock or Clock()
        self.node = Node(name=config.node_name, id=config.node_id or str(uuid.uuid4()), address=config.node_address,
                         datacenter=config.datacenter)
        self.store = Store()
        self.render = Renderer(config.enterprise, config.datacenter, self.node)
        self.bodies = BodyDecoder(config.enterprise)
        self.codec = EntryCodec(config.enterprise)
        self.central = Entries(self._entry)
        # the families, one module each
        self.acl = acl.ACL(self)
        self.acl_tokens = acl_tokens.Tokens(self)
        self.acl_auth = acl_auth.Auth(self)
        self.partitions = partitions.Partitions(self)
        self.namespaces = namespaces.Namespaces(self)
        self.services = services.Services(self)
        self.checks = checks.Checks(self)
        self.catalog = catalog.Catalog(self)
        self.health = health.Health(self)
        self.config_entries = config_entries.ConfigEntries(self)
        self.discovery_chain = discovery_chain.DiscoveryChain(self)
        self.explain = explain.Explain(self)
        self.kv = kv.KV(self)
        self.tombstone_gc = tombstones.TombstoneGC(self)
        self.sessions = sessions.Sessions(self)
        self.txn = txn.Txn(self)
        self.events = events.Events(self)
        self.state = state.State(self)
        #: the data dir's journal (`consulite.persist`), when there is one
        self.journal: Any = None
        self.operator = operator.Operator(self)
        self.admin = admin.Admin(self)
        self.queries = queries.Queries(self)
        self.exported = exported.Exported(self)
        self.started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.state.reset()

    @property
    def index(self) -> int:
        """The store's current index."""
        return self.store.index

    @property
    def enterprise(self) -> bool:
        return self.config.enterprise

    def _entry(self, kind: str, partition: str, namespace: str, name: str) -> ConfigEntry | None:
        return self.store.config.get((kind, partition, namespace, name))

    @property
    def trust_domain(self) -> str:
        """The mesh's trust domain, `<cluster-id>.consul` (config-entries-and-resolver.md §5.4)."""
        return f"{uuid.uuid5(uuid.NAMESPACE_OID, self.node.id)}.consul"

    @property
    def world(self) -> World:
        store = self.store
        return World(entries=self.central, datacenter=self.config.datacenter, trust_domain=self.trust_domain,
                     partition_exists=lambda name: name in store.partitions, gateways=store.services.mesh_gateways)

    def view(self, svc: Service) -> Service:
        """A service as the agent shows it: proxies and gateways merged with central config."""
        return merged(svc, self.central)

    async def block(self, read: Read, wait: float, min_index: int = 0, content: bool = False,
                    hash_wanted: str = "", digest_of: Callable[[Any], str] | None = None) -> tuple[int, Any]:
        """A read as a blocking query (Consul's blockingQuery): by `?index=` (with `content`, an unchanged
        answer keeps waiting too), or with `digest_of` by `?hash=`."""
        if digest_of is not None:
            keep = hash_unchanged(hash_wanted, digest_of)
        else:
            keep = (content_unchanged if content else index_unchanged)(min_index)
        return await self.store.block(read, wait, keep)

    async def flushed(self) -> None:
        """Once every write so far is durable (at once without a data dir)."""
        if self.journal is not None:
            await self.journal.flushed()

    def is_this_node(self, name: str) -> bool:
        """The agent's one node answers to its name and its ID."""
        return name in (self.node.name, self.node.id)
