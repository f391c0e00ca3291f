"""What every handler works with: the agent's configuration, its store, and its edition's decoder and renderer."""

from __future__ import annotations

import uuid


from consulite.decode.bodies import BodyDecoder
from consulite.decode.config import EntryCodec
from consulite.decode.render import Renderer
from consulite.model.agent_config import AgentConfig
from consulite.model.service import Service
from consulite.resolve.entries import Entries
from consulite.resolve.explain import World
from consulite.resolve.merge import merged
from consulite.store import Store
from consulite.store.state import Scheduler, new_node


class Agent:
    def __init__(self, config: AgentConfig, scheduler: Scheduler | None = None):
        self.config = config
        self.node = new_node(config.node_name, config.datacenter)
        self.store = Store(self.node, scheduler)
        self.render = Renderer(config.enterprise, config.datacenter, self.node)
        self.bodies = BodyDecoder(config.enterprise)
        self.entries = EntryCodec(config.enterprise)
        def lookup(kind: str, partition: str, namespace: str, name: str) -> dict | None:
            entry = self.store.config.get(kind, partition, namespace, name)  # the table is new after a reset
            return entry.body if entry is not None else None

        self.central = Entries(lookup)

    @property
    def trust_domain(self) -> str:
        """The mesh's trust domain, `<cluster-id>.consul` (config-entries-and-resolver.md §5.4)."""
        return f"{uuid.uuid5(uuid.NAMESPACE_OID, self.node.id)}.consul"

    @property
    def world(self) -> World:
        store = self.store
        return World(entries=self.central, datacenter=self.config.datacenter, trust_domain=self.trust_domain,
                     partition_exists=lambda name: name in store.partitions,
                     gateways=lambda partition: list(store.mesh_gateways.get(partition, {}).values()))

    def view(self, svc: Service) -> Service:
        """A service as the agent shows it: proxies and gateways merged with central config."""
        return merged(svc, self.central)
