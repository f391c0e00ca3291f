"""consulite's benchmarks, each measured side by side with a bare aiohttp baseline in the same run.

    python bench/run.py            # full sizes
    python bench/run.py --tiny     # seconds; the smoke test runs this so the harness cannot rot

Prints one table: figure, consulite, baseline, ratio, target, met?. Medians over repeats.
Benchmarks are not tests: nothing here fails on a timing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


ACL_ROOT = "11111111-2222-3333-4444-555555555555"


def consulite_acl_cmd(port: int) -> list[str]:
    return [*consulite_cmd(port), "-acl-enabled", "-acl-default-policy", "deny", "-acl-initial-management", ACL_ROOT]


def acl_token_with_a_dozen_policies(port: int) -> dict:
    """A token holding twelve policies (one grants the load's services), as the environment of the load."""
    def put(path: str, body: dict) -> dict:
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="PUT",
                                     headers={"X-Consul-Token": ACL_ROOT})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    ids = []
    for n in range(12):
        rules = (f'service_prefix "other{n}-" {{ policy = "write" }}\nkey_prefix "app{n}/" {{ policy = "read" }}\n'
                 f'node_prefix "" {{ policy = "read" }}')
        if n == 11:
            rules += '\nservice_prefix "svc" { policy = "write" }'
        ids.append({"ID": put("/v1/acl/policy", {"Name": f"bench-{n}", "Rules": rules})["ID"]})
    return {"CONSULITE_BENCH_TOKEN": put("/v1/acl/token", {"Policies": ids})["SecretID"]}


def baseline_cmd(port: int) -> list[str]:
    return [sys.executable, str(HERE / "baseline_server.py"), str(port)]


