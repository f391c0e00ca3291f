"""The rules language and the authorizer (reference acl.md §3): parsing, exact beats prefix, the longest
prefix wins, deny beats in merges, intentions, operator standing in for mesh, the default policy."""

from __future__ import annotations

import pytest

from consulite.decode.acl import parse_rules
from consulite.errors import ConsulError
from consulite.model.scope import Scope
from consulite.resolve.acl import Authorizer, PermissionDenied, PolicyGrants


def authz(*policies: str, default_allow: bool = False, enterprise: bool = True) -> Authorizer:
    return Authorizer("acc", [PolicyGrants(parse_rules(p, enterprise)) for p in policies], default_allow)


def test_exact_beats_prefix_and_longest_prefix_wins():
    a = authz('service_prefix "" { policy = "read" }\nservice_prefix "web" { policy = "deny" }\n'
              'service_prefix "web-a" { policy = "write" }\nservice "web-x" { policy = "write" }')
    assert a.allowed("service", "db", "read") and not a.allowed("service", "db", "write")
    assert not a.allowed("service", "web-b", "read")
    assert a.allowed("service", "web-api", "write")
    assert a.allowed("service", "web-x", "write")


def test_deny_wins_a_merge_on_the_same_label_only():
    a = authz('service "web" { policy = "write" }', 'service "web" { policy = "deny" }')
    assert not a.allowed("service", "web", "read")
    b = authz('service "web-api" { policy = "write" }', 'service_prefix "web" { policy = "deny" }')
    assert b.allowed("service", "web-api", "write")  # exact beats prefix after the merge (§3.4)
    c = authz('key_prefix "a" { policy = "read" }', 'key_prefix "a" { policy = "write" }')
    assert c.allowed("key", "a/b", "write")


def test_access_levels_and_list():
    a = authz('key_prefix "app/" { policy = "list" }')
    assert a.allowed("key", "app/x", "list") and a.allowed("key", "app/x", "read")
    assert not a.allowed("key", "app/x", "write")
    with pytest.raises(ConsulError) as e:
        parse_rules('service "a" { policy = "list" }')
    assert e.value.text.startswith("Invalid service policy: ")


def test_intentions_default_from_the_service_policy():
    a = authz('service "web" { policy = "read" }\nservice "db" { policy = "deny" }\n'
              'service "api" { policy = "read" intentions = "write" }')
    assert a.allowed("intention", "web", "read") and not a.allowed("intention", "web", "write")
    assert not a.allowed("intention", "db", "read")
    assert a.allowed("intention", "api", "write")


def test_operator_stands_in_for_mesh_and_peering():
    assert authz('operator = "write"').allowed("mesh", None, "write")
    assert authz('operator = "read"').allowed("peering", None, "read")
    assert not authz('operator = "write"\nmesh = "read"').allowed("mesh", None, "write")


def test_default_policy_allow_still_denies_acl():
    a = authz("", default_allow=True)
    assert a.allowed("service", "x", "write") and not a.allowed("acl", None, "read")


def test_json_rules_and_unknown_keys_ignored():
    a = authz('{"service": {"web": {"policy": "write"}}, "operator": "read", "bogus": 1}')
    assert a.allowed("service", "web", "write") and a.allowed("operator", None, "read")


@pytest.mark.parametrize("rules, prefix", [
    ('service "a" { policy = "wrte" }', "Invalid service policy: "),
    ('service "a" { policy = "read" intentions = "x" }', "Invalid service intentions policy: "),
    ('node_prefix "" { policy = "nope" }', "Invalid node_prefix policy: "),
    ('operator = "all"', "Invalid operator policy: "),
    ('service "a" {', "Failed to parse ACL rules: "),
])
def test_invalid_rules(rules, prefix):
    with pytest.raises(ConsulError) as e:
        parse_rules(rules)
    assert e.value.text.startswith(prefix) and e.value.status == 500


def test_partition_and_namespace_blocks():
    rules = ('partition "finance" { namespace_prefix "" { service "pay" { policy = "write" } } }\n'
             'namespace "team" { service "web" { policy = "write" } }')
    a = authz(rules)
    assert a.allowed("service", "pay", "write", Scope("finance", "x"))
    assert not a.allowed("service", "pay", "write", Scope("default", "default"))
    assert a.allowed("service", "web", "write", Scope("default", "team"))
    assert not a.allowed("service", "web", "write", Scope("default", "default"))
    assert not authz(rules, enterprise=False).allowed("service", "web", "write")  # CE ignores the blocks


def test_require_texts():
    with pytest.raises(PermissionDenied) as e:
        authz("").require("service", "web", "write")
    assert e.value.text == "Permission denied: token with AccessorID 'acc' lacks permission 'service:write' on \"web\""
    with pytest.raises(PermissionDenied) as e:
        authz("").require("operator", None, "read")
    assert e.value.text == "Permission denied: token with AccessorID 'acc' lacks permission 'operator:read'"
