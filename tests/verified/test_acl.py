"""ACLs on (default deny, `acl.tokens.master` in a config file): the same requests against consulite and
real Consul 1.8.7 (reference acl.md). Where Consul 1.12+ answers otherwise, `newer` cites the source."""

from __future__ import annotations

from tests.verified.conftest import ACL_ROOT
from tests.verified.helpers import ABSENT, ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error

ANONYMOUS = "00000000-0000-0000-0000-000000000002"
MANAGEMENT = "00000000-0000-0000-0000-000000000001"


def _policy(t, rules: str, name: str = "p") -> dict:
    return t.root_request("PUT", "/v1/acl/policy", {"Name": t.name(name), "Rules": rules}).body


def _token(t, rules: str, name: str = "p") -> dict:
    policy = _policy(t, rules, name)
    return t.root_request("PUT", "/v1/acl/token", {"Description": t.name("tok"),
                                                    "Policies": [{"ID": policy["ID"]}]}).body


def test_acls_off_answer_401(target):
    assert_error(target.get("/v1/acl/tokens"), 401, "ACL support disabled")
    assert_error(target.put("/v1/acl/bootstrap"), 401, "ACL support disabled")


def test_unknown_token_is_acl_not_found(acl_target):
    t = acl_target
    assert_error(t.as_token("00000000-dead-beef-0000-000000000000")("GET", "/v1/agent/services"), 403, "ACL not found")
    assert_error(t.as_token("00000000-dead-beef-0000-000000000000")("GET", "/v1/acl/token/self"), 403,
                 "ACL not found")
    assert_error(t.as_token(None)("GET", "/v1/acl/token/self"), 403, "ACL not found")


def test_builtin_objects(acl_target):
    t = acl_target
    r = t.root_request("GET", "/v1/acl/tokens")
    anonymous = next(x for x in r.body if x["AccessorID"] == ANONYMOUS)
    assert_contains(anonymous, {"AccessorID": ANONYMOUS, "Description": "Anonymous Token", "Local": False,
                                "CreateTime": NONEMPTY_STR, "Hash": NONEMPTY_STR, "CreateIndex": ANY_INDEX,
                                "ModifyIndex": ANY_INDEX})
    root = t.root_request("GET", "/v1/acl/token/self").body
    assert_contains(root, {"SecretID": ACL_ROOT, "Local": False,
                           "Description": (t.is_real and "Master Token") or "Initial Management Token",
                           "Policies": [{"ID": MANAGEMENT, "Name": "global-management"}]})
    policies = t.root_request("GET", "/v1/acl/policies").body
    assert_contains([p for p in policies if p["ID"] == MANAGEMENT], [{
        "ID": MANAGEMENT, "Name": "global-management", "Description": "Builtin Policy that grants unlimited access",
        "Datacenters": None, "Hash": NONEMPTY_STR, "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX,
        "Rules": ABSENT}])


def test_bootstrap_after_the_configured_token(acl_target):
    r = acl_target.put("/v1/acl/bootstrap")
    assert r.status == 403 and r.body.startswith("Permission denied: ACL bootstrap no longer allowed (reset index: ")


