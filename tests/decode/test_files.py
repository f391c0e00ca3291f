"""The one file loader, `decode.files.read_file`: HCL or JSON by Consul's rules, config-entry vs agent-config
detection, the same for the CLI, the agent start-up and `ConsuliteServer.load_files` (reference hcl.md)."""

import io

import pytest

from consulite.decode.config import EntryCodec
from consulite.decode.files import AGENT, ENTRY, FileError, ReadError, is_config_entry, read_file

CODEC = EntryCodec(enterprise=True)


@pytest.mark.parametrize("raw, entry", [
    ({"Kind": "mesh"}, True),
    ({"kind": "mesh"}, True),
    ({"KIND": "mesh"}, False),  # DecodeConfigEntry looks for Kind and kind only
    ({"service": {"name": "web"}}, False),
    ([], False),
])
def test_is_config_entry(raw, entry):
    assert is_config_entry(raw) is entry


@pytest.mark.parametrize("name, text", [
    ("e.hcl", 'Kind = "service-defaults"\nName = "web"\nProtocol = "http"\n'),
    ("e.json", '{"kind": "service-defaults", "name": "web", "protocol": "http"}'),
    ("e.hcl", '{"Kind": "service-defaults", "Name": "web", "Protocol": "http"}'),  # JSON text, any extension
])
def test_a_config_entry_file_is_detected(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    found = read_file(path, CODEC)
    assert found.agent is None and found.path == str(path)
    assert (found.entry.kind, found.entry.name, found.entry.body["Protocol"]) == ("service-defaults", "web", "http")
    forced = read_file(path, CODEC, ENTRY).entry
    assert (forced.kind, forced.name, forced.body) == (found.entry.kind, found.entry.name, found.entry.body)


@pytest.mark.parametrize("name, text", [
    ("s.hcl", 'service {\n  name = "web"\n  port = 80\n}\n'),
    ("s.json", '{"service": {"name": "web", "port": 80}}'),
    ("s.hcl", '{"service": {"name": "web", "port": 80}}'),  # hcl.Decode reads a JSON document too
])
def test_an_agent_config_file_is_detected(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    found = read_file(path, CODEC)
    assert found.entry is None
    assert found.agent.services == [{"Name": "web", "Port": 80}]
    assert read_file(path, CODEC, AGENT) == found


def test_a_nameless_entry_keeps_an_empty_name(tmp_path):
    path = tmp_path / "nameless.hcl"
    path.write_text('Kind = "service-defaults"\nProtocol = "http"\n')
    assert read_file(path, CODEC).entry.name == ""


def test_a_role_forces_the_reading(tmp_path):
    path = tmp_path / "svc.hcl"
    path.write_text('service {\n  name = "web"\n}\n')
    with pytest.raises(FileError) as e:  # `consul config write` of a service file
        read_file(path, CODEC, ENTRY)
    assert e.value.text == f"{path}: Payload does not contain a kind/Kind key at the top level"


def test_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('Kind = "proxy-defaults"\nName = "global"\n'))
    found = read_file("-", CODEC, ENTRY)
    assert (found.path, found.entry.kind, found.entry.name) == ("-", "proxy-defaults", "global")
    assert read_file("x.hcl", CODEC, text='Kind = "mesh"\n').entry.kind == "mesh"


def test_a_missing_file(tmp_path):
    missing = tmp_path / "nope.hcl"
    with pytest.raises(ReadError) as e:
        read_file(missing, CODEC)
    assert e.value.message == f"open {missing}: no such file or directory"  # Go's *PathError text


def test_a_json_array_is_not_an_agent_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("[1]")
    with pytest.raises(FileError) as e:  # seen from consul services register (agent/config/config.go)
        read_file(path, CODEC)
    assert e.value.text == (f"failed to parse {path}: json: cannot unmarshal array into Go value of type "
                            "map[string]interface {}")


def test_the_test_server_loads_files_with_the_same_loader(tmp_path, consulite):
    entry = tmp_path / "web.json"
    entry.write_text('{"Kind": "service-defaults", "Name": "web", "Protocol": "http"}')
    svc = tmp_path / "web.hcl"
    svc.write_text('service {\n  name = "web"\n  port = 80\n}\n')
    consulite.load_files(entry, svc)
    assert consulite.client().config.get("service-defaults", "web")["Protocol"] == "http"
    assert "web" in consulite.client().agent.services()
    bad = tmp_path / "bad.hcl"
    bad.write_text('service {\n  name = "x"\n  bogus = 1\n}\n')
    with pytest.raises(FileError, match=r"invalid config key service\.bogus"):
        consulite.load_files(bad)
