"""Mesh gateway precedence (config-entries-and-resolver.md §4.1, §4.2, §4.7): every layer beats every layer
below it, an empty layer inherits, nothing anywhere is mode "" from `default`."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consulite.model.config import ConfigEntry
from consulite.model.service import MeshGatewayConfig, Proxy, Service, Upstream
from consulite.resolve.entries import Entries
from consulite.resolve.mesh_gateway import Layers, proxy_mode, upstream_mode

LAYERS = ["upstream", "upstream-config-override", "service-instance", "upstream-config-defaults",
          "service-defaults", "proxy-defaults"]
MODES = ["", "none", "local", "remote"]


def entries_of(table: dict) -> Entries:
    """Resolution's view of `table`: (kind, partition, namespace, name) -> body."""
    found = {key: ConfigEntry(key[0], key[3], key[1], key[2], body) for key, body in table.items()}
    return Entries(lambda *key: found.get(key))


def scenario(modes: dict[str, str]):
    """A proxy for `web` with one upstream `db`, and config entries setting each layer's mode."""
    upstream = Upstream(destination_name="db", destination_type="service", destination_namespace="default",
                        destination_partition="default", local_bind_port=9191,
                        mesh_gateway=MeshGatewayConfig(modes.get("upstream", "")))
    svc = Service(kind="connect-proxy", id="web-sidecar-proxy", name="web-sidecar-proxy", partition="default",
                  namespace="default", tags=[], meta={}, port=21000,
                  proxy=Proxy(destination_service_name="web", upstreams=[upstream],
                              mesh_gateway=MeshGatewayConfig(modes.get("service-instance", ""))))
    sd = {"MeshGateway": {"Mode": modes.get("service-defaults", "")}, "UpstreamConfig": {
        "Overrides": [{"Name": "db", "Namespace": "default", "Partition": "default",
                       "MeshGateway": {"Mode": modes.get("upstream-config-override", "")}}],
        "Defaults": {"MeshGateway": {"Mode": modes.get("upstream-config-defaults", "")}}}}
    pd = {"MeshGateway": {"Mode": modes.get("proxy-defaults", "")}}
    table = {("service-defaults", "default", "default", "web"): sd,
             ("proxy-defaults", "default", "default", "global"): pd}
    entries = entries_of(table)
    return svc, upstream, Layers.of(svc, entries)


@pytest.mark.parametrize("higher, lower", list(itertools.combinations(LAYERS, 2)))
@pytest.mark.parametrize("high_mode, low_mode", [(a, b) for a in MODES[1:] for b in MODES[1:]])
def test_every_layer_beats_every_layer_below(higher, lower, high_mode, low_mode):
    svc, upstream, layers = scenario({higher: high_mode, lower: low_mode})
    decided = upstream_mode(svc, upstream, layers)
    assert (decided.mode, decided.source) == (high_mode, higher)


@pytest.mark.parametrize("layer", LAYERS)
def test_an_empty_higher_layer_inherits(layer):
    below = LAYERS[LAYERS.index(layer) + 1:] or []
    modes = {layer: ""}
    if below:
        modes[below[-1]] = "remote"
    svc, upstream, layers = scenario(modes)
    decided = upstream_mode(svc, upstream, layers)
    assert (decided.mode, decided.source) == (("remote", below[-1]) if below else ("", "default"))


def test_nothing_set_anywhere_is_empty_from_default():
    svc, upstream, layers = scenario({})
    assert (upstream_mode(svc, upstream, layers).mode, upstream_mode(svc, upstream, layers).source) == ("", "default")
    assert proxy_mode(svc, layers).source == "default"


def test_proxy_level_is_instance_then_service_defaults_then_proxy_defaults():
    svc, _, layers = scenario({"service-defaults": "none", "proxy-defaults": "local"})
    assert (proxy_mode(svc, layers).mode, proxy_mode(svc, layers).source) == ("none", "service-defaults")
    svc, _, layers = scenario({"service-instance": "remote", "service-defaults": "none"})
    assert proxy_mode(svc, layers).source == "service-instance"
    svc, _, layers = scenario({"upstream": "remote", "upstream-config-override": "local"})
    assert proxy_mode(svc, layers).source == "default"  # upstream-only layers do not set the proxy level


def test_entries_in_other_scopes_do_not_apply():
    svc, upstream, _ = scenario({})
    table = {("proxy-defaults", "finance", "default", "global"): {"MeshGateway": {"Mode": "local"}},
             ("service-defaults", "default", "team", "web"): {"MeshGateway": {"Mode": "remote"}}}
    layers = Layers.of(svc, entries_of(table))
    assert upstream_mode(svc, upstream, layers).source == "default"


def test_override_naming_another_partition_does_not_match():
    svc, upstream, _ = scenario({})
    table = {("service-defaults", "default", "default", "web"): {"UpstreamConfig": {"Overrides": [
        {"Name": "db", "Partition": "finance", "Namespace": "default", "MeshGateway": {"Mode": "local"}}]}}}
    layers = Layers.of(svc, entries_of(table))
    assert upstream_mode(svc, upstream, layers).source == "default"


@given(st.fixed_dictionaries({layer: st.sampled_from([*MODES, "Local", "bogus"]) for layer in LAYERS}))
def test_result_is_the_first_non_empty_layer(modes):
    svc, upstream, layers = scenario(modes)
    decided = upstream_mode(svc, upstream, layers)
    expected = next(((modes[layer], layer) for layer in LAYERS if modes[layer]), ("", "default"))
    assert (decided.mode, decided.source) == expected
