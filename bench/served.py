"""The served figures: wrk against consulite and its baseline, both up at once, pinned to core 0 (wrk on core
1), runs interleaved A/B/A/B, medians of the server's CPU microseconds per request (from /proc) beside its
requests per second. Reads: the baseline is the bare aiohttp app serving the body consulite gave for the same
data (`baseline_server.py`); every row first checks the two bodies byte for byte and fails loudly where they
differ. Writes: the bare app parsing the same JSON into a dict, or consulite itself in another mode."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import seed
import wrk
from durable import data_dir_cmd

HERE = Path(__file__).resolve().parent
ACL_ROOT = "11111111-2222-3333-4444-555555555555"
BARE = "bare aiohttp app, same JSON into a dict"
BARE_READ = "bare aiohttp app: orjson.dumps of the same data, byte-identical body"
_RUN = itertools.count(1)  # tags the names each write run creates (bench/lua/common.lua)
#: connections for reads of many milliseconds: the CPU of requests still in flight when wrk stops is counted
#: against the ones it saw answered, so it must stay small beside them (32 made a 200 ms read look 2.8 s)
HEAVY = 2


@dataclass
class Row:
    figure: str
    ours: float | None
    base: float | None
    ratio: float | None
    target: str
    met: bool | str | None
    basis: str
    rates: tuple[float, float] | None = None  # requests per second, consulite and baseline


@dataclass
class Sizes:
    seconds: float = 3.0
    repeats: int = 3
    health: int = 1000
    config: int = 10_000
    resolvers: int = 1000
    catalog: int = 1000
    agent: int = 10_000
    scale: tuple[int, ...] = (1000, 10_000, 100_000)
    blockers: int = 10_000
    checks: int = 1000
    settle: float = 12.0
    warmup: bool = True  # a 1 s run of each side before the measured ones
    problems: list[str] = field(default_factory=list)


def consulite_cmd(*flags: str) -> Callable[[int], list[str]]:
    """consulite's dev agent (the load is one client: no per-client connection limit)."""
    return lambda port: [sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", str(port),
                         "-log-level", "warn", "-http-max-conns-per-client", "0", *flags]


def baseline_cmd(seeded: Path | None = None) -> Callable[[int], list[str]]:
    return lambda port: [sys.executable, str(HERE / "baseline_server.py"), str(port),
                         *([str(seeded)] if seeded else [])]


@contextlib.contextmanager
def up(cmd_of: Callable[[int], list[str]]) -> Iterator[tuple[Any, str]]:
    """A server pinned to core 0, ready: (process, base url)."""
    port = wrk.free_port()
    with wrk.server(cmd_of(port), port, timeout=120) as proc:
        yield proc, f"http://127.0.0.1:{port}"


