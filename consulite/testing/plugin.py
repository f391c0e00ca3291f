"""pytest plugin (registered as a pytest11 entry point): `consulite` and `consulite_server` fixtures."""

from __future__ import annotations

import pytest

from consulite.testing.server import ConsuliteServer


@pytest.fixture(scope="session")
def consulite_server():
    """One consulite agent for the whole session (state is shared; reset it yourself)."""
    with ConsuliteServer() as server:
        yield server


@pytest.fixture
def consulite(consulite_server):
    """The session's agent, reset to a fresh state before the test."""
    consulite_server.reset()
    return consulite_server
