"""The agent's configuration built as Consul's builder does (agent/config/builder.go): defaults, then the
config files in the order given (a directory's `.hcl` and `.json` files sorted by name, other files skipped
with a warning, sub-directories ignored), then flags, then `-hcl` fragments. Files may set the keys consulite
supports (`AgentConfig`'s file keys, `service`/`services`, `config_entries`) and the Consul keys it ignores
(`IGNORED_KEYS`, reported in `Built.ignored`); any other key refuses the start. The values are then checked
with the builder's texts, in its order."""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from consulite import messages as M
from consulite.decode.config import EntryCodec
from consulite.decode.duration import parse_duration
from consulite.decode.files import AGENT, FileError, Loaded, os_error_text, read_file
from consulite.errors import DecodeError
from consulite.model.agent_config import ANY_ADDRESSES, EDITIONS, LOG_LEVELS, AgentConfig
from consulite.model.go import multierror

_FIELDS = {a.name for a in attrs.fields(AgentConfig)}


class ConfigError(DecodeError):
    """A configuration the agent refuses to start with; `text` is Consul's message."""


@attrs.frozen
class Built:
    """The builder's result: the configuration, what the files hold to load at start, and warnings."""

    config: AgentConfig
    loaded: Loaded
    warnings: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # the ignored keys the files set, each once


def config_sources(paths: Sequence[str | os.PathLike], fmt: str | None = None) -> tuple[list[str], list[str]]:
    """builder.sourcesFromPath for each `-config-file`/`-config-dir` path: (files to read, warnings). With a
    `-config-format`, files of any extension are read."""
    files: list[str] = []
    warnings: list[str] = []
    for path in map(str, paths):
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            raise ConfigError(f"config: Open failed on {path}. {os_error_text('open', path, e)}") from None
        if not stat.S_ISDIR(mode):
            if not fmt and not path.endswith((".hcl", ".json")):
                raise ConfigError(f"file {path} has unknown extension; must be .hcl or .json, "
                                  "or config format must be set")
            files.append(path)
            continue
        for child in sorted(Path(path).iterdir(), key=lambda c: c.name):
            if child.is_dir():
                continue
            if not fmt and child.suffix not in (".hcl", ".json"):
                warnings.append(f"skipping file {child}, extension must be .hcl or .json, "
                                "or config format must be set")
                continue
            files.append(str(child))
    return files, warnings