def call(url: str, method: str = "GET", body: bytes | None = None, token: str | None = None) -> tuple[bytes, dict]:
    req = urllib.request.Request(url, data=body, method=method, headers={"X-Consul-Token": token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.read(), dict(e.headers)


def capture(url: str, paths: list[str], where: Path) -> Path:
    """What consulite answers on `paths` (body and X-Consul-* headers), for the baseline to serve."""
    out = {}
    for path in paths:
        body, headers = call(url + path)
        out[path] = {"body": json.loads(body), "headers": {k: v for k, v in headers.items() if k.startswith("X-")}}
    where.write_text(json.dumps(out))
    return where


def differs(figure: str, ours: bytes, base: bytes) -> str | None:
    """None when the bodies are byte-identical; otherwise the loud failure, printed at once."""
    if ours == base:
        return None
    at = next((i for i, (a, b) in enumerate(zip(ours, base, strict=False)) if a != b), min(len(ours), len(base)))
    text = (f"BODY DIFFERS ({len(ours)} vs {len(base)} bytes, first at {at}: "
            f"{ours[max(at - 30, 0):at + 30]!r} vs {base[max(at - 30, 0):at + 30]!r})")
    print(f"bench: {figure}: {text}", file=sys.stderr, flush=True)
    return text


def interleaved(sides: list[tuple[Any, str]], path: str, sizes: Sizes, connections: int,
                script: str | None = None, env: Callable[[int], dict[str, str]] | None = None) -> list[dict]:
    """A/B/A/B wrk runs (after a short warm-up of each); the medians of each side."""
    runs: list[list[dict]] = [[] for _ in sides]
    for n in range(0 if sizes.warmup else 1, sizes.repeats + 1):
        for i, (proc, url) in enumerate(sides):
            extra = {"BENCH_RUN": str(next(_RUN)), **(env(i) if env else {})}
            seconds = 1 if n == 0 else sizes.seconds
            figures = wrk.measure(proc, url + path, seconds, connections, script, extra)
            if n:
                runs[i].append(figures)
    return [{k: statistics.median(r[k] for r in side) for k in ("cpu_us", "rps", "failed")} for side in runs]


def row(figure: str, ours: dict, base: dict, target: float, basis: str, problem: str | None = None,
        per: tuple[int, int] = (1, 1)) -> Row:
    """A CPU-per-request row (per `per` objects of the answer on each side): the ratio of costs against
    `target` (at most); a body difference or failed requests fail the row."""
    cost, base_cost = ours["cpu_us"] / per[0], base["cpu_us"] / per[1]
    failed = ours["failed"] or base["failed"]
    met: bool | str = problem or (f"FAILED REQUESTS ({ours['failed']:g}, {base['failed']:g})" if failed
                                  else cost / base_cost <= target)
    return Row(figure, cost, base_cost, cost / base_cost, f"<= {target:g}x", met, basis, (ours["rps"], base["rps"]))


def read_rows(sizes: Sizes, fills: list[Callable], reads: list[tuple[str, str, int, float]]) -> list[Row]:
    """Rows of GETs (figure, path, connections, target) on consulite started from the data `fills` write,
    against the bare app serving consulite's bodies."""
    with tempfile.TemporaryDirectory() as tmp:
        state = seed.state_file(Path(tmp, "state.json"), *fills)
        with up(consulite_cmd("-state", str(state))) as ours:
            seeded = capture(ours[1], [path for _, path, _, _ in reads], Path(tmp, "seed.json"))
            with up(baseline_cmd(seeded)) as base:
                out = []
                for figure, path, connections, target in reads:
                    problem = differs(figure, call(ours[1] + path)[0], call(base[1] + path)[0])
                    a, b = interleaved([ours, base], path, sizes, connections)
                    out.append(row(figure, a, b, target, BARE_READ, problem))
                return out


_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def write_row(sizes: Sizes, figure: str, script: str, sample: tuple[str, bytes], target: float,
              ours_cmd: Callable | None = None, base_cmd: Callable | None = None, basis: str = BARE,
              ours_token: Callable[[str], str] | None = None, listing: str | None = None) -> Row:
    """A write load (a wrk script) against two servers; before it, one `sample` write to each must answer the
    same bytes (UUIDs aside) and, with `listing`, leave the same listing."""
    with up(ours_cmd or consulite_cmd()) as ours, up(base_cmd or baseline_cmd()) as base:
        sides = [(ours[1], ours_token(ours[1]) if ours_token else None), (base[1], None)]
        path, body = sample
        problem = differs(figure, *(_UUID.sub(b"<uuid>", call(url + path, "PUT", body, t)[0]) for url, t in sides))
        if listing and problem is None:
            problem = differs(figure, *(call(url + listing, token=t)[0] for url, t in sides))
        env = [{"CONSULITE_BENCH_TOKEN": t} if t else {} for _, t in sides]
        a, b = interleaved([ours, base], "", sizes, 32, script, lambda i: env[i])
    return row(figure, a, b, target, basis, problem)


def acl_token(url: str) -> str:
    """A token holding twelve policies (one grants the load's services), made with the management token."""
    ids = []
    for n in range(12):
        rules = (f'service_prefix "other{n}-" {{ policy = "write" }}\nkey_prefix "app{n}/" {{ policy = "read" }}\n'
                 f'node_prefix "" {{ policy = "read" }}')
        if n == 11:
            rules += '\nservice_prefix "svc" { policy = "write" }'
        made = call(url + "/v1/acl/policy", "PUT", json.dumps({"Name": f"bench-{n}", "Rules": rules}).encode(),
                    ACL_ROOT)[0]
        ids.append({"ID": json.loads(made)["ID"]})
    return json.loads(call(url + "/v1/acl/token", "PUT", json.dumps({"Policies": ids}).encode(), ACL_ROOT)[0])[
        "SecretID"]


REGISTER = ("/v1/agent/service/register", seed.service_body(0, "svcsample"))


def write_rows(sizes: Sizes) -> list[Row]:
    acl = consulite_cmd("-acl-enabled", "-acl-default-policy", "deny", "-acl-initial-management", ACL_ROOT)
    return [
        write_row(sizes, "register (PUT /v1/agent/service/register)", "register.lua", REGISTER, 1.3,
                  listing="/v1/agent/services"),
        write_row(sizes, "config write (PUT /v1/config)", "config.lua", ("/v1/config", json.dumps(
            {"Kind": "service-defaults", "Name": "sample", "Protocol": "http"}).encode()), 1.3),
        write_row(sizes, "KV put (PUT /v1/kv/bench/<n>)", "kv_put.lua", ("/v1/kv/bench/sample", b"value"), 1.3),
        write_row(sizes, "session create (PUT /v1/session/create)", "session.lua",
                  ("/v1/session/create", b'{"Name": "bench"}'), 1.5),
        write_row(sizes, "register, ACLs on, token of 12 policies", "register.lua", REGISTER, 1.15, acl,
                  consulite_cmd(), "consulite itself, ACLs off",
                  ours_token=acl_token),
        write_row(sizes, "register, -data-dir (durable)", "register.lua", REGISTER, 2.0, data_dir_cmd(),
                  consulite_cmd(), "consulite itself, in memory (-dev)"),
    ]


def read_setups(sizes: Sizes) -> list[Row]:
    """The read rows, each on consulite started from its data and the bare app serving the same bodies."""
    web, cfg, cat, agent = sizes.health, sizes.config, sizes.catalog, sizes.agent
    return [
        *read_rows(sizes, [lambda a: seed.services(a, web, lambda i: "web")], [
            (f"GET /v1/health/service/web, {web:,} instances", "/v1/health/service/web", HEAVY, 1.5)]),
        *read_rows(sizes, [lambda a: seed.config_entries(a, cfg, sizes.resolvers)], [
            (f"GET /v1/config/service-defaults, {cfg:,} entries", "/v1/config/service-defaults", HEAVY, 2.0),
            (f"GET /v1/config/service-resolver, {sizes.resolvers:,} among {cfg + sizes.resolvers:,} entries",
             "/v1/config/service-resolver", HEAVY, 2.0)]),
        *read_rows(sizes, [lambda a: seed.services(a, cat, lambda i: "web")], [
            (f"GET /v1/catalog/services, {cat:,} instances of one name", "/v1/catalog/services", 32, 1.5)]),
        *read_rows(sizes, [lambda a: seed.services(a, agent, lambda i: f"svc{i % 100}"),
                           lambda a: seed.kv_keys(a, agent)], [
            (f"GET /v1/agent/services, {agent:,} services", "/v1/agent/services", HEAVY, 1.5),
            (f"KV get one key among {agent:,} (GET /v1/kv/bench/key)", "/v1/kv/bench/key", 32, 1.3)]),
    ]


def checks_rows(sizes: Sizes) -> list[Row]:
    """`sizes.checks` registrations, each with an HTTP check at a 10 s interval against a local target,
    checks running against the same checks stored only (`checks_run = false`); fresh servers, runs
    interleaved. Then, after `settle` seconds more of running checks, the most any probe started after its
    due time, as the server's check runner measured it (`checks_server.py` prints it on SIGTERM)."""
    runs: dict[str, list[dict]] = {"run": [], "store": []}
    late, probes = 0.0, 0
    with up(baseline_cmd()) as (_, target):
        env = {"BENCH_CHECK_URL": f"{target}/v1/status/leader", "BENCH_LIMIT": str(sizes.checks)}
        for n in range(sizes.repeats):
            for mode in runs:
                port = wrk.free_port()
                proc = subprocess.Popen(wrk.pinned([sys.executable, str(HERE / "checks_server.py"), str(port), mode],
                                                   0), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        cwd=wrk.ROOT)
                try:
                    wrk.wait_ready(port, proc)
                    runs[mode].append(wrk.measure(proc, f"http://127.0.0.1:{port}", 2, 32, "register.lua",
                                                  {**env, "BENCH_RUN": str(next(_RUN))}))
                    if mode == "run" and n == sizes.repeats - 1:
                        time.sleep(sizes.settle)  # the checks keep running: what is measured is their lateness
                finally:
                    proc.terminate()
                    figures = json.loads(proc.communicate(timeout=30)[0] or '{"runs": 0, "late_max": 0}')
                probes, late = probes + figures["runs"], max(late, figures["late_max"])
    a, b = ({k: statistics.median(r[k] for r in side) for k in ("cpu_us", "rps", "failed")} for side in runs.values())
    checked = row(f"register with an HTTP check ({sizes.checks:,}), checks running", a, b, 1.25,
                  "consulite itself, the same checks stored only")
    checked.rates = None  # a fixed count of requests: wrk's rate is over its whole duration
    return [checked,
            Row(f"latest probe start, {probes:,} probes (s)", late, None, None, "<= 1 s", late <= 1.0,
                "none (an absolute figure)")]


def scale_rows(sizes: Sizes) -> list[Row]:
    """Cost per request with 1k, 10k, 100k objects of each kind in one store (services, KV keys, config
    entries), each size against the smallest, interleaved: agent/services per service listed (O(result)),
    the others per request for a result of fixed size (independent of the store)."""
    reads = [("GET /v1/agent/services, per service", "/v1/agent/services", True, 1),  # 0.25 s at 100k
             ("GET /v1/health/service/web (10 instances)", "/v1/health/service/web", False, 8),
             ("GET /v1/config/service-resolver (100 entries)", "/v1/config/service-resolver", False, 8),
             ("KV get one key", "/v1/kv/bench/key", False, 8)]

    def fills(count: int) -> list[Callable]:
        return [lambda a: seed.services(a, count, lambda i: f"svc{i % 100}"),
                lambda a: seed.services(a, 10, lambda i: "web"), lambda a: seed.kv_keys(a, count),
                lambda a: seed.config_entries(a, count, 100)]

    small, *larger = sizes.scale
    quick = Sizes(seconds=min(sizes.seconds, 2), repeats=sizes.repeats, warmup=sizes.warmup)
    out = []
    with tempfile.TemporaryDirectory() as tmp, up(consulite_cmd("-state", str(
            seed.state_file(Path(tmp, "small.json"), *fills(small))))) as ref:
        for count in larger:
            state = seed.state_file(Path(tmp, f"{count}.json"), *fills(count))
            with up(consulite_cmd("-state", str(state))) as big:
                state.unlink()
                for figure, path, per_object, connections in reads:
                    a, b = interleaved([big, ref], path, quick, connections)
                    out.append(row(f"{figure}, {count:,} vs {small:,} objects", a, b, 1.5,
                                   f"consulite itself at {small:,} objects", None,
                                   (count, small) if per_object else (1, 1)))
    return out


def connect_rows(sizes: Sizes) -> list[Row]:
    """`sizes.blockers` long-poll clients (bench/blockers.py, on core 1) against consulite and the bare app
    (the same listen backlog): seconds until all are blocked, and from a write until the last returns;
    medians of at most two runs each, interleaved."""
    runs: list[list[dict]] = [[], []]
    for _ in range(min(sizes.repeats, 2)):  # each run takes many seconds
        for i, cmd in enumerate((consulite_cmd(), baseline_cmd())):
            with up(cmd) as (_, url):
                out = wrk.pinned_load([sys.executable, str(HERE / "blockers.py"), url, str(sizes.blockers)])
                runs[i].append(json.loads(out.stdout))
    a, b = ({k: statistics.median(r[k] for r in side) for k in ("connect_s", "last_reader_s")} for side in runs)
    n = f"{sizes.blockers:,}"
    return [Row(f"{n} long-poll clients connecting (s)", a["connect_s"], b["connect_s"],
                a["connect_s"] / b["connect_s"], "<= 2x", a["connect_s"] / b["connect_s"] <= 2,
                "bare aiohttp app, same backlog (bodies differ: [] there)"),
            Row(f"{n} long-polls: write to last return (ms)", a["last_reader_s"] * 1e3, b["last_reader_s"] * 1e3,
                a["last_reader_s"] / b["last_reader_s"], "", None, "bare aiohttp app (answers [])")]
