"""Go's texts that Consul copies into check Output: dial, lookup, TLS, URL and gRPC failures; circbuf.

A probe that fails to connect reports what Go's `net` package would have said (`dial tcp
127.0.0.1:1: connect: connection refused`), so a user sees the Output real Consul shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import ipaddress
import socket
import ssl
from urllib.parse import quote, urlsplit

import aiohttp

from consulite import messages

MAX_REDIRECTS = 10  # Go's http.Client default policy

_ERRNO_TEXT = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by peer",
    errno.ENETUNREACH: "network is unreachable",
    errno.EHOSTUNREACH: "no route to host",
    errno.ETIMEDOUT: "connection timed out",
    errno.EADDRNOTAVAIL: "cannot assign requested address",
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EPIPE: "broken pipe",
}


class GoError(Exception):
    """A failure whose str() is the text Go would print for it."""


def errno_text(err: OSError) -> str:
    """Go's syscall.Errno text for an OSError (`connection refused`)."""
    if err.errno in _ERRNO_TEXT:
        return _ERRNO_TEXT[err.errno]
    return (err.strerror or str(err)).lower()


def join_host_port(host: str, port: int | str) -> str:
    """net.JoinHostPort: IPv6 literals in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_host_port(address: str, network: str = "tcp") -> tuple[str, str]:
    """net.SplitHostPort, raising Go's `dial tcp: address ...` texts."""
    def bad(why: str) -> GoError:
        return GoError(f"dial {network}: address {address}: {why}")

    if address.startswith("["):
        end = address.find("]")
        if end < 0:
            raise bad("missing ']' in address")
        host, rest = address[1:end], address[end + 1:]
        if not rest.startswith(":"):
            raise bad("missing port in address")
        return host, rest[1:]
    if ":" not in address:
        raise bad("missing port in address")
    host, _, port = address.rpartition(":")
    if ":" in host:
        raise bad("too many colons in address")
    return host, port


def nameserver() -> str | None:
    """The first nameserver of /etc/resolv.conf, which Go's resolver names in its errors."""
    try:
        with open("/etc/resolv.conf") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    return join_host_port(parts[1], 53)
    except OSError:
        pass
    return None


def lookup_failure(host: str) -> str:
    """Go's DNSError text for a name that does not resolve (`lookup x on 10.0.0.2:53: no such host`)."""
    server = nameserver()
    return f"lookup {host} on {server}: no such host" if server else f"lookup {host}: no such host"


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def resolve(network: str, host: str, port: str) -> list[tuple[str, int]]:
    """Addresses for host:port in resolver order; Go's `lookup` texts on failure."""
    try:
        port_num = int(port)
    except ValueError:
        raise GoError(f"dial {network}: lookup {network}/{port}: unknown port") from None
    if not host:
        host = "127.0.0.1"
    if is_ip(host):
        return [(host, port_num)]
    kind = socket.SOCK_DGRAM if network == "udp" else socket.SOCK_STREAM
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port_num, type=kind)
    except socket.gaierror:
        raise GoError(f"dial {network}: {lookup_failure(host)}") from None
    seen: list[tuple[str, int]] = []
    for *_, sockaddr in infos:
        if (str(sockaddr[0]), port_num) not in seen:
            seen.append((str(sockaddr[0]), port_num))
    return seen


