"""The `consulite` command: `agent` runs the emulator; the client commands talk to it (or to real Consul)."""

from __future__ import annotations

import argparse
import sys

from consulite import CONSUL_VERSION, __version__
from consulite.cli import acl, agent, catalog_cmd, config_cmd, explain, services, snapshot, tenancy, validate


def version_text() -> str:
    """`consul version`'s first line, for consulite and for the Consul it answers as."""
    return f"consulite v{__version__}\nEmulates Consul v{CONSUL_VERSION}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="consulite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-version", "--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (agent, services, config_cmd, validate, explain, snapshot, catalog_cmd, acl, tenancy):
        command.add_parser(sub)
    sub.add_parser("version", help="print consulite's version and the Consul version it emulates").set_defaults(
        run=lambda args: print(version_text()) or 0)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
