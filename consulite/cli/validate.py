"""`consulite validate FILE...`: parse and decode files as Consul would, locally; report every problem."""

from __future__ import annotations

import os
import sys


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="check service, agent and config-entry files without writing anything")
    p.add_argument("files", nargs="+", metavar="PATH", help="a file, or a directory (its .hcl and .json files)")
    p.set_defaults(run=run)


def problems_of(path: str) -> list[str]:
    """Every problem Consul would report for one file: it is read with the one loader, then loaded into a
    throwaway agent through the same operations as the API, each refusal collected."""
    from consulite.agent.core import Agent
    from consulite.cli.files import CODEC
    from consulite.decode.files import FileError, Loaded, read_file
    from consulite.model.agent_config import AgentConfig

    try:
        found = read_file(path, CODEC)
    except FileError as e:
        return [e.text]
    loaded = Loaded()
    if found.entry is not None:
        loaded.entries.append((path, found.entry))
    elif found.agent is not None:
        loaded.add(found.agent)
    problems: list[str] = []
    Agent(AgentConfig(enable_script_checks=True)).state.load(loaded, problems)
    return problems


def expand(paths: list[str]) -> list[str]:
    """Each directory becomes its .hcl and .json files in name order, as the agent reads a -config-dir."""
    from consulite.decode.agent_config import config_sources

    return [f for path in paths for f in (config_sources([path])[0] if os.path.isdir(path) else [path])]


def run(args) -> int:
    problems = [p for path in expand(args.files) for p in problems_of(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print("Configuration is valid!")
    return 0
