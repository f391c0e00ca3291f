"""service-intentions rules, one row per rule.

Sources: reference config-entries-and-resolver.md §3.6 (texts); Consul's agent/structs/config_entry_intentions.go
(`CI` below) for Normalize, the order of the checks and the texts the notes abbreviate. Consul answers the first
failing check; Meta and JWT errors are go-multierror-wrapped (validateConfigEntryMeta, IntentionJWTRequirement).
"""

from __future__ import annotations

import pytest

from consulite.model.config import Context
from tests.model.config.util import check, context, multi, part, row


def intentions(*sources, name="db", **fields):
    return {"Kind": "service-intentions", "Name": name, "Sources": list(sources), **fields}


def allow(name="web", **fields):
    return {"Name": name, "Action": "allow", **fields}


def perm(**http):
    return {"Name": "web", "Permissions": [{"Action": "allow", "HTTP": http}]}


def sources(pick=lambda s: s):
    return lambda b: [pick(s) for s in b["Sources"]]


NORMALIZE = [
    # CI normalize: Type defaults to consul; a local source inherits the destination's namespace and partition;
    # Precedence is 9 minus 3 per wildcard on the destination and 1 per wildcard on the source
    row("type-scope-precedence", intentions(allow("web")),
        part(sources(), [{"Name": "web", "Action": "allow", "Namespace": "ns1", "Partition": "default",
                          "Type": "consul", "Precedence": 9}]), "ns1"),
    # CI normalize sorts the sources by precedence, highest first, keeping the order of equals
    row("sorted-by-precedence", intentions(allow("*"), allow("web"), allow("api")),
        part(sources(lambda s: (s["Name"], s["Precedence"])), [("web", 9), ("api", 9), ("*", 8)]), "default"),
    row("wildcard-destination", intentions(allow("*"), allow("web"), name="*"),  # CI computeIntentionPrecedence
        part(sources(lambda s: (s["Name"], s["Precedence"])), [("web", 6), ("*", 5)]), "default"),
    # CI normalize: a peered (or sameness-group) source only has its namespace defaulted, not inherited
    row("peer-source-keeps-own-scope", intentions(allow("web", Peer="east")),
        part(sources(lambda s: (s.get("Namespace"), s.get("Partition"))), [("default", None)]), "ns1"),
    # CI normalize clears the legacy fields on a config-entry write (Validate never sees them)
    row("legacy-id-cleared", intentions(allow("web", LegacyID="5f6e", LegacyCreateTime="2020-01-01T00:00:00Z")),
        part(sources(lambda s: sorted(k for k in s if k.startswith("Legacy"))), [[]]), "default"),
    row("methods-upper-cased", intentions(perm(PathPrefix="/", Methods=["get"])),  # CI normalize
        part(sources(lambda s: s["Permissions"][0]["HTTP"]["Methods"]), [["GET"]]), "default"),
]


@pytest.mark.parametrize(("raw", "expected", "namespace"), NORMALIZE)
def test_normalize(raw, expected, namespace):
    """Normalize's result for each rule (an http destination: L7 permissions pass the graph check)."""
    check(raw, expected, context("http"), namespace=namespace)


JWT_NAME = multi("JWT provider name is required")

