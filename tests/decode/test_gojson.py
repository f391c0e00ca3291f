"""Go json.Decoder texts for malformed bodies (each seen from Consul 1.8.7's PUT /v1/agent/service/register)."""

import pytest

from consulite.decode.bodies import parse_json
from consulite.errors import DecodeError


@pytest.mark.parametrize("body, text", [
    ('{"Name": "x"', "unexpected EOF"),
    ("nul", "unexpected EOF"),
    ("", "EOF"),
    ("  ", "EOF"),
    ('{"Name": x}', "invalid character 'x' looking for beginning of value"),
    ('{"Name" "x"}', "invalid character '\"' after object key"),
    ('{"Name": "x",}', "invalid character '}' looking for beginning of object key string"),
    ("[1,]", "invalid character ']' looking for beginning of value"),
    ('{"Name": "\\q"}', "invalid character 'q' in string escape code"),
    ('{"Port": 1.}', "invalid character '}' after decimal point in numeric literal"),
    ('{"Port": -}', "invalid character '}' in numeric literal"),
    ('{"Port": 1e}', "invalid character '}' in exponent of numeric literal"),
    ('{"Name": tru}', "invalid character '}' in literal true (expecting 'e')"),
    ("{'a':1}", "invalid character '\\'' looking for beginning of object key string"),
    ('{"Name":"a\\u12"}', "invalid character '\"' in \\u hexadecimal character escape"),
    ('{"Name":"x" "Port":1}', "invalid character '\"' after object key:value pair"),
    ('{"Name":"x"]', "invalid character ']' after object key:value pair"),
    ('{"a":"\n"}', "invalid character '\\n' in string literal"),
])
def test_go_decoder_texts(body, text):
    with pytest.raises(DecodeError) as e:
        parse_json(body.encode())
    assert e.value.text == text


@pytest.mark.parametrize("body, value", [
    (b'{"Name": "x"} garbage', {"Name": "x"}),  # the Decoder reads one value and ignores the rest
    (b'{"Name": "x"}}', {"Name": "x"}),
    (b'{"a":"\xff"}', {"a": "\ufffd"}),  # invalid UTF-8 becomes U+FFFD, as in Go
    (b"1", 1),
])
def test_first_value_is_read(body, value):
    assert parse_json(body) == value
