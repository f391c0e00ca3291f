"""The agent's configuration built as Consul's builder does (agent/config/builder.go): defaults, then the
config files in the order given (a directory's `.hcl` and `.json` files sorted by name, other files skipped
with a warning, sub-directories ignored), then flags. Files may set only the keys consulite supports
(`AgentConfig`'s file keys, `service`/`services`, `config_entries`); any other key refuses the start."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from consulite.decode.config import EntryCodec
from consulite.decode.files import AGENT, FileError, Loaded, os_error_text, read_file
from consulite.errors import DecodeError
from consulite.model.agent_config import EDITIONS, LOG_LEVELS, AgentConfig

_FIELDS = {a.name for a in attrs.fields(AgentConfig)}


class ConfigError(DecodeError):
    """A configuration the agent refuses to start with; `text` is Consul's message."""


@attrs.frozen
class Built:
    """The builder's result: the configuration, what the files hold to load at start, and warnings."""

    config: AgentConfig
    loaded: Loaded
    warnings: tuple[str, ...] = ()


def config_sources(paths: Sequence[str | os.PathLike]) -> tuple[list[str], list[str]]:
    """builder.sourcesFromPath for each `-config-file`/`-config-dir` path: (files to read, warnings)."""
    files: list[str] = []
    warnings: list[str] = []
    for path in map(str, paths):
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            raise ConfigError(f"config: Open failed on {path}. {os_error_text('open', path, e)}") from None
        if not stat.S_ISDIR(mode):
            if not path.endswith((".hcl", ".json")):
                raise ConfigError(f"file {path} has unknown extension; must be .hcl or .json, "
                                  "or config format must be set")
            files.append(path)
            continue
        for child in sorted(Path(path).iterdir(), key=lambda c: c.name):
            if child.is_dir():
                continue
            if child.suffix not in (".hcl", ".json"):
                warnings.append(f"skipping file {child}, extension must be .hcl or .json, "
                                "or config format must be set")
                continue
            files.append(str(child))
    return files, warnings


def build(paths: Sequence[str | os.PathLike] = (), flags: Mapping[str, object] | None = None) -> Built:
    """Defaults, then each file of `paths` (later files win; services and entries accumulate), then `flags`
    (AgentConfig field -> value; None means not given). Raises ConfigError or FileError with Consul's text."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown = set(flags) - _FIELDS
    if unknown:
        raise TypeError(f"not AgentConfig fields: {sorted(unknown)}")
    edition = str(flags.get("edition", AgentConfig().edition))
    if edition not in EDITIONS:
        raise ConfigError(f"-edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    files, warnings = config_sources(paths)
    codec = EntryCodec(enterprise=edition == "enterprise") if files else None
    settings: dict = {}
    loaded = Loaded()
    for path in files:
        found = read_file(path, codec, AGENT).agent  # type: ignore[arg-type]
        assert found is not None
        settings.update(found.settings)
        loaded.add(found)
    settings.update(flags)
    config = AgentConfig(**settings)
    _check(config)
    return Built(config, loaded, tuple(warnings))


def _check(config: AgentConfig) -> None:
    """The builder's value checks for the settings consulite has, each with Consul's text."""
    if not 0 <= config.http_port <= 65535:  # portVal; consulite reads 0 as "pick a free port"
        raise ConfigError(f"ports.http: invalid port: {config.http_port}")
    if config.acl_default_policy not in ("allow", "deny"):
        raise ConfigError(f"Invalid acl.default_policy: {config.acl_default_policy!r}, must be 'allow' or 'deny'")
    if config.log_level.upper() not in LOG_LEVELS:
        raise ConfigError(f"Invalid log level: {config.log_level}. Valid log levels are: [{' '.join(LOG_LEVELS)}]")


__all__ = ["Built", "ConfigError", "FileError", "build", "config_sources"]
