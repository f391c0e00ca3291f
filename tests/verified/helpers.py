"""Comparison helpers for the verified tests: what real Consul returns is the expectation."""

from __future__ import annotations

from typing import Any


class _Any:
    """Matches any value (the key must be present)."""

    def __init__(self, predicate=None, label="ANY"):
        self.predicate, self.label = predicate, label

    def matches(self, value) -> bool:
        return self.predicate is None or self.predicate(value)

    def __repr__(self) -> str:
        return self.label


ANY = _Any()
ANY_INDEX = _Any(lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "ANY_INDEX")
ANY_STR = _Any(lambda v: isinstance(v, str), "ANY_STR")
NONEMPTY_STR = _Any(lambda v: isinstance(v, str) and v != "", "NONEMPTY_STR")


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()  # the key must not be there


def _mismatch(actual, expected, path: str) -> str | None:
    if isinstance(expected, _Any):
        return None if expected.matches(actual) else f"{path}: {actual!r} is not {expected!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        for k, v in expected.items():
            if v is ABSENT:
                if k in actual:
                    return f"{path}.{k}: expected absent, got {actual[k]!r}"
                continue
            if k not in actual:
                return f"{path}: missing key {k!r} (has {sorted(actual)})"
            m = _mismatch(actual[k], v, f"{path}.{k}")
            if m:
                return m
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {actual!r}"
        if len(actual) != len(expected):
            return f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
            m = _mismatch(a, e, f"{path}[{i}]")
            if m:
                return m
        return None
    numbers = isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and not isinstance(actual, bool)
    if type(actual) is not type(expected) and not numbers:
        return f"{path}: {actual!r} ({type(actual).__name__}) != {expected!r} ({type(expected).__name__})"
    return None if actual == expected else f"{path}: {actual!r} != {expected!r}"


def assert_contains(actual: Any, expected: Any) -> None:
    """Every key and value of `expected` is in `actual` (recursively; lists item by item, same length).
    `ANY`, `ANY_INDEX`, `ANY_STR`, `NONEMPTY_STR` match by kind; `ABSENT` requires the key to be missing."""
    m = _mismatch(actual, expected, "$")
    assert m is None, m


def assert_error(response, status: int, text: str) -> None:
    """A plain-text error answer: the status and the exact body (Consul's texts end in a newline or not,
    depending on the handler; both are compared exactly after stripping one trailing newline)."""
    assert (response.status, _strip(response.body)) == (status, text), response


def _strip(body):
    return body[:-1] if isinstance(body, str) and body.endswith("\n") else body


def index(response) -> int:
    """The response's X-Consul-Index as an int (it must be there)."""
    value = response.headers.get("x-consul-index")
    assert value is not None, f"no X-Consul-Index in {response.headers}"
    return int(value)


def newer(target, source: str, *, v187, current):
    """Consul 1.17+ answers `current` where 1.8.7 answers `v187`; `source` is the Consul file or doc that shows
    the newer behaviour (repository hashicorp/consul). The newer behaviour wins: consulite must give `current`;
    the real 1.8.7 agent is held to `v187` at this point only."""
    assert source, "cite the Consul source that shows the newer behaviour"
    return v187 if target.is_real else current


def txn_node(verb: str, **node):
    """A `/v1/txn` Node op (api.TxnOp)."""
    return {"Node": {"Verb": verb, "Node": node}}


def txn_service(verb: str, node: str, **svc):
    return {"Service": {"Verb": verb, "Node": node, "Service": svc}}


def txn_check(verb: str, **check):
    return {"Check": {"Verb": verb, "Check": check}}
