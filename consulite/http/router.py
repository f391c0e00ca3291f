"""The route table with Consul's routing rules: exact paths and prefix paths (the rest is an ID), 405 with
`Allow`, 404, 501; and, per route, what the request pipeline needs to know.

Prefix patterns end in `/` and match like Go's ServeMux: the longest matching pattern wins, and the
remainder of the decoded path is handed to the handler (reference agent-service-api.md §0).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import attrs
from aiohttp import web

if TYPE_CHECKING:
    from consulite.http.context import RequestContext

Handler = Callable[["RequestContext"], Awaitable[web.StreamResponse]]
#: an ACL resource and the access a route needs on it (the name is the path's rest), e.g. ("service", "read")
Access = tuple[str, str]


@attrs.define
class Route:
    pattern: str
    methods: dict[str, Handler]
    #: takes a partition and namespace (query, header; Community Edition's 400s)
    scoped: bool = True
    #: parses Consul's query options (dc, stale/consistent)
    query: bool = False
    #: a blocking read: also parses index, wait and hash
    blocking: bool = False
    #: per method, the ACL resource and access the route needs, where the pipeline can tell
    acl: dict[str, Access] = attrs.field(factory=dict)
    enterprise_only: bool = False
    #: the largest body the route takes (None: the agent's `http_max_body_bytes`)
    max_body: int | None = None

    @property
    def is_prefix(self) -> bool:
        return self.pattern.endswith("/")

    @property
    def allow(self) -> str:
        return ",".join(["OPTIONS", *self.methods])


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._exact: dict[str, Route] = {}
        self._prefixes: list[Route] = []

    def add(self, pattern: str, methods: dict[str, Handler], **meta) -> None:
        route = Route(pattern, methods, **meta)
        self.routes.append(route)
        if route.is_prefix:
            self._prefixes.append(route)
            self._prefixes.sort(key=lambda r: len(r.pattern), reverse=True)
        else:
            self._exact[pattern] = route

    def match(self, path: str) -> tuple[Route, str] | None:
        route = self._exact.get(path)
        if route is not None:
            return route, ""
        for route in self._prefixes:
            if path.startswith(route.pattern):
                return route, path[len(route.pattern):]
        return None


#: Paths real Consul serves that consulite does not implement: they answer 501. Each with why it remains.
UNIMPLEMENTED: dict[str, str] = {
    "/v1/agent/connect/": "Connect CA roots, leaf certificates and authorize: the data plane's work (a CA that "
                          "signs SPIFFE certificates), not in this release",
    "/v1/connect/": "the Connect CA and the legacy intentions API: the data plane's work; intentions are "
                    "written and read as service-intentions config entries (`/v1/config`)",
    "/v1/internal/": "the web UI's private endpoints: they come with the UI",
    "/v1/operator/area": "network areas join datacenters (Enterprise WAN federation): one agent has none to join",
    "/v1/operator/segment": "network segments split a LAN gossip pool (Enterprise): one agent has one pool",
    "/v1/peering": "cluster peering needs a second cluster to peer with",
}
UNIMPLEMENTED_PREFIXES = tuple(UNIMPLEMENTED)


def is_unimplemented(path: str) -> bool:
    return path.startswith(UNIMPLEMENTED_PREFIXES)


def clean_path(path: str) -> str:
    """Go's path.Clean as ServeMux applies it: `//`, `.` and `..` elements go, a trailing slash stays."""
    if path.startswith("/") and "//" not in path and "/." not in path:
        return path  # the hot path: nothing to clean
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    cleaned = "/" + "/".join(parts)
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned
