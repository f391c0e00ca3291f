"""The verified-fake layer: one test body, run against consulite and against a real Consul CE 1.8.7 agent.

A test asks for the `target` fixture; it runs twice, as `[consulite]` (a Community Edition consulite, reset
before the test) and as `[consul-1.8.7]` (one real dev agent for the session, started on free ports as
`sdk/testutil` starts Consul; skipped with one line when the binary is absent). The test speaks HTTP only:

    def test_register(target):
        name = target.name("web")                     # unique per test: real Consul has no reset
        status, _, body = target.put("/v1/agent/service/register", {"Name": name, "Port": 80})
        assert (status, body) == (200, "")
        status, _, body = target.get(f"/v1/agent/service/{name}")
        assert_contains(body, {"ID": name, "Service": name, "Port": 80, "ContentHash": ANY})

Expected values are what real Consul 1.8.7 answers (consulite may return more keys: `assert_contains`).
Where Consul 1.17+ answers otherwise, `newer(target, source, v187=..., current=...)` picks the value per
target, citing the Consul file that shows the newer behaviour (which wins: consulite must give it).
Where consulite is known to differ, `@pytest.mark.consulite_differs("<the difference>")` marks the consulite
variant `xfail(strict=True)`; the real-Consul variant must still pass.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections import namedtuple
from pathlib import Path

import pytest

from consulite.model.agent_config import AgentConfig
from consulite.testing.server import ConsuliteServer

NODE, DATACENTER = "node1", "dc1"
ACL_ROOT = "11111111-2222-3333-4444-555555555555"
#: 1.8 spells the initial management token `master` (consulite accepts both)
ACL_CONFIG = f'acl {{\n  enabled = true\n  default_policy = "deny"\n  tokens {{\n    master = "{ACL_ROOT}"\n  }}\n}}\n'
SKIP_REAL = "real Consul 1.8.7 not available: run scripts/real-consul.sh"
CONFIG_KINDS = ("service-defaults", "proxy-defaults", "service-router", "service-splitter", "service-resolver",
                "ingress-gateway", "terminating-gateway")


def real_consul_binary() -> str | None:
    """`$CONSULITE_REAL_CONSUL`, else where scripts/real-consul.sh unpacks it, else `consul` 1.8.7 on PATH."""
    candidates = [os.environ.get("CONSULITE_REAL_CONSUL", "")]
    base = os.environ.get("CONSULITE_REAL_CONSUL_DIR") or str(Path.home() / ".cache/consulite/consul-1.8.7")
    candidates.append(str(Path(base) / "root/usr/bin/consul"))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    return None


# ---------------------------------------------------------------------------------------------------------
# A real Consul dev agent
# ---------------------------------------------------------------------------------------------------------

def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class RealConsul:
    """`consul agent -dev` with every port moved to a free one (DNS and gRPC off), as sdk/testutil does."""

    START_TIMEOUT = 30.0

    def __init__(self, binary: str, config_text: str = ""):
        self.binary = binary
        #: an extra agent-config file's text (the ACL agent's `acl {}` block)
        self.config_text = config_text
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkdtemp(prefix="consulite-real-consul-")) / "consul.log"
        self.port = 0

    def start(self) -> RealConsul:
        http_port, lan, wan, server = _free_ports(4)
        self.port = http_port
        args = [self.binary, "agent", "-dev", "-node", NODE, "-datacenter", DATACENTER,
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-http-port", str(http_port),
                "-dns-port", "-1", "-grpc-port", "-1", "-serf-lan-port", str(lan), "-serf-wan-port", str(wan),
                "-server-port", str(server), "-log-level", "warn"]
        if self.config_text:
            extra = self.log_path.parent / "extra.hcl"
            extra.write_text(self.config_text)
            args += ["-config-file", str(extra)]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the agent's lifetime
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.START_TIMEOUT
        while time.monotonic() < deadline:  # bounded poll on a condition: the agent is serving, has a leader
            if self.proc.poll() is not None:
                break
            if self._ready():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"real Consul did not become ready; its log:\n{self.log_path.read_text()[-3000:]}")

    def _ready(self) -> bool:
        try:
            status, _, leader = _request("127.0.0.1", self.port, "GET", "/v1/status/leader")
            if status != 200 or not leader:
                return False
            if self.config_text:  # the ACL agent: ready once the management token resolves
                return _request("127.0.0.1", self.port, "GET", "/v1/acl/token/self",
                                headers={"X-Consul-Token": ACL_ROOT}).status == 200
            # the node is in the catalog with its serfHealth check passing (what a test of /v1/health/node sees)
            status, _, checks = _request("127.0.0.1", self.port, "GET", f"/v1/health/node/{NODE}")
            return status == 200 and any(c["CheckID"] == "serfHealth" and c["Status"] == "passing" for c in checks)
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
            self._log.close()
            shutil.rmtree(self.log_path.parent, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------

Response = namedtuple("Response", "status headers body")


def _request(host, port, method, path, body=None, headers=None) -> Response:
    if body is None:
        data = None
    elif isinstance(body, (bytes, str)):
        data = body.encode() if isinstance(body, str) else body
    else:
        data = json.dumps(body).encode()
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    text = raw.decode(errors="replace")
    try:
        parsed = json.loads(text) if "json" in hdrs.get("content-type", "") else text
    except ValueError:
        parsed = text
    return Response(resp.status, hdrs, parsed)


_counter = itertools.count(1)


class Target:
    """One agent under test: `get/put/delete/post(path, body) -> (status, headers, json-or-text)`."""

    def __init__(self, kind: str, port: int):
        self.kind = kind
        self.port = port
        self.prefix = f"v{next(_counter)}{uuid.uuid4().hex[:6]}"

    @property
    def is_real(self) -> bool:
        return self.kind == "consul-1.8.7"

    def name(self, base: str) -> str:
        """A name unique to this test (services, checks, config entries)."""
        return f"{self.prefix}-{base}"

    def request(self, method: str, path: str, body=None, headers=None) -> Response:
        return _request("127.0.0.1", self.port, method, path, body, headers)

    def get(self, path, headers=None):
        return self.request("GET", path, None, headers)

    def put(self, path, body=None, headers=None):
        return self.request("PUT", path, body, headers)

    def post(self, path, body=None, headers=None):
        return self.request("POST", path, body, headers)

    def delete(self, path, body=None, headers=None):
        return self.request("DELETE", path, body, headers)

    def ok(self, method: str, path: str, body=None):
        """A request that must succeed (set-up steps); returns the body."""
        r = self.request(method, path, body)
        assert r.status == 200, f"{method} {path}: {r.status} {r.body!r}"
        return r.body

    def synced(self, timeout: float = 5.0) -> None:
        """Wait until the catalog shows this agent's services and checks. Real Consul copies agent writes to
        the catalog asynchronously (anti-entropy sync, `agent/local/state.go`); this waits on blocking
        queries (bounded, no sleeps) until the two agree. Check output is not compared: Consul defers an
        output-only change to `check_update_interval` (5 minutes by default). consulite writes the catalog in the
        request: no-op."""
        if not self.is_real:
            return
        deadline = time.monotonic() + timeout
        while True:
            agent_services = {s["ID"]: (s["Port"], s["Tags"], s["Meta"])
                              for s in self.get("/v1/agent/services").body.values()}
            agent_checks = {c["CheckID"]: (c["Status"], c["Name"], c["ServiceID"])
                            for c in self.get("/v1/agent/checks").body.values()}
            cat = self.get(f"/v1/catalog/node-services/{NODE}")
            cat_services = {s["ID"]: (s["Port"], s["Tags"], s["Meta"] or {})
                            for s in (cat.body["Services"] or []) if s["ID"] != "consul"}
            hc = self.get(f"/v1/health/node/{NODE}")
            cat_checks = {c["CheckID"]: (c["Status"], c["Name"], c["ServiceID"])
                          for c in hc.body if c["CheckID"] != "serfHealth"}
            if (agent_services, agent_checks) == (cat_services, cat_checks) or time.monotonic() > deadline:
                return
            block_on = hc if len(agent_checks) != len(cat_checks) or agent_checks != cat_checks else cat
            path = f"/v1/health/node/{NODE}" if block_on is hc else f"/v1/catalog/node-services/{NODE}"
            self.get(f"{path}?index={block_on.headers['x-consul-index']}&wait=250ms")

    def cleanup(self) -> None:
        """Remove everything this test created (its names carry the prefix); leaves maintenance off."""
        self.put("/v1/agent/maintenance?enable=false")
        _, _, services = self.get("/v1/agent/services")
        for sid in services if isinstance(services, dict) else ():
            if sid.startswith(self.prefix):
                self.put(f"/v1/agent/service/deregister/{sid}")
        _, _, checks = self.get("/v1/agent/checks")
        for cid in checks if isinstance(checks, dict) else ():
            if cid.startswith(self.prefix):
                self.put(f"/v1/agent/check/deregister/{cid}")
        # config entries: routers and splitters before resolvers and defaults (Consul checks the graph)
        for kind in ("ingress-gateway", "terminating-gateway", "service-router", "service-splitter",
                     "service-resolver", "service-defaults", "proxy-defaults"):
            _, _, entries = self.get(f"/v1/config/{kind}")
            for e in entries if isinstance(entries, list) else ():
                if e["Name"].startswith(self.prefix) or (kind == "proxy-defaults" and self.is_real):
                    self.delete(f"/v1/config/{kind}/{e['Name']}")
        self.synced()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "consulite_differs(reason): consulite is known to differ from real Consul here; "
                   "its variant is xfail(strict=True) with that reason")


def pytest_generate_tests(metafunc):
    if "acl_target" in metafunc.fixturenames:
        metafunc.parametrize("acl_target", ["consulite", "consul-1.8.7"], indirect=True)
        return
    if "target" not in metafunc.fixturenames:
        return
    differs = metafunc.definition.get_closest_marker("consulite_differs")
    consulite_marks = []
    if differs is not None:
        reason = differs.args[0] if differs.args else differs.kwargs["reason"]
        consulite_marks.append(pytest.mark.xfail(strict=True, reason=reason))
    metafunc.parametrize("target", [pytest.param("consulite", id="consulite", marks=consulite_marks),
                                    pytest.param("consul-1.8.7", id="consul-1.8.7")], indirect=True)


@pytest.fixture(scope="session")
def consulite_server():
    """The plugin's session server, as Community Edition here (real Consul 1.8.7 is CE)."""
    with ConsuliteServer(AgentConfig(edition="ce", node_name=NODE, datacenter=DATACENTER)) as server:
        yield server


