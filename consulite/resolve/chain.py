"""Discovery-chain targets and their per-target mesh gateway mode (config-entries-and-resolver.md §4.4, §5.4, §6).

The resolver part of Consul's chain: resolver redirects and default subsets lead to one target per
chain; router and splitter destinations are not expanded.
"""

from __future__ import annotations

import attrs

from consulite.model.scope import DEFAULT
from consulite.resolve.entries import Entries
from consulite.resolve.mesh_gateway import NOTHING, Decision, target_mode

MAX_REDIRECTS = 8


@attrs.frozen
class Target:
    service: str
    subset: str
    namespace: str
    partition: str
    datacenter: str
    mode: Decision
    external: bool = False

    @property
    def id(self) -> str:
        base = f"{self.service}.{self.namespace}.{self.partition}.{self.datacenter}"
        return f"{self.subset}.{base}" if self.subset else base

    def sni(self, trust_domain: str) -> str:
        """Consul's ServiceSNI: `internal` for the default partition, `internal-v1` with the partition otherwise."""
        prefix = f"{self.subset}.{self.service}" if self.subset else self.service
        if self.partition == DEFAULT:
            return f"{prefix}.{self.namespace}.{self.datacenter}.internal.{trust_domain}"
        return f"{prefix}.{self.namespace}.{self.partition}.{self.datacenter}.internal-v1.{trust_domain}"


def resolve_target(entries: Entries, service: str, namespace: str, partition: str, datacenter: str,
                   override: Decision = NOTHING) -> Target:
    """Follow service-resolver redirects and the default subset to the target, then decide its mode."""
    subset = ""
    seen = set()
    for _ in range(MAX_REDIRECTS):
        key = (service, namespace, partition, datacenter)
        if key in seen:
            break
        seen.add(key)
        resolver = entries.get("service-resolver", partition, namespace, service)
        if resolver is None:
            break
        redirect = resolver.body.get("Redirect")
        if not redirect:
            subset = subset or resolver.body.get("DefaultSubset", "")
            break
        service = redirect.get("Service") or service
        namespace = redirect.get("Namespace") or namespace
        partition = redirect.get("Partition") or partition
        datacenter = redirect.get("Datacenter") or datacenter
        subset = redirect.get("ServiceSubset", "")
    sd = entries.service_defaults(partition, namespace, service)
    mode = target_mode(override, sd, entries.proxy_defaults(partition))
    return Target(service, subset, namespace, partition, datacenter, mode,
                  external=bool(sd and sd.body.get("ExternalSNI")))



def computed_mode(entries: Entries, target: Target) -> str:
    """The mode the chain would give the target without a request override."""
    return target_mode(NOTHING, entries.service_defaults(target.partition, target.namespace, target.service),
                       entries.proxy_defaults(target.partition)).mode
