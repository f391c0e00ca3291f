"""The /v1/acl API (reference acl.md §2): bootstrap, policies, tokens, roles, identities, templates."""

from __future__ import annotations

from consulite.model.acl import ANONYMOUS_ACCESSOR, GLOBAL_MANAGEMENT_ID
from tests.http.acl_helpers import ROOT, H, token_with


async def test_acls_off_every_acl_route_is_401(client):
    for method, path in (("GET", "/v1/acl/tokens"), ("PUT", "/v1/acl/bootstrap"), ("PUT", "/v1/agent/token/default")):
        r = await client.request(method, path)
        assert (r.status, await r.text()) == (401, "ACL support disabled")  # acl.md §2.0


async def test_builtin_objects_and_initial_management_token(acl_client):
    tokens = await (await acl_client.get("/v1/acl/tokens", headers=H)).json()
    by_accessor = {t["AccessorID"]: t for t in tokens}
    assert by_accessor[ANONYMOUS_ACCESSOR]["SecretID"] == "anonymous"
    root = next(t for t in tokens if t["SecretID"] == ROOT)
    assert root["Description"] == "Initial Management Token"
    assert root["Policies"] == [{"ID": GLOBAL_MANAGEMENT_ID, "Name": "global-management"}]
    policies = await (await acl_client.get("/v1/acl/policies", headers=H)).json()
    assert policies[0]["Name"] == "global-management" and "Rules" not in policies[0]
    assert policies[0]["Datacenters"] is None


async def test_bootstrap_once(aiohttp_client, clock):
    from consulite.http.app import make_app
    from consulite.model.agent_config import AgentConfig

    c = await aiohttp_client(make_app(AgentConfig(acl_enabled=True), clock))
    r = await c.put("/v1/acl/bootstrap")
    body = await r.json()
    assert r.status == 200 and body["ID"] == body["SecretID"]
    assert body["Description"] == "Bootstrap Token (Global Management)"
    r = await c.put("/v1/acl/bootstrap")
    text = await r.text()
    assert r.status == 403 and text.startswith("Permission denied: ACL bootstrap no longer allowed (reset index: ")


async def test_policy_crud_and_errors(acl_client):
    r = await acl_client.put("/v1/acl/policy", json={"Name": "web", "Rules": 'service "web" { policy = "write" }',
                                                      "Description": "d"}, headers=H)
    p = await r.json()
    assert r.status == 200 and p["Rules"].startswith("service") and p["CreateIndex"] == p["ModifyIndex"]
    assert (await (await acl_client.get(f"/v1/acl/policy/{p['ID']}", headers=H)).json())["Name"] == "web"
    assert (await (await acl_client.get("/v1/acl/policy/name/web", headers=H)).json())["ID"] == p["ID"]
    r = await acl_client.put("/v1/acl/policy", json={"Name": "web"}, headers=H)
    assert (r.status, await r.text()) == (500, 'Invalid Policy: A Policy with Name "web" already exists')
    r = await acl_client.put("/v1/acl/policy", json={"Name": "x", "Rules": 'service "a" { policy = "wrte" }'},
                             headers=H)
    assert r.status == 500 and (await r.text()).startswith("Invalid service policy: ")
    r = await acl_client.put("/v1/acl/policy", json={"Name": "x", "Rules": 'service "a" { '}, headers=H)
    assert r.status == 500 and (await r.text()).startswith("Failed to parse ACL rules: ")
    r = await acl_client.put("/v1/acl/policy", json={}, headers=H)
    assert (r.status, await r.text()) == (500, "Invalid Policy: no Name is set")
    r = await acl_client.put(f"/v1/acl/policy/{p['ID']}", json={"ID": "other", "Name": "web"}, headers=H)
    assert (r.status, await r.text()) == (400, "Bad request: Policy ID in URL and payload do not match")
    r = await acl_client.put(f"/v1/acl/policy/{p['ID']}", json={"Name": "web2", "Description": "u"}, headers=H)
    assert (await r.json())["ModifyIndex"] > p["ModifyIndex"]
    r = await acl_client.delete(f"/v1/acl/policy/{p['ID']}", headers=H)
    assert await r.json() is True
    r = await acl_client.get(f"/v1/acl/policy/{p['ID']}", headers=H)
    assert (r.status, await r.text()) == (404, "Requested policy does not exist: ACL not found")
    r = await acl_client.delete(f"/v1/acl/policy/{GLOBAL_MANAGEMENT_ID}", headers=H)
    assert (r.status, await r.text()) == (500, "Delete operation not permitted on the builtin global-management policy")


