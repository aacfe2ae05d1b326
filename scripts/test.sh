#!/usr/bin/env bash
# Runs every check CI runs: formatting, vet, all tests, and a short run of
# each fuzz target (their seed corpora live in testdata/).
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
# The hall console's browser test fails, rather than skips, without
# Chromium (scripts/deps.sh installs it).
export GOVKIOSK_REQUIRE_CHROMIUM=1
# The hall's store tests run against SQLite and, in a throwaway cluster
# scripts/pg.sh starts (installing PostgreSQL if missing), PostgreSQL.
scripts/pg.sh run go test -count=1 ./...

# Fuzz targets: package and name. FUZZTIME=0 skips them.
fuzztime=${FUZZTIME:-5s}
if [ "$fuzztime" != 0 ]; then
	while read -r pkg name; do
		echo "fuzz: $name ($fuzztime)"
		# New inputs are minimised for 60 s by default, which stalls a short run.
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 1s "$pkg"
	done <<'LIST'
./kiosk FuzzParseCatalog
./kiosk FuzzValidateIDNumber
./kiosk/maint FuzzPINFile
./kiosk/ime FuzzLoad
./kiosk/pages FuzzDecode
./drivers/printer FuzzDecodeStatus
./drivers/sim FuzzParseESCPOS
./sync/hall FuzzDecodeCases
./sync/hall FuzzDecodeHeartbeat
./sync/hall/console FuzzParseHash
./sync/client FuzzVerifyCatalog
./drivers/idcard FuzzReadFrame
./drivers/idcard FuzzDecodeText
./drivers/scanner FuzzKeyboardReports
./drivers/scanner FuzzPOSReports
./drivers/scanner FuzzClassify
LIST
fi

# The .deb installs and removes cleanly (as root; skipped otherwise).
scripts/test-deb.sh
