#!/usr/bin/env bash
# scripts/lighthouse.sh — Lighthouse 12 on the portal as a resident's phone sees it.
#
# Builds gopy, starts it on a fresh SQLite database with the demo data, and runs Lighthouse
# (mobile form factor, its default: a mid-range phone on a throttled 4G link) on the home
# page and on the first open consultation. Writes the HTML and JSON reports to
# test-artifacts/lighthouse/ (or $LIGHTHOUSE_OUT) and prints the scores.
#
# Needs Node 18+ (npx fetches lighthouse@12 from the npm registry on first use) and
# Chromium (CHROME_PATH, default /usr/bin/chromium). Slow and networked, so not part of
# .ci/run: run it with `make lighthouse` before a release or after a change to the pages.
#
#   LIGHTHOUSE_PORT  port for the portal (default 18080)
#   LIGHTHOUSE_OUT   report folder (default test-artifacts/lighthouse)
#   LIGHTHOUSE_MIN   fail if performance or accessibility scores below this (0–100, default 0: report only)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
PORT="${LIGHTHOUSE_PORT:-18080}"
OUT="${LIGHTHOUSE_OUT:-$ROOT/test-artifacts/lighthouse}"
MIN="${LIGHTHOUSE_MIN:-0}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
BASE="http://127.0.0.1:$PORT"

command -v npx >/dev/null || { echo "lighthouse: npx (Node 18+) is needed" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse: no Chromium at $CHROME_PATH (set CHROME_PATH)" >&2; exit 1; }
if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
    echo "lighthouse: something already answers on port $PORT (set LIGHTHOUSE_PORT)" >&2
    exit 1
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building gopy"
go build -o "$WORK/gopy" ./cmd/gopy

echo "== starting the portal on $BASE (fresh SQLite database, demo data)"
ADDR="127.0.0.1:$PORT" BASE_URL="$BASE" DATABASE_URL="$WORK/gopy.db" DEMO=1 LOG_FORMAT=text \
    "$WORK/gopy" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "the portal did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE/readyz" || { echo "the portal is not ready:" >&2; cat "$WORK/server.log" >&2; exit 1; }

consultation="$(curl -fsS "$BASE/" | grep -o 'href="/c/[0-9]*"' | head -n 1 | sed 's/^href="//; s/"$//')"
[ -n "$consultation" ] || { echo "no consultation on the demo home page" >&2; exit 1; }

mkdir -p "$OUT"
flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
run() { # name path
    echo "== lighthouse $BASE$2"
    npx --yes lighthouse@12 "$BASE$2" \
        --quiet \
        --chrome-flags="$flags" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output=html --output-path="$OUT/$1"
}
run home /
run consultation "$consultation"

echo
echo "== scores (mobile), reports in $OUT"
node - "$OUT" "$MIN" <<'EOF'
const fs = require("fs"), path = require("path");
const [dir, min] = [process.argv[2], Number(process.argv[3])];
let low = [];
for (const name of ["home", "consultation"]) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, name + ".report.json"), "utf8"));
  const score = id => Math.round((r.categories[id] && r.categories[id].score || 0) * 100);
  const metric = id => r.audits[id] ? r.audits[id].displayValue : "?";
  const bytes = r.audits["total-byte-weight"] ? r.audits["total-byte-weight"].numericValue : 0;
  console.log(`${name.padEnd(13)} ${r.finalDisplayedUrl}`);
  console.log(`  performance ${score("performance")}  accessibility ${score("accessibility")}  ` +
    `best practices ${score("best-practices")}  SEO ${score("seo")}`);
  console.log(`  FCP ${metric("first-contentful-paint")}  LCP ${metric("largest-contentful-paint")}  ` +
    `TBT ${metric("total-blocking-time")}  CLS ${metric("cumulative-layout-shift")}  transferred ${Math.round(bytes / 1024)} KiB`);
  const failed = Object.values(r.categories.accessibility.auditRefs)
    .map(a => r.audits[a.id]).filter(a => a.score === 0 && a.scoreDisplayMode === "binary").map(a => a.id);
  if (failed.length) console.log(`  accessibility audits failed: ${failed.join(", ")}`);
  for (const id of ["performance", "accessibility"]) if (score(id) < min) low.push(`${name} ${id} ${score(id)}`);
}
if (low.length) { console.error(`below ${min}: ${low.join("; ")}`); process.exit(1); }
EOF
