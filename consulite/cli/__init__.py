"""The `consulite` command: `agent` runs the emulator; the client commands talk to it (or to real Consul).
Installed (or linked) under the name `consul`, it answers as `consul` does: `consul agent -dev ...` starts the
emulator, so harnesses that exec `consul` can run consulite."""

from __future__ import annotations

import argparse
import os
import sys

from consulite import CONSUL_VERSION, __version__
from consulite.cli import acl, agent, catalog_cmd, config_cmd, explain, services, snapshot, tenancy, validate


def version_text(prog: str = "consulite") -> str:
    """`consul version`'s first line, for consulite and for the Consul it answers as; under the name `consul`,
    Consul's own first line first (tools read the version from it)."""
    if prog == "consul":
        return f"Consul v{CONSUL_VERSION}\nRevision consulite v{__version__}"
    return f"consulite v{__version__}\nEmulates Consul v{CONSUL_VERSION}"


def program_name() -> str:
    """`consul` when invoked through a link or copy of that name, else `consulite`."""
    return "consul" if os.path.basename(sys.argv[0]) == "consul" else "consulite"


def main(argv: list[str] | None = None) -> int:
    prog = program_name()
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-version", "--version", action="version", version=version_text(prog))
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (agent, services, config_cmd, validate, explain, snapshot, catalog_cmd, acl, tenancy):
        command.add_parser(sub)
    sub.add_parser("version", help="print consulite's version and the Consul version it emulates").set_defaults(
        run=lambda args: print(version_text(prog)) or 0)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
