"""Issue 11, writes that must render: deep JSON and integers past their Go type are refused at the gate."""

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consulite import messages as M
from consulite.agent.core import Agent
from consulite.decode.bodies import MAX_JSON_DEPTH, BodyDecoder, check_depth, check_text_depth
from consulite.decode.config import EntryCodec
from consulite.errors import BadRequest, DecodeError
from consulite.model.config import KINDS, Context, EntryError
from consulite.model.scope import DEFAULT_SCOPE
from tests.conftest import ManualClock

DECODER = BodyDecoder(enterprise=True)
CODEC = EntryCodec(enterprise=True)
TOO_DEEP = M.JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH)


def nested(levels: int):
    """A JSON object nesting `levels` objects: {"a": {"a": ... {}}}."""
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def nested_json(levels: int) -> bytes:
    """The JSON text of `nested(levels)`, written out (orjson itself cannot write past 254 levels)."""
    return b'{"a":' * (levels - 1) + b"{}" + b"}" * (levels - 1)


def proxy_body(config_json: bytes) -> bytes:
    return (b'{"Name":"web-proxy","Kind":"connect-proxy","Port":21000,'
            b'"Proxy":{"DestinationServiceName":"web","Config":' + config_json + b"}}")


def registered(body: bytes, entries=()) -> Agent:
    """An agent holding what `body` registers (and `entries`, written): the operations' own path."""
    agent = Agent(clock=ManualClock())
    agent.services.register(agent.bodies.service(body), DEFAULT_SCOPE)
    for entry in entries:
        agent.config_entries.write(entry, DEFAULT_SCOPE)
    return agent


def rendered_everywhere(agent: Agent) -> None:
    """The agent listing, the catalog view and the state document of what was accepted all render."""
    render = agent.render
    services = agent.services.listing(DEFAULT_SCOPE)
    render.agent_services_json(services)
    orjson.dumps([render.catalog_service(s, render.node_json("default")) for s in services])
    orjson.dumps(agent.state.snapshot())


def test_proxy_config_nested_254_levels_is_refused_not_stored():
    # The issue's reproducer: about 3 KB, accepted before, then /v1/agent/services and the state dump 500'd.
    body = proxy_body(nested_json(254))
    assert len(body) < 4096
    with pytest.raises(BadRequest) as e:
        DECODER.service(body)
    assert e.value.text == f"Request decode failed: {TOO_DEEP}"


def test_config_entry_config_nested_254_levels_is_refused():
    with pytest.raises(DecodeError) as e:
        CODEC.decode({"Kind": "proxy-defaults", "Name": "global", "Config": nested(254)})
    assert e.value.text == TOO_DEEP


def test_deepest_accepted_body_renders_everywhere():
    deepest = MAX_JSON_DEPTH - 2  # the body wraps the value in {"Proxy": {"Config": ...}}
    with pytest.raises(BadRequest):
        DECODER.service(proxy_body(nested_json(deepest + 1)))
    entry = CODEC.decode({"Kind": "proxy-defaults", "Name": "global", "Config": nested(MAX_JSON_DEPTH - 1)})
    rendered_everywhere(registered(proxy_body(nested_json(deepest)), [entry]))
    orjson.dumps([CODEC.render(entry)])


def test_depth_past_orjsons_own_parse_limit_is_the_same_refusal():
    with pytest.raises(BadRequest) as e:
        DECODER.service(b'{"Name":"web","Meta":' + b"[" * 2000 + b"]" * 2000 + b"}")
    assert e.value.text == f"Request decode failed: {TOO_DEEP}"


# Go's encoding/json (decode.go literalStore) names the number's text when it does not fit an integer field;
# texts printed by Go 1.19 for the same JSON into a struct with an `int` field.
@pytest.mark.parametrize("fragment, text", [
    ('"Port": 99999999999999999999',
     "json: cannot unmarshal number 99999999999999999999 into Go struct field ServiceDefinition.Port of type int"),
    ('"Port": 9223372036854775808',
     "json: cannot unmarshal number 9223372036854775808 into Go struct field ServiceDefinition.Port of type int"),
    ('"Port": 1e5', "json: cannot unmarshal number 1e5 into Go struct field ServiceDefinition.Port of type int"),
    ('"Weights": {"Passing": -9223372036854775809}',
     "json: cannot unmarshal number -9223372036854775809 into Go struct field ServiceDefinition.Weights.Passing "
     "of type int"),
    ('"Proxy": {"Upstreams": [{"LocalBindPort": 18446744073709551616}]}',
     "json: cannot unmarshal number 18446744073709551616 into Go struct field "
     "ServiceDefinition.Proxy.Upstreams.LocalBindPort of type int"),
    ('"Check": {"TTL": 9223372036854775808}',
     "json: cannot unmarshal number 9223372036854775808 into Go struct field ServiceDefinition.Check.TTL of type "
     "time.Duration"),
])
def test_register_integers_past_int64_are_gos_decode_error(fragment, text):
    with pytest.raises(BadRequest) as e:
        DECODER.service(f'{{"Name": "web", {fragment}}}'.encode())
    assert e.value.text == f"Request decode failed: {text}"


