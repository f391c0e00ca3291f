"""`/v1/agent/self` Stats: the sections a Consul server reports (agent/consul/server.go Stats, agent/agent.go
Stats), each with the keys `consul info` prints; values describe this single-node, always-leader agent."""

from __future__ import annotations

import asyncio
import os
import platform
from typing import TYPE_CHECKING

from consulite import CONSUL_VERSION

if TYPE_CHECKING:
    from consulite.agent.core import Agent

def _serf(members: int) -> dict[str, str]:
    """serf.Serf.Stats for a pool of one healthy member with nothing queued."""
    return {"coordinate_resets": "0", "encrypted": "false", "event_queue": "0", "event_time": "1", "failed": "0",
            "health_score": "0", "intent_queue": "0", "left": "0", "member_time": "1", "members": str(members),
            "query_queue": "0", "query_time": "1"}


def _raft(agent: Agent, leader: str) -> dict[str, str]:
    """raft.Raft.Stats of a single voter that is the leader; the indexes are the store's."""
    index = str(agent.store.index)
    return {"applied_index": index, "commit_index": index, "fsm_pending": "0", "last_contact": "0",
            "last_log_index": index, "last_log_term": "1", "last_snapshot_index": "0", "last_snapshot_term": "0",
            "latest_configuration": f"[{{Suffrage:Voter ID:{agent.node.id} Address:{leader}}}]",
            "latest_configuration_index": "0", "num_peers": "0", "protocol_version": "3",
            "protocol_version_max": "3", "protocol_version_min": "0", "snapshot_version_max": "1",
            "snapshot_version_min": "0", "state": "Leader", "term": "1"}


def _runtime() -> dict[str, str]:
    """agent/consul/server.go runtimeStats; `goroutines` counts the event loop's tasks, `version` names Python."""
    try:
        tasks = len(asyncio.all_tasks())
    except RuntimeError:
        tasks = 0
    cpus = str(os.cpu_count() or 1)
    return {"arch": "amd64", "cpu_count": cpus, "goroutines": str(tasks), "max_procs": cpus, "os": "linux",
            "version": f"python{platform.python_version()}"}


def stats(agent: Agent) -> dict[str, dict[str, str]]:
    cfg = agent.config
    leader = agent.operator.server_address
    return {
        "agent": agent.services.stats(),
        "build": {"version": CONSUL_VERSION, "revision": "consulite", "prerelease": "",
                  "version_metadata": "ent" if cfg.enterprise else ""},
        "consul": {"acl": "enabled" if cfg.acl_enabled else "disabled", "leader": "true", "leader_addr": leader,
                   "server": "true", "bootstrap": "true", "known_datacenters": "1"},
        "raft": _raft(agent, leader),
        "runtime": _runtime(),
        "serf_lan": _serf(1),
        "serf_wan": _serf(1),
        **agent.operator.license_stats(),
    }
