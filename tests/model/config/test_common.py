"""The structs and checks several kinds share (consulite/model/config/common.py), through proxy-defaults and
service-defaults, one row per rule.

Sources: reference config-entries-and-resolver.md §3.1 (proxy-defaults) and §3.2 (service-defaults); Consul's
agent/structs/config_entry.go (`CE`: validateConfigEntryMeta, validateOpaqueProxyConfig),
agent/structs/connect_proxy_config.go (`CPC`: AccessLogsConfig.Validate) and agent/structs/config_entry_test.go
(`CET`: the proxy-defaults validation cases).
"""

from __future__ import annotations

import pytest

from tests.model.config.util import Prefix, check, multi, part, row


def proxy(**fields):
    return {"Kind": "proxy-defaults", "Name": "global", **fields}


def logs(**fields):
    return proxy(AccessLogs={"Enabled": True, **fields})


K129, V513 = "k" * 129, "v" * 513
DIR70 = "/" + "d" * 69

NORMALIZE = [
    # §3.1: the snake_case aliases of the shared structs decode to their Go names
    row("aliases", proxy(mesh_gateway={"mode": "local"},
                         transparent_proxy={"outbound_listener_port": 15001, "dialed_directly": True},
                         expose={"checks": True, "paths": [{"listener_port": 21500, "path": "/health",
                                                            "local_path_port": 8080, "protocol": "http"}]},
                         access_logs={"enabled": True, "type": "file", "path": "/var/log/envoy"},
                         failover_policy={"mode": "order-by-locality", "regions": ["us-west-1"]},
                         prioritize_by_locality={"mode": "failover"}, mutual_tls_mode="strict"),
        part(lambda b: {k: b[k] for k in ("MeshGateway", "TransparentProxy", "Expose", "AccessLogs", "FailoverPolicy",
                                           "PrioritizeByLocality", "MutualTLSMode")},
             {"MeshGateway": {"Mode": "local"},
              "TransparentProxy": {"OutboundListenerPort": 15001, "DialedDirectly": True},
              "Expose": {"Checks": True, "Paths": [{"ListenerPort": 21500, "Path": "/health", "LocalPathPort": 8080,
                                                    "Protocol": "http"}]},
              "AccessLogs": {"Enabled": True, "Type": "file", "Path": "/var/log/envoy"},
              "FailoverPolicy": {"Mode": "order-by-locality", "Regions": ["us-west-1"]},
              "PrioritizeByLocality": {"Mode": "failover"}, "MutualTLSMode": "strict"})),
    # §3.1: MeshGateway.Mode is not validated; a bogus mode is stored verbatim
    row("mesh-gateway-mode-unchecked", proxy(MeshGateway={"Mode": "sideways"}),
        part(lambda b: b["MeshGateway"], {"Mode": "sideways"})),
    row("access-logs-stdout", logs(Type="stdout", TextFormat="%START_TIME%"),  # CPC: stdout takes no path
        part(lambda b: b["AccessLogs"]["Type"], "stdout")),
    row("socket-dir-at-limit", proxy(Config={"envoy_hcp_metrics_bind_socket_dir": DIR70}),  # CE: max 70
        part(lambda b: b["Config"]["envoy_hcp_metrics_bind_socket_dir"], DIR70)),
    # CE validateOpaqueProxyConfig only measures a string value
    row("socket-dir-not-a-string", proxy(Config={"envoy_hcp_metrics_bind_socket_dir": 12345}),
        part(lambda b: b["Config"]["envoy_hcp_metrics_bind_socket_dir"], 12345)),
    row("failover-policy-sequential", proxy(FailoverPolicy={"Mode": "sequential"}),  # CET: a valid mode
        part(lambda b: b["FailoverPolicy"], {"Mode": "sequential"})),
    row("prioritize-none", proxy(PrioritizeByLocality={"Mode": "none"}),  # docs: "none" or "failover"
        part(lambda b: b["PrioritizeByLocality"], {"Mode": "none"})),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE)
def test_accepted(raw, expected):
    """Entries the shared checks accept, as stored after Normalize."""
    check(raw, expected)


