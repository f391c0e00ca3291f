"""Property (issue 11): whatever the register decoder and the config-entry decoder accept renders with orjson:
the agent and catalog views, the config-entry view and the state document. Bodies lean on the edges: deep
free-form values around the depth limit, integers and floats past their Go types, long digit strings."""

import json

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consulite.agent.core import Agent
from consulite.decode.bodies import MAX_JSON_DEPTH, parse_json
from consulite.errors import ConsulError
from consulite.model.scope import DEFAULT_SCOPE
from tests.conftest import ManualClock

edge_ints = st.sampled_from([0, 1, -1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1, -(2**63), -(2**63) - 1])
edge_numbers = st.one_of(edge_ints, st.sampled_from([1e20, 1e308, -1e308, 1.5, 3.4e38, 1e39]),
                         st.integers(-(2**64), 2**64))
digit_strings = st.builds(lambda n, unit: "9" * n + unit, st.sampled_from([1, 18, 19, 20, 30, 400]),
                          st.sampled_from(["", "s", "ms", "h"]))
depths = st.sampled_from([1, 2, 50, MAX_JSON_DEPTH - 3, MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH,
                          MAX_JSON_DEPTH + 1, 200, 253, 254, 255, 600])
leaves = st.one_of(st.none(), st.booleans(), edge_numbers, digit_strings, st.text(max_size=5))


def deep_json(depth: int, leaf) -> bytes:
    """JSON text of `depth` nested containers around `leaf`, alternating objects and arrays."""
    opens = b"".join(b'{"k":' if i % 2 == 0 else b"[" for i in range(depth))
    closes = b"".join(b"}" if i % 2 == 0 else b"]" for i in reversed(range(depth)))
    return opens + json.dumps(leaf).encode() + closes  # json: also integers orjson cannot write


def body_with(fields: dict, deep_key: str | None, deep: bytes) -> bytes:
    text = json.dumps(fields, separators=(",", ":")).encode()
    if deep_key is None:
        return text  # (`deep` unused)
    prefix = b"{" if text == b"{}" else text[:-1] + b","
    return prefix + orjson.dumps(deep_key) + b":" + deep + b"}"


def renders(agent: Agent, entries=()) -> None:
    """Every view of what the agent holds renders: agent and catalog services, entries, the state document."""
    render = agent.render
    services = agent.services.listing(DEFAULT_SCOPE)
    render.agent_services_json(services)
    orjson.dumps([render.catalog_service(s, render.node_json("default")) for s in services])
    orjson.dumps([agent.codec.render(e) for e in entries])
    orjson.dumps(agent.state.snapshot())


register_fields = st.fixed_dictionaries({"Name": st.just("web")}, optional={
    "Port": edge_numbers, "Kind": st.sampled_from(["", "connect-proxy"]),
    "Weights": st.fixed_dictionaries({"Passing": edge_numbers, "Warning": edge_numbers}),
    "Check": st.fixed_dictionaries({"TTL": st.one_of(digit_strings, edge_numbers)}),
    "Proxy": st.fixed_dictionaries({"DestinationServiceName": st.just("db"), "LocalServicePort": edge_numbers,
                                    "Upstreams": st.lists(st.fixed_dictionaries(
                                        {"DestinationName": st.just("api"), "LocalBindPort": edge_numbers}),
                                        max_size=1)}),
})


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(register_fields, st.sampled_from([None, "Meta", "Proxy"]), depths, leaves)
def test_accepted_registrations_render(fields, deep_key, depth, leaf):
    if deep_key == "Proxy":  # the free-form Proxy.Config, one level down
        fields = {**fields, "Kind": "connect-proxy"}
        body = body_with(fields, "Proxy", b'{"DestinationServiceName":"db","Config":' + deep_json(depth, leaf) + b"}")
    else:
        body = body_with(fields, deep_key, deep_json(depth, leaf))
    agent = Agent(clock=ManualClock())
    try:
        agent.services.register(agent.bodies.service(body), DEFAULT_SCOPE)
    except ConsulError:
        return
    renders(agent)


entry_bodies = st.one_of(
    st.fixed_dictionaries({"Kind": st.just("service-defaults"), "Name": st.just("web")}, optional={
        "MaxInboundConnections": st.one_of(edge_numbers, digit_strings), "LocalConnectTimeoutMs": edge_numbers,
        "UpstreamConfig": st.fixed_dictionaries({"Defaults": st.fixed_dictionaries(
            {"ConnectTimeoutMs": edge_numbers, "Limits": st.fixed_dictionaries({"MaxConnections": edge_numbers})})})}),
    st.fixed_dictionaries({"Kind": st.just("ingress-gateway"), "Name": st.just("gw")}, optional={
        "Defaults": st.fixed_dictionaries({"MaxConnections": st.one_of(edge_numbers, digit_strings)})}),
    st.fixed_dictionaries({"Kind": st.just("service-resolver"), "Name": st.just("web")}, optional={
        "ConnectTimeout": digit_strings,
        "LoadBalancer": st.fixed_dictionaries({"Policy": st.just("ring_hash"), "RingHashConfig": st.fixed_dictionaries(
            {"MinimumRingSize": st.one_of(edge_numbers, digit_strings)})})}),
    st.fixed_dictionaries({"Kind": st.just("service-splitter"), "Name": st.just("web"), "Splits": st.lists(
        st.fixed_dictionaries({"Weight": st.one_of(edge_numbers, digit_strings)}), min_size=1, max_size=2)}),
    st.fixed_dictionaries({"Kind": st.just("proxy-defaults"), "Name": st.just("global")}),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(entry_bodies, st.booleans(), depths, leaves)
def test_accepted_config_entries_render(fields, with_config, depth, leaf):
    key = "Config" if with_config and fields["Kind"] == "proxy-defaults" else None
    raw_text = body_with(fields, key, deep_json(depth, leaf) if key else b"")
    agent = Agent(clock=ManualClock())
    try:
        entry = agent.config_entries.decode(parse_json(raw_text))  # the HTTP gate, as the config route calls it
    except ConsulError:
        return
    renders(agent, [entry])  # what was decoded renders, validated or not
    try:
        agent.config_entries.write(entry, DEFAULT_SCOPE)
    except ConsulError:
        return
    renders(agent, [entry])