VALIDATE = [
    row("name-required", intentions(allow(), name=""), "Name is required", "default"),  # CI
    row("name-partial-wildcard", intentions(allow(), name="db*"),  # §3.6
        "Name: wildcard character '*' cannot be used with partial values", "default"),
    row("namespace-partial-wildcard", intentions(allow()),  # CI validateIntentionWildcards
        "Namespace: wildcard character '*' cannot be used with partial values", "ns*"),
    row("exact-name-in-wildcard-namespace", intentions(allow()),  # §3.6
        "Name: exact value cannot follow wildcard namespace", "*"),
    row("jwt-provider-name", intentions(allow(), JWT={"Providers": [{}]}), JWT_NAME, "default"),  # CI
    row("meta-key-too-long", intentions(allow(), Meta={"k" * 129: "v"}),  # CI: validateConfigEntryMeta
        multi(f'Meta key "{"k" * 129}" exceeds maximum length 128'), "default"),
    row("at-least-one-source", intentions(), "At least one source is required", "default"),  # CI
    row("source-name-required", intentions(allow("")), "Sources[0].Name is required", "default"),  # CI
    row("source-partial-wildcard", intentions(allow("web*")),  # §3.6, prefixed with Sources[i].
        "Sources[0].Name: wildcard character '*' cannot be used with partial values", "default"),
    row("source-peer-wildcard", intentions(allow("web", Peer="*")),  # CI validateIntentionWildcards
        "Sources[0].Peer: cannot use wildcard '*' in peer", "default"),
    row("source-partition-wildcard", intentions(allow("web", Partition="*")),  # CI validateIntentionWildcards
        "Sources[0].Partition: cannot use wildcard '*' in partition", "default"),
    row("source-sameness-wildcard", intentions(allow("web", SamenessGroup="*")),  # CI validateIntentionWildcards
        "Sources[0].SamenessGroup: cannot use wildcard '*' in sameness group", "default"),
    row("source-peer-and-partition", intentions(allow("web", Peer="east", Partition="finance")),  # CI
        "Sources[0].Peer: cannot set Peer and Partition at the same time.", "default"),
    row("source-sameness-and-partition", intentions(allow("web", SamenessGroup="g", Partition="finance")),  # CI
        "Sources[0].SamenessGroup: cannot set SamenessGroup and Partition at the same time", "default"),
    row("source-sameness-and-peer", intentions(allow("web", SamenessGroup="g", Peer="east")),  # CI
        "Sources[0].SamenessGroup: cannot set SamenessGroup and Peer at the same time", "default"),
    row("description-too-long", intentions(allow(Description="d" * 513)),  # CI: metaValueMaxLength
        "Sources[0].Description exceeds maximum length 512", "default"),
    row("legacy-meta", intentions(allow(LegacyMeta={"a": "b"})),  # CI: kept by Normalize so the write fails
        "Sources[0].LegacyMeta must be omitted", "default"),
    row("action-required", intentions({"Name": "web"}),  # §3.6
        "Sources[0].Action must be set to 'allow' or 'deny'", "default"),
    row("action-unknown", intentions(allow(Action="permit")),  # §3.6
        "Sources[0].Action must be set to 'allow' or 'deny'", "default"),
    row("action-with-permissions", intentions({**perm(PathPrefix="/"), "Action": "allow"}),  # §3.6
        "Sources[0].Action must be omitted if Permissions are specified", "default"),
    row("permissions-wildcard-destination", intentions(perm(PathPrefix="/"), name="*"),  # §3.6
        "Sources[0].Permissions cannot be specified on intentions with wildcarded destinations", "default"),
    row("type-not-consul", intentions(allow(Type="external")), "Sources[0].Type must be set to 'consul'",
        "default"),  # §3.6
    row("permission-action", intentions({"Name": "web", "Permissions": [{"HTTP": {"PathPrefix": "/"}}]}),  # §3.6
        "Sources[0].Permissions[0].Action must be set to 'allow' or 'deny'", "default"),
    row("permission-http-required", intentions({"Name": "web", "Permissions": [{"Action": "allow"}]}),  # §3.6
        "Sources[0].Permissions[0].HTTP is required", "default"),
    # CI checks HTTP before the permission's JWT: a JWT-only permission still needs HTTP
    row("permission-jwt-only", intentions({"Name": "web", "Permissions": [
        {"Action": "allow", "JWT": {"Providers": [{"Name": "okta"}]}}]}),
        "Sources[0].Permissions[0].HTTP is required", "default"),
    row("permission-path-exact-slash", intentions(perm(PathExact="a")),  # CI
        "Sources[0].Permissions[0].HTTP.PathExact doesn't start with '/': \"a\"", "default"),
    row("permission-path-prefix-slash", intentions(perm(PathPrefix="a")),  # CI
        "Sources[0].Permissions[0].HTTP.PathPrefix doesn't start with '/': \"a\"", "default"),
    row("permission-paths-at-most-one", intentions(perm(PathExact="/a", PathRegex="/b")),  # CI
        "Sources[0].Permissions[0].HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex",
        "default"),
    row("permission-header-name", intentions(perm(Header=[{"Present": True}])),  # CI
        "Sources[0].Permissions[0].HTTP.Header[0] missing required Name field", "default"),
    row("permission-header-one-match", intentions(perm(Header=[{"Name": "x"}])),  # CI: exactly one
        "Sources[0].Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, Prefix, Suffix, or "
        "Regex", "default"),
    # CI: one header match is enough to make the permission non-empty
    row("permission-header-only", intentions(perm(Header=[{"Name": "x-debug", "Present": True}])),
        part(sources(lambda s: s["Permissions"][0]["HTTP"]), [{"Header": [{"Name": "x-debug", "Present": True}]}]),
        "default"),
    row("permission-method-invalid", intentions(perm(Methods=["fetch"])),  # CI, after Normalize upper-cased it
        'Sources[0].Permissions[0].HTTP.Methods contains an invalid method "FETCH"', "default"),
    row("permission-method-twice", intentions(perm(Methods=["GET", "get"])),  # CI
        'Sources[0].Permissions[0].HTTP.Methods contains "GET" more than once', "default"),
    row("permission-http-empty", intentions(perm()),  # CI
        "Sources[0].Permissions[0].HTTP should not be empty", "default"),
    row("permission-jwt-provider-name", intentions({"Name": "web", "Permissions": [
        {"Action": "allow", "HTTP": {"PathPrefix": "/"}, "JWT": {"Providers": [{}]}}]}), JWT_NAME, "default"),  # CI
    # §3.6; the name is ServiceName.String(), which Consul CE prints as the bare name (agent/structs/structs_ce.go)
    row("duplicate-source", intentions(allow("web"), allow("web", Action="deny")),
        'Sources[1] defines "web" more than once', "default"),
    row("duplicate-peer-source", intentions(allow("web", Peer="east"), allow("web", Peer="east")),  # CI
        'Sources[1] defines peer("east") "web" more than once', "default"),
    row("duplicate-sameness-source", intentions(allow("web", SamenessGroup="g"), allow("web", SamenessGroup="g")),
        'Sources[1] defines sameness-group("g") "web" more than once', "default"),  # CI
    row("same-name-other-peer", intentions(allow("web"), allow("web", Peer="east")),  # CI: the peer is in the key
        part(lambda b: len(b["Sources"]), 2), "default"),
    row("first-error-only", intentions(allow(""), {"Name": "api"}),  # CI returns at the first failing check
        "Sources[0].Name is required", "default"),
]


