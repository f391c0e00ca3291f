"""consulite's benchmarks, each measured side by side with its baseline in the same run.

    python bench/run.py                      # full sizes (about 15 minutes on 2 cores)
    python bench/run.py --tiny               # seconds; the smoke test runs this so the harness cannot rot
    python bench/run.py --only writes,reads  # some groups (GROUPS below)
    python bench/run.py --markdown FILE      # the table as markdown too

Served figures come from wrk with the server's CPU time per request (bench/served.py); the rest are
in-process or start-up figures. Prints one table: figure, consulite, baseline, ratio, target, met?, and what
the baseline is. Medians over repeats. Benchmarks are not tests: nothing here fails on a timing; the exit
status is 1 when a row could not be measured (a baseline body that differs, failed requests, an error).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parent

import served  # noqa: E402
import wrk  # noqa: E402
from served import Row  # noqa: E402

NONE = "none (an absolute figure)"
BARE_APP = "bare aiohttp app"


def wait_ready(port: int, deadline: float) -> float:
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status/leader", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter()
        except OSError:
            time.sleep(0.002)
    raise RuntimeError("server did not become ready")


def consulite_cmd(port: int) -> list[str]:
    # one load generator is one client: without the per-client connection limit (1000 blocked readers)
    return [sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", str(port), "-log-level", "warn",
            "-http-max-conns-per-client", "0"]


def baseline_cmd(port: int) -> list[str]:
    return [sys.executable, str(HERE / "baseline_server.py"), str(port)]


@contextlib.contextmanager
def serving(cmd_of):
    """A server process on a free port, ready; the port."""
    port = wrk.free_port()
    proc = subprocess.Popen(cmd_of(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_ready(port, time.perf_counter() + 30)
        yield port
    finally:
        proc.terminate()
        proc.wait()


def startup(cmd_of, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        port = wrk.free_port()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd_of(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            times.append(wait_ready(port, start + 30) - start)
        finally:
            proc.terminate()
            proc.wait()
    return statistics.median(times)


def blocked_reader_wake(repeats: int) -> float:
    """Median seconds from a config write to the return of a reader blocked on that entry (in-process)."""
    import asyncio

    sys.path.insert(0, str(ROOT))
    from aiohttp.test_utils import TestClient, TestServer

    from consulite.http.app import make_app

    async def measure() -> list[float]:
        samples = []
        async with TestClient(TestServer(make_app())) as c:
            for i in range(repeats):
                body = {"Kind": "service-defaults", "Name": "web", "Protocol": "http" if i % 2 else "grpc"}
                await c.put("/v1/config", json=body)
                index = (await c.get("/v1/config/service-defaults/web")).headers["X-Consul-Index"]
                reader = asyncio.create_task(c.get("/v1/config/service-defaults/web",
                                                   params={"index": index, "wait": "30s"}))
                await asyncio.sleep(0.01)
                start = time.perf_counter()
                await c.put("/v1/config", json={**body, "Protocol": "tcp"})
                await reader
                samples.append(time.perf_counter() - start)
        return samples

    return statistics.median(asyncio.run(measure()))


def memory_per_service(count: int) -> float:
    """Bytes per registered service, registering through the same prepare + store path the API uses."""
    sys.path.insert(0, str(ROOT))
    from consulite.agent.core import Agent
    from consulite.model.scope import DEFAULT_SCOPE

    agent = Agent()
    bodies = [json.dumps({"Name": f"svc{i % 100}", "ID": f"svc-{i}", "Port": 8000 + i % 1000, "Tags": ["a", "b"],
                          "Meta": {"team": "t"}, "Address": "10.0.0.1"}).encode() for i in range(count)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for body in bodies:
        agent.services.register(agent.bodies.service(body), DEFAULT_SCOPE)
    agent.render.agent_services_json(agent.services.listing(DEFAULT_SCOPE))  # the listing cache, included
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(agent.store.services.rows) == count + 1
    return (after - before) / count


def explain_per_upstream(entry_counts: tuple[int, ...], services: int, upstreams: int, repeats: int) -> dict:
    """Median seconds per upstream of `explain` for a proxy with `upstreams` upstreams, among `services`
    services, with each count of config entries (in-process, through the same code the route runs)."""
    sys.path.insert(0, str(ROOT))
    from consulite.agent.core import Agent
    from consulite.model.config import ConfigEntry
    from consulite.model.scope import DEFAULT_SCOPE, Scope
    from consulite.resolve.explain import explain

    out = {}
    for count in entry_counts:
        agent = Agent()

        def register(body: dict, partition: str = "default", agent: Agent = agent) -> None:
            agent.services.register(agent.bodies.service(json.dumps(body).encode()), Scope(partition))

        for p in ("finance", "api"):
            agent.partitions.create(p)
        for i in range(services):
            register({"Name": f"svc{i}", "Port": 8000 + i % 1000})
        for partition in ("default", "finance"):
            register({"Name": "mesh-gateway", "Kind": "mesh-gateway", "Port": 8443}, partition)
        for i in range(count):
            agent.config_entries.write(ConfigEntry(
                "service-defaults", f"svc{i}", "finance" if i % 2 else "default", "default",
                {"Protocol": "http", "MeshGateway": {"Mode": "local"}}), DEFAULT_SCOPE)
        register({"Name": "web-sidecar-proxy", "Kind": "connect-proxy", "Port": 21000, "Proxy": {
            "DestinationServiceName": "web", "Upstreams": [
                {"DestinationName": f"svc{i}", "DestinationPartition": "finance" if i % 2 else "default",
                 "LocalBindPort": 10000 + i} for i in range(upstreams)]}})
        svc = agent.services.get(DEFAULT_SCOPE, "web-sidecar-proxy")
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            report = explain(svc, agent.world)
            samples.append((time.perf_counter() - start) / upstreams)
        assert len(report["Upstreams"]) == upstreams
        out[count] = statistics.median(samples)
    return out


def blocked_readers(readers: int, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        with serving(consulite_cmd) as port:
            out = subprocess.run([sys.executable, str(HERE / "blockers.py"), f"http://127.0.0.1:{port}",
                                  str(readers)], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout)["last_reader_s"])
    return statistics.median(runs)


def fresh_server_and_reset(repeats: int) -> tuple[float, float]:
    """Median seconds for a ConsuliteServer start + reset + stop, and for a reset alone."""
    sys.path.insert(0, str(ROOT))
    from consulite.testing import ConsuliteServer

    fresh, resets = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        with ConsuliteServer() as server:
            server.reset()
            fresh.append(time.perf_counter() - start)
            server.register_service({"Name": "web"})
            start = time.perf_counter()
            server.reset()
            resets.append(time.perf_counter() - start)
    return statistics.median(fresh), statistics.median(resets)


def hcl_service(i: int) -> dict:
    """A service definition file's content: a plain service with a check, or a sidecar with an upstream."""
    port = 8000 + i % 1000
    if i % 2 == 0:
        return {"service": {"name": f"svc{i}", "id": f"svc{i}-1", "port": port, "tags": ["a", "b"],
                            "meta": {"team": f"t{i}"},
                            "check": {"http": f"http://localhost:{port}/health", "interval": "10s"}}}
    return {"service": {"name": f"web{i}-sidecar-proxy", "kind": "connect-proxy", "port": port, "proxy": {
        "destination_service_name": f"web{i}", "mesh_gateway": {"mode": "local"},
        "upstreams": [{"destination_name": f"db{i}", "destination_partition": "finance",
                       "local_bind_port": 9000 + i}]}}}


