"""Nothing acknowledged is lost: an agent on a data dir under a load of writes, killed (SIGKILL) or stopped
(SIGTERM) after a random number of answers, 20 rounds on one data dir; after every restart each write answered
200 is there, none answered 4xx is, and the index is at least the highest one answered."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Kind:
    """One kind of write: the request writing item `n`, a request for `n` that is refused, the listing that
    shows the items, and whether item `n` is in that listing."""

    name: str
    write: Callable[[int], tuple[str, str, dict]]
    refused: Callable[[int], tuple[str, str, dict]]
    listing: str
    present: Callable[[object, int], bool]


REGISTER = Kind("register",
                lambda n: ("PUT", "/v1/agent/service/register", {"Name": f"svc{n}", "Port": n % 65535,
                                                                 "Check": {"TTL": "1h"}}),
                lambda n: ("PUT", "/v1/agent/service/register", {"Name": f"svc{n}", "Check": {"TTL": "bad"}}),
                "/v1/agent/services", lambda found, n: f"svc{n}" in found)
CONFIG = Kind("config",
              lambda n: ("PUT", "/v1/config", {"Kind": "service-defaults", "Name": f"cfg{n}", "Protocol": "http"}),
              lambda n: ("PUT", "/v1/config", {"Kind": "service-defaults", "Name": f"cfg{n}", "Bogus": 1}),
              "/v1/config/service-defaults", lambda found, n: any(e["Name"] == f"cfg{n}" for e in found))
#: the write kinds under load (KV puts and session creates join here as one line each)
KINDS = [REGISTER, CONFIG]


@dataclass
class Ledger:
    """What the agent answered, across rounds."""

    acked: dict[str, set[int]] = field(default_factory=lambda: {k.name: set() for k in KINDS})
    refused: dict[str, set[int]] = field(default_factory=lambda: {k.name: set() for k in KINDS})
    max_index: int = 0
    answers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def next(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter


def start_agent(data_dir: Path) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-http-port", "0", "-data-dir",
                             str(data_dir), "-log-level", "error"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    watchdog = threading.Timer(60, proc.kill)  # bounded: the ready line, or the process's end
    watchdog.start()
    try:
        for line in proc.stdout:  # the ready line follows Consul's start-up header
            if line.startswith("consulite agent ready:"):
                return proc, int(line.rsplit(":", 1)[1].split()[0])
    finally:
        watchdog.cancel()
    raise AssertionError(f"agent did not become ready: {proc.wait()} {proc.stderr.read()}")


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body))
    resp = conn.getresponse()
    return resp.status, resp.read(), resp.getheader("X-Consul-Index")


def load(port: int, ledger: Ledger, stop: threading.Event, rng: random.Random) -> None:
    """Writes (one in ten refused) and reads, until the connection dies or `stop` is set."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while not stop.is_set():
            kind, n = rng.choice(KINDS), ledger.next()
            bad = rng.random() < 0.1
            method, path, body = (kind.refused if bad else kind.write)(n)
            status, _, _ = request(conn, method, path, body)
            with ledger.lock:
                if status == 200 and not bad:
                    ledger.acked[kind.name].add(n)
                elif 400 <= status < 500 and bad:
                    ledger.refused[kind.name].add(n)
                else:
                    raise AssertionError(f"{method} {path} {body}: {status}")
                ledger.answers += 1
            if n % 5 == 0:
                status, _, index = request(conn, "GET", "/v1/catalog/services")
                with ledger.lock:
                    ledger.max_index = max(ledger.max_index, int(index))
    except (OSError, http.client.HTTPException):
        pass  # the agent went away mid-request: that write may or may not be there
    finally:
        conn.close()


def check(port: int, ledger: Ledger) -> int:
    """Every acknowledged write is there, no refused one is, the index has not gone back; writes checked."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    checked = 0
    for kind in KINDS:
        status, body, _ = request(conn, "GET", kind.listing)
        assert status == 200
        found = json.loads(body)
        lost = [n for n in ledger.acked[kind.name] if not kind.present(found, n)]
        assert not lost, f"{kind.name}: {len(lost)} acknowledged writes lost: {sorted(lost)[:10]}"
        back = [n for n in ledger.refused[kind.name] if kind.present(found, n)]
        assert not back, f"{kind.name}: refused writes present: {back[:10]}"
        checked += len(ledger.acked[kind.name]) + len(ledger.refused[kind.name])
    _, body, _ = request(conn, "GET", "/_consulite/state")
    assert json.loads(body)["index"] >= ledger.max_index
    conn.close()
    return checked


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_nothing_acknowledged_is_lost(tmp_path, sig):
    rng = random.Random(17)
    ledger = Ledger()
    checked = 0
    for _ in range(20):
        proc, port = start_agent(tmp_path)
        try:
            checked = check(port, ledger)  # what the previous rounds were answered
            stop = threading.Event()
            target = ledger.answers + rng.randint(1, 400)
            workers = [threading.Thread(target=load, args=(port, ledger, stop, random.Random(rng.random())))
                       for _ in range(4)]
            for w in workers:
                w.start()
            while ledger.answers < target and any(w.is_alive() for w in workers):
                workers[0].join(0.001)  # a bounded wait for the next answers (the load never sleeps)
            proc.send_signal(sig)
            stop.set()
            for w in workers:
                w.join(60)
            code = proc.wait(60)
            assert code == (0 if sig == signal.SIGTERM else -signal.SIGKILL), proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    proc, port = start_agent(tmp_path)
    try:
        checked = check(port, ledger)
    finally:
        proc.kill()
        proc.wait()
    print(f"{sig.name}: 20 rounds, {checked} writes checked, index >= {ledger.max_index}")
    assert checked > 1000