async def dial_tcp(address: str, timeout: float, tls: ssl.SSLContext | None = None,
                   server_name: str | None = None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a TCP (optionally TLS) connection as Go's Dialer does, or raise GoError with its text.

    The whole dial (resolution, connect, handshake) shares one deadline, as Go's Dialer.Timeout.
    """
    host, port = split_host_port(address)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        addrs = await asyncio.wait_for(resolve("tcp", host, port), timeout)
    except TimeoutError:
        raise GoError(f"dial tcp: lookup {host}: i/o timeout") from None
    first: GoError | None = None
    for ip, num in addrs:
        target = join_host_port(ip, num)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(ip, num), max(deadline - loop.time(), 0))
        except TimeoutError:
            first = first or GoError(f"dial tcp {target}: i/o timeout")
            break
        except OSError as e:
            first = first or GoError(f"dial tcp {target}: connect: {errno_text(e)}")
            continue
        if tls is None:
            return reader, writer
        try:
            await asyncio.wait_for(writer.start_tls(tls, server_hostname=server_name or host),
                                   max(deadline - loop.time(), 0))
        except TimeoutError:
            writer.close()
            raise GoError(f"dial tcp {target}: i/o timeout") from None
        except (ssl.SSLError, OSError) as e:
            writer.close()
            raise GoError(tls_text(e)) from None
        return reader, writer
    raise first or GoError(f"dial tcp: {lookup_failure(host)}")


def tls_text(err: BaseException) -> str:
    """Go's crypto/tls and x509 texts for the common handshake failures."""
    if isinstance(err, ssl.SSLCertVerificationError):
        msg = err.verify_message or ""
        if "self-signed" in msg or "self signed" in msg or "local issuer" in msg:
            return "x509: certificate signed by unknown authority"
        if "Hostname mismatch" in msg or "IP address mismatch" in msg:
            return f"x509: certificate is not valid for the requested name ({msg})"
        if "expired" in msg:
            return "x509: certificate has expired or is not yet valid"
        return f"x509: {msg}"
    if isinstance(err, ssl.SSLError):
        reason = (err.reason or "").lower()
        if reason in ("wrong_version_number", "record_layer_failure", "packet_length_too_long"):
            return "tls: first record does not look like a TLS handshake"
        return f"remote error: tls: {reason.replace('_', ' ')}" if reason else "tls: handshake failure"
    if isinstance(err, (ConnectionResetError, BrokenPipeError)):
        return "read: connection reset by peer"
    if isinstance(err, OSError):
        return errno_text(err)
    return "EOF"


def tls_context(skip_verify: bool, alpn: list[str] | None = None) -> ssl.SSLContext:
    """A client context like Consul's OutgoingTLSConfigForCheck: system roots unless verification is off."""
    return _tls_context(skip_verify, tuple(alpn or ()))


@functools.lru_cache(maxsize=8)
def _tls_context(skip_verify: bool, alpn: tuple[str, ...]) -> ssl.SSLContext:
    ctx = ssl.create_default_context()  # loading the system roots is costly: one context per kind
    if skip_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx

class Tail:
    """armon/circbuf: keeps the last `size` bytes written and counts them all."""

    def __init__(self, size: int) -> None:
        self.size, self.total, self.data = size, 0, bytearray()

    def write(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data += chunk
        if len(self.data) > self.size:
            del self.data[: len(self.data) - self.size]

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    def captured(self) -> str:
        """The script/docker form: a `Captured N of M bytes` header once output overflowed."""
        if self.total > self.size:
            return messages.CHECK_CAPTURED.format(size=self.size, total=self.total, output=self.text())
        return self.text()


def url_op(method: str) -> str:
    """net/http's url.Error Op: `Get`, `Post`, ..."""
    return method[:1].upper() + method[1:].lower()


def go_url_scheme(url: str) -> tuple[str, str]:
    """net/url's getScheme and its first-segment rule: (lower-cased scheme, parse error or "")."""
    for i, ch in enumerate(url):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                break
            continue
        if ch == ":":
            if i == 0:
                return "", "missing protocol scheme"
            return url[:i].lower(), ""
        break
    if ":" in url.split("/", 1)[0]:
        return "", "first path segment in URL cannot contain colon"
    return "", ""


async def http_error(op: str, url: str, err: BaseException) -> str:
    """The url.Error text Go's client returns (`Get "http://...": dial tcp ...: connect: ...`)."""
    if isinstance(err, aiohttp.TooManyRedirects):
        last = err.history[-1] if err.history else None
        if last is not None and "Location" in last.headers:
            url = last.headers["Location"]  # net/http reports the raw Location header here
        return f'{op} "{url}": stopped after {MAX_REDIRECTS} redirects'
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        inner = tls_text(err.certificate_error)
    elif isinstance(err, aiohttp.ClientConnectorSSLError):
        reason = getattr(err.os_error, "reason", "") or ""
        if reason.lower() == "wrong_version_number":  # net/http sniffs a plain HTTP reply
            inner = "http: server gave HTTP response to HTTPS client"
        else:
            inner = tls_text(err.os_error)
    elif isinstance(err, aiohttp.ClientConnectorDNSError):
        inner = f"dial tcp: {lookup_failure(err.host)}"
    elif isinstance(err, aiohttp.ClientConnectorError):
        host = err.host
        with contextlib.suppress(GoError):
            host = (await resolve("tcp", err.host, str(err.port)))[0][0]
        inner = f"dial tcp {join_host_port(host, err.port or 0)}: connect: {errno_text(err.os_error)}"
    elif isinstance(err, (aiohttp.ServerDisconnectedError, ConnectionResetError)):
        inner = "EOF"
    elif isinstance(err, (aiohttp.InvalidURL, ValueError)):
        scheme = urlsplit(url).scheme if "://" in url else ""
        inner = f'unsupported protocol scheme "{scheme}"'
    else:
        inner = str(err) or type(err).__name__
    return f'{op} "{url}": {inner}'


def go_code(code) -> str:
    """grpc-go's codes.Code String(): `Unavailable`, `DeadlineExceeded`, `Canceled` ..."""
    if code.name == "CANCELLED":
        return "Canceled"
    return "".join(part.capitalize() for part in code.name.split("_"))


def docker_target(host: str) -> tuple[str, str, str]:
    """docker.go ParseHost: (proto, addr, text of Go's request URL host)."""
    proto, sep, addr = host.partition("://")
    if not sep:
        raise GoError(f"unable to parse docker host `{host}`")
    if proto == "tcp":
        addr = urlsplit("tcp://" + addr).netloc
    return proto, addr, quote(addr, safe="")
