"""Each probe against a real local target, with the status and Output Consul gives.

"1.8.7" in a comment means the same definition was registered on a real Consul 1.8.7 agent
(../shared/reference/real-consul.md) against the same kind of target and gave this exact Output;
where 1.8.7 differs from the reference (1.17+) source, the source wins and the comment says so.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil

import pytest

from consulite.agent.goerr import nameserver
from consulite.agent.probes import ProbeDriver, docker_probe, script_probe
from consulite.model.check import CheckType
from tests.agent.probe_targets import (
    HTTPTarget,
    SelfSigned,
    closed_port,
    fake_docker,
    grpc_health_server,
    h2_server,
    silent_tcp,
    tcp_listener,
    udp_echo,
)

MS = 10**6


@pytest.fixture
async def driver():
    d = ProbeDriver()
    yield d
    await d.close()


@pytest.fixture
async def web_target():
    async with HTTPTarget() as t:
        yield t


@pytest.fixture(scope="session")
def cert(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("no openssl CLI to make a certificate")
    return SelfSigned(tmp_path_factory.mktemp("tls"))


# --- HTTP: agent/checks/check.go CheckHTTP.check ------------------------------------------------

@pytest.mark.parametrize("path, status, text", [
    ("/ok", "passing", "200 OK Output: ok"),  # 1.8.7
    ("/warn", "warning", "429 Too Many Requests Output: slow down"),  # 1.8.7
    ("/fail", "critical", "503 Service Unavailable Output: down"),  # 1.8.7
])
async def test_http_status_classes(driver, web_target, path, status, text):
    url = web_target.url(path)
    assert await driver(CheckType(http=url)) == (status, f"HTTP GET {url}: {text}")


async def test_http_body_keeps_the_last_4k(driver, web_target):
    # circbuf keeps the tail of the body, without a "Captured" header for HTTP (1.8.7)
    url = web_target.url("/big")
    assert await driver(CheckType(http=url)) == ("passing", f"HTTP GET {url}: 200 OK Output: " + "b" * 4096)
    # OutputMaxSize lowers the agent's limit (1.8.7) but never raises it (agent.go addCheck)
    assert await driver(CheckType(http=url, output_max_size=10)) == (
        "passing", f"HTTP GET {url}: 200 OK Output: bbbbbbbbbb")
    assert (await driver(CheckType(http=url, output_max_size=10_000)))[1].endswith("Output: " + "b" * 4096)


async def test_http_sends_consuls_headers_method_and_body(driver, web_target):
    url = web_target.url("/echo")
    ct = CheckType(http=url, method="PUT", body='{"a":1}', header={"X-Test": ["a", "b"]})
    assert await driver(ct) == ("passing", f"HTTP PUT {url}: 200 OK Output: echo")
    seen = web_target.seen[-1]
    assert seen["method"] == "PUT" and seen["body"] == '{"a":1}'
    headers = seen["headers"]
    # the headers 1.8.7 sent to the same endpoint (User-Agent, Accept, Accept-Encoding: gzip, no Content-Type)
    assert headers["User-Agent"] == "Consul Health Check"
    assert headers["Accept"] == "text/plain, text/*, */*"
    assert headers["Accept-Encoding"] == "gzip"
    assert headers["X-Test"] == "a"  # first of the repeated header
    assert "Content-Type" not in headers


async def test_http_user_agent_is_overridable(driver, web_target):
    await driver(CheckType(http=web_target.url("/echo"), header={"User-Agent": ["mine"]}))
    assert web_target.seen[-1]["headers"]["User-Agent"] == "mine"


async def test_http_redirects(driver, web_target):
    url = web_target.url("/redirect")
    # followed (1.8.7)
    assert await driver(CheckType(http=url)) == ("passing", f"HTTP GET {url}: 200 OK Output: ok")
    # DisableRedirects (1.17 source): the 3xx itself is the answer
    assert await driver(CheckType(http=url, disable_redirects=True)) == (
        "critical", f"HTTP GET {url}: 302 Found Output: 302: Found")
    # Go's client gives up after 10 and names the raw Location (1.8.7)
    assert await driver(CheckType(http=web_target.url("/loop"))) == (
        "critical", 'Get "/loop": stopped after 10 redirects')


async def test_http_timeout_and_a_hanging_target_delays_nothing(driver, web_target):
    slow = asyncio.ensure_future(driver(CheckType(http=web_target.url("/slow"), timeout=300 * MS)))
    ok = web_target.url("/ok")
    assert await driver(CheckType(http=ok)) == ("passing", f"HTTP GET {ok}: 200 OK Output: ok")
    assert not slow.done()
    url = web_target.url("/slow")
    # 1.8.7 (Timeout "1s" there)
    assert await slow == ("critical", f'Get "{url}": context deadline exceeded '
                                      "(Client.Timeout exceeded while awaiting headers)")


async def test_http_connection_and_url_errors(driver, web_target):
    port = closed_port()
    url = f"http://127.0.0.1:{port}/x"
    # 1.8.7
    assert await driver(CheckType(http=url)) == (
        "critical", f'Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused')
    raw = f"127.0.0.1:{web_target.port}/ok"
    assert await driver(CheckType(http=raw)) == (  # 1.8.7
        "critical", f'parse "{raw}": first path segment in URL cannot contain colon')
    raw = f"localhost:{web_target.port}/ok"
    assert await driver(CheckType(http=raw)) == (  # net/http: the scheme is "localhost"
        "critical", f'Get "{raw}": unsupported protocol scheme "localhost"')
    https = f"https://127.0.0.1:{web_target.port}/ok"
    assert await driver(CheckType(http=https)) == (  # 1.8.7
        "critical", f'Get "{https}": http: server gave HTTP response to HTTPS client')


async def test_http_unknown_host(driver):
    # 1.8.7: Go's resolver names the nameserver it asked ("on 10.255.255.53:53" on that machine)
    on = f" on {nameserver()}" if nameserver() else ""
    assert await driver(CheckType(http="http://nosuchhost.invalid/x")) == (
        "critical", f'Get "http://nosuchhost.invalid/x": dial tcp: lookup nosuchhost.invalid{on}: no such host')


async def test_https_verification(driver, cert):
    async with HTTPTarget(ssl_context=cert.server_context()) as target:
        url = target.url("/ok")
        assert await driver(CheckType(http=url, tls_skip_verify=True)) == (
            "passing", f"HTTP GET {url}: 200 OK Output: ok")
        assert await driver(CheckType(http=url)) == (
            "critical", f'Get "{url}": x509: certificate signed by unknown authority')


# --- TCP and UDP: check.go CheckTCP.check, CheckUDP.check ----------------------------------------

async def test_tcp(driver):
    async with tcp_listener() as addr:
        assert await driver(CheckType(tcp=addr)) == ("passing", f"TCP connect {addr}: Success")  # 1.8.7
    port = closed_port()
    assert await driver(CheckType(tcp=f"127.0.0.1:{port}")) == (  # 1.8.7
        "critical", f"dial tcp 127.0.0.1:{port}: connect: connection refused")
    assert await driver(CheckType(tcp="127.0.0.1")) == (  # 1.8.7
        "critical", "dial tcp: address 127.0.0.1: missing port in address")
    on = f" on {nameserver()}" if nameserver() else ""
    assert await driver(CheckType(tcp="nosuchhost.invalid:80")) == (  # 1.8.7
        "critical", f"dial tcp: lookup nosuchhost.invalid{on}: no such host")


async def test_tcp_tls(driver, cert):
    # TCPUseTLS (1.17 source, not in 1.8.7): "TCP+TLS connect ...", handshake errors as Go's crypto/tls
    async with tcp_listener(cert.server_context()) as addr:
        assert await driver(CheckType(tcp=addr, tcp_use_tls=True, tls_skip_verify=True)) == (
            "passing", f"TCP+TLS connect {addr}: Success")
        assert await driver(CheckType(tcp=addr, tcp_use_tls=True)) == (
            "critical", "x509: certificate signed by unknown authority")


async def test_udp(driver):
    # CheckUDP (1.17 source, not in 1.8.7): a reply, or silence until the timeout, is passing
    async with udp_echo() as addr:
        assert await driver(CheckType(udp=addr)) == ("passing", f"UDP connect {addr}: Success")
    async with udp_echo(answer=False) as addr:
        assert await driver(CheckType(udp=addr, timeout=100 * MS)) == ("passing", f"UDP connect {addr}: Success")
    port = closed_port()
    status, output = await driver(CheckType(udp=f"127.0.0.1:{port}"))
    assert status == "critical"
    assert re.fullmatch(rf"read udp 127\.0\.0\.1:\d+->127\.0\.0\.1:{port}: read: connection refused", output)


# --- gRPC: agent/checks/grpc.go -----------------------------------------------------------------

async def test_grpc(driver):
    async with grpc_health_server() as addr:
        assert await driver(CheckType(grpc=addr)) == ("passing", f"gRPC check {addr}: success")  # 1.8.7
        assert await driver(CheckType(grpc=addr + "/web")) == ("passing", f"gRPC check {addr}/web: success")
        # 1.17 source; 1.8.7 said "gRPC application didn't report service healthy"
        assert await driver(CheckType(grpc=addr + "/down")) == (
            "critical", f"gRPC {addr}/down serving status: NOT_SERVING")
        assert await driver(CheckType(grpc=addr + "/nosuch")) == (  # 1.8.7
            "critical", "rpc error: code = NotFound desc = ")


async def test_grpc_unreachable(driver, web_target):
    port = closed_port()
    # grpc-go of the 1.17 line adds a colon after "dialing"; 1.8.7's older grpc-go had none
    assert await driver(CheckType(grpc=f"127.0.0.1:{port}")) == (
        "critical", 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while '
                    f'dialing: dial tcp 127.0.0.1:{port}: connect: connection refused"')
    # an HTTP/1 server: newer grpc-go fails reading the server preface (1.8.7: "connection closed")
    assert await driver(CheckType(grpc=f"127.0.0.1:{web_target.port}")) == (
        "critical", 'rpc error: code = Unavailable desc = connection error: desc = "error reading server '
                    'preface: http2: frame too large"')


async def test_grpc_tls(driver, cert):
    async with grpc_health_server((cert.cert, cert.key)) as addr:
        assert await driver(CheckType(grpc=addr, grpc_use_tls=True, tls_skip_verify=True)) == (
            "passing", f"gRPC check {addr}: success")


# --- H2PING: check.go CheckH2PING.check (1.17 source; not in 1.8.7) ------------------------------

async def test_h2ping(driver):
    async with h2_server() as addr:
        assert await driver(CheckType(h2ping=addr)) == ("passing", "HTTP2 ping was successful")
    port = closed_port()
    assert await driver(CheckType(h2ping=f"127.0.0.1:{port}")) == (
        "critical", f"Failed to dial to 127.0.0.1:{port}: dial tcp 127.0.0.1:{port}: connect: connection refused")
    async with silent_tcp() as addr:
        assert await driver(CheckType(h2ping=addr, timeout=200 * MS)) == (
            "critical", "HTTP2 ping failed: context deadline exceeded")


async def test_h2ping_tls(driver, cert):
    async with h2_server(cert.server_context(["h2"])) as addr:
        assert await driver(CheckType(h2ping=addr, h2ping_use_tls=True, tls_skip_verify=True)) == (
            "passing", "HTTP2 ping was successful")


# --- script: check.go CheckMonitor.check --------------------------------------------------------

@pytest.fixture
def scripts(tmp_path):
    def make(name: str, body: str) -> str:
        path = tmp_path / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
        return str(path)
    return make


@pytest.mark.parametrize("code, status", [(0, "passing"), (1, "warning"), (2, "critical")])
async def test_script_exit_codes(driver, scripts, code, status):
    path = scripts("chk.sh", "echo out-$1\nexit $1\n")
    assert await driver(CheckType(script_args=[path, str(code)])) == (status, f"out-{code}\n")  # 1.8.7


async def test_script_output_is_captured_as_consul_does(driver, scripts):
    path = scripts("big.sh", "head -c 5000 /dev/zero | tr '\\0' x\necho\necho tail\n")
    # 1.8.7: the tail of stdout+stderr under a "Captured N of M bytes" header
    assert await driver(CheckType(script_args=[path])) == (
        "passing", "Captured 4096 of 5006 bytes\n...\n" + "x" * 4090 + "\ntail\n")
    err = scripts("err.sh", "echo to-stderr >&2\nexit 3\n")
    assert await driver(CheckType(script_args=[err])) == ("critical", "to-stderr\n")


async def test_script_timeout_kills_the_process_group(scripts, tmp_path):
    pidfile = tmp_path / "pids"
    path = scripts("hang.sh", f"echo started\nsleep 30 &\necho $$ $! > {pidfile}\nwait\n")
    # 1.8.7 (Timeout "1s" there: "Timed out (1s) running check\n\nstarted\n")
    assert await script_probe([path], 300 * MS) == ("critical", "Timed out (300ms) running check\n\nstarted\n")
    for pid in map(int, pidfile.read_text().split()):  # the shell and its background child
        assert await _exits(pid)


async def test_a_cancelled_script_probe_kills_its_process_group(scripts, tmp_path):
    fifo = tmp_path / "pids"
    os.mkfifo(fifo)
    path = scripts("hang.sh", f"sleep 30 &\necho $$ $! > {fifo}\nwait\n")
    probe = asyncio.ensure_future(script_probe([path], 60 * 10**9))
    pids = (await asyncio.to_thread(fifo.read_text)).split()  # the script is running
    probe.cancel()  # what CheckRunner.stop does to a probe in flight
    with pytest.raises(asyncio.CancelledError):
        await probe
    for pid in map(int, pids):
        assert await _exits(pid)


async def _exits(pid: int, within: float = 5.0) -> bool:
    """Whether the process ends (a zombie counts as ended) within `within` seconds, via a pidfd."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(fd, lambda: ended.done() or ended.set_result(None))
    try:
        await asyncio.wait_for(ended, within)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        os.close(fd)


