"""The README's compatibility table, generated from the route registry (a test keeps the README current)."""

from __future__ import annotations

from consulite.http.app import ROUTER
from consulite.http.router import UNIMPLEMENTED


def compatibility_table() -> str:
    rows = ["| endpoint | methods | status in consulite |", "|---|---|---|"]
    for r in ROUTER.routes:
        if not r.pattern.startswith("/v1/"):
            continue
        path = r.pattern + ":id" if r.is_prefix else r.pattern
        note = "implemented (Enterprise edition only)" if r.enterprise_only else "implemented"
        rows.append(f"| `{path}` | {', '.join(r.methods)} | {note} |")
    for prefix, why in UNIMPLEMENTED.items():
        rows.append(f"| `{prefix}{'…' if prefix.endswith('/') else ''}` | any | 501: {why} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(compatibility_table())
