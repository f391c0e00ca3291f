#!/usr/bin/env bash
# Build the go-bexpr v0.1.2 and hcl v1.0.0 oracles (oracles/*/main.go) from Debian's Go packages
# (shared/reference/real-consul.md §2, §3), installing golang-go and the two -dev packages when missing.
# Prints `bexpr=<path>` and `hcl=<path>` on stdout. When they cannot be had it says why on stderr and
# exits 0 printing nothing: the oracle tests then skip.
set -uo pipefail
cd "$(dirname "$0")/.."
D="${CONSULITE_ORACLES_DIR:-$HOME/.cache/consulite/oracles}"
SRC=/usr/share/gocode/src/github.com/hashicorp

unavailable() {
    echo "oracles.sh: oracles not available ($1); the oracle tests will skip" >&2
    exit 0
}

if ! command -v go >/dev/null 2>&1 || [ ! -d "$SRC/go-bexpr" ] || [ ! -d "$SRC/hcl" ]; then
    command -v apt-get >/dev/null 2>&1 || unavailable "no Go and no apt-get"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq golang-go golang-github-hashicorp-go-bexpr-dev \
        golang-github-hashicorp-hcl-dev; } >&2 || unavailable "apt-get install failed"
fi
GO="$(command -v go || echo /usr/lib/go/bin/go)"
mkdir -p "$D/gopath/src" "$D/cache" || unavailable "cannot create $D"
for name in bexpr hcl; do
    bin="$D/$name-oracle"
    if [ ! -x "$bin" ] || [ "oracles/$name/main.go" -nt "$bin" ]; then
        rm -rf "$D/gopath/src/$name-oracle" && mkdir -p "$D/gopath/src/$name-oracle"
        cp "oracles/$name/main.go" "$D/gopath/src/$name-oracle/"
        (cd "$D/gopath/src/$name-oracle" && GO111MODULE=off GOPATH="/usr/share/gocode:$D/gopath" \
            GOCACHE="$D/cache" GOFLAGS= "$GO" build -o "$bin" .) >&2 || unavailable "go build of the $name oracle failed"
    fi
    echo "$name=$bin"
done
