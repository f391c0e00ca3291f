"""`/v1/exported-services`, `/v1/imported-services`, `/v1/catalog/gateway-services/<gw>`, `/v1/health/ingress/<svc>`
(shapes: reference clients-and-enterprise.md §2.2-§2.4; gateway-services as real Consul 1.8.7 answers)."""


async def _setup(client):
    for name in ("finance", "api"):
        assert (await client.put("/v1/partition", json={"Name": name})).status == 200
    for svc in ("billing", "ledger"):
        await client.put("/v1/agent/service/register?partition=finance", json={"Name": svc})
    await client.put("/v1/config", json={"Kind": "sameness-group", "Name": "east", "Partition": "finance",
                                         "Members": [{"Partition": "default"}, {"Peer": "dc2-peer"}]})
    r = await client.put("/v1/config", json={"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "api"}, {"Peer": "west"}]},
        {"Name": "*", "Consumers": [{"SamenessGroup": "east"}]}]})
    assert r.status == 200, await r.text()


async def test_exported_services_expand_wildcards_and_sameness_groups(client):
    await _setup(client)
    r = await client.get("/v1/exported-services?partition=finance")
    assert await r.json() == [
        {"Service": "billing", "Partition": "finance", "Namespace": "default",
         "Consumers": {"Peers": ["dc2-peer", "west"], "Partitions": ["api", "default"]}},
        {"Service": "ledger", "Partition": "finance", "Namespace": "default",
         "Consumers": {"Peers": ["dc2-peer"], "Partitions": ["default"]}}]
    assert await (await client.get("/v1/exported-services")).json() == []


async def test_exported_services_block_until_the_entry_changes(client, blocked):
    await _setup(client)
    r = await client.get("/v1/exported-services?partition=finance")
    waiting = await blocked(client, client.get(
        f"/v1/exported-services?partition=finance&index={r.headers['X-Consul-Index']}&wait=5s"))
    await client.put("/v1/config", json={"Kind": "exported-services", "Name": "finance", "Services": [
        {"Name": "billing", "Consumers": [{"Partition": "api"}]}]})
    assert [s["Service"] for s in await (await waiting).json()] == ["billing"]


async def test_imported_services_per_edition(client, ce_client):
    await _setup(client)
    body = await (await client.get("/v1/imported-services?partition=api")).json()
    assert body == {"Partition": "api", "ImportedServices": [
        {"Service": "billing", "Partition": "api", "Namespace": "default", "SourcePartition": "finance"}]}
    body = await (await client.get("/v1/imported-services")).json()
    assert [s["Service"] for s in body["ImportedServices"]] == ["billing", "ledger"]
    assert await (await ce_client.get("/v1/imported-services")).json() == []


async def test_gateway_services_of_ingress_and_terminating_gateways(ce_client):
    client = ce_client
    await client.put("/v1/agent/service/register", json={"Name": "web", "Port": 80})
    await client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global", "Config": {"protocol": "http"}})
    await client.put("/v1/config", json={"Kind": "ingress-gateway", "Name": "ing", "Listeners": [
        {"Port": 8080, "Protocol": "http", "Services": [{"Name": "web", "Hosts": ["web.example"]}, {"Name": "*"}]}]})
    await client.put("/v1/config", json={"Kind": "terminating-gateway", "Name": "term", "Services": [
        {"Name": "db", "CAFile": "/ca.pem", "SNI": "db.x"}, {"Name": "*"}]})
    ing = await (await client.get("/v1/catalog/gateway-services/ing")).json()
    assert [{k: v for k, v in m.items() if not k.endswith("Index")} for m in ing] == [
        {"Gateway": {"Name": "ing"}, "Service": {"Name": "web"}, "GatewayKind": "ingress-gateway", "Port": 8080,
         "Protocol": "http", "Hosts": ["web.example"]}]
    term = await (await client.get("/v1/catalog/gateway-services/term")).json()
    assert [{k: v for k, v in m.items() if not k.endswith("Index")} for m in term] == [
        {"Gateway": {"Name": "term"}, "Service": {"Name": "db"}, "GatewayKind": "terminating-gateway",
         "CAFile": "/ca.pem", "SNI": "db.x"},
        {"Gateway": {"Name": "term"}, "Service": {"Name": "web"}, "GatewayKind": "terminating-gateway",
         "FromWildcard": True}]
    r = await client.get("/v1/catalog/gateway-services/nope")
    assert r.status == 200 and await r.json() == []  # newer Consul: an empty list (py-consul checks it)
    assert await (await client.get("/v1/health/ingress/web")).json() == []
    await client.put("/v1/agent/service/register", json={"Name": "ing", "Kind": "ingress-gateway", "Port": 8080})
    found = await (await client.get("/v1/health/ingress/web")).json()
    assert [(e["Service"]["ID"], e["Service"]["Kind"]) for e in found] == [("ing", "ingress-gateway")]
    assert found[0]["Checks"][0]["CheckID"] == "serfHealth"
    assert await (await client.get("/v1/health/ingress/db")).json() == []
