"""The names of what a blocked reader can wait on. Every write touches the topics of what it changed
(and NODE: every write moves the node's view); every read adds the topics it looked at to its watch set."""

from __future__ import annotations

NODE = ("node",)
PARTITIONS = ("partitions",)
CONFIG = ("config",)
ACL = ("acl",)


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
