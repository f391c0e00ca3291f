"""Data for the served benchmarks, written in-process through the agent's own operations (the same decode and
store paths the API runs) and saved as a state document that `consulite agent -state FILE` starts from: a
large store is ready in seconds instead of minutes of HTTP writes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consulite.agent.core import Agent
from consulite.model.scope import DEFAULT_SCOPE


def service_body(i: int, name: str) -> bytes:
    """The registration the register load sends too (bench/lua/register.lua)."""
    return orjson.dumps({"Name": name, "ID": f"{name}-{i}", "Port": 8000 + i % 1000, "Tags": ["a", "b"],
                         "Meta": {"team": "t"}, "Address": "10.0.0.1"})


def services(agent: Agent, count: int, name: Callable[[int], str]) -> None:
    for i in range(count):
        agent.services.register(agent.bodies.service(service_body(i, name(i))), DEFAULT_SCOPE)


def config_entries(agent: Agent, defaults: int, resolvers: int) -> None:
    """`defaults` service-defaults and `resolvers` service-resolver entries."""
    codec = agent.config_entries
    for i in range(defaults):
        codec.write(codec.decode({"Kind": "service-defaults", "Name": f"svc-{i}", "Protocol": "http",
                                  "MeshGateway": {"Mode": "local"}, "Meta": {"team": "t"}}), DEFAULT_SCOPE)
    for i in range(resolvers):
        codec.write(codec.decode({"Kind": "service-resolver", "Name": f"svc-{i}", "ConnectTimeout": "15s",
                                  "Subsets": {"v1": {"Filter": "Service.Meta.version == v1"}},
                                  "DefaultSubset": "v1"}), DEFAULT_SCOPE)


def kv_keys(agent: Agent, count: int) -> None:
    for i in range(count):
        agent.kv.put(DEFAULT_SCOPE, f"k{i % 997:03d}/{i:08d}", b"value-%d" % i)
    agent.kv.put(DEFAULT_SCOPE, "bench/key", b"the value")


def state_file(path: Path, *fills: Callable[[Agent], None]) -> Path:
    """A state document holding what `fills` wrote into a fresh agent."""
    agent = Agent()
    for fill in fills:
        fill(agent)
    path.write_bytes(orjson.dumps(agent.state.snapshot()))
    return path
