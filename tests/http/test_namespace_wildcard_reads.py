"""`ns=*` on catalog and health reads (Enterprise): every namespace of the partition, the agent's node and the
catalog's other nodes alike (clients-and-enterprise.md §2.7; issue 15); writes into a missing namespace are
refused on the catalog's paths too."""

from __future__ import annotations


async def _setup(client):
    assert (await client.put("/v1/namespace", json={"Name": "team"})).status == 200
    for query, tags in (("", ["d"]), ("?ns=team", ["t"])):
        r = await client.put(f"/v1/agent/service/register{query}", json={"Name": "x", "Tags": tags,
                                                                            "Check": {"TTL": "10s"}})
        assert r.status == 200, await r.text()
    r = await client.put("/v1/catalog/register", json={
        "Node": "n1", "Address": "10.0.0.1",
        "Service": {"Service": "x", "Namespace": "team", "Tags": ["n"]},
        "Check": {"CheckID": "x-n1", "Name": "x", "ServiceID": "x", "Status": "passing", "Namespace": "team"}})
    assert r.status == 200, await r.text()


async def test_catalog_and_health_reads_cover_every_namespace(client):
    await _setup(client)
    services = await (await client.get("/v1/catalog/services?ns=*")).json()
    assert services == {"consul": [], "x": ["d", "t", "n"]}  # names merged, tags in order of first appearance
    instances = await (await client.get("/v1/catalog/service/x?ns=*")).json()
    assert sorted((s["Node"], s["Namespace"]) for s in instances) == [
        ("n1", "team"), ("node1", "default"), ("node1", "team")]
    health = await (await client.get("/v1/health/service/x?ns=*")).json()
    assert len(health) == 3
    checks = await (await client.get("/v1/health/checks/x?ns=*")).json()
    assert sorted(c["Namespace"] for c in checks) == ["default", "team", "team"]
    on_node = await (await client.get("/v1/catalog/node-services/n1?ns=*")).json()
    assert [s["Namespace"] for s in on_node["Services"]] == ["team"]
    # without the wildcard a read stays in its namespace
    assert len(await (await client.get("/v1/health/service/x")).json()) == 1


async def test_a_new_namespace_moves_a_wildcard_read(client):
    await _setup(client)
    before = await (await client.get("/v1/catalog/services?ns=*")).json()
    await client.put("/v1/namespace", json={"Name": "late"})
    await client.put("/v1/agent/service/register?ns=late", json={"Name": "y"})
    after = await (await client.get("/v1/catalog/services?ns=*")).json()  # not a kept answer from before
    assert "y" not in before and after["y"] == []


async def test_catalog_writes_into_a_missing_namespace_are_refused(client):
    r = await client.put("/v1/catalog/register", json={"Node": "n1", "Address": "10.0.0.1",
                                                       "Service": {"Service": "x", "Namespace": "nope"}})
    assert (r.status, await r.text()) == (500, 'Namespace "nope" does not exist')
    r = await client.put("/v1/catalog/register", json={"Node": "n1", "Address": "10.0.0.1",
                                                       "Check": {"Name": "c", "Namespace": "nope"}})
    assert (r.status, await r.text()) == (500, 'Namespace "nope" does not exist')
    assert await (await client.get("/v1/catalog/nodes")).json() != [] and \
        "n1" not in [n["Node"] for n in await (await client.get("/v1/catalog/nodes")).json()]
    r = await client.put("/v1/txn", json=[{"Service": {"Verb": "set", "Node": "n1",
                                                       "Service": {"Service": "y", "Namespace": "nope"}}}])
    assert r.status == 409
    assert (await r.json())["Errors"][0]["What"] == 'Namespace "nope" does not exist'
