"""service-resolver, service-router and service-splitter rules, one row per rule.

Sources: reference config-entries-and-resolver.md §3.5 (texts) and §3.7 (graph check); Consul's
agent/structs/config_entry_discoverychain.go (`DC` below) for the order of the checks and texts the notes abbreviate.
Consul returns the first failing check's text; the Meta check (validateConfigEntryMeta in
agent/structs/config_entry.go) always wraps its errors with go-multierror, even a single one.
"""

from __future__ import annotations

import pytest

from tests.model.config.util import Prefix, body, check, context, multi, part, row

HTTP = context("http")
LONG_KEY = "k" * 129
DNS_LABEL = ("must be 63 characters or fewer, begin or end with lower case alphanumeric characters, and contain "
             "lower case alphanumeric characters or '-' in between")


def resolver(**fields):
    return {"Kind": "service-resolver", "Name": "web", **fields}


def failover(spec, **fields):
    return resolver(Failover={"*": spec}, **fields)


def lb(**fields):
    return resolver(LoadBalancer=fields)


V1 = {"v1": {}}

RESOLVER = [
    # §3.5: Normalize sets only Kind and the enterprise meta; the body is stored as decoded
    row("normalize-keeps-body", resolver(DefaultSubset="v1", ConnectTimeout="15s",
                                      Subsets={"v1": {"Filter": "Service.Meta.version == v1"}}),
     body({"DefaultSubset": "v1", "ConnectTimeout": 15_000_000_000,
           "Subsets": {"v1": {"Filter": "Service.Meta.version == v1"}}}), "default"),
    row("name-required", resolver(Name=""), "Name is required", "default"),  # §3.5
    # DC Validate: Meta is the second check, wrapped by go-multierror
    row("meta-key-too-long", resolver(Meta={LONG_KEY: "v"}),
     multi(f'Meta key "{LONG_KEY}" exceeds maximum length 128'), "default"),
    row("meta-before-subsets", resolver(Meta={LONG_KEY: "v"}, Subsets={"": {}}),
     multi(f'Meta key "{LONG_KEY}" exceeds maximum length 128'), "default"),
    row("subset-empty-name", resolver(Subsets={"": {}}), "Subset defined with empty name", "default"),  # §3.5
    # DC validateServiceSubset: the reason is appended to `Subset %q is invalid: `
    row("subset-not-dns-label", resolver(Subsets={"V1": {}}), f'Subset "V1" is invalid: {DNS_LABEL}', "default"),
    row("subset-too-long", resolver(Subsets={"a" * 64: {}}),
     f'Subset "{"a" * 64}" is invalid: must be non-empty and 63 characters or fewer', "default"),
    # §3.5: the filter must compile as a go-bexpr expression; the tail is bexpr's own parser text
    row("subset-filter-invalid", resolver(Subsets={"v1": {"Filter": "Service.Meta.version =="}}),
        Prefix('Filter for subset "v1" is not a valid expression: '), "default"),
    row("subset-filter-unknown-selector-parses", resolver(Subsets={"v1": {"Filter": "Nope == 1"}}),
        part(lambda b: b["Subsets"]["v1"]["Filter"], "Nope == 1"), "default"),  # no data type: a parse only
    row("default-subset-unknown", resolver(DefaultSubset="v9", Subsets=V1),
     'DefaultSubset "v9" is not a valid subset', "default"),  # §3.5
    # §3.5 / DC: a redirect to another datacenter only from the default partition
    row("redirect-dc-outside-default-partition", resolver(Redirect={"Service": "api", "Datacenter": "dc2"}),
     "Cross-datacenter redirect is only supported in the default partition", "finance"),
    row("redirect-dc-and-partition", resolver(Redirect={"Service": "api", "Partition": "finance", "Datacenter": "dc2"}),
     "Cross-datacenter and cross-partition redirect is not supported", "default"),
    # DC compares the redirect's partition (or default) with the entry's: naming its own partition is no cross
    row("redirect-dc-own-partition", resolver(Redirect={"Service": "api", "Partition": "default", "Datacenter": "dc2"}),
     part(lambda b: b["Redirect"], {"Service": "api", "Partition": "default", "Datacenter": "dc2"}), "default"),
    row("redirect-and-failover", resolver(Redirect={"Service": "api"}, Failover={"*": {"Service": "db"}}),
     "Redirect and Failover cannot both be set", "default"),  # §3.5
    row("redirect-empty", resolver(Redirect={}), "Redirect is empty", "default"),  # §3.5
    row("redirect-peer-subset", resolver(Redirect={"Service": "api", "Peer": "east", "ServiceSubset": "v1"}),
     "Redirect.Peer cannot be set with Redirect.ServiceSubset", "default"),  # §3.5
    # DC spells this one the other way round (§3.5 lists the three together)
    row("redirect-peer-partition", resolver(Redirect={"Service": "api", "Peer": "east", "Partition": "finance"}),
     "Redirect.Partition cannot be set with Redirect.Peer", "default"),
    row("redirect-peer-datacenter", resolver(Redirect={"Service": "api", "Peer": "east", "Datacenter": "dc2"}),
     "Redirect.Peer cannot be set with Redirect.Datacenter", "default"),  # §3.5
    row("redirect-subset-without-service", resolver(Redirect={"ServiceSubset": "v1"}),
     "Redirect.ServiceSubset defined without Redirect.Service", "default"),  # §3.5
    row("redirect-namespace-without-service", resolver(Redirect={"Namespace": "ns1"}),
     "Redirect.Namespace defined without Redirect.Service", "default"),  # §3.5
    row("redirect-partition-without-service", resolver(Redirect={"Partition": "finance"}),
     "Redirect.Partition defined without Redirect.Service", "default"),  # §3.5
    row("redirect-peer-without-service", resolver(Redirect={"Peer": "east"}),
     "Redirect.Peer defined without Redirect.Service", "default"),  # §3.5
    row("redirect-own-subset-unknown", resolver(Redirect={"Service": "web", "ServiceSubset": "v9"}, Subsets=V1),
     'Redirect.ServiceSubset "v9" is not a valid subset of "web"', "default"),  # §3.5
    # DC: another service's subsets are that service's business
    row("redirect-other-service-subset", resolver(Redirect={"Service": "api", "ServiceSubset": "v9"}),
     part(lambda b: b["Redirect"], {"Service": "api", "ServiceSubset": "v9"}), "default"),
    row("failover-dc-outside-default-partition", failover({"Datacenters": ["dc2"]}),
     "Cross-datacenter failover is only supported in the default partition", "finance"),  # §3.5
    row("failover-unknown-subset", resolver(Failover={"v9": {"Service": "db"}}),
     'Bad Failover["v9"]: not a valid subset subset', "default"),  # §3.5
    row("failover-empty", failover({}),
     'Bad Failover["*"]: one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required',
     "default"),  # §3.5
    # DC: the text names the failover's own Service, which is empty here
    row("failover-own-subset-unknown", failover({"ServiceSubset": "v9"}, Subsets=V1),
     'Bad Failover["*"]: ServiceSubset "v9" is not a valid subset of ""', "default"),
    row("failover-targets-and-datacenters", failover({"Targets": [{"Service": "db"}], "Datacenters": ["dc2"]}),
     'Bad Failover["*"]: Targets cannot be set with Datacenters', "default"),  # §3.5
    row("failover-targets-and-subset", failover({"Targets": [{"Service": "db"}], "ServiceSubset": "v1"}, Subsets=V1),
     'Bad Failover["*"]: Targets cannot be set with ServiceSubset', "default"),  # §3.5
    row("failover-targets-and-service", failover({"Targets": [{"Service": "db"}], "Service": "db"}),
     'Bad Failover["*"]: Targets cannot be set with Service', "default"),  # §3.5
    row("target-peer-subset", failover({"Targets": [{"Peer": "east", "ServiceSubset": "v1"}]}),
     'Bad Failover["*"].Targets[0]: Peer cannot be set with ServiceSubset', "default"),  # §3.5
    row("target-peer-partition", failover({"Targets": [{"Peer": "east", "Partition": "finance"}]}),
     'Bad Failover["*"].Targets[0]: Partition cannot be set with Peer', "default"),  # §3.5
    row("target-peer-datacenter", failover({"Targets": [{"Peer": "east", "Datacenter": "dc2"}]}),
     'Bad Failover["*"].Targets[0]: Peer cannot be set with Datacenter', "default"),  # §3.5
    row("target-partition-datacenter", failover({"Targets": [{"Partition": "finance", "Datacenter": "dc2"}]}),
     'Bad Failover["*"].Targets[0]: Partition cannot be set with Datacenter', "default"),  # §3.5
    # DC checks the target's pairs in one switch: Peer+Partition comes before Peer+Datacenter
    row("target-peer-partition-datacenter",
     failover({"Targets": [{"Peer": "east", "Partition": "finance", "Datacenter": "dc2"}]}),
     'Bad Failover["*"].Targets[0]: Partition cannot be set with Peer', "default"),
    row("target-own-subset-unknown", failover({"Targets": [{"ServiceSubset": "v9"}]}, Subsets=V1),
     'Bad Failover["*"].Targets[0]: ServiceSubset "v9" is not a valid subset of "web"', "default"),  # DC
    row("failover-empty-datacenter", failover({"Datacenters": [""]}),
     'Bad Failover["*"].Datacenters: found empty datacenter', "default"),  # §3.5
    row("connect-timeout-negative", resolver(ConnectTimeout="-1s"),
     "Bad ConnectTimeout '-1s', must be >= 0", "default"),  # §3.5; the value prints as Go's Duration.String()
    row("request-timeout-negative-minutes", resolver(RequestTimeout="-90s"),
        "Bad RequestTimeout '-1m30s', must be >= 0", "default"),
    row("lb-policy-unknown", lb(Policy="fastest"), 'Bad LoadBalancer policy: "fastest" is not supported', "default"),
    # DC, the hash-policy errors §3.5 mentions without texts
    row("lb-ring-hash-config-wrong-policy", lb(Policy="round_robin", RingHashConfig={"MinimumRingSize": 1}),
     'Bad LoadBalancer configuration. RingHashConfig specified for incompatible load balancing policy "round_robin"',
     "default"),
    row("lb-least-request-config-wrong-policy", lb(Policy="maglev", LeastRequestConfig={"ChoiceCount": 2}),
     'Bad LoadBalancer configuration. LeastRequestConfig specified for incompatible load balancing policy "maglev"',
     "default"),
    row("lb-hash-policies-not-hash-based", lb(Policy="least_request", HashPolicies=[{"SourceIP": True}]),
     'Bad LoadBalancer configuration: HashPolicies specified for non-hash-based Policy: "least_request"', "default"),
    row("lb-hash-field-unknown", lb(Policy="ring_hash", HashPolicies=[{"Field": "body", "FieldValue": "x"}]),
     'Bad LoadBalancer HashPolicy[0]: "body" is not a supported field', "default"),
    row("lb-hash-source-ip-and-field",
     lb(Policy="maglev", HashPolicies=[{"Field": "header", "FieldValue": "x", "SourceIP": True}]),
     'Bad LoadBalancer HashPolicy[0]: A single hash policy cannot hash both a source address and a "header"',
     "default"),
    row("lb-hash-source-ip-and-value", lb(Policy="maglev", HashPolicies=[{"SourceIP": True, "FieldValue": "x"}]),
     "Bad LoadBalancer HashPolicy[0]: A FieldValue cannot be specified when hashing SourceIP", "default"),
    row("lb-hash-field-without-value", lb(Policy="maglev", HashPolicies=[{"Field": "header"}]),
     'Bad LoadBalancer HashPolicy[0]: Field "header" was specified without a FieldValue', "default"),
    row("lb-hash-value-without-field", lb(Policy="maglev", HashPolicies=[{"FieldValue": "x"}]),
     "Bad LoadBalancer HashPolicy[0]: FieldValue requires a Field to apply to", "default"),
    row("lb-hash-cookie-config-not-cookie",
     lb(Policy="maglev", HashPolicies=[{"Field": "header", "FieldValue": "x", "CookieConfig": {"Path": "/"}}]),
     'Bad LoadBalancer HashPolicy[0]: cookie_config provided for "header"', "default"),
    row("lb-hash-session-cookie-ttl",
     lb(Policy="maglev", HashPolicies=[{"Field": "cookie", "FieldValue": "c",
                                        "CookieConfig": {"Session": True, "TTL": "10s"}}]),
     "Bad LoadBalancer HashPolicy[0]: a session cookie cannot have an associated TTL", "default"),
    row("lb-ring-hash-accepted", lb(Policy="ring_hash", RingHashConfig={"MinimumRingSize": 1024},
                                 HashPolicies=[{"Field": "cookie", "FieldValue": "c", "CookieConfig": {"TTL": "10s"}}]),
     part(lambda b: b["LoadBalancer"]["RingHashConfig"], {"MinimumRingSize": 1024}), "default"),
]


