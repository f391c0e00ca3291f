"""The test harness itself: the threaded server, its seeding helpers, and the pytest plugin's fixtures."""

import sys
from pathlib import Path

import pytest

from consulite.model.agent_config import AgentConfig
from consulite.testing import ConsuliteServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mesh-gateways"


def test_server_in_a_thread_with_seeding_helpers():
    with ConsuliteServer(AgentConfig(datacenter="east")) as server:
        assert server.http_addr.startswith("127.0.0.1:") and server.url == f"http://{server.http_addr}"
        for name in ("finance", "api", "db", "logging"):
            server.create_partition(name)
        server.create_namespace("dev", partition="api")  # billing.hcl registers `api` there
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


def test_the_function_fixture_resets_the_session_server(consulite_server, request):
    consulite_server.register_service({"Name": "left-behind"})  # as an earlier test may have done
    consulite_server.write_config_entry({"Kind": "proxy-defaults", "Name": "global"})
    assert "left-behind" in consulite_server.client().agent.services()
    fresh = request.getfixturevalue("consulite")  # set up now, after the writes above
    assert fresh is consulite_server
    assert fresh.client().agent.services() == {}
    assert fresh.request("GET", "/v1/config/proxy-defaults")[1] == b"[]"


async def test_fixtures_work_in_async_tests(consulite):
    assert consulite.client().status.leader() == "127.0.0.1:8300"


def test_a_port_in_use_is_reported():
    with ConsuliteServer() as first, pytest.raises(OSError):
        ConsuliteServer(port=first.port).start()


def test_files_given_to_the_server_are_loaded_at_start_and_after_each_reset(tmp_path):
    svc = tmp_path / "web.hcl"
    svc.write_text('service {\n  name = "web"\n  port = 80\n}\n')
    with ConsuliteServer(files=[svc]) as server:
        assert list(server.client().agent.services()) == ["web"]
        server.register_service({"Name": "extra"})
        server.reset()
        assert list(server.client().agent.services()) == ["web"]


def test_client_says_what_to_install_without_py_consul(consulite, monkeypatch):
    monkeypatch.setitem(sys.modules, "consul", None)  # as if py-consul were not installed
    with pytest.raises(ImportError, match=r"pip install 'consulite\[testing\]'"):
        consulite.client()


PLUGIN_TEST = """
def test_configured(consulite, consulite_server, consulite_config):
    c = consulite.client()
    assert consulite_server.config is consulite_config
    assert c.agent.self()["Config"]["Datacenter"] == "{dc}"
    assert list(c.agent.services()) == {services}
    status, body = consulite.request("GET", "/v1/agent/service/web")
    assert ('"Partition"' in body.decode()) is {enterprise}
"""


@pytest.fixture
def pytester(pytester):
    """An inner pytest session with this project's asyncio setting."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester


def test_the_plugin_is_configured_by_options(pytester, tmp_path):
    svc = tmp_path / "web.hcl"
    svc.write_text('service {\n  name = "web"\n  port = 80\n}\n')
    pytester.makepyfile(PLUGIN_TEST.format(dc="east", services=["web"], enterprise=False))
    result = pytester.runpytest_inprocess("--consulite-edition", "ce", "--consulite-datacenter", "east",
                                          f"--consulite-load={svc}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_plugin_is_configured_by_fixture_overrides(pytester, tmp_path):
    svc = tmp_path / "web.json"
    svc.write_text('{"service": {"name": "web", "port": 80}}')
    pytester.makeconftest(f"""
import pytest
from consulite.model.agent_config import AgentConfig

@pytest.fixture(scope="session")
def consulite_config():
    return AgentConfig(datacenter="west", edition="enterprise")

@pytest.fixture(scope="session")
def consulite_files():
    return [{str(svc)!r}]
""")
    pytester.makepyfile(PLUGIN_TEST.format(dc="west", services=["web"], enterprise=True))
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_defaults(pytester):
    pytester.makepyfile("""
def test_defaults(consulite, consulite_config, consulite_files):
    assert (consulite_config.edition, consulite_config.datacenter, consulite_files) == ("enterprise", "dc1", [])
    assert consulite.client().agent.services() == {}
""")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def readme_examples() -> list[str]:
    """The python blocks of the README's "In tests" section."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## In tests"):readme.index("## Compatibility")]
    return [block.split("\n```", 1)[0] for block in section.split("```python\n")[1:]]


def test_the_readme_examples_work(pytester):
    test_example, conftest_example = readme_examples()
    pytester.makepyfile(test_readme_example=test_example)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    seed = pytester.mkdir("seed")
    (seed / "web.hcl").write_text('service {\n  name = "api"\n  port = 81\n}\n')
    (seed / "proxy-defaults.hcl").write_text('Kind = "proxy-defaults"\nName = "global"\n')
    pytester.makeconftest(conftest_example)
    pytester.makepyfile(test_seeded="""
def test_seeded(consulite):
    c = consulite.client()
    assert c.agent.self()["Config"]["Datacenter"] == "east"
    assert list(c.agent.services()) == ["api"]
    assert c.config.get("proxy-defaults", "global")["Kind"] == "proxy-defaults"
""")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
