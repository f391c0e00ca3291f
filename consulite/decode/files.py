"""Files as Consul reads them: agent-config and service definition files (snake_case, strict, unknown keys
refused: agent/config), and config entries (`consul config write`: weakly typed with alias keys), from HCL or
JSON (reference hcl.md). `read_file` is the one loader: the agent's start-up (through
`decode.agent_config.build`), the client commands and `ConsuliteServer.load_files` all read files with it.

Service definitions come out as the JSON body `consul services register` sends (`PUT
/v1/agent/service/register`), so files and API requests share one registration path.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs

from consulite import messages as M
from consulite.decode.bodies import MAX_JSON_DEPTH, check_depth
from consulite.decode.config import EntryCodec
from consulite.decode.entries import un_slice
from consulite.decode.hcl import loads as hcl_loads
from consulite.errors import DecodeError
from consulite.model.agent_config import FILE_KEYS, IGNORED_KEYS
from consulite.model.config import ConfigEntry
from consulite.model.fields import ANY_MAP, HEADERS, STR_MAP
from consulite.model.go import multierror
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


#: The path that means standard input (`consul config write -`).
STDIN = "-"


class FileError(DecodeError):
    """A file that Consul would refuse, with the file named: `<path>: <message>` (standard input goes unnamed,
    as in Consul), or, for an agent-config file (`agent=True`), the builder's `failed to parse <path>:
    <message>` (agent/config/builder.go)."""

    def __init__(self, path: str, message: str, *, agent: bool = False):
        named = message if path == STDIN else f"{path}: {message}"
        super().__init__(f"failed to parse {path}: {message}" if agent else named)
        self.path = path
        self.message = message


class ReadError(FileError):
    """A path that cannot be read; `message` is Go's os error text (`open <path>: no such file or directory`)."""


def os_error_text(op: str, path: str, e: OSError) -> str:
    """Go's *PathError text for an OSError: `<op> <path>: <reason>` with the reason in lower case."""
    reason = e.strerror or str(e)
    return f"{op} {path}: {reason[:1].lower()}{reason[1:]}"


def read_text(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as e:
        raise ReadError(path, os_error_text("open", path, e)) from None


def parse(text: str, path: str, fmt: str | None = None):
    """The raw value of a file: JSON for `.json` (or `fmt="json"`), otherwise HCL1 (which reads a document
    starting with `{` as HCL's JSON, as hcl.Decode does)."""
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


# -- agent-config files (agent/config/config.go: mapstructure, no weak typing, unused keys refused) ---------

def _unwrap(value):
    """HookWeakDecodeFromSlice: a one-element list where one value is expected becomes its element."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


class _Decoding:
    """One file's decoding: mapstructure's decode errors, then its unused keys (nested ones first)."""

    def __init__(self, json_numbers: bool) -> None:
        self.errors: list[str] = []
        self.unused: list[str] = []
        self.json_numbers = json_numbers

    def go_type(self, v) -> str:
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int):
            return "float64" if self.json_numbers else "int"
        return {str: "string", float: "float64", list: "[]interface {}", dict: "map[string]interface {}"}.get(
            type(v), "interface {}")

    def scalar(self, go: str, value, where: str):
        value = _unwrap(value)
        ok = {"string": isinstance(value, str), "bool": isinstance(value, bool),
              "int": isinstance(value, (int, float)) and not isinstance(value, bool)}[go]
        if not ok:
            shown = str(value).lower() if isinstance(value, bool) else value
            self.errors.append(f"'{where}' expected type '{go}', got unconvertible type '{self.go_type(value)}', "
                               f"value: '{shown}'")
            return None
        return int(value) if go == "int" else value

    def block(self, value, where: str) -> dict | None:
        value = _unwrap(value)
        if not isinstance(value, dict):
            kind = "slice" if isinstance(value, list) else self.go_type(value)
            self.errors.append(f"'{where}' expected a map, got '{kind}'")
            return None
        return value

    def finish(self, path: str) -> None:
        if self.errors:
            points = sorted(f"* {e}" for e in self.errors)
            raise FileError(path, f"{len(points)} error(s) decoding:\n\n" + "\n".join(points), agent=True)
        if self.unused:
            raise FileError(path, multierror([f"invalid config key {k}" for k in self.unused]), agent=True)


class _ServiceDecoder:
    """snake_case keys (case-insensitive) of a service definition into the API's CamelCase body; unknown
    keys are collected as unused (values are type-checked later, by the register body decoder)."""

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

    def struct(self, cls, value, path: str, d: _Decoding) -> dict:
        value = d.block(value, path)
        if value is None:
            return {}
        table = self.table(cls)
        out: dict = {}
        own = []
        for key, item in value.items():
            entry = table.get(key.lower())
            where = f"{path}.{key}" if path else key
            if entry is None:
                own.append(where)
                continue
            wire, kind = entry
            out[wire] = self.value(kind, item, where, d)
        d.unused += sorted(own)
        return out

    def value(self, kind, item, path: str, d: _Decoding):
        if isinstance(kind, tuple):
            shape, target = kind
            if shape == "obj":
                return self.struct(target, item, path, d)
            if shape == "list":
                items = item if isinstance(item, list) else [item]
                return [self.struct(target, x, f"{path}[{i}]", d) for i, x in enumerate(items)]
            block = d.block(item, path) or {}
            return {k: self.struct(target, v, f"{path}.{k}", d) for k, v in block.items()}
        if kind == ANY_MAP:
            return un_slice(item)
        if kind in (STR_MAP, HEADERS):
            return _unwrap(item)
        if isinstance(item, int) and not isinstance(item, bool) and not -(1 << 63) <= item < (1 << 63):
            raise DecodeError(f"cannot parse '{path}', {float(item):f} overflows int")  # as decode.entries words it
        return item


_SERVICES = _ServiceDecoder()


#: the spec of a key consulite accepts with any value and ignores (IGNORED_KEYS)
IGNORE = "ignore"


def _settings_tree() -> dict:
    """FILE_KEYS and IGNORED_KEYS as nested blocks: {"datacenter": ("datacenter", "string"), "ports": {"http":
    (...)}, "telemetry": IGNORE}."""
    tree: dict = {}
    for key, spec in [*FILE_KEYS.items(), *((k, IGNORE) for k in IGNORED_KEYS)]:
        *blocks, last = key.split(".")
        node = tree
        for b in blocks:
            node = node.setdefault(b, {})
        node[last] = spec
    return tree


_SETTINGS = _settings_tree()


@attrs.frozen
class AgentFile:
    """What an agent-config file holds: AgentConfig settings, register bodies, bootstrap config entries."""

    path: str
    settings: dict = attrs.field(factory=dict)  # AgentConfig field -> value
    services: list[dict] = attrs.field(factory=list)
    entries: list[ConfigEntry] = attrs.field(factory=list)
    ignored: list[str] = attrs.field(factory=list)  # the IGNORED_KEYS it sets, as written


def agent_file(raw, path: str, codec: EntryCodec | None, json_numbers: bool = False) -> AgentFile:
    """Decode an agent-config (or service definition) file as Consul's agent does: the settings consulite
    supports, `service`/`services`, `config_entries { bootstrap = [...] }`; any other key is refused with the
    builder's `invalid config key` text. Without a codec, bootstrap entries are not decoded."""
    if not isinstance(raw, dict):
        raise FileError(path, "json: cannot unmarshal array into Go value of type map[string]interface {}",
                        agent=True)
    try:
        return _agent_file(raw, path, codec, json_numbers)
    except FileError:
        raise
    except DecodeError as e:  # a value no Go field could hold (past int64, too deep)
        raise FileError(path, e.text, agent=True) from None


def _agent_file(raw: dict, path: str, codec: EntryCodec | None, json_numbers: bool) -> AgentFile:
    d = _Decoding(json_numbers)
    settings: dict = {}
    ignored: list[str] = []
    services: list[dict] = []
    bootstrap: list = []
    own: list[str] = []
    for key, value in raw.items():
        low = key.lower()
        if low == "service":
            items = value if isinstance(value, list) else [value]
            if len(items) > 1:
                raise FileError(path, "service: only one service may be defined with `service`; use `services`",
                                agent=True)
            services += _services(d, items, lambda i: "service")
        elif low == "services":
            items = value if isinstance(value, list) else [value]
            services += _services(d, items, lambda i: f"services[{i}]")
        elif low == "config_entries":
            for block in value if isinstance(value, list) else [value]:
                for k, v in (d.block(block, "config_entries") or {}).items():
                    if k.lower() == "bootstrap":
                        bootstrap += v if isinstance(v, list) else [v]
                    else:
                        d.unused.append(f"config_entries.{k}")
        else:
            _setting(d, _SETTINGS, key, value, key, (settings, ignored), own)
    d.unused += sorted(own)
    d.finish(path)
    entries = [config_entry(e, path, codec) for e in bootstrap] if codec is not None else []
    return AgentFile(path, settings, services, entries, ignored)


def _services(d: _Decoding, items: list, where) -> list[dict]:
    """Register bodies of service blocks; a value no Go field could hold is refused naming the file."""
    return [_SERVICES.struct(ServiceDefinition, v, where(i), d) for i, v in enumerate(items)]


def _setting(d: _Decoding, node: dict, key: str, value, where: str, out: tuple[dict, list[str]],
             own: list[str]) -> None:
    """One key of a file into `out` (settings, ignored keys); a null value leaves the default (mapstructure)."""
    spec = node.get(key.lower())
    if spec is None:
        own.append(where)
    elif value is None:
        return
    elif spec == IGNORE:
        out[1].append(where)
    elif isinstance(spec, tuple):
        field, go = spec
        decoded = d.scalar(go, value, where)
        if decoded is not None:
            out[0][field] = decoded
    else:
        nested: list[str] = []
        for k, v in (d.block(value, where) or {}).items():
            _setting(d, spec, k, v, f"{where}.{k}", out, nested)
        d.unused += sorted(nested)


def service_bodies(raw: dict, path: str) -> list[dict]:
    """API register bodies of a file's `service {}` and `services = [...]`, the whole file checked with the
    agent-config rules."""
    return agent_file(raw, path, None).services


# -- config entries -------------------------------------------------------------------------------------

def config_entry(raw, path: str, codec: EntryCodec) -> ConfigEntry:
    """`consul config write`'s decoding of one file's entry."""
    try:
        return codec.decode(raw)
    except DecodeError as e:
        raise FileError(path, e.text) from None


def bootstrap_entries(raw: dict, path: str, codec: EntryCodec) -> list[ConfigEntry]:
    """Entries of an agent config file's `config_entries { bootstrap = [...] }` (`agent_file` decodes them
    too; this is the piece `consulite validate` calls)."""
    found = []
    for key, blocks in raw.items():
        if key.lower() != "config_entries":
            continue
        for block in blocks if isinstance(blocks, list) else [blocks]:
            for k, entries in (_unwrap(block) or {}).items():
                if k.lower() == "bootstrap":
                    found += [config_entry(e, path, codec) for e in entries]
    return found


# -- the one loader -------------------------------------------------------------------------------------

ENTRY, AGENT = "config-entry", "agent-config"


def is_config_entry(raw) -> bool:
    """A config-entry file (as `consul config write` takes it) has a top-level `Kind` or `kind`, the two keys
    DecodeConfigEntry looks for; anything else is an agent-config or service definition file."""
    return isinstance(raw, dict) and ("Kind" in raw or "kind" in raw)


@attrs.frozen
class FileContents:
    """One file read: a config entry, or an agent-config file."""

    path: str
    entry: ConfigEntry | None = None
    agent: AgentFile | None = None


def read_file(path, codec: EntryCodec, role: str | None = None, text: str | None = None,
              fmt: str | None = None) -> FileContents:
    """Read one file (`-` is standard input) as Consul would: a config entry (`role=ENTRY`, Consul's
    ParseConfigEntry: JSON when the text starts with `{`, else HCL1), an agent-config file (`role=AGENT`,
    agent/config: JSON for `.json`, else HCL1), or, without a role, whichever `is_config_entry` finds.
    `fmt` ("hcl" or "json", `-config-format`) overrides an agent-config file's extension. Raises FileError
    (ReadError when the path cannot be read)."""
    path = str(path)
    if text is None:
        text = sys.stdin.read() if path == STDIN else read_text(path)
    as_json = fmt == "json" if fmt else path.endswith(".json")
    starts_json = text.lstrip().startswith("{")
    if role is None:
        raw = parse(text, path, "json" if as_json or starts_json else "hcl")
        role = ENTRY if is_config_entry(raw) else AGENT
        if role == AGENT and starts_json and not as_json:
            raw = parse(text, path, "hcl")  # hcl.Decode's own JSON shapes
    elif role == ENTRY:
        raw = parse(text, path, "json" if starts_json else "hcl")
    else:
        try:
            raw = parse(text, path, "json" if as_json else "hcl")
        except FileError as e:
            raise FileError(path, e.message, agent=True) from None
    if role == ENTRY:
        return FileContents(path, entry=config_entry(raw, path, codec))
    return FileContents(path, agent=agent_file(raw, path, codec, json_numbers=as_json))


@attrs.define
class Loaded:
    """What a set of agent-config files holds, all parsed and decoded before anything is written."""

    services: list[tuple[str, dict]] = attrs.field(factory=list)  # (file, API register body)
    entries: list[tuple[str, ConfigEntry]] = attrs.field(factory=list)

    def add(self, found: AgentFile) -> None:
        self.services += [(found.path, body) for body in found.services]
        self.entries += [(found.path, e) for e in found.entries]