REJECTED = [
    # CE validateConfigEntryMeta: limits 64 pairs, 128-byte keys, 512-byte values; always multierror-wrapped
    row("meta-too-many", proxy(Meta={f"k{i}": "v" for i in range(65)}), multi("Meta exceeds maximum element count 64")),
    row("meta-key-too-long", proxy(Meta={K129: "v"}), multi(f'Meta key "{K129}" exceeds maximum length 128')),
    row("meta-value-too-long", proxy(Meta={"k": V513}), multi('Meta value for key "k" exceeds maximum length 512')),
    row("meta-key-and-value-too-long", proxy(Meta={K129: V513}),
        multi(f'Meta key "{K129}" exceeds maximum length 128',
              f'Meta value for key "{K129}" exceeds maximum length 512')),
    row("mutual-tls-mode", proxy(MutualTLSMode="loose"),  # §3.1
        'Invalid MutualTLSMode "loose". Must be one of "", "strict", or "permissive".'),
    # §3.2: service-defaults returns the MutualTLSMode text unwrapped, and wraps Meta
    row("service-defaults-mutual-tls-mode", {"Kind": "service-defaults", "Name": "web", "MutualTLSMode": "loose"},
        'Invalid MutualTLSMode "loose". Must be one of "", "strict", or "permissive".'),
    row("service-defaults-meta", {"Kind": "service-defaults", "Name": "web", "Meta": {"k": V513}},
        multi('Meta value for key "k" exceeds maximum length 512')),
    row("access-log-type", logs(Type="stdin"), "invalid access log type: stdin"),  # CET
    row("access-log-two-formats", logs(JSONFormat="{}", TextFormat="%START_TIME%"),  # CET
        "cannot specify both access log JSONFormat and TextFormat"),
    row("access-log-path-needs-file", logs(Path="/tmp/logs.txt"),  # CET
        "path is only valid for file type access logs"),
    row("access-log-file-needs-path", logs(Type="file"),  # CPC
        "path must be specified when using file type access logs"),
    # CPC checks the type (and a file's path) before the two formats
    row("access-log-file-path-before-formats", logs(Type="file", JSONFormat="{}", TextFormat="%START_TIME%"),
        "path must be specified when using file type access logs"),
    # CPC: JSONFormat must parse as JSON; the tail is Go's encoding/json error
    row("access-log-json-format-invalid", logs(JSONFormat='{"start_time": "[%START_TIME%]"'),
        "invalid access log json for JSON format: unexpected end of JSON input"),
    row("access-log-json-format-trailing", logs(JSONFormat="{} x"),
        "invalid access log json for JSON format: invalid character 'x' after top-level value"),
    row("socket-dir-too-long", proxy(Config={"envoy_hcp_metrics_bind_socket_dir": DIR70 + "x"}),  # CE, CET
        "Config: envoy_hcp_metrics_bind_socket_dir length 71 exceeds max 70"),
    # CET pins this text up to the list of modes (the rule's code is Enterprise-only, not public)
    row("failover-policy-mode", proxy(FailoverPolicy={"Mode": "bad"}),
        Prefix("Failover-policy mode must be one of '', 'sequential', or 'order-by-locality'")),
    # Enterprise-only rule, text not public: consulite's own wording, valid modes from the docs ("none", "failover")
    row("prioritize-mode", proxy(PrioritizeByLocality={"Mode": "nearest"}),
        'Invalid PrioritizeByLocality.Mode "nearest"'),
]


@pytest.mark.parametrize(("raw", "expected"), REJECTED)
def test_rejected(raw, expected):
    """Each shared check's text."""
    check(raw, expected)


@pytest.mark.parametrize(("raw", "text"), [
    (logs(Type="stdin"), "invalid access log type: stdin"),  # CET
    ({"Kind": "service-defaults", "Name": "web", "MutualTLSMode": "loose"},  # §3.2
     'Invalid MutualTLSMode "loose". Must be one of "", "strict", or "permissive".'),
], ids=["proxy-defaults", "service-defaults"])
async def test_http_answers_500_with_the_text(client, raw, text):
    """§1.6: a Validate failure is a 500 whose body is the text; nothing is stored."""
    r = await client.put("/v1/config", json=raw)
    assert (r.status, await r.text()) == (500, text)
    assert (await client.get(f"/v1/config/{raw['Kind']}/{raw['Name']}")).status == 404
