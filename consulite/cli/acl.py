"""`consulite acl bootstrap|policy|token|role ...`: the requests, flags and outputs of `consul acl`
(compared with the real 1.8.7 CLI; 1.8's `Legacy:` line is left out, as Consul 1.11+ leaves it out)."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from pathlib import Path

from consulite.cli.http_client import Client, add_client_flags
from consulite.cli.http_client import run as _run


def add_parser(sub) -> None:
    p = sub.add_parser("acl", help="manage ACL policies, tokens and roles (as `consul acl`)")
    kinds = p.add_subparsers(dest="acl_kind", required=True)
    boot = kinds.add_parser("bootstrap", help="create the initial management token")
    add_client_flags(boot)
    boot.set_defaults(run=bootstrap)
    _policy(kinds.add_parser("policy", help="manage policies").add_subparsers(dest="verb", required=True))
    _token(kinds.add_parser("token", help="manage tokens").add_subparsers(dest="verb", required=True))
    _role(kinds.add_parser("role", help="manage roles").add_subparsers(dest="verb", required=True))


def _verb(verbs, name: str, run: Callable, *flags: tuple) -> None:
    v = verbs.add_parser(name)
    for flag in flags:
        names, options = flag[:-1], flag[-1]
        v.add_argument(*names, *(f"-{n}" for n in names), **options)
    add_client_flags(v)
    v.set_defaults(run=run)


def _f(name: str, **options) -> tuple:
    return (f"-{name}", {"dest": name.replace("-", "_"), **options})


MULTI = {"action": "append", "default": []}


def _policy(verbs) -> None:
    common = (_f("name", default=""), _f("description", default=""), _f("rules", default=""),
              _f("valid-datacenter", **MULTI))
    _verb(verbs, "create", policy_create, *common)
    _verb(verbs, "read", policy_read, _f("id", default=""), _f("name", default=""))
    _verb(verbs, "update", policy_update, _f("id", default=""), *common)
    _verb(verbs, "delete", policy_delete, _f("id", default=""), _f("name", default=""))
    _verb(verbs, "list", policy_list)


def _links() -> tuple:
    return (_f("policy-id", **MULTI), _f("policy-name", **MULTI), _f("role-id", **MULTI), _f("role-name", **MULTI),
            _f("service-identity", **MULTI), _f("node-identity", **MULTI), _f("description", default=""))


def _token(verbs) -> None:
    _verb(verbs, "create", token_create, *_links(), _f("accessor", default=""), _f("secret", default=""),
          _f("local", action="store_true"), _f("expires-ttl", default=""))
    _verb(verbs, "read", token_read, _f("id", default=""), _f("self", action="store_true"),
          _f("expanded", action="store_true"))
    _verb(verbs, "update", token_update, _f("id", default=""), *_links())
    _verb(verbs, "delete", token_delete, _f("id", default=""))
    _verb(verbs, "clone", token_clone, _f("id", default=""), _f("description", default=""))
    _verb(verbs, "list", token_list)


def _role(verbs) -> None:
    links = (_f("policy-id", **MULTI), _f("policy-name", **MULTI), _f("service-identity", **MULTI),
             _f("node-identity", **MULTI), _f("description", default=""))
    _verb(verbs, "create", role_create, _f("name", default=""), *links)
    _verb(verbs, "read", role_read, _f("id", default=""), _f("name", default=""))
    _verb(verbs, "update", role_update, _f("id", default=""), _f("name", default=""), *links)
    _verb(verbs, "delete", role_delete, _f("id", default=""), _f("name", default=""))
    _verb(verbs, "list", role_list)


# -- running ----------------------------------------------------------------------------------------------

def _rules(raw: str) -> str:
    """`-rules` as `consul acl` reads it: `@file`, `-` (standard input) or the text itself."""
    if raw.startswith("@"):
        try:
            return Path(raw[1:]).read_text()
        except OSError as e:
            raise ValueError(f"Error loading rules: Failed to read file: {e}") from None
    return sys.stdin.read() if raw == "-" else raw


def _identities(args) -> dict:
    out: dict = {}
    services = []
    for raw in getattr(args, "service_identity", []):
        name, _, dcs = raw.partition(":")
        services.append({"ServiceName": name, **({"Datacenters": dcs.split(",")} if dcs else {})})
    nodes = []
    for raw in getattr(args, "node_identity", []):
        name, sep, dc = raw.partition(":")
        if not sep:
            raise ValueError(f"Malformed -node-identity argument: {raw!r}")
        nodes.append({"NodeName": name, "Datacenter": dc})
    links = [{"ID": i} for i in args.policy_id] + [{"Name": n} for n in args.policy_name]
    if links:
        out["Policies"] = links
    roles = [{"ID": i} for i in getattr(args, "role_id", [])] + [{"Name": n} for n in getattr(args, "role_name", [])]
    if roles:
        out["Roles"] = roles
    if services:
        out["ServiceIdentities"] = services
    if nodes:
        out["NodeIdentities"] = nodes
    return out


def _go_time(raw: str) -> str:
    """An RFC 3339 time as Go's time.Time String() prints it."""
    t = datetime.datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(datetime.UTC)
    frac = f"{t.microsecond:06d}".rstrip("0")
    return t.strftime("%Y-%m-%d %H:%M:%S") + (f".{frac}" if frac else "") + " +0000 UTC"


