"""`consulite snapshot save|restore|inspect FILE` (the requests, outputs and errors of `consul snapshot`, over
consulite's own archive: `consulite.decode.snapshot`) and `consulite state export|import FILE` (the state
document of `/_consulite/state`, for seeding test suites)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from consulite.cli.http_client import Client, ClientError, add_client_flags


def add_parser(sub) -> None:
    p = sub.add_parser("snapshot", help="save, restore or inspect a snapshot of the whole state (as `consul "
                                        "snapshot`)")
    verbs = p.add_subparsers(dest="verb", required=True)
    for verb, run, text in (("save", save, "save a snapshot of the agent's state to FILE"),
                            ("restore", restore, "replace the agent's state with the snapshot in FILE"),
                            ("inspect", inspect, "print what the snapshot in FILE holds (local)")):
        v = verbs.add_parser(verb, help=text)
        v.add_argument("files", nargs="*", metavar="FILE")
        if verb != "inspect":
            add_client_flags(v)
            v.add_argument("-stale", "--stale", action="store_true", help="accepted (one server: never stale)")
        v.set_defaults(run=run)
    p = sub.add_parser("state", help="export or import the state document of /_consulite/state (consulite's own)")
    verbs = p.add_subparsers(dest="verb", required=True)
    for verb, run, text in (("export", export_state, "write the agent's state document to FILE (- for stdout)"),
                            ("import", import_state, "load the state document of FILE (- for stdin)")):
        v = verbs.add_parser(verb, help=text)
        v.add_argument("files", nargs="*", metavar="FILE")
        add_client_flags(v)
        v.set_defaults(run=run)


def _one_file(args) -> str | None:
    """The FILE argument, or None after printing the consul CLI's complaint."""
    if not args.files:
        print("Missing FILE argument", file=sys.stderr)
        return None
    if len(args.files) > 1:
        print(f"Too many arguments (expected 1, got {len(args.files)})", file=sys.stderr)
        return None
    return args.files[0]


def _fail(what: str, error: object) -> int:
    print(f"Error {what}: {error}", file=sys.stderr)
    return 1


def _file_bytes(args, what: str) -> tuple[str, bytes] | None:
    """(path, bytes) of the FILE argument (`-`: standard input), or None after printing why not (Go's text
    for a file that cannot be opened)."""
    from consulite.decode.files import os_error_text

    path = _one_file(args)
    if path is None:
        return None
    try:
        return path, sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as e:
        _fail(f"opening {what} file", os_error_text("open", path, e))
        return None


def save(args) -> int:
    from consulite.decode import snapshot
    from consulite.errors import DecodeError

    path = _one_file(args)
    if path is None:
        return 1
    try:
        status, body, _ = Client(args).send("GET", "/v1/snapshot", params={"stale": ""} if args.stale else None)
        if status != 200:
            raise ClientError(status, body.decode(errors="replace"))
    except (ClientError, OSError) as e:
        return _fail("saving snapshot", e)
    try:
        meta, _ = snapshot.unpack(body)
    except DecodeError as e:
        return _fail("verifying snapshot", e.text)
    tmp = f"{path}.tmp"
    try:  # written whole, then renamed: a failed save leaves no half file
        Path(tmp).write_bytes(body)
        os.replace(tmp, path)
    except OSError as e:
        return _fail("writing snapshot file", e)
    print(f"Saved and verified snapshot to index {meta['Index']}")
    return 0


def _upload(args, route: str, what: str, doing: str, done: str) -> int:
    """PUT the bytes of the FILE argument to `route`; `Error opening <what> file` / `Error <doing>` on failure."""
    found = _file_bytes(args, what)
    if found is None:
        return 1
    path, data = found
    try:
        Client(args).expect_raw("PUT", route, data)
    except (ClientError, OSError) as e:
        return _fail(doing, e)
    print(done.format(path=path))
    return 0


def restore(args) -> int:
    return _upload(args, "/v1/snapshot", "snapshot", "restoring snapshot", "Restored snapshot")


def inspect(args) -> int:
    from consulite.decode import snapshot
    from consulite.errors import DecodeError

    found = _file_bytes(args, "snapshot")
    if found is None:
        return 1
    data = found[1]
    try:
        meta, _ = snapshot.unpack(data)
    except DecodeError as e:
        return _fail("verifying snapshot", e.text)
    print(inspect_text(meta), end="")
    return 0


def inspect_text(meta: dict) -> str:
    """`consul snapshot inspect`'s layout (1.8.7's header lines, Size being the state's, not the file's; the
    per-table counts of later versions)."""
    head = [("ID", f"{meta['Index']}-{meta['Created']}"), ("Size", meta["Size"]), ("Index", meta["Index"]),
            ("Version", meta["Format"]), ("Consulite", meta["Consulite"]), ("Datacenter", meta["Datacenter"]),
            ("Node", meta["Node"])]
    lines = [f"{k:<13}{v}" for k, v in head]
    width = max([len("Table"), *map(len, meta["Tables"])]) + 3
    lines += ["", f"{'Table':<{width}}Count", f"{'----':<{width}}----"]
    lines += [f"{name:<{width}}{count}" for name, count in meta["Tables"].items()]
    return "\n".join(lines) + "\n\n"


def export_state(args) -> int:
    path = _one_file(args)
    if path is None:
        return 1
    try:
        status, body, _ = Client(args).send("GET", "/_consulite/state")
        if status != 200:
            raise ClientError(status, body.decode(errors="replace"))
        if path == "-":
            sys.stdout.buffer.write(body + b"\n")
            return 0
        Path(path).write_bytes(body)
    except (ClientError, OSError) as e:
        return _fail("exporting state", e)
    print(f"Exported state to {path} (index {json.loads(body)['index']})")
    return 0


def import_state(args) -> int:
    return _upload(args, "/_consulite/state", "state", "importing state", "Imported state from {path}")
