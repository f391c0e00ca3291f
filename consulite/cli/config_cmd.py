"""`consulite config write|read|list|delete`: the requests and outputs of `consul config`
(consul-cli-and-clients.md)."""

from __future__ import annotations

import json
import sys

from consulite.cli.http_client import Client, ClientError, add_client_flags


def add_parser(sub) -> None:
    p = sub.add_parser("config", help="write, read, list or delete config entries (as `consul config`)")
    verbs = p.add_subparsers(dest="verb", required=True)
    write = verbs.add_parser("write", help="write the config entry of a file")
    write.add_argument("file", help="an HCL or JSON file, or - to read standard input")
    _cas_flags(write)
    write.set_defaults(run=write_entry)
    read = verbs.add_parser("read", help="print one config entry")
    _kind_name(read)
    read.set_defaults(run=read_entry)
    listing = verbs.add_parser("list", help="list the names of one kind's entries")
    listing.add_argument("-kind", "--kind", required=True)
    listing.add_argument("-filter", "--filter", default=None)
    add_client_flags(listing)
    listing.set_defaults(run=list_entries)
    delete = verbs.add_parser("delete", help="delete a config entry (-kind and -name, or -filename)")
    delete.add_argument("-kind", "--kind", default=None)
    delete.add_argument("-name", "--name", default=None)
    delete.add_argument("-filename", "--filename", default=None)
    _cas_flags(delete)
    delete.set_defaults(run=delete_entry)


def _cas_flags(p) -> None:
    p.add_argument("-cas", "--cas", action="store_true", help="check-and-set against -modify-index")
    p.add_argument("-modify-index", "--modify-index", type=int, default=0)
    add_client_flags(p)


def _kind_name(p) -> None:
    p.add_argument("-kind", "--kind", required=True)
    p.add_argument("-name", "--name", required=True)
    add_client_flags(p)


def _cas(args) -> dict:
    return {"cas": str(args.modify_index)} if args.cas else {}


def _entry_of(path: str):
    """The entry of a file (or `-`, standard input), or None after printing `consul config`'s error."""
    from consulite.cli.files import entry_of
    from consulite.decode.files import FileError, ReadError

    try:
        return entry_of(path)
    except ReadError as e:
        print(f"Failed to load data: Failed to read file: {e.message}", file=sys.stderr)
    except FileError as e:
        print(f"Failed to decode config entry input: {e.text}", file=sys.stderr)
    return None


def write_entry(args) -> int:
    from consulite.cli.files import CODEC, entry_name

    entry = _entry_of(args.file)
    if entry is None:
        return 1
    ref = f"{entry.kind}/{entry_name(entry)}"
    try:
        written = Client(args).expect("PUT", "/v1/config", CODEC.request_body(entry), _cas(args))
    except (ClientError, OSError) as e:
        print(f"Error writing config entry {ref}: {e}", file=sys.stderr)
        return 1
    if written is not True:
        print(f"Config entry not updated: {ref}", file=sys.stderr)
        return 1
    print(f"Config entry written: {ref}")
    return 0


def read_entry(args) -> int:
    try:
        entry = Client(args).expect("GET", f"/v1/config/{args.kind}/{args.name}")
    except (ClientError, OSError) as e:
        print(f"Error reading config entry {args.kind}/{args.name}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(entry, indent=4))
    return 0


def list_entries(args) -> int:
    params = {"filter": args.filter} if args.filter else {}
    try:
        entries = Client(args).expect("GET", f"/v1/config/{args.kind}", params=params)
    except (ClientError, OSError) as e:
        print(f"Error listing config entries for kind {args.kind}: {e}", file=sys.stderr)
        return 1
    for entry in entries:
        print(entry.get("Name", "mesh"))
    return 0


def _delete_problem(args) -> str | None:
    """`consul config delete`'s argument checks, in its order (command/config/delete/config_delete.go)."""
    given = sum(1 for v in (args.filename, args.kind, args.name) if v)
    if given == 0:
        return "Must specify the -kind or -filename parameter"
    if args.filename:
        if given > 1:
            return "filename can't be used with kind or name"
    elif not args.kind:
        return "Must specify the -kind parameter"
    elif not args.name:
        return "Must specify the -name parameter"
    if args.cas and args.modify_index == 0:
        return "Must specify a -modify-index greater than 0 with -cas"
    if args.modify_index != 0 and not args.cas:
        return "Cannot specify -modify-index without -cas"
    return None


def delete_entry(args) -> int:
    from consulite.cli.files import entry_name

    problem = _delete_problem(args)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    kind, name = args.kind, args.name
    if args.filename:
        entry = _entry_of(args.filename)
        if entry is None:
            return 1
        kind, name = entry.kind, entry_name(entry)
    ref = f"{kind}/{name}"
    if not kind or not name:  # api.ConfigEntries.Delete refuses before any request
        print(f"Error deleting config entry {ref}: Both kind and name parameters must not be empty",
              file=sys.stderr)
        return 1
    try:
        deleted = Client(args).expect("DELETE", f"/v1/config/{kind}/{name}", params=_cas(args))
    except (ClientError, OSError) as e:
        print(f"Error deleting config entry {ref}: {e}", file=sys.stderr)
        return 1
    if args.cas and deleted is not True:
        print(f"Config entry not deleted: {ref}", file=sys.stderr)
        return 1
    print(f"Config entry deleted: {ref}")
    return 0
