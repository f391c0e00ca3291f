"""Partitions and namespaces (reference agent-service-api.md §7) and the Community Edition's 400s."""

import pytest


async def test_partition_api(client):
    r = await client.put("/v1/partition", json={"Name": "finance", "Description": "money"})
    assert r.status == 200
    created = await r.json()
    assert created["Name"] == "finance" and created["Description"] == "money" and created["CreateIndex"] > 0
    r = await client.put("/v1/partition", json={"Name": "finance"})
    assert r.status == 400
    r = await client.put("/v1/partition", json={"Name": "Bad_Name"})
    assert r.status == 400
    r = await client.put("/v1/partition/finance", json={"Description": "cash"})
    assert (await r.json())["Description"] == "cash"
    assert (await (await client.get("/v1/partition/finance")).json())["Description"] == "cash"
    names = [p["Name"] for p in await (await client.get("/v1/partitions")).json()]
    assert names == ["default", "finance"]
    assert (await client.get("/v1/partition/nope")).status == 404
    assert (await client.delete("/v1/partition/default")).status == 400


async def test_services_are_isolated_per_partition_and_namespace(client):
    await client.put("/v1/partition", json={"Name": "finance"})
    await client.put("/v1/namespace", json={"Name": "team"})
    await client.put("/v1/namespace", json={"Name": "ops", "Partition": "finance"})
    await client.put("/v1/agent/service/register", json={"Name": "billing", "Port": 1}, params={"partition": "finance"})
    await client.put("/v1/agent/service/register", json={"Name": "billing", "Port": 2, "Namespace": "team"})
    await client.put("/v1/agent/service/register", json={"Name": "billing", "Port": 3},
                     headers={"X-Consul-Partition": "finance", "X-Consul-Namespace": "ops"})
    default = await (await client.get("/v1/agent/services")).json()
    assert default == {}
    finance = await (await client.get("/v1/agent/services", params={"partition": "finance"})).json()
    assert finance["billing"]["Port"] == 1 and finance["billing"]["Partition"] == "finance"
    team = await (await client.get("/v1/agent/service/billing", params={"ns": "team"})).json()
    assert (team["Port"], team["Namespace"], team["Partition"]) == (2, "team", "default")
    ops = await (await client.get("/v1/agent/service/billing", headers={"X-Consul-Partition": "finance",
                                                                          "X-Consul-Namespace": "ops"})).json()
    assert ops["Port"] == 3
    assert await (await client.get("/v1/catalog/services", params={"partition": "finance"})).json() == {
        "billing": []}


async def test_body_partition_beats_query_and_header(client):
    await client.put("/v1/partition", json={"Name": "a"})
    await client.put("/v1/partition", json={"Name": "b"})
    await client.put("/v1/agent/service/register", json={"Name": "s", "Partition": "a"}, params={"partition": "b"})
    assert "s" in await (await client.get("/v1/agent/services", params={"partition": "a"})).json()
    await client.put("/v1/agent/service/register", json={"Name": "t"}, params={"partition": "a"},
                     headers={"X-Consul-Partition": "b"})
    assert "t" in await (await client.get("/v1/agent/services", params={"partition": "a"})).json()


async def test_upstreams_inherit_the_services_partition_and_namespace(client):
    await client.put("/v1/partition", json={"Name": "web"})
    await client.put("/v1/namespace?partition=web", json={"Name": "front"})
    await client.put("/v1/agent/service/register", params={"partition": "web", "ns": "front"}, json={
        "Name": "p", "Kind": "connect-proxy", "Port": 1, "Proxy": {"DestinationServiceName": "web", "Upstreams": [
            {"DestinationName": "db", "LocalBindPort": 2},
            {"DestinationName": "billing", "DestinationPartition": "finance", "LocalBindPort": 3}]}})
    ups = (await (await client.get("/v1/agent/service/p", params={"partition": "web", "ns": "front"})).json())[
        "Proxy"]["Upstreams"]
    assert [(u["DestinationPartition"], u["DestinationNamespace"]) for u in ups] == [
        ("web", "front"), ("finance", "front")]


