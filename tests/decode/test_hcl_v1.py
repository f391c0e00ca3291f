"""HCL1 edge cases as hcl v1.0.0 decodes them (values and refusals printed by oracles/hcl/main.go, Go 1.19),
pinned here so that they are checked where the oracle cannot be built (tests/oracle/test_hcl_oracle.py
compares generated documents with the oracle itself)."""

import pytest

from consulite.decode.hcl import loads
from consulite.errors import DecodeError

REFUSED = None


@pytest.mark.parametrize("text, expected", [
    ('a = 1\na = "2"', {'a': 2}),
    ('a = "x"\na = 1', {'a': '1'}),
    ('a = [1]\na = [2]', {'a': [1, 2]}),
    ('a = 1\na = [2]', None),
    ('b {}\nb "l" {}', None),
    ('Service "a" {}\nservice "b" {}', {'Service': [{'a': [{}]}, {'b': [{}]}], 'service': [{'a': [{}]}, {'b': [{}]}]}),
    ('Block { x = 1 }\nblock { y = 2 }', {'Block': [{'x': 1}], 'block': [{'y': 2}]}),
    ('a = <<EOF\r\nx\r\nEOF\r\n', {'a': 'x\n'}),
    ('a = <<EOF\nx\nEOF', None),
    ('a = <<-EOF\n  x\n  EOF\n', {'a': 'x\n'}),
    ('a = <<EOF x\nEOF\n', None),
    ('a', None),
    ('a =', {}),
    ('b = 1\na', None),
    ('a = 1.', {'a': 1}),
    ('a = .5', {'a': 0.5}),
    ('a = 1.e5', {'a': 100000}),
    ('a = 08', None),
    ('a = 0x', None),
    ('a = 1e', None),
    ('a = 9223372036854775808', None),
    ('a = 1e400', None),
    ('é = 1', {'é': 1}),
    ('aé1 = 2', {'aé1': 2}),
    ('a = "\\x41\\101"', {'a': 'AA'}),
    ('a = "\\/"', None),
    ('a = "\\ud800"', {'a': '�'}),
    ('a = "${ "q" }"', {'a': '${ "q" }'}),
    ('a = [,]', {'a': []}),
    ('a = [[1] [2]]', {'a': [[1], [2]]}),
    ('a = [1 2]', None),
    ('a = "\x00"', None),
    ('a = 1 \ue123', None),
    ('a = "\\U00110000"', None),
    ('{"a": 1,}', {'a': 1}),
    ('{"a": null}', {'a': ''}),
    ('{"a": 01}', None),
    ('b = { a1 = [1,} }', {'b': [{}]}),
])
def test_hcl_v1_edge_cases(text, expected):
    if expected is REFUSED:
        with pytest.raises(DecodeError):  # HCLError (parse) or a decoder conversion error
            loads(text)
    else:
        assert loads(text) == expected
