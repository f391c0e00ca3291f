"""A config entry (envelope + typed body) and the description of each kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from consulite.model.config.fields import Struct
from consulite.model.fields import JSONObject


@attrs.define(eq=False)
class ConfigEntry:
    """One config entry. `body` holds its decoded fields by Go name (all but Kind, Name, Partition, Namespace)."""

    kind: str
    name: str
    partition: str
    namespace: str
    body: JSONObject
    create_index: int = 0
    modify_index: int = 0
    #: the render layer's JSON of this entry and the ModifyIndex it was rendered at (never part of the state)
    rendered: tuple[int, Any] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.partition, self.namespace, self.name)

    @property
    def ref(self) -> str:
        """`kind/name`, as explain credits the deciding entry."""
        return f"{self.kind}/{self.name}"

    @property
    def meta(self) -> dict[str, Any]:
        return self.body.get("Meta") or {}


class EntryError(Exception):
    """Normalize/Validate failed: Consul answers these with 500 and the text (config-entries §1.6)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


#: (kind, partition, namespace, name) -> the stored entry's body, or None
Lookup = Callable[[str, str, str, str], "dict[str, Any] | None"]


@attrs.frozen
class Context:
    """What Normalize/Validate may consult beyond the entry: the edition and the rest of the state."""

    enterprise: bool = True
    partition_exists: Callable[[str], bool] = lambda name: True
    #: (partition, namespace) -> whether that namespace exists
    namespace_exists: Callable[[str, str], bool] = lambda partition, name: True
    lookup: Lookup = lambda *key: None
    #: (kind, partition, namespace or None for all, name or None for all) -> stored entries
    related: Callable[[str, str, str | None, str | None], list[ConfigEntry]] = lambda *key: []
    #: Go's `json.Unmarshal` refusal of a text, None when it is JSON (decode's, given by the agent)
    json_error: Callable[[str], str | None] = lambda text: None
    #: go-bexpr's refusal of an expression (`CreateEvaluator(text, nil)`), None when it parses (decode's)
    filter_error: Callable[[str], str | None] = lambda text: None


@attrs.frozen
class Kind:
    """How one kind is spelled, scoped and checked."""

    name: str
    spec: Struct  # the kind's own fields, in Go order, Meta included
    normalize: Callable[[ConfigEntry, Context], None] = lambda e, ctx: None
    validate: Callable[[ConfigEntry, Context], None] = lambda e, ctx: None
    has_name: bool = True
    kind_field: bool = True  # mesh and exported-services have none; their JSON gets Kind injected
    has_hash: bool = False
    partition_scoped: bool = False  # one per partition, in its default namespace
    enterprise_only: bool = False


def require_name(entry: ConfigEntry) -> None:
    if not entry.name:
        raise EntryError("Name is required")