async def test_registering_into_a_missing_partition_is_refused(client):
    r = await client.put("/v1/agent/service/register", json={"Name": "s"}, params={"partition": "nope"})
    assert (r.status, await r.text()) == (400, 'Partition "nope" does not exist')


async def test_deleting_a_partition_removes_its_services(client):
    await client.put("/v1/partition", json={"Name": "tmp"})
    await client.put("/v1/agent/service/register", json={"Name": "s", "Check": {"TTL": "5s"}},
                     params={"partition": "tmp"})
    assert (await client.delete("/v1/partition/tmp")).status == 200
    assert (await client.get("/v1/partition/tmp")).status == 404
    r = await client.put("/v1/agent/service/register", json={"Name": "s"}, params={"partition": "tmp"})
    assert r.status == 400
    await client.put("/v1/partition", json={"Name": "tmp"})
    assert await (await client.get("/v1/agent/services", params={"partition": "tmp"})).json() == {}
    assert await (await client.get("/v1/agent/checks", params={"partition": "tmp"})).json() == {}


@pytest.mark.parametrize("params, headers, text", [
    # §7: the Community Edition's answers, checked in Consul's order
    ({}, {"X-Consul-Namespace": "default"},
     'Invalid header: "X-Consul-Namespace" - Namespaces are a Consul Enterprise feature'),
    ({"ns": "default"}, {}, 'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature'),
    ({}, {"X-Consul-Partition": "x"},
     'Invalid header: "X-Consul-Partition" - Partitions are a Consul Enterprise feature'),
    ({"partition": "default"}, {},
     'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature'),
    ({"ns": "a", "partition": "b"}, {}, 'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature'),
])
async def test_community_edition_refuses_partition_and_namespace(ce_client, params, headers, text):
    for method, path in (("PUT", "/v1/agent/service/register"), ("GET", "/v1/agent/services"),
                         ("GET", "/v1/catalog/services")):
        r = await ce_client.request(method, path, params=params, headers=headers, json={"Name": "x"})
        assert (r.status, await r.text()) == (400, text)
    assert await (await ce_client.get("/v1/agent/services")).json() == {}


async def test_community_edition_renders_no_partition_or_namespace(ce_client):
    await ce_client.put("/v1/agent/service/register", json={"Name": "p", "Kind": "connect-proxy", "Port": 1, "Proxy": {
        "DestinationServiceName": "web", "Upstreams": [{"DestinationName": "db", "LocalBindPort": 2}]}})
    body = await (await ce_client.get("/v1/agent/service/p")).json()
    assert "Partition" not in body and "Namespace" not in body
    assert body["Proxy"]["Upstreams"] == [{"DestinationType": "service", "DestinationName": "db",
                                           "LocalBindPort": 2, "MeshGateway": {}}]
    r = await ce_client.put("/v1/agent/service/register", json={"Name": "x", "Partition": "default"})
    assert (r.status, await r.text()) == (400, 'Request decode failed: json: unknown field "Partition"')
    assert (await ce_client.get("/v1/partitions")).status == 404  # no partition API in CE
    health = await (await ce_client.get("/v1/health/service/p")).json()
    assert "Partition" not in health[0]["Service"] and "Partition" not in health[0]["Checks"][0]


@pytest.mark.parametrize("body", [{"Name": None}, {"Name": True}, {"Name": 1}, [], {"Name": "ok", "CreateIndex": "x"}])
async def test_odd_partition_bodies_are_bad_requests(client, body):
    # found by the schemathesis run: a null Name crashed the handler
    r = await client.put("/v1/partition", json=body)
    assert r.status == 400 and (await r.text()).startswith(("Request decode failed", "Invalid partition name"))
