"""The config entries resolution reads, looked up in their own scope (config-entries-and-resolver.md §4.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

DEFAULT = "default"
Lookup = Callable[[str, str, str, str], dict[str, Any] | None]  # (kind, partition, namespace, name) -> body or None


@attrs.frozen
class Found:
    """A config entry's body and where it lives, for crediting the layer that decided."""

    kind: str
    name: str
    partition: str
    namespace: str
    body: dict[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"


@attrs.frozen
class Entries:
    """Read access to config entries for resolution."""

    lookup: Lookup

    def proxy_defaults(self, partition: str) -> Found | None:
        return self._find("proxy-defaults", partition, DEFAULT, "global")

    def service_defaults(self, partition: str, namespace: str, name: str) -> Found | None:
        return self._find("service-defaults", partition, namespace, name)

    def get(self, kind: str, partition: str, namespace: str, name: str) -> Found | None:
        return self._find(kind, partition, namespace, name)

    def _find(self, kind: str, partition: str, namespace: str, name: str) -> Found | None:
        body = self.lookup(kind, partition, namespace, name)
        return None if body is None else Found(kind, name, partition, namespace, body)


def mode_of(found: Found | None) -> str:
    """The `MeshGateway.Mode` an entry sets ("" when it sets none)."""
    return ((found.body.get("MeshGateway") or {}).get("Mode", "")) if found is not None else ""
