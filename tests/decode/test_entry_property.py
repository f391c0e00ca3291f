"""Property: no config-entry body, however odd, raises anything but Consul's errors on decode, Normalize or
Validate (the 400s and 500s of config-entries-and-resolver.md §1.2)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consulite.decode.config import EntryCodec
from consulite.errors import DecodeError
from consulite.model.config import KINDS, Context, EntryError

pytestmark = pytest.mark.slow  # property-based fuzzing

CODECS = (EntryCodec(enterprise=True), EntryCodec(enterprise=False))
KEYS = ["Name", "name", "Protocol", "MeshGateway", "mesh_gateway", "Mode", "Config", "UpstreamConfig", "Overrides",
        "Defaults", "ConnectTimeoutMs", "Destination", "Addresses", "Port", "Routes", "Match", "HTTP", "PathPrefix",
        "Methods", "Splits", "Weight", "Service", "Subsets", "Redirect", "Failover", "Targets", "DefaultSubset",
        "ConnectTimeout", "Sources", "Action", "Permissions", "Listeners", "Services", "Consumers", "Partition",
        "Peer", "Namespace", "TLS", "Incoming", "TLSMinVersion", "Meta", "LoadBalancer", "Policy", "Members",
        "JSONWebKeySet", "Local", "Bogus", "PassiveHealthCheck", "Interval", "Limits", "MaxConnections"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 70000), st.floats(-1, 200, allow_nan=False),
                    st.sampled_from(["", "http", "tcp", "local", "5s", "x", "*", "GET", "/a", "allow", "1.2.3.4"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=14)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(sorted(KINDS)), st.dictionaries(st.sampled_from(KEYS), values, max_size=8),
       st.sampled_from(CODECS))
def test_entries_never_crash(kind, body, codec):
    try:
        entry = codec.decode({"Kind": kind, **body})
        entry.partition = entry.partition or "default"
        entry.namespace = entry.namespace or "default"
        ctx = Context(enterprise=codec.enterprise)
        KINDS[entry.kind].normalize(entry, ctx)
        KINDS[entry.kind].validate(entry, ctx)
        codec.render(entry)
    except (DecodeError, EntryError):
        pass
