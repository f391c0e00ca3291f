"""Client commands and the agent's file loading, end to end against a running consulite
(consul-cli-and-clients.md; hcl.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test here runs the command as a subprocess

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mesh-gateways"


def cli(consulite, *args):
    env = {**os.environ, "CONSUL_HTTP_ADDR": consulite.http_addr}
    env.pop("CONSUL_PARTITION", None)
    env.pop("CONSUL_NAMESPACE", None)
    return subprocess.run([sys.executable, "-m", "consulite.cli", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_services_register_and_deregister_the_seed_files(consulite):
    for partition in ("finance", "api", "db", "logging"):
        consulite.create_partition(partition)
    proc = cli(consulite, "services", "register", str(EXAMPLES / "web-sidecar-upstreams.hcl"))
    assert (proc.returncode, proc.stdout) == (0, "Registered service: web-sidecar-proxy\n"), proc.stderr
    _status, body = consulite.request("GET", "/v1/agent/service/web-sidecar-proxy")
    upstreams = json.loads(body)["Proxy"]["Upstreams"]
    assert [(u["DestinationName"], u["DestinationPartition"], u["MeshGateway"]) for u in upstreams] == [
        ("api", "api", {"Mode": "local"}), ("db", "db", {"Mode": "local"}), ("logging", "logging", {"Mode": "local"})]
    proc = cli(consulite, "services", "register", str(EXAMPLES / "web-sidecar-instance.hcl"))
    assert proc.returncode == 0
    upstream = json.loads(consulite.request("GET", "/v1/agent/service/web-sidecar-proxy")[1])["Proxy"]["Upstreams"]
    assert upstream[0]["MeshGateway"] == {"Mode": "local"} and upstream[0]["DestinationName"] == "billing"
    proc = cli(consulite, "services", "deregister", str(EXAMPLES / "web-sidecar-instance.hcl"))
    assert (proc.returncode, proc.stdout) == (0, "Deregistered service: web-sidecar-proxy\n")
    proc = cli(consulite, "services", "deregister", "-id", "web-sidecar-proxy")
    assert proc.returncode == 1 and "Unexpected response code: 404" in proc.stderr


def test_config_write_read_list_delete(consulite, tmp_path):
    proc = cli(consulite, "config", "write", str(EXAMPLES / "proxy-defaults.hcl"))
    assert (proc.returncode, proc.stdout) == (0, "Config entry written: proxy-defaults/global\n"), proc.stderr
    proc = cli(consulite, "config", "read", "-kind", "proxy-defaults", "-name", "global")
    entry = json.loads(proc.stdout)
    assert entry["MeshGateway"] == {"Mode": "local"} and proc.stdout.startswith("{\n    ")
    json_file = tmp_path / "web.json"
    json_file.write_text('{"kind": "service-defaults", "name": "web", "protocol": "http"}')
    assert cli(consulite, "config", "write", str(json_file)).returncode == 0
    proc = cli(consulite, "config", "list", "-kind", "service-defaults")
    assert proc.stdout == "web\n"
    index = json.loads(cli(consulite, "config", "read", "-kind", "service-defaults", "-name", "web").stdout)[
        "ModifyIndex"]
    json_file.write_text('{"kind": "service-defaults", "name": "web", "protocol": "grpc"}')
    proc = cli(consulite, "config", "write", "-cas", "-modify-index", str(index + 50), str(json_file))
    assert (proc.returncode, proc.stderr) == (1, "Config entry not updated: service-defaults/web\n")
    proc = cli(consulite, "config", "write", "-cas", "-modify-index", str(index), str(json_file))
    assert proc.returncode == 0
    proc = cli(consulite, "config", "delete", "-filename", str(json_file))
    assert (proc.returncode, proc.stdout) == (0, "Config entry deleted: service-defaults/web\n")
    proc = cli(consulite, "config", "read", "-kind", "service-defaults", "-name", "web")
    assert proc.returncode == 1
    assert proc.stderr.strip() == ('Error reading config entry service-defaults/web: Unexpected response code: 404 '
                                   '(Config entry not found for "service-defaults" / "web")')


def test_config_write_decode_errors(consulite, tmp_path):
    bad = tmp_path / "bad.hcl"
    bad.write_text('Kind = "service-defaults"\nName = "web"\nProtocoll = "http"\n')
    proc = cli(consulite, "config", "write", str(bad))
    assert proc.returncode == 1
    assert proc.stderr == (f'Failed to decode config entry input: {bad}: 1 error occurred:\n\t* invalid config key '
                           '"Protocoll"\n\n\n')
    broken = tmp_path / "broken.hcl"
    broken.write_text('Kind = "service-defaults"\nName = web\n')
    proc = cli(consulite, "config", "write", str(broken))
    # hcl v1 names the token with its position (tests/oracle checks the text against hcl itself)
    assert proc.returncode == 1 and f"{broken}: At 2:8: Unknown token: 2:8 IDENT web" in proc.stderr


def test_validate(consulite, tmp_path):
    proc = cli(consulite, "validate", *map(str, sorted(EXAMPLES.glob("*.hcl"))))
    assert (proc.returncode, proc.stdout) == (0, "Configuration is valid!\n"), proc.stderr
    bad = tmp_path / "bad.hcl"
    bad.write_text('Kind = "proxy-defaults"\nName = "other"\n')
    worse = tmp_path / "worse.hcl"
    worse.write_text('service {\n  name = "p"\n  kind = "connect-proxy"\n}\n')
    proc = cli(consulite, "validate", str(bad), str(worse))
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f'{bad}: proxy-defaults/other: invalid name ("other"), only "global" is ' \
                                          'supported'
    assert proc.stderr.splitlines()[1].startswith(f"{worse}: service 'p': Validation failed: 2 errors occurred:")


def test_agent_loads_a_config_dir(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "web.hcl").write_text((EXAMPLES / "web-sidecar-instance.hcl").read_text())
    (conf / "entries.hcl").write_text(
        'config_entries {\n  bootstrap = [\n    {\n      Kind = "proxy-defaults"\n      Name = "global"\n'
        '      MeshGateway { Mode = "remote" }\n    },\n    {\n      Kind = "exported-services"\n'
        '      Name = "finance"\n      Services = [{ Name = "billing", Consumers = [{ Partition = "default" }] }]\n'
        '    }\n  ]\n}\n')
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-config-dir",
                             str(conf)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = next(line for line in proc.stdout if "agent ready" in line)  # after Consul's start-up header
        port = int(line.rsplit(":", 1)[1].split()[0])
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_consulite/explain/web-sidecar-proxy") as r:
            report = json.loads(r.read())
        assert report["Upstreams"][0]["DestinationPartition"] == "finance"  # the partition was created
        assert report["Upstreams"][0]["Exported"] is True
        assert report["MeshGateway"] == {"Mode": "local", "Source": "service-instance"}
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.parametrize("content, message", [
    # agent/config/builder.go: unused keys, then parse errors, as "failed to parse <file>: ..."
    ('service { name = "x"\n  bogus = 1 }',
     "failed to parse {bad}: 1 error occurred:\n\t* invalid config key service.bogus"),
    ('service {\n  name = "x"', "failed to parse {bad}: At 2:14: object expected closing RBRACE got: EOF"),
    ('Kind = "mesh"', "failed to parse {bad}: 1 error occurred:\n\t* invalid config key Kind"),
    ('bogus_key = 1\nservr = true',
     "failed to parse {bad}: 2 errors occurred:\n\t* invalid config key bogus_key\n\t* invalid config key servr"),
    # the agent's register rules (agent-service-api.md §3.1)
    ('service { name = "p", kind = "connect-proxy" }', "{bad}: service 'p': Validation failed"),
])
def test_agent_refuses_to_start_on_a_bad_file(tmp_path, content, message):
    bad = tmp_path / "bad.hcl"
    bad.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-config-file",
                           str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("consulite: refusing to start: " + message.format(bad=bad))
    assert len(proc.stderr.strip().splitlines()) <= 4  # one message, no traceback
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name, content, message, whole", [
    # the agent-config loader's refusal (hcl.md; agent/config/builder.go's text, as `consul services register`
    # prints it) and the agent's register rules (agent-service-api.md §3.1)
    ("bad.json", '{"service": {"name": "bad", "DestinationName": "x"}}',
     "failed to parse {bad}: 1 error occurred:\n\t* invalid config key service.DestinationName", True),
    ("bad.hcl", 'service {\n  name = "p"\n  kind = "connect-proxy"\n  port = 1\n}\n',
     "service 'p': Validation failed: 1 error occurred:", False),
])
def test_services_register_writes_nothing_when_one_file_is_wrong(consulite, tmp_path, name, content, message,
                                                                whole):
    good = tmp_path / "good.hcl"
    good.write_text('service {\n  name = "good"\n  port = 80\n}\n')
    bad = tmp_path / name
    bad.write_text(content)
    proc = cli(consulite, "services", "register", str(good), str(bad))
    assert proc.returncode == 1
    expected = "Error: " + (message.format(bad=bad) if whole else f"{bad}: {message}")
    assert proc.stderr.strip() == expected if whole else proc.stderr.startswith(expected)
    assert json.loads(consulite.request("GET", "/v1/agent/services")[1]) == {}
