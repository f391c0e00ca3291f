#!/usr/bin/env bash
# Fetch and unpack Consul CE 1.8.7 from Debian bullseye's archive (shared/reference/real-consul.md §1),
# without touching the machine's apt configuration. Idempotent: a second run only prints the path.
# Prints the binary's path on stdout. When the archive cannot be reached it says so on stderr and
# exits 0 with no binary: the verified tests then skip their real-Consul variant.
set -uo pipefail

D="${CONSULITE_REAL_CONSUL_DIR:-$HOME/.cache/consulite/consul-1.8.7}"
PKG="consul=1.8.7+dfsg1-2+b3"
BIN="$D/root/usr/bin/consul"

if [ -x "$BIN" ]; then
    echo "$BIN"
    exit 0
fi

unavailable() {
    echo "real-consul.sh: real Consul 1.8.7 not available ($1); the verified tests will skip their real-Consul variant" >&2
    exit 0
}

command -v apt-get >/dev/null 2>&1 || unavailable "no apt-get on this machine"
command -v dpkg-deb >/dev/null 2>&1 || unavailable "no dpkg-deb on this machine"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || unavailable "no /usr/share/keyrings/debian-archive-keyring.gpg"

mkdir -p "$D/lists/partial" "$D/cache/archives/partial" || unavailable "cannot create $D"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bullseye main" > "$D/sources.list"
O=(-o "Dir::Etc::sourcelist=$D/sources.list" -o Dir::Etc::sourceparts=/nonexistent
   -o "Dir::State::Lists=$D/lists" -o "Dir::Cache=$D/cache" -o APT::Sandbox::User=root)

apt-get "${O[@]}" update -qq >&2 || unavailable "apt-get update against deb.debian.org bullseye failed"
(cd "$D" && apt-get "${O[@]}" download "$PKG" >&2) || unavailable "apt-get download $PKG failed"

DEB=$(ls "$D"/consul_1.8.7*.deb 2>/dev/null | head -n1)
[ -n "$DEB" ] || unavailable "no consul_1.8.7*.deb in $D after download"
rm -rf "$D/root.tmp"
dpkg-deb -x "$DEB" "$D/root.tmp" || unavailable "dpkg-deb -x $DEB failed"
rm -rf "$D/root" && mv "$D/root.tmp" "$D/root"
[ -x "$BIN" ] || unavailable "$BIN missing from the package"
echo "$BIN"
