"""The read paths at the limit and the write path (issue 18): server CPU microseconds per request under wrk,
consulite against the bare aiohttp floor serving the same data as byte-identical JSON (bench/paths_baseline.py;
for register bench/baseline_server.py), interleaved A/B/A/B, medians.

    python bench/paths.py                          # every row
    python bench/paths.py --only health,config     # some rows
    python bench/paths.py --server-args='-http-server granian'  # extra consulite flags

Rows: `GET /v1/config/service-defaults` (10,000 entries), `GET /v1/health/service/web` (1,000 instances with a
TTL check each), `GET /v1/catalog/services` (the same), `GET /v1/agent/services` (10,000 services), register and
config write (a new object per request). Benchmarks are not tests: nothing here fails on a timing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from wrk import cpu_seconds, ensure_wrk, run_wrk, server  # noqa: E402

EXTRA: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def consulite(port: int) -> list[str]:
    return [sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", str(port), "-log-level", "warn",
            "-http-max-conns-per-client", "0", *EXTRA]


def floor(port: int, answers: Path | None = None) -> list[str]:
    return [sys.executable, str(HERE / "paths_baseline.py"), str(port), *([str(answers)] if answers else [])]


def bare_register(port: int) -> list[str]:
    return [sys.executable, str(HERE / "baseline_server.py"), str(port)]


def granian_register(port: int) -> list[str]:
    """The same bare register as an ASGI app on granian, one worker (bench/granian_register.py)."""
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", "1", "--runtime-threads", "1",
            "--host", "127.0.0.1", "--port", str(port), "--working-dir", str(HERE), "granian_register:app"]


def puts(port: int, requests: list[tuple[str, dict]]) -> None:
    """PUT each (path, body) over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for path, body in requests:
        conn.request("PUT", path, orjson.dumps(body), {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200, (path, resp.status)
    conn.close()


def get(port: int, path: str) -> object:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path)
    data = orjson.loads(conn.getresponse().read())
    conn.close()
    return data


def config_entries(port: int) -> None:
    puts(port, [("/v1/config", {"Kind": "service-defaults", "Name": f"svc-{i:05d}", "Protocol": "http",
                                "MeshGateway": {"Mode": "local"}, "Meta": {"team": f"t{i % 10}"}})
                for i in range(10_000)])


def web_instances(port: int) -> None:
    puts(port, [("/v1/agent/service/register", {
        "Name": "web", "ID": f"web-{i:04d}", "Port": 8000 + i % 1000, "Address": f"10.0.{i // 250}.{i % 250}",
        "Tags": ["v1", f"zone-{i % 3}"], "Meta": {"team": "t"},
        "Check": {"CheckID": f"web-{i:04d}-ttl", "TTL": "600s", "Status": "passing"}}) for i in range(1000)])


def agent_services(port: int) -> None:
    puts(port, [("/v1/agent/service/register", {"Name": f"svc{i % 50}", "ID": f"svc-{i:05d}", "Port": 8000 + i % 1000,
                                                "Tags": ["a", "b"], "Meta": {"team": "t"}, "Address": "10.0.0.1"})
                for i in range(10_000)])


#: read rows: (name, setup, path)
READS: list[tuple[str, Callable[[int], None], str]] = [
    ("config", config_entries, "/v1/config/service-defaults"),
    ("health", web_instances, "/v1/health/service/web"),
    ("catalog", web_instances, "/v1/catalog/services"),
    ("agent", agent_services, "/v1/agent/services"),
]
#: write rows: (name, consulite's path, its baseline, wrk script)
WRITES = [
    ("register", "/v1/agent/service/register", bare_register, "register.lua"),
    ("config-write", "/v1/config", floor, "config.lua"),
]
#: granian against aiohttp's server, the same bare register on each (`--only granian`)
SERVERS = ("granian", "/v1/agent/service/register", granian_register, "register.lua")


PROFILE: list[Path] = []


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants (granian serves from worker processes)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            total += cpu_seconds(current)
        todo += children.get(current, [])
    return total


def one_run(proc, port: int, path: str, seconds: float, connections: int, script: str | None = None) -> dict:
    spy = None
    if PROFILE and "consulite.cli" in proc.args:  # py-spy on consulite's runs only
        out = PROFILE[0] / f"{path.strip('/').replace('/', '_')}.txt"
        spy = subprocess.Popen(["py-spy", "record", "-r", "250", "-d", str(seconds), "-f", "raw", "-o", str(out),
                                "-p", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = tree_cpu(proc.pid)
    figures = run_wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, script)
    if spy is not None:
        spy.wait()
        print(summary(out), file=sys.stderr)
    figures["cpu_us"] = (tree_cpu(proc.pid) - before) / max(figures["requests"], 1) * 1e6
    return figures


def summary(collapsed: Path, top: int = 25) -> str:
    """The functions holding the most samples (inclusive) in py-spy's collapsed stacks, as percentages."""
    total, inclusive = 0, Counter[str]()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in {f.split(" (")[0] + " " + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                      for f in stack.split(";")}:
            inclusive[frame] += int(count)
    return "\n".join(f"{n / max(total, 1):6.1%}  {f}" for f, n in inclusive.most_common(top))


def read_row(setup: Callable[[int], None], path: str, args) -> dict:
    """Both servers up at once (the idle one costs nothing), wrk against each in turn."""
    ours = free_port()
    with server(consulite(ours), ours) as us, tempfile.TemporaryDirectory() as tmp:
        setup(ours)
        answers = Path(tmp) / "answers.json"
        answers.write_bytes(orjson.dumps({path: get(ours, path)}))
        theirs = free_port()
        with server(floor(theirs, answers), theirs) as them:
            runs: dict[str, list[dict]] = {"consulite": [], "bare": []}
            for _ in range(args.repeats):
                runs["consulite"].append(one_run(us, ours, path, args.seconds, args.connections))
                runs["bare"].append(one_run(them, theirs, path, args.seconds, args.connections))
    return _medians(runs)


def write_row(path: str, baseline: Callable[[int], list[str]], script: str, args,
              ours: Callable[[int], list[str]] = consulite) -> dict:
    """A fresh server per run (the state grows with the load), interleaved."""
    runs: dict[str, list[dict]] = {"consulite": [], "bare": []}
    for _ in range(args.repeats):
        for name, cmd_of in (("consulite", ours), ("bare", baseline)):
            port = free_port()
            with server(cmd_of(port), port) as proc:
                runs[name].append(one_run(proc, port, path, args.seconds, args.connections, script))
    return _medians(runs)


def _medians(runs: dict[str, list[dict]]) -> dict:
    out = {name: {k: statistics.median(r[k] for r in rs) for k in ("cpu_us", "rps")} for name, rs in runs.items()}
    out["ratio"] = out["consulite"]["cpu_us"] / out["bare"]["cpu_us"]
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--only", default="", help="comma-separated row names")
    p.add_argument("--seconds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--server-args", default="", help="extra consulite flags")
    p.add_argument("--profile", default="", help="a folder: py-spy records consulite's runs there")
    args = p.parse_args()
    if args.profile:
        PROFILE.append(Path(args.profile))
        PROFILE[0].mkdir(parents=True, exist_ok=True)
    EXTRA.extend(shlex.split(args.server_args))
    if ensure_wrk() is None:
        sys.exit("wrk is not installed")
    only = set(filter(None, args.only.split(",")))
    results = {}
    for name, setup, path in READS:
        if not only or name in only:
            results[name] = read_row(setup, path, args)
            print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
    for name, path, baseline, script in WRITES:
        if not only or name in only:
            results[name] = write_row(path, baseline, script, args)
            print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
    if "granian" in only:  # "consulite" is granian here, "bare" aiohttp's server
        name, path, cmd_of, script = SERVERS
        results[name] = write_row(path, bare_register, script, args, ours=cmd_of)
        print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
    print(f"{'row':14} {'consulite µs':>13} {'bare µs':>9} {'ratio':>6} {'consulite rps':>14} {'bare rps':>9}")
    for name, r in results.items():
        print(f"{name:14} {r['consulite']['cpu_us']:13.0f} {r['bare']['cpu_us']:9.0f} {r['ratio']:6.2f} "
              f"{r['consulite']['rps']:14.0f} {r['bare']['rps']:9.0f}")


if __name__ == "__main__":
    main()
