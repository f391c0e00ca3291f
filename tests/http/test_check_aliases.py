"""Alias checks through the HTTP API: an `AliasService`/`AliasNode` check follows its target live
(agent/checks/alias.go processChecks; every text checked against real Consul 1.8.7)."""

from __future__ import annotations

from tests.http.test_check_probes import check, register, state


async def test_alias_follows_its_target(client):
    await register(client, {"Name": "web"})
    await register(client, {"Name": "api", "Check": {"Name": "al", "AliasService": "web"}})
    assert await state(client, "service:api") == ("passing", "No checks found.")
    await register(client, {"Name": "t", "TTL": "60s", "ServiceID": "web"}, "/v1/agent/check/register")
    assert await state(client, "service:api") == ("critical", 'Aliased check "t" failing: ')
    await client.put("/v1/agent/check/pass/t", params={"note": "yay"})
    assert await state(client, "service:api") == ("passing", "All checks passing.")
    await client.put("/v1/agent/check/warn/t", params={"note": "meh"})
    assert await state(client, "service:api") == ("warning", 'Aliased check "t" failing: meh')
    await client.put("/v1/agent/service/deregister/web")
    assert await state(client, "service:api") == ("critical", "Service web could not be found on node ")
    await register(client, {"Name": "web"})
    assert await state(client, "service:api") == ("passing", "No checks found.")


async def test_sidecar_alias_follows_its_service_probe(client, run, flip):
    await register(client, {"Name": "web", "Port": 80, "Connect": {"SidecarService": {}},
                            "Check": {"HTTP": flip.url, "Interval": "10s"}})
    alias = "service:web-sidecar-proxy:2"
    assert (await check(client, alias))["Name"] == "Connect Sidecar Aliasing web"
    assert (await state(client, alias))[0] == "critical"
    await run(10)
    assert await state(client, alias) == ("passing", "All checks passing.")
    await client.put("/v1/agent/service/maintenance/web", params={"enable": "true", "reason": "upgrade"})
    assert await state(client, alias) == ("critical", 'Aliased check "Service Maintenance Mode" failing: ')


async def test_alias_of_a_node_sees_its_node_checks(client):
    await register(client, {"Name": "api"})
    await register(client, {"Name": "an", "AliasNode": "NODE1", "ServiceID": "api"}, "/v1/agent/check/register")
    assert await state(client, "an") == ("passing", "All checks passing.")  # serfHealth, EqualFold names
    await register(client, {"Name": "other", "AliasNode": "elsewhere", "ServiceID": "api"},
                   "/v1/agent/check/register")
    assert await state(client, "other") == ("critical", "Service  could not be found on node elsewhere")


async def test_alias_in_another_partition_follows_its_own_scope(client):
    await client.put("/v1/partition", json={"Name": "finance"})
    await register(client, {"Name": "web", "Check": {"TTL": "60s"}}, partition="finance")
    await register(client, {"Name": "web"})
    await register(client, {"Name": "api", "Check": {"AliasService": "web"}}, partition="finance")
    assert await state(client, "service:api", partition="finance") == (
        "critical", 'Aliased check "Service \'web\' check" failing: ')
    await client.put("/v1/agent/check/pass/service:web", params={"partition": "finance"})
    assert await state(client, "service:api", partition="finance") == ("passing", "All checks passing.")


async def test_alias_counts_the_nodes_checks_as_consul_does(client):
    # 1.8.7: a local alias reads every local check of its partition; a failing node check fails it too
    await register(client, {"Name": "web"})
    await register(client, {"Name": "api", "Check": {"Name": "al", "AliasService": "web"}})
    await register(client, {"Name": "disk", "TTL": "60s"}, "/v1/agent/check/register")
    assert await state(client, "service:api") == ("critical", 'Aliased check "disk" failing: ')
    await client.put("/v1/agent/check/pass/disk")
    assert await state(client, "service:api") == ("passing", "All checks passing.")
    await client.put("/v1/agent/check/deregister/disk")
    assert await state(client, "service:api") == ("passing", "No checks found.")


async def test_aliases_follow_after_a_restore(client):
    await register(client, {"Name": "web", "Check": {"TTL": "60s"}})
    await register(client, {"Name": "api", "Check": {"AliasService": "web"}})
    saved = await (await client.get("/_consulite/state")).json()
    await client.put("/_consulite/reset")
    assert (await client.put("/_consulite/state", json=saved)).status == 200
    await client.put("/v1/agent/check/pass/service:web")
    assert await state(client, "service:api") == ("passing", "All checks passing.")
