# gopy — developer tasks. See .ci/run for what CI does (`make ci`).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO       ?= go
FUZZTIME ?= 20s
BIN      ?= bin/gopy

.PHONY: run test test-pg ci lint build fuzz bench bench-summary lighthouse clean

## run: start the portal (SQLite by default)
run:
	$(GO) run ./cmd/gopy

## test: go test ./... (PostgreSQL tests skip unless TEST_DATABASE_URL is set)
test:
	$(GO) test ./...

## test-pg: go test ./... against a throwaway PostgreSQL cluster (.ci/pg-start)
test-pg:
	@pg_env="$$(.ci/pg-start)"; eval "$$pg_env"; \
	trap '.ci/pg-start stop "$$GOPY_PG_DIR"' EXIT; \
	echo "TEST_DATABASE_URL=$$TEST_DATABASE_URL"; \
	$(GO) test -count=1 ./...

## ci: exactly what CI runs
ci:
	bash .ci/run

## lint: gofmt + go vet
lint:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## build: static binary in bin/gopy
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(BIN) ./cmd/gopy

## fuzz: run every Fuzz* target for FUZZTIME each (make fuzz FUZZTIME=1m); see scripts/fuzz.sh
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash scripts/fuzz.sh

## bench: the portal under load on PostgreSQL (cmd/gopy-bench, docs/benchmarks.md): opinion
## submissions through HTTP against pgbench's raw INSERT, reads, the server's memory, and the hot
## queries at 1,000 to 1,000,000 opinions with their plans. Uses TEST_DATABASE_URL, or starts a
## throwaway cluster (.ci/pg-start). Writes test-artifacts/bench/report-<date>.md; about 10 minutes.
## Flags through BENCHFLAGS, e.g. make bench BENCHFLAGS='-duration 5s -sizes 1000,100000'.
BENCHFLAGS ?=
bench:
	@mkdir -p test-artifacts/bench; \
	out="test-artifacts/bench/report-$$(date +%Y%m%d-%H%M%S).md"; \
	if [ -z "$${TEST_DATABASE_URL:-}" ]; then \
		pg_env="$$(.ci/pg-start)"; eval "$$pg_env"; \
		trap '.ci/pg-start stop "$$GOPY_PG_DIR"' EXIT; \
	fi; \
	$(GO) run ./cmd/gopy-bench -db "$$TEST_DATABASE_URL" -o "$$out" $(BENCHFLAGS); \
	echo "report: $$out"

## bench-summary: the results benchmarks of docs/benchmarks.md (1,000 to 100,000 opinions);
## on PostgreSQL as well when TEST_DATABASE_URL is set. Takes several minutes.
bench-summary:
	$(GO) test -run '^$$' -bench 'Summary/.*/^(1000|10000)$$' -count 5 -timeout 60m ./internal/web/
	$(GO) test -run '^$$' -bench 'Summary/.*/^100000$$' -benchtime 10x -count 3 -timeout 60m ./internal/web/

## lighthouse: Lighthouse 12 (mobile) on the home and a consultation page of a fresh demo
## portal; reports in test-artifacts/lighthouse/, scores printed. Needs Node and Chromium and
## fetches lighthouse@12 from npm, so it is not part of .ci/run (slow, networked).
lighthouse:
	bash scripts/lighthouse.sh

clean:
	rm -rf bin/
