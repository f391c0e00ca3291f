"""Namespaces (Consul Enterprise): one partition's named spaces for services, checks, KV, sessions, config
entries and ACL objects (clients-and-enterprise.md §2.1). `default` exists in every partition without a row
until it is updated."""

from __future__ import annotations

import attrs

from consulite.model.scope import DEFAULT

DEFAULT_DESCRIPTION = "Builtin Default Namespace"


@attrs.define(eq=False)
class Namespace:
    partition: str
    name: str
    description: str = ""
    #: ACL defaults, stored by ID (names are filled in on output, as for tokens' links)
    policy_defaults: list[str] = attrs.field(factory=list)
    role_defaults: list[str] = attrs.field(factory=list)
    meta: dict[str, str] = attrs.field(factory=dict)
    create_index: int = 0
    modify_index: int = 0


def builtin(partition: str, index: int) -> Namespace:
    """The `default` namespace of a partition, as it is before anyone updates it."""
    return Namespace(partition, DEFAULT, DEFAULT_DESCRIPTION, create_index=index, modify_index=index)
