"""Files as Consul reads them: service definitions and agent config (snake_case, strict: agent/config),
and config entries (`consul config write`: weakly typed with alias keys), from HCL or JSON (reference hcl.md).

Service definitions come out as the JSON body `consul services register` sends (`PUT
/v1/agent/service/register`), so files and API requests share one registration path.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs

from consulite import messages as M
from consulite.decode.bodies import MAX_JSON_DEPTH, check_depth
from consulite.decode.config import EntryCodec
from consulite.decode.entries import un_slice
from consulite.decode.hcl import loads as hcl_loads
from consulite.errors import DecodeError
from consulite.model.config import ConfigEntry
from consulite.model.fields import ANY_MAP, HEADERS, STR_MAP
from consulite.model.service import ServiceDefinition

#: Go field names whose agent-config (snake_case) spelling a plain conversion would get wrong.
_SNAKE = {"ID": "id", "CheckID": "id", "ScriptArgs": "args", "H2PING": "h2ping", "H2PingUseTLS": "h2ping_use_tls",
          "OSService": "os_service", "JSONFormat": "json_format", "TCPUseTLS": "tcp_use_tls", "HTTP": "http",
          "TCP": "tcp", "UDP": "udp", "GRPC": "grpc", "GRPCUseTLS": "grpc_use_tls", "TTL": "ttl"}
#: agent/config's extra aliases (hcl.md, "Service definition files")
_ALIASES = {"serviceid": "service_id", "scriptargs": "args", "dockercontainerid": "docker_container_id",
            "tlsskipverify": "tls_skip_verify", "deregistercriticalserviceafter": "deregister_critical_service_after"}


def snake(name: str) -> str:
    if name in _SNAKE:
        return _SNAKE[name]
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class FileError(DecodeError):
    """A file that Consul would refuse, with the file named."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


def parse(text: str, path: str, fmt: str | None = None):
    """The raw value of a file: JSON for `.json` (or `fmt="json"`), otherwise HCL1."""
    fmt = fmt or ("json" if path.endswith(".json") else "hcl")
    try:
        value = json.loads(text) if fmt == "json" else hcl_loads(text)
        check_depth(value)
        return value
    except json.JSONDecodeError as e:
        raise FileError(path, f"At {e.lineno}:{e.colno}: {e.msg}") from None
    except RecursionError:
        raise FileError(path, M.JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH)) from None
    except DecodeError as e:
        raise FileError(path, e.text) from None
    except ValueError as e:  # Python's json: an integer of more than 4,300 digits
        raise FileError(path, str(e)) from None


# -- agent-config service definitions -----------------------------------------------------------------

def _unwrap(value):
    """HookWeakDecodeFromSlice: a one-element list of maps where one struct is expected."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return value


class _AgentConfigDecoder:
    """snake_case keys (case-insensitive) into the API's CamelCase body, refusing unknown keys."""

    def __init__(self) -> None:
        self._tables: dict[type, dict] = {}

    def table(self, cls) -> dict:
        if not isinstance(cls, type):
            cls = cls()
        if cls not in self._tables:
            table = {}
            for a in attrs.fields(cls):
                if "wire" in a.metadata:
                    table[snake(a.metadata["wire"])] = (a.metadata["wire"], a.metadata["kind"])
            for alias, name in _ALIASES.items():
                if name in table:
                    table[alias] = table[name]
            self._tables[cls] = table
        return self._tables[cls]

    def struct(self, cls, value, path: str) -> dict:
        value = _unwrap(value)
        if not isinstance(value, dict):
            raise DecodeError(f"'{path}' expected a map, got '{type(value).__name__}'")
        table = self.table(cls)
        out: dict = {}
        for key, item in value.items():
            entry = table.get(key.lower())
            where = f"{path}.{key}" if path else key
            if entry is None:
                raise DecodeError(f'invalid config key "{where}"')
            wire, kind = entry
            out[wire] = self.value(kind, item, where)
        return out

    def value(self, kind, item, path: str):
        if isinstance(kind, tuple):
            shape, target = kind
            if shape == "obj":
                return self.struct(target, item, path)
            if shape == "list":
                items = item if isinstance(item, list) else [item]
                return [self.struct(target, x, f"{path}[{i}]") for i, x in enumerate(items)]
            return {k: self.struct(target, v, f"{path}.{k}") for k, v in _unwrap(item).items()}
        if kind == ANY_MAP:
            return un_slice(item)
        if kind in (STR_MAP, HEADERS):
            return _unwrap(item)
        if isinstance(item, int) and not isinstance(item, bool) and not -(1 << 63) <= item < (1 << 63):
            raise DecodeError(f"cannot parse '{path}', {float(item):f} overflows int")  # as decode.entries words it
        return item


_AGENT = _AgentConfigDecoder()


def service_bodies(raw: dict, path: str) -> list[dict]:
    """API register bodies of a file's `service {}` and `services = [...]` (agent config rules)."""
    bodies = []
    try:
        for key, value in raw.items():
            low = key.lower()
            if low == "service":
                items = value if isinstance(value, list) else [value]
                if len(items) > 1:
                    raise DecodeError("service: only one service may be defined with `service`; use `services`")
                bodies += [_AGENT.struct(ServiceDefinition, v, "service") for v in items]
            elif low == "services":
                bodies += [_AGENT.struct(ServiceDefinition, v, f"services[{i}]") for i, v in enumerate(value)]
    except DecodeError as e:
        raise FileError(path, e.text) from None
    return bodies


# -- config entries -------------------------------------------------------------------------------------

def config_entry(raw, path: str, codec: EntryCodec) -> ConfigEntry:
    """`consul config write`'s decoding of one file's entry."""
    try:
        return codec.decode(raw)
    except DecodeError as e:
        raise FileError(path, e.text) from None


def bootstrap_entries(raw: dict, path: str, codec: EntryCodec) -> list[ConfigEntry]:
    """Entries of an agent config file's `config_entries { bootstrap = [...] }`."""
    found = []
    for block in raw.get("config_entries") or []:
        for entry in (_unwrap(block) or {}).get("bootstrap") or []:
            found.append(config_entry(entry, path, codec))
    return found


@attrs.define
class Loaded:
    """What a set of files holds, all parsed and decoded before anything is written."""

    services: list[tuple[str, dict]] = attrs.field(factory=list)  # (file, API register body)
    entries: list[tuple[str, ConfigEntry]] = attrs.field(factory=list)


def load_agent_files(paths: list[Path], codec: EntryCodec) -> Loaded:
    """Agent config files (`-config-file`, and `.hcl`/`.json` files of `-config-dir`, in name order)."""
    loaded = Loaded()
    for path in paths:
        raw = parse(path.read_text(), str(path))
        if not isinstance(raw, dict):
            raise FileError(str(path), "expected an object at the top level")
        for key in raw:
            if key.lower() == "kind":
                raise FileError(str(path), f'invalid config key "{key}": a config entry belongs in '
                                           "config_entries { bootstrap = [...] } of an agent config file")
        loaded.services += [(str(path), body) for body in service_bodies(raw, str(path))]
        loaded.entries += [(str(path), e) for e in bootstrap_entries(raw, str(path), codec)]
    return loaded


def config_files(dirs: list[str], files: list[str]) -> list[Path]:
    """The files an agent reads: each -config-file, then each -config-dir's .hcl and .json files by name."""
    paths = [Path(f) for f in files]
    for d in dirs:
        paths += sorted(p for p in Path(d).iterdir() if p.suffix in (".hcl", ".json") and p.is_file())
    return paths
