"""Verified: the real `consul` 1.8.7 CLI gives the same exit code, stdout and stderr against consulite as
against real Consul 1.8.7 (tests/verified/cli.py). Normalised: IDs by relation (UUIDS), and where a test says
so, indexes, times, versions and addresses."""

from __future__ import annotations

import json

import pytest

from tests.verified.cli import COLUMNS, DEFAULT, INDEXES, by_regex

pytestmark = pytest.mark.slow



# -- services ----------------------------------------------------------------------------------------------

def test_services_register_hcl_file_and_deregister(cli):
    name = f"{cli.prefix}-web"
    (cli.cwd / "web.hcl").write_text(f'service {{\n  name = "{name}"\n  port = 80\n  tags = ["a", "b"]\n'
                                     f'  meta = {{ k = "v" }}\n  check {{\n    ttl = "30s"\n  }}\n}}\n')
    assert cli.run("services", "register", "web.hcl") == (0, f"Registered service: {name}\n", "")
    cli.run("catalog", "services", "-tags")
    cli.run("catalog", "nodes", "-service", name)
    assert cli.run("services", "deregister", "web.hcl") == (0, f"Deregistered service: {name}\n", "")
    cli.run("catalog", "services")


def test_services_register_json_file_with_two_services(cli):
    a, b = f"{cli.prefix}-a", f"{cli.prefix}-b"
    (cli.cwd / "s.json").write_text(json.dumps({"services": [{"name": a, "port": 1}, {"name": b, "id": "b1"}]}))
    assert cli.run("services", "register", "s.json").out == f"Registered service: {a}\nRegistered service: {b}\n"
    cli.run("catalog", "services")
    cli.run("services", "deregister", "-id", "b1")
    cli.run("services", "deregister", "-id", a)


def test_services_register_flags(cli):
    name = f"{cli.prefix}-f"
    cli.run("services", "register", "-name", name, "-id", f"{name}-1", "-port", "8080", "-address", "10.0.0.1",
            "-tag", "x", "-tag", "y", "-meta", "k=v")
    cli.run("catalog", "services", "-tags")
    cli.run("catalog", "nodes", "-service", name, "-detailed", norm=[*DEFAULT, CONSUL_VERSION_META, COLUMNS])
    cli.run("services", "deregister", "-id", f"{name}-1")


@pytest.mark.parametrize("args", [
    ("services", "register"),
    ("services", "register", "missing.hcl"),
    ("services", "deregister"),
    ("services", "register", "-name", "x", "extra.hcl"),
    ("services", "register", "-port", "nope", "-name", "x"),
], ids=["no-args", "missing-file", "deregister-no-args", "flags-and-file", "bad-port"])
def test_services_usage_errors(cli, args):
    cli.run(*args)


def test_services_register_refused_by_the_agent(cli):
    (cli.cwd / "bad.hcl").write_text('service {\n  name = "x"\n  check {\n    interval = "10s"\n  }\n}\n')
    cli.run("services", "register", "bad.hcl")
    (cli.cwd / "bad2.hcl").write_text('service {\n  name = "x"\n  address = "0.0.0.0"\n}\n')
    cli.run("services", "register", "bad2.hcl")


# -- catalog, members, info ----------------------------------------------------------------------------------

#: newer Consul records the server's version in its node meta (structs.MetaConsulVersion, agent/consul/leader.go
#: reconcileMember); 1.8.7 has no such key: consulite keeps the newer meta
CONSUL_VERSION_META = by_regex(r", consul-version=[^ \n]*", "")
#: the version each agent runs (1.8.7 against consulite's newer one), in `Build` columns and `build=` tags
VERSIONS = by_regex(r"\b1\.\d+\.\d+(?:-[a-z]+)?\b(?::[a-z0-9]*)?", "<version>")


def test_catalog_datacenters_and_nodes(cli):
    cli.run("catalog", "datacenters")
    cli.run("catalog", "nodes")
    cli.run("catalog", "nodes", "-service", "nope")
    cli.run("catalog", "services", "-node", "nope")
    cli.run("catalog", "services", "-node", "node1")


def test_catalog_services_tags_and_meta_filter(cli):
    name = f"{cli.prefix}-t"
    cli.run("services", "register", "-name", name, "-tag", "v1", "-meta", "env=prod")
    cli.run("catalog", "services", "-tags")
    cli.run("catalog", "services", "-node-meta", "nope=x")
    cli.run("catalog", "nodes", "-service", name)


def test_catalog_usage_errors(cli):
    cli.run("catalog", "services", "extra")
    cli.run("catalog", "nodes", "-bogus")


