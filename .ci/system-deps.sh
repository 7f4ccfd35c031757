#!/bin/sh
# Installs the Debian packages the test suite needs when they are missing and we are root.
# Usage: sh .ci/system-deps.sh PACKAGE...   (called by `make test`)
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: missing Debian packages:$missing (not root or no apt-get: the tests that need them will say so)" >&2
    exit 0
fi
echo "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# --no-remove: never replace another MTA; the packages start no service here (policy-rc.d).
apt-get install -y -qq --no-install-recommends --no-remove $missing >/dev/null
