"""Exported and imported services, computed from the stored exported-services and sameness-group entries
(Consul 1.17.3+ `/v1/exported-services`, api/imported_services.go), and the gateway-service mappings of
ingress and terminating gateways (`/v1/catalog/gateway-services`, `/v1/health/ingress`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consulite.model.check import HealthCheck
from consulite.model.config import kinds as K
from consulite.model.config.entry import ConfigEntry
from consulite.model.scope import DEFAULT, Scope
from consulite.model.service import Service
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.agent.core import Agent

WILDCARD = "*"
CONSUL_SERVICE = "consul"


class Exported:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    # -- the catalog's names --------------------------------------------------------------------

    def _typical(self, partition: str, namespace: str, ws: set) -> list[tuple[str, str]]:
        """(namespace, name) of the ordinary services a wildcard covers (no proxies, gateways or `consul`)."""
        ws.add(topics.service_list(partition, namespace))
        found = {(ns, name) for (p, ns, name), ids in self.store.services.by_name.items()
                 if p == partition and (namespace == WILDCARD or ns == namespace) and name != CONSUL_SERVICE
                 and ids and all(not s.kind for s in ids.values())}
        return sorted(found)

    # -- exported-services ----------------------------------------------------------------------

    def _entry(self, partition: str, ws: set) -> ConfigEntry | None:
        name = partition if self.agent.enterprise else DEFAULT
        return self.store.config.get((K.EXPORTED_SERVICES, partition, DEFAULT, name), ws)

    def _sameness(self, partition: str, group: str, ws: set) -> tuple[list[str], list[str]]:
        """(partitions, peers) of a sameness group's members."""
        entry = self.store.config.get((K.SAMENESS_GROUP, partition, DEFAULT, group), ws)
        members = (entry.body.get("Members") or []) if entry is not None else []
        return ([m["Partition"] for m in members if m.get("Partition")],
                [m["Peer"] for m in members if m.get("Peer")])

    def resolved(self, partition: str, ws: set) -> list[dict[str, Any]]:
        """`GET /v1/exported-services`: one element per exported (service, namespace), wildcards and sameness
        groups expanded, consumers sorted and deduplicated; the exporting partition itself is no consumer."""
        entry = self._entry(partition, ws)
        per: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
        for svc in (entry.body.get("Services") or []) if entry is not None else []:
            name, namespace = svc.get("Name", ""), svc.get("Namespace") or DEFAULT
            targets = (self._typical(partition, namespace, ws) if name == WILDCARD else [(namespace, name)])
            parts, peers = set(), set()
            for c in svc.get("Consumers") or []:
                if c.get("SamenessGroup"):
                    more_parts, more_peers = self._sameness(partition, c["SamenessGroup"], ws)
                    parts.update(more_parts)
                    peers.update(more_peers)
                parts.update([c["Partition"]] if c.get("Partition") else [])
                peers.update([c["Peer"]] if c.get("Peer") else [])
            parts.discard(partition)
            for key in targets:
                have = per.setdefault(key, (set(), set()))
                have[0].update(parts)
                have[1].update(peers)
        out = []
        for (namespace, name), (parts, peers) in sorted(per.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            consumers: dict[str, Any] = {}
            if peers:
                consumers["Peers"] = sorted(peers)
            if parts:
                consumers["Partitions"] = sorted(parts)
            item: dict[str, Any] = {"Service": name}
            if self.agent.enterprise:
                item |= {"Partition": partition, "Namespace": namespace}
            out.append(item | {"Consumers": consumers})
        return out

    def exported(self, partition: str, ws: set) -> tuple[int, list[dict[str, Any]]]:
        found = self.resolved(partition, ws)
        return self.store.index_of(ws), found

    def imported(self, partition: str, ws: set) -> tuple[int, Any]:
        """`GET /v1/imported-services`: what the other partitions export to `partition` (Enterprise wraps the
        list with the consuming partition; the Community Edition, with no partitions, answers a bare list)."""
        found = []
        for source in sorted(self.store.partitions.rows) if self.agent.enterprise else []:
            if source == partition:
                continue
            for item in self.resolved(source, ws):
                if partition in item["Consumers"].get("Partitions", ()):
                    found.append({"Service": item["Service"], "Partition": partition,
                                  "Namespace": item["Namespace"], "SourcePartition": source})
        index = self.store.index_of(ws)
        return index, ({"Partition": partition, "ImportedServices": found} if self.agent.enterprise else found)

    def exports_to(self, partition: str, namespace: str, name: str, consumer: str) -> bool:
        """Whether `partition` exports `name` (in `namespace`) to the partition `consumer`."""
        return any(i["Service"] == name and i.get("Namespace", DEFAULT) == namespace
                   and consumer in i["Consumers"].get("Partitions", ()) for i in self.resolved(partition, set()))

    # -- gateway services -----------------------------------------------------------------------

    def gateway_services(self, scope: Scope, gateway: str, ws: set) -> tuple[int, list[dict[str, Any]]]:
        """`GET /v1/catalog/gateway-services/<gateway>`: the services an ingress or terminating gateway entry
        names, wildcards expanded over the gateway's namespace (`[]` when there is no such entry, as
        newer Consul answers: py-consul checks it); `ns=*` takes the gateway of that name in every namespace."""
        out: list[dict[str, Any]] = []
        for kind in (K.INGRESS_GATEWAY, K.TERMINATING_GATEWAY):
            if scope.namespaces is None:
                entries = [e for e in self.store.config.list(kind, scope.partition, None, ws) if e.name == gateway]
            else:
                entry = self.store.config.get((kind, scope.partition, scope.namespace, gateway), ws)
                entries = [entry] if entry is not None else []
            for entry in entries:
                out += self._mappings(entry, ws)
        return self.store.index_of(ws), out

    def _mappings(self, entry: ConfigEntry, ws: set) -> list[dict[str, Any]]:
        meta = {"Namespace": entry.namespace, "Partition": entry.partition} if self.agent.enterprise else {}
        rows: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (service link, the mapping's own fields)
        if entry.kind == K.INGRESS_GATEWAY:
            for listener in entry.body.get("Listeners") or []:
                extra = {"Port": listener.get("Port", 0), "Protocol": listener.get("Protocol", "tcp")}
                rows += [(svc, {**extra, **({"Hosts": svc["Hosts"]} if svc.get("Hosts") else {})})
                         for svc in listener.get("Services") or []]
        else:
            rows = [(svc, {k: svc[k] for k in ("CAFile", "CertFile", "KeyFile", "SNI") if svc.get(k)})
                    for svc in entry.body.get("Services") or []]
        explicit = {(svc.get("Namespace") or entry.namespace, svc.get("Name")) for svc, _ in rows}
        out, seen = [], set()
        for svc, extra in rows:
            namespace = svc.get("Namespace") or entry.namespace
            if svc.get("Name") == WILDCARD:
                names = [(ns, n) for ns, n in self._typical(entry.partition, namespace, ws)
                         if (ns, n) not in explicit]
                wildcard = {"FromWildcard": True}
            else:
                names, wildcard = [(namespace, svc.get("Name", ""))], {}
            for ns, name in names:
                if (ns, name) in seen:
                    continue
                seen.add((ns, name))
                svc_meta = {"Namespace": ns, "Partition": entry.partition} if self.agent.enterprise else {}
                out.append({"Gateway": {"Name": entry.name, **meta}, "Service": {"Name": name, **svc_meta},
                            "GatewayKind": entry.kind, **extra, **wildcard,
                            "CreateIndex": entry.modify_index, "ModifyIndex": entry.modify_index})
        return out

    def ingress_for(self, scope: Scope, service: str, passing: bool, ws: set,
                    ) -> tuple[int, list[tuple[Service, list[HealthCheck]]]]:
        """`GET /v1/health/ingress/<service>`: the ingress gateway instances that route to `service`."""
        out = []
        for entry in self.store.config.list(K.INGRESS_GATEWAY, scope.partition, None, ws):
            names = {m["Service"]["Name"] for m in self._mappings(entry, ws)}
            if service in names:
                gw_scope = Scope(entry.partition, entry.namespace)
                out += self.agent.health.service(gw_scope, entry.name, False, passing, ws)[1]
        return self.store.index_of(ws), out
