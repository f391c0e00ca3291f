"""`consulite agent -dev`: serve Consul's HTTP API on 127.0.0.1:8500, in memory."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import signal
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("agent", help="run a Consul-compatible agent (in memory)")
    p.set_defaults(run=run_agent)
    p.add_argument("-dev", "--dev", action="store_true", help="development mode (always in memory; accepted)")
    p.add_argument("-client", "--client", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("-http-port", "--http-port", type=int, default=8500, help="HTTP port; 0 picks a free one")
    p.add_argument("-datacenter", "--datacenter", default="dc1")
    p.add_argument("-node", "--node", default="node1")
    p.add_argument("-edition", "--edition", choices=("enterprise", "ce"), default="enterprise")
    p.add_argument("-enable-script-checks", "--enable-script-checks", action="store_true",
                   help="accept script checks over the HTTP API (they are stored, never run)")
    p.add_argument("-config-dir", "--config-dir", action="append", default=[],
                   help="load the .hcl and .json files of a directory (repeatable)")
    p.add_argument("-config-file", "--config-file", action="append", default=[],
                   help="load one agent config file (repeatable)")
    p.add_argument("-state", "--state", default=None,
                   help="start from a state document saved from GET /_consulite/state")
    p.add_argument("-log-level", "--log-level", default="info",
                   choices=("trace", "debug", "info", "warn", "error"))
    _add_hardening_flags(p)


def _add_hardening_flags(p) -> None:
    """Logging format and connection limits (consul agent's -log-json; limits.http_max_conns_per_client)."""
    p.add_argument("-log-json", "--log-json", action="store_true", help="log JSON lines, as consul agent -log-json")
    p.add_argument("-http-max-conns-per-client", "--http-max-conns-per-client", type=int, default=200,
                   help="open HTTP connections allowed per client IP (Consul's default 200; 0: no limit)")


def run_agent(args: argparse.Namespace) -> int:
    _setup_logging(args)
    from consulite.decode.config import EntryCodec
    from consulite.decode.files import FileError, config_files, load_agent_files
    from consulite.model.agent_config import AgentConfig
    from consulite.server import serve

    config = AgentConfig(datacenter=args.datacenter, node_name=args.node, edition=args.edition,
                         enable_script_checks=args.enable_script_checks,
                         http_max_conns_per_client=args.http_max_conns_per_client)
    loaded = snapshot = None
    try:
        if args.state:
            snapshot = _read_state(args.state, config)
        if args.config_dir or args.config_file:
            paths = config_files(args.config_dir, args.config_file)
            loaded = load_agent_files(paths, EntryCodec(config.enterprise))
        asyncio.run(_serve_until_signal(serve(config, args.client, args.http_port, loaded=loaded,
                                              state=snapshot), _banner(config, args, loaded)))
    except FileError as e:
        print(f"consulite: refusing to start: {e.text}", file=sys.stderr)
        return 1
    except OSError as e:
        reason = "address already in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
        print(f"consulite: cannot listen on {args.client}:{args.http_port}: {reason}", file=sys.stderr)
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
    except Exception as e:  # noqa: BLE001 - whatever else a corrupt file provokes is still a refusal
        raise FileError(path, _one_line(f"not a valid state document: {type(e).__name__}: {e}")) from None
    return doc


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _setup_logging(args: argparse.Namespace) -> None:
    from consulite.logs import configure

    configure(args.log_level, args.log_json)


def _banner(config, args: argparse.Namespace, loaded) -> dict:
    """What Consul's start-up banner says, for this agent: version, edition, datacenter, node, what was loaded."""
    from consulite import CONSUL_VERSION

    files = len(loaded.services) + len(loaded.entries) if loaded is not None else 0
    return {"version": CONSUL_VERSION, "edition": config.edition,
            "datacenter": config.datacenter, "node": config.node_name,
            "loaded": f"{len(loaded.services)} service(s), {len(loaded.entries)} config entr(y/ies) from files"
            if files else "nothing from files", "state": args.state or "none"}


async def _serve_until_signal(starting, banner: dict) -> None:
    """Serve until SIGINT or SIGTERM; then answer blocked queries and stop (a second signal exits at once)."""
    from consulite.logs import kv

    runner, port = await starting
    host = runner.addresses[0][0] if runner.addresses else "127.0.0.1"
    print(f"consulite agent ready: http://{host}:{port} (Consul HTTP API)", flush=True)
    log = logging.getLogger("consulite.agent")
    kv(log, logging.INFO, "Consul agent running (emulated by consulite)", **banner, http=f"{host}:{port}")
    stop = asyncio.Event()
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
