#!/usr/bin/env bash
# bench/sla_watch.sh — the SLA watch pass (issue 4): `shouhou jobs run --now …` over a
# database with 1 000 000 open tickets (3 watched deadline rows each, none due but DUE of
# them: an onsite deadline half an hour past, so each due row breaches and escalates to the
# site's dispatchers), and the same pass over 1 000 open tickets with the same DUE rows due.
# The pass must find due rows by the partial index ticket_deadlines_watch: it should cost
# what is due, not what is open. Prints the plan of the watch's statements (read from
# src/store/jobs.c), the time of each pass (ROUNDS of them, the due rows reset between), of
# a pass at the same instant when nothing is left due (starting the command, opening the
# database, one look at the index) and the ratio of the medians.
#   bench/sla_watch.sh                          # SQLite, about a minute
#   TICKETS=200000 DUE=5000 bench/sla_watch.sh
#   SHOUHOU_BENCH_DB=postgres bench/sla_watch.sh  # its own cluster (scripts/pg.sh), or the
#                                               # one named by SHOUHOU_TEST_PG
set -euo pipefail
cd "$(dirname "$0")/.."
small=${TICKETS_SMALL:-1000}
large=${TICKETS:-1000000}
due=${DUE:-1000}
rounds=${ROUNDS:-3}
bin=${SHOUHOU_BIN:-$PWD/build/shouhou}
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then need=psql; else need=sqlite3; fi
command -v $need >/dev/null || { echo "bench: $need is missing" >&2; exit 1; }
[ "$due" -le "$small" ] || { echo "bench: DUE ($due) must not exceed TICKETS_SMALL ($small)" >&2; exit 1; }
work=$(mktemp -d /tmp/shouhou-watch.XXXXXX)
. bench/tickets_lib.sh
trap bench_cleanup EXIT

now=$(date +%s)
now_iso=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%S+00:00)

# explain FUNCTION: the plan of the statement that function of src/store/jobs.c runs, with
# the pass's instant and batch size bound as the server binds them.
explain() {
  local sql
  sql=$(python3 bench/watch_sql.py src/store/jobs.c "$1")
  echo "   $1:"
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    local args="$now, 500"
    [ "$1" = store_watch_due_any ] && args="$now"
    [ "$1" = store_watch_update ] && args="0, $now, 1, $((now + 3600)), 1, 'onsite', 0, $now"
    printf 'PREPARE s AS %s;\nEXPLAIN EXECUTE s(%s);\n' "$sql" "$args" | db_sql | sed 's/^/     /'
  else
    # The SQLite driver binds $N as ?N.
    printf '.parameter set ?1 %s\n.parameter set ?2 500\n.parameter set ?5 1\n.parameter set ?6 "'"'onsite'"'"\n.parameter set ?7 0\n.parameter set ?8 %s\nEXPLAIN QUERY PLAN %s;\n' \
      "$now" "$now" "$(echo "$sql" | sed -E 's/\$([0-9]+)/?\1/g')" | db_sql | sed 's/^/     /'
  fi
}

# The due rows as they were before a pass (their tickets are the ones called 24.5 h before
# NOW, found by tickets_called), and nothing the pass wrote: the next round does it again.
reset_due() {
  db_sql >/dev/null <<SQL
UPDATE ticket_deadlines SET warned_at = NULL, breached_at = NULL, level = 0,
  next_check_at = warn_at
WHERE stage = 'onsite' AND ticket_id IN (SELECT id FROM tickets WHERE called_at = $((now - 88200)));
DELETE FROM ticket_events WHERE actor_id IS NULL AND at = $now;
DELETE FROM outbox WHERE created_at = $now AND ticket_id IS NOT NULL;
SQL
}

# watch NAME COUNT: a database with COUNT open tickets and $due due rows; ROUNDS timed
# passes (the due rows reset between them; the median counts) and one at the same instant
# after the last, when nothing is due.
watch() {
  db_new "watch_$1"
  db_setup
  start_server
  make_installed_base
  stop_server
  local t0
  t0=$(date +%s.%N)
  load_tickets 1 "$2" "$due" "$now"
  echo "-- $2 open tickets (+$(($2 * 3)) deadline rows) written with SQL in $(elapsed "$t0") s"
  echo "SELECT count(*) || ' deadline rows watched, ' ||
               sum(CASE WHEN next_check_at <= $now THEN 1 ELSE 0 END) || ' due at $now_iso'
        FROM ticket_deadlines WHERE next_check_at IS NOT NULL;" | db_sql | sed 's/^/   /'
  if [ "$1" = large ] || [ -n "${EXPLAIN_ALL:-}" ]; then
    echo "-- plans on $2 open tickets:"
    explain store_watch_due_any
    explain store_watch_due_list
    explain store_watch_update
  fi
  local out round times=""
  for round in $(seq "$rounds"); do
    [ "$round" -gt 1 ] && reset_due
    t0=$(date +%s.%N)
    out=$(cli jobs run --now "$now_iso" 2>>"$work/jobs.err")
    local took
    took=$(elapsed "$t0")
    times="$times $took"
    printf '%-18s %6s s   %s\n' "pass_$1" "$took" "$(echo "$out" | grep '^sla_watch')"
  done
  local pass
  pass=$(echo "$times" | tr ' ' '\n' | grep . | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }')
  t0=$(date +%s.%N)
  out=$(cli jobs run --now "$now_iso" 2>>"$work/jobs.err")
  local idle
  idle=$(elapsed "$t0")
  printf '%-18s %6s s   %s\n' "idle_pass_$1" "$idle" "$(echo "$out" | grep '^sla_watch')"
  printf -v "pass_$1" '%s' "$pass"
  printf -v "idle_$1" '%s' "$idle"
}

bench_pg_start
echo "bench: SLA watch, $due due rows, database ${SHOUHOU_BENCH_DB:-sqlite}, $(nproc) cores, --now $now_iso"
watch small "$small"
watch large "$large"
echo
echo "pass over $small open tickets, median     $pass_small s"
echo "pass over $large open tickets, median  $pass_large s"
echo "pass over $large open / over $small open ($due due each)   $(ratio "$pass_large" "$pass_small")"
echo "idle pass over $large open / over $small open             $(ratio "$idle_large" "$idle_small")"
