"""Reading the files client commands take (through `decode.files.read_file`, the one loader): every file
parsed and decoded before anything is sent."""

from __future__ import annotations

from consulite.decode.config import EntryCodec
from consulite.decode.files import AGENT, ENTRY, FileError, read_file, read_text
from consulite.model.config import KINDS, ConfigEntry

#: Client commands decode entries as Enterprise does; the agent answers for its own edition.
CODEC = EntryCodec(enterprise=True)

read = read_text


def services_of(paths: list[str]) -> list[dict]:
    """Register bodies of every service in `paths` (files or directories, as `consul services register`
    reads them: agent-config rules), each checked with the agent's register rules, so that a run over several
    files writes nothing when one is wrong; ConfigError or FileError on the first problem."""
    from consulite.decode.agent_config import config_sources

    bodies = []
    files, _ = config_sources(paths)
    for path in files:
        found = read_file(path, CODEC, AGENT).agent
        if not found or not found.services:
            raise FileError(path, "no service definitions found (expected `service` or `services`)")
        for body in found.services:
            problem = register_problem(body, path)
            if problem:
                raise FileError(path, problem)
        bodies += found.services
    return bodies


def register_problem(body: dict, path: str) -> str | None:
    """What the agent would refuse in a register body (its 400s and 500s), or None: the body is registered
    into a throwaway agent through the register operation itself."""
    from consulite.agent.core import Agent
    from consulite.decode.files import Loaded
    from consulite.model.agent_config import AgentConfig

    problems: list[str] = []
    Agent(AgentConfig(enable_script_checks=True)).state.load(Loaded(services=[(path, body)]), problems)
    return problems[0].removeprefix(f"{path}: ") if problems else None


def entry_of(path: str) -> ConfigEntry:
    """The entry of a `consul config write` file (`-` reads standard input)."""
    entry = read_file(path, CODEC, ENTRY).entry
    assert entry is not None
    return entry


def entry_name(entry: ConfigEntry) -> str:
    """api.ConfigEntry.GetName: the nameless kind (mesh) is always named after itself (`mesh`); any other
    entry has its own Name, which may be empty."""
    return entry.name if KINDS[entry.kind].has_name else entry.kind
