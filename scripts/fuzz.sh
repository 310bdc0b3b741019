#!/usr/bin/env bash
# scripts/fuzz.sh — a bounded fuzzing pass: every Fuzz target of the module, FUZZTIME each.
#
# Finds the targets by their declarations (func FuzzX(f *testing.F) in *_test.go), so no
# test binary has to be built just to list them. Then it builds each package's test binary
# once, instrumented for fuzzing as `go test -fuzz` builds it, and runs each target on its
# own from the package's folder, as
#   go test -run '^$' -fuzz '^FuzzX$' -fuzztime $FUZZTIME ./its/package
# would. A failing target does not stop the others; the script exits non-zero if any
# failed. The input that failed is written to testdata/fuzz/FuzzX/ beside the target:
# commit it, and it runs with every `go test` from then on as a regression case.
#
# Most of a short run is not fuzzing but building: the instrumented binary links every
# package the target needs (the SQLite driver among them), mostly on one core, and
# `go test -fuzz` would link it again for every target. Built once per package, with
# FUZZ_JOBS packages built and FUZZ_JOBS targets fuzzed at a time, the cores stay busy.
#
#   FUZZTIME          time per target (default 10s; `make fuzz` passes 20s)
#   FUZZMINIMIZETIME  time spent shrinking each new or failing input (default 0s: none).
#                     Minimising is slow on the targets that go through the database and
#                     would eat the short run; set it (say 30s) to shrink a failure by hand.
#   FUZZ_FRESH        1: start every target from its seeds and testdata/fuzz only, with a
#                     throwaway corpus (CI sets it). Otherwise the inputs found earlier, kept
#                     where go test keeps them ($(go env GOCACHE)/fuzz), are replayed first; on
#                     the targets that go through the database, replaying a large kept corpus
#                     can take the whole of a short FUZZTIME.
#   FUZZ_JOBS         builds, then targets, run at a time (default 1; CI sets 2). The
#                     output of each is shown as it ends.
#   FUZZ_WORKERS      fuzzing processes per target, go test's -parallel (default: the CPUs
#                     divided among FUZZ_JOBS, at least 1)
#   GO                the go command (default go)
#
# Arguments narrow the packages searched (default: the whole module), for example
#   scripts/fuzz.sh ./internal/api ./internal/web
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-10s}"
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-0s}"
FUZZ_JOBS="${FUZZ_JOBS:-1}"
cpus="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
FUZZ_WORKERS="${FUZZ_WORKERS:-$((cpus / FUZZ_JOBS > 0 ? cpus / FUZZ_JOBS : 1))}"
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

work="$(mktemp -d)"
declare -A job_what=() job_out=()
# On an interrupt, end what still runs; a normal end has nothing left.
trap 'for p in "${!job_what[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

# The packages, each with its import path and the file of its test binary. The ones that
# link the most (through the database and the server) take the longest to build: they come
# first, so the run does not end with one long build alone. Ties keep the sorted order.
declare -A import_path=() binary=()
pkgs="$(cut -d' ' -f1 <<<"$targets" | sort -u | while read -r pkg; do
    "$GO" list -f "{{len .Deps}} $pkg {{.ImportPath}}" "$pkg" || echo "0 $pkg ?"
done | sort -s -k1,1nr)"
while read -r _ pkg path; do
    if [ "$path" = "?" ]; then
        echo "fuzz: go list $pkg failed" >&2
        exit 1
    fi
    import_path[$pkg]="$path"
    binary[$pkg]="$work/${path//\//_}.test"
done <<<"$pkgs"
pkgs="$(cut -d' ' -f2 <<<"$pkgs")"
targets="$(while read -r pkg; do awk -v p="$pkg" '$1 == p' <<<"$targets"; done <<<"$pkgs")"
fuzzcache=""
[ "${FUZZ_FRESH:-}" = 1 ] || fuzzcache="$("$GO" env GOCACHE)/fuzz"

# build_pkg PKG: the package's test binary, instrumented for fuzzing.
build_pkg() {
    local t0=$SECONDS
    echo "=== build $1"
    if "$GO" test -c -fuzz . -o "${binary[$1]}" "$1" </dev/null 2>&1; then
        echo "--- built $1 ($((SECONDS - t0))s)"
        return 0
    fi
    echo "--- build of $1 FAILED ($((SECONDS - t0))s)"
    return 1
}

