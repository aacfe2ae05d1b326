# GovKiosk. Two commands: `make run` and `make test`; both install what
# they need first.
.PHONY: deps run test bench build

deps:
	@scripts/deps.sh

run: deps
	scripts/run.sh

test: deps
	scripts/test.sh

# Benchmarks print each figure next to its target (see README).
bench: deps
	go test -run '^$$' -bench . -benchtime 2s ./...

build: deps
	mkdir -p bin
	go build -o bin/ ./cmd/...
