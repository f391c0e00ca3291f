"""Kept answers and per-object JSON (consulite/store/answers.py, RequestContext.answer): a repeated read is
served from what was rendered, and never once a write has changed what it read. Each test writes, reads, writes
again and reads through the HTTP API."""

from __future__ import annotations

from consulite.http.app import make_app
from tests.http.acl_helpers import ROOT, H, acl_config, token_with


async def _put_entry(client, name: str, protocol: str) -> None:
    r = await client.put("/v1/config", json={"Kind": "service-defaults", "Name": name, "Protocol": protocol})
    assert r.status == 200, await r.text()


async def _protocols(client, path: str = "/v1/config/service-defaults", **params) -> dict:
    r = await client.get(path, params=params)
    assert r.status == 200, await r.text()
    return {e["Name"]: e["Protocol"] for e in await r.json()}


async def test_config_list_follows_each_write(client, agent_of):
    await _put_entry(client, "web", "http")
    assert await _protocols(client) == {"web": "http"}
    assert await _protocols(client) == {"web": "http"}
    assert len(agent_of(client).store.answers) == 1  # the second read was the kept answer
    await _put_entry(client, "web", "grpc")
    await _put_entry(client, "api", "tcp")
    assert await _protocols(client) == {"api": "tcp", "web": "grpc"}
    r = await client.delete("/v1/config/service-defaults/api")
    assert r.status == 200
    assert await _protocols(client) == {"web": "grpc"}


async def test_config_list_index_header_moves_with_the_write(client):
    await _put_entry(client, "web", "http")
    first = (await client.get("/v1/config/service-defaults")).headers["X-Consul-Index"]
    await _put_entry(client, "web", "grpc")
    second = (await client.get("/v1/config/service-defaults")).headers["X-Consul-Index"]
    assert int(second) > int(first)


async def test_a_write_elsewhere_keeps_the_answer_and_its_index(client, agent_of):
    await _put_entry(client, "web", "http")
    first = await client.get("/v1/config/service-defaults")
    r = await client.put("/v1/kv/x", data=b"1")
    assert r.status == 200
    again = await client.get("/v1/config/service-defaults")
    assert again.headers["X-Consul-Index"] == first.headers["X-Consul-Index"]
    assert await again.read() == await first.read()


async def test_query_options_are_part_of_the_key(client):
    await _put_entry(client, "web", "http")
    await _put_entry(client, "api", "tcp")
    assert await _protocols(client) == {"api": "tcp", "web": "http"}
    assert await _protocols(client, filter='Protocol == "tcp"') == {"api": "tcp"}
    assert await _protocols(client, filter='Protocol == "http"') == {"web": "http"}
    pretty = await client.get("/v1/config/service-defaults", params={"pretty": ""})
    assert (await pretty.text()).startswith("[\n    {\n")
    await _put_entry(client, "api", "http")
    assert await _protocols(client, filter='Protocol == "tcp"') == {}
    assert await _protocols(client, "/v1/config/proxy-defaults") == {}


async def test_reset_and_restore_drop_kept_answers(client):
    await _put_entry(client, "web", "http")
    saved = await (await client.get("/_consulite/state")).json()
    assert await _protocols(client) == {"web": "http"}
    await _put_entry(client, "web", "grpc")
    assert await _protocols(client) == {"web": "grpc"}
    r = await client.put("/_consulite/state", json=saved)
    assert r.status == 200, await r.text()
    assert await _protocols(client) == {"web": "http"}


async def test_a_blocked_reader_of_the_kept_index_waits_for_the_write(client, blocked):
    await _put_entry(client, "web", "http")
    first = await client.get("/v1/config/service-defaults")
    index = first.headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/config/service-defaults", params={"index": index}))
    await _put_entry(client, "web", "grpc")
    r = await task
    assert {e["Name"]: e["Protocol"] for e in await r.json()} == {"web": "grpc"}


async def test_acl_filtered_answers_are_never_served_to_another_token(aiohttp_client):
    client = await aiohttp_client(make_app(acl_config()))
    for name in ("web", "db"):
        r = await client.put("/v1/config", json={"Kind": "service-defaults", "Name": name}, headers=H)
        assert r.status == 200, await r.text()
    web_only = (await token_with(client, 'service "web" { policy = "read" }'))["SecretID"]

    async def names(token: str) -> list[str]:
        r = await client.get("/v1/config/service-defaults", headers={"X-Consul-Token": token})
        assert r.status == 200, await r.text()
        return [e["Name"] for e in await r.json()]

    assert await names(ROOT) == ["db", "web"]
    assert await names(web_only) == ["web"]
    assert await names(ROOT) == ["db", "web"]
    assert await names(web_only) == ["web"]




