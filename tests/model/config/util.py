"""Build config entries as `PUT /v1/config` does: decode, scope, then Normalize + Validate (prepare_write)."""

from __future__ import annotations

import attrs
import pytest

from consulite.decode.config import EntryCodec, json_text_error
from consulite.decode.filter import syntax_error
from consulite.model.config import ConfigEntry, Context, EntryError
from consulite.model.config.apply import prepare_write, scope

CODEC = EntryCodec(enterprise=True)


@attrs.frozen
class Prefix:
    """An expected error text of which only the beginning is known (the rest is Go library text)."""

    text: str


def context(protocol: str | None = None, **kw) -> Context:
    """A Context whose every service-defaults lookup answers `Protocol: protocol` (None: no entry)."""
    def lookup(kind, partition, namespace, name):
        if kind == "service-defaults" and protocol is not None:
            return {"Protocol": protocol}
        return None
    return Context(lookup=lookup, **{"json_error": json_text_error, "filter_error": syntax_error, **kw})


def write(raw: dict, ctx: Context | None = None, partition: str = "default", namespace: str = "default") -> ConfigEntry:
    """The entry after decode, scope and prepare_write (Normalize, Validate, graph check)."""
    entry = CODEC.decode(raw)
    scope(entry, partition, namespace, True)
    prepare_write(entry, ctx or context())
    return entry


def check(raw: dict, expected, ctx: Context | None = None, **where) -> None:
    """`expected` is the error text (str or Prefix), or a callable that inspects the normalized body."""
    if callable(expected):
        expected(write(raw, ctx, **where).body)
        return
    with pytest.raises(EntryError) as info:
        write(raw, ctx, **where)
    if isinstance(expected, Prefix):
        assert info.value.text.startswith(expected.text), info.value.text
    else:
        assert info.value.text == expected


def multi(*errors: str) -> str:
    """go-multierror's text (config-entries-and-resolver.md §1.6)."""
    head = "1 error occurred:" if len(errors) == 1 else f"{len(errors)} errors occurred:"
    return head + "".join(f"\n\t* {e}" for e in errors) + "\n\n"


def row(name: str, *values):
    """One table row, with its id."""
    return pytest.param(*values, id=name)


def body(expected: dict):
    """Expect the normalized body to equal `expected`."""
    def inspect(actual):
        assert actual == expected
    return inspect


def part(pick, expected):
    """Expect `pick(body)` to equal `expected`."""
    def inspect(actual):
        assert pick(actual) == expected
    return inspect
