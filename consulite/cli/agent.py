"""`consulite agent -dev`: serve Consul's HTTP API on 127.0.0.1:8500, in memory."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import signal
import sys
from pathlib import Path

import attrs

from consulite.model.agent_config import EDITIONS

#: `consul agent`'s flags that set AgentConfig fields: (flag, field, kind, help); kind is str, int or bool
#: (a Go bool flag: `-flag`, `-flag=false`). argparse's dest is the field name.
FIELD_FLAGS = (
    ("dev", "dev", bool, "development mode: in memory (a -data-dir is not used), one server that leads at once"),
    ("datacenter", "datacenter", str, "datacenter (default dc1)"),
    ("node", "node_name", str, "node name (default node1)"),
    ("node-id", "node_id", str, "the node's ID, a UUID (default: a random one)"),
    ("client", "client_addr", str, "addresses HTTP listens on, space-separated (default 127.0.0.1)"),
    ("bind", "bind_addr", str, "the node's address (default 127.0.0.1; 0.0.0.0 reads as 127.0.0.1)"),
    ("advertise", "advertise_addr", str, "the node's address, over -bind"),
    ("http-port", "http_port", int, "HTTP port (default 8500); 0 picks a free one"),
    ("https-port", "https_port", int, "HTTPS port: shown only (no TLS listener)"),
    ("dns-port", "dns_port", int, "DNS port: shown only (no DNS server); -1 disables"),
    ("grpc-port", "grpc_port", int, "gRPC port: shown only (no gRPC server); -1 disables"),
    ("grpc-tls-port", "grpc_tls_port", int, "gRPC TLS port: shown only"),
    ("serf-lan-port", "serf_lan_port", int, "Serf LAN port: shown only (no gossip)"),
    ("serf-wan-port", "serf_wan_port", int, "Serf WAN port: shown only (no gossip)"),
    ("server-port", "server_port", int, "server RPC port: shown only (the leader's address)"),
    ("server", "server", bool, "run as a server (consulite always does)"),
    ("bootstrap", "bootstrap", bool, "bootstrap mode (consulite leads at once either way)"),
    ("bootstrap-expect", "bootstrap_expect", int, "servers to wait for: 1 is bootstrap mode; refused with -dev"),
    ("domain", "domain", str, "DNS domain (default consul.): shown only"),
    ("encrypt", "encrypt", str, "gossip key: checked, then unused"),
    ("pid-file", "pid_file", str, "write the process ID to this file; removed at exit"),
    ("log-level", "log_level", str, "trace, debug, info (default), warn or error; debug logs every request"),
    ("log-json", "log_json", bool, "log JSON lines, as consul agent -log-json"),
    ("data-dir", "data_dir", str, "keep the state in this directory (SQLite): writes are answered once on disk"),
    ("enable-script-checks", "enable_script_checks", bool,
     "accept script checks over the HTTP API (they run as Consul runs them)"),
    ("checks-run", "checks_run", bool, "run checks (default true); -checks-run=false stores and reports them only"),
    ("acl-enabled", "acl_enabled", bool, "turn ACLs on (as acl { enabled = true })"),
    ("acl-default-policy", "acl_default_policy", str, "what a token without a matching rule may do (default allow)"),
    ("acl-initial-management", "acl_initial_management", str, "the initial management token's SecretID"),
    ("http-max-conns-per-client", "http_max_conns_per_client", int,
     "open HTTP connections allowed per client IP (Consul's default 200; 0: no limit)"),
    ("edition", "edition", str, "enterprise (default) or ce"),
)
FLAGS = tuple(field for _, field, _, _ in FIELD_FLAGS)
#: `consul agent`'s flags that mean nothing to an emulator: accepted, logged once each
IGNORED_VALUE_FLAGS = (
    "join", "retry-join", "join-wan", "retry-join-wan", "retry-interval", "retry-interval-wan", "retry-max",
    "retry-max-wan", "advertise-wan", "alt-domain", "node-meta", "recursor", "log-file", "log-rotate-bytes",
    "log-rotate-duration", "log-rotate-max-files", "primary-gateway", "protocol", "raft-protocol", "segment",
    "serf-lan-bind", "serf-wan-bind", "serf-lan-allowed-cidrs", "serf-wan-allowed-cidrs", "ui-dir",
    "ui-content-path", "default-query-time", "max-query-time", "check_output_max_size",
    "allow-write-http-from")
IGNORED_BOOL_FLAGS = ("ui", "rejoin", "syslog", "disable-host-node-id", "disable-keyring-file", "non-voting-server",
                      "enable-local-script-checks")


def _flag(p, name: str, **kw) -> None:
    """A flag as Go's flag package reads it: `-name` or `--name`, a value as `-name v` or `-name=v`."""
    p.add_argument(f"-{name}", f"--{name}", **kw)


