"""The agent configuration builder: defaults, then config files in Consul's order, then flags; unknown keys,
wrong types and bad paths refused with Consul's texts (agent/config/builder.go, agent/config/config.go)."""

import pytest

from consulite.decode.agent_config import ConfigError, build, config_sources
from consulite.decode.files import FileError
from consulite.model.agent_config import AgentConfig


def write(path, text):
    path.write_text(text)
    return path


def test_defaults_without_files_or_flags():
    built = build()
    assert built.config == AgentConfig()
    assert (built.config.datacenter, built.config.node_name, built.config.client_addr, built.config.http_port,
            built.config.enable_script_checks, built.config.log_level, built.config.edition) == (
        "dc1", "node1", "127.0.0.1", 8500, False, "info", "enterprise")
    assert built.loaded.services == [] and built.loaded.entries == []


def test_files_set_every_supported_key_and_flags_override_them(tmp_path):
    f = write(tmp_path / "agent.hcl", 'datacenter = "east"\nnode_name = "n7"\nclient_addr = "0.0.0.0"\n'
                                      'ports { http = 9500 }\nenable_script_checks = true\nlog_level = "debug"\n')
    assert build([f]).config == AgentConfig(datacenter="east", node_name="n7", client_addr="0.0.0.0",
                                            http_port=9500, enable_script_checks=True, log_level="debug")
    flags = {"datacenter": "west", "http_port": 0, "node_name": None, "edition": "ce"}  # None: flag not given
    config = build([f], flags).config
    assert (config.datacenter, config.http_port, config.node_name, config.edition) == ("west", 0, "n7", "ce")


def test_keys_are_case_insensitive_and_json_files_work(tmp_path):
    f = write(tmp_path / "agent.json", '{"Datacenter": "east", "PORTS": {"Http": 9000.0}, "services": '
                                       '[{"name": "web", "port": 80}]}')
    built = build([f])
    assert (built.config.datacenter, built.config.http_port) == ("east", 9000)
    assert built.loaded.services == [(str(f), {"Name": "web", "Port": 80})]


