"""The `consulite` command: `agent` runs the emulator; the client commands talk to it (or to real Consul)."""

from __future__ import annotations

import argparse
import sys

from consulite import __version__
from consulite.cli import agent, config_cmd, explain, services, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="consulite", description=__doc__)
    parser.add_argument("-version", "--version", action="version", version=f"consulite {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (agent, services, config_cmd, validate, explain):
        command.add_parser(sub)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
