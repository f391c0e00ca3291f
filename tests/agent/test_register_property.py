"""Property: no register body, however odd, raises anything but Consul's errors, and a refused one changes nothing."""

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consulite.agent.core import Agent
from consulite.errors import ConsulError
from consulite.model.scope import DEFAULT_SCOPE

pytestmark = pytest.mark.slow  # property-based fuzzing

KEYS = ["Name", "name", "ID", "Port", "port", "Address", "Tags", "Meta", "Kind", "Check", "Checks", "Weights",
        "Proxy", "Connect", "TaggedAddresses", "tagged_addresses", "SocketPath", "Locality", "Partition",
        "DestinationServiceName", "Upstreams", "DestinationName", "LocalBindPort", "MeshGateway", "Mode", "TTL",
        "Interval", "HTTP", "SidecarService", "sidecar_service", "Native", "Passing", "Warning", "Expose", "Paths",
        "ListenerPort", "Path", "Protocol", "Status", "CheckID", "AliasService", "Config", "Bogus"]
KINDS = ["", "connect-proxy", "mesh-gateway", "ingress-gateway", "x"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.sampled_from(
    [*KINDS, "10s", "1.2.3.4", "::", "web", "*"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=12)
bodies = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)

class NoTimers:
    def time(self):  # agent/clock.py's interface: the check runner reads the time
        return 0.0

    def call_later(self, delay, callback):
        class Handle:
            def cancel(self):
                pass

        return Handle()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(bodies)
def test_register_never_crashes_and_refusals_change_nothing(body):
    agent = Agent(clock=NoTimers())
    store = agent.store
    before = (store.index, len(store.services.rows), len(store.checks.rows))
    try:
        agent.services.register(agent.bodies.service(orjson.dumps(body)), DEFAULT_SCOPE)
    except ConsulError:
        assert (store.index, len(store.services.rows), len(store.checks.rows)) == before
