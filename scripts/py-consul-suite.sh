#!/usr/bin/env bash
# Run py-consul's own test suite (its sdist from PyPI, the version installed with the project) against
# consulite: tests/pyconsul/pyconsul_shim.py replaces its docker fixtures with a consulite on a free port,
# reset between tests. Prints the pass rates; exits non-zero only when the rate of the server-facing tests
# (KV, session, txn and event families left out) is below $PYCONSUL_SUITE_MIN percent (default 65).
# Exits 0 with one line on stderr when the sdist cannot be had.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
D="${CONSULITE_PYCONSUL_DIR:-$HOME/.cache/consulite/py-consul}"
V="$(python3 -c 'import importlib.metadata as m; print(m.version("py-consul"))' 2>/dev/null)" || V=""
SPEC="py-consul${V:+==$V}"
SRC="$D/py_consul-$V"

if [ -z "$V" ] || [ ! -d "$SRC/tests" ]; then
    mkdir -p "$D"
    if ! python3 -m pip download --quiet --no-deps --no-binary :all: "$SPEC" -d "$D" >&2; then
        echo "py-consul-suite.sh: cannot download the $SPEC sdist; py-consul's suite not run" >&2
        exit 0
    fi
    V="${V:-$(ls "$D" | sed -n 's/^py_consul-\(.*\)\.tar\.gz$/\1/p' | sort -V | tail -1)}"
    SRC="$D/py_consul-$V"
    tar xzf "$D/py_consul-$V.tar.gz" -C "$D"
fi

echo "py-consul $V's own suite against consulite ($SRC)"
cd "$SRC" && PYTHONPATH="$ROOT:$ROOT/tests/pyconsul" PYCONSUL_SUITE_MIN="${PYCONSUL_SUITE_MIN:-65}" \
    python3 -m pytest -q --noconftest -p pyconsul_shim -o addopts="" -p no:cacheprovider --tb=no -rf tests