@pytest.mark.parametrize(("raw", "expected", "partition"), RESOLVER)
def test_resolver(raw, expected, partition):
    """Each service-resolver rule: the normalized body or Consul's text."""
    check(raw, expected, partition=partition)


def router(*routes, **fields):
    return {"Kind": "service-router", "Name": "web", "Routes": list(routes), **fields}


def match(**http):
    return {"Match": {"HTTP": http}}


ROUTER = [
    # §3.5 Normalize: Methods upper-cased; an empty Destination namespace/partition is the entry's
    row("normalize-methods-and-destination", router({**match(PathPrefix="/a", Methods=["get", "Post"]),
                                                  "Destination": {"Service": "admin"}}),
     part(lambda b: b["Routes"][0], {"Match": {"HTTP": {"PathPrefix": "/a", "Methods": ["GET", "POST"]}},
                                     "Destination": {"Service": "admin", "Namespace": "ns1", "Partition": "default"}}),
     HTTP),
    # DC Normalize skips a route without Match.HTTP before it reaches the destination
    row("normalize-skips-route-without-match", router({"Destination": {"Service": "admin"}}),
     part(lambda b: b["Routes"][0], {"Destination": {"Service": "admin"}}), HTTP),
    row("name-required", router(Name=""), "Name is required", HTTP),  # §3.5
    row("meta-value-too-long", router(Meta={"k": "v" * 513}),  # DC: Meta right after Name, multierror-wrapped
     multi('Meta value for key "k" exceeds maximum length 512'), HTTP),
    row("path-exact-slash", router(match(PathExact="a")), "Route[0] PathExact doesn't start with '/': \"a\"", HTTP),
    row("path-prefix-slash", router(match(PathPrefix="a")), "Route[0] PathPrefix doesn't start with '/': \"a\"", HTTP),
    row("path-at-most-one", router(match(PathExact="/a", PathRegex="/b.*")),
     "Route[0] should only contain at most one of PathExact, PathPrefix, or PathRegex", HTTP),  # §3.5
    # DC returns at the first failing check
    row("first-error-only", router(match(PathExact="a", PathPrefix="b")),
     "Route[0] PathExact doesn't start with '/': \"a\"", HTTP),
    row("header-name-required", router(match(Header=[{"Exact": "x"}])),
     "Route[0] Header[0] missing required Name field", HTTP),  # §3.5
    row("header-two-matches", router(match(Header=[{"Name": "x", "Exact": "a", "Prefix": "b"}])),
     "Route[0] Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex", HTTP),  # §3.5
    # DC requires exactly one match kind: a header with none fails too
    row("header-no-match", router(match(Header=[{"Name": "x"}])),
     "Route[0] Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex", HTTP),
    row("query-name-required", router(match(QueryParam=[{"Present": True}])),
     "Route[0] QueryParam[0] missing required Name field", HTTP),  # §3.5
    row("query-two-matches", router(match(QueryParam=[{"Name": "q", "Present": True, "Exact": "a"}])),
     "Route[0] QueryParam[0] should only contain one of Present, Exact, or Regex", HTTP),  # §3.5
    row("query-no-match", router(match(QueryParam=[{"Name": "q"}])),  # DC: exactly one
     "Route[0] QueryParam[0] should only contain one of Present, Exact, or Regex", HTTP),
    row("method-invalid", router(match(Methods=["fetch"])),  # §3.5, checked after Normalize upper-cased it
     'Route[0] Methods contains an invalid method "FETCH"', HTTP),
    row("method-twice", router(match(Methods=["GET", "get"])), 'Route[0] Methods contains "GET" more than once', HTTP),
    row("prefix-rewrite-needs-path", router({**match(PathRegex="/a.*"), "Destination": {"PrefixRewrite": "/"}}),
     "Route[0] cannot make use of PrefixRewrite without configuring either PathExact or PathPrefix", HTTP),  # §3.5
    row("retry-on-invalid", router({"Destination": {"RetryOn": ["5xx", "sometimes"]}}),
     'Route[0] contains an invalid retry condition: "sometimes"', HTTP),  # §3.5
    # §3.7: a router needs an L7 protocol; with no service-defaults and no proxy-defaults it is tcp
    row("tcp-service", router(match(PathPrefix="/")),
     'discovery chain "web" uses a protocol "tcp" that does not permit advanced routing or splitting behavior',
     context()),
    row("protocol-from-service-defaults", router(match(PathPrefix="/")),
     'discovery chain "web" uses a protocol "redis" that does not permit advanced routing or splitting behavior',
     context("redis")),
]


