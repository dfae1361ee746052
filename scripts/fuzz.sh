#!/usr/bin/env bash
# scripts/fuzz.sh — builds the libFuzzer harnesses of tests/fuzz (build-fuzz: clang-14,
# ASan+UBSan non-recovering, the library with -fsanitize=fuzzer-no-link) and runs each one
# over its seed corpus (tests/fuzz/corpus/<name>) and its kept crashes
# (tests/fuzz/regressions/<name>), with its dictionary (tests/fuzz/<name>.dict) if it has one.
#
#   scripts/fuzz.sh                 bounded run for CI: FUZZ_SECONDS (default 7) per harness,
#                                   one after the other (about 2.5 min with the build)
#   scripts/fuzz.sh --long [RUNS]   the long run: RUNS executions per harness (default
#                                   10 000 000), all harnesses at once (FUZZ_PARALLEL=0: one
#                                   after the other); hours — run it niced in the background
#   scripts/fuzz.sh --status WORK   how far the runs in work folder WORK are (executions so far,
#                                   exec/s, crashes), from libFuzzer's progress lines
#   FUZZ_TARGETS="jsonx router"     only these harnesses (default: all of tests/fuzz/meson.build)
#
# Prints, per harness, the executions and exec/s of libFuzzer's final stats line. Fails if any
# harness crashes, leaks or breaks an invariant; the crashing input is kept in the run's work
# folder (printed) — copy it to tests/fuzz/regressions/<name>/ once the bug is fixed, so the
# unit tests replay it for ever. New inputs the fuzzer finds go to the work folder
# (FUZZ_WORK, default a new /tmp/shouhou-fuzz.XXXXXX), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

all="csv_read xlsx_read multipart jsonx query router text headers api"
targets=${FUZZ_TARGETS:-$all}

# --status WORK: the last progress line of each harness's log.
if [ "${1:-}" = "--status" ]; then
  work=${2:?usage: scripts/fuzz.sh --status WORK}
  for t in $targets; do
    log="$work/$t.log"
    [ -f "$log" ] || continue
    # libFuzzer: "#123456	pulse  cov: ... exec/s: 789 rss: ..." (also NEW, REDUCE, DONE)
    last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(printf '%s' "$last" | sed -E 's/^#([0-9]+).*/\1/')
    speed=$(printf '%s' "$last" | sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p')
    crashes=$(find "$work/crashes/$t" -type f 2>/dev/null | wc -l)
    state=running
    grep -q '^stat::number_of_executed_units' "$log" && state=done
    printf 'fuzz: %-10s %-7s executions=%s exec/s=%s crashes=%s\n' "$t" "$state" "${execs:-0}" \
      "${speed:-?}" "$crashes"
  done
  exit 0
fi

runs=""
if [ "${1:-}" = "--long" ]; then
  runs=${2:-10000000}
  case $runs in '' | *[!0-9]*) echo "fuzz: --long takes a number of executions" >&2; exit 2 ;; esac
elif [ $# -gt 0 ]; then
  echo "usage: scripts/fuzz.sh [--long [RUNS] | --status WORK]" >&2
  exit 2
fi
seconds=${FUZZ_SECONDS:-7}
build=${FUZZ_BUILD:-build-fuzz}
parallel=${FUZZ_PARALLEL:-1}
[ -n "$runs" ] || parallel=0

start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false --buildtype=debug >/dev/null
fi
exes=()
for t in $targets; do exes+=("tests/fuzz/fuzz_$t"); done
ninja -C "$build" -j "${FUZZ_JOBS:-2}" "${exes[@]}" >/dev/null
echo "fuzz: built $build in $(($(date +%s) - start)) s"

work=${FUZZ_WORK:-$(mktemp -d /tmp/shouhou-fuzz.XXXXXX)}
mkdir -p "$work"
echo "fuzz: work folder $work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one harness; writes its summary line to $work/<name>.result.
run_one() {
  local t=$1 exe="$build/tests/fuzz/fuzz_$1" corpus="$work/corpus/$1" log="$work/$1.log"
  mkdir -p "$corpus" "$work/crashes/$t"
  local seeds=() d
  for d in tests/fuzz/corpus/$t tests/fuzz/regressions/$t; do
    [ -d "$d" ] && seeds+=("$d")
  done
  local opts=(-artifact_prefix="$work/crashes/$t/" -print_final_stats=1 -timeout=25
    -rss_limit_mb=3072)
  [ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="tests/fuzz/$t.dict")
  if [ -n "$runs" ]; then
    opts+=(-runs="$runs")
  else
    opts+=(-max_total_time="$seconds")
  fi
  local t0 status=ok
  t0=$(date +%s)
  # The first folder gets the new inputs; the repository's folders are only read.
  "$exe" "${opts[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=FAILED
  local execs speed
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-10s %-6s executions=%s exec/s=%s seconds=%s corpus=%s\n' "$t" "$status" \
    "${execs:-?}" "${speed:-?}" "$(($(date +%s) - t0))" "$(ls "$corpus" | wc -l)" \
    >"$work/$t.result"
  echo "fuzz: $(cat "$work/$t.result")"
  if [ "$status" = FAILED ]; then
    grep -aE 'ERROR|SUMMARY|fuzz_api:|Test unit written' "$log" | head -8 | sed 's/^/fuzz:   /'
    echo "fuzz:   log: $log"
  fi
}

if [ "$parallel" = 1 ]; then
  pids=()
  for t in $targets; do
    run_one "$t" &
    pids+=($!)
  done
  echo "fuzz: running $targets at once (pids ${pids[*]}); progress: scripts/fuzz.sh --status $work"
  wait "${pids[@]}" || true
else
  for t in $targets; do run_one "$t"; done
fi

echo "fuzz: ---- summary ($(($(date +%s) - start)) s in all) ----"
failed=()
for t in $targets; do
  line=$(cat "$work/$t.result" 2>/dev/null || echo "$t no result")
  echo "fuzz: $line"
  case $line in *" ok "*) ;; *) failed+=("$t") ;; esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (crashing inputs in $work/crashes/)" >&2
  exit 1
fi
echo "fuzz: no crash"