def test_largest_int64_port_is_accepted_and_renders():
    agent = registered(b'{"Name":"web","Port":9223372036854775807}')
    assert agent.services.get(DEFAULT_SCOPE, "web").port == 2**63 - 1
    rendered_everywhere(agent)


def _entry_error(body: dict) -> str:
    with pytest.raises(DecodeError) as e:
        CODEC.decode(body)
    return e.value.text


# mapstructure's weakly typed decodeInt/decodeUint (github.com/mitchellh/mapstructure, as Consul's
# DecodeConfigEntry uses it) call strconv.ParseInt/ParseUint(s, 0, <bits of the field's type>) and wrap the error
# as "cannot parse '<field>' as int|uint: <err>"; uint32 fields per agent/structs/config_entry*.go.
@pytest.mark.parametrize("body, point", [
    ({"Kind": "service-defaults", "Name": "web", "MaxInboundConnections": "9999999999999999999999"},
     "cannot parse 'MaxInboundConnections' as int: strconv.ParseInt: parsing \"9999999999999999999999\": "
     "value out of range"),
    ({"Kind": "service-defaults", "Name": "web", "MaxInboundConnections": "9" * 5000},
     f"cannot parse 'MaxInboundConnections' as int: strconv.ParseInt: parsing \"{'9' * 5000}\": value out of range"),
    ({"Kind": "ingress-gateway", "Name": "gw", "Defaults": {"MaxConnections": "4294967296"}},
     "cannot parse 'Defaults.MaxConnections' as uint: strconv.ParseUint: parsing \"4294967296\": value out of range"),
    ({"Kind": "ingress-gateway", "Name": "gw", "Defaults": {"MaxConnections": "-1"}},
     "cannot parse 'Defaults.MaxConnections' as uint: strconv.ParseUint: parsing \"-1\": invalid syntax"),
    ({"Kind": "service-resolver", "Name": "web",
      "LoadBalancer": {"Policy": "ring_hash", "RingHashConfig": {"MinimumRingSize": "18446744073709551616"}}},
     "cannot parse 'LoadBalancer.RingHashConfig.MinimumRingSize' as uint: strconv.ParseUint: parsing "
     "\"18446744073709551616\": value out of range"),
    # Consul converts a JSON number's float64 unchecked (implementation-defined); consulite refuses it, worded as
    # mapstructure words a negative number into a uint ("cannot parse '%s', %f overflows uint").
    ({"Kind": "service-defaults", "Name": "web", "MaxInboundConnections": 99999999999999999999},
     "cannot parse 'MaxInboundConnections', 100000000000000000000.000000 overflows int"),
    ({"Kind": "ingress-gateway", "Name": "gw", "Defaults": {"MaxConnections": 4294967296}},
     "cannot parse 'Defaults.MaxConnections', 4294967296.000000 overflows uint32"),
    ({"Kind": "service-splitter", "Name": "web", "Splits": [{"Weight": "1e400"}]},
     "cannot parse 'Splits[0].Weight' as float: strconv.ParseFloat: parsing \"1e400\": value out of range"),
])
def test_config_entry_integers_past_their_go_type_are_refused(body, point):
    assert _entry_error(body) == f"1 error(s) decoding:\n\n* {point}"


