"""`consulite services register|deregister`: the requests and outputs of `consul services`
(consul-cli-and-clients.md)."""

from __future__ import annotations

import sys

from consulite.cli import exported_cmd
from consulite.cli.http_client import Client, ClientError, add_client_flags


def add_parser(sub) -> None:
    p = sub.add_parser("services", help="register or deregister services (as `consul services`)")
    verbs = p.add_subparsers(dest="verb", required=True)
    reg = verbs.add_parser("register", help="register the services of one or more files")
    reg.add_argument("files", nargs="+")
    add_client_flags(reg)
    reg.set_defaults(run=register)
    dereg = verbs.add_parser("deregister", help="deregister by file or -id")
    dereg.add_argument("files", nargs="*")
    dereg.add_argument("-id", "--id", default=None)
    add_client_flags(dereg)
    dereg.set_defaults(run=deregister)
    exported_cmd.add_verb(verbs)


def register(args) -> int:
    from consulite.cli.files import services_of
    from consulite.errors import DecodeError

    try:
        bodies = services_of(args.files)  # all files are read and decoded before any request
    except DecodeError as e:  # FileError, or the builder's ConfigError for a path
        print(f"Error: {e.text}", file=sys.stderr)
        return 1
    client = Client(args)
    for body in bodies:
        body = {**body}
        if client.params.get("partition") and "Partition" not in body:
            body["Partition"] = client.params["partition"]
        try:
            client.expect("PUT", "/v1/agent/service/register", body)
        except (ClientError, OSError) as e:
            print(f"Error registering service \"{body['Name']}\": {e}", file=sys.stderr)
            return 1
        print(f"Registered service: {body['Name']}")
    return 0


def deregister(args) -> int:
    from consulite.cli.files import services_of
    from consulite.errors import DecodeError

    if bool(args.files) == bool(args.id):
        print("Error: exactly one of -id or a file argument is required", file=sys.stderr)
        return 1
    if args.id:
        ids = [args.id]
    else:
        try:
            ids = [b.get("ID") or b["Name"] for b in services_of(args.files)]
        except DecodeError as e:
            print(f"Error: {e.text}", file=sys.stderr)
            return 1
    client = Client(args)
    for service_id in ids:
        try:
            client.expect("PUT", f"/v1/agent/service/deregister/{service_id}")
        except (ClientError, OSError) as e:
            print(f"Error deregistering service \"{service_id}\": {e}", file=sys.stderr)
            return 1
        print(f"Deregistered service: {service_id}")
    return 0
