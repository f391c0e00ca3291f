"""Where a request acts: an admin partition and a namespace (both `default` in Community Edition)."""

from __future__ import annotations

import attrs

DEFAULT = "default"


@attrs.frozen
class Scope:
    partition: str = DEFAULT
    namespace: str = DEFAULT

    def key(self, name: str) -> tuple[str, str, str]:
        """The store key of an object named `name` in this scope."""
        return (self.partition, self.namespace, name)


DEFAULT_SCOPE = Scope()