def test_members(cli):
    addr = by_regex(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>")
    cli.run("members", norm=[*DEFAULT, addr, VERSIONS, COLUMNS])
    cli.run("members", "-wan", norm=[*DEFAULT, addr, VERSIONS, COLUMNS])
    cli.run("members", "-status", "left")


def test_members_detailed(cli):
    lite, real = cli.both("members", "-detailed")
    tags = [dict(t.split("=", 1) for t in r.out.splitlines()[1].split()[-1].split(",")) for r in (lite, real)]
    # every tag 1.8.7 shows is there; newer Consul adds ft_si (1.10, agent/consul/server_serf.go) and
    # grpc_port (1.14): consulite shows those too
    assert set(tags[1]) <= set(tags[0]), (lite, real)
    assert {k: tags[0][k] for k in ("acls", "dc", "role", "segment", "vsn", "vsn_max", "vsn_min", "raft_vsn")} == \
        {k: tags[1][k] for k in ("acls", "dc", "role", "segment", "vsn", "vsn_max", "vsn_min", "raft_vsn")}
    assert (lite.code, lite.err) == (real.code, real.err) == (0, "")


def test_info(cli):
    lite, real = cli.both("info")
    sections = [[line for line in r.out.splitlines() if line.endswith(":") and not line.startswith("\t")]
                for r in (lite, real)]
    keys = [{line.split("=")[0].strip() for line in r.out.splitlines() if "=" in line} for r in (lite, real)]
    assert sections[0] == sections[1] and lite.code == real.code == 0
    assert keys[1] - keys[0] == set(), keys[1] - keys[0]


# -- config entries ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, body", [
    ("service-defaults", 'Protocol = "http"\n'),
    ("service-resolver", 'ConnectTimeout = "5s"\nDefaultSubset = "v1"\n'
                         'Subsets = {\n  v1 = {\n    Filter = "Service.Meta.version == v1"\n  }\n}\n'),
    ("ingress-gateway", 'Listeners = [\n  {\n    Port = 8080\n    Protocol = "tcp"\n'
                        '    Services = [\n      { Name = "db" }\n    ]\n  }\n]\n'),
    ("terminating-gateway", 'Services = [\n  { Name = "billing" }\n]\n'),
])
def test_config_write_read_list_delete(cli, kind, body):
    name = f"{cli.prefix}-c"
    (cli.cwd / "e.hcl").write_text(f'Kind = "{kind}"\nName = "{name}"\n{body}')
    assert cli.run("config", "write", "e.hcl").out == f"Config entry written: {kind}/{name}\n"
    cli.run("config", "read", "-kind", kind, "-name", name, norm=[*DEFAULT, INDEXES])
    cli.run("config", "list", "-kind", kind)
    cli.run("config", "delete", "-kind", kind, "-name", name)
    cli.run("config", "read", "-kind", kind, "-name", name)


def test_config_write_json_and_cas(cli):
    name = f"{cli.prefix}-j"
    entry = {"Kind": "service-defaults", "Name": name, "Protocol": "grpc"}
    (cli.cwd / "e.json").write_text(json.dumps(entry))
    cli.run("config", "write", "e.json")
    (cli.cwd / "e2.json").write_text(json.dumps({**entry, "Protocol": "http"}))
    cli.run("config", "write", "-cas", "-modify-index", "0", "e2.json")  # it exists: not updated
    cli.run("config", "write", "-cas", "-modify-index", "987654321", "e2.json")
    cli.run("config", "read", "-kind", "service-defaults", "-name", name, norm=[*DEFAULT, INDEXES])
    # the same content again under a stale cas: newer Consul's ConfigEntry.Apply skips an unchanged write and
    # answers true for upsert-cas too (agent/consul/config_endpoint.go shouldSkipOperation); 1.8.7 refused it
    lite, real = cli.both("config", "write", "-cas", "-modify-index", "0", "e.json")
    assert lite == (0, f"Config entry written: service-defaults/{name}\n", "")
    assert real == (1, "", f"Config entry not updated: service-defaults/{name}\n")
    cli.run("config", "delete", "-kind", "service-defaults", "-name", name)


def test_config_proxy_defaults(cli):
    (cli.cwd / "p.hcl").write_text('Kind = "proxy-defaults"\nName = "global"\nConfig {\n  protocol = "http"\n}\n')
    cli.run("config", "write", "p.hcl")
    cli.run("config", "read", "-kind", "proxy-defaults", "-name", "global", norm=[*DEFAULT, INDEXES])
    cli.run("config", "delete", "-kind", "proxy-defaults", "-name", "global")


@pytest.mark.parametrize("args, text", [
    (("config", "read", "-kind", "service-defaults"), None),
    (("config", "read", "-name", "x"), None),
    (("config", "list"), None),
    (("config", "delete", "-kind", "service-defaults"), None),
    (("config", "write",), None),
    (("config", "write", "missing.hcl"), None),
    (("config", "write", "bad.hcl"), 'Kind = "service-defaults"\nName = "x"\nBogus = 1\n'),
    (("config", "write", "nokind.hcl"), 'Name = "x"\n'),
    (("config", "write", "badkind.hcl"), 'Kind = "bogus"\nName = "x"\n'),
    (("config", "write", "bad-proto.hcl"), 'Kind = "service-router"\nName = "{prefix}-r"\n'
                                           'Routes = [\n  { Match { HTTP { PathPrefix = "/x" } } }\n]\n'),
], ids=["read-no-name", "read-no-kind", "list-no-kind", "delete-no-name", "write-no-file", "write-missing",
        "write-unknown-key", "write-no-kind", "write-bad-kind", "router-needs-http"])