async def test_script_that_cannot_start(driver):
    assert await driver(CheckType(script_args=["nosuchcmd-xyz"])) == (  # 1.8.7
        "critical", 'exec: "nosuchcmd-xyz": executable file not found in $PATH')
    assert await driver(CheckType(script_args=["/nonexistent/cmd"])) == (  # 1.8.7
        "critical", "fork/exec /nonexistent/cmd: no such file or directory")


# --- docker (check.go CheckDocker, docker.go) and OS service (os_service_unix.go) ------------------

async def test_docker_without_a_daemon(tmp_path):
    sock = tmp_path / "docker.sock"
    ct = CheckType(docker_container_id="abc123", script_args=["/bin/true"])
    escaped = str(sock).replace("/", "%2F")
    assert await docker_probe(ct, docker_host=f"unix://{sock}") == (
        "critical", f'create exec failed for container abc123: Post "http://{escaped}/containers/abc123/exec": '
                    f"dial unix {sock}: connect: no such file or directory")


@pytest.mark.parametrize("code, status", [(0, "passing"), (1, "warning"), (7, "critical")])
async def test_docker_exec_through_the_engine_api(tmp_path, code, status):
    sock = str(tmp_path / "d.sock")
    ct = CheckType(docker_container_id="web1", script_args=["/bin/check", "-v"])
    async with fake_docker(sock, exit_code=code) as calls:
        assert await docker_probe(ct, docker_host=f"unix://{sock}") == (status, "inside\n")
    # docker.go CreateExec, StartExec, InspectExec
    assert calls == [
        ("POST", "/containers/web1/exec", {"AttachStdin": False, "AttachStdout": True, "AttachStderr": True,
                                           "Tty": False, "Cmd": ["/bin/check", "-v"]}),
        ("POST", "/exec/exec1/start", {"Detach": False, "Tty": True}),
        ("GET", "/exec/exec1/json", None)]


