"""Prepared queries through py-consul's query family and raw HTTP (texts as real Consul 1.8.7 answers them)."""

import consul
import pytest

from consulite import messages as M

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def test_py_consul_query_lifecycle(consulite):
    c = consulite.client()
    c.agent.service.register("web", service_id="web1", port=80, tags=["v1"])
    c.agent.service.register("web", service_id="web2", port=81, tags=["v2"], check=consul.Check.ttl("60s"))
    created = c.query.create("web", name="q1", tags=["v1"], ttl="10s", nearestn=3, datacenters=["dc2"])
    qid = created["ID"]
    [got] = c.query.get(qid)
    assert got["Name"] == "q1" and got["Service"]["Tags"] == ["v1"] and got["DNS"] == {"TTL": "10s"}
    assert got["Service"]["Failover"] == {"NearestN": 3, "Datacenters": ["dc2"]}
    assert [q["ID"] for q in c.query.list()] == [qid]
    result = c.query.execute("q1")
    assert [n["Service"]["ID"] for n in result["Nodes"]] == ["web1"] and result["Failovers"] == 0
    assert result["Datacenter"] == "dc1" and result["DNS"] == {"TTL": "10s"}
    assert c.query.explain(qid)["Query"]["ID"] == qid
    assert c.query.update(qid, "web", name="q1", tags=["!v1"])
    assert [n["Service"]["ID"] for n in c.query.execute(qid)["Nodes"]] == []  # web2's TTL check is critical
    c.agent.check.ttl_pass("service:web2")
    assert [n["Service"]["ID"] for n in c.query.execute(qid)["Nodes"]] == ["web2"]
    assert c.query.delete(qid)
    assert c.query.list() == []


async def test_only_passing_and_limit(client):
    await client.put("/v1/agent/service/register", json={"Name": "db", "ID": "db1"})
    await client.put("/v1/agent/service/register", json={"Name": "db", "ID": "db2", "Check": {"TTL": "60s"}})
    await client.put("/v1/agent/check/warn/service:db2")
    qid = (await (await client.post("/v1/query", json={"Service": {"Service": "db"}})).json())["ID"]
    ids = lambda body: [n["Service"]["ID"] for n in body["Nodes"]]  # noqa: E731
    assert ids(await (await client.get(f"/v1/query/{qid}/execute")).json()) == ["db1", "db2"]
    assert ids(await (await client.get(f"/v1/query/{qid}/execute?limit=1")).json()) == ["db1"]
    await client.put(f"/v1/query/{qid}", json={"Service": {"Service": "db", "OnlyPassing": True}})
    assert ids(await (await client.get(f"/v1/query/{qid}/execute")).json()) == ["db1"]
    r = await client.get(f"/v1/query/{qid}/execute?limit=x")
    assert r.status == 400


@pytest.mark.parametrize(("method", "path", "body", "status", "text"), [
    ("POST", "/v1/query", {"Name": "q"}, 500, M.QUERY_NO_SERVICE),
    ("GET", "/v1/query/nope", None, 500, M.QUERY_INDEX_ERROR),
    ("GET", f"/v1/query/{UNKNOWN}", None, 404, "Query not found"),
    ("GET", "/v1/query/nope/execute", None, 404, "Query not found"),
    ("GET", f"/v1/query/{UNKNOWN}/explain", None, 404, "Query not found"),
    ("PUT", f"/v1/query/{UNKNOWN}", {"Service": {"Service": "x"}}, 500,
     f"Cannot modify non-existent prepared query: '{UNKNOWN}'"),
    ("DELETE", f"/v1/query/{UNKNOWN}", None, 500, f"Cannot modify non-existent prepared query: '{UNKNOWN}'"),
    ("DELETE", "/v1/query/nope", None, 500, M.QUERY_LOOKUP_FAILED),
])
async def test_query_refusals(client, method, path, body, status, text):
    r = await client.request(method, path, json=body)
    assert (r.status, await r.text()) == (status, text)


async def test_names_are_unique_and_kept_in_the_state(client):
    await client.post("/v1/query", json={"Name": "q2", "Service": {"Service": "web"}})
    r = await client.post("/v1/query", json={"Name": "q2", "Service": {"Service": "web"}})
    assert (r.status, await r.text()) == (500, "name 'q2' aliases an existing query name")
    doc = await (await client.get("/_consulite/state")).json()
    await client.put("/_consulite/reset")
    assert await (await client.get("/v1/query")).json() == []
    await client.put("/_consulite/state", json=doc)
    assert [q["Name"] for q in await (await client.get("/v1/query")).json()] == ["q2"]


async def test_name_prefix_template_matches_the_longest_prefix(client):
    await client.put("/v1/agent/service/register", json={"Name": "geo-db", "ID": "geo-db"})
    for name in ("geo", "geo-d"):
        await client.post("/v1/query", json={"Name": name, "Template": {"Type": "name_prefix_match"},
                                             "Service": {"Service": "geo-db"}})
    explained = await (await client.get("/v1/query/geo-db/explain")).json()
    assert explained["Query"]["Name"] == "geo-d"
    result = await (await client.get("/v1/query/geo-db/execute")).json()
    assert [n["Service"]["ID"] for n in result["Nodes"]] == ["geo-db"]
