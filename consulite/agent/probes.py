"""One async probe per check type, reporting `(status, output)` with the Output texts Consul writes.

Sources: Consul's agent/checks/check.go (HTTP, TCP, UDP, H2PING, script, docker, OS service),
grpc.go, docker.go and os_service_unix.go. Each probe runs on the event loop, bounded by its own
timeout, so a hanging target never holds up another probe. `ProbeDriver` owns the one shared HTTP
session and dispatches a definition to its probe; the check runner calls it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
from urllib.parse import quote

import aiohttp
from multidict import CIMultiDict

from consulite import messages
from consulite.agent.goerr import (
    MAX_REDIRECTS,
    GoError,
    Tail,
    dial_tcp,
    docker_target,
    errno_text,
    go_code,
    go_url_scheme,
    http_error,
    join_host_port,
    resolve,
    split_host_port,
    tls_context,
    url_op,
)
from consulite.model.check import CRITICAL, PASSING, WARNING, CheckType, check_type_name
from consulite.model.go import format_duration

Result = tuple[str, str]

SECOND = 10**9
DEFAULT_TIMEOUT = 10 * SECOND  # HTTP, TCP, UDP, gRPC and H2PING (check.go Start methods)
SCRIPT_TIMEOUT = 30 * SECOND  # CheckMonitor, CheckOSService
DEFAULT_BUF_SIZE = 4096  # checks.DefaultBufSize
DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"  # docker_unix.go


def _secs(ns: int, default_ns: int) -> float:
    return (ns if ns and ns > 0 else default_ns) / SECOND


def output_limit(ct: CheckType, agent_max: int = DEFAULT_BUF_SIZE) -> int:
    """agent.go addCheck: the agent's check_output_max_size, lowered (never raised) by the check's own."""
    limit = agent_max if agent_max > 0 else DEFAULT_BUF_SIZE
    if ct.output_max_size and 0 < ct.output_max_size < limit:
        limit = ct.output_max_size
    return limit


# --- HTTP ---------------------------------------------------------------------------------------

async def http_probe(ct: CheckType, session: aiohttp.ClientSession, max_output: int = DEFAULT_BUF_SIZE) -> Result:
    """CheckHTTP.check: 2xx passing, 429 warning, anything else (or an error) critical."""
    method = ct.method or "GET"
    url = ct.http
    op = url_op(method)
    headers: CIMultiDict[str] = CIMultiDict()
    for name, values in (ct.header or {}).items():
        for value in values:
            headers.add(name, value)
    headers.setdefault("User-Agent", messages.CHECK_USER_AGENT)
    headers.setdefault("Accept", messages.CHECK_HTTP_ACCEPT)
    headers.setdefault("Accept-Encoding", "gzip")  # what Go's transport asks for
    kwargs: dict = {}
    if url.lower().startswith("https://"):
        kwargs["ssl"] = tls_context(ct.tls_skip_verify)
        if ct.tls_server_name:
            kwargs["server_hostname"] = ct.tls_server_name
    scheme, parse_error = go_url_scheme(url)
    if parse_error:
        return CRITICAL, f'parse "{url}": {parse_error}'
    if scheme not in ("http", "https"):
        return CRITICAL, f'{op} "{url}": unsupported protocol scheme "{scheme}"'
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _secs(ct.timeout, DEFAULT_TIMEOUT)
    tail = Tail(max_output)
    try:
        async with asyncio.timeout_at(deadline):
            resp = await session.request(
                method, url, headers=headers, data=ct.body.encode() if ct.body else None,
                allow_redirects=not ct.disable_redirects, max_redirects=MAX_REDIRECTS,
                skip_auto_headers=() if "Content-Type" in headers else ("Content-Type",), **kwargs)
    except TimeoutError:
        return CRITICAL, messages.CHECK_HTTP_TIMEOUT.format(op=op, url=url)
    except (aiohttp.ClientError, OSError, ValueError) as e:
        return CRITICAL, await http_error(op, url, e)
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in resp.content.iter_any():
                tail.write(chunk)
    except (TimeoutError, aiohttp.ClientError, OSError):
        pass  # Consul logs a body read error and reports what it read
    finally:
        resp.release()
    status = f"{resp.status} {resp.reason}" if resp.reason else str(resp.status)
    result = messages.CHECK_HTTP_OUTPUT.format(method=method, url=url, status=status, output=tail.text())
    if 200 <= resp.status <= 299:
        return PASSING, result
    if resp.status == 429:
        return WARNING, result
    return CRITICAL, result


# --- TCP, UDP -----------------------------------------------------------------------------------

async def tcp_probe(ct: CheckType) -> Result:
    """CheckTCP.check: a connection (and, with TCPUseTLS, a TLS handshake) that succeeds is passing."""
    kind = "TCP+TLS" if ct.tcp_use_tls else "TCP"
    tls = tls_context(ct.tls_skip_verify) if ct.tcp_use_tls else None
    try:
        _, writer = await dial_tcp(ct.tcp, _secs(ct.timeout, DEFAULT_TIMEOUT), tls, ct.tls_server_name or None)
    except GoError as e:
        return CRITICAL, str(e)
    writer.close()
    return PASSING, messages.CHECK_CONNECT_SUCCESS.format(kind=kind, addr=ct.tcp)


async def udp_probe(ct: CheckType) -> Result:
    """CheckUDP.check: send Consul's (empty) message; a reply or silence until the timeout is passing,
    an ICMP refusal (`read udp ...: connection refused`) critical."""
    success = messages.CHECK_CONNECT_SUCCESS.format(kind="UDP", addr=ct.udp)
    try:
        host, port = split_host_port(ct.udp, "udp")
        ip, num = (await resolve("udp", host, port))[0]
    except GoError as e:
        return CRITICAL, str(e)
    remote = join_host_port(ip, num)
    # asyncio's datagram transport drops empty datagrams, so drive a plain non-blocking socket
    sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    try:
        try:
            sock.connect((ip, num))
        except OSError as e:
            return CRITICAL, f"dial udp {remote}: connect: {errno_text(e)}"
        local = join_host_port(*sock.getsockname()[:2])
        try:
            sock.send(b"")
            await asyncio.wait_for(asyncio.get_running_loop().sock_recv(sock, 1), _secs(ct.timeout, DEFAULT_TIMEOUT))
        except TimeoutError:
            return PASSING, success
        except OSError as e:
            return CRITICAL, f"read udp {local}->{remote}: read: {errno_text(e)}"
        return PASSING, success
    finally:
        sock.close()


# --- gRPC ---------------------------------------------------------------------------------------

async def grpc_probe(ct: CheckType) -> Result:
    """CheckGRPC / GrpcHealthProbe: grpc.health.v1.Health/Check on `host:port[/service]`; SERVING is passing."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    target = ct.grpc
    server, _, service = target.partition("/")
    timeout = _secs(ct.timeout, DEFAULT_TIMEOUT)
    options: list[tuple[str, str]] = []
    if ct.grpc_use_tls:
        roots = None
        if ct.tls_skip_verify:  # grpcio cannot skip verification: trust the certificate the server shows
            roots = await _peer_certificate(server, timeout, ct.tls_server_name)
        if ct.tls_server_name:
            options.append(("grpc.ssl_target_name_override", ct.tls_server_name))
        channel = grpc.aio.secure_channel(server, grpc.ssl_channel_credentials(roots), options=options)
    else:
        channel = grpc.aio.insecure_channel(server, options=options)
    try:
        stub = health_pb2_grpc.HealthStub(channel)
        resp = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    except grpc.aio.AioRpcError as e:
        return CRITICAL, await _grpc_error(e, server, timeout)
    finally:
        await channel.close()
    if resp.status != health_pb2.HealthCheckResponse.SERVING:
        name = health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
        return CRITICAL, messages.CHECK_GRPC_STATUS.format(target=target, status=name)
    return PASSING, messages.CHECK_GRPC_SUCCESS.format(target=target)