def add_parser(sub) -> None:
    p = sub.add_parser("agent", help="run a Consul-compatible agent (in memory)", allow_abbrev=False)
    p.set_defaults(run=run_agent)
    # Settings default to None (not given), so that the builder applies defaults, then files, then flags.
    for name, field, kind, text in FIELD_FLAGS:
        if kind is bool:
            _flag(p, name, dest=field, nargs="?", const=True, default=None, type=_go_bool, metavar="BOOL", help=text)
        else:
            _flag(p, name, dest=field, type=kind, default=None, help=text,
                  choices=EDITIONS if field == "edition" else None)
    _flag(p, "config-dir", dest="config_paths", action="append", default=[],
          help="load the .hcl and .json files of a directory (repeatable)")
    _flag(p, "config-file", dest="config_paths", action="append", default=[],
          help="load one agent config file (repeatable)")
    _flag(p, "config-format", dest="config_format", default=None, help="read every config file as hcl or json")
    _flag(p, "hcl", dest="hcl", action="append", default=[], help="an HCL config fragment, read after the flags")
    _flag(p, "state", default=None,
          help="start from a state document saved from GET /_consulite/state (seeds a new -data-dir)")
    for name in IGNORED_VALUE_FLAGS:
        _flag(p, name, dest=f"ignored:{name}", action="append", default=None, help=argparse.SUPPRESS)
    for name in IGNORED_BOOL_FLAGS:
        _flag(p, name, dest=f"ignored:{name}", nargs="?", const=True, default=None, type=_go_bool,
              help=argparse.SUPPRESS)


def _go_bool(text: str) -> bool:
    """strconv.ParseBool, as Go's flag package reads `-flag=value` for a bool flag."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise argparse.ArgumentTypeError(f'parse error on "{text}": invalid syntax')


def run_agent(args: argparse.Namespace) -> int:
    from consulite.decode.agent_config import ConfigError, build
    from consulite.decode.files import FileError, Loaded
    from consulite.server import serve

    flags = {name: getattr(args, name) for name in FLAGS}

    def built_now():
        return build(args.config_paths, flags, hcl=args.hcl, config_format=args.config_format)

    try:
        built = built_now()
    except (ConfigError, FileError) as e:
        print(f"consulite: refusing to start: {e.text.rstrip()}", file=sys.stderr)
        return 1
    config = built.config
    if config.dev and config.data_dir:  # -dev is in memory, as Consul's dev mode
        config = attrs.evolve(config, data_dir="")
    _setup_logging(config.log_level.lower(), config.log_json)
    ignored = [*({"flag": f"-{dest.split(':', 1)[1]}"} for dest, value in vars(args).items()
                 if dest.startswith("ignored:") and value is not None), *({"key": k} for k in built.ignored)]
    hosts, port = config.addresses("http"), config.http_port
    loaded = built.loaded if (built.loaded.services or built.loaded.entries) else None  # nothing to seed
    try:
        snapshot = _read_state(args.state, config) if args.state else None
        stop = asyncio.Event()

        def reload() -> Loaded:  # /v1/agent/reload re-reads the files
            return built_now().loaded

        host = hosts[0] if len(hosts) == 1 else hosts
        asyncio.run(_serve_until_signal(serve(config, host, port, loaded=loaded, state=snapshot, reload=reload,
                                              leave=lambda: stop.set()), config, _banner(config, args, loaded),
                                        (built.warnings, ignored), stop))
    except FileError as e:
        print(f"consulite: refusing to start: {e.text.rstrip()}", file=sys.stderr)
        return 1
    except OSError as e:
        reason = "address already in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
        print(f"consulite: cannot listen on {' '.join(hosts)}:{port}: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _read_state(path: str, config):
    """The state document of `-state FILE`, checked whole (as `PUT /_consulite/state` checks it) before the
    agent starts, as `State.check` returns it; any problem is a FileError naming the file (one line, exit
    code 1)."""
    from consulite.agent.core import Agent
    from consulite.decode.bodies import parse_json
    from consulite.decode.files import FileError
    from consulite.errors import DecodeError

    try:
        return Agent(config).state.check(parse_json(Path(path).read_bytes()))
    except OSError as e:
        raise FileError(path, e.strerror or str(e)) from None
    except DecodeError as e:
        raise FileError(path, _one_line(e.text)) from None
    except Exception as e:
        raise FileError(path, _one_line(f"not a valid state document: {type(e).__name__}: {e}")) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _setup_logging(level: str, json_lines: bool) -> None:
    """The agent's log lines go to standard output, as `consul agent` writes them."""
    from consulite.logs import configure

    configure(level, json_lines, stream=sys.stdout)


