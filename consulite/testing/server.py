"""`ConsuliteServer`: consulite in a background thread, for synchronous code and clients such as py-consul."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request

from aiohttp import web

from consulite.decode.config import EntryCodec
from consulite.decode.files import read_file
from consulite.model.agent_config import AgentConfig
from consulite.server import serve


class ConsuliteServer:
    """A consulite agent on a free port of 127.0.0.1, run in a thread; use as a context manager."""

    def __init__(self, config: AgentConfig | None = None, port: int = 0, files=(), leave: bool = False):
        """`files` (config-entry, agent-config or service files) are loaded at start and after every reset;
        with `leave`, `PUT /v1/agent/leave` stops the server as it stops a consulite process."""
        self.config = config or AgentConfig()
        self._leave = leave
        self.files = tuple(map(str, files))
        self._seed = self._read(self.files) if self.files else ([], [])
        self._port = port
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def http_addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.http_addr}"

    def start(self) -> ConsuliteServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                leave = loop.stop if self._leave else None
                self._runner, self.port = loop.run_until_complete(
                    serve(self.config, "127.0.0.1", self._port, leave=leave))
            except BaseException as e:  # reported to the starting thread
                failure.append(e)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            pending = asyncio.all_tasks(loop)  # e.g. a connection still lingering over an unread body
            for task in pending:
                task.cancel()
            loop.run_until_complete(_drain(pending))
            loop.close()

        self._thread = threading.Thread(target=run, name="consulite", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        self._send(*self._seed)
        return self

    def stop(self) -> None:
        """Stop serving: blocked queries are answered first (as Consul answers them when it stops)."""
        if self._loop is not None and self._thread is not None:
            if self._thread.is_alive():  # not yet stopped by a leave
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop = self._thread = None

    @property
    def agent(self):
        """The server's Agent (touch it only from the server's loop, e.g. through `call`)."""
        from consulite.http.app import AGENT_KEY

        assert self._runner is not None, "the server is not running"
        return self._runner.app[AGENT_KEY]

    def readers_blocked(self, count: int = 1, timeout: float = 10.0) -> None:
        """Return once at least `count` blocking queries are waiting in the server."""
        assert self._loop is not None, "the server is not running"
        fut = asyncio.run_coroutine_threadsafe(self.agent.store.watches.readers_blocked(count), self._loop)
        fut.result(timeout)

    def __enter__(self) -> ConsuliteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def client(self, **kwargs):
        """A py-consul client for this server (needs py-consul: `pip install 'consulite[testing]'`)."""
        try:
            import consul
        except ImportError:
            raise ImportError("ConsuliteServer.client() needs py-consul: pip install 'consulite[testing]' "
                              "(or pip install py-consul)") from None

        return consul.Consul(host="127.0.0.1", port=self.port, **kwargs)

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        """One HTTP request to the server; (status, body)."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if self.config.acl_initial_management:  # ACLs on: the seeding helpers act as the management token
            req.add_header("X-Consul-Token", self.config.acl_initial_management)
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def reset(self) -> None:
        """Back to a fresh agent (`PUT /_consulite/reset`), with the server's `files` loaded again."""
        self._expect("PUT", "/_consulite/reset")
        self._send(*self._seed)

    def register_service(self, definition: dict) -> None:
        """`PUT /v1/agent/service/register` of one definition (the API's JSON body)."""
        self._expect("PUT", "/v1/agent/service/register", definition)

    def create_partition(self, name: str, description: str = "") -> None:
        self._expect("PUT", "/v1/partition", {"Name": name, "Description": description})

    def create_namespace(self, name: str, partition: str = "", description: str = "") -> None:
        self._expect("PUT", "/v1/namespace", {"Name": name, "Partition": partition, "Description": description})

    def write_config_entry(self, entry: dict, partition: str | None = None) -> None:
        """`PUT /v1/config` of one entry (a dict with Kind, as the API takes it)."""
        query = f"?partition={partition}" if partition else ""
        if self._expect("PUT", "/v1/config" + query, entry) != b"true":
            raise RuntimeError(f"config entry not written: {entry.get('Kind')}/{entry.get('Name')}")

    def load_files(self, *paths) -> None:
        """Load HCL or JSON files through the HTTP API, as the CLI does (`decode.files.read_file`): config
        entry files are written, agent-config and service files register their services and write their
        bootstrap entries. Every file is parsed and decoded before anything is sent."""
        self._send(*self._read(paths))

    @staticmethod
    def _read(paths) -> tuple[list, list]:
        codec = EntryCodec(enterprise=True)
        entries, services = [], []
        for path in paths:
            found = read_file(path, codec)
            if found.entry is not None:
                entries.append(codec.request_body(found.entry))
            elif found.agent is not None:
                entries += [codec.request_body(e) for e in found.agent.entries]
                services += found.agent.services
        return entries, services

    def _send(self, entries: list[dict], services: list[dict]) -> None:
        for entry in entries:
            self.write_config_entry(entry)
        for body in services:
            self.register_service(body)

    def _expect(self, method: str, path: str, body=None) -> bytes:
        status, payload = self.request(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path} failed: {status} {payload.decode(errors='replace')}")
        return payload


async def _drain(tasks) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)