def test_config_entry_integers_at_their_bounds_are_accepted_and_render():
    entries = [CODEC.decode({"Kind": "service-defaults", "Name": "web", "MaxInboundConnections": "0x7fffffffffffffff"}),
               CODEC.decode({"Kind": "ingress-gateway", "Name": "gw", "Defaults": {"MaxConnections": 4294967295}})]
    assert entries[0].body["MaxInboundConnections"] == 2**63 - 1
    orjson.dumps([CODEC.render(e) for e in entries])
    agent = Agent(clock=ManualClock())
    for entry in entries:
        agent.config_entries.write(entry, DEFAULT_SCOPE)
    orjson.dumps(agent.state.snapshot())


@pytest.mark.parametrize("weight", [1e308, 1e39, 1e17])
def test_splitter_weight_past_float32_is_consuls_sum_error_not_a_crash(weight):
    # agent/structs/config_entry_discoverychain.go: Weight is a float32 and scaleWeight is int(math.Round(w*100));
    # Consul has no range text, so a huge weight fails the sum check with the value Go on amd64 computes
    # (printed by the same functions built with Go 1.19).
    entry = CODEC.decode({"Kind": "service-splitter", "Name": "web", "Splits": [{"Weight": weight}]})
    entry.partition, entry.namespace = "default", "default"
    ctx = Context(enterprise=True)
    KINDS[entry.kind].normalize(entry, ctx)
    with pytest.raises(EntryError) as e:
        KINDS[entry.kind].validate(entry, ctx)
    assert e.value.text == "the sum of all split weights must be 100, not -92233718306963456.000000"
    orjson.dumps(CODEC.render(entry))


@pytest.mark.parametrize("text, name, message", [
    # HCL v1 decodes a NUMBER with strconv.ParseInt(text, 0, 0) (hashicorp/hcl decoder.go)
    ('service { name = "web" port = 99999999999999999999 }', "a.hcl",
     'strconv.ParseInt: parsing "99999999999999999999": value out of range'),
    ('service { name = "web" port = ' + "9" * 5000 + " }", "a.hcl", "value out of range"),
    ('{"service": {"name": "web", "port": 99999999999999999999}}', "a.json",
     "cannot parse 'service.port', 100000000000000000000.000000 overflows int"),
    ('{"service": {"name": "web", "port": ' + "9" * 5000 + "}}", "a.json", "4300 digits"),
    ('service { name = "web" proxy { config ' + "{ a " * 300 + "= 1" + " }" * 300 + " } }", "a.hcl", TOO_DEEP),
])
def test_files_with_values_that_cannot_render_are_one_line_refusals(text, name, message):
    from consulite.decode.files import FileError, parse, service_bodies

    with pytest.raises(FileError) as e:
        service_bodies(parse(text, name), name)
    assert name in str(e.value) and message in str(e.value) and "\n" not in str(e.value).strip()


def walked_depth(value) -> int:
    """Levels of objects and arrays in `value`, by recursion (the plain definition the fast check must match)."""
    if isinstance(value, dict):
        return 1 + max(map(walked_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(walked_depth, value), default=0)
    return 0


_TRICKY = st.sampled_from(["[", "]", "{", "}", '"', "\\", '\\"', "", "a"])
_JSON = st.recursive(
    st.none() | st.integers(-10, 10) | st.lists(_TRICKY, max_size=4).map("".join),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.lists(_TRICKY, max_size=3).map("".join),
                                                                 inner, max_size=3),
    max_leaves=60)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.integers(min_value=0, max_value=12))
def test_text_depth_check_counts_levels_as_a_walk_does(value, limit):
    # The bracket passes over the body's text agree with walking the value, whatever strings hold brackets,
    # quotes or backslashes.
    text = orjson.dumps(value)
    deep = walked_depth(value) > limit
    if deep:
        with pytest.raises(DecodeError):
            check_text_depth(text, limit)
        with pytest.raises(DecodeError):
            check_depth(value, limit)
    else:
        check_text_depth(text, limit)
        check_depth(value, limit)


def test_wide_bodies_are_checked_without_walking_their_values():
    # The 512 KiB body of issue 11's stall probe: 20,000 small lists under one map; its check is one pass over
    # the text per level, not one Python step per container.
    body = proxy_body(orjson.dumps({f"k{i}": [i, "v"] for i in range(20_000)}))
    assert DECODER.service(body).proxy.config["k19999"] == [19999, "v"]
    assert DECODER.service(proxy_body(nested_json(MAX_JSON_DEPTH - 2))).proxy is not None
    with pytest.raises(BadRequest, match="nests more than"):
        DECODER.service(proxy_body(nested_json(MAX_JSON_DEPTH - 1)))
