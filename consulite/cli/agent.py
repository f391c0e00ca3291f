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

#: The flags that are AgentConfig settings (argparse dest = field name).
FLAGS = ("datacenter", "node_name", "client_addr", "http_port", "edition", "enable_script_checks", "checks_run",
         "log_level", "http_max_conns_per_client",
         "data_dir", "acl_enabled", "acl_default_policy", "acl_initial_management")


def add_parser(sub) -> None:
    p = sub.add_parser("agent", help="run a Consul-compatible agent (in memory)")
    p.set_defaults(run=run_agent)
    # Settings default to None (not given), so that the builder applies defaults, then files, then flags.
    p.add_argument("-dev", "--dev", action="store_true", help="development mode (always in memory; accepted)")
    p.add_argument("-client", "--client", dest="client_addr", default=None,
                   help="address to bind (default 127.0.0.1)")
    p.add_argument("-http-port", "--http-port", dest="http_port", type=int, default=None,
                   help="HTTP port (default 8500); 0 picks a free one")
    p.add_argument("-datacenter", "--datacenter", default=None, help="datacenter (default dc1)")
    p.add_argument("-node", "--node", dest="node_name", default=None, help="node name (default node1)")
    p.add_argument("-edition", "--edition", choices=EDITIONS, default=None, help="enterprise (default) or ce")
    p.add_argument("-enable-script-checks", "--enable-script-checks", action="store_const", const=True,
                   default=None, help="accept script checks over the HTTP API (they run as Consul runs them)")
    p.add_argument("-checks-run", "--checks-run", dest="checks_run", nargs="?", const=True, default=None,
                   type=_go_bool, metavar="BOOL",
                   help="run checks (default true); -checks-run=false stores and reports them only")
    p.add_argument("-acl-enabled", "--acl-enabled", dest="acl_enabled", action="store_const", const=True,
                   default=None, help="turn ACLs on (as acl { enabled = true })")
    p.add_argument("-acl-default-policy", "--acl-default-policy", dest="acl_default_policy", default=None,
                   choices=("allow", "deny"), help="what a token without a matching rule may do (default allow)")
    p.add_argument("-acl-initial-management", "--acl-initial-management", dest="acl_initial_management",
                   default=None, metavar="TOKEN", help="the initial management token's SecretID")
    p.add_argument("-config-dir", "--config-dir", dest="config_paths", action="append", default=[],
                   help="load the .hcl and .json files of a directory (repeatable)")
    p.add_argument("-config-file", "--config-file", dest="config_paths", action="append", default=[],
                   help="load one agent config file (repeatable)")
    p.add_argument("-state", "--state", default=None,
                   help="start from a state document saved from GET /_consulite/state (seeds a new -data-dir)")
    p.add_argument("-data-dir", "--data-dir", dest="data_dir", default=None,
                   help="keep the state in this directory (SQLite): writes are answered once on disk")
    p.add_argument("-log-level", "--log-level", default=None,
                   help="trace, debug, info (default), warn or error; debug logs every request")
    p.add_argument("-log-json", "--log-json", action="store_true", help="log JSON lines, as consul agent -log-json")
    p.add_argument("-http-max-conns-per-client", "--http-max-conns-per-client", dest="http_max_conns_per_client",
                   type=int, default=None,
                   help="open HTTP connections allowed per client IP (Consul's default 200; 0: no limit)")


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
    try:
        built = build(args.config_paths, flags)
    except (ConfigError, FileError) as e:
        print(f"consulite: refusing to start: {e.text.rstrip()}", file=sys.stderr)
        return 1
    config = built.config
    if args.dev and config.data_dir:  # -dev is in memory, as Consul's dev mode
        config = attrs.evolve(config, data_dir="")
    _setup_logging(config.log_level.lower(), args.log_json)
    for warning in built.warnings:
        logging.getLogger("consulite.agent").warning("%s", warning)
    host, port = config.client_addr, config.http_port
    loaded = built.loaded if (built.loaded.services or built.loaded.entries) else None  # nothing to seed
    try:
        snapshot = _read_state(args.state, config) if args.state else None
        stop = asyncio.Event()

        def reload() -> Loaded:  # /v1/agent/reload re-reads the files
            return build(args.config_paths, flags).loaded

        asyncio.run(_serve_until_signal(serve(config, host, port, loaded=loaded, state=snapshot, reload=reload,
                                              leave=lambda: stop.set()), _banner(config, args, loaded), stop))
    except FileError as e:
        print(f"consulite: refusing to start: {e.text.rstrip()}", file=sys.stderr)
        return 1
    except OSError as e:
        reason = "address already in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
        print(f"consulite: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _read_state(path: str, config):
    """The state document of `-state FILE`, checked whole (as `PUT /_consulite/state` checks it) before the
    agent starts; any problem is a FileError naming the file (one line, exit code 1)."""
    from consulite.agent.core import Agent
    from consulite.decode.bodies import parse_json
    from consulite.decode.files import FileError
    from consulite.errors import DecodeError

    try:
        doc = parse_json(Path(path).read_bytes())
        Agent(config).state.check(doc)
    except OSError as e:
        raise FileError(path, e.strerror or str(e)) from None
    except DecodeError as e:
        raise FileError(path, _one_line(e.text)) from None
    except Exception as e:
        raise FileError(path, _one_line(f"not a valid state document: {type(e).__name__}: {e}")) from None
    return doc


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _setup_logging(level: str, json_lines: bool) -> None:
    from consulite.logs import configure

    configure(level, json_lines)


def _banner(config, args: argparse.Namespace, loaded) -> dict:
    """What Consul's start-up banner says, for this agent: version, edition, datacenter, node, what was loaded."""
    from consulite import CONSUL_VERSION

    files = len(loaded.services) + len(loaded.entries) if loaded is not None else 0
    return {"version": CONSUL_VERSION, "edition": config.edition,
            "datacenter": config.datacenter, "node": config.node_name,
            "loaded": f"{len(loaded.services)} service(s), {len(loaded.entries)} config entr(y/ies) from files"
            if files else "nothing from files", "state": args.state or "none"}


async def _serve_until_signal(starting, banner: dict, stop: asyncio.Event) -> None:
    """Serve until SIGINT, SIGTERM or `stop` (`/v1/agent/leave`); then answer blocked queries and stop (a
    second signal exits at once)."""
    from consulite.logs import kv
    from consulite.server import tune_gc

    runner, port = await starting
    tune_gc()
    host = runner.addresses[0][0] if runner.addresses else "127.0.0.1"
    print(f"consulite agent ready: http://{host}:{port} (Consul HTTP API)", flush=True)
    log = logging.getLogger("consulite.agent")
    kv(log, logging.INFO, "Consul agent running (emulated by consulite)", **banner, http=f"{host}:{port}")
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
        print("consulite agent stopped", flush=True)


def _exit_now() -> None:
    print("consulite agent: second signal, exiting now", file=sys.stderr, flush=True)
    os._exit(1)
