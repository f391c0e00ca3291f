"""`consulite agent -dev`: serve Consul's HTTP API on 127.0.0.1:8500, in memory."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
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


def run_agent(args: argparse.Namespace) -> int:
    level = {"trace": logging.DEBUG, "warn": logging.WARNING}.get(args.log_level, args.log_level.upper())
    logging.basicConfig(level=level, format="%(asctime)s [%(levelname)s] %(name)s: %(message)s")
    from consulite.decode.config import EntryCodec
    from consulite.decode.files import FileError, config_files, load_agent_files
    from consulite.model.agent_config import AgentConfig
    from consulite.server import serve

    config = AgentConfig(datacenter=args.datacenter, node_name=args.node, edition=args.edition,
                         enable_script_checks=args.enable_script_checks)
    loaded = snapshot = None
    try:
        if args.state:
            snapshot = _read_state(args.state)
        if args.config_dir or args.config_file:
            paths = config_files(args.config_dir, args.config_file)
            loaded = load_agent_files(paths, EntryCodec(config.enterprise))
        asyncio.run(_serve_until_signal(serve(config, args.client, args.http_port, loaded=loaded,
                                              state=snapshot)))
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


def _read_state(path: str):
    from consulite.agent.core import Agent
    from consulite.decode import state
    from consulite.decode.files import FileError
    from consulite.model.partition import Node
    from consulite.errors import DecodeError

    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise FileError(path, str(e)) from None
    try:  # decoded now, so that a bad document is refused before the agent starts
        state.from_json(doc, Agent().store.layout() | {"node": Node})
    except DecodeError as e:
        raise FileError(path, e.text) from None
    return doc


async def _serve_until_signal(starting) -> None:
    runner, port = await starting
    host = runner.addresses[0][0] if runner.addresses else "127.0.0.1"
    print(f"consulite agent ready: http://{host}:{port} (Consul HTTP API)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        print("consulite agent stopped", flush=True)