def as_hcl(doc: dict, indent: str = "") -> str:
    """HCL for a definition: maps as blocks, lists of maps as lists of objects, scalars as JSON literals."""
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key} {{\n{as_hcl(value, indent + '  ')}{indent}}}\n")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            items = "".join(f"{indent}  {{\n{as_hcl(v, indent + '    ')}{indent}  }},\n" for v in value)
            lines.append(f"{indent}{key} = [\n{items}{indent}]\n")
        else:
            lines.append(f"{indent}{key} = {json.dumps(value)}\n")
    return "".join(lines)


def hcl_loading(count: int, repeats: int) -> tuple[float, float]:
    """Median seconds for consulite's loader (`build`: parse, decode, validate) to load `count` service files
    written in HCL, and the same definitions written as JSON: the HCL parser's own cost."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from consulite.decode.agent_config import build

    seconds: dict[str, list[float]] = {"hcl": [], "json": []}
    with tempfile.TemporaryDirectory() as hcl, tempfile.TemporaryDirectory() as js:
        for i in range(count):
            Path(hcl, f"svc{i:05d}.hcl").write_text(as_hcl(hcl_service(i)))
            Path(js, f"svc{i:05d}.json").write_text(json.dumps(hcl_service(i)))
        for _ in range(repeats):
            for kind, where in (("hcl", hcl), ("json", js)):
                start = time.perf_counter()
                loaded = build([where]).loaded
                seconds[kind].append(time.perf_counter() - start)
                assert len(loaded.services) == count
    return statistics.median(seconds["hcl"]), statistics.median(seconds["json"])
def kv_rows(tiny: bool) -> list[Row]:
    """KV figures in-process: prefix reads by store size, memory per key, a write under a prefix with readers
    blocked elsewhere (served KV reads and writes are in bench/served.py)."""
    import kv

    rows = []
    small, large = (10_000, 100_000) if tiny else (10_000, 1_000_000)
    big, little = kv.recurse_seconds(large, 20), kv.recurse_seconds(small, 20)
    rows.append(Row(f"?recurse 1000 keys, store {large:,} vs {small:,} (ms)", big * 1e3, little * 1e3, big / little,
                    "<= 1.2x", big / little <= 1.2, f"consulite itself, store of {small:,}"))
    keys = 20_000 if tiny else 1_000_000
    mem = kv.memory_per_key(keys)
    rows.append(Row(f"memory per KV key at {keys:,} (bytes)", mem, None, None, "<= 300", mem <= 300, NONE))
    readers = 100 if tiny else 1000
    woken, busy, alone = kv.write_with_blocked_readers(readers, 50)
    rows.append(Row(f"KV write, {readers:,} readers blocked elsewhere (us)", busy * 1e6, alone * 1e6, busy / alone,
                    "0 woken", woken == 0, "consulite itself, no reader blocked"))
    return rows


def durable_rows(tiny: bool) -> list[Row]:
    """Start-up from a data dir holding many services, and the data dir's size against the state document's
    (served -data-dir writes are in bench/served.py)."""
    import tempfile

    from durable import data_dir_cmd, filled_data_dir

    count = 1000 if tiny else 100_000
    with tempfile.TemporaryDirectory() as where:
        size, doc = filled_data_dir(where, count)
        up = startup(data_dir_cmd(where), 1 if tiny else 3)
    return [Row(f"start-up from a data dir of {count:,} services (s)", up, None, None, "<= 10 s", up <= 10, NONE),
            Row(f"data dir vs state document, {count:,} services (MB)", size / 1e6, doc / 1e6, size / doc, "<= 2x",
                size / doc <= 2, "the state document of the same services")]


def startup_rows(tiny: bool, repeats: int) -> list[Row]:
    up_c, up_b = startup(consulite_cmd, repeats), startup(baseline_cmd, repeats)
    rows = [Row("start-up to first 200 (s)", up_c, up_b, up_c / up_b, "<= 0.3 s", up_c <= 0.3, BARE_APP)]
    fresh, reset = fresh_server_and_reset(3 if tiny else 20)
    rows.append(Row("fresh test server + reset (ms)", fresh * 1e3, None, None, "<= 20 ms", fresh <= 0.02, NONE))
    rows.append(Row("reset between tests (ms)", reset * 1e3, None, None, "<= 20 ms", reset <= 0.02, NONE))
    return rows


def in_process_rows(tiny: bool, repeats: int) -> list[Row]:
    rows = []
    wake = blocked_reader_wake(5 if tiny else 50)
    rows.append(Row("blocked config reader wake (ms)", wake * 1e3, None, None, "<= 50 ms", wake <= 0.05, NONE))
    small, large = (100, 1000) if tiny else (1000, 10_000)
    per = explain_per_upstream((small, large), 1000 if tiny else 10_000, 100, 5 if tiny else 30)
    ratio = per[large] / per[small]
    rows.append(Row(f"explain per upstream, {large:,} vs {small:,} entries (us)", per[large] * 1e6, per[small] * 1e6,
                    ratio, "<= 1.2x", ratio <= 1.2, f"consulite itself, {small:,} entries"))
    readers = 50 if tiny else 1000
    last = blocked_readers(readers, repeats)
    rows.append(Row(f"{readers:,} blocked readers: write to last return (ms)", last * 1e3, None, None, "", None,
                    NONE))
    files = 50 if tiny else 1000
    hcl, js = hcl_loading(files, repeats)
    rows.append(Row(f"load {files:,} service files, HCL vs JSON (ms)", hcl * 1e3, js * 1e3, hcl / js, "<= 1.5x",
                    hcl / js <= 1.5, "consulite's loader on the same definitions as JSON files"))
    services = 1000 if tiny else 100_000
    mem = memory_per_service(services)
    rows.append(Row(f"memory per service at {services:,} (bytes)", mem, None, None, "<= 3072", mem <= 3072, NONE))
    return rows


def hardening_rows(tiny: bool, repeats: int) -> list[Row]:
    import hardening

    return [Row(name, ours, base, ratio, target, met, "consulite itself, no blocked readers" if "mixed" in name
                else NONE) for name, ours, base, ratio, target, met in hardening.rows(tiny, repeats)]


#: the groups of rows, in the order they run: name -> (tiny, sizes, repeats) -> rows
GROUPS = {
    "writes": lambda tiny, sizes, repeats: served.write_rows(sizes),
    "reads": lambda tiny, sizes, repeats: served.read_setups(sizes),
    "checks": lambda tiny, sizes, repeats: served.checks_rows(sizes),
    "scale": lambda tiny, sizes, repeats: served.scale_rows(sizes),
    "connect": lambda tiny, sizes, repeats: served.connect_rows(sizes),
    "startup": lambda tiny, sizes, repeats: startup_rows(tiny, repeats),
    "inprocess": lambda tiny, sizes, repeats: in_process_rows(tiny, repeats),
    "kv": lambda tiny, sizes, repeats: kv_rows(tiny),
    "durable": lambda tiny, sizes, repeats: durable_rows(tiny),
    "hardening": lambda tiny, sizes, repeats: hardening_rows(tiny, repeats),
}

TINY = served.Sizes(seconds=1, repeats=1, health=100, config=200, resolvers=50, catalog=100, agent=200,
                    scale=(100, 1000), blockers=200, checks=100, settle=0.5,
                    warmup=False)


def fmt(v: float | None) -> str:
    return "" if v is None else f"{v:,.3f}" if v < 100 else f"{v:,.0f}"


def cells(r: Row) -> list[str]:
    ours, base = fmt(r.ours), fmt(r.base)
    if r.rates:
        ours, base = (f"{v} @ {rate:,.0f}/s" if rate >= 10 else f"{v} @ {rate:.2g}/s"
                      for v, rate in zip((ours, base), r.rates, strict=True))
    met = r.met if isinstance(r.met, str) else "" if r.met is None else "yes" if r.met else "NO"
    return [r.figure, ours, base, fmt(r.ratio), r.target, met, r.basis]


HEAD = ["figure", "consulite", "baseline", "ratio", "target", "met?", "baseline is"]


def table(rows: list[Row]) -> str:
    lines = [cells(r) for r in rows]
    widths = [max(len(x) for x in col) for col in zip(HEAD, *lines, strict=True)]
    out = [" | ".join(h.ljust(w) for h, w in zip(HEAD, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out += [" | ".join(c.rjust(w) if i in (1, 2, 3) else c.ljust(w)
                       for i, (c, w) in enumerate(zip(line, widths, strict=True))) for line in lines]
    return "\n".join(out)


def markdown(rows: list[Row], header: str) -> str:
    out = [header, "", "| " + " | ".join(HEAD) + " |", "|---|---:|---:|---:|---|---|---|"]
    out += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="tiny sizes (smoke test)")
    ap.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups of {', '.join(GROUPS)}")
    ap.add_argument("--markdown", metavar="FILE", help="also write the table as markdown to FILE")
    args = ap.parse_args()
    if wrk.ensure_wrk() is None:
        sys.exit("bench: wrk is needed (Debian package wrk)")
    # every server starts from bytecode, as an installed consulite does (with PYTHONDONTWRITEBYTECODE set, an
    # editable checkout would otherwise compile its changed modules at every start)
    compileall.compile_dir(str(ROOT / "consulite"), quiet=1)
    sizes = TINY if args.tiny else served.Sizes()
    repeats = 1 if args.tiny else 3
    rows: list[Row] = []
    started = time.perf_counter()
    for name in args.only.split(","):
        began = time.perf_counter()
        try:
            rows += GROUPS[name](args.tiny, sizes, repeats)
        except Exception as e:  # one group's failure is its row, loudly; the rest still run
            print(f"bench: group {name} failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            rows.append(Row(f"group {name}", None, None, None, "", f"ERROR: {type(e).__name__}", ""))
        print(f"bench: {name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    header = (f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}, "
              f"load average {load:.1f} at the end; {time.perf_counter() - started:.0f} s; medians of "
              f"{sizes.repeats} interleaved wrk runs of {sizes.seconds:g} s (served rows: server CPU us per request "
              f"@ requests per second, server on core 0, wrk on core 1), {repeats} otherwise")
    print(header)
    print(table(rows))
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows, header))
    if any(isinstance(r.met, str) for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
