"""Prepared queries: create, read, update, delete, execute and explain (agent/prepared_query_endpoint.go,
agent/consul/prepared_query_endpoint.go). One datacenter: failover finds no other."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from consulite import messages as M
from consulite.agent.operator import field, json_body
from consulite.errors import BadRequest, ConsulError, NotFound
from consulite.model.check import CRITICAL, WARNING, HealthCheck
from consulite.model.operator import PreparedQuery
from consulite.model.scope import Scope
from consulite.model.service import Service

if TYPE_CHECKING:
    from consulite.agent.core import Agent

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
Entry = tuple[Service, list[HealthCheck]]
TEMPLATE = "name_prefix_match"


def _strings(body: dict[str, Any], key: str, where: str) -> list[str] | None:
    values = field(body, key, list, where, "[]string") or None
    if values is not None and not all(isinstance(v, str) for v in values):
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=M.GO_UNMARSHAL.format(
            kind="number", field=f"{where}.{key}", type="string")))
    return values


def _map(body: dict[str, Any], key: str, where: str) -> dict[str, str] | None:
    values = field(body, key, dict, where, "map[string]string") or None
    return {str(k): str(v) for k, v in values.items()} if values is not None else None


def normalize(body: dict[str, Any]) -> dict[str, Any]:
    """A query body in Consul's full shape (1.8.7's PreparedQuery JSON), absent fields zero; a value of the
    wrong JSON type is encoding/json's 400."""
    pq = "PreparedQuery"
    svc = field(body, "Service", dict, pq, "structs.ServiceQuery")
    sq = f"{pq}.Service"
    failover = field(svc, "Failover", dict, sq, "structs.QueryDatacenterOptions")
    template = field(body, "Template", dict, pq, "structs.QueryTemplateOptions")
    return {
        "Name": field(body, "Name", str, pq), "Session": field(body, "Session", str, pq),
        "Token": field(body, "Token", str, pq),
        "Template": {"Type": field(template, "Type", str, f"{pq}.Template"),
                     "Regexp": field(template, "Regexp", str, f"{pq}.Template"),
                     "RemoveEmptyTags": field(template, "RemoveEmptyTags", bool, f"{pq}.Template")},
        "Service": {"Service": field(svc, "Service", str, sq),
                    "Failover": {"NearestN": field(failover, "NearestN", int, f"{sq}.Failover"),
                                 "Datacenters": _strings(failover, "Datacenters", f"{sq}.Failover")},
                    "OnlyPassing": field(svc, "OnlyPassing", bool, sq),
                    "IgnoreCheckIDs": _strings(svc, "IgnoreCheckIDs", sq), "Near": field(svc, "Near", str, sq),
                    "Tags": _strings(svc, "Tags", sq), "NodeMeta": _map(svc, "NodeMeta", sq),
                    "ServiceMeta": _map(svc, "ServiceMeta", sq), "Connect": field(svc, "Connect", bool, sq)},
        "DNS": {"TTL": field(field(body, "DNS", dict, pq, "structs.QueryDNSOptions"), "TTL", str, f"{pq}.DNS")},
    }


def tag_filter(tags: list[str], wanted: list[str]) -> bool:
    """Consul's query tag rule: every `tag` present and every `!tag` absent, case-insensitively."""
    have = {t.lower() for t in tags}
    for tag in wanted:
        tag = tag.lower()
        if (tag.startswith("!") and tag[1:] in have) or (not tag.startswith("!") and tag not in have):
            return False
    return True


