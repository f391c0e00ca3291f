"""Config entries: one module per kind family; `KINDS` maps each of Consul's 19 kind strings to its description."""

from consulite.model.config.chain import SERVICE_RESOLVER, SERVICE_ROUTER, SERVICE_SPLITTER
from consulite.model.config.defaults import PROXY_DEFAULTS, SERVICE_DEFAULTS
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind
from consulite.model.config.gateways import (
    API_GATEWAY,
    BOUND_API_GATEWAY,
    FILE_SYSTEM_CERTIFICATE,
    HTTP_ROUTE,
    INGRESS_GATEWAY,
    INLINE_CERTIFICATE,
    TCP_ROUTE,
    TERMINATING_GATEWAY,
)
from consulite.model.config.intentions import SERVICE_INTENTIONS
from consulite.model.config.partition_level import (
    CONTROL_PLANE_REQUEST_LIMIT,
    EXPORTED_SERVICES,
    JWT_PROVIDER,
    MESH,
    SAMENESS_GROUP,
)

#: In Consul's AllConfigEntryKinds order (config-entries-and-resolver.md §2.4).
KINDS: dict[str, Kind] = {k.name: k for k in (
    SERVICE_DEFAULTS, PROXY_DEFAULTS, SERVICE_ROUTER, SERVICE_SPLITTER, SERVICE_RESOLVER, INGRESS_GATEWAY,
    TERMINATING_GATEWAY, SERVICE_INTENTIONS, MESH, EXPORTED_SERVICES, SAMENESS_GROUP, API_GATEWAY,
    BOUND_API_GATEWAY, HTTP_ROUTE, TCP_ROUTE, FILE_SYSTEM_CERTIFICATE, INLINE_CERTIFICATE,
    CONTROL_PLANE_REQUEST_LIMIT, JWT_PROVIDER,
)}

__all__ = ["KINDS", "ConfigEntry", "Context", "EntryError", "Kind"]
