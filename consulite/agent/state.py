"""The agent's whole state: a fresh agent, reset (whole or one partition), snapshot and restore as one
document, and loading files at start-up through the same operations as the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from consulite import CONSUL_VERSION
from consulite.errors import ConsulError, DecodeError
from consulite.model.check import PASSING, HealthCheck
from consulite.model.config import EntryError
from consulite.model.config import kinds as K
from consulite.model.partition import Node
from consulite.model.scope import DEFAULT, DEFAULT_SCOPE, Scope
from consulite.model.service import Service
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.decode.files import Loaded

#: What the server itself registers on its node (not agent services: never listed or deregistered as such).
CONSUL_SERVICE_KEY = (DEFAULT, DEFAULT, "consul")
SERF_CHECK_KEY = (DEFAULT, DEFAULT, "serfHealth")
#: The `consul` service's Meta, as a server writes it for itself (agent/consul/leader_registrator_v1.go
#: handleAliveMember; no grpc_port: consulite has no gRPC listener).
CONSUL_SERVICE_META = {"non_voter": "false", "read_replica": "false", "raft_version": "3",
                       "serf_protocol_current": "2", "serf_protocol_min": "1", "serf_protocol_max": "5",
                       "version": CONSUL_VERSION}


def is_node_owned(obj: Service | HealthCheck) -> bool:
    """The `consul` service and the `serfHealth` check: the server's, not the agent's."""
    if isinstance(obj, Service):
        return (obj.partition, obj.namespace, obj.id) == CONSUL_SERVICE_KEY
    return not obj.service_id and (obj.partition, obj.namespace, obj.check_id) == SERF_CHECK_KEY


class State:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def reset(self) -> None:
        """Back to a fresh agent: the default partition, the node, its serfHealth check, the consul service."""
        agent = self.agent
        agent.checks.stop_all()
        agent.sessions.stop_all()
        agent.store.clear()
        agent.partitions.create(DEFAULT, "Builtin Default Partition")
        agent.acl.setup()
        self._seed_node()

    def reset_partition(self, name: str) -> None:
        """Remove everything registered in a partition, keeping the partition (and the node's own objects)."""
        agent = self.agent
        agent.partitions.require(name)
        agent.checks.stop_in(name)
        with agent.store.write() as tx:
            agent.store.drop_partition(tx, name)
        if name == DEFAULT:
            self._seed_node()

    def _seed_node(self) -> None:
        store = self.agent.store
        with store.write() as tx:
            tx.touch(topics.NODE)  # the node registers itself: the one write that moves the nodes index
            store.services.put(tx, Service(kind="", id="consul", name="consul", partition=DEFAULT,
                                           namespace=DEFAULT, tags=[], meta=dict(CONSUL_SERVICE_META),
                                           port=self.agent.config.server_port))
            store.checks.put(tx, HealthCheck(check_id="serfHealth", name="Serf Health Status", status=PASSING,
                                             partition=DEFAULT, namespace=DEFAULT,
                                             output="Agent alive and reachable"))

    # -- the state document ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything held, as one JSON-ready document (`GET /_consulite/state`)."""
        from consulite.decode import state  # cattrs loads on first use, not at start-up

        dump = self.agent.store.dump()
        return state.to_json({"index": dump.pop("index"), "node": self.agent.node, **dump})

    def restore(self, doc: Any) -> None:
        """Replace everything with a state document: indexes as saved, TTL timers restarted, blocked
        readers woken. The whole document is checked first (`check`): a refusal changes nothing."""
        self.load_checked(self.check(doc))

    def recover(self, doc: Any) -> None:
        """`restore` for the document of the agent's own data dir, at start-up: structured and checked for
        consistency, but not rendered back in a scratch agent first, as its rows are texts this agent rendered
        (the data dir checks their nesting as it reads them); a refusal leaves the agent empty."""
        try:
            self.load_checked(self._structure(doc))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            self.agent.store.clear()
            raise DecodeError(f"invalid state document: {type(e).__name__}: {e}") from None

    def load_checked(self, loaded: dict[str, Any]) -> None:
        """Replace everything with a document `check` returned (one checked before the agent started)."""
        agent = self.agent
        node: Node = loaded["node"]
        agent.checks.stop_all()
        agent.node.id, agent.node.name, agent.node.address = node.id, node.name, node.address
        agent.store.load(loaded)
        agent.checks.start_all()
        agent.sessions.start_all()

    def _structure(self, doc: Any) -> dict[str, Any]:
        from consulite.decode import state

        layout = self.agent.store.layout()
        return state.from_json(doc, {"index": layout.pop("index"), "node": Node, **layout},
                               {t.name: t.key for t in self.agent.store.tables})

    def check(self, doc: Any) -> dict[str, Any]:
        """The structured document, once it decoded, is consistent, loads into a scratch agent and renders
        back to JSON there; DecodeError naming the problem otherwise. The agent itself is not touched."""
        from consulite.agent.core import Agent

        loaded = self._structure(doc)
        scratch = Agent(self.agent.config, self.agent.clock)
        try:
            scratch.store.load(loaded)
            orjson.dumps(scratch.state.snapshot())
        except (orjson.JSONEncodeError, RecursionError) as e:
            raise DecodeError(f"invalid state document: a value that cannot be rendered as JSON: {e}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise DecodeError(f"invalid state document: {type(e).__name__}: {e}") from None
        return loaded

    def archive(self) -> tuple[int, bytes]:
        """`GET /v1/snapshot`: the index and a snapshot archive (`decode.snapshot`) of everything held."""
        from consulite.decode import snapshot

        doc = self.snapshot()
        return doc["index"], snapshot.pack(doc, self.agent.config.datacenter, self.agent.node.name)

    def restore_archive(self, data: bytes) -> None:
        """`PUT /v1/snapshot`: replace everything with an archive's state; one that does not decode changes
        nothing (a 500 with the reason, as Consul answers)."""
        from consulite.decode import snapshot

        try:
            self.restore(snapshot.unpack(data)[1])
        except DecodeError as e:
            raise ConsulError(e.text, 500) from None

    # -- files at start-up -------------------------------------------------------------------------

    def load(self, loaded: Loaded, problems: list[str] | None = None) -> None:
        """Create the partitions and namespaces the files name, write their config entries, then register their
        services, through the same operations as the API. A refusal is a FileError naming the file; with
        `problems`, every refusal is collected there instead and loading goes on (`consulite validate`)."""
        from consulite.decode.files import FileError

        agent = self.agent
        if agent.enterprise:
            for name in sorted(partitions_used(loaded)):
                if name not in agent.store.partitions:
                    agent.partitions.create(name)
            for partition, namespace in sorted(namespaces_used(loaded)):
                if not agent.namespaces.exists(partition, namespace):
                    agent.namespaces.create(partition, namespace)

        def refused(path: str, what: str, text: str) -> None:
            if problems is None:
                raise FileError(path, f"{what}: {text}")
            problems.append(f"{path}: {what}: {text}")

        for path, entry in loaded.entries:
            try:
                agent.config_entries.write(entry, DEFAULT_SCOPE)
            except (ConsulError, EntryError) as e:
                refused(path, f"{entry.kind}/{entry.name}", e.text)
        for path, body in loaded.services:
            try:
                defn = agent.bodies.service(orjson.dumps(body))
                agent.services.register(defn, Scope(defn.partition or DEFAULT, defn.namespace or DEFAULT))
            except ConsulError as e:
                refused(path, f"service {body.get('Name', '')!r}", e.text)


def partitions_used(loaded: Loaded) -> set[str]:
    used = {body.get("Partition") for _, body in loaded.services}
    used |= {e.partition for _, e in loaded.entries}
    used |= {e.name for _, e in loaded.entries if e.kind == K.EXPORTED_SERVICES}
    return {p for p in used if p} - {DEFAULT}


def namespaces_used(loaded: Loaded) -> set[tuple[str, str]]:
    """The (partition, namespace) pairs the files register services or write entries into."""
    used = {(body.get("Partition") or DEFAULT, body.get("Namespace")) for _, body in loaded.services}
    used |= {(e.partition or DEFAULT, e.namespace) for _, e in loaded.entries}
    return {(p, ns) for p, ns in used if ns and ns != DEFAULT}
