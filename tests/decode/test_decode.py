"""Decoding rules of reference agent-service-api.md §2.2: case-insensitive keys, aliases, strict fields, Go texts."""

import pytest

from consulite.decode.bodies import BodyDecoder
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, DecodeError
from consulite.model.go import format_duration

ENT = BodyDecoder(enterprise=True)
CE = BodyDecoder(enterprise=False)


def test_keys_match_case_insensitively():
    d = ENT.service(b'{"name":"web","ID":"w1","PORT":80,"enabletagoverride":true,"tags":["a"]}')
    assert (d.name, d.id, d.port, d.enable_tag_override, d.tags) == ("web", "w1", 80, True, ["a"])


def test_snake_case_aliases_apply_only_where_canonical_is_zero():
    d = ENT.service(b'{"Name":"p","Proxy":{"destination_service_name":"web","DestinationServiceName":"",'
                    b'"local_service_port":8080,"mesh_gateway":{"mode":"local"},'
                    b'"upstreams":[{"destination_name":"db","local_bind_port":9191}]}}')
    assert d.proxy.destination_service_name == "web"
    assert d.proxy.local_service_port == 8080
    assert d.proxy.mesh_gateway.mode == "local"
    assert d.proxy.upstreams[0].destination_name == "db"
    both = ENT.service(b'{"Name":"x","TaggedAddresses":{"lan":{"Address":"1.1.1.1","Port":1}},'
                       b'"tagged_addresses":{"wan":{"address":"2.2.2.2","port":2}}}')
    assert list(both.tagged_addresses) == ["lan"]


@pytest.mark.parametrize("body, text", [
    # §2.2 rule 2: unknown keys, with the key as sent
    (b'{"Name":"web","Service":"x"}', 'Request decode failed: json: unknown field "Service"'),
    (b'{"Name":"web","socket_path":"/x"}', 'Request decode failed: json: unknown field "socket_path"'),
    (b'{"Name":"p","Proxy":{"transparent_proxy":{"outbound_listener_port":1}}}',
     'Request decode failed: json: unknown field "outbound_listener_port"'),
    (b'{"Name":"p","Proxy":{"envoy_extensions":[]}}', 'Request decode failed: json: unknown field "envoy_extensions"'),
    (b'{"Name":"w","Check":{"ID":"x","TTL":"1s"}}', 'Request decode failed: json: unknown field "ID"'),
    # §2.2 rule 3: type mismatches and the empty body
    (b'{"Name":"web","Port":"80"}',
     "Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int"),
    (b'{"Name":"web","Meta":{"a":1}}',
     "Request decode failed: json: cannot unmarshal number into Go struct field ServiceDefinition.Meta of type "
     "string"),
    (b"", "Request decode failed: EOF"),
    (b'{"Name":"w","Check":{"TTL":"ten"}}', 'Request decode failed: time: invalid duration "ten"'),
])
def test_decode_errors_use_consuls_texts(body, text):
    with pytest.raises(BadRequest) as e:
        ENT.service(body)
    assert e.value.text == text


def test_first_error_in_document_order_wins():
    with pytest.raises(BadRequest) as e:
        ENT.service(b'{"Port":"x","Bogus":1}')
    assert "cannot unmarshal string" in e.value.text


def test_connect_is_decoded_leniently_but_sidecar_service_strictly():
    d = ENT.service(b'{"Name":"web","Connect":{"proxy":{"x":1},"sidecar_service":{"port":1}}}')
    assert d.connect.sidecar_service.port == 1
    with pytest.raises(BadRequest, match='unknown field "bogus"'):
        ENT.service(b'{"Name":"web","Connect":{"sidecar_service":{"bogus":1}}}')


def test_check_aliases_and_ignored_service_id():
    d = ENT.service(b'{"Name":"w","Checks":[{"args":["/bin/true"],"interval":"10s","ServiceID":"x",'
                    b'"deregister_critical_service_after":"1m","tls_skip_verify":true}]}')
    c = d.checks[0]
    assert c.script_args == ["/bin/true"] and c.interval == 10 * 10**9
    assert c.deregister_critical_service_after == 60 * 10**9 and c.tls_skip_verify


def test_community_edition_does_not_know_namespace_and_partition_keys():
    # §7 further CE behaviour: the empty CE enterprise meta makes these keys unknown
    assert ENT.service(b'{"Name":"w","Partition":"finance"}').partition == "finance"
    with pytest.raises(BadRequest) as e:
        CE.service(b'{"Name":"w","Namespace":"default"}')
    assert e.value.text == 'Request decode failed: json: unknown field "Namespace"'


@pytest.mark.parametrize("raw, ns", [("10s", 10**10), ("1m30s", 90 * 10**9), ("100ms", 10**8), ("0", 0),
                                     ("1.5h", 5400 * 10**9), ("2us", 2000)])
def test_parse_duration(raw, ns):
    assert parse_duration(raw) == ns


@pytest.mark.parametrize("raw", ["", "10", "s", "1x", "1s2"])
def test_parse_duration_rejects(raw):
    with pytest.raises(DecodeError):
        parse_duration(raw)


@pytest.mark.parametrize("ns, text", [(0, "0s"), (10**10, "10s"), (90 * 10**9, "1m30s"), (3600 * 10**9, "1h0m0s"),
                                      (10**8, "100ms"), (1500 * 10**6, "1.5s")])
def test_format_duration_like_go(ns, text):
    assert format_duration(ns) == text


def test_a_one_element_list_that_is_not_a_map_is_refused_where_a_map_goes():
    # mapstructure's HookWeakDecodeFromSlice unwraps [x], then decoding a bool into map[string]interface{}
    # fails with its text (found by the config-entry property test: it crashed before)
    from consulite.decode.config import EntryCodec
    from consulite.errors import DecodeError

    with pytest.raises(DecodeError) as e:
        EntryCodec(True).decode({"Kind": "proxy-defaults", "Config": [False]})
    assert e.value.text == "1 error(s) decoding:\n\n* 'Config' expected a map, got 'bool'"