def _proxy_defaults_protocol(protocol):
    """A Context with no service-defaults and a proxy-defaults whose Config.protocol is `protocol`."""
    from consulite.model.config import Context

    def lookup(kind, partition, namespace, name):
        return {"Config": {"protocol": protocol}} if kind == "proxy-defaults" else None
    return Context(lookup=lookup)


ROUTER += [
    # proxy-defaults' Config.protocol counts, as written: ProxyConfigEntry.ComputeProtocol weak-decodes it
    # without lower-casing, and the chain's L7 test compares case-sensitively (agent/structs/config_entry.go),
    # so "HTTP2" is not L7 while "http2" is; /v1/discovery-chain reports the same string (one home:
    # model.config.chain.service_protocol)
    row("protocol-from-proxy-defaults", router(match(PathPrefix="/")),
     part(lambda b: len(b["Routes"]), 1), _proxy_defaults_protocol("http2")),
    row("protocol-from-proxy-defaults-is-case-sensitive", router(match(PathPrefix="/")),
     'discovery chain "web" uses a protocol "HTTP2" that does not permit advanced routing or splitting behavior',
     _proxy_defaults_protocol("HTTP2")),
]


@pytest.mark.parametrize(("raw", "expected", "ctx"), ROUTER)
def test_router(raw, expected, ctx):
    """Each service-router rule: the normalized body or Consul's text."""
    check(raw, expected, ctx, namespace="ns1")