async def test_token_links_resolve_names_and_drop_deleted_policies(acl_client):
    p = await (await acl_client.put("/v1/acl/policy", json={"Name": "a"}, headers=H)).json()
    t = await (await acl_client.put("/v1/acl/token", json={"Policies": [{"Name": "a"}],
                                                            "ServiceIdentities": [{"ServiceName": "web"}]},
                                    headers=H)).json()
    assert t["Policies"] == [{"ID": p["ID"], "Name": "a"}]
    await acl_client.put(f"/v1/acl/policy/{p['ID']}", json={"Name": "renamed"}, headers=H)
    read = await (await acl_client.get(f"/v1/acl/token/{t['AccessorID']}", headers=H)).json()
    assert read["Policies"] == [{"ID": p["ID"], "Name": "renamed"}]
    await acl_client.delete(f"/v1/acl/policy/{p['ID']}", headers=H)
    read = await (await acl_client.get(f"/v1/acl/token/{t['AccessorID']}", headers=H)).json()
    assert "Policies" not in read and read["ServiceIdentities"] == [{"ServiceName": "web"}]
    r = await acl_client.put("/v1/acl/token", json={"Policies": [{"Name": "nope"}]}, headers=H)
    assert (r.status, await r.text()) == (500, 'No such ACL policy with name "nope"')


async def test_token_ids_given_clone_self_delete(acl_client):
    acc, sec = "00000001-0000-0000-0000-000000000000", "00000002-0000-0000-0000-000000000000"
    t = await (await acl_client.put("/v1/acl/token", json={"AccessorID": acc, "SecretID": sec,
                                                            "Description": "mine"}, headers=H)).json()
    assert (t["AccessorID"], t["SecretID"]) == (acc, sec)
    r = await acl_client.put("/v1/acl/token", json={"AccessorID": acc}, headers=H)
    assert (r.status, await r.text()) == (500, "Invalid Token: AccessorID is already in use")
    r = await acl_client.put("/v1/acl/token", json={"AccessorID": "00000000-0000-0000-0000-000000000009"}, headers=H)
    assert r.status == 500 and "are reserved" in await r.text()
    clone = await (await acl_client.put(f"/v1/acl/token/{acc}/clone", json={"Description": "c"}, headers=H)).json()
    assert clone["AccessorID"] != acc and clone["Description"] == "c"
    me = await (await acl_client.get("/v1/acl/token/self", headers={"X-Consul-Token": sec})).json()
    assert me["AccessorID"] == acc
    r = await acl_client.get("/v1/acl/token/self", headers={"X-Consul-Token": "ffffffff-0000-0000-0000-000000000000"})
    assert (r.status, await r.text()) == (403, "ACL not found")
    r = await acl_client.delete(f"/v1/acl/token/{ANONYMOUS_ACCESSOR}", headers=H)
    assert (r.status, await r.text()) == (500, "Delete operation not permitted on the anonymous token")
    assert await (await acl_client.delete(f"/v1/acl/token/{acc}", headers=H)).json() is True
    r = await acl_client.get(f"/v1/acl/token/{acc}", headers=H)
    assert (r.status, await r.text()) == (403, "ACL not found")  # 1.8.7 and py-consul against 1.20+
    r = await acl_client.get("/v1/acl/token/unknown", headers=H)
    assert (r.status, await r.text()) == (500, "failed acl token lookup: index error: UUID must be 36 characters")


async def test_token_expires_under_the_clock(acl_client, clock):
    t = await (await acl_client.put("/v1/acl/token", json={"ExpirationTTL": "2m"}, headers=H)).json()
    assert "ExpirationTime" in t
    r = await acl_client.get("/v1/acl/token/self", headers={"X-Consul-Token": t["SecretID"]})
    assert r.status == 200
    clock.advance(121)
    r = await acl_client.get("/v1/acl/token/self", headers={"X-Consul-Token": t["SecretID"]})
    assert (r.status, await r.text()) == (403, "ACL not found")
    listed = await (await acl_client.get("/v1/acl/tokens", headers=H)).json()
    assert t["AccessorID"] not in {x["AccessorID"] for x in listed}
    r = await acl_client.put("/v1/acl/token", json={"ExpirationTTL": "10s"}, headers=H)
    assert (r.status, await r.text()) == (500, "ExpirationTime cannot be less than 1m0s in the future (was 10s)")