def test_config_errors(cli, args, text):
    if text is not None:
        (cli.cwd / args[-1]).write_text(text.replace("{prefix}", cli.prefix))
    cli.run(*args)


# -- KV ------------------------------------------------------------------------------------------------------

def test_kv_put_get_delete(cli):
    k = f"{cli.prefix}/a"
    assert cli.run("kv", "put", k, "hello").out == f"Success! Data written to: {k}\n"
    cli.run("kv", "get", k)
    cli.run("kv", "get", "-detailed", k, norm=[*DEFAULT, INDEXES])
    cli.run("kv", "put", "-flags", "42", k, "v2")
    cli.run("kv", "get", "-detailed", k, norm=[*DEFAULT, INDEXES])
    cli.run("kv", "put", "-base64", k, "aGk=")
    cli.run("kv", "get", k)
    cli.run("kv", "get", "-base64", k)
    cli.run("kv", "delete", k)
    cli.run("kv", "get", k)


def test_kv_recurse_keys_export_import(cli):
    p = cli.prefix
    for key, value in (("a", "1"), ("b/c", "2"), ("b/d", "3")):
        cli.run("kv", "put", f"{p}/{key}", value)
    cli.run("kv", "get", "-recurse", p)
    cli.run("kv", "get", "-keys", f"{p}/")
    cli.run("kv", "get", "-keys", "-separator", "", f"{p}/")
    cli.run("kv", "get", "-recurse", "-detailed", f"{p}/b", norm=[*DEFAULT, INDEXES])
    export = cli.run("kv", "export", p)
    (cli.cwd / "dump.json").write_text(export.out.replace(f"{p}/", f"{p}/copy/"))
    cli.run("kv", "import", "@dump.json")
    cli.run("kv", "get", "-recurse", f"{p}/copy")
    cli.run("kv", "import", "-", stdin=export.out.replace(f"{p}/", f"{p}/stdin/"))
    cli.run("kv", "get", "-keys", f"{p}/stdin/")
    cli.run("kv", "delete", "-recurse", f"{p}/b")
    cli.run("kv", "get", "-recurse", p)


def test_kv_cas_and_put_from_file(cli):
    k = f"{cli.prefix}/cas"
    cli.run("kv", "put", "-cas", "-modify-index", "0", k, "first")
    cli.run("kv", "put", "-cas", "-modify-index", "0", k, "second")
    cli.run("kv", "get", k)
    cli.run("kv", "delete", "-cas", "-modify-index", "1", k)
    cli.run("kv", "get", k)
    (cli.cwd / "v.txt").write_text("from file\n")
    cli.run("kv", "put", k, "@v.txt")
    cli.run("kv", "put", k, "-", stdin="from stdin")
    cli.run("kv", "get", k)


@pytest.mark.parametrize("args", [
    ("kv", "put"), ("kv", "get"), ("kv", "delete"), ("kv", "put", "-cas", "k", "v"),
    ("kv", "put", "-base64", "k", "!!"), ("kv", "get", "-recurse", "-keys", "x"), ("kv", "import"),
    ("kv", "import", "@missing.json"), ("kv", "import", "-", "extra"), ("kv", "delete", "-recurse"),
    ("kv", "put", "-flags", "x", "k", "v"), ("kv", "get", "/leading"),
], ids=["put-no-key", "get-no-key", "delete-no-key", "cas-no-index", "bad-base64", "recurse-keys",
        "import-nothing", "import-missing", "import-extra", "delete-recurse-nothing", "bad-flags", "leading-slash"])
def test_kv_errors(cli, args):
    cli.run(*args, stdin="")


def test_kv_import_bad_json(cli):
    cli.run("kv", "import", "-", stdin="not json")
    cli.run("kv", "import", "-", stdin='[{"key": "k", "flags": 0, "value": "!!"}]')


# -- lock and watch ------------------------------------------------------------------------------------------

def test_lock_runs_a_child_and_releases(cli):
    p = f"{cli.prefix}/lock"
    cli.run("lock", p, "echo held")
    cli.run("lock", "-n", "2", p, "echo sem")
    cli.run("kv", "get", "-recurse", p)
    cli.run("lock", "-child-exit-code", p, "exit 3")


def test_watch_without_a_handler_prints_once(cli):
    k = f"{cli.prefix}/w"
    cli.run("kv", "put", k, "x")
    cli.run("watch", "-type", "key", "-key", k, norm=[*DEFAULT, INDEXES])
    cli.run("watch", "-type", "keyprefix", "-prefix", f"{cli.prefix}/", norm=[*DEFAULT, INDEXES])
    cli.run("watch", "-type", "services")
    cli.run("watch", "-type", "bogus")
    cli.run("watch", "-type", "key")