def _print_links(item: dict, indent: str = "") -> None:
    for key, title in (("Policies", "Policies"), ("Roles", "Roles")):
        if item.get(key):
            print(f"{indent}{title}:")
            for link in item[key]:
                print(f"{indent}   {link['ID']} - {link['Name']}")
    if item.get("ServiceIdentities"):
        print(f"{indent}Service Identities:")
        for s in item["ServiceIdentities"]:
            dcs = ", ".join(s.get("Datacenters") or []) or "all"
            print(f"{indent}   {s['ServiceName']} (Datacenters: {dcs})")
    if item.get("NodeIdentities"):
        print(f"{indent}Node Identities:")
        for n in item["NodeIdentities"]:
            print(f"{indent}   {n['NodeName']} (Datacenter: {n['Datacenter']})")


def print_token(t: dict, secret: bool = True) -> None:
    print(f"AccessorID:       {t['AccessorID']}")
    if secret:
        print(f"SecretID:         {t['SecretID']}")
    for key in ("Partition", "Namespace"):
        if key in t:
            print(f"{key + ':':<18}{t[key]}")
    print(f"Description:      {t['Description']}")
    print(f"Local:            {str(t['Local']).lower()}")
    if t.get("AuthMethod"):
        print(f"Auth Method:      {t['AuthMethod']}")
    print(f"Create Time:      {_go_time(t['CreateTime'])}")
    if t.get("ExpirationTime"):
        print(f"Expiration Time:  {_go_time(t['ExpirationTime'])}")
    _print_links(t)


def print_policy(p: dict) -> None:
    print(f"ID:           {p['ID']}")
    print(f"Name:         {p['Name']}")
    for key in ("Partition", "Namespace"):
        if key in p:
            print(f"{key + ':':<14}{p[key]}")
    print(f"Description:  {p['Description']}")
    print(f"Datacenters:  {', '.join(p.get('Datacenters') or [])}")
    print(f"Rules:\n{p['Rules']}")


def print_role(r: dict) -> None:
    print(f"ID:           {r['ID']}")
    print(f"Name:         {r['Name']}")
    print(f"Description:  {r['Description']}")
    _print_links(r)


# -- commands ---------------------------------------------------------------------------------------------

def bootstrap(args) -> int:
    return _run(args, "Failed ACL bootstrapping", lambda c: print_token(c.expect("PUT", "/v1/acl/bootstrap")))


def _id_of(c: Client, args, kind: str) -> str:
    """`-id`, or the ID of the object named `-name` (`consul acl`'s texts when there is none)."""
    if args.id:
        return args.id
    if not args.name:
        raise ValueError("Must specify either the -id or -name parameters")
    status, found = c.request("GET", f"/v1/acl/{kind}/name/{args.name}")
    if status != 200 or not isinstance(found, dict):
        raise ValueError(f"Error determining {kind} ID: No such {kind} with name {args.name}")
    return str(found["ID"])


def _policy_id(c: Client, args) -> str:
    return _id_of(c, args, "policy")


def _policy_body(args) -> dict:
    return {"Name": args.name, "Description": args.description, "Rules": _rules(args.rules) if args.rules else "",
            **({"Datacenters": args.valid_datacenter} if args.valid_datacenter else {})}


def policy_create(args) -> int:
    if not args.name:
        print("Missing required '-name' flag", file=sys.stderr)
        return 1
    return _run(args, "Failed to create new policy",
                lambda c: print_policy(c.expect("PUT", "/v1/acl/policy", _policy_body(args))))


def policy_read(args) -> int:
    return _run(args, f"Error reading policy {args.id or args.name!r}".replace("'", '"'),
                lambda c: print_policy(c.expect("GET", f"/v1/acl/policy/{_policy_id(c, args)}")))


def policy_update(args) -> int:
    def update(c: Client) -> None:
        pid = _policy_id(c, args)
        old = c.expect("GET", f"/v1/acl/policy/{pid}")
        body = {"ID": pid, "Name": args.name or old["Name"], "Description": args.description or old["Description"],
                "Rules": _rules(args.rules) if args.rules else old["Rules"],
                "Datacenters": args.valid_datacenter or old.get("Datacenters") or []}
        print_policy(c.expect("PUT", f"/v1/acl/policy/{pid}", body))

    return _run(args, f'Error updating policy "{args.id or args.name}"', update)


