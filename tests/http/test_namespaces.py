"""`/v1/namespace*` (Consul Enterprise): shapes and texts (clients-and-enterprise.md §2.1, Consul's
api/namespace.go and api-docs/namespaces.mdx), the ACL defaults, writes into a missing namespace refused, and
deleting a namespace removing what it holds in one write."""

import pytest

from tests.http.acl_helpers import H


async def put_ns(client, body, path="/v1/namespace", **params):
    r = await client.put(path, json=body, params=params, headers=H)
    return r.status, (await r.json()) if r.status == 200 else await r.text()


async def made_ns(client, body, path="/v1/namespace", **params):
    status, made = await put_ns(client, body, path, **params)
    assert status == 200, made
    return made


async def test_create_read_update_list(client):
    made = await made_ns(client, {"Name": "team-1", "Description": "Team 1", "Meta": {"foo": "bar"}})
    assert made == {"Name": "team-1", "Description": "Team 1", "Meta": {"foo": "bar"}, "Partition": "default",
                    "CreateIndex": made["CreateIndex"], "ModifyIndex": made["CreateIndex"]}
    r = await client.get("/v1/namespace/team-1")
    assert await r.json() == made and int(r.headers["X-Consul-Index"]) >= made["ModifyIndex"]
    # PUT /v1/namespace over an existing one updates it, keeping CreateIndex (hashicorp/consul-k8s#323)
    again = await made_ns(client, {"Name": "team-1"})
    assert (again["CreateIndex"], again["ModifyIndex"] > made["ModifyIndex"]) == (made["CreateIndex"], True)
    assert "Description" not in again and "Meta" not in again and "ACLs" not in again  # omitempty
    updated = await made_ns(client, {"Description": "renamed"}, "/v1/namespace/team-1")
    assert (updated["Name"], updated["Description"]) == ("team-1", "renamed")
    listed = await (await client.get("/v1/namespaces")).json()
    assert [n["Name"] for n in listed] == ["default", "team-1"]
    # the builtin default namespace is always listed (api-docs/namespaces.mdx, List all Namespaces)
    assert listed[0]["Description"] == "Builtin Default Namespace" and listed[0]["CreateIndex"] > 0


async def test_missing_namespace_is_404_and_its_delete_a_no_op(client):
    # consul-k8s and Terraform read with requireNotFoundOrOK (api/namespace.go Read)
    r = await client.get("/v1/namespace/nope")
    assert (r.status, await r.text()) == (404, 'Namespace not found for "nope"')
    assert (await client.delete("/v1/namespace/nope")).status == 200


@pytest.mark.parametrize("path, body, status, text", [
    # api/namespace.go Create's text for a missing name
    ("/v1/namespace", {}, 400, "Must specify a Name for Namespace creation"),
    ("/v1/namespace", {"Name": "bad_name"}, 400, 'Namespace name "bad_name" is not a valid DNS hostname'),
    ("/v1/namespace", {"Name": "-x"}, 400, 'Namespace name "-x" is not a valid DNS hostname'),
    # Consul Enterprise's 500 for a reserved name (hashicorp/consul-k8s#593; the names: consul-k8s#846)
    ("/v1/namespace", {"Name": "consul"}, 500, 'Namespace "consul" is reserved for future internal use'),
    ("/v1/namespace", {"Name": "Root"}, 500, 'Namespace "Root" is reserved for future internal use'),
    ("/v1/namespace/a", {"Name": "b"}, 400, 'Namespace name "b" does not match the name in the path "a"'),
    ("/v1/namespace", {"Name": "a", "Bogus": 1}, 400, 'Request decode failed: json: unknown field "Bogus"'),
    ("/v1/namespace", {"Name": 1}, 400,
     "Request decode failed: json: cannot unmarshal number into Go struct field Namespace.Name of type string"),
    ("/v1/namespace", {"Name": "a", "Meta": {"k": 1}}, 400,
     "Request decode failed: json: cannot unmarshal number into Go struct field Namespace.Meta of type string"),
    ("/v1/namespace", {"Name": "a", "ACLs": {"PolicyDefaults": {}}}, 400,
     "Request decode failed: json: cannot unmarshal object into Go struct field NamespaceACLConfig.PolicyDefaults"
     " of type []api.ACLLink"),
    ("/v1/namespace", {"Name": "a", "ACLs": {"PolicyDefaults": [{"Name": "nope"}]}}, 500,
     'No such ACL policy with name "nope"'),
    ("/v1/namespace", {"Name": "a", "ACLs": {"RoleDefaults": [{"ID": "x"}]}}, 500, 'No such ACL role with ID "x"'),
    ("/v1/namespace?partition=nope", {"Name": "a"}, 400, 'Partition "nope" does not exist'),
])
async def test_bad_writes_are_refused_and_change_nothing(client, path, body, status, text):
    r = await client.put(path, json=body)
    assert (r.status, await r.text()) == (status, text)
    assert [n["Name"] for n in await (await client.get("/v1/namespaces")).json()] == ["default"]


