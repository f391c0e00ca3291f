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
from consulite.http.responses import JSON, json_response, query_meta
from consulite.model.scope import DEFAULT_SCOPE, Scope
from consulite.resolve.acl import MANAGE_ALL, Authorizer

T = TypeVar("T")
#: query parameters that govern how long a read blocks, not what it answers (left out of an answer's key)
_NOT_IN_KEY = frozenset({"index", "wait"})


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

    async def answer(self, read: Callable[[set], tuple[int, T]], render: Callable[[T], Any],
                     content: bool = False) -> web.StreamResponse:
        """A blocking read answered with `render(value)` and its query meta. An answer computed for every
        token (no ACL filtering) is kept by the store (`store/answers.py`) under the request's path, scope,
        consistency and query (`?filter`, `?near`, `?tag`... all in it), and served again while nothing it
        read has changed, unless the client blocks on exactly its index."""
        key = self._answer_key()
        answers = self.agent.store.answers
        kept = answers.get(key) if key is not None else None
        q = self.query
        if kept is not None and not (q.min_index > 0 and max(kept.index, 1) == q.min_index):
            return web.Response(body=kept.body, content_type=JSON, headers=self.meta(kept.index))
        last: list[tuple[set, int]] = []

        def tracked(ws: set) -> tuple[int, T]:
            found = read(ws)
            last[:] = [(ws, self.agent.store.index)]
            return found

        index, value = await self.block(tracked, content)
        resp = self.read(render(value), index)
        if key is not None and self.authz.manage_all and isinstance(resp.body, bytes):
            ws, at = last[0]
            answers.put(key, ws, at, index, resp.body)
        return resp

    def _answer_key(self) -> tuple | None:
        """What an answer depends on beyond the state (None: not kept, as for `?pretty` and `?hash`)."""
        params = self.request.query
        if not self.authz.manage_all or "pretty" in params or self.query.hash:
            return None
        return (self.request.path, self.scope, self.query.consistency,
                tuple((k, v) for k, v in params.items() if k not in _NOT_IN_KEY))

    async def block(self, read: Callable[[set], tuple[int, Any]], content: bool = False,
                    digest_of: Callable[[Any], str] | None = None) -> tuple[int, Any]:
        """Run a read as a blocking query with the request's index, wait and hash."""
        q = self.query
        return await self.agent.block(read, q.wait, q.min_index, content, q.hash, digest_of)
