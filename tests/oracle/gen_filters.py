"""A seeded generator of `?filter=` expressions and of rendered objects, per endpoint schema."""

from __future__ import annotations

import random
from typing import Any

from consulite.decode.filter_schema import ListOf, MapOf, Prim, Ptr, Struct

WORDS = ["web", "db", "a", "a.b", "prod", "connect-proxy", "passing", "critical", "", "80", "1", "true", "é"]
KEYS = ["env", "a.b", "lan", "wan", "x"]
OPS = ["==", "!=", "contains", "not contains", "matches", "not matches", "is empty", "is not empty", "in", "not in"]
REGEXES = ["^w", "b$", ".*", "[[:alpha:]]+", "\\\\pL", "(?i)WEB", "(a", "a**", "(?=x)", "[z-a]", "^$"]


def selectors(t: Struct, prefix: str = "", depth: int = 0) -> list[str]:
    out = []
    for name, ft in t.fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        inner = ft.target if isinstance(ft, Ptr) else ft
        if isinstance(inner, ListOf):
            inner = inner.elem.target if isinstance(inner.elem, Ptr) else inner.elem
        if isinstance(inner, MapOf):
            out += [f"{path}.{k}" if "." not in k else f'{path}["{k}"]' for k in KEYS[:2]]
            inner = inner.value
            path = f"{path}.lan"
        if isinstance(inner, Struct) and depth < 2:
            out += selectors(inner, f"{path}.", depth + 1)
    return out


def value(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        return str(rng.choice([0, 1, 80, -1, 8080, 9223372036854775807, 9223372036854775808]))
    if kind == 1:
        return rng.choice(["1.5", "-0", "0.0", "08", "1.", "0x1F", "1e3", "-", "00"])
    if kind == 2:
        return f'"{rng.choice(WORDS)}"'
    if kind == 3:
        return f"`{rng.choice(WORDS)}`"
    if kind == 4:
        return '"' + rng.choice(["\\x41", "\\101", "\\/", "\\u00e9", "\\U0001F600", "\\ud800", "\\t", "\\'",
                                 "0x1F", "\\\"", "\\q", "a\\"]) + '"'
    if kind == 5:
        return rng.choice(["web", "true", "false", "True", "T", "yes", "db", "Meta.env"])
    if kind == 6:
        return f'"{rng.choice(REGEXES)}"'
    return f'"{rng.choice(WORDS)}"'


def match(rng: random.Random, sels: list[str]) -> str:
    sel = rng.choice(sels) if rng.random() < 0.9 else rng.choice(["Bogus", "Service.Bogus", "Meta.a.b", "Port.x"])
    op = rng.choice(OPS)
    ws = rng.choice([" ", " ", "  ", "\t", "\n"])
    if op in ("is empty", "is not empty"):
        return f"{sel}{ws}{op}"
    if op in ("in", "not in"):
        return f"{value(rng)}{ws}{op}{ws}{sel}"
    sep = ws if op[0].isalpha() else rng.choice([" ", "", "  "])
    return f"{sel}{sep}{op}{sep}{value(rng)}"


def expression(rng: random.Random, sels: list[str], depth: int = 0) -> str:
    r = rng.random()
    if depth > 2 or r < 0.45:
        return match(rng, sels)
    if r < 0.6:
        return f"not {expression(rng, sels, depth + 1)}"
    if r < 0.75:
        return f"({rng.choice(['', ' '])}{expression(rng, sels, depth + 1)}{rng.choice(['', ' '])})"
    return f"{expression(rng, sels, depth + 1)} {rng.choice(['and', 'or'])} {expression(rng, sels, depth + 1)}"


def mutate(rng: random.Random, text: str) -> str:
    """One random edit: the syntax-error cases."""
    i = rng.randrange(len(text) + 1)
    edit = rng.randrange(3)
    if edit == 0:
        return text[:i] + rng.choice(list('()"`=![]. ax1-')) + text[i:]
    if edit == 1:
        return text[:i] + text[i + 1:]
    return text[:i]


def datum(rng: random.Random, t: Any, depth: int = 0) -> Any:
    if isinstance(t, Ptr):
        return None if rng.random() < 0.3 else datum(rng, t.target, depth)
    if isinstance(t, Prim):
        if t.kind == "int":
            return rng.choice([0, 1, 80, 8080, -1])
        if t.kind == "bool":
            return rng.random() < 0.5
        return rng.choice(WORDS)
    if isinstance(t, ListOf):
        return None if rng.random() < 0.2 else [datum(rng, t.elem, depth + 1) for _ in range(rng.randrange(3))]
    if isinstance(t, MapOf):
        if rng.random() < 0.2:
            return None
        return {rng.choice(KEYS): datum(rng, t.value, depth + 1) for _ in range(rng.randrange(3))}
    return {name: datum(rng, ft, depth + 1) for name, ft in t.fields.items() if rng.random() < 0.8 and depth < 4}


SOUP = [*' ()"`=!.[]', "Service", "Tags", "Meta", "Port", " and ", " or ", "not ", " in ", " contains ",
                             " matches ", " is ", "empty", "==", "!=", "web", "1", "-", "0", "\\", "\n"]


def soup(rng: random.Random) -> str:
    """Up to 13 pieces drawn from the filter language's words and characters: mostly syntax errors."""
    return "".join(rng.choice(SOUP) for _ in range(rng.randrange(1, 14)))
