"""`?filter=` against go-bexpr v0.1.2 itself (oracles/bexpr/main.go over structs mirroring Consul's), on
seeded generated expressions and objects per endpoint schema. Each case compares the creation error text,
or else the result for every object (a go-bexpr panic is consulite's 500). Target: 99% agreement.
"""

from __future__ import annotations

import random

import pytest

from consulite.decode import filter_schema as F
from consulite.decode.filter import FilterError, FilterPanic, compile_filter
from tests.oracle.gen_filters import datum, expression, mutate, selectors

CASES = 400  # per endpoint
KNOWN: dict[str, str] = {}  # expression -> why consulite differs (none today)


def ours(schema: F.Struct, text: str, data: list) -> dict:
    try:
        keep = compile_filter(text, schema)
    except FilterError as e:
        return {"error": e.text}
    results: list = []
    for obj in data:
        try:
            results.append(keep(obj))
        except FilterPanic:
            results.append("panic")
        except FilterError as e:  # go-bexpr's Execute error
            results.append(f"error: {e.text}")
    return {"results": results}


def theirs(oracle, schema: F.Struct, text: str, data: list) -> dict:
    answer = oracle.ask({"endpoint": F.ORACLE_NAMES[schema], "expr": text, "data": data})
    if "results" in answer:
        answer["results"] = ["panic" if str(r).startswith("panic:") else r for r in answer["results"]]
    return answer


def agreement(oracle, schema: F.Struct, seed: int, cases: int) -> tuple[int, list]:
    rng = random.Random(seed)
    sels = selectors(schema)
    same, diffs = 0, []
    for _ in range(cases):
        text = expression(rng, sels)
        if rng.random() < 0.25:
            text = mutate(rng, text)
        data = [datum(rng, schema) for _ in range(4)]
        a, b = ours(schema, text, data), theirs(oracle, schema, text, data)
        if a == b or text in KNOWN:
            same += 1
        else:
            diffs.append((text, a, b))
    return same, diffs


@pytest.mark.slow
@pytest.mark.parametrize("schema", list(F.ORACLE_NAMES), ids=list(F.ORACLE_NAMES.values()))
def test_filters_agree_with_go_bexpr(bexpr_oracle, schema):
    same, diffs = agreement(bexpr_oracle, schema, seed=16, cases=CASES)
    assert same / CASES >= 0.99, diffs[:5]
