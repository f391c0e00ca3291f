"""The config entries resolution reads, looked up in their own scope (config-entries-and-resolver.md §4.8).
Entries travel as the store's `ConfigEntry` objects: kind, name, partition and namespace say where the
deciding entry lives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from consulite.model.config import kinds as K
from consulite.model.config.entry import ConfigEntry
from consulite.model.scope import DEFAULT

Get = Callable[[str, str, str, str], ConfigEntry | None]  # (kind, partition, namespace, name) -> entry or None


@attrs.frozen
class Entries:
    """Read access to config entries for resolution."""

    get: Get

    def proxy_defaults(self, partition: str) -> ConfigEntry | None:
        return self.get(K.PROXY_DEFAULTS, partition, DEFAULT, K.PROXY_DEFAULTS_GLOBAL)

    def service_defaults(self, partition: str, namespace: str, name: str) -> ConfigEntry | None:
        return self.get(K.SERVICE_DEFAULTS, partition, namespace, name)

    def body(self, kind: str, partition: str, namespace: str, name: str) -> dict[str, Any] | None:
        """An entry's body (the `Lookup` the model's rules take)."""
        entry = self.get(kind, partition, namespace, name)
        return entry.body if entry is not None else None


def mode_of(found: ConfigEntry | None) -> str:
    """The `MeshGateway.Mode` an entry sets ("" when it sets none)."""
    return ((found.body.get("MeshGateway") or {}).get("Mode", "")) if found is not None else ""
