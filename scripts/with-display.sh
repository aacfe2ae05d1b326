#!/usr/bin/env bash
# Runs a command with an X display: the current one, or a virtual one
# (Xvfb, 1080x1920 portrait) started for it.
set -euo pipefail
if [ -n "${DISPLAY:-}" ]; then
	exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1080x1920x24" "$@"
