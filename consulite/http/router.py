"""Consul's routing rules: exact paths and prefix paths (the rest is an ID), 405 with `Allow`, 404, 501.

Prefix patterns end in `/` and match like Go's ServeMux: the longest matching pattern wins, and
the remainder of the decoded path is handed to the handler (reference agent-service-api.md §0).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

Handler = Callable[..., Awaitable]


@attrs.define
class Route:
    pattern: str
    methods: dict[str, Handler]
    summary: str = ""
    enterprise_only: bool = False

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

    def add(self, pattern: str, methods: dict[str, Handler], summary: str = "", enterprise_only: bool = False):
        route = Route(pattern, methods, summary, enterprise_only)
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


#: Paths real Consul serves that consulite does not implement yet: they answer 501.
UNIMPLEMENTED_PREFIXES = (
    "/v1/acl/", "/v1/agent/connect/", "/v1/agent/token/", "/v1/agent/join/", "/v1/agent/leave",
    "/v1/agent/force-leave/", "/v1/agent/monitor", "/v1/agent/metrics", "/v1/agent/reload", "/v1/agent/host",
    "/v1/catalog/register", "/v1/catalog/deregister", "/v1/catalog/gateway-services/",
    "/v1/connect/", "/v1/coordinate/", "/v1/event/", "/v1/exported-services",
    "/v1/imported-services", "/v1/health/ingress/", "/v1/internal/", "/v1/kv/", "/v1/namespace", "/v1/operator/",
    "/v1/peering", "/v1/query", "/v1/session/", "/v1/snapshot", "/v1/txn",
)


def is_unimplemented(path: str) -> bool:
    return path.startswith(UNIMPLEMENTED_PREFIXES)
