# gopy — developer tasks. See .ci/run for what CI does (`make ci`).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO       ?= go
FUZZTIME ?= 20s
BIN      ?= bin/gopy

.PHONY: run test test-pg ci lint build fuzz bench-summary lighthouse clean

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

## fuzz: run every Fuzz* target for FUZZTIME each (make fuzz FUZZTIME=1m)
fuzz:
	@targets="$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ { names[n++] = $$1; next } \
		/^ok[ \t]/ { for (i = 0; i < n; i++) print $$2, names[i]; n = 0; next } { n = 0 }')"; \
	if [ -z "$$targets" ]; then echo "no fuzz targets found"; exit 0; fi; \
	while read -r pkg name; do \
		echo "=== fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
	done <<< "$$targets"

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
