"""pytest plugin (registered as a pytest11 entry point): the `consulite` and `consulite_server` fixtures,
configured by `--consulite-edition`, `--consulite-datacenter` and `--consulite-load FILE`, or by overriding
the `consulite_config` and `consulite_files` fixtures in a conftest.py."""

from __future__ import annotations

import pytest

from consulite.model.agent_config import EDITIONS, AgentConfig
from consulite.testing.server import ConsuliteServer


def pytest_addoption(parser) -> None:
    group = parser.getgroup("consulite", "consulite (Consul emulator) fixtures")
    group.addoption("--consulite-edition", choices=EDITIONS, default=None,
                    help="edition of the consulite_server fixture: enterprise (default) or ce")
    group.addoption("--consulite-datacenter", default=None, help="datacenter of consulite_server (default dc1)")
    group.addoption("--consulite-load", action="append", default=[], metavar="FILE",
                    help="a config-entry, agent-config or service file loaded into consulite_server at start "
                         "and after every reset (repeatable)")


@pytest.fixture(scope="session")
def consulite_config(pytestconfig) -> AgentConfig:
    """The AgentConfig of `consulite_server`: defaults, then the --consulite-* options. Override it in a
    conftest.py (session scope) to configure the agent in code."""
    given = {"edition": pytestconfig.getoption("consulite_edition"),
             "datacenter": pytestconfig.getoption("consulite_datacenter")}
    return AgentConfig(**{k: v for k, v in given.items() if v is not None})


@pytest.fixture(scope="session")
def consulite_files(pytestconfig) -> list[str]:
    """Files loaded into `consulite_server` at start and after every reset: the --consulite-load options.
    Override it in a conftest.py (session scope) to seed every test with your own files."""
    return list(pytestconfig.getoption("consulite_load"))


@pytest.fixture(scope="session")
def consulite_server(consulite_config, consulite_files):
    """One consulite agent for the whole session (state is shared; the `consulite` fixture resets it)."""
    with ConsuliteServer(consulite_config, files=consulite_files) as server:
        yield server


@pytest.fixture
def consulite(consulite_server):
    """The session's agent, reset to a fresh state (its files loaded again) before the test."""
    consulite_server.reset()
    return consulite_server
