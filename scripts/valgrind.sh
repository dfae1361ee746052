#!/usr/bin/env bash
# valgrind.sh — the cmocka unit suite under valgrind memcheck (issue 7 part 5): every test
# program of tests/unit/ runs under memcheck; any memory error, any definite, indirect or
# possible leak (tests/valgrind.supp lists the few blocks system libraries keep on purpose),
# or any failing test fails the run.
#
#   scripts/valgrind.sh [--ci] [BUILD_DIR]      BUILD_DIR: a normal (not sanitizer) build, default build/
#
# Without --ci: every unit test program (29), with --track-origins=yes. That is the full run:
# 18-32 minutes on 2 cores (15-16 CPU minutes), most of it test_xlsx writing a 100 000-row
# workbook 50 times slower than natively.
# With --ci (scripts/test.sh; 50-75 s): every program except those named in HEAVY below
# (test_pdf stays, so the PDF drawing code is under memcheck in CI too), without
# --track-origins (it only says where an uninitialised value came from: rerun the full
# command to see it). The HEAVY programs are not left untested: CI runs them natively and under
# ASan+UBSan+LeakSanitizer (build-asan), which find the same leaks and out-of-bounds accesses;
# what memcheck adds for them (reads of uninitialised memory) is the full run's job. The
# script prints their names on every --ci run.
#
# PostgreSQL: the store and migrate tests need SHOUHOU_TEST_PG; when it is not set, a
# throwaway cluster is started (scripts/pg.sh) and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=0
if [ "${1:-}" = "--ci" ]; then
  ci=1
  shift
fi
dir=${1:-build}
[ -f "$dir/build.ninja" ] || { echo "valgrind: $dir is not a meson build directory" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind: valgrind is not installed (scripts/deps.sh --test)" >&2; exit 1; }
sanitize=$(meson introspect "$dir" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"))')
if [ "$sanitize" != "none" ]; then
  echo "valgrind: $dir is a sanitizer build; memcheck needs a normal one (build/)" >&2
  exit 1
fi

# The programs the CI run leaves to the full run, with what makes each slow under memcheck.
# Seconds measured here (2 cores shared with other work; full run / --ci settings).
HEAVY=(
  xlsx       # a 100 000-row export, every amount up to 15 digits (1820 s)
  xlsx_read  # two 256 MiB zip bombs, a million shared strings (402 s)
  notice     # Chinese PDF layout (pango, cairo, fontconfig) up to the largest form (275 / 126 s)
  report     # the same for service reports (110 / 76 s)
  store      # 61 cases on SQLite and PostgreSQL, threads and fsyncs (103 / 96 s)
  csv_read   # four million cells, 128 MiB of text (99 / 42 s)
)

pg_dir=""
cleanup() { [ -n "$pg_dir" ] && ./scripts/pg.sh stop "$pg_dir" || true; }
trap cleanup EXIT
if [ -z "${SHOUHOU_TEST_PG:-}" ]; then
  eval "$(./scripts/pg.sh)"
  pg_dir=$SHOUHOU_TEST_PG_DIR
fi

ninja -C "$dir" >/dev/null
# The unit tests: every test whose program lives in tests/unit/.
mapfile -t names < <(meson introspect "$dir" --tests | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if "/tests/unit/" in t["cmd"][0]:
        print(t["name"])')
[ "${#names[@]}" -gt 0 ] || { echo "valgrind: no unit tests found in $dir" >&2; exit 1; }
run=()
left=()
for n in "${names[@]}"; do
  if [ "$ci" -eq 1 ] && [[ " ${HEAVY[*]} " == *" $n "* ]]; then left+=("$n"); else run+=("$n"); fi
done

wrapper="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible"
wrapper+=" --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --num-callers=30"
wrapper+=" --suppressions=$PWD/tests/valgrind.supp"
if [ "$ci" -eq 0 ]; then
  wrapper+=" --track-origins=yes"
  multiplier=40
else
  multiplier=10
fi

start=$(date +%s)
echo "valgrind: ${#run[@]} unit test programs under memcheck ($dir)"
[ "${#left[@]}" -gt 0 ] &&
  echo "valgrind: left to the full run (scripts/valgrind.sh; in CI natively and under ASan): ${left[*]}"
status=0
meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 \
  --timeout-multiplier "$multiplier" --wrapper "$wrapper" "${run[@]}" || status=$?
echo "valgrind: finished in $(( $(date +%s) - start )) s"
if [ "$status" -ne 0 ]; then
  echo "valgrind: FAILED (exit status 99: a memcheck error or leak; see the log above)" >&2
  exit 1
fi
echo "valgrind: no errors, no leaks"