def _real_agent(config_text: str = ""):
    """A real dev agent for the session (None without the binary), stopped at the end."""
    binary = real_consul_binary()
    if binary is None:
        yield None
        return
    agent = RealConsul(binary, config_text).start()
    try:
        yield agent
    finally:
        agent.stop()


@pytest.fixture(scope="session")
def real_consul():
    yield from _real_agent()


@pytest.fixture
def target(request):
    if request.param == "consulite":
        server = request.getfixturevalue("consulite")  # the plugin's fixture: reset before the test
        yield Target("consulite", server.port)
        return
    agent = request.getfixturevalue("real_consul")
    if agent is None:
        pytest.skip(SKIP_REAL)
    t = Target("consul-1.8.7", agent.port)
    t.cleanup()
    try:
        yield t
    finally:
        t.cleanup()


# ---------------------------------------------------------------------------------------------------------
# ACLs on: the same body against an ACL-enabled consulite (CE, from the same config file) and real 1.8.7
# ---------------------------------------------------------------------------------------------------------

class ACLTarget(Target):
    """A target with ACLs on (default deny, management token ACL_ROOT): requests carry `token=` when given."""

    root = ACL_ROOT

    def as_token(self, secret: str | None):
        """(method, path, body) -> Response with `X-Consul-Token: secret` (None: no token at all)."""
        headers = {} if secret is None else {"X-Consul-Token": secret}
        return lambda method, path, body=None: self.request(method, path, body, headers)

    def root_request(self, method, path, body=None):
        return self.request(method, path, body, {"X-Consul-Token": ACL_ROOT})

    def acl_cleanup(self) -> None:
        """Remove what a test created: its tokens, policies and roles (names and descriptions carry the
        prefix), its services."""
        for kind, key in (("tokens", "AccessorID"), ("roles", "ID"), ("policies", "ID")):
            listed = self.root_request("GET", f"/v1/acl/{kind}").body
            for item in listed if isinstance(listed, list) else ():
                if self.prefix in (item.get("Name", "") + item.get("Description", "")):
                    self.root_request("DELETE", f"/v1/acl/{kind[:-1] if kind != 'policies' else 'policy'}/{item[key]}")
        services = self.root_request("GET", "/v1/agent/services").body
        for sid in services if isinstance(services, dict) else ():
            if sid.startswith(self.prefix):
                self.root_request("PUT", f"/v1/agent/service/deregister/{sid}")