def splitter(*splits, **fields):
    return {"Kind": "service-splitter", "Name": "web", "Splits": list(splits), **fields}


def split(weight, service="", **fields):
    return {"Weight": weight, **({"Service": service} if service else {}), **fields}


SPLITTER = [
    # §3.5 Normalize rounds each weight to 0.01
    row("normalize-rounds-weights", splitter(split(50.004, "a"), split(49.996, "b")),
     part(lambda b: [s["Weight"] for s in b["Splits"]], [50.0, 50.0]), HTTP),
    # DC Normalize assigns the namespace to a loop copy, so the stored split keeps what was sent
    row("normalize-weight-prints-short", splitter(split(33.33, "a"), split(33.33, "b"), split(33.34, "c")),
     part(lambda b: [s["Weight"] for s in b["Splits"]], [33.33, 33.33, 33.34]), HTTP),
    row("normalize-keeps-scope-empty", splitter(split(100)), body({"Splits": [{"Weight": 100.0}]}), HTTP),
    row("name-required", splitter(split(100), Name=""), "Name is required", HTTP),  # §3.5
    row("no-splits", splitter(), "no splits configured", HTTP),  # §3.5
    row("meta-too-many", splitter(split(100), Meta={f"k{i}": "v" for i in range(65)}),  # DC: after the splits count
     multi("Meta exceeds maximum element count 64"), HTTP),
    row("duplicate-destination", splitter(split(50, "a"), split(50, "a")),
     'split destination occurs more than once: service="a", subset="", namespace="", partition=""', HTTP),  # §3.5
    # DC compares destinations with an empty Service read as the entry's own name
    row("duplicate-own-service", splitter(split(50), split(50, "web")),
     'split destination occurs more than once: service="web", subset="", namespace="", partition=""', HTTP),
    # DC keys splits by the whole struct, header modifiers (pointers) included: such a split is never a duplicate
    row("headers-make-split-distinct", splitter(split(50, "a", RequestHeaders={"Set": {"x": "1"}}), split(50, "a")),
     part(lambda b: len(b["Splits"]), 2), HTTP),
    row("sum-not-100", splitter(split(60, "a"), split(30, "b")),
     "the sum of all split weights must be 100, not 90.000000", HTTP),  # §3.5
    # DC scales float32 weights with math.Round (half away from zero): 50.125 -> 5013, 49.875 -> 4988
    row("weights-round-half-away", splitter(split(50.125, "a"), split(49.875, "b")),
     "the sum of all split weights must be 100, not 100.010002", HTTP),
    # DC prints the sum as a float32 with %f
    row("sum-printed-as-float32", splitter(split(50, "a"), split(49.99, "b")),
     "the sum of all split weights must be 100, not 99.989998", HTTP),
    # DC: a weight beyond float32's range decodes as +Inf and can never sum to 100 (the printed sum is Go's int(Inf))
    row("weight-beyond-float32", splitter(split(1e39, "a")),
        Prefix("the sum of all split weights must be 100, not "), HTTP),
    row("tcp-service", splitter(split(100)),  # §3.7
     'discovery chain "web" uses a protocol "tcp" that does not permit advanced routing or splitting behavior',
     context()),
]