async def _grpc_error(e, server: str, timeout: float) -> str:
    import grpc

    code = e.code()
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "rpc error: code = DeadlineExceeded desc = context deadline exceeded"
    if code == grpc.StatusCode.UNAVAILABLE:
        try:  # grpc-go reports its dial error; ask the network for the same text
            _, writer = await dial_tcp(server, min(timeout, 2.0))
            writer.close()
        except GoError as dial:
            return messages.CHECK_GRPC_DIAL.format(err=dial)
        if "http1.x server" in (e.details() or "") or "Expected SETTINGS frame" in (e.details() or ""):
            return messages.CHECK_GRPC_PREFACE.format(err="http2: frame too large")
    return f"rpc error: code = {go_code(code)} desc = {e.details() or ''}"


async def _peer_certificate(address: str, timeout: float, server_name: str) -> bytes | None:
    import ssl

    try:
        _reader, writer = await dial_tcp(address, timeout, tls_context(True), server_name or None)
    except GoError:
        return None
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    return ssl.DER_cert_to_PEM_cert(der).encode() if der else None


# --- H2PING -------------------------------------------------------------------------------------

async def h2ping_probe(ct: CheckType) -> Result:
    """CheckH2PING.check: an HTTP/2 connection (h2c, or TLS with ALPN h2) answering a PING."""
    import h2.config
    import h2.connection
    import h2.events
    import h2.exceptions

    target = ct.h2ping
    timeout = _secs(ct.timeout, DEFAULT_TIMEOUT)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    tls = tls_context(ct.tls_skip_verify, ["h2"]) if ct.h2ping_use_tls else None
    try:
        reader, writer = await dial_tcp(target, timeout, tls, ct.tls_server_name or None)
    except GoError as e:
        return CRITICAL, messages.CHECK_H2_DIAL.format(target=target, err=e)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    try:
        async with asyncio.timeout_at(deadline):
            conn.initiate_connection()
            conn.ping(b"consulit")
            writer.write(conn.data_to_send())
            while True:
                data = await reader.read(65536)
                if not data:
                    raise GoError("EOF")
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.PingAckReceived):
                        return PASSING, messages.CHECK_H2_SUCCESS
                    if isinstance(event, h2.events.ConnectionTerminated):
                        raise GoError("EOF")
                writer.write(conn.data_to_send())
    except TimeoutError:
        err = "context deadline exceeded"
    except h2.exceptions.FrameTooLargeError:
        err = "http2: frame too large"
    except h2.exceptions.ProtocolError as e:
        err = f"http2: {e}"
    except (GoError, OSError) as e:
        err = "EOF" if isinstance(e, GoError) else errno_text(e)
    finally:
        writer.close()
    return CRITICAL, messages.CHECK_H2_FAILED.format(err=err)


