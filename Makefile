# GovKiosk. Two commands: `make run` and `make test`; both install what
# they need first.
.PHONY: deps run test bench build deb

deps:
	@scripts/deps.sh

run: deps
	scripts/run.sh

test: deps
	scripts/test.sh

# Benchmarks print each figure next to its target (see README). The kiosk's
# start-up and memory against a bare Fyne window need a display: one is
# started when there is none. The hall's benchmarks run on SQLite and on a
# throwaway PostgreSQL (scripts/pg.sh).
bench: deps
	scripts/pg.sh run go test -run '^$$' -bench . -benchtime 2s -timeout 30m ./...
	scripts/with-display.sh go run ./cmd/kioskbench -runs 5

build: deps
	mkdir -p bin
	go build -o bin/ ./cmd/...

# The Debian package for a real kiosk: dist/govkiosk_<version>_<arch>.deb
deb: deps
	scripts/deb.sh

# The soak (issue 8): real hall and terminal processes on loopback, a
# fault proxy, kill -9, full disks and device faults; the last line of its
# output is the JSON report. SOAK_FLAGS overrides the size, e.g.
#   make soak SOAK_FLAGS='-terminals 20 -cases 20 -faults 200 -duration 1m'
SOAK_FLAGS ?= -terminals 200 -cases 50 -faults 2400 -duration 10m -long-cut 2m -min-per-group 500 -max-converge 30s
.PHONY: soak
soak: deps
	go run ./cmd/soak $(SOAK_FLAGS)