async def test_the_default_namespace_can_be_updated_not_deleted(acl_client):
    client = acl_client
    # consul-k8s's server-acl-init gives `default` the cross-namespace policy as a default
    r = await client.put("/v1/acl/policy", json={"Name": "cross-ns", "Rules": 'node_prefix "" {policy="read"}'},
                         headers=H)
    policy = await r.json()
    ns = await made_ns(client, {"ACLs": {"PolicyDefaults": [{"Name": "cross-ns"}]}}, "/v1/namespace/default")
    assert ns["ACLs"] == {"PolicyDefaults": [{"ID": policy["ID"], "Name": "cross-ns"}], "RoleDefaults": []}
    assert "Description" not in ns  # a PUT replaces the whole definition
    r = await client.delete("/v1/namespace/default", headers=H)
    assert (r.status, await r.text()) == (400, "Cannot delete the default namespace")


async def test_acl_defaults_by_id_or_name_come_back_with_both(acl_client):
    client = acl_client
    p = await (await client.put("/v1/acl/policy", json={"Name": "node-read", "Rules": ""}, headers=H)).json()
    role = await (await client.put("/v1/acl/role", json={"Name": "reader", "Policies": [{"ID": p["ID"]}]},
                                   headers=H)).json()
    ns = await made_ns(client, {"Name": "team", "ACLs": {
        "policy_defaults": [{"ID": p["ID"]}, {"Name": "node-read"}], "RoleDefaults": [{"Name": "reader"}]}})
    assert ns["ACLs"] == {"PolicyDefaults": [{"ID": p["ID"], "Name": "node-read"}],
                          "RoleDefaults": [{"ID": role["ID"], "Name": "reader"}]}
    await client.put(f"/v1/acl/policy/{p['ID']}", json={"Name": "renamed", "Rules": ""}, headers=H)
    acls = (await (await client.get("/v1/namespace/team", headers=H)).json())["ACLs"]
    assert acls["PolicyDefaults"] == [{"ID": p["ID"], "Name": "renamed"}]  # names are current on output


async def test_writes_into_a_missing_namespace_are_refused(client):
    # Consul Enterprise's server text (hashicorp/consul#8123: `Namespace "luke" does not exist`); the agent
    # endpoints answer 400 as consulite's partition check does, the server-side writes Consul's RPC 500
    missing = 'Namespace "ghost" does not exist'
    for path, body, status in [
            ("/v1/agent/service/register", {"Name": "web"}, 400),
            ("/v1/agent/check/register", {"Name": "c", "TTL": "10s"}, 400),
            ("/v1/config", {"Kind": "service-defaults", "Name": "web"}, 500),
            ("/v1/kv/key", None, 500),
            ("/v1/session/create", {}, 500)]:
        r = await client.put(path, json=body, params={"ns": "ghost"})
        assert (r.status, await r.text()) == (status, missing), path
    r = await client.put("/v1/txn", json=[{"KV": {"Verb": "set", "Key": "k", "Namespace": "ghost"}}])
    assert r.status == 409 and (await r.json())["Errors"] == [{"OpIndex": 0, "What": missing}]
    assert (await client.get("/v1/kv/?recurse&ns=*")).status == 404


