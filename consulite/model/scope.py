"""Where a request acts: an admin partition and a namespace (both `default` in Community Edition)."""

from __future__ import annotations

import attrs

DEFAULT = "default"
#: `ns=*`: every namespace of the partition (config entry, KV, gateway-services listings; catalog and health)
WILDCARD = "*"


@attrs.frozen
class Scope:
    partition: str = DEFAULT
    namespace: str = DEFAULT

    @property
    def namespaces(self) -> str | None:
        """The namespace a listing looks in; None for the wildcard: every namespace of the partition."""
        return None if self.namespace == WILDCARD else self.namespace

    def key(self, name: str) -> tuple[str, str, str]:
        """The store key of an object named `name` in this scope."""
        return (self.partition, self.namespace, name)


DEFAULT_SCOPE = Scope()