# run_target PKG NAME LOG: one fuzzing run, kept in LOG, from the package's folder (where
# go test runs it: the seeds in testdata/fuzz are read, a failing input written there). With
# FUZZ_FRESH=1 the run gets an empty corpus folder of its own instead of go test's cache.
run_target() {
    local cache="" keep="$fuzzcache/${import_path[$1]}"
    if [ -z "$fuzzcache" ]; then
        cache="$(mktemp -d -p "$work")"
        keep="$cache"
    fi
    (cd "$1" && "${binary[$1]}" -test.run '^$' -test.fuzz "^${2}\$" -test.fuzztime "$FUZZTIME" \
        -test.parallel "$FUZZ_WORKERS" -test.fuzzminimizetime "$FUZZMINIMIZETIME" \
        -test.fuzzcachedir "$keep") </dev/null 2>&1 | tee "$3"
    local rc="${PIPESTATUS[0]}"
    [ -z "$cache" ] || rm -rf "$cache"
    return "$rc"
}

# deadline_only LOG: the run failed only because the fuzzing deadline raced a worker
# shutting down (Go before 1.27 reports that as "context deadline exceeded" at fuzztime;
# go.dev/issue/75804). A real finding always writes its input, and a crash or hang of the
# target says so; neither is in such a log.
deadline_only() {
    grep -q 'context deadline exceeded' "$1" &&
        ! grep -qE 'Failing input written|panic:|hung or terminated|_test\.go:[0-9]+:' "$1"
}

# fuzz_one PKG NAME: one target, once more if only the deadline race failed it; says how it
# went and returns non-zero if the target failed.
fuzz_one() {
    local pkg="$1" name="$2" t0=$SECONDS ok=0 try log
    log="$(mktemp -p "$work")"
    echo "=== fuzz $pkg $name ($FUZZTIME, $FUZZ_WORKERS workers)"
    for try in 1 2; do
        if run_target "$pkg" "$name" "$log"; then
            ok=1
            break
        fi
        deadline_only "$log" || break
        if [ "$try" -eq 1 ]; then
            echo "--- $name: only the fuzzing deadline race (go.dev/issue/75804); once more"
        else
            echo "--- $name: the deadline race again, with no failing input: not counted as a failure"
            ok=1
        fi
    done
    if [ "$ok" -eq 1 ]; then
        echo "--- $name ok ($((SECONDS - t0))s)"
        return 0
    fi
    echo "--- $name FAILED ($((SECONDS - t0))s); a failing input is written to $pkg/testdata/fuzz/$name/"
    return 1
}

# run_all FUNCTION: runs FUNCTION on each line of standard input ("pkg [target]"),
# FUZZ_JOBS at a time, each one's output shown as a block when it ends; adds what failed to
# the array failed.
run_all() {
    local fn="$1" line i=0
    if [ "$FUZZ_JOBS" -le 1 ]; then
        while read -r line; do
            echo
            # shellcheck disable=SC2086 # "pkg target" are two arguments
            "$fn" $line </dev/null || failed+=("$line")
        done
        return
    fi
    while read -r line; do
        [ "${#job_what[@]}" -lt "$FUZZ_JOBS" ] || finish_one
        i=$((i + 1))
        # shellcheck disable=SC2086
        "$fn" $line >"$work/$fn.$i.out" 2>&1 </dev/null &
        job_what[$!]="$line"
        job_out[$!]="$work/$fn.$i.out"
    done
    while [ "${#job_what[@]}" -gt 0 ]; do finish_one; done
}

# finish_one: waits for a running job to end and shows its output.
finish_one() {
    local pid rc=0
    wait -n -p pid || rc=$?
    echo
    cat "${job_out[$pid]}"
    [ "$rc" -eq 0 ] || failed+=("${job_what[$pid]}")
    unset "job_what[$pid]" "job_out[$pid]"
}

count="$(wc -l <<<"$targets")"
echo "fuzzing $count targets of $(wc -l <<<"$pkgs") packages for $FUZZTIME each, $FUZZ_JOBS at a time" \
    "with $FUZZ_WORKERS workers each (minimize $FUZZMINIMIZETIME, fresh corpus: ${FUZZ_FRESH:-0})"
start=$SECONDS
failed=()
run_all build_pkg <<<"$pkgs"
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'fuzz: could not build %s\n' "${failed[@]}" >&2
    exit 1
fi
echo
echo "built in $((SECONDS - start))s"
run_all fuzz_one <<<"$targets"

echo
echo "fuzz summary: $count targets in $((SECONDS - start))s"
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'fuzz target failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "no fuzz target failed"
