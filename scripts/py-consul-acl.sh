#!/usr/bin/env bash
# Run py-consul's own ACL tests (tests/api/test_acl*.py of its sdist) against consulite agents started
# as a user starts them (`consulite agent -dev -config-file acl.json`), one fresh agent per test.
# Usage: scripts/py-consul-acl.sh [pytest args]; prints pytest's summary (the pass count).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PY_CONSUL_WORK:-$(mktemp -d)}"
cd "$WORK"
[ -d py_consul-* ] || pip download --no-deps --no-binary :all: py-consul -d . -q
tar xzf py_consul-*.tar.gz 2>/dev/null || true
SRC="$(ls -d "$WORK"/py_consul-*/ | head -1)"
RUN="$WORK/run"; rm -rf "$RUN"; mkdir -p "$RUN/tests/api"
cp "$SRC/tests/utils.py" "$SRC/tests/__init__.py" "$RUN/tests/"
cp "$SRC"/tests/api/__init__.py "$SRC"/tests/api/test_acl*.py "$RUN/tests/api/"
cp "$ROOT/scripts/py_consul_acl_conftest.py" "$RUN/conftest.py"
cd "$RUN" && PYTHONPATH="$ROOT:$RUN" python3 -m pytest -q -p no:cacheprovider -o addopts="" tests/api "$@"
