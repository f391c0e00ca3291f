"""`-data-dir`: what an agent answered before a restart it answers after it; refused data dirs are left alone."""

from __future__ import annotations

import asyncio
import sqlite3

import orjson
import pytest

from consulite.http.app import AGENT_KEY, make_app
from consulite.model.agent_config import AgentConfig
from consulite.model.scope import DEFAULT_SCOPE
from consulite.persist import DataDirError
from consulite.persist.datadir import DB_FILE, LOCK_FILE
from consulite.server import attach_data_dir
from tests.http.test_state import PATHS, populate


@pytest.fixture
def start(aiohttp_client, tmp_path):
    """`await start(clock=None)`: a client of an agent on the test's data dir (close it to stop the agent)."""

    async def starting(clock=None, config=None):
        app = make_app(config or AgentConfig(), clock)
        await attach_data_dir(app, str(tmp_path))
        return await aiohttp_client(app)

    return starting


async def answers(client) -> dict:
    found = {}
    for path in PATHS:
        r = await client.get(path)
        found[path] = (r.status, await r.read(), r.headers.get("X-Consul-Index"), r.headers.get("X-Consul-ContentHash"))
    return found


def same_state(a: dict, b: dict) -> bool:
    """Equal state documents: the same rows in every table and the same topic indexes (neither the order of
    the topics nor that of a table's rows means anything; the GETs compared beside show what clients see)."""
    def rows(doc: dict) -> dict:
        return {k: sorted(map(orjson.dumps, v)) if isinstance(v, list) and k != "topics" else v
                for k, v in doc.items()}

    return ({**rows(a), "topics": {tuple(t): i for t, i in a["topics"]}}
            == {**rows(b), "topics": {tuple(t): i for t, i in b["topics"]}})


async def test_a_restarted_agent_answers_every_get_as_before(start, clock):
    a = await start(clock)
    await populate(a)
    await a.put("/v1/agent/service/deregister/billing", params={"partition": "finance"})
    await a.put("/v1/agent/service/register", json={"name": "billing", "port": 10}, params={"partition": "finance"})
    before, doc = await answers(a), await (await a.get("/_consulite/state")).json()
    await a.close()
    b = await start(clock)
    assert await answers(b) == before
    assert same_state(await (await b.get("/_consulite/state")).json(), doc)
    # the index goes on from where it was
    await b.put("/v1/agent/service/register", json={"name": "new"})
    assert int((await b.get("/v1/catalog/services")).headers["X-Consul-Index"]) == doc["index"] + 1


async def test_reset_state_load_and_partition_delete_write_through(start, clock):
    a = await start(clock)
    await populate(a)
    doc = await (await a.get("/_consulite/state")).json()
    await a.put("/_consulite/reset")
    await a.put("/v1/agent/service/register", json={"name": "after-reset"})
    await a.close()
    b = await start(clock)
    assert list(await (await b.get("/v1/agent/services")).json()) == ["after-reset"]
    assert (await b.put("/_consulite/state", json=doc)).status == 200
    await b.delete("/v1/partition/finance")
    expected = await answers(b)
    await b.close()
    c = await start(clock)
    assert await answers(c) == expected


async def test_ttl_checks_run_again_from_the_restart(start, clock):
    a = await start(clock)
    await a.put("/v1/agent/check/register", json={"Name": "beat", "TTL": "10s"})
    await a.put("/v1/agent/check/pass/beat")
    await a.close()
    clock.now = 0.0  # a new process: the TTL counts from the restart
    b = await start(clock)
    assert (await (await b.get("/v1/agent/checks")).json())["beat"]["Status"] == "passing"
    clock.advance(9)
    assert (await (await b.get("/v1/agent/checks")).json())["beat"]["Status"] == "passing"
    clock.advance(2)
    assert (await (await b.get("/v1/agent/checks")).json())["beat"]["Status"] == "critical"


async def test_concurrent_writes_share_commits(start):
    a = await start()
    journal = a.app[AGENT_KEY].journal
    first = journal.batches
    answers = await asyncio.gather(*(a.put("/v1/agent/service/register", json={"name": f"s{n}"}) for n in range(50)))
    assert all(r.status == 200 for r in answers)
    assert journal.batches - first < 25  # one commit per loop batch, not per write


