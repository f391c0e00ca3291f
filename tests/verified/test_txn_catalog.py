"""Verified: `/v1/txn` Node, Service and Check verbs on nodes other than the agent's (reference
kv-sessions-txn.md §3.6; agent/consul/state/txn.go txnNode, txnService, txnCheck; agent/consul/txn_endpoint.go
preCheck; agent/consul/state/catalog.go for the catalog's own texts)."""

import pytest

from tests.verified.helpers import ANY_INDEX, assert_contains, newer
from tests.verified.helpers import txn_check as _check
from tests.verified.helpers import txn_node as _node
from tests.verified.helpers import txn_service as _svc


@pytest.fixture
def node(target):
    """A catalog node name for this test, deleted (with what is on it) afterwards."""
    name = target.name("n")
    yield name
    target.put("/v1/txn", [{"Node": {"Verb": "delete", "Node": {"Node": name}}}])


def _txn(target, *ops, status=200):
    r = target.put("/v1/txn", list(ops))
    assert r.status == status, r.body
    return r.body["Results"] if status == 200 else [(e["OpIndex"], e["What"]) for e in r.body["Errors"]]


def test_set_then_get(target, node):
    writes = _txn(target, _node("set", Node=node, Address="10.0.0.1"),
                  _svc("set", node, ID="web1", Service="web", Port=80),
                  _check("set", Node=node, Name="alive", ServiceID="web1",
                         Definition={"HTTP": "http://x", "Interval": "10s"}),
                  _check("set", Node=node, CheckID="plain"))
    expected = [
        {"Node": {"ID": "", "Node": node, "Address": "10.0.0.1", "Datacenter": "dc1", "TaggedAddresses": None,
                  "Meta": None, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}},
        {"Service": {"ID": "web1", "Service": "web", "Tags": None, "Address": "", "Meta": None, "Port": 80,
                     "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": False,
                     "Proxy": {"MeshGateway": {}, "Expose": {}}, "Connect": {}, "CreateIndex": ANY_INDEX,
                     "ModifyIndex": ANY_INDEX}},
        {"Check": {"Node": node, "CheckID": "alive", "Name": "alive", "Status": "critical", "Notes": "",
                   "Output": "", "ServiceID": "web1", "ServiceName": "web", "ServiceTags": None,
                   # checkPreApply fills Type from the definition since 1.9 (agent/consul/catalog_endpoint.go)
                   "Type": newer(target, "agent/consul/catalog_endpoint.go checkPreApply", v187="", current="http"),
                   "Definition": {"HTTP": "http://x", "Interval": "10s"}, "CreateIndex": ANY_INDEX,
                   "ModifyIndex": ANY_INDEX}},
        {"Check": {"Node": node, "CheckID": "plain", "ServiceID": "", "ServiceName": "", "ServiceTags": None}}]
    assert_contains(writes, expected)
    assert len({r[k]["ModifyIndex"] for r in writes for k in r}) == 1  # one index for the transaction
    reads = _txn(target, _node("get", Node=node), _svc("get", node, ID="web1"),
                 _check("get", Node=node, CheckID="alive"), _check("get", Node=node, CheckID="plain"))
    assert_contains(reads, expected)


def test_cas_and_delete_cas(target, node):
    [n] = _txn(target, _node("set", Node=node, Address="10.0.0.1"))
    index = n["Node"]["ModifyIndex"]
    _txn(target, _svc("set", node, Service="web"), _check("set", Node=node, CheckID="c"))
    missing = target.name("missing")
    assert _txn(target, _node("cas", Node=node, Address="10.0.0.2"),
                _node("cas", Node=missing, Address="1.1.1.1", ModifyIndex=5),
                _svc("cas", node, Service="web"), _check("cas", Node=node, CheckID="c"),
                _node("delete-cas", Node=missing), _svc("delete-cas", node, Service="zz", ModifyIndex=3),
                _check("delete-cas", Node=node, CheckID="zz", ModifyIndex=4),
                _check("delete-cas", Node=node, CheckID="c", ModifyIndex=1), status=409) == [
        (0, f'failed to set node "{node}", index is stale'), (1, f'failed to set node "{missing}", index is stale'),
        (2, f'failed to set service "web" on node "{node}", index is stale'),
        (3, f'failed to set check "c" on node "{node}", index is stale'),
        (4, f'failed to delete node "{missing}", index is stale'),
        (5, f'failed to delete service "zz" on node "{node}", index is stale'),
        (6, f'failed to delete check "zz" on node "{node}", index is stale'),
        (7, f'failed to delete check "c" on node "{node}", index is stale')]
    [n] = _txn(target, _node("cas", Node=node, Address="10.0.0.2", ModifyIndex=index))
    assert n["Node"]["Address"] == "10.0.0.2" and n["Node"]["ModifyIndex"] > index
    [s, c] = _txn(target, _svc("get", node, ID="web"), _check("get", Node=node, CheckID="c"))
    assert _txn(target, _svc("delete-cas", node, Service="web", ModifyIndex=s["Service"]["ModifyIndex"]),
                _check("delete-cas", Node=node, CheckID="c", ModifyIndex=c["Check"]["ModifyIndex"])) == []
    assert target.get(f"/v1/catalog/node/{node}").body["Services"] == {}


def test_errors_and_rollback(target, node):
    missing = target.name("missing")
    assert _txn(target, _node("set", Node=node, Address="10.0.0.1"),
                _svc("set", missing, Service="a"), _check("set", Node=missing, CheckID="a"),
                _check("set", Node=node, CheckID="b", ServiceID="nosvc"), _check("set", Node=node),
                _node("get", Node=missing), _svc("get", node, ID="zz"), _check("get", Node=node, CheckID="zz"),
                _svc("delete", missing, Service="a"), _check("delete", Node=missing, CheckID="a"),
                _node("delete", Node=missing), _check("frob", Node=node), status=409) == [
        (1, "Missing node registration"), (2, "Missing node registration"), (3, "Missing service registration"),
        (4, "failed inserting check: object missing primary index"), (5, f'node "{missing}" doesn\'t exist'),
        (6, f'service "zz" on node "{node}" doesn\'t exist'), (7, f'check "zz" on node "{node}" doesn\'t exist'),
        (11, 'unknown Check verb "frob"')]
    assert target.get(f"/v1/catalog/node/{node}").body is None  # op 0 was rolled back


def test_pre_checks_answer_alone(target, node):
    assert _txn(target, _node("set", Address="1.2.3.4"), _node("set", Node=node, ID="bad"),
                _svc("delete", node, ID="web"), _node("get", Node=target.name("missing")), status=409) == [
        (0, "Must provide node"), (1, "Bad node ID: uuid string is wrong length"),
        (2, newer(target, "agent/consul/catalog_endpoint.go servicePreApply", v187="Must provide service name with ID",
                  current="Must provide service name (Service.Service) when service ID is provided"))]


def test_deleting_a_node_takes_what_is_on_it(target, node):
    name = target.name("web")
    _txn(target, _node("set", Node=node, Address="10.0.0.1"), _svc("set", node, Service=name),
         _check("set", Node=node, CheckID="c"))
    assert _txn(target, _node("delete", Node=node)) == []
    assert target.get(f"/v1/catalog/service/{name}").body == []
    assert target.get(f"/v1/health/node/{node}").body == []
    assert target.get(f"/v1/catalog/node/{node}").body is None
