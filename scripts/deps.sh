#!/usr/bin/env bash
# Installs the Debian packages GovKiosk needs to build, run and test, and
# only those that are missing. Safe to run again and again.
#   build:  gcc pkg-config xorg-dev libgl1-mesa-dev  (Fyne's cgo GLFW driver)
#   fonts:  fonts-noto-cjk                           (Chinese on screen)
#           fonts-droid-fallback                     (source of assets/fonts/DroidSansFallbackFull.ttf)
#   tests:  xvfb xauth xdotool imagemagick           (a display, input, screenshots)
#   scan:   sane-utils libsane1                      (scanimage and SANE's test backend: document scanners)
#           v4l-utils                                (v4l2-ctl: document cameras, 高拍仪)
#           tesseract-ocr tesseract-ocr-chi-sim      (tests: scanned pages stay readable)
#   deb:    xinit                                    (the kiosk unit's X session, for systemd-analyze verify)
#   console: chromium                                (the hall console's browser test, headless)
set -euo pipefail

packages=(gcc pkg-config xorg-dev libgl1-mesa-dev fonts-noto-cjk fonts-droid-fallback xvfb xauth xdotool imagemagick xinit chromium sane-utils libsane1 v4l-utils tesseract-ocr tesseract-ocr-chi-sim)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
