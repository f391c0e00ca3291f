"""How client commands reach an agent, as the `consul` CLI does: CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN,
CONSUL_NAMESPACE, CONSUL_PARTITION, overridden by -http-addr, -token, -namespace, -partition
(consul-cli-and-clients.md)."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable


def add_client_flags(p) -> None:
    p.add_argument("-http-addr", "--http-addr", default=None, help="agent address (CONSUL_HTTP_ADDR)")
    p.add_argument("-token", "--token", default=None, help="ACL token (CONSUL_HTTP_TOKEN)")
    p.add_argument("-namespace", "--namespace", default=None, help="namespace (CONSUL_NAMESPACE)")
    p.add_argument("-partition", "--partition", default=None, help="admin partition (CONSUL_PARTITION)")


class ClientError(Exception):
    """A response other than the one the command needs: `Unexpected response code: <code> (<body>)`."""

    def __init__(self, status: int, body: str):
        super().__init__(f"Unexpected response code: {status} ({body.strip()})")
        self.status = status


class ConnectError(OSError):
    """The agent could not be reached; the text is Go's net/http error, naming the URL and address tried:
    `Get "http://127.0.0.1:8500/v1/...": dial tcp 127.0.0.1:8500: connect: connection refused`."""

    def __init__(self, method: str, url: str, reason) -> None:
        parts = urllib.parse.urlsplit(url)
        address = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        if isinstance(reason, ConnectionRefusedError):
            why = "connect: connection refused"
        else:
            why = getattr(reason, "strerror", None) or str(reason)
        self.text = f'{method[:1]}{method[1:].lower()} "{url}": dial tcp {address}: {why}'
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text


class Client:
    def __init__(self, args) -> None:
        addr = args.http_addr or os.environ.get("CONSUL_HTTP_ADDR") or "127.0.0.1:8500"
        if "://" not in addr:
            addr = "http://" + addr
        self.base = addr.rstrip("/")
        self.token = args.token or os.environ.get("CONSUL_HTTP_TOKEN") or ""
        self.params = {}
        namespace = args.namespace or os.environ.get("CONSUL_NAMESPACE")
        partition = args.partition or os.environ.get("CONSUL_PARTITION")
        if namespace:
            self.params["ns"] = namespace
        if partition:
            self.params["partition"] = partition

    def request(self, method: str, path: str, body=None, params: dict | None = None):
        """(status, decoded JSON or text) of one request; the CLI sets a Content-Type on every request."""
        status, raw, _ = self.send(method, path, None if body is None else json.dumps(body).encode(), params)
        return status, _decode(raw)

    def send(self, method: str, path: str, data: bytes | None = None, params: dict | None = None):
        """(status, body bytes, headers) of one request with a raw body."""
        query = urllib.parse.urlencode({**self.params, **(params or {})})
        url = self.base + urllib.parse.quote(path) + (f"?{query}" if query else "")
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        if self.token:
            req.add_header("X-Consul-Token", self.token)
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers
        except urllib.error.URLError as e:
            raise ConnectError(method, url, e.reason) from None
        except ConnectionError as e:
            raise ConnectError(method, url, e) from None

    def expect_raw(self, method: str, path: str, data: bytes) -> bytes:
        """The body of a request with a raw body that must answer 200."""
        status, body, _ = self.send(method, path, data)
        if status != 200:
            raise ClientError(status, body.decode(errors="replace"))
        return body

    def expect(self, method: str, path: str, body=None, params: dict | None = None):
        status, payload = self.request(method, path, body, params)
        if status != 200:
            raise ClientError(status, payload if isinstance(payload, str) else json.dumps(payload))
        return payload


def run(args, fail: str, action: Callable[[Client], None]) -> int:
    """Run a client command: `<fail>: <error>` on standard error and exit code 1 when it fails."""
    try:
        action(Client(args))
    except (ClientError, ConnectError) as e:
        print(f"{fail}: {e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


def _decode(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")
