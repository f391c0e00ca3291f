"""`consulite explain <service-id>`: the mesh gateway resolution of a proxy as a readable table."""

from __future__ import annotations

import sys

from consulite.cli.http_client import Client, ClientError, add_client_flags

COLUMNS = ("DESTINATION", "MODE", "DECIDED BY", "VIA", "GATEWAY", "SNI")
EMPTY = '""'


def _mode(mode: str) -> str:
    return mode or EMPTY


def add_parser(sub) -> None:
    p = sub.add_parser("explain", help="explain a proxy's mesh gateway modes (consulite only)")
    p.add_argument("service_id")
    add_client_flags(p)
    p.set_defaults(run=run)


def _decided(d: dict) -> str:
    text = d["Source"]
    if d.get("Entry"):
        text += f" ({d['EntryPartition']}/{d['Entry']})"
    return text


def render(report: dict) -> str:
    svc, proxy = report["Service"], report["MeshGateway"]
    lines = [f"{svc['ID']} ({svc['Kind'] or 'service'}) in {svc['Partition']}/{svc['Namespace']}: "
             f"proxy mode {_mode(proxy['Mode'])}, decided by {_decided(proxy)}"]
    rows = [COLUMNS]
    notes = list(report.get("Warnings") or [])
    for u in report["Upstreams"]:
        dest = f"{u['DestinationName']}.{u['DestinationNamespace']}.{u['DestinationPartition']}"
        dial = u.get("Dial") or {}
        gateway = dial.get("Gateway")
        gw = f"{gateway['ID']}@{gateway['Partition']} {gateway['Address']}:{gateway['Port']}" if gateway else "-"
        mode = _mode(u["MeshGateway"]["Mode"])
        decided = _decided(u["MeshGateway"])
        if dial and dial["Mode"] != u["MeshGateway"]["Mode"]:
            mode += f" -> {_mode(dial['Mode'])}"
            decided += f" -> {_decided(dial)}"
        rows.append((dest, mode, decided, dial.get("Via", "-"), gw, dial.get("SNI", "-")))
        notes += [f"{u['DestinationName']}: {w}" for w in u.get("Warnings") or []]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    if len(rows) == 1:
        lines.append("(no upstreams)")
    if notes:
        lines.append("")
        lines += [f"WARNING: {n}" for n in notes]
    return "\n".join(lines)


def run(args) -> int:
    try:
        report = Client(args).expect("GET", f"/_consulite/explain/{args.service_id}")
    except ClientError as e:
        print(f"Error explaining {args.service_id}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"Error connecting to the agent: {e}", file=sys.stderr)
        return 1
    print(render(report))
    return 0
