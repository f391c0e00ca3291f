"""`consulite validate FILE...`: parse and decode files as Consul would, locally; report every problem."""

from __future__ import annotations

import os
import sys


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="check service, agent and config-entry files without writing anything")
    p.add_argument("files", nargs="+", metavar="PATH", help="a file, or a directory (its .hcl and .json files)")
    p.set_defaults(run=run)


def problems_of(path: str) -> list[str]:
    """Every problem Consul would report for one file (parse, decode, register and entry validation)."""
    from consulite.cli.files import CODEC, read, register_problem
    from consulite.decode.bodies import BodyDecoder
    from consulite.decode.files import FileError, bootstrap_entries, config_entry, parse, service_bodies
    from consulite.model.config import KINDS, Context, EntryError

    try:
        raw = parse(read(path), path)
    except FileError as e:
        return [e.text]
    if not isinstance(raw, dict):
        return [f"{path}: expected an object at the top level"]
    found: list[str] = []
    try:
        if "kind" in raw or "Kind" in raw:  # a config entry file, as `consul config write` takes
            entries, bodies = [config_entry(raw, path, CODEC)], []
        else:  # a service definition or agent config file
            entries, bodies = bootstrap_entries(raw, path, CODEC), service_bodies(raw, path)
    except FileError as e:
        return [e.text]
    for entry in entries:
        try:
            KINDS[entry.kind].normalize(entry, Context())
            KINDS[entry.kind].validate(entry, Context())
        except EntryError as e:
            found.append(f"{path}: {entry.kind}/{entry.name}: {e.text}")
    decoder = BodyDecoder(enterprise=True)
    found += [f"{path}: {p}" for p in map(lambda body: register_problem(decoder, body), bodies) if p]
    return found


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