async def _register(client, sid: str, tags: list[str], port: int = 80) -> None:
    r = await client.put("/v1/agent/service/register", json={
        "Name": "web", "ID": sid, "Tags": tags, "Port": port, "Check": {"CheckID": f"{sid}-ttl", "TTL": "60s"}})
    assert r.status == 200, await r.text()


async def _health(client, **params) -> dict:
    r = await client.get("/v1/health/service/web", params=params)
    assert r.status == 200, await r.text()
    return {e["Service"]["ID"]: (e["Service"]["Port"], sorted(c["CheckID"] + ":" + c["Status"] for c in e["Checks"]))
            for e in await r.json()}


def _with_serf(*checks: str) -> list[str]:
    return sorted(["serfHealth:passing", *checks])


async def test_health_follows_check_and_service_writes(client):
    await _register(client, "web-1", ["a"])
    assert await _health(client) == {"web-1": (80, _with_serf("web-1-ttl:critical"))}
    assert await _health(client) == {"web-1": (80, _with_serf("web-1-ttl:critical"))}
    r = await client.put("/v1/agent/check/pass/web-1-ttl")
    assert r.status == 200
    assert await _health(client) == {"web-1": (80, _with_serf("web-1-ttl:passing"))}
    assert await _health(client, passing="") == {"web-1": (80, _with_serf("web-1-ttl:passing"))}
    await _register(client, "web-1", ["a"], port=81)
    await _register(client, "web-2", ["b"])
    assert await _health(client) == {"web-1": (81, _with_serf("web-1-ttl:passing")),
                                     "web-2": (80, _with_serf("web-2-ttl:critical"))}
    assert await _health(client, passing="") == {"web-1": (81, _with_serf("web-1-ttl:passing"))}
    assert await _health(client, filter='Service.ID == "web-2"') == {"web-2": (80, _with_serf("web-2-ttl:critical"))}
    r = await client.put("/v1/agent/service/deregister/web-2")
    assert r.status == 200
    assert await _health(client) == {"web-1": (81, _with_serf("web-1-ttl:passing"))}


async def test_health_follows_the_node_checks(client):
    await _register(client, "web-1", ["a"])
    assert await _health(client) == {"web-1": (80, _with_serf("web-1-ttl:critical"))}
    r = await client.put("/v1/agent/maintenance", params={"enable": "true"})
    assert r.status == 200
    assert await _health(client) == {"web-1": (80, _with_serf("_node_maintenance:critical", "web-1-ttl:critical"))}
    r = await client.put("/v1/agent/maintenance", params={"enable": "false"})
    assert r.status == 200
    assert await _health(client) == {"web-1": (80, _with_serf("web-1-ttl:critical"))}


async def test_a_node_check_wakes_a_blocked_health_reader(client, blocked):
    # a node's checks are in every instance's health (Consul's CheckServiceNodes reads the node's checks)
    await _register(client, "web-1", ["a"])
    index = (await client.get("/v1/health/service/web")).headers["X-Consul-Index"]
    task = await blocked(client, client.get("/v1/health/service/web", params={"index": index}))
    r = await client.put("/v1/agent/maintenance", params={"enable": "true"})
    assert r.status == 200
    checks = [c["CheckID"] for c in (await (await task).json())[0]["Checks"]]
    assert "_node_maintenance" in checks


async def test_agent_services_follow_each_registration(client):
    await _register(client, "web-1", ["a"])
    r = await client.get("/v1/agent/services")
    assert (await r.json())["web-1"]["Tags"] == ["a"]
    await _register(client, "web-1", ["b"], port=81)
    found = (await (await client.get("/v1/agent/services")).json())["web-1"]
    assert (found["Tags"], found["Port"]) == (["b"], 81)


async def _catalog(client) -> dict:
    r = await client.get("/v1/catalog/services")
    assert r.status == 200, await r.text()
    return await r.json()


async def test_catalog_tag_union_follows_each_registration(client):
    await _register(client, "web-1", ["a", "b"])
    await _register(client, "web-2", ["b", "c"])
    assert (await _catalog(client))["web"] == ["a", "b", "c"]
    await _register(client, "web-1", ["d"])
    assert (await _catalog(client))["web"] == ["b", "c", "d"]
    r = await client.put("/v1/agent/service/deregister/web-2")
    assert r.status == 200
    assert (await _catalog(client))["web"] == ["d"]
    r = await client.put("/v1/agent/service/deregister/web-1")
    assert r.status == 200
    assert "web" not in await _catalog(client)
