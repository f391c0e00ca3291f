"""py-consul 1.8.0's own `TestAgent.test_agent_checks` and `test_service_multi_check` (tests/api/test_agent.py
of its sdist), step for step, against consulite in real time. Their HTTP checks target `localhost:8500`
(the Consul agent under test itself), which works only where consulite listens there; here the target is a
local HTTP server on a free port and consulite runs on another."""

from __future__ import annotations

import time

import consul
import pytest

from consulite.model.agent_config import AgentConfig
from consulite.testing.server import ConsuliteServer
from tests.agent.probe_targets import threaded_http

Check = consul.Check
pytestmark = pytest.mark.slow  # real sleeps, as the originals


@pytest.fixture(scope="module")
def http_addr():
    with threaded_http() as url:  # GET anything: 200
        yield url


@pytest.fixture(scope="module")
def c():
    with ConsuliteServer(AgentConfig(enable_script_checks=True)) as server:  # their agent runs scripts
        yield server.client()


def test_agent_checks(c, http_addr):
    def verify_and_dereg_check(check_id) -> None:
        assert set(c.agent.checks().keys()) == {check_id}
        assert c.agent.check.deregister(check_id) is True
        assert set(c.agent.checks().keys()) == set()

    def verify_check_status(check_id, status, notes=None) -> None:
        checks = c.agent.checks()
        assert checks[check_id]["Status"] == status
        if notes:
            assert checks[check_id]["Output"] == notes

    c.agent.check.register("check", Check.ttl("1s"), notes="foo")
    assert c.agent.checks()["check"]["Notes"] == "foo"
    c.agent.check.deregister("check")
    assert set(c.agent.checks().keys()) == set()
    assert c.agent.check.register("script_check", Check.script("/bin/true", 10)) is True
    verify_and_dereg_check("script_check")
    assert c.agent.check.register("check name", Check.script("/bin/true", 10, "10m"), check_id="check_id") is True
    verify_and_dereg_check("check_id")

    assert c.agent.check.register("http_check", Check.http(http_addr, "1s")) is True
    time.sleep(1.5)
    verify_check_status("http_check", "passing")
    verify_and_dereg_check("http_check")
    assert c.agent.check.register("http_timeout_check", Check.http(http_addr, "100ms", timeout="2s")) is True
    verify_and_dereg_check("http_timeout_check")

    assert c.agent.check.register("ttl_check", Check.ttl("100ms")) is True
    assert c.agent.check.ttl_warn("ttl_check") is True
    verify_check_status("ttl_check", "warning")
    assert c.agent.check.ttl_warn("ttl_check", notes="its not quite right") is True
    verify_check_status("ttl_check", "warning", "its not quite right")
    assert c.agent.check.ttl_fail("ttl_check") is True
    verify_check_status("ttl_check", "critical")
    assert c.agent.check.ttl_fail("ttl_check", notes="something went boink!") is True
    verify_check_status("ttl_check", "critical", notes="something went boink!")
    assert c.agent.check.ttl_pass("ttl_check") is True
    verify_check_status("ttl_check", "passing")
    assert c.agent.check.ttl_pass("ttl_check", notes="all hunky dory!") is True
    verify_check_status("ttl_check", "passing", notes="all hunky dory!")
    time.sleep(120 / 1000.0)
    verify_check_status("ttl_check", "critical")
    verify_and_dereg_check("ttl_check")


def test_service_multi_check(c, http_addr):
    c.agent.service.register("foo1", check=Check.http(http_addr, "1s"),
                             extra_checks=[Check.http(http_addr, "2s"), Check.http(http_addr, "3s")])
    time.sleep(200 / 1000.0)
    _index, nodes = c.health.service("foo1")
    assert {check["ServiceID"] for node in nodes for check in node["Checks"]} == {"foo1", ""}
    assert {check["CheckID"] for node in nodes for check in node["Checks"]} == {
        "service:foo1:1", "service:foo1:2", "service:foo1:3", "serfHealth"}
    time.sleep(3.5)
    _index, checks = c.health.checks(service="foo1")
    assert [check["CheckID"] for check in checks] == ["service:foo1:1", "service:foo1:2", "service:foo1:3"]
    assert [check["Status"] for check in checks] == ["passing", "passing", "passing"]
    c.agent.service.deregister("foo1")
