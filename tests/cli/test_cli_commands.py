"""The `consulite` command run in-process (`consulite.cli.main`) against the test server: argument checks,
standard input, directories, the version, unreachable agents and refused agent starts, with the consul CLI's
texts (hashicorp/consul `command/`)."""

import io
import json
import socket

import pytest

from consulite import CONSUL_VERSION, __version__
from consulite.cli import main


@pytest.fixture(autouse=True)
def no_consul_env(monkeypatch):
    for name in ("CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN", "CONSUL_NAMESPACE", "CONSUL_PARTITION"):
        monkeypatch.delenv(name, raising=False)


def run(capsys, *argv):
    """(exit code, stdout, stderr) of one command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def entry(consulite, kind, name):
    status, body = consulite.request("GET", f"/v1/config/{kind}/{name}")
    return json.loads(body) if status == 200 else None


def write_web(consulite):
    consulite.write_config_entry({"Kind": "service-defaults", "Name": "web", "Protocol": "http"})
    return entry(consulite, "service-defaults", "web")["ModifyIndex"]


# -- config delete: command/config/delete/config_delete.go validateArgs ---------------------------------

@pytest.mark.parametrize("args, message", [
    (["-kind", "service-defaults", "-name", "web", "-modify-index", "{index}"],
     "Cannot specify -modify-index without -cas"),
    (["-kind", "service-defaults", "-name", "web", "-cas"], "Must specify a -modify-index greater than 0 with -cas"),
    ([], "Must specify the -kind or -filename parameter"),
    (["-name", "web"], "Must specify the -kind parameter"),
    (["-kind", "service-defaults"], "Must specify the -name parameter"),
    (["-filename", "web.hcl", "-kind", "service-defaults"], "filename can't be used with kind or name"),
])
def test_config_delete_refuses_bad_arguments_and_deletes_nothing(consulite, capsys, args, message):
    index = write_web(consulite)
    args = [a.format(index=index) for a in args]
    assert run(capsys, "config", "delete", *args, "-http-addr", consulite.http_addr) == (1, "", message + "\n")
    assert entry(consulite, "service-defaults", "web") is not None


def test_config_delete_with_cas(consulite, capsys):
    index = write_web(consulite)
    addr = ["-http-addr", consulite.http_addr]
    code, _, err = run(capsys, "config", "delete", "-kind", "service-defaults", "-name", "web", "-cas",
                       "-modify-index", str(index + 10), *addr)
    assert (code, err) == (1, "Config entry not deleted: service-defaults/web\n")
    assert run(capsys, "config", "delete", "-kind", "service-defaults", "-name", "web", "-cas", "-modify-index",
               str(index), *addr) == (0, "Config entry deleted: service-defaults/web\n", "")
    assert entry(consulite, "service-defaults", "web") is None


# -- entries without a name: api.ConfigEntry.GetName is "mesh" only for the mesh kind ---------------------

def test_a_nameless_entry_file_is_not_read_as_mesh(consulite, capsys, tmp_path):
    nameless = tmp_path / "nameless.hcl"
    nameless.write_text('Kind = "service-defaults"\nProtocol = "http"\n')
    code, _, err = run(capsys, "config", "write", str(nameless), "-http-addr", consulite.http_addr)
    assert code == 1 and err.startswith("Error writing config entry service-defaults/: ")
    # api/config_entry.go: Delete refuses an empty name before sending anything
    assert run(capsys, "config", "delete", "-filename", str(nameless), "-http-addr", consulite.http_addr) == (
        1, "", "Error deleting config entry service-defaults/: Both kind and name parameters must not be empty\n")
    mesh = tmp_path / "mesh.hcl"
    mesh.write_text('Kind = "mesh"\n')
    assert run(capsys, "config", "write", str(mesh), "-http-addr", consulite.http_addr) == (
        0, "Config entry written: mesh/mesh\n", "")
    assert run(capsys, "config", "delete", "-filename", str(mesh), "-http-addr", consulite.http_addr) == (
        0, "Config entry deleted: mesh/mesh\n", "")


# -- config write -: command/config/write/config_write.go, helpers.LoadDataSourceNoRaw -------------------

def test_config_write_reads_standard_input(consulite, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('Kind = "service-defaults"\nName = "api"\nProtocol = "grpc"\n'))
    assert run(capsys, "config", "write", "-", "-http-addr", consulite.http_addr) == (
        0, "Config entry written: service-defaults/api\n", "")
    assert entry(consulite, "service-defaults", "api")["Protocol"] == "grpc"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(capsys, "config", "write", "-", "-http-addr", consulite.http_addr) == (
        1, "", "Failed to decode config entry input: Payload does not contain a kind/Kind key at the top level\n")


def test_config_write_of_a_missing_file(capsys, tmp_path):
    missing = tmp_path / "nope.hcl"
    assert run(capsys, "config", "write", str(missing)) == (
        1, "", f"Failed to load data: Failed to read file: open {missing}: no such file or directory\n")


# -- services register: files and directories read as the agent reads them --------------------------------

def test_services_register_a_directory(consulite, capsys, tmp_path):
    (tmp_path / "b.hcl").write_text('service {\n  name = "b"\n}\n')
    (tmp_path / "a.json").write_text('{"service": {"name": "a"}}')
    assert run(capsys, "services", "register", str(tmp_path), "-http-addr", consulite.http_addr) == (
        0, "Registered service: a\nRegistered service: b\n", "")
    missing = tmp_path / "nope.hcl"  # builder.go sourcesFromPath, as `consul services register` prints it
    assert run(capsys, "services", "register", str(missing), "-http-addr", consulite.http_addr) == (
        1, "", f"Error: config: Open failed on {missing}. open {missing}: no such file or directory\n")


# -- validate DIR -----------------------------------------------------------------------------------------

def test_validate_a_directory(capsys, tmp_path):
    (tmp_path / "web.hcl").write_text('service {\n  name = "web"\n  port = 80\n}\n')
    (tmp_path / "defaults.json").write_text('{"Kind": "proxy-defaults", "Name": "global"}')
    (tmp_path / "README.txt").write_text("not config")  # skipped, as the agent skips it
    assert run(capsys, "validate", str(tmp_path)) == (0, "Configuration is valid!\n", "")
    (tmp_path / "zz-bad.hcl").write_text('Kind = "proxy-defaults"\nName = "other"\n')
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == f'{tmp_path / "zz-bad.hcl"}: proxy-defaults/other: invalid name ("other"), only "global" is ' \
                  'supported\n'


# -- version ----------------------------------------------------------------------------------------------

def test_version(capsys):
    expected = f"consulite v{__version__}\nEmulates Consul v{CONSUL_VERSION}\n"
    assert run(capsys, "version") == (0, expected, "")
    with pytest.raises(SystemExit) as e:
        main(["-version"])
    assert e.value.code == 0 and capsys.readouterr().out == expected


# -- an agent that is not there: Go's net/http error names the URL and the address --------------------------

@pytest.fixture
def closed_addr():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"127.0.0.1:{port}"


@pytest.mark.parametrize("argv, message", [
    (["config", "read", "-kind", "proxy-defaults", "-name", "global"],
     ('Error reading config entry proxy-defaults/global: Get "http://{a}/v1/config/proxy-defaults/global": '
     "dial tcp {a}: connect: connection refused")),
    (["config", "delete", "-kind", "service-defaults", "-name", "web"],
     ('Error deleting config entry service-defaults/web: Delete "http://{a}/v1/config/service-defaults/web": '
     "dial tcp {a}: connect: connection refused")),
    (["services", "deregister", "-id", "web"],
     ('Error deregistering service "web": Put "http://{a}/v1/agent/service/deregister/web": '
     "dial tcp {a}: connect: connection refused")),
    (["explain", "web"],
     ('Error connecting to the agent: Get "http://{a}/_consulite/explain/web": dial tcp {a}: connect: '
     "connection refused")),
])
def test_a_refused_connection_names_the_address(capsys, closed_addr, argv, message):
    assert run(capsys, *argv, "-http-addr", closed_addr) == (1, "", message.format(a=closed_addr) + "\n")


def test_the_address_comes_from_consul_http_addr(capsys, closed_addr, monkeypatch):
    monkeypatch.setenv("CONSUL_HTTP_ADDR", closed_addr)
    code, _, err = run(capsys, "config", "list", "-kind", "mesh")
    assert code == 1 and f"dial tcp {closed_addr}: connect: connection refused" in err


# -- agent start refusals (Consul's text, no traceback; agent/config/builder.go texts) -----------------------

@pytest.mark.parametrize("argv, message", [
    (["-http-port", "99999"], "1 error occurred:\n\t* ports.http: invalid port: 99999"),  # a multi-error, as 1.8.7
    (["-config-file", "{tmp}/nope.hcl"], ("config: Open failed on {tmp}/nope.hcl. open {tmp}/nope.hcl: no such file "
                                         "or directory")),
    (["-config-dir", "{tmp}/nodir"], ("config: Open failed on {tmp}/nodir. open {tmp}/nodir: no such file or "
                                     "directory")),
    (["-log-level", "loud"], "Invalid log level: loud. Valid log levels are: [TRACE DEBUG INFO WARN ERR ERROR]"),
])
def test_the_agent_refuses_to_start_with_one_line(capsys, tmp_path, argv, message):
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert run(capsys, "agent", "-dev", *argv) == (
        1, "", f"consulite: refusing to start: {message.format(tmp=tmp_path)}\n")
