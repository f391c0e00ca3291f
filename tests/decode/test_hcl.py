"""HCL1 as Consul's parser reads it (reference hcl.md: the constructs python-hcl2 misses, rules A)."""

import pytest

from consulite.decode.hcl import HCLError, loads


def test_blocks_inside_list_elements_as_in_the_seed():
    text = 'upstreams = [\n  {\n    destination_name = "api"\n    mesh_gateway {\n      mode = "local"\n    }\n  },\n]'
    assert loads(text) == {"upstreams": [{"destination_name": "api", "mesh_gateway": [{"mode": "local"}]}]}


def test_objects_are_lists_of_maps_and_repeats_concatenate():
    assert loads('a { x = 1 }\na { y = 2 }\no = { z = 3 }\no = { w = 4 }') == {
        "a": [{"x": 1}, {"y": 2}], "o": [{"z": 3}, {"w": 4}]}


def test_labels_nest():
    assert loads('service "web" "v1" {\n  port = 80\n}') == {"service": [{"web": [{"v1": [{"port": 80}]}]}]}
    assert loads('agent "a"\n{ policy = "read" }') == {"agent": [{"a": [{"policy": "read"}]}]}


def test_quoted_keys_and_commas_in_blocks():
    assert loads('meta { "x-y" = "z", other = "o" }') == {"meta": [{"x-y": "z", "other": "o"}]}


def test_strings_keep_interpolation_and_resolve_escapes():
    assert loads(r'a = "x${var.y}z"' + '\n' + r'b = "q\"\n\u00e9"') == {"a": "x${var.y}z", "b": 'q"\né'}


def test_numbers_bools_and_json_documents():
    assert loads("a = 0x1F\nb = 1.5\nc = -3\nd = 1e3\ne = true\nf = 0755") == {
        "a": 31, "b": 1.5, "c": -3, "d": 1000.0, "e": True, "f": 493}
    assert loads('{"Kind": "mesh", "TLS": {"Incoming": {"TLSMinVersion": "TLSv1_2"}}}') == {
        "Kind": "mesh", "TLS": [{"Incoming": [{"TLSMinVersion": "TLSv1_2"}]}]}


def test_heredocs():
    assert loads("a = <<EOF\nline1\n  line2\nEOF\n") == {"a": "line1\n  line2\n"}
    assert loads("a = <<-EOF\n    one\n    two\n    EOF\n") == {"a": "one\ntwo\n"}
    assert loads("a = <<EOF\n  x\n  EOF\n") == {"a": "  x\n  "}  # the marker's indentation stays (rule A5)


def test_comments():
    assert loads("# one\n// two\n/* three\n */ a = 1 # four") == {"a": 1}


@pytest.mark.parametrize("text, where", [
    ("Service = frontend", "1:11"),  # bare identifiers are not values in HCL1
    ("a = true/false", "1:9"),
    ('a = "multi\nline"', "2:6"),  # the newline ends one string, the last quote opens one to the end
    ("a: 1", "1:2"),
    ("x {\n  a = 1", "2:11"),  # the end is read three times here (see hcl_scan.Scanned)
    ("a = <<-EOS\nx\nEOS\n", "4:1"),  # an unindented <<- terminator never closes (hcl v1.0.0: at the end)
    ("ports = [1 2]", "1:12"),
    ('a "b" = 1', "1:7"),
    ("{ type = \"key\" }", "1:3"),  # a leading `{` is JSON
    ("a = <name>", "1:10"),  # `<n` is a bad heredoc, then `>` an illegal char: hcl reports the last
])
def test_what_hcl1_rejects(text, where):
    """Positions as hcl v1.0.0 reports them (checked with tests/oracle's hcl oracle)."""
    with pytest.raises(HCLError) as e:
        loads(text)
    assert e.value.text.startswith(f"At {where}: "), e.value.text