async def test_a_write_the_data_dir_refuses_is_not_acknowledged(start, monkeypatch):
    a = await start()
    journal = a.app[AGENT_KEY].journal

    def failing(batch):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal.dir, "write", failing)
    r = await a.put("/v1/agent/service/register", json={"name": "lost"})
    assert r.status == 500 and "data dir could not be written" in await r.text()
    assert (await a.put("/v1/agent/service/register", json={"name": "later"})).status == 500


async def test_a_second_agent_on_the_same_data_dir_refuses(start, tmp_path):
    await start()
    with pytest.raises(DataDirError) as e:
        await attach_data_dir(make_app(), str(tmp_path))
    assert e.value.text.startswith(f"{tmp_path / LOCK_FILE}: data dir is in use by another agent (pid ")


def _edit_rows(db, table: str, edit) -> None:
    """Rewrite every journaled row of `table` with `edit(row)` (a hand-edited data dir)."""
    with sqlite3.connect(db) as conn:
        for rowid, body in conn.execute(f'SELECT rowid, body FROM "rows:{table}"').fetchall():
            conn.execute(f'UPDATE "rows:{table}" SET body = ? WHERE rowid = ?',
                         (orjson.dumps(edit(orjson.loads(body))).decode(), rowid))
    conn.close()


def _nest(row: dict) -> dict:
    """A proxy config nested past what renders (orjson writes at most 254 levels)."""
    deep: dict = {}
    for _ in range(200):
        deep = {"a": deep}
    return {**row, "proxy": {**(row.get("proxy") or {}), "config": deep}}


@pytest.mark.parametrize("damage", ["newer", "corrupt", "foreign", "too deep", "duplicate"])
async def test_a_newer_or_corrupt_data_dir_is_refused_and_left_alone(start, tmp_path, damage):
    a = await start()
    await a.put("/v1/agent/service/register", json={"name": "web"})
    await a.close()
    db = tmp_path / DB_FILE
    if damage == "newer":
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
        conn.close()
    elif damage == "corrupt":
        db.write_bytes(db.read_bytes()[:100] + b"\xff" * 4000)
    elif damage == "too deep":  # recovery does not render rows back: it checks their nesting as it reads them
        _edit_rows(db, "services", _nest)
    elif damage == "duplicate":
        _edit_rows(db, "services", lambda row: {**row, "id": "same"})
    else:
        db.write_bytes(b"not a database at all" * 100)
    saved = db.read_bytes()
    with pytest.raises(DataDirError) as e:
        await attach_data_dir(make_app(), str(tmp_path))
    assert e.value.text.startswith(f"{db}: ") and "\n" not in e.value.text
    if damage == "newer":
        assert "newer consulite" in e.value.text
    assert db.read_bytes() == saved
    # the refusal released the lock: a fixed data dir starts
    db.unlink()
    await start()


def test_every_table_implements_the_protocol_the_journal_reads():
    """A table without `key` could not be journaled whole (reset, restore, a new data dir)."""
    from consulite.store import Store

    for table in Store().tables:
        for member in ("name", "item_type", "key", "clear", "dump", "load", "drop_partition",
                       "drop_namespace"):
            assert hasattr(table, member), (table.name, member)


async def test_a_state_file_seeds_only_a_new_data_dir(tmp_path):
    from consulite.server import serve

    seed = make_app()[AGENT_KEY]
    seed.services.register(seed.bodies.service(b'{"Name": "seeded"}'), DEFAULT_SCOPE)
    doc = seed.state.check(seed.state.snapshot())
    config = AgentConfig(data_dir=str(tmp_path))
    found = []
    for _ in range(2):
        runner, _port = await serve(config, port=0, state=doc)
        agent = runner.app[AGENT_KEY]
        found.append(agent.services.get(DEFAULT_SCOPE, "seeded") is not None)
        if agent.services.get(DEFAULT_SCOPE, "seeded") is not None:
            agent.services.deregister(DEFAULT_SCOPE, "seeded")
        await runner.cleanup()
    assert found == [True, False]  # the second start recovered the data dir and left the seed alone