@pytest.mark.parametrize(("raw", "expected", "namespace"), VALIDATE)
def test_validate(raw, expected, namespace):
    """Validate's text for each rule (or the body where the entry is accepted)."""
    check(raw, expected, context("http"), namespace=namespace)


@pytest.mark.parametrize(("raw", "text"), [
    (intentions(), "At least one source is required"),  # CI
    (intentions(allow("web*")), "Sources[0].Name: wildcard character '*' cannot be used with partial values"),  # §3.6
], ids=["no-sources", "partial-wildcard"])
async def test_http_answers_500_with_the_text(client, raw, text):
    """§1.6: a Validate failure is a 500 whose body is the text; nothing is stored."""
    r = await client.put("/v1/config", json=raw)
    assert (r.status, await r.text()) == (500, text)
    assert (await client.get("/v1/config/service-intentions/db")).status == 404


def test_l7_permissions_need_an_http_like_destination_protocol():
    # §3.6, the graph check on write (IsProtocolHTTPLike: http, http2, grpc); a wildcard destination is not checked
    check(intentions(perm(PathPrefix="/")), 'service "db" has protocol "tcp", which is incompatible with L7 '
          "intentions permissions", context())
    check(intentions(perm(PathPrefix="/")), part(lambda b: len(b["Sources"]), 1), context("grpc"))
    check(intentions(allow()), part(lambda b: len(b["Sources"]), 1), context())  # no L7 permission: any protocol


def test_referenced_jwt_providers_must_exist():
    # §3.6: the intention's own providers, then each permission's, looked up in the partition
    known = {("jwt-provider", "default", "default", "okta")}

    def lookup(kind, partition, namespace, name):
        return {} if (kind, partition, namespace, name) in known else {"Protocol": "http"} if \
            kind == "service-defaults" else None

    ctx = Context(lookup=lookup)
    check(intentions(allow(), JWT={"Providers": [{"Name": "auth0"}]}),
          "Referenced JWT Provider does not exist. Provider Name: auth0", ctx)
    check(intentions({"Name": "web", "Permissions": [{"Action": "allow", "HTTP": {"PathPrefix": "/"},
                                                      "JWT": {"Providers": [{"Name": "other"}]}}]}),
          "Referenced JWT Provider does not exist. Provider Name: other", ctx)
    check(intentions(allow(), JWT={"Providers": [{"Name": "okta"}]}), part(lambda b: b["JWT"]["Providers"][0]["Name"],
                                                                          "okta"), ctx)