async def test_acl_objects_need_their_namespace(acl_client):
    for path, body in (("/v1/acl/policy", {"Name": "p", "Rules": ""}), ("/v1/acl/role", {"Name": "r"}),
                       ("/v1/acl/token", {"Namespace": "ghost"})):
        r = await acl_client.put(path, json=body, params={"ns": "ghost"}, headers=H)
        assert (r.status, await r.text()) == (500, 'Namespace "ghost" does not exist'), path


async def test_deleting_a_namespace_removes_what_it_holds_in_one_write(client, agent_of, blocked):
    await put_ns(client, {"Name": "ops"})
    ns = {"ns": "ops"}
    await client.put("/v1/agent/service/register", json={"Name": "web", "Check": {"TTL": "10s"}}, params=ns)
    await client.put("/v1/agent/service/register", json={"Name": "web"})
    await client.put("/v1/config", json={"Kind": "service-defaults", "Name": "web"}, params=ns)
    await client.put("/v1/kv/k", data=b"1", params=ns)
    await client.put("/v1/kv/k", data=b"1")
    session = (await (await client.put("/v1/session/create", json={"Checks": []}, params=ns)).json())["ID"]
    agent = agent_of(client)
    before = agent.store.index
    index = (await client.get("/v1/kv/k", params=ns)).headers["X-Consul-Index"]
    reader = await blocked(client, client.get(f"/v1/kv/k?ns=ops&index={index}"))
    assert (await client.delete("/v1/namespace/ops")).status == 200
    assert agent.store.index == before + 1  # one write
    assert (await reader).status == 404
    assert await (await client.get("/v1/agent/services", params=ns)).json() == {}
    assert (await client.get("/v1/namespace/ops")).status == 404  # gone at once: no DeletedAt phase here
    assert (await client.get("/v1/config/service-defaults/web", params=ns)).status == 404
    assert await (await client.get(f"/v1/session/info/{session}")).json() == []
    assert (await client.get("/v1/kv/k")).status == 200  # the default namespace keeps its own
    assert list(await (await client.get("/v1/agent/services")).json()) == ["web"]
    assert await (await client.get("/v1/agent/checks", params=ns)).json() == {}
    # writing into it again needs it created again
    r = await client.put("/v1/kv/k", data=b"1", params=ns)
    assert (r.status, await r.text()) == (500, 'Namespace "ops" does not exist')


async def test_list_blocks_until_a_namespace_changes(client, blocked):
    r = await client.get("/v1/namespaces")
    reader = await blocked(client, client.get(f"/v1/namespaces?index={r.headers['X-Consul-Index']}"))
    await put_ns(client, {"Name": "new"})
    assert [n["Name"] for n in await (await reader).json()] == ["default", "new"]


async def test_namespaces_live_per_partition_and_go_with_it(client, blocked):
    await client.put("/v1/partition", json={"Name": "finance"})
    made = await made_ns(client, {"Name": "ops"}, partition="finance")
    assert made["Partition"] == "finance"
    body_wins = await made_ns(client, {"Name": "audit", "Partition": "finance"}, partition="default")
    assert body_wins["Partition"] == "finance"
    assert (await client.get("/v1/namespace/ops")).status == 404
    names = [n["Name"] for n in await (await client.get("/v1/namespaces", params={"partition": "finance"})).json()]
    assert names == ["audit", "default", "ops"]
    r = await client.get("/v1/namespaces", params={"partition": "finance"})
    reader = await blocked(client, client.get(
        f"/v1/namespaces?partition=finance&index={r.headers['X-Consul-Index']}"))
    await client.delete("/v1/partition/finance")
    assert await (await reader).json() == []