def build(paths: Sequence[str | os.PathLike] = (), flags: Mapping[str, object] | None = None,
          hcl: Sequence[str] = (), config_format: str | None = None) -> Built:
    """Defaults, then each file of `paths` (later files win; services and entries accumulate), then `flags`
    (AgentConfig field -> value; None means not given), then the `-hcl` fragments `hcl`, each read as a file
    named `flags-<n>.hcl`. Raises ConfigError or FileError with Consul's text."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown = set(flags) - _FIELDS
    if unknown:
        raise TypeError(f"not AgentConfig fields: {sorted(unknown)}")
    edition = str(flags.get("edition", AgentConfig().edition))
    if edition not in EDITIONS:
        raise ConfigError(f"-edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    if config_format not in (None, "", "hcl", "json"):
        raise ConfigError(M.CONFIG_FORMAT)
    files, warnings = config_sources(paths, config_format)
    codec = EntryCodec(enterprise=edition == "enterprise")
    settings: dict = {}
    ignored: dict[str, None] = {}
    loaded = Loaded()
    sources = [(path, None, config_format) for path in files]
    tail = [(f"flags-{i}.hcl", text, "hcl") for i, text in enumerate(hcl)]
    for n, (path, text, fmt) in enumerate([*sources, *tail]):
        if n == len(sources):
            settings.update(flags)
        found = read_file(path, codec, AGENT, text=text, fmt=fmt).agent
        assert found is not None
        settings.update(found.settings)
        ignored.update(dict.fromkeys(found.ignored))
        loaded.add(found)
    if not tail:
        settings.update(flags)
    config = AgentConfig(**settings)
    config = attrs.evolve(config, datacenter=config.datacenter.lower(), node_id=config.node_id.lower())
    if config.bootstrap_expect == 1:  # the same as bootstrap mode (builder.go)
        config = attrs.evolve(config, bootstrap=True, bootstrap_expect=0)
    _check(config)
    return Built(config, loaded, tuple(warnings), tuple(ignored))


#: the ports Consul checks, in its order (builder.go portVal)
_PORTS = ("dns", "http", "https", "server", "grpc", "grpc_tls", "serf_lan", "serf_wan")
_DATACENTER = re.compile(r"[a-z0-9_-]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]")


def _check(config: AgentConfig) -> None:
    """The builder's value checks for the settings consulite has, each with Consul's text, in its order: the
    ports and addresses (one multi-error, with the early refusals between them), then Validate's checks."""
    errors = [M.CONFIG_BAD_PORT.format(name=name, port=getattr(config, f"{name}_port")) for name in _PORTS
              if getattr(config, f"{name}_port") > 65535 or (name == "http" and config.http_port < 0)]
    if config.server_port <= 0:  # Consul 1.8.7 crashes on these; later versions refuse them with these texts
        raise ConfigError(M.CONFIG_PORT_ZERO.format(flag="server-port"))
    if config.serf_lan_port <= 0:
        raise ConfigError(M.CONFIG_PORT_ZERO.format(flag="serf-lan-port"))
    binds = config.bind_addr.split()
    if not binds or not _is_ip(binds[0]):  # an address the builder cannot expand leaves none
        raise ConfigError(M.BIND_EMPTY)
    if len(binds) > 1:
        raise ConfigError(M.BIND_MULTIPLE)
    if config.advertise_addr in ANY_ADDRESSES:
        raise ConfigError(M.ADVERTISE_ANY)
    if config.advertise_addr and not _is_ip(config.advertise_addr):  # expanded twice, so reported twice
        errors += [M.CONFIG_BAD_IP.format(name="advertise_addr", addr=config.advertise_addr)] * 2
    for name, value in (("client_addr", config.client_addr), ("addresses.dns", config.dns_addr),
                        ("addresses.http", config.http_addr), ("addresses.grpc", config.grpc_addr)):
        errors += [M.CONFIG_BAD_IP.format(name=name, addr=a) for a in value.split() if not _is_ip(a)]
    if errors:
        raise ConfigError(multierror(errors))
    if not _DATACENTER.fullmatch(config.datacenter):
        raise ConfigError(M.DATACENTER_BAD.format(dc=config.datacenter))
    if config.acl_default_policy not in ("allow", "deny"):
        raise ConfigError(f"Invalid acl.default_policy: {config.acl_default_policy!r}, must be 'allow' or 'deny'")
    if config.log_level.upper() not in LOG_LEVELS:
        raise ConfigError(f"Invalid log level: {config.log_level}. Valid log levels are: [{' '.join(LOG_LEVELS)}]")
    if config.encrypt and (at := _base64_error(config.encrypt)) is not None:
        raise ConfigError(M.ENCRYPT_BAD_KEY.format(at=at))
    expect = config.bootstrap_expect
    for refused, text in ((expect < 0, M.EXPECT_NEGATIVE.format(n=expect)),
                          (expect > 0 and not config.server, M.EXPECT_NOT_SERVER),
                          (expect > 0 and config.dev, M.EXPECT_DEV),
                          (expect > 0 and config.bootstrap, M.EXPECT_BOOTSTRAP)):
        if refused:
            raise ConfigError(text)
    if config.node_id and (bad := _uuid_error(config.node_id)) is not None:
        raise ConfigError(M.NODE_ID_BAD.format(err=bad))
    try:
        parse_duration(config.check_update_interval)
    except DecodeError as e:
        raise ConfigError(f"check_update_interval: {e.text}") from None


def _is_ip(text: str) -> bool:
    """net.ParseIP: an IPv4 or IPv6 address (no zone, no brackets)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return "%" not in text


def _base64_error(key: str) -> int | None:
    """The input byte Go's base64.StdEncoding reports a key undecodable at, or None: the first character
    outside the alphabet (padding only at the end), else the start of an incomplete last quantum."""
    body = key.rstrip("=")
    if len(key) - len(body) > 2:
        return len(body) + 2
    for i, ch in enumerate(body):
        if not _BASE64.fullmatch(ch):
            return i
    return None if len(key) % 4 == 0 and len(body) % 4 != 1 else len(key) - len(key) % 4


def _uuid_error(node_id: str) -> str | None:
    """go-uuid's ParseUUID error for a node ID (already lower-cased, as Consul does), or None."""
    if len(node_id) != 36:
        return "uuid string is wrong length"
    if any(node_id[i] != "-" for i in (8, 13, 18, 23)):
        return "uuid is improperly formatted"
    for ch in node_id.replace("-", ""):
        if ch not in "0123456789abcdef":
            return f"encoding/hex: invalid byte: U+{ord(ch):04X} {ch!r}"
    return None


__all__ = ["Built", "ConfigError", "FileError", "build", "config_sources"]