def test_policy_create_and_errors(acl_target):
    t = acl_target
    name = t.name("web")
    r = t.root_request("PUT", "/v1/acl/policy", {"Name": name, "Rules": 'service "web" { policy = "read" }'})
    assert r.status == 200
    assert_contains(r.body, {"ID": NONEMPTY_STR, "Name": name, "Description": "",
                             "Rules": 'service "web" { policy = "read" }', "Hash": NONEMPTY_STR,
                             "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX, "Datacenters": ABSENT})
    assert_error(t.root_request("PUT", "/v1/acl/policy", {"Name": name}), 500,
                 f'Invalid Policy: A Policy with Name "{name}" already exists')
    assert_error(t.root_request("PUT", "/v1/acl/policy", {}), 500, "Invalid Policy: no Name is set")
    assert_error(t.root_request("PUT", "/v1/acl/policy", {"ID": "x", "Name": t.name("q")}), 400,
                 "Bad request: Cannot specify the ID when creating a new policy")
    bad = t.root_request("PUT", "/v1/acl/policy", {"Name": t.name("b"), "Rules": 'service "web" { policy = "wrte" }'})
    assert (bad.status, bad.body) == (500, 'Invalid service policy: &acl.ServiceRule{Name:"web", Policy:"wrte", '
                                           'Intentions:"", EnterpriseRule:acl.EnterpriseRule{}}')
    parse = t.root_request("PUT", "/v1/acl/policy", {"Name": t.name("c"), "Rules": 'service "web" { '})
    assert parse.status == 500 and parse.body.startswith("Failed to parse ACL rules: At 1:")


def test_missing_objects(acl_target):
    t = acl_target
    missing = "00000000-dead-beef-0000-000000000000"
    assert_error(t.root_request("GET", f"/v1/acl/token/{missing}"), 403, "ACL not found")
    assert_error(t.root_request("GET", "/v1/acl/token/unknown"), 500,
                 "failed acl token lookup: index error: UUID must be 36 characters")
    assert_error(t.root_request("GET", "/v1/acl/policy/unknown"), 500,
                 "failed acl policy lookup: index error: UUID must be 36 characters")
    r = t.root_request("GET", f"/v1/acl/role/{missing}")
    assert r.status == 404
    assert t.root_request("DELETE", f"/v1/acl/policy/{missing}").body is True
    assert t.root_request("DELETE", f"/v1/acl/token/{missing}").body is True
    assert_error(t.root_request("DELETE", f"/v1/acl/token/{ANONYMOUS}"), 500,
                 "Delete operation not permitted on the anonymous token")


def test_token_errors(acl_target):
    t = acl_target
    assert_error(t.root_request("PUT", "/v1/acl/token", {"ExpirationTTL": "10s"}), 500,
                 "ExpirationTime cannot be less than 1m0s in the future (was 10s)")
    assert_error(t.root_request("PUT", "/v1/acl/token", {"Policies": [{"Name": "nope"}]}), 500,
                 'No such ACL policy with name "nope"')
    assert_error(t.root_request("PUT", f"/v1/acl/token/{ANONYMOUS}", {"AccessorID": "x"}), 400,
                 "Bad request: Token Accessor ID in URL and payload do not match")


def test_token_shape(acl_target):
    t = acl_target
    policy = _policy(t, 'node_prefix "" { policy = "read" }')
    r = t.root_request("PUT", "/v1/acl/token", {"Description": t.name("d"), "Policies": [{"Name": policy["Name"]}],
                                                 "ServiceIdentities": [{"ServiceName": "web"}]})
    assert_contains(r.body, {"AccessorID": NONEMPTY_STR, "SecretID": NONEMPTY_STR, "Description": t.name("d"),
                             "Policies": [{"ID": policy["ID"], "Name": policy["Name"]}],
                             "ServiceIdentities": [{"ServiceName": "web"}], "Local": False,
                             "CreateTime": NONEMPTY_STR, "Hash": NONEMPTY_STR, "CreateIndex": ANY_INDEX,
                             "ModifyIndex": ANY_INDEX, "Roles": ABSENT, "ExpirationTime": ABSENT})


def test_register_needs_service_write(acl_target):
    t = acl_target
    token = _token(t, f'service "{t.name("web")}" {{ policy = "write" }}')
    as_it = t.as_token(token["SecretID"])
    assert as_it("PUT", "/v1/agent/service/register", {"Name": t.name("web")}).status == 200
    other = t.name("db")
    current = (f"Permission denied: token with AccessorID '{token['AccessorID']}' lacks permission "
               f"'service:write' on \"{other}\"")
    assert_error(as_it("PUT", "/v1/agent/service/register", {"Name": other}), 403,
                 (t.is_real and f"Permission denied: Missing service:write on {other}") or current)  # acl/errors.go
    assert other not in t.root_request("GET", "/v1/agent/services").body


def test_discovery_chain_writes_need_read_on_related_services(acl_target):
    # canWriteDiscoveryChain (agent/structs/config_entry_discoverychain.go, in 1.8.7 too): service:write on the
    # entry's name and service:read on each other service it sends traffic to (here a resolver's redirect);
    # 1.8.7 answers the bare acl.ErrPermissionDenied, newer Consul names the permission (acl/errors.go)
    t = acl_target
    web, old = t.name("web"), t.name("old")
    body = {"Kind": "service-resolver", "Name": web, "Redirect": {"Service": old}}
    token = _token(t, f'service "{web}" {{ policy = "write" }}')
    current = (f"Permission denied: token with AccessorID '{token['AccessorID']}' lacks permission "
               f"'service:read' on \"{old}\"")
    assert_error(t.as_token(token["SecretID"])("PUT", "/v1/config", body), 403,
                 (t.is_real and "Permission denied") or current)
    allowed = _token(t, f'service "{web}" {{ policy = "write" }}\nservice "{old}" {{ policy = "read" }}', "p2")
    try:
        assert t.as_token(allowed["SecretID"])("PUT", "/v1/config", body).status == 200
    finally:
        t.root_request("DELETE", f"/v1/config/service-resolver/{web}")


def test_reads_are_denied_or_filtered(acl_target):
    t = acl_target
    web, db = t.name("web"), t.name("db")
    for name in (web, db):
        assert t.root_request("PUT", "/v1/agent/service/register", {"Name": name}).status == 200
    token = _token(t, f'service "{web}" {{ policy = "read" }}')
    as_it = t.as_token(token["SecretID"])
    r = as_it("GET", "/v1/agent/services")
    assert set(r.body) == {web}
    # 1.8.7 does not say it filtered; 1.11+ does (agent/http.go setResultsFilteredByACLs)
    expected = None if t.is_real else "true"
    assert r.headers.get("x-consul-results-filtered-by-acls") == expected
    assert as_it("GET", f"/v1/agent/service/{web}").status == 200
    denied = as_it("GET", f"/v1/agent/service/{db}")
    assert denied.status == 403 and denied.body.startswith("Permission denied")
    assert as_it("GET", "/v1/acl/tokens").status == 403


def test_members_say_acls_are_on(acl_target):
    r = acl_target.root_request("GET", "/v1/agent/members")
    assert r.body[0]["Tags"]["acls"] == "1"
    anonymous = acl_target.as_token(None)("GET", "/v1/agent/members")
    assert anonymous.body == []  # default deny: node:read filters the one member


def test_query_token_wins_over_the_header(acl_target):
    """agent/http.go parseTokenInternal: `?token=` first, then X-Consul-Token, then Authorization: Bearer."""
    t = acl_target
    assert t.get(f"/v1/acl/token/self?token={ACL_ROOT}", headers={"X-Consul-Token": "bogus"}).status == 200
    assert_error(t.get("/v1/acl/token/self?token=bogus", headers={"X-Consul-Token": ACL_ROOT}), 403, "ACL not found")
