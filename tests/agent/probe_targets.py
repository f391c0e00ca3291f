"""Real local targets for the probe tests: HTTP, TCP, UDP echo, gRPC health and HTTP/2 servers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl

from aiohttp import web

BIG = 5000  # longer than Consul's 4 KiB output buffer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (bound then released)."""
    return free_port()


class HTTPTarget:
    """An aiohttp app: /ok 200, /warn 429, /fail 503, /slow never answers, /big, redirects, /echo."""

    def __init__(self, ssl_context=None) -> None:
        self.ssl_context = ssl_context
        self.hang = asyncio.Event()
        self.seen: list[dict] = []
        app = web.Application()
        app.router.add_route("*", "/ok", self._text(200, "ok"))
        app.router.add_route("*", "/warn", self._text(429, "slow down"))
        app.router.add_route("*", "/fail", self._text(503, "down"))
        app.router.add_get("/big", self._big)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/redirect", self._redirect)
        app.router.add_get("/loop", self._loop)
        app.router.add_route("*", "/echo", self._echo)
        self.runner = web.AppRunner(app)
        self.port = 0

    def _text(self, status: int, body: str):
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=status, text=body)
        return handler

    async def _big(self, request: web.Request) -> web.Response:
        return web.Response(text="a" * 100 + "b" * (BIG - 100))

    async def _slow(self, request: web.Request) -> web.Response:
        await self.hang.wait()
        return web.Response(text="late")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/ok")

    async def _loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def _echo(self, request: web.Request) -> web.Response:
        self.seen.append({"method": request.method, "headers": dict(request.headers),
                          "body": await request.text()})
        return web.Response(text="echo")

    async def __aenter__(self) -> HTTPTarget:
        await self.runner.setup()
        self.port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port, ssl_context=self.ssl_context).start()
        return self

    async def __aexit__(self, *exc) -> None:
        self.hang.set()
        await self.runner.cleanup()

    def url(self, path: str) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"


@contextlib.asynccontextmanager
async def _serving(on_conn, ssl_context):
    """A stream server on a free loopback port running `on_conn`; yields its address."""
    server = await asyncio.start_server(on_conn, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def tcp_listener(ssl_context=None):
    """A TCP (or TLS) server that accepts and closes; yields its address."""
    async def on_conn(reader, writer):
        writer.close()

    async with _serving(on_conn, ssl_context) as address:
        yield address


class _Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.transport.sendto(data or b".", addr)  # asyncio drops an empty datagram, so answer a byte


@contextlib.asynccontextmanager
async def udp_echo(answer: bool = True):
    """A UDP echo server (or, with answer=False, one that reads and stays silent)."""
    loop = asyncio.get_running_loop()
    proto = _Echo if answer else asyncio.DatagramProtocol
    transport, _ = await loop.create_datagram_endpoint(proto, local_addr=("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{transport.get_extra_info('sockname')[1]}"
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def grpc_health_server(cert: tuple[bytes, bytes] | None = None):
    """grpc.aio server with the standard health service: "" and "web" SERVING, "down" NOT_SERVING."""
    import grpc
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc

    server = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    await servicer.set("web", health_pb2.HealthCheckResponse.SERVING)
    await servicer.set("down", health_pb2.HealthCheckResponse.NOT_SERVING)
    if cert:
        port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(cert[1], cert[0])]))
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


@contextlib.asynccontextmanager
async def h2_server(ssl_context=None):
    """An HTTP/2 server (h2c prior knowledge, or TLS with ALPN h2) that answers PINGs, using h2."""
    import h2.config
    import h2.connection

    async def on_conn(reader, writer):
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        try:
            while data := await reader.read(65536):
                conn.receive_data(data)  # h2 queues the PING ACK itself
                writer.write(conn.data_to_send())
                await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    async with _serving(on_conn, ssl_context) as address:
        yield address


class SelfSigned:
    """A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI."""

    def __init__(self, directory) -> None:
        import subprocess

        self.cert_path, self.key_path = directory / "cert.pem", directory / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(self.key_path),
                        "-out", str(self.cert_path), "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
        self.cert, self.key = self.cert_path.read_bytes(), self.key_path.read_bytes()

    def server_context(self, alpn: list[str] | None = None) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert_path, self.key_path)
        if alpn:
            ctx.set_alpn_protocols(alpn)
        return ctx


@contextlib.asynccontextmanager
async def silent_tcp():
    """A TCP server that accepts and never says anything (an HTTP/2 peer that never answers)."""
    conns = []

    async def on_conn(reader, writer):
        conns.append(writer)
        await reader.read()

    server = await asyncio.start_server(on_conn, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        for w in conns:
            w.close()
        server.close()


@contextlib.asynccontextmanager
async def fake_docker(path: str, exit_code: int = 0, output: bytes = b"inside\n"):
    """A Docker Engine API on a unix socket answering the three calls docker.go makes."""
    calls: list[tuple[str, str, object]] = []

    async def create(request: web.Request) -> web.Response:
        calls.append(("POST", request.path, await request.json()))
        if request.match_info["id"] == "gone":
            return web.Response(status=404)
        return web.json_response({"Id": "exec1"}, status=201)

    async def start(request: web.Request) -> web.Response:
        calls.append(("POST", request.path, await request.json()))
        return web.Response(body=output)

    async def inspect(request: web.Request) -> web.Response:
        calls.append(("GET", request.path, None))
        return web.json_response({"ExitCode": exit_code})

    app = web.Application()
    app.router.add_post("/containers/{id}/exec", create)
    app.router.add_post("/exec/{id}/start", start)
    app.router.add_get("/exec/{id}/json", inspect)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.UnixSite(runner, path).start()
    try:
        yield calls
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def threaded_http(answers: dict[str, tuple[int, bytes]] | None = None, default: tuple[int, bytes] = (200, b"ok")):
    """An HTTP server in a thread, for tests on real time against a server in another thread or process:
    GET `path` answers `answers[path]` (status, body), else `default`. Yields its base URL."""
    import http.server
    import threading

    table = answers or {}

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code, body = table.get(self.path, default)
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