@contextlib.contextmanager
def serving(cmd_of):
    """A server process on a free port, ready; the port."""
    port = free_port()
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
        port = free_port()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd_of(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            times.append(wait_ready(port, start + 30) - start)
        finally:
            proc.terminate()
            proc.wait()
    return statistics.median(times)


def put_load(cmd_of, total: int, concurrency: int, repeats: int, mode: str = "register", after=None,
             before=None) -> dict:
    """Median stats of `repeats` runs of the load generator against a fresh server; `before(port)` may set the
    load's environment up (an ACL token), `after(port)` may add figures measured on the loaded server."""
    runs = []
    for _ in range(repeats):
        with serving(cmd_of) as port:
            env = {**os.environ, **(before(port) if before is not None else {})}
            out = subprocess.run([sys.executable, str(HERE / "load.py"), f"http://127.0.0.1:{port}", str(total),
                                  str(concurrency), mode], capture_output=True, text=True, check=True, env=env)
            run = json.loads(out.stdout)
            if after is not None:
                run.update(after(port))
            runs.append(run)
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def get_seconds(port: int, path: str, times: int = 20) -> float:
    """Median seconds of a GET on a running server."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
            r.read()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def list_after_load(port: int) -> dict:
    """Time to list one small kind among the written entries, and to read a service back, on the same server."""
    body = json.dumps({"Kind": "proxy-defaults", "Name": "global"}).encode()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/v1/config", data=body, method="PUT"))
    return {"list_kind_s": get_seconds(port, "/v1/config/proxy-defaults")}


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


#: the check benchmark's runs: (load.py body mode, checks_server.py mode)
CHECK_MODES = {"plain": ("register", "run"), "stored": ("check", "store"), "running": ("check", "run")}


def checks_under_load(total: int, repeats: int, settle: float) -> dict:
    """Register throughput of `total` services with an HTTP check each (10 s interval, against a local target
    in its own process) with checks running, with the same checks stored only (`checks_run = false`), and of
    the same registrations without a check; runs interleaved, on the same server script. Then, with the
    checks running `settle` seconds more, the most any probe started after its due time, as the server's
    check runner measured it (`checks_server.py` prints it on SIGTERM)."""
    rates: dict[str, list[float]] = {mode: [] for mode in CHECK_MODES}
    out: dict = {"runs": 0, "late_max": 0.0}
    with serving(baseline_cmd) as target_port:
        env = {**os.environ, "BENCH_CHECK_URL": f"http://127.0.0.1:{target_port}/v1/status/leader"}
        for _ in range(repeats):
            for mode, (bodies, checks) in CHECK_MODES.items():
                port = free_port()
                proc = subprocess.Popen([sys.executable, str(HERE / "checks_server.py"), str(port), checks],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
                try:
                    wait_ready(port, time.perf_counter() + 30)
                    run = subprocess.run([sys.executable, str(HERE / "load.py"), f"http://127.0.0.1:{port}",
                                          str(total), "32", bodies], capture_output=True, text=True, check=True,
                                         env=env)
                    rates[mode].append(json.loads(run.stdout)["rps"])
                    if mode == "running":
                        time.sleep(settle)
                finally:
                    proc.terminate()
                    figures = json.loads(proc.communicate(timeout=30)[0] or '{"runs": 0, "late_max": 0}')
                out["runs"] += figures["runs"]
                out["late_max"] = max(out["late_max"], figures["late_max"])
    return {**out, **{mode: statistics.median(r) for mode, r in rates.items()}}


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


def list_services_after_load(port: int) -> dict:
    return {"list_s": get_seconds(port, "/v1/agent/services", times=15)}


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


HCL_FILES = (
    'service {{\n  name = "svc{i}"\n  id = "svc{i}-1"\n  port = {port}\n  tags = ["a", "b"]\n'
    '  meta {{\n    team = "t{i}"\n  }}\n  check {{\n    http = "http://localhost:{port}/health"\n'
    '    interval = "10s"\n  }}\n}}\n',
    'service {{\n  name = "web{i}-sidecar-proxy"\n  kind = "connect-proxy"\n  port = {port}\n  proxy {{\n'
    '    destination_service_name = "web{i}"\n    mesh_gateway {{\n      mode = "local"\n    }}\n'
    '    upstreams = [\n      {{\n        destination_name = "db{i}"\n        destination_partition = "finance"\n'
    '        local_bind_port = 9{i:04d}\n      }}\n    ]\n  }}\n}}\n',
)


def hcl_loading(count: int, repeats: int) -> tuple[float, float]:
    """Median seconds to load `count` HCL files: consulite's loader (parse + decode) and plain hcl2.loads."""
    import tempfile

    import hcl2

    sys.path.insert(0, str(ROOT))
    from consulite.decode.agent_config import build

    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            Path(tmp, f"svc{i:05d}.hcl").write_text(HCL_FILES[i % 2].format(i=i, port=8000 + i % 1000))
        ours, plain = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            loaded = build([tmp]).loaded
            ours.append(time.perf_counter() - start)
            assert len(loaded.services) == count
            start = time.perf_counter()
            for path in sorted(Path(tmp).iterdir()):
                hcl2.loads(path.read_text())
            plain.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(plain)


def kv_rows(tiny: bool, total: int, repeats: int) -> list[tuple]:
    """KV figures: PUT and GET throughput against the baseline's dict, prefix reads by store size, memory
    per key, a write under a prefix with readers blocked elsewhere."""
    import kv

    rows = []
    put_c, put_b = put_load(consulite_cmd, total, 32, repeats, mode="kv"), put_load(baseline_cmd, total, 32,
                                                                                     repeats, mode="kv")
    ratio = put_c["rps"] / put_b["rps"]
    rows.append(("KV PUT throughput (req/s)", put_c["rps"], put_b["rps"], ratio, ">= 0.7x", ratio >= 0.7))
    get_c, get_b = (put_load(cmd, total, 32, repeats, mode="kv-get") for cmd in (consulite_cmd, baseline_cmd))
    ratio = get_c["rps"] / get_b["rps"]
    rows.append(("KV GET one key throughput (req/s)", get_c["rps"], get_b["rps"], ratio, ">= 0.8x", ratio >= 0.8))
    small, large = (10_000, 100_000) if tiny else (10_000, 1_000_000)
    big, little = kv.recurse_seconds(large, 20), kv.recurse_seconds(small, 20)
    ratio = big / little
    rows.append((f"?recurse 1000 keys, store {large}:{small} (ms)", big * 1e3, little * 1e3, ratio, "<= 1.2x",
                 ratio <= 1.2))
    keys = 20_000 if tiny else 1_000_000
    mem = kv.memory_per_key(keys)
    rows.append((f"memory per KV key at {keys} (bytes)", mem, None, None, "<= 300", mem <= 300))
    readers = 100 if tiny else 1000
    woken, busy, alone = kv.write_with_blocked_readers(readers, 50)
    rows.append((f"KV write, {readers} readers blocked elsewhere (us)", busy * 1e6, alone * 1e6, busy / alone,
                 "0 woken", woken == 0))
    return rows


def durable_rows(rows: list, tiny: bool, total: int, repeats: int) -> None:
    """-data-dir against the in-memory agent, runs interleaved so that both see the same machine; start-up and
    size with many services (KV is not on main yet: the start-up figure holds services only)."""
    import tempfile

    from bench.durable import data_dir_cmd, filled_data_dir

    runs = [(put_load(consulite_cmd, total, 32, 1), put_load(data_dir_cmd(), total, 32, 1)) for _ in range(repeats)]
    in_memory, reg_d = ({k: statistics.median(r[i][k] for r in runs) for k in runs[0][i]} for i in (0, 1))
    ratio = reg_d["rps"] / in_memory["rps"]
    rows.append(("register throughput, -data-dir vs memory (req/s)", reg_d["rps"], in_memory["rps"], ratio,
                 ">= 0.6x", ratio >= 0.6))
    rows.append(("register p99, -data-dir vs memory (ms)", reg_d["p99_ms"], in_memory["p99_ms"],
                 reg_d["p99_ms"] / in_memory["p99_ms"], "", None))
    count = 1000 if tiny else 100_000
    with tempfile.TemporaryDirectory() as where:
        size, doc = filled_data_dir(where, count)
        up = startup(data_dir_cmd(where), 1 if tiny else 3)
    rows.append((f"start-up from a data dir of {count} services (s)", up, None, None, "<= 10 s", up <= 10))
    rows.append((f"data dir vs state document, {count} services (MB)", size / 1e6, doc / 1e6, size / doc, "<= 2x",
                 size / doc <= 2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="tiny sizes (smoke test)")
    args = ap.parse_args()
    repeats = 1 if args.tiny else 5
    total = 200 if args.tiny else 5000
    services = 1000 if args.tiny else 100_000

    rows = []
    up_c, up_b = startup(consulite_cmd, repeats), startup(baseline_cmd, repeats)
    rows.append(("start-up to first 200 (s)", up_c, up_b, up_c / up_b, "<= 0.3 s", up_c <= 0.3))
    reg_c = put_load(consulite_cmd, total, 32, repeats)
    reg_b = put_load(baseline_cmd, total, 32, repeats)
    listed = 500 if args.tiny else 10_000
    list_c = put_load(consulite_cmd, listed, 32, repeats, after=list_services_after_load)
    list_b = put_load(baseline_cmd, listed, 32, repeats, after=list_services_after_load)
    ratio = reg_c["rps"] / reg_b["rps"]
    rows.append(("register throughput (req/s)", reg_c["rps"], reg_b["rps"], ratio, ">= 0.7x", ratio >= 0.7))
    reg_acl = put_load(consulite_acl_cmd, total, 32, repeats, before=acl_token_with_a_dozen_policies)
    ratio = reg_acl["rps"] / reg_c["rps"]
    rows.append(("register with ACLs on, 12 policies (req/s)", reg_acl["rps"], reg_c["rps"], ratio, ">= 0.85x",
                 ratio >= 0.85))
    rows.append(("register p50 latency (ms)", reg_c["p50_ms"], reg_b["p50_ms"], reg_c["p50_ms"] / reg_b["p50_ms"],
                 "", None))
    rows.append(("register p99 latency (ms)", reg_c["p99_ms"], reg_b["p99_ms"], reg_c["p99_ms"] / reg_b["p99_ms"],
                 "", None))
    ratio = list_b["list_s"] / list_c["list_s"]
    rows.append((f"GET /v1/agent/services, {listed} services (ms)", list_c["list_s"] * 1e3, list_b["list_s"] * 1e3,
                 ratio, ">= 0.8x", ratio >= 0.8))
    entries = 200 if args.tiny else 10_000
    cfg = put_load(consulite_cmd, entries, 32, repeats, mode="config", after=list_after_load)
    reg = put_load(consulite_cmd, entries, 32, repeats, after=lambda port: {
        "read_s": get_seconds(port, "/v1/agent/service/svc-1")})
    ratio = reg["rps"] / cfg["rps"]
    rows.append((f"config write vs register, per request ({entries})", 1 / cfg["rps"] * 1e3, 1 / reg["rps"] * 1e3,
                 ratio, "<= 1.5x", ratio <= 1.5))
    ratio = cfg["list_kind_s"] / reg["read_s"]
    rows.append((f"list one kind among {entries} entries (ms)", cfg["list_kind_s"] * 1e3, reg["read_s"] * 1e3,
                 ratio, "<= 1.5x", ratio <= 1.5))
    wake = blocked_reader_wake(5 if args.tiny else 50)
    rows.append(("blocked config reader wake (ms)", wake * 1e3, None, None, "<= 50 ms", wake <= 0.05))
    small, large = (100, 1000) if args.tiny else (1000, 10_000)
    per = explain_per_upstream((small, large), 1000 if args.tiny else 10_000, 100, 5 if args.tiny else 30)
    ratio = per[large] / per[small]
    rows.append((f"explain per upstream, {large}:{small} entries (us)", per[large] * 1e6, per[small] * 1e6,
                 ratio, "<= 1.2x", ratio <= 1.2))
    readers = 50 if args.tiny else 1000
    last = blocked_readers(readers, repeats)
    rows.append((f"{readers} blocked readers: write to last return (ms)", last * 1e3, None, None, "", None))
    durable_rows(rows, args.tiny, total, repeats)
    fresh, reset = fresh_server_and_reset(3 if args.tiny else 20)
    rows.append(("fresh test server + reset (ms)", fresh * 1e3, None, None, "<= 20 ms", fresh <= 0.02))
    rows.append(("reset between tests (ms)", reset * 1e3, None, None, "<= 20 ms", reset <= 0.02))
    files = 50 if args.tiny else 1000
    ours, plain = hcl_loading(files, repeats)
    rows.append((f"load {files} HCL files vs hcl2.loads (ms)", ours * 1e3, plain * 1e3, ours / plain, "<= 1.3x",
                 ours / plain <= 1.3))
    checked = 200 if args.tiny else 1000
    probes = checks_under_load(checked, repeats, 0.5 if args.tiny else 12.0)
    ratio = probes["running"] / probes["stored"]
    rows.append((f"register, {checked} HTTP checks vs stored (req/s)", probes["running"],
                 probes["stored"], ratio, ">= 0.8x", ratio >= 0.8))
    ratio = probes["running"] / probes["plain"]
    rows.append((f"register, {checked} HTTP checks vs none (req/s)", probes["running"], probes["plain"],
                 ratio, ">= 0.8x", ratio >= 0.8))
    rows.append((f"latest probe start, {probes['runs']} runs (s)", probes["late_max"], None, None, "<= 1 s",
                 probes["late_max"] <= 1.0))
    import hardening

    rows += hardening.rows(args.tiny, repeats)
    mem = memory_per_service(services)
    rows.append((f"memory per service at {services} (bytes)", mem, None, None, "<= 3072", mem <= 3072))
    rows += kv_rows(args.tiny, total, repeats)

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {repeats} run(s)")
    print("baseline: a bare aiohttp app parsing the same JSON into a dict; for the ACL row, consulite with ACLs "
          "off; for config rows, consulite's own register path and service read in the same run; for the check "
          "rows, the same registrations with their checks stored only, and without a check")
    print(f"| {'figure':<52} | {'consulite':>11} | {'baseline':>11} | {'ratio':>6} | {'target':>9} | met? |")
    print(f"|{'-' * 54}|{'-' * 13}|{'-' * 13}|{'-' * 8}|{'-' * 11}|------|")
    for name, c, b, r, target, met in rows:
        def fmt(v):
            return ("" if v is None else f"{v:,.3f}" if v < 100 else f"{v:,.0f}")
        print(f"| {name:<52} | {fmt(c):>11} | {fmt(b):>11} | {fmt(r):>6} | {target:>9} | "
              f"{'' if met is None else 'yes' if met else 'NO':>4} |")


if __name__ == "__main__":
    main()