async def test_docker_unknown_container(tmp_path):
    sock = str(tmp_path / "d.sock")
    async with fake_docker(sock):
        assert await docker_probe(CheckType(docker_container_id="gone", script_args=["x"]),
                                  docker_host=f"unix://{sock}") == (
            "critical", "create exec failed for unknown container gone")


@pytest.mark.skipif(os.path.exists("/var/run/docker.sock") or "DOCKER_HOST" in os.environ,
                    reason="a Docker daemon may be reachable here")
async def test_docker_default_host(driver):
    # 1.8.7, verbatim
    assert await driver(CheckType(docker_container_id="abc123", script_args=["/bin/true"])) == (
        "critical", 'create exec failed for container abc123: Post '
                    '"http://%2Fvar%2Frun%2Fdocker.sock/containers/abc123/exec": '
                    "dial unix /var/run/docker.sock: connect: no such file or directory")


async def test_os_service_is_refused(driver):
    # os_service_unix.go: NewOSServiceClient and Check both answer "not implemented" off Windows
    assert await driver(CheckType(os_service="sshd")) == ("critical", "not implemented")


async def test_ttl_and_alias_are_not_probes(driver):
    for ct in (CheckType(ttl=10**10), CheckType(alias_service="web")):
        with pytest.raises(ValueError):
            await driver(ct)
