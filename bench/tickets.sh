#!/usr/bin/env bash
# bench/tickets.sh — ticket intake through the whole domain (issue 4): POST /api/v1/tickets
# by a hotline agent's Bearer token (customer and unit in the agent's regions, warranty on
# the call's day, the 24/48/72 deadlines, timeline, audit, outbox rows to the site's
# dispatchers, search text) at 64 connections, beside GET /api/v1/health in the same run —
# on a database with 1 000 open tickets and on one with 1 000 000 (written straight into
# the tables by bench/tickets_lib.sh, as HTTP would take an hour), alternately, ROUNDS
# times. Prints requests/s, p50/p99 of each measurement, then the medians, intake/health,
# intake at 1 M / at 1 k and the server's resident memory after the load.
# The background jobs are off (SHOUHOU_JOBS=off) so they do not compete.
#   bench/tickets.sh                          # 5 s a measurement, SQLite, about 2 min
#   SECONDS_EACH=30 bench/tickets.sh          # the long run
#   TICKETS=200000 bench/tickets.sh           # a smaller archive
#   SHOUHOU_BENCH_DB=postgres bench/tickets.sh  # its own cluster (scripts/pg.sh), or the
#                                             # one named by SHOUHOU_TEST_PG
# Machines here are shared and noisy: compare the ratios of one run, not absolute figures.
set -euo pipefail
cd "$(dirname "$0")/.."
each=${SECONDS_EACH:-5}
conns=${CONNECTIONS:-64}
small=${TICKETS_SMALL:-1000}
large=${TICKETS:-1000000}
rounds=${ROUNDS:-3}
bin=${SHOUHOU_BIN:-$PWD/build/shouhou}
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then need=psql; else need=sqlite3; fi
command -v $need >/dev/null || { echo "bench: $need is missing" >&2; exit 1; }
work=$(mktemp -d /tmp/shouhou-tickets.XXXXXX)
. bench/tickets_lib.sh
trap bench_cleanup EXIT

bench_pg_start
# Two databases made alike, one with TICKETS_SMALL tickets and one with TICKETS; the
# measurements alternate between them (ROUNDS times) and the medians are compared, so a
# burst of another job on this shared machine does not land on one side only.
# prepare NAME COUNT: sets db_NAME.
prepare() {
  db_new "$1"
  db_setup
  start_server
  make_installed_base
  stop_server
  local t0
  t0=$(date +%s.%N)
  load_tickets 1 "$2" 0 "$now"
  echo "-- $1: $2 tickets (+$(($2 * 3)) deadline rows) written with SQL in $(elapsed "$t0") s"
  printf -v "db_$1" '%s' "$db"
  printf -v "token_$1" '%s' "$agent_token"
  printf -v "customer_$1" '%s' "$customer_id"
  printf -v "unit_$1" '%s' "$unit_id"
}
measure() { # name script
  local line
  line=$(wrk -t 2 -c "$conns" -d "${each}s" --timeout 10s -s "bench/$2.lua" "$base" | grep '^RESULT')
  printf '%-16s %s\n' "$1" "${line#RESULT }"
  echo "$1 ${line#RESULT }" >>"$work/results"
}
# value NAME KEY: the median of KEY over NAME's measurements.
value() {
  awk -v n="$1" -v k="$2" '$1==n { for (i=2;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' \
    "$work/results" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'
}
db_size() {
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    echo "SELECT pg_size_pretty(pg_database_size(current_database()));" | db_sql
  else
    du -h "${db#sqlite:}" | cut -f1
  fi
}
# phase NAME: health then intake against database NAME as it is now.
phase() {
  local var=db_$1 token=token_$1 customer=customer_$1 unit=unit_$1 count
  db=${!var}
  export SHOUHOU_BENCH_TOKEN=${!token} SHOUHOU_BENCH_CUSTOMER=${!customer} SHOUHOU_BENCH_UNIT=${!unit}
  count=$(echo "SELECT count(*) FROM tickets;" | db_sql)
  echo "-- $1: $count tickets in the database ($(db_size))"
  start_server
  measure "health_$1" health
  measure "intake_$1" ticket_create
  echo "rss_$1 kib=$(ps -o rss= -p "$server_pid" | tr -d ' ')" >>"$work/results"
  stop_server
}

now=$(date +%s)
echo "bench: $conns connections, ${each}s each, $rounds rounds, database ${SHOUHOU_BENCH_DB:-sqlite}, $(nproc) cores"
prepare small "$small"
prepare large "$large"
export SHOUHOU_BENCH_DIR=$PWD/bench
for round in $(seq "$rounds"); do
  phase small
  phase large
done

echo
echo "medians of $rounds rounds:"
for n in health_small intake_small health_large intake_large; do
  printf '%-16s rps=%s p50_ms=%s p99_ms=%s\n' "$n" "$(value "$n" rps)" "$(value "$n" p50_ms)" \
    "$(value "$n" p99_ms)"
done
echo "intake / health, $small tickets        $(ratio "$(value intake_small rps)" "$(value health_small rps)")"
echo "intake / health, $large tickets     $(ratio "$(value intake_large rps)" "$(value health_large rps)")"
echo "intake at $large / at $small       $(ratio "$(value intake_large rps)" "$(value intake_small rps)")"
echo "intake p99 at $large / at $small   $(ratio "$(value intake_large p99_ms)" "$(value intake_small p99_ms)")"
echo "server resident memory after load    $(( $(value rss_small kib) / 1024 )) MiB ($small), $(( $(value rss_large kib) / 1024 )) MiB ($large)"
