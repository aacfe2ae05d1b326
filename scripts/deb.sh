#!/usr/bin/env bash
# Builds the Debian package: the three binaries, the systemd units (kiosk
# in a minimal X session, restarted if it dies; the hall as its own unit),
# udev rules for device access without root, and the default configuration
# as a conffile. Output: dist/govkiosk_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."

version=${VERSION:-0.1.0+git$(git rev-parse --short HEAD 2>/dev/null || echo 0)}
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/lib/udev/rules.d" \
	"$root/etc/govkiosk" "$root/usr/lib/govkiosk" "$root/usr/share/doc/govkiosk"
for b in kiosk kioskctl hall; do
	CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$root/usr/bin/$b" "./cmd/$b"
done
install -m 0644 packaging/govkiosk.service packaging/govkiosk-hall.service "$root/lib/systemd/system/"
install -m 0644 packaging/70-govkiosk.rules "$root/lib/udev/rules.d/"
install -m 0644 packaging/kiosk.toml "$root/etc/govkiosk/kiosk.toml"
install -m 0755 packaging/xsession "$root/usr/lib/govkiosk/xsession"
install -m 0644 README.md "$root/usr/share/doc/govkiosk/README.md"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
echo /etc/govkiosk/kiosk.toml > "$root/DEBIAN/conffiles"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: govkiosk
Version: $version
Architecture: $arch
Maintainer: GovKiosk team <dev@govkiosk.invalid>
Installed-Size: $size
Depends: libc6, libgl1, libx11-6, adduser, fonts-droid-fallback | fonts-noto-cjk
Recommends: xserver-xorg-core, xinit, x11-xserver-utils
Section: misc
Priority: optional
Description: self-service terminal for government service halls
 GovKiosk runs a touch-screen 政务服务自助终端: ID-card reader, receipt
 printer and scanners, offline service flows against a local store, and
 durable sync of completed cases to the hall server (also included).
CONTROL
mkdir -p dist
out="dist/govkiosk_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$out" >/dev/null
echo "$out"
