"""ACL tables: policies, tokens, roles, auth methods, binding rules (rows keyed by ID or name) and the
bootstrap state. Every write touches the ACL topic (one topic: any ACL write invalidates resolution)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from consulite.model.acl import ACLMeta, AuthMethod, BindingRule, Policy, Role, Token
from consulite.store import topics

if TYPE_CHECKING:
    from consulite.store.core import Tx

T = TypeVar("T", Policy, Token, Role, AuthMethod, BindingRule, ACLMeta)


class ACLTable(Generic[T]):
    def __init__(self, name: str, item_type: type[T], key: Callable[[T], Any]) -> None:
        self.name = name
        self.item_type: type[T] = item_type
        self.key: Callable[[T], Any] = key
        self.rows: dict[Any, T] = {}

    def clear(self) -> None:
        self.rows.clear()

    def dump(self) -> list[T]:
        return list(self.rows.values())

    def load(self, rows: list[T]) -> None:
        self.rows = {self.key(r): r for r in rows}

    def drop_partition(self, tx: Tx, partition: str) -> None:
        self._drop(tx, [k for k, r in self.rows.items() if getattr(r, "partition", None) == partition])

    def drop_namespace(self, tx: Tx, partition: str, namespace: str) -> None:
        self._drop(tx, [k for k, r in self.rows.items()
                        if (getattr(r, "partition", None), getattr(r, "namespace", None)) == (partition, namespace)])

    def _drop(self, tx: Tx, gone: list[Any]) -> None:
        for k in gone:
            del self.rows[k]
            tx.changed(self, k, None)
        if gone:
            tx.touch(topics.ACL)

    def get(self, key: Any, ws: set[Any] | None = None) -> T | None:
        if ws is not None:
            ws.add(topics.ACL)
        return self.rows.get(key)

    def list(self, ws: set[Any] | None = None) -> list[T]:
        if ws is not None:
            ws.add(topics.ACL)
        return list(self.rows.values())

    def put(self, tx: Tx, row: T) -> T:
        old = self.rows.get(self.key(row))
        row.create_index = (old.create_index if old is not None else 0) or tx.index
        row.modify_index = tx.index
        self.rows[self.key(row)] = row
        tx.touch(topics.ACL)
        tx.changed(self, self.key(row), row)
        return row

    def delete(self, tx: Tx, key: Any) -> T | None:
        row = self.rows.pop(key, None)
        if row is not None:
            tx.index  # noqa: B018
            tx.touch(topics.ACL)
            tx.changed(self, key, None)
        return row


def acl_tables() -> dict[str, ACLTable[Any]]:
    return {
        "policies": ACLTable("acl_policies", Policy, lambda p: p.id),
        "tokens": ACLTable("acl_tokens", Token, lambda t: t.accessor_id),
        "roles": ACLTable("acl_roles", Role, lambda r: r.id),
        "auth_methods": ACLTable("acl_auth_methods", AuthMethod, lambda m: (m.partition, m.namespace, m.name)),
        "binding_rules": ACLTable("acl_binding_rules", BindingRule, lambda b: b.id),
        "meta": ACLTable("acl_meta", ACLMeta, lambda m: "bootstrap"),
    }
