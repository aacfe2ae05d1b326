#!/usr/bin/env bash
# Builds the .deb and checks it installs and removes cleanly on this machine
# (as root; skipped otherwise). No systemd runs here: the maintainer scripts
# must cope, which is part of what this checks. Units are verified with
# systemd-analyze where it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] || ! command -v dpkg >/dev/null; then
	echo "test-deb: skipped (needs root and dpkg)"
	exit 0
fi
if dpkg-query -W -f='${Status}' govkiosk 2>/dev/null | grep -q "install ok installed"; then
	echo "test-deb: skipped (govkiosk is installed for real on this machine)"
	exit 0
fi
deb=$(scripts/deb.sh)
echo "test-deb: built $deb"
fail() { echo "test-deb: FAIL: $*" >&2; dpkg -P govkiosk >/dev/null 2>&1 || true; exit 1; }

dpkg -i "$deb" >/dev/null || fail "dpkg -i"
for f in /usr/bin/kiosk /usr/bin/kioskctl /usr/bin/hall /lib/systemd/system/govkiosk.service \
	/lib/systemd/system/govkiosk-hall.service /lib/udev/rules.d/70-govkiosk.rules /etc/govkiosk/kiosk.toml; do
	[ -e "$f" ] || fail "missing $f"
done
getent passwd govkiosk >/dev/null || fail "no govkiosk user"
[ "$(stat -c %U:%a /var/lib/govkiosk)" = "govkiosk:700" ] || fail "/var/lib/govkiosk owner or mode"
/usr/bin/kioskctl config validate /etc/govkiosk/kiosk.toml >/dev/null || fail "the shipped config does not validate"
/usr/bin/kioskctl --help >/dev/null 2>&1 || true
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/govkiosk.service /lib/systemd/system/govkiosk-hall.service || fail "systemd-analyze verify"
fi
dpkg -r govkiosk >/dev/null || fail "dpkg -r"
[ ! -e /usr/bin/kiosk ] || fail "/usr/bin/kiosk left after remove"
[ -e /etc/govkiosk/kiosk.toml ] || fail "conffile removed by remove (only purge should)"
dpkg -P govkiosk >/dev/null || fail "dpkg -P"
[ ! -e /etc/govkiosk/kiosk.toml ] || fail "conffile left after purge"
echo "test-deb: ok"