async def test_ce_has_no_namespace_endpoints(ce_client):
    # real Consul 1.8.7 (CE) answers 404 on every /v1/namespace* path (tests/verified/test_namespaces.py)
    for method, path in (("PUT", "/v1/namespace"), ("GET", "/v1/namespace/x"), ("GET", "/v1/namespaces")):
        r = await ce_client.request(method, path)
        assert (r.status, await r.text()) == (404, "Invalid URL path: not a recognized HTTP API endpoint\n")


async def test_namespace_writes_need_operator_write_and_take_acl_objects_with_them(acl_client):
    r = await acl_client.put("/v1/namespace", json={"Name": "x"})
    assert r.status == 403
    assert (await put_ns(acl_client, {"Name": "x"}))[0] == 200
    r = await acl_client.put("/v1/acl/policy", json={"Name": "p", "Rules": ""}, params={"ns": "x"}, headers=H)
    assert r.status == 200
    assert (await acl_client.delete("/v1/namespace/x", headers=H)).status == 200
    names = [p["Name"] for p in await (await acl_client.get("/v1/acl/policies", params={"ns": "x"}, headers=H)).json()]
    assert names == []
    assert (await acl_client.get("/v1/acl/policy/name/p", params={"ns": "x"}, headers=H)).status == 404


async def test_wildcard_namespace_in_listings(client):
    # `ns=*` where Consul takes it (clients-and-enterprise.md §2.4, §2.7): config entry listing (the UI's
    # intentions list reads service-intentions this way) and gateway-services
    for name in ("a", "b"):
        await made_ns(client, {"Name": name})
        r = await client.put("/v1/config", params={"ns": name}, json={
            "Kind": "service-intentions", "Name": "web", "Sources": [{"Name": "api", "Action": "allow"}]})
        assert r.status == 200, await r.text()
        r = await client.put("/v1/config", params={"ns": name}, json={
            "Kind": "terminating-gateway", "Name": "tgw", "Services": [{"Name": f"svc-{name}"}]})
        assert r.status == 200, await r.text()
    found = await (await client.get("/v1/config/service-intentions", params={"ns": "*"})).json()
    assert [(e["Namespace"], e["Name"]) for e in found] == [("a", "web"), ("b", "web")]
    assert len(await (await client.get("/v1/config/service-intentions", params={"ns": "a"})).json()) == 1
    found = await (await client.get("/v1/catalog/gateway-services/tgw", params={"ns": "*"})).json()
    assert [(g["Gateway"]["Namespace"], g["Service"]["Name"]) for g in found] == [("a", "svc-a"), ("b", "svc-b")]
    found = await (await client.get("/v1/catalog/gateway-services/tgw", params={"ns": "b"})).json()
    assert [g["Service"]["Name"] for g in found] == ["svc-b"]


async def test_a_namespaces_acl_defaults_apply_to_its_tokens(acl_client):
    # Enterprise: every token of a namespace holds its PolicyDefaults and RoleDefaults beside its own links
    # (api-docs/namespaces.mdx, "ACLs"); the defaults' rules apply in the namespace
    client = acl_client
    await made_ns(client, {"Name": "team"})
    r = await client.put("/v1/agent/service/register?ns=team", json={"Name": "api"}, headers=H)
    assert r.status == 200
    policy = await (await client.put("/v1/acl/policy", json={"Name": "svc-read",
                                                             "Rules": 'service_prefix "" { policy = "read" }'},
                                     headers=H)).json()
    token = await (await client.put("/v1/acl/token?ns=team", json={"Description": "bare"}, headers=H)).json()
    mine = {"X-Consul-Token": token["SecretID"]}
    r = await client.get("/v1/agent/services?ns=team", headers=mine)
    assert r.status == 200 and await r.json() == {}
    await made_ns(client, {"ACLs": {"PolicyDefaults": [{"ID": policy["ID"]}]}}, "/v1/namespace/team")
    r = await client.get("/v1/agent/services?ns=team", headers=mine)  # the resolved token is not kept stale
    assert list(await r.json()) == ["api"]
    await made_ns(client, {}, "/v1/namespace/team")  # defaults removed
    assert await (await client.get("/v1/agent/services?ns=team", headers=mine)).json() == {}