@pytest.mark.parametrize(("raw", "expected", "ctx"), SPLITTER)
def test_splitter(raw, expected, ctx):
    """Each service-splitter rule: the normalized body or Consul's text."""
    check(raw, expected, ctx)


async def _put(client, body):
    r = await client.put("/v1/config", json=body)
    return r.status, await r.text()


@pytest.mark.parametrize(("raw", "text"), [
    (resolver(Subsets={"V1": {}}), f'Subset "V1" is invalid: {DNS_LABEL}'),  # DC validateServiceSubset
    (router(match(PathPrefix="/")),  # §3.7, no service-defaults: tcp
     'discovery chain "web" uses a protocol "tcp" that does not permit advanced routing or splitting behavior'),
    (splitter(split(60, "a"), split(30, "b")), "the sum of all split weights must be 100, not 90.000000"),  # §3.5
], ids=["resolver", "router", "splitter"])
async def test_http_answers_500_with_the_text(client, raw, text):
    """§1.6: Normalize/Validate/graph failures are a 500 whose body is the text; nothing is stored."""
    if raw["Kind"] == "service-splitter":
        assert await _put(client, {"Kind": "service-defaults", "Name": "web", "Protocol": "http"}) == (200, "true")
    assert await _put(client, raw) == (500, text)
    r = await client.get(f"/v1/config/{raw['Kind']}/web")
    assert r.status == 404