def test_a_directory_is_read_in_name_order_hcl_and_json_only(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    write(conf / "b.json", '{"datacenter": "from-b", "service": {"name": "b"}}')
    write(conf / "a.hcl", 'datacenter = "from-a"\nservice { name = "a" }\n')
    write(conf / "c.hcl", 'service { name = "c" }\n')
    write(conf / "notes.txt", "not config")
    (conf / "sub").mkdir()
    write(conf / "sub" / "ignored.hcl", "bogus = 1")
    built = build([conf])
    assert built.config.datacenter == "from-b"  # later files win
    assert [body["Name"] for _, body in built.loaded.services] == ["a", "b", "c"]
    assert built.warnings == ((f"skipping file {conf / 'notes.txt'}, extension must be .hcl or .json, or config "
                              "format must be set"),)


def test_paths_are_read_in_the_order_given(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    write(conf / "dir.hcl", 'datacenter = "dir"\n')
    last = write(tmp_path / "last.hcl", 'datacenter = "file"\n')
    assert build([conf, last]).config.datacenter == "file"
    assert build([last, conf]).config.datacenter == "dir"


def test_bootstrap_entries_are_kept(tmp_path):
    f = write(tmp_path / "entries.hcl", 'config_entries {\n  bootstrap = [{ Kind = "proxy-defaults"\n'
                                        '    Name = "global" }]\n}\n')
    (path, entry), = build([f]).loaded.entries
    assert (path, entry.kind, entry.name) == (str(f), "proxy-defaults", "global")


@pytest.mark.parametrize("content, errors", [
    ("bogus_key = 1", ["bogus_key"]),
    ("acl {\n  enabled = true\n  bogus = 1\n}", ["acl.bogus"]),
    ("edition = \"ce\"", ["edition"]),  # consulite's own flag, not a Consul config key
    ("ports {\n  dns = 8600\n}", ["ports.dns"]),
    ('service {\n  name = "x"\n  bogus = 2\n}\nzz = 1\naa = 2', ["service.bogus", "aa", "zz"]),
    ('config_entries {\n  other = 1\n}', ["config_entries.other"]),
    ('Kind = "service-defaults"\nName = "web"', ["Kind", "Name"]),  # a config entry is not an agent file
])
def test_unknown_keys_are_refused_naming_the_file(tmp_path, content, errors):
    f = write(tmp_path / "bad.hcl", content)
    with pytest.raises(FileError) as e:
        build([f])
    head = "1 error occurred:" if len(errors) == 1 else f"{len(errors)} errors occurred:"
    assert e.value.text == (f"failed to parse {f}: {head}" + "".join(f"\n\t* invalid config key {k}" for k in errors)
                            + "\n\n")


@pytest.mark.parametrize("name, content, error", [
    ("t.hcl", "datacenter = 1", "'datacenter' expected type 'string', got unconvertible type 'int', value: '1'"),
    ("t.json", '{"datacenter": 1}',
     "'datacenter' expected type 'string', got unconvertible type 'float64', value: '1'"),
    ("t.hcl", 'enable_script_checks = "yes"',
     "'enable_script_checks' expected type 'bool', got unconvertible type 'string', value: 'yes'"),
    ("t.hcl", 'ports {\n  http = "8600"\n}',
     "'ports.http' expected type 'int', got unconvertible type 'string', value: '8600'"),
    ("t.hcl", "ports = 3", "'ports' expected a map, got 'int'"),
])
def test_values_of_the_wrong_type_are_refused(tmp_path, name, content, error):
    # agent/config/config.go decodes without weak typing: mapstructure's "N error(s) decoding" text
    f = write(tmp_path / name, content)
    with pytest.raises(FileError) as e:
        build([f])
    assert e.value.text == f"failed to parse {f}: 1 error(s) decoding:\n\n* {error}"


def test_a_parse_error_names_the_file(tmp_path):
    f = write(tmp_path / "broken.hcl", 'service {\n  name = "x"')
    with pytest.raises(FileError) as e:
        build([f])
    assert e.value.text == f"failed to parse {f}: At 2:13: object expected closing RBRACE got: EOF"


def test_a_missing_path_and_an_unknown_extension(tmp_path):
    # builder.go sourcesFromPath
    missing = tmp_path / "nope.hcl"
    with pytest.raises(ConfigError) as e:
        build([missing])
    assert e.value.text == f"config: Open failed on {missing}. open {missing}: no such file or directory"
    txt = write(tmp_path / "agent.txt", 'datacenter = "x"')
    with pytest.raises(ConfigError) as e:
        config_sources([txt])
    assert e.value.text == (f"file {txt} has unknown extension; must be .hcl or .json, or config format must "
                            "be set")


@pytest.mark.parametrize("flags, content, error", [
    ({"http_port": 99999}, "", "ports.http: invalid port: 99999"),  # builder.go portVal
    ({}, "ports {\n  http = 70000\n}", "ports.http: invalid port: 70000"),
    ({"http_port": -1}, "", "ports.http: invalid port: -1"),
    ({"log_level": "loud"}, "",  # logging/logger.go Setup
     "Invalid log level: loud. Valid log levels are: [TRACE DEBUG INFO WARN ERR ERROR]"),
])
def test_values_out_of_range_are_refused(tmp_path, flags, content, error):
    f = write(tmp_path / "agent.hcl", content)
    with pytest.raises(ConfigError) as e:
        build([f], flags)
    assert e.value.text == error


def test_log_levels_in_any_case_are_accepted():
    assert build([], {"log_level": "DEBUG"}).config.log_level == "DEBUG"
    assert build([], {"log_level": "err"}).config.log_level == "err"


def test_flags_must_be_agent_config_fields():
    with pytest.raises(TypeError):
        build([], {"port": 1})


def test_checks_run_key_and_flag(tmp_path):
    # consulite's own setting: checks run by default (as Consul runs them); false stores them only
    assert AgentConfig().checks_run is True
    f = write(tmp_path / "agent.hcl", "checks_run = false\n")
    assert build([f]).config.checks_run is False
    assert build([f], {"checks_run": True}).config.checks_run is True


@pytest.mark.parametrize("argv, value", [
    (["-checks-run=false"], False), (["-checks-run=0"], False), (["-checks-run"], True),
    (["--checks-run=true"], True), ([], None)])
def test_checks_run_flag_reads_as_a_go_bool(argv, value):
    import argparse

    from consulite.cli import agent

    parser = argparse.ArgumentParser()
    agent.add_parser(parser.add_subparsers())
    assert parser.parse_args(["agent", *argv]).checks_run is value