class Queries:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.store = agent.store

    def render(self, q: PreparedQuery) -> dict[str, Any]:
        return {"ID": q.id, **q.body, "CreateIndex": q.create_index, "ModifyIndex": q.modify_index}

    def _validated(self, raw: bytes, own_id: str = "") -> dict[str, Any]:
        body = normalize(json_body(raw, "structs.PreparedQuery"))
        if not body["Service"]["Service"]:
            raise ConsulError(M.QUERY_NO_SERVICE)
        name = body["Name"]
        if name and _UUID.match(name):
            raise ConsulError(M.QUERY_NAME_UUID)
        clash = self.store.queries.get(name) if name else None
        if clash is not None and clash.id != own_id:
            raise ConsulError(M.QUERY_NAME_TAKEN.format(name=name))
        return body

    def create(self, raw: bytes) -> str:
        body = self._validated(raw)
        query = PreparedQuery(id=str(uuid.uuid4()), body=body)
        with self.store.write() as tx:
            self.store.queries.put(tx, query)
        return query.id

    def _existing(self, query_id: str) -> PreparedQuery:
        if not _UUID.match(query_id):
            raise ConsulError(M.QUERY_LOOKUP_FAILED)
        query = self.store.queries.rows.get(query_id)
        if query is None:
            raise ConsulError(M.QUERY_MODIFY_MISSING.format(id=query_id))
        return query

    def update(self, query_id: str, raw: bytes) -> None:
        self._existing(query_id)
        body = self._validated(raw, query_id)
        with self.store.write() as tx:
            self.store.queries.put(tx, PreparedQuery(id=query_id, body=body))

    def delete(self, query_id: str) -> None:
        self._existing(query_id)
        with self.store.write() as tx:
            self.store.queries.delete(tx, query_id)

    def listing(self, ws: set) -> tuple[int, list[dict[str, Any]]]:
        found = [self.render(q) for q in self.store.queries.list(ws)]
        return self.store.index_of(ws), found

    def get(self, query_id: str, ws: set) -> tuple[int, list[dict[str, Any]]]:
        """`GET /v1/query/<id>`: by ID only (a name is not a UUID: Consul's index error)."""
        if not _UUID.match(query_id):
            raise ConsulError(M.QUERY_INDEX_ERROR)
        query = self.store.queries.rows.get(query_id)
        self.store.queries.list(ws)
        if query is None:
            raise NotFound(M.QUERY_NOT_FOUND)
        return self.store.index_of(ws), [self.render(query)]

    def _resolve(self, id_or_name: str) -> PreparedQuery:
        """By ID, by name, then the `name_prefix_match` template with the longest name prefixing it (an empty
        template name matches everything), as the state store's PreparedQueryResolve does."""
        query = self.store.queries.get(id_or_name)
        if query is None:
            templates = [q for q in self.store.queries.rows.values()
                         if q.body["Template"]["Type"] == TEMPLATE and id_or_name.startswith(q.name)]
            query = max(templates, key=lambda q: len(q.name), default=None)
        if query is None:
            raise NotFound(M.QUERY_NOT_FOUND)
        return query

    def explain(self, id_or_name: str) -> dict[str, Any]:
        return self.render(self._resolve(id_or_name))

    def execute(self, id_or_name: str, scope: Scope, limit: int = 0) -> tuple[PreparedQuery, list[Entry]]:
        """The healthy instances the query selects: critical ones never, warning ones not with OnlyPassing,
        ignored check IDs skipped, tags and metadata matched; `Near` and failover over one datacenter change
        nothing (one node, no other datacenter)."""
        query = self._resolve(id_or_name)
        svc_q = query.body["Service"]
        ignored = set(svc_q["IgnoreCheckIDs"] or ())
        bad = {CRITICAL, WARNING} if svc_q["OnlyPassing"] else {CRITICAL}
        _, found = self.agent.health.service(scope, svc_q["Service"], bool(svc_q["Connect"]), False, set())
        out = []
        for svc, checks in found:
            if any(c.status in bad and c.check_id not in ignored for c in checks):
                continue
            if svc_q["Tags"] and not tag_filter(svc.tags, svc_q["Tags"]):
                continue
            wanted = svc_q["ServiceMeta"] or {}
            if any(svc.meta.get(k) != v for k, v in wanted.items()):
                continue
            out.append((svc, checks))
        return query, out[:limit] if limit > 0 else out
