#!/usr/bin/env bash
# Starts the kiosk in demo mode. On a machine without a display it starts
# a virtual one (Xvfb, 1080x1920 portrait like a hall kiosk) and says how to
# look at it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	export DISPLAY=:77
	if [ ! -S /tmp/.X11-unix/X77 ]; then
		# Wide enough for the 1080-wide kiosk and the simulator panel beside it.
		Xvfb "$DISPLAY" -screen 0 1680x1920x24 -nolisten tcp >/dev/null 2>&1 &
		trap 'kill $! 2>/dev/null' EXIT
		sleep 1
	fi
	echo "run: no display found; the kiosk runs on virtual display $DISPLAY." >&2
	echo "run: screenshot with: DISPLAY=$DISPLAY import -window root shot.png" >&2
fi

case "${LANG:-}" in ""|C|POSIX|C.UTF-8) export LANG=zh_CN.UTF-8 ;; esac  # Fyne cannot parse "C" as a locale

mkdir -p .run
go build -o .run/kiosk ./cmd/kiosk
# Without a window manager the simulator panel would open on top of the
# kiosk: move it beside it once it is shown (the window exists before,
# and showing it puts it at 0,0). xdotool search fails while there is no
# such window, which set -e and pipefail would make the end of the loop.
(for _ in $(seq 150); do
	w=$(xdotool search --onlyvisible --name "Demo devices" 2>/dev/null | head -1) || true
	if [ -n "$w" ]; then
		xdotool windowmove "$w" 1090 0 2>/dev/null || true
		sleep 1
		if xdotool getwindowgeometry "$w" 2>/dev/null | grep -q "Position: 1090,0"; then break; fi
	fi
	sleep 0.2
done) &
exec .run/kiosk --demo --windowed --data-dir .run/demo
