"""py-consul, a real client, against a running consulite (the pytest plugin's fixture)."""

import time

import consul
import pytest


def test_register_read_filter_and_deregister(consulite):
    c = consulite.client()
    assert c.agent.service.register("web", service_id="web1", port=80, tags=["prod"], meta={"team": "a"},
                                    address="10.1.1.1", check=consul.Check.ttl("10s"),
                                    tagged_addresses={"lan": {"address": "10.1.1.1", "port": 80}})
    services = c.agent.services()
    assert services["web1"]["Service"] == "web" and services["web1"]["Tags"] == ["prod"]
    assert services["web1"]["TaggedAddresses"]["lan"] == {"Address": "10.1.1.1", "Port": 80}
    index, names = c.catalog.services()
    assert names == {"consul": [], "web": ["prod"]} and int(index) > 0
    _, nodes = c.health.service("web")
    assert nodes[0]["Checks"][1]["CheckID"] == "service:web1"
    assert c.agent.service.deregister("web1")
    assert c.agent.services() == {}


def test_ttl_check_lifecycle(consulite):
    c = consulite.client()
    c.agent.service.register("web", check=consul.Check.ttl("100ms"))
    assert c.agent.check.ttl_pass("service:web", notes="ok")
    assert c.agent.checks()["service:web"]["Status"] == "passing"
    deadline = time.monotonic() + 10
    while c.agent.checks()["service:web"]["Status"] != "critical" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.agent.checks()["service:web"]["Status"] == "critical"


def test_check_register_with_service(consulite):
    c = consulite.client()
    c.agent.service.register("web", port=80)
    assert c.agent.check.register("web-http", consul.Check.http("http://localhost:80", "10s"),
                                  check_id="web-http", service_id="web")
    check = c.agent.checks()["web-http"]
    assert (check["ServiceName"], check["Type"]) == ("web", "http")
    assert c.agent.check.deregister("web-http")


def test_maintenance_and_sidecar(consulite):
    c = consulite.client()
    c.agent.service.register("web", port=8080, connect={"sidecar_service": {}})
    assert c.agent.services()["web-sidecar-proxy"]["Port"] == 21000
    assert c.agent.service.maintenance("web", "true", reason="deploy")
    assert c.agent.checks()["_service_maintenance:web"]["Notes"] == "deploy"


def test_errors_surface_as_py_consul_exceptions(consulite):
    c = consulite.client()
    with pytest.raises(consul.ConsulException, match="Missing service name"):
        c.agent.service.register("")
    assert c.agent.service.deregister("nope") is False  # py-consul turns Consul's 404 into False


def test_blocking_index_on_health(consulite):
    c = consulite.client()
    c.agent.service.register("web")
    index, _ = c.health.service("web")
    start = time.monotonic()
    again, _ = c.health.service("web", index=index, wait="50ms")
    assert again == index and time.monotonic() - start >= 0.04


def test_self_and_leader(consulite):
    c = consulite.client()
    assert c.agent.self()["Config"]["NodeName"] == "node1"
    assert c.status.leader() == "127.0.0.1:8300"
    assert c.agent.members()[0]["Name"] == "node1"


def test_config_entries(consulite):
    c = consulite.client()
    assert c.config.set("service-defaults", "web", {"Protocol": "http", "MeshGateway": {"Mode": "local"}})
    entry = c.config.get("service-defaults", "web")
    assert entry["Protocol"] == "http" and entry["MeshGateway"] == {"Mode": "local"}
    assert c.config.set("service-defaults", "web", {"Protocol": "grpc"}, cas=entry["ModifyIndex"]) is True
    assert c.config.set("service-defaults", "web", {"Protocol": "tcp"}, cas=entry["ModifyIndex"]) is False
    assert [e["Name"] for e in c.config.list("service-defaults")] == ["web"]
    assert [e["Name"] for e in c.config.list("service-defaults", filter_expr='Protocol == "grpc"')] == ["web"]
    current = c.config.get("service-defaults", "web")["ModifyIndex"]
    assert c.config.delete("service-defaults", "web", cas=current) is True
    assert c.config.get("service-defaults", "web") is None  # py-consul maps Consul's 404 to None
    with pytest.raises(consul.ConsulException, match="only \"global\" is supported"):
        c.config.set("proxy-defaults", "other", {})
