"""`consulite services exported-services`: as `consul services exported-services` (Consul 1.17.3+,
command/services/exportedservices): one row per consumer, `-consumerPeer`/`-consumerPartition` filters,
`-format pretty|json`."""

from __future__ import annotations

import json
import sys

from consulite.cli.catalog_cmd import columnize
from consulite.cli.http_client import Client, ClientError, add_client_flags

FORMATS = ("pretty", "json")


def add_verb(verbs) -> None:
    p = verbs.add_parser("exported-services", help="list exported services and their consumers")
    p.add_argument("-format", "--format", default="pretty")
    p.add_argument("-consumerPeer", "--consumerPeer", dest="peer", default="")
    p.add_argument("-consumerPartition", "--consumerPartition", dest="consumer_partition", default="")
    add_client_flags(p)
    p.set_defaults(run=run)


def _filtered(found: list[dict], peer: str, partition: str) -> list[dict]:
    if not peer and not partition:
        return found
    out = []
    for svc in found:
        consumers = {}
        if partition and partition in svc["Consumers"].get("Partitions", ()):
            consumers["Partitions"] = [partition]
        if peer and peer in svc["Consumers"].get("Peers", ()):
            consumers["Peers"] = [peer]
        if consumers:
            out.append({**svc, "Consumers": consumers})
    return out


def render(found: list[dict]) -> str:
    enterprise = bool(found[0].get("Partition"))
    rows = [["Service", "Partition", "Namespace", "Consumer"] if enterprise else ["Service", "Consumer"]]
    for svc in found:
        lead = [svc["Service"], svc["Partition"], svc["Namespace"]] if enterprise else [svc["Service"]]
        rows += [[*lead, f"Peer: {p}"] for p in svc["Consumers"].get("Peers", ())]
        rows += [[*lead, f"Partition: {p}"] for p in svc["Consumers"].get("Partitions", ())]
    return columnize(rows)


def run(args) -> int:
    if args.format not in FORMATS:
        print("Invalid format, valid formats are {pretty|json}", file=sys.stderr)
        return 1
    try:
        found = Client(args).expect("GET", "/v1/exported-services")
    except (ClientError, OSError) as e:
        print(f"Error reading exported services: {e}", file=sys.stderr)
        return 1
    found = _filtered(found or [], args.peer, args.consumer_partition)
    if not found:
        print("No exported services found")
    elif args.format == "json":
        print(json.dumps(found, indent=4))
    else:
        print(render(found))
    return 0