def policy_delete(args) -> int:
    def delete(c: Client) -> None:
        pid = _policy_id(c, args)
        c.expect("DELETE", f"/v1/acl/policy/{pid}")
        print(f'Policy "{pid}" deleted successfully')

    return _run(args, f'Error deleting policy "{args.id or args.name}"', delete)


def policy_list(args) -> int:
    def listing(c: Client) -> None:
        for p in c.expect("GET", "/v1/acl/policies"):
            print(f"{p['Name']}:")
            print(f"   ID:           {p['ID']}")
            print(f"   Description:  {p['Description']}")
            print(f"   Datacenters:  {', '.join(p.get('Datacenters') or [])}")

    return _run(args, "Failed to retrieve the policy list", listing)


def token_create(args) -> int:
    def create(c: Client) -> None:
        body = {"Description": args.description, "Local": args.local, **_identities(args)}
        if args.accessor:
            body["AccessorID"] = args.accessor
        if args.secret:
            body["SecretID"] = args.secret
        if args.expires_ttl:
            body["ExpirationTTL"] = args.expires_ttl
        print_token(c.expect("PUT", "/v1/acl/token", body))

    return _run(args, "Failed to create new token", create)


def _need_id(args) -> str:
    if not args.id:
        raise ValueError("Must specify the -id parameter")
    return args.id


def token_read(args) -> int:
    def read(c: Client) -> None:
        path = "/v1/acl/token/self" if args.self else f"/v1/acl/token/{_need_id(args)}"
        print_token(c.expect("GET", path, params={"expanded": ""} if args.expanded else None))

    return _run(args, f'Error reading token "{args.id}"', read)


def token_update(args) -> int:
    def update(c: Client) -> None:
        tid = _need_id(args)
        old = c.expect("GET", f"/v1/acl/token/{tid}")
        body = {"AccessorID": tid, "Description": args.description or old["Description"], "Local": old["Local"]}
        links = _identities(args)
        for key in ("Policies", "Roles", "ServiceIdentities", "NodeIdentities", "TemplatedPolicies"):
            body[key] = links.get(key, old.get(key) or [])
        print_token(c.expect("PUT", f"/v1/acl/token/{tid}", body))

    return _run(args, f"Failed to update token {args.id}", update)


def token_delete(args) -> int:
    def delete(c: Client) -> None:
        c.expect("DELETE", f"/v1/acl/token/{_need_id(args)}")
        print(f'Token "{args.id}" deleted successfully')

    return _run(args, f'Error deleting token "{args.id}"', delete)


def token_clone(args) -> int:
    return _run(args, "Failed to clone token", lambda c: print_token(
        c.expect("PUT", f"/v1/acl/token/{_need_id(args)}/clone", {"Description": args.description})))


def token_list(args) -> int:
    def listing(c: Client) -> None:
        for i, t in enumerate(c.expect("GET", "/v1/acl/tokens")):
            if i:
                print()
            print_token(t, secret=False)

    return _run(args, "Failed to retrieve the token list", listing)


def _role_id(c: Client, args) -> str:
    return _id_of(c, args, "role")


def role_create(args) -> int:
    if not args.name:
        print("Missing required '-name' flag", file=sys.stderr)
        return 1
    return _run(args, "Failed to create new role", lambda c: print_role(c.expect(
        "PUT", "/v1/acl/role", {"Name": args.name, "Description": args.description, **_identities(args)})))


def role_read(args) -> int:
    return _run(args, f'Error reading role "{args.id or args.name}"',
                lambda c: print_role(c.expect("GET", f"/v1/acl/role/{_role_id(c, args)}")))


def role_update(args) -> int:
    def update(c: Client) -> None:
        rid = _role_id(c, args)
        old = c.expect("GET", f"/v1/acl/role/{rid}")
        links = _identities(args)
        body = {"ID": rid, "Name": args.name or old["Name"], "Description": args.description or old["Description"]}
        for key in ("Policies", "ServiceIdentities", "NodeIdentities"):
            body[key] = links.get(key, old.get(key) or [])
        print_role(c.expect("PUT", f"/v1/acl/role/{rid}", body))

    return _run(args, f'Error updating role "{args.id or args.name}"', update)


def role_delete(args) -> int:
    def delete(c: Client) -> None:
        rid = _role_id(c, args)
        c.expect("DELETE", f"/v1/acl/role/{rid}")
        print(f'Role "{rid}" deleted successfully')

    return _run(args, f'Error deleting role "{args.id or args.name}"', delete)


def role_list(args) -> int:
    def listing(c: Client) -> None:
        for r in c.expect("GET", "/v1/acl/roles"):
            print(f"{r['Name']}:")
            print(f"   ID:           {r['ID']}")
            print(f"   Description:  {r['Description']}")
            _print_links(r, "   ")

    return _run(args, "Failed to retrieve the role list", listing)
