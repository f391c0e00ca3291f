"""Issue 11: state documents are all or nothing. `PUT /_consulite/state` checks the whole document before
anything is cleared (a refusal is a 400 naming the problem, and nothing changes); a corrupt `-state` file
at start-up is a one-line refusal naming the file, exit code 1."""

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from consulite.decode.files import FileError
from consulite.http.app import make_app
from consulite.model.agent_config import AgentConfig

ROOT = Path(__file__).resolve().parents[1]


async def populated(aiohttp_client):
    client = await aiohttp_client(make_app())
    await client.put("/v1/partition", json={"Name": "finance"})
    await client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global", "MeshGateway": {"Mode": "local"}})
    await client.put("/v1/agent/service/register", json={"Name": "web", "Port": 80, "Check": {"TTL": "30s"}})
    await client.put("/v1/agent/service/register", json={"Name": "billing"}, params={"partition": "finance"})
    return client


def deep(levels: int):
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value


def bad_documents(saved: dict) -> dict[str, dict]:
    """name -> a document that must be refused, each derived from a real saved state."""
    out = {}

    def variant(name, change):
        doc = copy.deepcopy(saved)
        change(doc)
        out[name] = doc

    variant("unknown kind", lambda d: d["entries"][0].__setitem__("kind", "no-such-kind"))
    variant("index 2^64", lambda d: d.__setitem__("index", 1 << 64))
    variant("index 2^70", lambda d: d.__setitem__("index", 1 << 70))
    variant("negative index", lambda d: d.__setitem__("index", -1))
    variant("no partitions", lambda d: d.__setitem__("partitions", []))
    variant("no default partition", lambda d: d.__setitem__("partitions", [p for p in d["partitions"]
                                                                          if p["name"] != "default"]))
    variant("duplicate service", lambda d: d["services"].append(copy.deepcopy(d["services"][-1])))
    variant("duplicate partition", lambda d: d["partitions"].append(copy.deepcopy(d["partitions"][0])))
    variant("service in a missing partition", lambda d: d["services"][-1].__setitem__("partition", "nowhere"))
    variant("service in a missing namespace", lambda d: d["services"][-1].__setitem__("namespace", "nowhere"))
    variant("deep entry body", lambda d: d["entries"][0]["body"].__setitem__("Config", deep(300)))
    variant("huge modify index", lambda d: d["services"][0].__setitem__("modify_index", 1 << 64))
    variant("huge topic index", lambda d: d["topics"][0].__setitem__(1, 1 << 66))
    variant("wrong type", lambda d: d.__setitem__("services", {"not": "a list"}))
    return out


async def test_refused_state_documents_change_nothing(aiohttp_client):
    client = await populated(aiohttp_client)
    before = await (await client.get("/_consulite/state")).json()
    index_before = (await client.get("/v1/catalog/services")).headers["X-Consul-Index"]
    for name, doc in bad_documents(before).items():
        r = await client.put("/_consulite/state", json=doc)
        text = await r.text()
        assert r.status == 400, (name, r.status, text)
        # a too-deep value is refused by the body parser itself, before the document is looked at
        assert text.startswith("invalid state document") or "nests more than" in text, (name, text)
        assert (await client.get("/v1/catalog/services")).headers["X-Consul-Index"] == index_before, name
        assert await (await client.get("/_consulite/state")).json() == before, name


async def test_the_problem_is_named(aiohttp_client):
    client = await populated(aiohttp_client)
    saved = await (await client.get("/_consulite/state")).json()
    docs = bad_documents(saved)
    expect = {"unknown kind": "unknown config entry kind 'no-such-kind'", "index 2^70": "out of range",
              "no partitions": 'no "default" partition', "duplicate service": "duplicate key",
              "service in a missing namespace": "is in a namespace the document does not have",
              "deep entry body": "nests more than 128 levels"}  # the body parser refuses it first
    for name, words in expect.items():
        r = await client.put("/_consulite/state", json=docs[name])
        assert words in await r.text(), name


async def saved_state_file(aiohttp_client, tmp_path) -> Path:
    client = await populated(aiohttp_client)
    path = tmp_path / "state.json"
    path.write_bytes(await (await client.get("/_consulite/state")).read())
    return path


def corruptions(raw: bytes, seed: int = 11):
    """Truncations, byte flips and wrong types of a real state file."""
    rng = random.Random(seed)
    for n in sorted({0, 1, 2, len(raw) // 2, len(raw) - 1, *rng.sample(range(len(raw)), 40)}):
        yield f"truncated at {n}", raw[:n]
    for _ in range(60):
        pos = rng.randrange(len(raw))
        yield f"byte {pos} flipped", raw[:pos] + bytes([raw[pos] ^ (1 << rng.randrange(8))]) + raw[pos + 1:]
    doc = json.loads(raw)
    for key in doc:
        for wrong in (None, "x", 1.5, [], {}, True, 1 << 70):
            yield f"{key} = {wrong!r}", json.dumps({**doc, key: wrong}).encode()
    yield "not UTF-8", b"\xff\xfe" + raw
    yield "a list", b"[" + raw + b"]"


async def test_corrupt_state_files_are_refused_in_one_line(aiohttp_client, tmp_path):
    from consulite.agent.core import Agent
    from consulite.cli.agent import _read_state

    path = await saved_state_file(aiohttp_client, tmp_path)
    raw = path.read_bytes()
    refused = accepted = 0
    for name, data in corruptions(raw):
        bad = tmp_path / "bad.json"
        bad.write_bytes(data)
        try:
            doc = _read_state(str(bad), AgentConfig())
        except FileError as e:
            assert e.text.startswith(f"{bad}: ") and "\n" not in e.text, (name, e.text)
            refused += 1
            continue
        # a flip that still makes a consistent document (a changed description, say) must then serve
        agent = Agent()
        agent.state.load_checked(doc)
        json.dumps(agent.state.snapshot())
        accepted += 1
    assert refused > 100 and refused + accepted > 150


@pytest.mark.slow
def test_corrupt_state_file_at_start_exits_1_naming_the_file(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"Format": 1, "index": 1 << 70}))
    for data in (b'{"Format": 1, "ind', b"\xff", json.dumps({"Format": 1, "index": 1 << 70}).encode()):
        good.write_bytes(data)
        proc = subprocess.run([sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", "0",
                               "-state", str(good)], capture_output=True, text=True, timeout=60, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"consulite: refusing to start: {good}: "), proc.stderr


@pytest.mark.parametrize("table, row", [
    ("kv", {"key": "a", "value": None, "flags": 0, "lock_index": 0, "session": "", "create_index": 1,
            "modify_index": 2**70, "partition": "default", "namespace": "default"}),
    ("kv", {"key": "a", "value": None, "flags": 0, "lock_index": 0, "session": "", "create_index": 1,
            "modify_index": 1, "partition": "nowhere", "namespace": "default"}),
])
async def test_every_table_is_checked_with_its_own_key(aiohttp_client, table, row):
    # the duplicate, partition and index checks cover every table through its key(), not a hand-kept list
    client = await populated(aiohttp_client)
    saved = await (await client.get("/_consulite/state")).json()
    for doc in ({**saved, table: [row]}, {**saved, table: [{**row, "modify_index": 1, "partition": "default"}] * 2}):
        r = await client.put("/_consulite/state", json=doc)
        assert r.status == 400 and (await r.text()).startswith(f"invalid state document: {table}: "), await r.text()
    assert await (await client.get("/_consulite/state")).json() == saved  # nothing changed
