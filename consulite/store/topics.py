"""The names of what a blocked reader can wait on. Every write touches the topics of what it changed
(and NODE: every write moves the node's view); every read adds the topics it looked at to its watch set."""

from __future__ import annotations

from consulite.store.watch import Topic

NODE: Topic = ("node",)
PARTITIONS: Topic = ("partitions",)
CONFIG: Topic = ("config",)


def service_name(partition: str, namespace: str, name: str) -> Topic:
    """Instances and checks of one service name."""
    return ("svc", partition, namespace, name)


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
COORDINATES: Topic = ("coordinates",)
AUTOPILOT: Topic = ("autopilot",)
QUERIES: Topic = ("queries",)
