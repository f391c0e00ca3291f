"""`consulite namespace|partition create|read|update|delete|list`: the flags and outputs of Consul
Enterprise's `consul namespace` and `consul partition` (website/content/commands/namespace/*.mdx,
commands/partition.mdx; the Enterprise CLI's source is not public, so error prefixes are consulite's wording).
`-format json` prints the API's JSON with Consul's three-space indent; `pretty` prints `Name:`, `Description:`
(its text indented below), ACL defaults and Meta, and with `-show-meta` (`-meta` on read and list) the indexes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from consulite.cli.http_client import Client, ClientError, add_client_flags
from consulite.cli.http_client import run as _run

MULTI = {"action": "append", "default": []}


def add_parser(sub) -> None:
    for kind in ("namespace", "partition"):
        p = sub.add_parser(kind, help=f"manage {kind}s (Consul Enterprise; as `consul {kind}`)")
        verbs = p.add_subparsers(dest="verb", required=True)
        fields: list[tuple[str, dict[str, Any]]] = [("-name", {"default": ""}), ("-description", {"default": ""})]
        if kind == "namespace":
            fields += [("-meta", {"dest": "meta", **MULTI}), ("-default-policy-id", MULTI),
                       ("-default-policy-name", MULTI), ("-default-role-id", MULTI), ("-default-role-name", MULTI)]
        show = ("-show-meta", {"dest": "show_meta", "action": "store_true"})
        _verb(verbs, "create", kind, write, *fields, show)
        _verb(verbs, "update", kind, write, *fields, show,
              *((("-merge-meta", {"action": "store_true"}), ("-merge-acls", {"action": "store_true"}))
                if kind == "namespace" else ()))
        read_show = ("-meta", "-show-meta", {"dest": "show_meta", "action": "store_true"})
        _verb(verbs, "read", kind, read, ("name", {}), read_show)
        _verb(verbs, "delete", kind, delete, ("name", {}))
        _verb(verbs, "list", kind, listing, read_show)


def _verb(verbs, name: str, kind: str, run: Callable, *flags: tuple) -> None:
    v = verbs.add_parser(name)
    for flag in flags:
        names, options = flag[:-1], dict(flag[-1])
        if names[0].startswith("-"):
            names = (*names, *(f"-{n}" for n in names))
            options.setdefault("dest", names[0].lstrip("-").replace("-", "_"))
        v.add_argument(*names, **options)
    if name in ("create", "update", "read", "list"):
        v.add_argument("-format", "--format", choices=("pretty", "json"), default="pretty")
    add_client_flags(v)
    v.set_defaults(run=run, kind=kind)


# -- output ---------------------------------------------------------------------------------------------

def _pretty(item: dict, show_meta: bool, indent: str = "") -> None:
    print(f"{indent}Description:")
    if item.get("Description"):
        print(f"{indent}   {item['Description']}")
    acls = item.get("ACLs") or {}
    if acls.get("PolicyDefaults") or acls.get("RoleDefaults"):
        print(f"{indent}ACLs:")
        for key, title in (("PolicyDefaults", "Default Policies"), ("RoleDefaults", "Default Roles")):
            if acls.get(key):
                print(f"{indent}   {title}:")
                for link in acls[key]:
                    print(f"{indent}      {link['ID']} / {link['Name']}")
    if item.get("Meta"):
        print(f"{indent}Meta:")
        for key, value in item["Meta"].items():
            print(f"{indent}   {key}: {value}")
    if show_meta:
        print(f"{indent}Create Index: {item.get('CreateIndex', 0)}")
        print(f"{indent}Modify Index: {item.get('ModifyIndex', 0)}")


def _show(args, item: dict) -> None:
    if args.format == "json":
        print(json.dumps(item, indent=3))
        return
    print(f"Name: {item['Name']}")
    _pretty(item, args.show_meta)


# -- commands -------------------------------------------------------------------------------------------

def _meta(pairs: list[str]) -> dict:
    meta = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"Error parsing -meta: {pair!r} is not key=value")
        meta[key] = value
    return meta


def _body(c: Client, args) -> dict:
    body: dict = {"Name": args.name, "Description": args.description}
    if args.kind != "namespace":
        return body
    meta, policies, roles = _meta(args.meta), _links(args, "policy"), _links(args, "role")
    old: dict = {}
    if args.verb == "update" and (getattr(args, "merge_meta", False) or getattr(args, "merge_acls", False)):
        old = c.expect("GET", f"/v1/namespace/{args.name}")
    if getattr(args, "merge_meta", False):
        meta = {**(old.get("Meta") or {}), **meta}
    if getattr(args, "merge_acls", False):
        acls = old.get("ACLs") or {}
        policies = (acls.get("PolicyDefaults") or []) + policies
        roles = (acls.get("RoleDefaults") or []) + roles
    if meta:
        body["Meta"] = meta
    if policies or roles:
        body["ACLs"] = {"PolicyDefaults": policies, "RoleDefaults": roles}
    return body


def _links(args, what: str) -> list[dict]:
    return ([{"ID": i} for i in getattr(args, f"default_{what}_id")]
            + [{"Name": n} for n in getattr(args, f"default_{what}_name")])


def write(args) -> int:
    def run(c: Client) -> None:
        if not args.name:
            raise ValueError("Missing required -name flag")
        path = f"/v1/{args.kind}" + (f"/{args.name}" if args.verb == "update" else "")
        _show(args, c.expect("PUT", path, _body(c, args)))

    verb = "creating" if args.verb == "create" else "updating"
    return _run(args, f"Error {verb} {args.kind}", run)


def read(args) -> int:
    def run(c: Client) -> None:
        status, found = c.request("GET", f"/v1/{args.kind}/{args.name}")
        if status == 404:
            raise ValueError(f"{args.kind.capitalize()} not found: {args.name}")
        if status != 200:
            raise ClientError(status, found if isinstance(found, str) else json.dumps(found))
        _show(args, found)

    return _run(args, f"Error reading {args.kind} {args.name!r}".replace("'", '"'), run)


def delete(args) -> int:
    return _run(args, f"Error deleting {args.kind} {args.name!r}".replace("'", '"'),
                lambda c: c.expect("DELETE", f"/v1/{args.kind}/{args.name}"))


def listing(args) -> int:
    def run(c: Client) -> None:
        found = c.expect("GET", f"/v1/{args.kind}s")
        if args.format == "json":
            print(json.dumps(found, indent=3))
            return
        for item in found:
            print(f"{item['Name']}:")
            _pretty(item, args.show_meta, "   ")

    return _run(args, f"Error listing {args.kind}s", run)
