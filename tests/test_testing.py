"""The test harness itself: the threaded server, its seeding helpers, and the pytest plugin's fixtures."""

from pathlib import Path

import pytest

from consulite.model.agent_config import AgentConfig
from consulite.testing import ConsuliteServer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "mesh-gateways"


def test_server_in_a_thread_with_seeding_helpers():
    with ConsuliteServer(AgentConfig(datacenter="east")) as server:
        assert server.http_addr.startswith("127.0.0.1:") and server.url == f"http://{server.http_addr}"
        for name in ("finance", "api", "db", "logging"):
            server.create_partition(name)
        server.load_files(*sorted(EXAMPLES.glob("*.hcl")))
        client = server.client()
        assert client.agent.self()["Config"]["Datacenter"] == "east"
        assert client.config.get("proxy-defaults", "global")["MeshGateway"] == {"Mode": "local"}
        server.write_config_entry({"Kind": "service-defaults", "Name": "api", "Protocol": "http"}, partition="api")
        assert '"Protocol":"http"' in server.request("GET", "/v1/config/service-defaults/api?partition=api")[1].decode()
        with pytest.raises(RuntimeError, match="400"):
            server.register_service({"Port": 1})
    with pytest.raises(OSError):  # the port is released
        import urllib.request

        urllib.request.urlopen(server.url + "/v1/status/leader", timeout=2)


def test_the_function_fixture_starts_each_test_fresh_part_one(consulite):
    assert consulite.client().agent.services() == {}
    consulite.register_service({"Name": "left-behind"})


def test_the_function_fixture_starts_each_test_fresh_part_two(consulite):
    assert consulite.client().agent.services() == {}


async def test_fixtures_work_in_async_tests(consulite):
    assert consulite.client().status.leader() == "127.0.0.1:8300"


def test_a_port_in_use_is_reported():
    with ConsuliteServer() as first:
        with pytest.raises(OSError):
            ConsuliteServer(port=first.port).start()
