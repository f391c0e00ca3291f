"""What a write or delete must pass before the store takes it: Normalize, Validate, the service graph."""

from __future__ import annotations

from consulite import messages as M
from consulite.model.config import KINDS
from consulite.model.config import kinds as K
from consulite.model.config.chain import require_l7
from consulite.model.config.entry import ConfigEntry, Context, EntryError
from consulite.model.config.intentions import require_jwt_providers, require_l7_protocol
from consulite.model.scope import DEFAULT

#: Kinds whose change can alter a service's protocol, so routers and splitters are checked again.
_PROTOCOL_KINDS = frozenset({K.SERVICE_DEFAULTS, K.PROXY_DEFAULTS})


def scope(entry: ConfigEntry, partition: str, namespace: str, enterprise: bool) -> None:
    """Fill the entry's partition/namespace from the request where the body left them empty (§1.2 step 4)."""
    if not enterprise:
        entry.partition = entry.namespace = DEFAULT
        return
    entry.partition = entry.partition or partition
    entry.namespace = entry.namespace or namespace
    if KINDS[entry.kind].partition_scoped:
        entry.namespace = DEFAULT


def prepare_write(entry: ConfigEntry, ctx: Context) -> None:
    """Normalize and Validate an entry (any failure is an EntryError: a 500 with Consul's text)."""
    kind = KINDS[entry.kind]
    if not ctx.partition_exists(entry.partition) and entry.kind != K.EXPORTED_SERVICES:
        raise EntryError(M.PARTITION_MISSING.format(name=entry.partition))
    if entry.namespace != DEFAULT and not ctx.namespace_exists(entry.partition, entry.namespace):
        raise EntryError(M.NAMESPACE_MISSING.format(name=entry.namespace))
    kind.normalize(entry, ctx)
    kind.validate(entry, ctx)
    check_graph(entry.kind, entry.partition, entry.namespace, entry.name, ctx)
    if entry.kind == K.SERVICE_INTENTIONS:
        require_l7_protocol(entry, ctx)
        require_jwt_providers(entry, ctx)


def check_graph(kind: str, partition: str, namespace: str, name: str, ctx: Context) -> None:
    """After a change to (kind, name), every router, splitter and L7 intention a protocol change can affect
    must still see an L7 (HTTP-like) protocol."""
    if kind not in _PROTOCOL_KINDS:
        return
    wide = kind == K.PROXY_DEFAULTS
    for chain_kind, require in (("service-router", require_l7), ("service-splitter", require_l7),
                                (K.SERVICE_INTENTIONS, require_l7_protocol)):
        for other in ctx.related(chain_kind, partition, None if wide else namespace, None if wide else name):
            require(other, ctx)
