"""`/v1/catalog/*`: the catalog view of this agent's node, with `X-Consul-Index` and index blocking."""

from __future__ import annotations

from aiohttp import web

from consulite import messages as M
from consulite.decode.filter import compile_filter
from consulite.errors import BadRequest
from consulite.http.context import Agent
from consulite.http.params import block_on_index, check_query, ent_meta
from consulite.http.responses import json_response, query_meta
from consulite.http.router import Router
from consulite.store.state import NODE

CATALOG_SERVICE_FIELDS = frozenset({
    "ID", "Node", "Address", "Datacenter", "TaggedAddresses", "NodeMeta", "ServiceKind", "ServiceID",
    "ServiceName", "ServiceTags", "ServiceAddress", "ServiceTaggedAddresses", "ServiceWeights", "ServiceMeta",
    "ServicePort", "ServiceSocketPath", "ServiceEnableTagOverride", "ServiceProxy", "ServiceConnect",
})
NODE_FIELDS = frozenset({"ID", "Node", "Address", "Datacenter", "TaggedAddresses", "Meta"})


def register(router: Router) -> None:
    router.add("/v1/catalog/services", {"GET": services}, "Service names and tags")
    router.add("/v1/catalog/service/", {"GET": service_nodes}, "Instances of a service")
    router.add("/v1/catalog/connect/", {"GET": connect_nodes}, "Connect-capable instances of a service")
    router.add("/v1/catalog/nodes", {"GET": nodes}, "Nodes")
    router.add("/v1/catalog/node/", {"GET": node_services}, "A node and its services (map)")
    router.add("/v1/catalog/node-services/", {"GET": node_service_list}, "A node and its services (list)")
    router.add("/v1/catalog/datacenters", {"GET": datacenters}, "Known datacenters")


def filter_of(request: web.Request, fields) -> object:
    text = request.query.get("filter")
    return compile_filter(text, fields) if text else None


def tags_match(request: web.Request, tags: list[str]) -> bool:
    wanted = request.query.getall("tag", [])
    return all(t in tags for t in wanted)


async def _prepare(agent: Agent, request: web.Request, topics) -> tuple[str, str, int]:
    partition, namespace = ent_meta(agent, request)
    check_query(agent, request)
    topics = topics(partition, namespace)
    index = await block_on_index(agent, request, topics)
    return partition, namespace, index


async def services(agent: Agent, request: web.Request, rest: str):
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [("svcs", p, ns)])
    out: dict[str, list[str]] = {}
    for name, instances in agent.store.service_names(partition, namespace).items():
        tags = out.setdefault(name, [])
        for svc in instances:
            tags.extend(t for t in svc.tags if t not in tags)
    return json_response(request, out, headers=query_meta(index, request))


async def _instances(agent: Agent, request: web.Request, name: str, connect: bool):
    if not name:
        raise BadRequest(M.MISSING_SERVICE_NAME_CATALOG)
    topic = "connect" if connect else "svc"
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [(topic, p, ns, name)])
    keep = filter_of(request, CATALOG_SERVICE_FIELDS)
    store = agent.store
    found = store.instances_of(partition, namespace, name, connect)
    node = agent.render.node_json(partition)
    out = []
    for svc in found:
        if not tags_match(request, svc.tags):
            continue
        rendered = agent.render.catalog_service(agent.view(svc), node)
        if keep is None or keep(rendered):
            out.append(rendered)
    return json_response(request, out, headers=query_meta(index, request))


async def service_nodes(agent: Agent, request: web.Request, name: str):
    return await _instances(agent, request, name, connect=False)


async def connect_nodes(agent: Agent, request: web.Request, name: str):
    return await _instances(agent, request, name, connect=True)


async def nodes(agent: Agent, request: web.Request, rest: str):
    partition, _, index = await _prepare(agent, request, lambda p, ns: [NODE])
    keep = filter_of(request, NODE_FIELDS)
    node = agent.render.node_json(partition)
    return json_response(request, [node] if keep is None or keep(node) else [], headers=query_meta(index, request))


def is_this_node(agent: Agent, name: str) -> bool:
    """The agent's one node answers to its name and its ID."""
    return name in (agent.node.name, agent.node.id)


async def _node_and_services(agent: Agent, request: web.Request, name: str):
    """(node JSON or None, its services' JSON in the request's scope, index) for the catalog node routes."""
    if not name:
        raise BadRequest(M.MISSING_NODE_NAME)
    partition, namespace, index = await _prepare(agent, request, lambda p, ns: [NODE])
    if not is_this_node(agent, name):
        return None, [], index
    services = [(s.id, agent.render.node_service(agent.view(s))) for s in _node_scope(agent, partition, namespace)]
    return agent.render.node_json(partition), services, index


async def node_services(agent: Agent, request: web.Request, name: str):
    node, services, index = await _node_and_services(agent, request, name)
    body = {"Node": node, "Services": dict(services)} if node is not None else None
    return json_response(request, body, headers=query_meta(index, request))


async def node_service_list(agent: Agent, request: web.Request, name: str):
    node, services, index = await _node_and_services(agent, request, name)
    body = {"Node": node, "Services": [rendered for _, rendered in services]}
    return json_response(request, body, headers=query_meta(index, request))


def _node_scope(agent: Agent, partition: str, namespace: str):
    store = agent.store
    scoped = store.agent_services(partition, namespace)
    if store.consul_service.partition == partition and store.consul_service.namespace == namespace:
        scoped.insert(0, store.consul_service)
    return scoped


async def datacenters(agent: Agent, request: web.Request, rest: str):
    return json_response(request, [agent.config.datacenter])
