"""api/openapi.yaml describes exactly the routes consulite serves (and lists the 501 prefixes)."""

import re
from pathlib import Path

import yaml

from consulite.http.app import ROUTER
from consulite.http.router import UNIMPLEMENTED_PREFIXES

SPEC = yaml.safe_load((Path(__file__).resolve().parents[1] / "api" / "openapi.yaml").read_text())


def test_spec_and_route_table_are_equal():
    served = {(r.pattern, m) for r in ROUTER.routes for m in r.methods}
    described = {(re.sub(r"\{[^}]+\}$", "", path), method.upper())
                 for path, ops in SPEC["paths"].items() for method in ops}
    assert described == served


def test_spec_lists_the_unimplemented_prefixes():
    assert SPEC["x-consulite-unimplemented"] == list(UNIMPLEMENTED_PREFIXES)
    assert SPEC["openapi"].startswith("3.1")