async def test_token_list_filters(acl_client):
    p = await (await acl_client.put("/v1/acl/policy", json={"Name": "f"}, headers=H)).json()
    role = await (await acl_client.put("/v1/acl/role", json={"Name": "r", "Policies": [{"ID": p["ID"]}]},
                                       headers=H)).json()
    a = await (await acl_client.put("/v1/acl/token", json={"Policies": [{"ID": p["ID"]}]}, headers=H)).json()
    b = await (await acl_client.put("/v1/acl/token", json={"Roles": [{"Name": "r"}]}, headers=H)).json()
    c = await (await acl_client.put("/v1/acl/token", json={"ServiceIdentities": [{"ServiceName": "api"}]},
                                    headers=H)).json()

    async def ids(query):
        return {t["AccessorID"] for t in await (await acl_client.get(f"/v1/acl/tokens?{query}", headers=H)).json()}

    assert await ids(f"policy={p['ID']}") == {a["AccessorID"]}
    assert await ids(f"role={role['ID']}") == {b["AccessorID"]}
    assert await ids("servicename=api") == {c["AccessorID"]}
    roles = await (await acl_client.get(f"/v1/acl/roles?policy={p['ID']}", headers=H)).json()
    assert [r["ID"] for r in roles] == [role["ID"]]


async def test_roles_crud(acl_client):
    r = await acl_client.put("/v1/acl/role", json={"Name": "ops", "NodeIdentities": [{"NodeName": "n1",
                                                                                        "Datacenter": "dc1"}]},
                             headers=H)
    role = await r.json()
    assert role["NodeIdentities"] == [{"NodeName": "n1", "Datacenter": "dc1"}]
    assert (await (await acl_client.get("/v1/acl/role/name/ops", headers=H)).json())["ID"] == role["ID"]
    r = await acl_client.put("/v1/acl/role", json={"Name": "ops"}, headers=H)
    assert (r.status, await r.text()) == (500, 'Invalid Role: A Role with Name "ops" already exists')
    r = await acl_client.put("/v1/acl/role", json={"Name": "x", "NodeIdentities": [{"NodeName": "n"}]}, headers=H)
    assert (r.status, await r.text()) == (500, "Node identity is missing the datacenter field on this role")
    assert await (await acl_client.delete(f"/v1/acl/role/{role['ID']}", headers=H)).json() is True
    r = await acl_client.get(f"/v1/acl/role/{role['ID']}", headers=H)
    assert (r.status, await r.text()) == (404, "Requested role does not exist: ACL not found")


async def test_templated_policies(acl_client):
    listed = await (await acl_client.get("/v1/acl/templated-policies", headers=H)).json()
    assert {"builtin/service", "builtin/node", "builtin/dns"} <= set(listed)
    assert '{{.Name}}' in listed["builtin/service"]["Template"]
    r = await acl_client.post("/v1/acl/templated-policy/preview/builtin/service", json={"Name": "api"}, headers=H)
    preview = await r.json()
    assert 'service "api-sidecar-proxy"' in preview["Rules"] and preview["Name"].startswith("synthetic-policy-")
    t = await (await acl_client.put("/v1/acl/token", json={"TemplatedPolicies": [
        {"TemplateName": "builtin/service", "TemplateVariables": {"Name": "api"}}]}, headers=H)).json()
    assert t["TemplatedPolicies"] == [{"TemplateName": "builtin/service", "TemplateVariables": {"name": "api"}}]
    r = await acl_client.put("/v1/agent/service/register", json={"Name": "api"},
                             headers={"X-Consul-Token": t["SecretID"]})
    assert r.status == 200


async def test_acl_read_without_write_hides_secrets(acl_client):
    t = await token_with(acl_client, 'acl = "read"')
    listed = await (await acl_client.get("/v1/acl/tokens", headers={"X-Consul-Token": t["SecretID"]})).json()
    assert {x["SecretID"] for x in listed} == {"<hidden>"}
    r = await acl_client.put("/v1/acl/policy", json={"Name": "z"}, headers={"X-Consul-Token": t["SecretID"]})
    assert r.status == 403 and "lacks permission 'acl:write'" in await r.text()


async def test_agent_tokens(acl_client):
    t = await token_with(acl_client, 'service_prefix "" { policy = "read" }')
    r = await acl_client.put("/v1/agent/token/default", json={"Token": t["SecretID"]})
    assert r.status == 403  # agent:write needed
    r = await acl_client.put("/v1/agent/token/default", json={"Token": t["SecretID"]}, headers=H)
    assert r.status == 200
    me = await (await acl_client.get("/v1/acl/token/self")).json()
    assert me["AccessorID"] == t["AccessorID"]
    r = await acl_client.put("/v1/agent/token/bogus", json={"Token": "x"}, headers=H)
    assert (r.status, await r.text()) == (404, 'Token "bogus" is unknown')
