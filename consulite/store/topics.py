"""The names of what a blocked reader can wait on. Every write touches the topics of what it changed
(and NODE: every write moves the node's view); every read adds the topics it looked at to its watch set."""

from __future__ import annotations

NODE = ("node",)
PARTITIONS = ("partitions",)
CONFIG = ("config",)


def service_name(partition: str, namespace: str, name: str) -> tuple:
    """Instances and checks of one service name."""
    return ("svc", partition, namespace, name)


def service_list(partition: str, namespace: str) -> tuple:
    return ("svcs", partition, namespace)


def connect(partition: str, namespace: str, name: str) -> tuple:
    """Proxies and Connect-native instances for a service."""
    return ("connect", partition, namespace, name)


def agent_service(partition: str, namespace: str, service_id: str) -> tuple:
    return ("agent", partition, namespace, service_id)


def checks(partition: str, namespace: str) -> tuple:
    return ("checks", partition, namespace)


def config_kind(kind: str) -> tuple:
    return ("config", kind)


def config_entry(key: tuple[str, str, str, str]) -> tuple:
    return ("config", *key)


SESSIONS = ("sessions",)


def kv_space(partition: str, namespace: str) -> tuple:
    """The space of KV keys and prefixes in one (partition, namespace): see `watch.key_topic`/`prefix_topic`."""
    return ("kv", partition, namespace)


def session(session_id: str) -> tuple:
    """Readers of one session (`/v1/session/info/:id`)."""
    return ("session", session_id)


#: User events: woken at a fire, the index is derived from the last event's ID.
EVENTS = ("events",)
