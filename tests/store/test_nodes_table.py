"""The catalog's node tables (store/nodes.py): indexes follow writes, a failed write undoes them, a namespace's
rows go with it (the `drop_namespace` table method), and their topics move."""

import pytest

from consulite.model.check import HealthCheck
from consulite.model.node import CatalogNode
from consulite.model.service import Service
from consulite.store import Store, topics


def _svc(node, sid, ns="default"):
    return Service(kind="", id=sid, name="web", partition="default", namespace=ns, tags=[], meta={}, node=node)


def _fill(store):
    with store.write() as tx:
        store.nodes.put(tx, CatalogNode(name="N1", partition="default", id="ID-1"))
        store.node_services.put(tx, _svc("N1", "a"))
        store.node_services.put(tx, _svc("n1", "b", ns="other"))
        store.node_checks.put(tx, HealthCheck(check_id="c", name="c", status="passing", partition="default",
                                              namespace="other", service_id="b", service_name="web", node="n1"))


def test_reads_by_name_node_and_id():
    store = Store()
    _fill(store)
    ws: set = set()
    assert [s.id for s in store.node_services.instances("default", "default", "web", ws)] == ["a"]
    assert [s.id for s in store.node_services.on_node("default", "n1")] == ["a", "b"]
    assert store.nodes.get("default", "id-1").name == "N1"  # by ID, case-insensitively
    assert topics.service_name("default", "default", "web") in ws


def test_a_failed_write_undoes_every_index():
    store = Store()
    _fill(store)
    before = {t.name: list(t.dump()) for t in (store.nodes, store.node_services, store.node_checks)}
    with pytest.raises(RuntimeError), store.write() as tx:
        store.node_services.put(tx, _svc("n1", "c"))
        store.nodes.remove(tx, ("default", "n1"))
        raise RuntimeError
    assert {t.name: list(t.dump()) for t in (store.nodes, store.node_services, store.node_checks)} == before
    assert [s.id for s in store.node_services.on_node("default", "n1")] == ["a", "b"]
    assert store.nodes.get("default", "ID-1") is not None


def test_drop_namespace_takes_its_services_and_checks():
    store = Store()
    _fill(store)
    with store.write() as tx:
        store.node_checks.drop_namespace(tx, "default", "other")
        store.node_services.drop_namespace(tx, "default", "other")
    assert [s.id for s in store.node_services.on_node("default", "n1")] == ["a"]
    assert store.node_checks.dump() == []
    assert store.watches.changed[topics.checks("default", "other")] == store.index