@pytest.fixture(scope="session")
def consulite_acl_server(tmp_path_factory):
    from consulite.decode.agent_config import build

    path = tmp_path_factory.mktemp("acl") / "acl.hcl"
    path.write_text(ACL_CONFIG)
    config = build([path], {"edition": "ce", "node_name": NODE, "datacenter": DATACENTER}).config
    with ConsuliteServer(config) as server:
        yield server


@pytest.fixture(scope="session")
def real_consul_acl():
    yield from _real_agent(ACL_CONFIG)


@pytest.fixture
def acl_target(request):
    if request.param == "consulite":
        server = request.getfixturevalue("consulite_acl_server")
        server.reset()
        yield ACLTarget("consulite", server.port)
        return
    agent = request.getfixturevalue("real_consul_acl")
    if agent is None:
        pytest.skip(SKIP_REAL)
    t = ACLTarget("consul-1.8.7", agent.port)
    try:
        yield t
    finally:
        t.acl_cleanup()


# ---------------------------------------------------------------------------------------------------------
# The real `consul` CLI against both (tests/verified/cli.py)
# ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def cli(request, tmp_path):
    """A `CLIPair` over the reset consulite and the session's real agent; `cli.prefix` names this test's
    objects (the same names on both sides); the real agent is cleaned up before and after (its KV too)."""
    from tests.verified.cli import CLIPair

    server = request.getfixturevalue("consulite")
    agent = request.getfixturevalue("real_consul")
    if agent is None:
        pytest.skip(SKIP_REAL)
    real = Target("consul-1.8.7", agent.port)
    pair = CLIPair(agent.binary, server.port, agent.port, tmp_path)
    pair.prefix = real.prefix
    real.cleanup()
    try:
        yield pair
    finally:
        real.delete(f"/v1/kv/{real.prefix}?recurse")
        real.cleanup()


@pytest.fixture
def acl_cli(request, tmp_path):
    """A `CLIPair` over the ACL-enabled consulite and real agent, with the management token."""
    from tests.verified.cli import CLIPair

    server = request.getfixturevalue("consulite_acl_server")
    agent = request.getfixturevalue("real_consul_acl")
    if agent is None:
        pytest.skip(SKIP_REAL)
    server.reset()
    real = ACLTarget("consul-1.8.7", agent.port)
    pair = CLIPair(agent.binary, server.port, agent.port, tmp_path, token=ACL_ROOT)
    pair.prefix = real.prefix
    try:
        yield pair
    finally:
        real.acl_cleanup()
