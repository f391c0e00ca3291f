"""`consulite members`, `consulite catalog services|nodes|datacenters` and `consulite info`, printing what
the `consul` CLI prints (command/members, command/catalog, command/info)."""

from __future__ import annotations

import sys

from consulite.cli.http_client import Client, ClientError, add_client_flags


def columnize(rows: list[list[str]]) -> str:
    """ryanuber/columnize as the consul CLI uses it: columns padded to their widest cell, two spaces apart,
    the last cell of a row unpadded."""
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)) + ("  " if len(r) > 1
                     else "") + r[-1] for r in rows)


def add_parser(sub) -> None:
    members = sub.add_parser("members", help="list the cluster's members (as consul members)")
    members.add_argument("-detailed", "--detailed", action="store_true")
    members.add_argument("-wan", "--wan", action="store_true")
    add_client_flags(members)
    members.set_defaults(run=lambda a: _run(a, _members))
    info = sub.add_parser("info", help="the agent's debugging information (as consul info)")
    add_client_flags(info)
    info.set_defaults(run=lambda a: _run(a, _info))
    catalog = sub.add_parser("catalog", help="read the catalog (as consul catalog)")
    verbs = catalog.add_subparsers(dest="verb", required=True)
    services = verbs.add_parser("services", help="list services")
    services.add_argument("-tags", "--tags", action="store_true")
    nodes = verbs.add_parser("nodes", help="list nodes")
    nodes.add_argument("-detailed", "--detailed", action="store_true")
    nodes.add_argument("-service", "--service", default=None)
    dcs = verbs.add_parser("datacenters", help="list datacenters")
    for p, fn in ((services, _services), (nodes, _nodes), (dcs, _datacenters)):
        add_client_flags(p)
        p.set_defaults(run=lambda a, fn=fn: _run(a, fn))


def _run(args, command) -> int:
    try:
        out = command(Client(args), args)
    except (ClientError, OSError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _members(client: Client, args) -> str:
    found = client.expect("GET", "/v1/agent/members", params={"wan": "1"} if args.wan else None)
    if args.detailed:
        rows = [["Node", "Address", "Status", "Tags"]]
        for m in found:
            tags = {**m["Tags"], "segment": m["Tags"].get("segment") or "<all>"}
            rows.append([m["Name"], f"{m['Addr']}:{m['Port']}", _status(m["Status"]),
                         ",".join(f"{k}={v}" for k, v in sorted(tags.items()))])
        return columnize(rows)
    rows = [["Node", "Address", "Status", "Type", "Build", "Protocol", "DC", "Segment"]]
    for m in found:
        tags = m["Tags"]
        server = tags.get("role") == "consul"
        rows.append([m["Name"], f"{m['Addr']}:{m['Port']}", _status(m["Status"]), "server" if server else "client",
                     tags.get("build", "").split(":")[0], tags.get("vsn", ""), tags.get("dc", ""),
                     "<all>" if server else tags.get("segment", "") or "<default>"])
    return columnize(rows)


def _status(code: int) -> str:
    return {0: "none", 1: "alive", 2: "leaving", 3: "left", 4: "failed"}.get(code, "unknown")


def _info(client: Client, args) -> str:
    stats = client.expect("GET", "/v1/agent/self")["Stats"]
    lines = []
    for section in sorted(stats):
        lines.append(f"{section}:")
        lines += [f"\t{k} = {v}" for k, v in sorted(stats[section].items())]
    return "\n".join(lines)


def _services(client: Client, args) -> str:
    found = client.expect("GET", "/v1/catalog/services")
    if not args.tags:
        return "\n".join(sorted(found))
    width = max(map(len, found)) + 6
    return "\n".join(name.ljust(width) + ",".join(sorted(found[name] or [])) for name in sorted(found))


def _nodes(client: Client, args) -> str:
    if args.service:
        found = [{"Node": s["Node"], "ID": s["ID"], "Address": s["Address"], "Datacenter": s["Datacenter"],
                  "TaggedAddresses": s.get("TaggedAddresses"), "Meta": s.get("NodeMeta")}
                 for s in client.expect("GET", f"/v1/catalog/service/{args.service}")]
    else:
        found = client.expect("GET", "/v1/catalog/nodes")
    if args.detailed:
        rows = [["Node", "ID", "Address", "DC", "TaggedAddresses", "Meta"]]
        rows += [[n["Node"], n["ID"], n["Address"], n["Datacenter"], _pairs(n.get("TaggedAddresses")),
                  _pairs(n.get("Meta"))] for n in found]
    else:
        rows = [["Node", "ID", "Address", "DC"]]
        rows += [[n["Node"], n["ID"][:8], n["Address"], n["Datacenter"]] for n in found]
    return columnize(rows)


def _pairs(values: dict | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((values or {}).items()))


def _datacenters(client: Client, args) -> str:
    return "\n".join(client.expect("GET", "/v1/catalog/datacenters"))
