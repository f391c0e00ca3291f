"""The store as tables under one index: a write transaction, watch sets, the table protocol."""

import asyncio

import pytest

from consulite.model.check import HealthCheck
from consulite.model.config import ConfigEntry
from consulite.model.partition import Partition
from consulite.model.service import Service
from consulite.store import Store, topics
from consulite.store.blocking import blocking, content_unchanged, hash_unchanged, index_unchanged


def service(sid: str, name: str = "web", partition: str = "default", namespace: str = "default") -> Service:
    return Service(kind="", id=sid, name=name, partition=partition, namespace=namespace, tags=[], meta={})


def web_instances(store: Store):
    """A read of the `web` instances, as agent operations write them: topics first, then the index."""
    def read(ws):
        found = store.services.instances("default", "default", "web", ws)
        return store.index_of(ws), found

    return read


def test_a_write_takes_one_index_and_touches_its_topics():
    store = Store()
    with store.write() as tx:
        store.services.put(tx, service("a"))
        store.services.put(tx, service("b"))
    assert store.index == 1
    assert {s.modify_index for s in store.services.rows.values()} == {1}
    ws: set = set()
    store.services.instances("default", "default", "web", ws)
    assert ws == {topics.service_name("default", "default", "web")} and store.index_of(ws) == 1


def test_a_write_that_changes_nothing_takes_no_index():
    store = Store()
    entry = ConfigEntry("service-defaults", "web", "default", "default", {"Protocol": "http"})
    with store.write() as tx:
        assert store.config.put(tx, entry)
    with store.write() as tx:  # the same body again: a no-op, even with a stale cas
        assert store.config.put(tx, ConfigEntry("service-defaults", "web", "default", "default",
                                                {"Protocol": "http"}), cas=99)
    assert store.index == 1


def test_an_exception_inside_a_write_commits_nothing():
    store = Store()
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.touch(topics.CONFIG)
        raise RuntimeError("refused")
    assert store.index == 0 and topics.CONFIG not in store.watches.changed


def test_cas_on_config_entries():
    store = Store()
    first = ConfigEntry("service-defaults", "web", "default", "default", {"Protocol": "http"})
    with store.write() as tx:
        assert not store.config.put(tx, first, cas=5)  # 0 means create only; 5 matches nothing
    with store.write() as tx:
        assert store.config.put(tx, first, cas=0)
    second = ConfigEntry("service-defaults", "web", "default", "default", {"Protocol": "grpc"})
    with store.write() as tx:
        assert not store.config.put(tx, second, cas=0)
    with store.write() as tx:
        assert store.config.put(tx, second, cas=first.modify_index)
    assert store.config.get(first.key).body == {"Protocol": "grpc"} and second.create_index == 1


def test_every_table_is_dumped_loaded_and_cleared_through_the_protocol():
    store = Store()
    with store.write() as tx:
        store.partitions.put(tx, Partition(name="default"))
        store.services.put(tx, service("a"))
        store.checks.put(tx, HealthCheck(check_id="c", name="c", status="passing", partition="default",
                                         namespace="default", service_id="a"))
        store.config.put(tx, ConfigEntry("proxy-defaults", "global", "default", "default", {}))
    dump = store.dump()
    assert set(dump) == {"index", "topics"} | {t.name for t in store.tables}
    assert set(store.layout()) == set(dump)
    other = Store()
    other.load(dump)
    assert other.index == store.index and other.dump() == dump
    assert other.checks.of_service("default", "default", "a")[0].check_id == "c"
    other.clear()
    assert other.index == 0 and all(not t.dump() for t in other.tables)


def test_dropping_a_partition_removes_its_rows_only():
    store = Store()
    with store.write() as tx:
        store.services.put(tx, service("a"))
        store.services.put(tx, service("b", partition="finance"))
        store.config.put(tx, ConfigEntry("proxy-defaults", "global", "finance", "default", {}))
    with store.write() as tx:
        store.drop_partition(tx, "finance")
    assert list(store.services.rows) == [("default", "default", "a")] and not store.config.rows


def test_dropping_a_namespace_removes_its_rows_only_in_every_table():
    from consulite.model.kv import KVEntry
    from consulite.model.namespace import Namespace

    store = Store()
    with store.write() as tx:
        store.namespaces.put(tx, Namespace("default", "ops"))
        store.services.put(tx, service("a"))
        store.services.put(tx, service("b", namespace="ops"))
        store.config.put(tx, ConfigEntry("service-defaults", "web", "default", "ops", {}))
        store.kv.put(tx, ("default", "ops"), KVEntry("k", b"1", create_index=tx.index))
    with store.write() as tx:
        store.drop_namespace(tx, "default", "ops")
    assert list(store.services.rows) == [("default", "default", "a")] and not store.config.rows
    assert not store.kv.spaces.get(("default", "ops")) and store.namespaces.rows  # the row goes with `delete`
    with store.write() as tx:
        store.drop_partition(tx, "default")
    assert not store.namespaces.rows  # a partition's namespaces go with it


async def test_blocking_index_waits_for_a_change_of_its_topics_only():
    store = Store()
    with store.write() as tx:
        store.services.put(tx, service("a"))

    read = web_instances(store)
    reader = asyncio.ensure_future(blocking(store.watches, read, 30, index_unchanged(1)))
    await store.watches.readers_blocked(1)
    with store.write() as tx:
        store.services.put(tx, service("x", name="other"))
    assert store.watches.woken == 0 and not reader.done()
    with store.write() as tx:
        store.services.put(tx, service("b"))
    index, found = await reader
    assert index == 3 and [s.id for s in found] == ["a", "b"]


async def test_blocking_predicates():
    assert index_unchanged(0)((5, None), (5, None)) is False  # no ?index: no blocking
    assert index_unchanged(5)((5, None), (5, None)) and not index_unchanged(5)((5, None), (6, None))
    assert not index_unchanged(5)((3, None), (3, None))  # a lower index: answer at once
    keep = content_unchanged(5)
    assert keep((5, [1]), (6, [1])) and not keep((5, [1]), (6, [2])) and not keep((4, [1]), (4, [1]))
    same = hash_unchanged("h", lambda v: v)
    assert same((0, "h"), (0, "h")) and not same((0, "h"), (0, "g")) and not hash_unchanged("", str)((0, ""), (0, ""))


async def test_clearing_the_store_answers_blocked_readers_at_once():
    store = Store()
    with store.write() as tx:
        store.services.put(tx, service("a"))

    def read(ws):
        index, found = web_instances(store)(ws)
        return index, len(found)

    reader = asyncio.ensure_future(blocking(store.watches, read, 300, content_unchanged(1)))
    await store.watches.readers_blocked(1)
    store.clear()
    assert await asyncio.wait_for(reader, 5) == (1, 0)
