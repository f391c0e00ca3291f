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
    ("ports {\n  rpc = 8400\n}", ["ports.rpc"]),  # Consul 0.x's key, gone from agent/config
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
    # hcl v1.0.0's column: the end of input is read three times after the last quote
    assert e.value.text == f"failed to parse {f}: At 2:14: object expected closing RBRACE got: EOF"


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
    ({"http_port": 99999}, "", "1 error occurred:\n\t* ports.http: invalid port: 99999\n\n"),  # builder.go portVal
    ({}, "ports {\n  http = 70000\n}", "1 error occurred:\n\t* ports.http: invalid port: 70000\n\n"),
    ({"http_port": -1}, "", "1 error occurred:\n\t* ports.http: invalid port: -1\n\n"),  # consulite serves HTTP
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


# -- `consul agent`'s keys and checks (issue 15; texts from agent/config/builder.go, checked against 1.8.7) ------

def test_the_keys_sdk_testutil_writes_are_accepted(tmp_path):
    # sdk/testutil/server.go's JSON: ports, addresses, node_id, nulls (omitted Go fields), ignored blocks
    f = write(tmp_path / "config.json", '''{"node_name": "node-x", "node_id": "8F6C4B5E-55A7-4E8A-9C2B-0E1D2C3B4A59",
      "performance": {"raft_multiplier": 1}, "bootstrap": true, "server": true, "data_dir": "/tmp/x/data",
      "segments": null, "disable_update_check": true, "log_level": "debug", "bind_addr": "127.0.0.1",
      "addresses": {}, "ports": {"dns": 1001, "http": 1002, "https": 1003, "serf_lan": 1004, "serf_wan": 1005,
      "server": 1006, "grpc": 1007, "grpc_tls": 1008}, "acl": {}, "connect": {"enabled": true,
      "ca_config": {"cluster_id": "11111111-2222-3333-4444-555555555555"}}, "skip_leave_on_interrupt": true,
      "peering": {"enabled": true}}''')
    built = build([f])
    c = built.config
    assert (c.node_name, c.node_id, c.bootstrap, c.server, c.data_dir) == (
        "node-x", "8f6c4b5e-55a7-4e8a-9c2b-0e1d2c3b4a59", True, True, "/tmp/x/data")  # node IDs lower-cased
    assert (c.dns_port, c.http_port, c.https_port, c.serf_lan_port, c.serf_wan_port, c.server_port, c.grpc_port,
            c.grpc_tls_port) == (1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008)
    assert built.ignored == ("performance", "disable_update_check", "connect.ca_config", "skip_leave_on_interrupt",
                             "peering")


def test_addresses_decide_where_services_listen(tmp_path):
    f = write(tmp_path / "a.hcl", 'client_addr = "127.0.0.1 ::1"\naddresses { dns = "0.0.0.0" }\n')
    c = build([f]).config
    assert c.addresses("http") == ["127.0.0.1", "::1"] and c.addresses("dns") == ["0.0.0.0"]
    assert build([f], {"http_addr": "127.0.0.2"}).config.addresses("http") == ["127.0.0.2"]
    assert build([], {"bind_addr": "0.0.0.0"}).config.node_address == "127.0.0.1"
    assert build([], {"bind_addr": "10.1.2.3"}).config.node_address == "10.1.2.3"
    assert build([], {"bind_addr": "10.1.2.3", "advertise_addr": "10.9.9.9"}).config.node_address == "10.9.9.9"


def test_hcl_fragments_come_after_flags_and_name_themselves(tmp_path):
    # builder.go: -hcl sources are the tail, after the flags; a bad one is `flags-<n>.hcl`
    assert build([], {"datacenter": "flag"}, hcl=['datacenter = "frag"']).config.datacenter == "frag"
    with pytest.raises(FileError) as e:
        build([], {}, hcl=['datacenter = "x"', "bogus = 1"])
    assert e.value.text == "failed to parse flags-1.hcl: 1 error occurred:\n\t* invalid config key bogus\n\n"


def test_config_format_reads_any_extension(tmp_path):
    f = write(tmp_path / "agent.conf", '{"datacenter": "east"}')
    assert build([f], config_format="json").config.datacenter == "east"
    with pytest.raises(ConfigError) as e:
        build([f], config_format="yaml")
    assert e.value.text == "config: -config-format must be either 'hcl' or 'json'"


@pytest.mark.parametrize("flags, error", [
    ({"bind_addr": "300.1.1.1"}, "bind_addr cannot be empty"),
    ({"bind_addr": "1.2.3.4 5.6.7.8"},
     "bind_addr cannot contain multiple addresses. Use 'addresses.{dns,http,https}' instead."),
    ({"advertise_addr": "0.0.0.0"}, "Advertise address cannot be 0.0.0.0, :: or [::]"),
    ({"advertise_addr": "foo"},
     "2 errors occurred:\n\t* advertise_addr: invalid ip address: foo\n"
     "\t* advertise_addr: invalid ip address: foo\n\n"),
    ({"http_port": 70000, "dns_port": 70001, "client_addr": "foo"},
     "3 errors occurred:\n\t* ports.dns: invalid port: 70001\n\t* ports.http: invalid port: 70000\n"
     "\t* client_addr: invalid ip address: foo\n\n"),
    ({"server_port": 0}, "server-port must be greater than zero"),  # 1.8.7 crashes; builder.go since refuses
    ({"serf_lan_port": -1}, "serf-lan-port must be greater than zero"),  # 1.8.7 took it; builder.go refuses
    ({"datacenter": "a b"}, 'datacenter cannot be "a b". Please use only [a-z0-9-_]'),
    ({"encrypt": "zz"}, "encrypt has invalid key: illegal base64 data at input byte 0"),
    ({"encrypt": "YW!j"}, "encrypt has invalid key: illegal base64 data at input byte 2"),
    ({"check_update_interval": "soon"}, 'check_update_interval: time: invalid duration "soon"'),  # a Go duration
    ({"bootstrap_expect": -2}, "bootstrap_expect cannot be -2. Must be greater than or equal to zero"),
    ({"bootstrap_expect": 3, "server": False}, "'bootstrap_expect > 0' requires 'server = true'"),
    ({"bootstrap_expect": 3, "dev": True}, "'bootstrap_expect > 0' not allowed in dev mode"),
    ({"bootstrap_expect": 2, "bootstrap": True},
     "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive"),
    ({"node_id": "abc"}, "failed to setup node ID: specified NodeID is invalid: uuid string is wrong length"),
    ({"node_id": "0123456G-0123-0123-0123-012345678901"},
     "failed to setup node ID: specified NodeID is invalid: encoding/hex: invalid byte: U+0067 'g'"),
    ({"node_id": "01234567+0123-0123-0123-012345678901"},
     "failed to setup node ID: specified NodeID is invalid: uuid is improperly formatted"),
])
def test_bad_agent_values_are_refused_with_consuls_text(flags, error):
    with pytest.raises(ConfigError) as e:
        build([], flags)
    assert e.value.text == error


def test_bootstrap_expect_one_is_bootstrap_mode():
    # builder.go: bootstrap_expect = 1 is the same as bootstrap (so -dev takes it: 1.8.7 does)
    c = build([], {"bootstrap_expect": 1, "dev": True}).config
    assert (c.bootstrap, c.bootstrap_expect) == (True, 0)
    assert build([], {"encrypt": "YWJjZGVmZ2hpamtsbW5vcA=="}).config.encrypt  # a good key is taken