def _banner(config, args: argparse.Namespace, loaded) -> dict:
    """What consulite adds to Consul's start-up lines: edition, what was loaded, the state document."""
    files = len(loaded.services) + len(loaded.entries) if loaded is not None else 0
    return {"edition": config.edition,
            "loaded": f"{len(loaded.services)} service(s), {len(loaded.entries)} config entr(y/ies) from files"
            if files else "nothing from files", "state": args.state or "none"}


def _port(port: int) -> int:
    """A port as Consul shows it: one that is off (0 or less) is -1 (builder.go portVal)."""
    return port if port > 0 else -1


def header(config, node_id: str, http_port: int) -> str:
    """`consul agent`'s start-up header (command/agent/agent.go, as Consul 1.8.7 prints it), for this agent."""
    from consulite import CONSUL_VERSION

    rows = [("Version", f"'{CONSUL_VERSION}'"), ("Node ID", f"'{node_id}'"), ("Node name", f"'{config.node_name}'"),
            ("Datacenter", f"'{config.datacenter}' (Segment: '<all>')"),
            ("Server", f"{str(config.server).lower()} (Bootstrap: {str(config.bootstrap).lower()})"),
            ("Client Addr", f"[{' '.join(config.client_addr.split())}] (HTTP: {http_port}, "
                            f"HTTPS: {_port(config.https_port)}, gRPC: {_port(config.grpc_port)}, "
                            f"DNS: {_port(config.dns_port)})"),
            ("Cluster Addr", f"{config.node_address} (LAN: {_port(config.serf_lan_port)}, "
                             f"WAN: {_port(config.serf_wan_port)})"),
            ("Encrypt", f"Gossip: {str(bool(config.encrypt)).lower()}, TLS-Outgoing: false, TLS-Incoming: false, "
                        "Auto-Encrypt-TLS: false")]
    return "\n".join(["==> Starting Consul agent...", *(f"{name:>18}: {value}" for name, value in rows), "",
                      "==> Log data will now stream in as it occurs:", ""])


async def _serve_until_signal(starting, config, banner: dict, notes: tuple, stop: asyncio.Event) -> None:
    """Serve until SIGINT, SIGTERM or `stop` (`/v1/agent/leave`); then answer blocked queries and stop (a
    second signal exits at once). Start-up writes Consul's header and lines (the header and `==>` lines only
    in text mode, as Consul), the builder's warnings, one line per ignored flag or key, and the pid file."""
    from consulite import messages as M
    from consulite.http.app import AGENT_KEY
    from consulite.logs import kv
    from consulite.server import tune_gc

    runner, port = await starting
    tune_gc()
    node = runner.app[AGENT_KEY].node
    text = not config.log_json
    if text:
        print(header(config, node.id, port), flush=True)
    log, server_log = logging.getLogger("consulite.agent"), logging.getLogger("consulite.agent.server")
    warnings, ignored = notes
    for warning in warnings:
        log.warning("%s", warning)
    for setting in ignored:
        kv(log, logging.WARNING, M.IGNORED_SETTING, **setting)
    address = f"{runner.addresses[0][0]}:{port}" if runner.addresses else f"127.0.0.1:{port}"
    kv(log, logging.INFO, "Started HTTP server", address=address, network="tcp")
    kv(log, logging.INFO, "Emulated by consulite", **banner)
    if config.pid_file:
        Path(config.pid_file).write_text(str(os.getpid()))
    print(f"consulite agent ready: http://{address} (Consul HTTP API)", flush=True)
    if text:
        print("==> Consul agent running!", flush=True)
    kv(server_log, logging.INFO, "cluster leadership acquired")
    kv(server_log, logging.INFO, "New leader elected", payload=config.node_name)
    kv(log, logging.INFO, "Synced node info")
    loop = asyncio.get_running_loop()

    def first_signal() -> None:
        kv(log, logging.INFO, "Caught signal, stopping: blocked queries are answered")
        stop.set()
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal exits at once
            loop.add_signal_handler(sig, _exit_now)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, first_signal)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        if config.pid_file:
            Path(config.pid_file).unlink(missing_ok=True)
        print("consulite agent stopped", flush=True)


def _exit_now() -> None:
    print("consulite agent: second signal, exiting now", file=sys.stderr, flush=True)
    os._exit(1)
