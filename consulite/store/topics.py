"""The names of what a blocked reader can wait on. Every write touches the topics of what it changed; every
read adds the topics it looked at to its watch set. NODE is the node itself (Consul's `nodes` table): a service
or check write does not move it."""

from __future__ import annotations

from consulite.store.watch import Topic

NODE: Topic = ("node",)
PARTITIONS: Topic = ("partitions",)


def namespaces(partition: str) -> Topic:
    """The namespaces of one partition."""
    return ("namespaces", partition)

CONFIG: Topic = ("config",)
ACL: Topic = ("acl",)


def service_name(partition: str, namespace: str, name: str) -> Topic:
    """Instances and checks of one service name."""
    return ("svc", partition, namespace, name)


def extinction(partition: str) -> Topic:
    """The last time a service name lost its last instance (Consul's `service_last_extinction` index)."""
    return ("extinct", partition)


def service_list(partition: str, namespace: str) -> Topic:
    return ("svcs", partition, namespace)


def connect(partition: str, namespace: str, name: str) -> Topic:
    """Proxies and Connect-native instances for a service."""
    return ("connect", partition, namespace, name)


def agent_service(partition: str, namespace: str, service_id: str) -> Topic:
    return ("agent", partition, namespace, service_id)


def checks(partition: str, namespace: str) -> Topic:
    return ("checks", partition, namespace)


def config_kind(kind: str) -> Topic:
    return ("config", kind)


def config_entry(key: tuple[str, str, str, str]) -> Topic:
    return ("config", *key)


SESSIONS: Topic = ("sessions",)


def kv_space(partition: str, namespace: str) -> Topic:
    """The space of KV keys and prefixes in one (partition, namespace): see `watch.key_topic`/`prefix_topic`."""
    return ("kv", partition, namespace)


def session(session_id: str) -> Topic:
    """Readers of one session (`/v1/session/info/:id`)."""
    return ("session", session_id)


#: User events: woken at a fire, the index is derived from the last event's ID.
EVENTS = ("events",)
COORDINATES: Topic = ("coordinates",)
AUTOPILOT: Topic = ("autopilot",)
QUERIES: Topic = ("queries",)


def nodes(partition: str) -> Topic:
    """The catalog's node list of a partition (a node registered, changed or removed)."""
    return ("nodes", partition)


def catalog_node(partition: str, key: str) -> Topic:
    """One catalog node (by its lower-cased name): the node, its services and its checks."""
    return ("cnode", partition, key)


def node_extinction(partition: str) -> Topic:
    """The last time a catalog node was removed (Consul's `node_last_extinction` index)."""
    return ("cnode-extinct", partition)
