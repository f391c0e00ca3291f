"""Session create bodies and rules: Consul's defaults and the check-list reconciliation of
fixupEmptySessionChecks (reference kv-sessions-txn.md §2.2; agent/session_endpoint_test.go)."""

import pytest

from consulite.agent.core import Agent
from consulite.decode.session import decode_session
from consulite.errors import ConsulError
from consulite.model.scope import DEFAULT_SCOPE
from tests.conftest import ManualClock


@pytest.mark.parametrize("body, node_checks, checks", [
    (b"", ["serfHealth"], None),
    (b'{"Checks": []}', [], None),
    (b'{"Checks": ["consul"]}', ["serfHealth"], ["consul"]),  # SEPT TestSessionCreate
    (b'{"NodeChecks": [], "Checks": ["a"]}', [], None),
    (b'{"nodechecks": ["x"]}', ["x"], None),  # keys case-insensitive
])
def test_check_lists(body, node_checks, checks):
    s = decode_session(body, "node1")
    assert (s.node_checks, s.checks) == (node_checks, checks)


@pytest.mark.parametrize("body, ns", [(b'{"LockDelay": 15}', 15 * 10**9), (b'{"LockDelay": "250ms"}', 250 * 10**6),
                                      (b'{"LockDelay": 20000000000}', 20 * 10**9)])
def test_lock_delay_forms(body, ns):
    assert decode_session(body, "node1").lock_delay == ns  # under 1000 is seconds (structs.Session)


def test_ttl_bounds():
    agent = Agent(clock=ManualClock())
    for ttl in ("10s", "24h", "0s", ""):
        agent.sessions.create(decode_session(f'{{"TTL": "{ttl}", "Checks": []}}'.encode(), "node1"), DEFAULT_SCOPE)
    with pytest.raises(ConsulError, match=r"Invalid Session TTL '86401000000000', must be between \[10s=24h0m0s\]"):
        agent.sessions.create(decode_session(b'{"TTL": "24h0m1s"}', "node1"), DEFAULT_SCOPE)


def test_service_check_links():
    agent = Agent(clock=ManualClock())
    agent.checks.register(agent.bodies.check(b'{"Name": "c", "TTL": "30s", "Status": "passing"}'), DEFAULT_SCOPE)
    sid = agent.sessions.create(decode_session(b'{"ServiceChecks": [{"ID": "c"}]}', "node1"), DEFAULT_SCOPE)
    agent.checks.deregister(DEFAULT_SCOPE, "c")
    assert agent.sessions.info(sid, set())[1] == []
