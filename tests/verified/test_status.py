"""Verified: /v1/status (leader, peers)."""

import re

from tests.verified.helpers import assert_error


def test_leader_is_the_only_peer(target):
    status, headers, leader = target.get("/v1/status/leader")
    assert status == 200
    assert "application/json" in headers["content-type"]
    assert re.fullmatch(r"127\.0\.0\.1:\d+", leader), leader  # the server's RPC address, as a JSON string
    status, _, peers = target.get("/v1/status/peers")
    assert (status, peers) == (200, [leader])


def test_status_is_read_only(target):
    assert_error(target.put("/v1/status/leader"), 405, "method PUT not allowed")
    assert_error(target.delete("/v1/status/peers"), 405, "method DELETE not allowed")
