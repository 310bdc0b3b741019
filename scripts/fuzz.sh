#!/usr/bin/env bash
# scripts/fuzz.sh — a bounded fuzzing pass: every Fuzz target of the module, FUZZTIME each.
#
# Finds the targets by their declarations (func FuzzX(f *testing.F) in *_test.go), so no
# test binary has to be built just to list them, then runs each one on its own with
#   go test -run '^$' -fuzz '^FuzzX$' -fuzztime $FUZZTIME ./its/package
# A failing target does not stop the others; the script exits non-zero if any failed. The
# input that failed is written by go test to testdata/fuzz/FuzzX/ beside the target: commit
# it, and it runs with every `go test` from then on as a regression case.
#
#   FUZZTIME          time per target (default 10s; `make fuzz` passes 20s)
#   FUZZMINIMIZETIME  time spent shrinking each new or failing input (default 0s: none).
#                     Minimising is slow on the targets that go through the database and
#                     would eat the short run; set it (say 30s) to shrink a failure by hand.
#   FUZZ_FRESH        1: start every target from its seeds and testdata/fuzz only, with a
#                     throwaway corpus (CI sets it). Otherwise the inputs found earlier, kept
#                     by go test in $(go env GOCACHE)/fuzz, are replayed first; on the targets
#                     that go through the database, replaying a large kept corpus can take the
#                     whole of a short FUZZTIME.
#   GO                the go command (default go)
#
# Arguments narrow the packages searched (default: the whole module), for example
#   scripts/fuzz.sh ./internal/api ./internal/web
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-10s}"
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-0s}"
if [ "$#" -eq 0 ]; then
    set -- .
fi

# "package-dir target" lines, sorted so the order is the same on every machine.
targets="$(
    for root in "$@"; do
        root="${root%/...}"
        find "$root" \( -name .git -o -name testdata -o -name vendor -o -name node_modules \) -prune \
            -o -type f -name '*_test.go' -print
    done | sort -u | while read -r file; do
        sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)([A-Za-z_][A-Za-z0-9_]* \*testing\.F) {$/\1/p' "$file" |
            while read -r name; do
                dir="$(dirname "$file")"
                case "$dir" in .) dir="./" ;; ./*) ;; *) dir="./$dir" ;; esac
                printf '%s %s\n' "$dir" "$name"
            done
    done | sort -u
)"

if [ -z "$targets" ]; then
    echo "no fuzz targets found"
    exit 0
fi

# run_target PKG NAME LOG: one fuzzing run, shown as it goes and kept in LOG. With
# FUZZ_FRESH=1 the test binary gets an empty corpus folder of its own instead of go test's
# cache (-test.fuzzcachedir is the flag go test itself passes; a later one wins).
run_target() {
    local args=() cache=""
    if [ "${FUZZ_FRESH:-}" = 1 ]; then
        cache="$(mktemp -d)"
        args=(-args "-test.fuzzcachedir=$cache")
    fi
    "$GO" test -run '^$' -fuzz "^${2}\$" -fuzztime "$FUZZTIME" \
        -fuzzminimizetime "$FUZZMINIMIZETIME" "$1" "${args[@]}" </dev/null 2>&1 | tee "$3"
    local rc="${PIPESTATUS[0]}"
    [ -z "$cache" ] || rm -rf "$cache"
    return "$rc"
}

# deadline_only LOG: the run failed only because go test's own fuzzing deadline raced a
# worker shutting down (Go before 1.27 reports that as "context deadline exceeded" at
# fuzztime; go.dev/issue/75804). A real finding always writes its input, and a crash or
# hang of the target says so; neither is in such a log.
deadline_only() {
    grep -q 'context deadline exceeded' "$1" &&
        ! grep -qE 'Failing input written|panic:|hung or terminated|_test\.go:[0-9]+:' "$1"
}

count="$(printf '%s\n' "$targets" | wc -l)"
echo "fuzzing $count targets for $FUZZTIME each (minimize $FUZZMINIMIZETIME, fresh corpus: ${FUZZ_FRESH:-0})"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$SECONDS
failed=()
while read -r pkg name; do
    echo
    echo "=== fuzz $pkg $name ($FUZZTIME)"
    t0=$SECONDS
    ok=0
    for try in 1 2; do
        if run_target "$pkg" "$name" "$log"; then
            ok=1
            break
        fi
        deadline_only "$log" || break
        if [ "$try" -eq 1 ]; then
            echo "--- $name: only the fuzzing deadline race of go test (go.dev/issue/75804); once more"
        else
            echo "--- $name: the deadline race again, with no failing input: not counted as a failure"
            ok=1
        fi
    done
    if [ "$ok" -eq 1 ]; then
        echo "--- $name ok ($((SECONDS - t0))s)"
    else
        echo "--- $name FAILED ($((SECONDS - t0))s); a failing input is written to $pkg/testdata/fuzz/$name/" >&2
        failed+=("$pkg $name")
    fi
done <<<"$targets"

echo
echo "fuzz summary: $count targets in $((SECONDS - start))s"
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'fuzz target failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "no fuzz target failed"
