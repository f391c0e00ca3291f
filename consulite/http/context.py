"""What a handler works with: the agent, the request's scope and query options, and (once ACLs land) the
token's authorizer; built once per request by the pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
from aiohttp import web

from consulite.agent.core import Agent
from consulite.decode.filter import Predicate, compile_filter
from consulite.decode.filter_schema import Struct
from consulite.decode.render import Renderer
from consulite.http.body import read_body
from consulite.http.query import NO_OPTIONS, QueryOptions
from consulite.http.responses import json_response, query_meta
from consulite.model.scope import DEFAULT_SCOPE, Scope
from consulite.resolve.acl import MANAGE_ALL, Authorizer

T = TypeVar("T")


@attrs.define
class RequestContext:
    agent: Agent
    request: web.Request
    #: the path after a prefix route's pattern (an ID or a name)
    rest: str = ""
    scope: Scope = DEFAULT_SCOPE
    query: QueryOptions = NO_OPTIONS
    #: the request's token (`""`: none given) and its authorizer (MANAGE_ALL with ACLs off)
    token: str = ""
    authz: Authorizer = MANAGE_ALL
    #: a list was filtered by ACLs (the pipeline then says so in `X-Consul-Results-Filtered-By-ACLs`)
    filtered: bool = False

    @property
    def render(self) -> Renderer:
        return self.agent.render

    @property
    def params(self):
        return self.request.query

    #: the largest body this request may send (set by the pipeline from the route and the config)
    max_body: int = 0
    _body: bytes | None = None

    def require(self, resource: str, name: str | None, access: str) -> None:
        """403 with Consul's text unless the token grants `access` on `name` in the request's scope."""
        self.authz.require(resource, name, access, self.scope)

    def allowed(self, resource: str, name: str | None, access: str) -> bool:
        return self.authz.allowed(resource, name, access, self.scope)

    def visible(self, items: Iterable[T], readable: Callable[[Authorizer, T], bool]) -> list[T]:
        """The items the token may read (`readable(authz, item)`); the one helper for ACL-filtered lists:
        when it drops something, the answer carries `X-Consul-Results-Filtered-By-ACLs: true`."""
        items = list(items)
        authz = self.authz
        if authz.manage_all:
            return items
        kept = [item for item in items if readable(authz, item)]
        if len(kept) != len(items):
            self.filtered = True
        return kept

    async def body(self) -> bytes:
        """The request body, read within the body timeout and up to `max_body` bytes (Consul's 413)."""
        if self._body is None:
            self._body = await read_body(self.request, self.max_body, self.agent.config.http_body_timeout)
        return self._body

    def filter(self, schema: Struct, lazy: bool = False) -> Predicate | None:
        """The request's `?filter=` compiled for `schema`'s Go type (`lazy`: see compile_filter), or None."""
        text = self.request.query.get("filter")
        return compile_filter(text, schema, lazy) if text else None

    def meta(self, index: int, consistency: bool = True) -> dict[str, str]:
        """The query meta headers of a read answered at `index` (with `consistency`, the effective mode)."""
        return query_meta(index, self.query.consistency if consistency else None)

    def json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return json_response(self.request, data, status, headers)

    def read(self, data: Any, index: int, status: int = 200, consistency: bool = True) -> web.Response:
        """A read's JSON answer with its query meta."""
        return json_response(self.request, data, status, self.meta(index, consistency))

    async def block(self, read: Callable[[set], tuple[int, Any]], content: bool = False,
                    digest_of: Callable[[Any], str] | None = None) -> tuple[int, Any]:
        """Run a read as a blocking query with the request's index, wait and hash."""
        q = self.query
        return await self.agent.block(read, q.wait, q.min_index, content, q.hash, digest_of)
