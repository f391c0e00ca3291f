"""ACLs on KV, sessions, events and transactions (reference acl.md §4.2): key rules per key, recursive
reads filtered, sessions on the agent's node, events by name, each txn op checked before anything runs."""

from __future__ import annotations

from tests.http.acl_helpers import H, token_with

FILTERED = "X-Consul-Results-Filtered-By-ACLs"


async def test_kv(acl_client):
    for key in ("app/a", "app/b", "secret/x"):
        assert (await acl_client.put(f"/v1/kv/{key}", data=b"v", headers=H)).status == 200
    t = await token_with(acl_client, 'key_prefix "app/" { policy = "write" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.get("/v1/kv/app/a", headers=tok)).status == 200
    r = await acl_client.get("/v1/kv/secret/x", headers=tok)
    assert (r.status, await r.text()) == (403, (
        f"Permission denied: token with AccessorID '{t['AccessorID']}' lacks permission 'key:read' on \"secret/x\""))
    assert (await acl_client.put("/v1/kv/app/c", data=b"v", headers=tok)).status == 200
    assert (await acl_client.put("/v1/kv/secret/y", data=b"v", headers=tok)).status == 403
    assert (await acl_client.delete("/v1/kv/secret/x", headers=tok)).status == 403
    r = await acl_client.get("/v1/kv/?recurse", headers=tok)
    assert [e["Key"] for e in await r.json()] == ["app/a", "app/b", "app/c"] and r.headers[FILTERED] == "true"
    r = await acl_client.get("/v1/kv/?keys", headers=tok)
    assert await r.json() == ["app/a", "app/b", "app/c"] and r.headers[FILTERED] == "true"
    assert (await acl_client.delete("/v1/kv/app/a", headers=tok)).status == 200


async def test_sessions(acl_client):
    writer = await token_with(acl_client, 'session "node1" { policy = "write" }')
    reader = await token_with(acl_client, 'key_prefix "" { policy = "read" }')
    as_writer, as_reader = {"X-Consul-Token": writer["SecretID"]}, {"X-Consul-Token": reader["SecretID"]}
    r = await acl_client.put("/v1/session/create", json={"Checks": []}, headers=as_writer)
    assert r.status == 200, await r.text()
    sid = (await r.json())["ID"]
    r = await acl_client.put("/v1/session/create", json={"Checks": []}, headers=as_reader)
    assert r.status == 403 and "lacks permission 'session:write' on \"node1\"" in await r.text()
    r = await acl_client.get("/v1/session/list", headers={"X-Consul-Token": reader["SecretID"]})
    assert await r.json() == [] and r.headers[FILTERED] == "true"
    assert len(await (await acl_client.get("/v1/session/list", headers=as_writer)).json()) == 1
    assert (await acl_client.get("/v1/session/node/node1", headers=as_reader)).status == 403
    r = await acl_client.put(f"/v1/session/renew/{sid}", headers={"X-Consul-Token": reader["SecretID"]})
    assert r.status == 403
    assert (await acl_client.put(f"/v1/session/destroy/{sid}", headers=as_writer)).status == 200


async def test_events(acl_client):
    t = await token_with(acl_client, 'event_prefix "deploy" { policy = "write" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    assert (await acl_client.put("/v1/event/fire/deploy-web", headers=tok)).status == 200
    assert (await acl_client.put("/v1/event/fire/other", headers=tok)).status == 403
    assert (await acl_client.put("/v1/event/fire/other", headers=H)).status == 200
    r = await acl_client.get("/v1/event/list", headers=tok)
    assert [e["Name"] for e in await r.json()] == ["deploy-web"] and r.headers[FILTERED] == "true"


async def test_txn_checks_every_op_before_running_any(acl_client):
    t = await token_with(acl_client, 'key_prefix "app/" { policy = "write" }')
    tok = {"X-Consul-Token": t["SecretID"]}
    ok = [{"KV": {"Verb": "set", "Key": "app/a", "Value": "dg=="}}]
    assert (await acl_client.put("/v1/txn", json=ok, headers=tok)).status == 200
    mixed = [{"KV": {"Verb": "set", "Key": "app/b", "Value": "dg=="}},
             {"KV": {"Verb": "set", "Key": "secret/x", "Value": "dg=="}}]
    r = await acl_client.put("/v1/txn", json=mixed, headers=tok)
    assert r.status == 403 and "'key:write' on \"secret/x\"" in await r.text()
    assert (await acl_client.get("/v1/kv/app/b", headers=H)).status == 404  # nothing half-applied