# --- script, docker, OS service -----------------------------------------------------------------

def _exec_error(args: list[str], err: OSError) -> str:
    """os/exec's texts when a command cannot start."""
    return f"fork/exec {args[0]}: {errno_text(err)}"


async def _kill_group(proc: asyncio.subprocess.Process) -> None:
    """exec.KillCommandSubtree: SIGKILL the script's whole process group, then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    await proc.wait()


async def script_probe(args: list[str], timeout_ns: int = 0, max_output: int = DEFAULT_BUF_SIZE) -> Result:
    """CheckMonitor.check: exit 0 passing, 1 warning, else critical; killed (with its process group)
    and critical on timeout (default 30 s)."""
    argv = list(args)
    if "/" not in argv[0]:
        found = shutil.which(argv[0])
        if found is None:
            return CRITICAL, f'exec: "{argv[0]}": executable file not found in $PATH'
        argv[0] = found
    spawn = asyncio.ensure_future(asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, start_new_session=True))
    try:
        # shielded: a stop while asyncio sets the process up must still find the process to kill
        proc = await asyncio.shield(spawn)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await _kill_group(await spawn)
        raise
    except OSError as e:
        return CRITICAL, _exec_error(argv, e)
    tail = Tail(max_output)

    async def pump() -> None:
        assert proc.stdout is not None  # started with stdout=PIPE
        while chunk := await proc.stdout.read(65536):
            tail.write(chunk)

    timeout = _secs(timeout_ns, SCRIPT_TIMEOUT)
    try:
        async with asyncio.timeout(timeout):
            await pump()
            code = await proc.wait()
    except TimeoutError:
        await _kill_group(proc)
        msg = messages.CHECK_TIMED_OUT.format(timeout=format_duration(int(timeout * SECOND)))
        out = tail.captured()
        return CRITICAL, msg + "\n\n" + out if out else msg
    except asyncio.CancelledError:  # the check was stopped: the script goes with it
        await _kill_group(proc)
        raise
    out = tail.captured()
    if code == 0:
        return PASSING, out
    if code == 1:
        return WARNING, out
    return CRITICAL, out


async def docker_probe(ct: CheckType, max_output: int = DEFAULT_BUF_SIZE, docker_host: str | None = None) -> Result:
    """CheckDocker.check: run ScriptArgs in the container through the Docker Engine API."""
    cid = ct.docker_container_id
    host = docker_host or os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
    try:
        proto, addr, url_host = docker_target(host)
    except GoError as e:
        return CRITICAL, str(e)
    shell = ct.shell or os.environ.get("SHELL") or "/bin/sh"
    cmd = list(ct.script_args or []) or [shell, "-c", ""]
    if proto == "unix":
        connector: aiohttp.BaseConnector = aiohttp.UnixConnector(path=addr)
        base = "http://docker"
    else:
        connector, base = aiohttp.TCPConnector(), f"http://{addr}"
    go_url = f"http://{url_host}"

    async def call(method: str, uri: str, body=None) -> tuple[int, bytes]:
        try:
            async with session.request(method, base + uri, json=body) as resp:
                return resp.status, await resp.read()
        except aiohttp.ClientConnectorError as e:
            dial = f"dial {proto} {addr}: connect: {errno_text(e.os_error)}"
            raise GoError(f'{url_op(method)} "{go_url}{uri}": {dial}') from None

    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            code, body = await call("POST", f"/containers/{quote(cid, safe='')}/exec",
                                    {"AttachStdin": False, "AttachStdout": True, "AttachStderr": True,
                                     "Tty": False, "Cmd": cmd})
        except GoError as e:
            return CRITICAL, messages.DOCKER_CREATE_FAILED.format(id=cid, err=e)
        if code == 404:
            return CRITICAL, messages.DOCKER_UNKNOWN_CONTAINER.format(id=cid)
        if code == 409:
            return CRITICAL, messages.DOCKER_CREATE_PAUSED.format(id=cid)
        if code != 201:
            return CRITICAL, messages.DOCKER_CREATE_STATUS.format(id=cid, code=code, body=body.decode())
        exec_id = json.loads(body)["Id"]
        try:
            code, out = await call("POST", f"/exec/{exec_id}/start", {"Detach": False, "Tty": True})
            if code != 200:
                return CRITICAL, messages.DOCKER_START_STATUS.format(id=cid, code=code, body=out.decode())
            code, info = await call("GET", f"/exec/{exec_id}/json")
        except GoError as e:
            return CRITICAL, messages.DOCKER_START_FAILED.format(id=cid, err=e)
    tail = Tail(max_output)
    tail.write(out)
    exit_code = json.loads(info).get("ExitCode", 0) if code == 200 else -1
    status = PASSING if exit_code == 0 else WARNING if exit_code == 1 else CRITICAL
    return status, tail.captured()


async def os_service_probe(ct: CheckType) -> Result:
    """os_service_unix.go: no OS service manager client off Windows; Consul refuses such checks."""
    return CRITICAL, messages.OS_SERVICE_NOT_IMPLEMENTED


# --- dispatch -----------------------------------------------------------------------------------

RUNNABLE = frozenset({"http", "tcp", "udp", "grpc", "h2ping", "script", "docker", "os_service"})


class ProbeDriver:
    """Runs the probe a definition calls for; owns the one aiohttp session the HTTP probes share."""

    def __init__(self, output_max_size: int = DEFAULT_BUF_SIZE, docker_host: str | None = None) -> None:
        self.output_max_size = output_max_size
        self.docker_host = docker_host
        self._session: aiohttp.ClientSession | None = None

    def _http_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Consul disables keep-alives for checks; no pool limit so 1,000 checks never queue
            connector = aiohttp.TCPConnector(force_close=True, limit=0)
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=True)
        return self._session

    async def __call__(self, ct: CheckType) -> Result:
        kind = check_type_name(ct)
        limit = output_limit(ct, self.output_max_size)
        if kind == "http":
            return await http_probe(ct, self._http_session(), limit)
        if kind == "tcp":
            return await tcp_probe(ct)
        if kind == "udp":
            return await udp_probe(ct)
        if kind == "grpc":
            return await grpc_probe(ct)
        if kind == "h2ping":
            return await h2ping_probe(ct)
        if kind == "script":
            return await script_probe(ct.script_args or [], ct.timeout, limit)
        if kind == "docker":
            return await docker_probe(ct, limit, self.docker_host)
        if kind == "os_service":
            return await os_service_probe(ct)
        raise ValueError(f"no probe runs a {kind or 'typeless'} check")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
