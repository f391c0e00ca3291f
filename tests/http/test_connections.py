"""Issue 11: connections as Consul treats them. Past `limits.http_max_conns_per_client` a client's next
connection is answered 429 with Consul's text and closed (agent/agent.go connLimiter, hashicorp/go-connlimit);
a request head must arrive in time; idle keep-alive connections are closed; accept failures are logged once."""

import logging
import socket

from consulite import messages as M
from consulite.http.connections import ACCEPT_ERRORS, install_accept_filter, listen_backlog
from consulite.model.agent_config import AgentConfig
from consulite.testing.server import ConsuliteServer

LEADER = b"GET /v1/status/leader HTTP/1.1\r\nHost: x\r\n\r\n"


def connect(server, timeout: float = 10.0) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    return s


def read_all(s: socket.socket) -> bytes:
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    return out


def read_response(s: socket.socket) -> bytes:
    """One whole response (head and Content-Length body), without waiting for the connection to close."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += s.recv(65536)
    return head + b"\r\n\r\n" + body


def ask(s: socket.socket) -> bytes:
    s.sendall(LEADER)
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b'"'):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_default_limit_is_consuls():
    assert AgentConfig().http_max_conns_per_client == 200


def test_connections_past_the_per_client_limit_get_consuls_429():
    with ConsuliteServer(AgentConfig(http_max_conns_per_client=3)) as server:
        held = [connect(server) for _ in range(3)]
        for s in held:
            assert ask(s).startswith(b"HTTP/1.1 200")
        extra = connect(server)
        answer = read_all(extra)  # answered and closed without a request
        assert answer.startswith(b"HTTP/1.1 429 Too Many Requests")
        assert answer.endswith(M.TOO_MANY_CONNS.encode())
        held.pop().close()
        for _ in range(100):  # bounded: until the server has seen the close
            s = connect(server)
            if ask(s).startswith(b"HTTP/1.1 200"):
                break
            s.close()
        else:
            raise AssertionError("a freed slot was never reused")
        for held_socket in [*held, s]:
            held_socket.close()


def test_a_request_head_that_does_not_arrive_is_closed():
    with ConsuliteServer(AgentConfig(http_header_timeout=0.2)) as server:
        s = connect(server)
        s.sendall(b"GET /v1/status/leader HTTP/1.1\r\nHost: x\r\n")  # never finished
        assert read_all(s) == b""  # closed by the server (the socket timeout would raise instead)
        s.close()


def test_idle_keep_alive_connections_are_closed():
    with ConsuliteServer(AgentConfig(http_idle_timeout=0.3)) as server:
        s = connect(server)
        assert ask(s).startswith(b"HTTP/1.1 200")
        assert read_all(s) == b""
        s.close()


def test_listen_backlog_is_the_os_maximum():
    assert listen_backlog() >= socket.SOMAXCONN


def test_accept_failures_are_logged_once(caplog):
    install_accept_filter()
    ACCEPT_ERRORS.reset()
    aio = logging.getLogger("asyncio")
    with caplog.at_level(logging.ERROR):
        for _ in range(50):
            try:
                raise OSError(24, "Too many open files")
            except OSError:
                aio.error("socket.accept() out of system resource", exc_info=True)
    lines = [r for r in caplog.records if "accept" in r.getMessage()]
    assert len(lines) == 1 and lines[0].name == "consulite.agent.http" and not lines[0].exc_info
    ACCEPT_ERRORS.reset()  # a connection accepted again: the next failure is reported again
    with caplog.at_level(logging.ERROR):
        aio.error("socket.accept() out of system resource", exc_info=False)
    assert len([r for r in caplog.records if "accept" in r.getMessage()]) == 2


def test_a_body_that_does_not_arrive_is_408():
    with ConsuliteServer(AgentConfig(http_body_timeout=0.2)) as server:
        s = connect(server)
        s.sendall(b"PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Na")
        answer = read_response(s)
        assert answer.startswith(b"HTTP/1.1 408") and M.BODY_TIMEOUT.format(seconds=0.2).encode() in answer
        s.close()


def test_a_client_leaving_mid_body_is_one_debug_line(caplog):
    import time

    with caplog.at_level(logging.DEBUG), ConsuliteServer() as server:
        s = connect(server)
        s.sendall(b"PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"Na")
        s.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("left" in r.getMessage() for r in caplog.records):
            time.sleep(0.01)  # bounded polling on the condition: the server logged the departure
        assert ask(connect(server)).startswith(b"HTTP/1.1 200")
    left = [r for r in caplog.records if "left" in r.getMessage()]
    assert len(left) == 1 and left[0].levelno == logging.DEBUG
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
