"""Issue 11, durations: Go's time.ParseDuration bounds (src/time/format.go), never a Python exception or a huge int.

Expected values and texts were printed by Go 1.19's time.ParseDuration (the oracle of reference/real-consul.md);
3,000 random strings agreed with it.
"""


import pytest

from consulite.decode.bodies import BodyDecoder
from consulite.decode.config import EntryCodec
from consulite.decode.duration import parse_duration
from consulite.errors import BadRequest, DecodeError

LONG = "9" * 400 + "s"


@pytest.mark.parametrize("raw", [LONG, "9" * 30 + "s", "9223372036854775808ns", "2562048h", "1" + "0" * 30 + ".5s",
                                 "2562047h47m16.854775808s", "9" * 100_000 + "h"])
def test_overflow_is_gos_invalid_duration(raw):
    with pytest.raises(DecodeError) as e:
        parse_duration(raw)
    assert e.value.text == f'time: invalid duration "{raw}"'


@pytest.mark.parametrize("raw, ns", [
    ("9223372036854775807ns", 2**63 - 1), ("-9223372036854775808ns", -(2**63)), ("2562047h", 9223369200000000000),
    ("0." + "0" * 40 + "1s", 0), ("." + "9" * 400 + "s", 10**9), ("1.5h", 5400 * 10**9), ("1h1m1s", 3661 * 10**9),
])
def test_in_range_values_are_gos(raw, ns):
    assert parse_duration(raw) == ns


@pytest.mark.parametrize("raw, text", [
    ("10", 'time: missing unit in duration "10"'), ("1.", 'time: missing unit in duration "1."'),
    ("1x", 'time: unknown unit "x" in duration "1x"'),
    ("1\u00b5", r'time: unknown unit "\xc2\xb5" in duration "1\xc2\xb5"'),
    ("1h\"", r'time: unknown unit "h\"" in duration "1h\""'), (".", 'time: invalid duration "."'),
    ("-", 'time: invalid duration "-"'),
])
def test_other_texts_are_gos(raw, text):
    with pytest.raises(DecodeError) as e:
        parse_duration(raw)
    assert e.value.text == text


@pytest.mark.parametrize("field", ["TTL", "Interval"])
def test_register_check_with_a_long_duration_is_a_400(field):
    body = f'{{"Name":"web","Check":{{"{field}":"{LONG}"}}}}'.encode()
    with pytest.raises(BadRequest) as e:
        BodyDecoder(enterprise=True).service(body)
    assert e.value.text == f'Request decode failed: time: invalid duration "{LONG}"'


def test_resolver_connect_timeout_with_a_long_duration_is_a_decode_error():
    with pytest.raises(DecodeError) as e:
        EntryCodec(enterprise=True).decode({"Kind": "service-resolver", "Name": "web", "ConnectTimeout": LONG})
    assert f'time: invalid duration "{LONG}"' in e.value.text


def test_wait_with_a_long_duration_is_invalid_wait_time():
    # a read-only use of the HTTP layer's parser of ?wait=
    from consulite.http.query import parse_options

    with pytest.raises(BadRequest) as e:
        parse_options("dc1", {"wait": LONG}, blocking=True)
    assert e.value.text == "Invalid wait time"
