#!/usr/bin/env bash
# kpi_tickets.sh [BIN] — times GET /api/v1/kpi/tickets (issue 6: the managers' dashboard) over
# TICKETS tickets (default 100 000) spread over the last year, and prints the plans of its
# deadline statement. The tickets are written with SQL (bench/tickets_lib.sh), then moved
# with SQL: called_at spread over 365 days, two in three closed, their stages met — most on
# time, some late — and the rest left open (breached or running). Medians of five requests
# for a year as one figure, per ISO week and per province, for a whole-country and a
# Zhejiang caller, beside GET /api/v1/health. SHOUHOU_BENCH_DB=postgres for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${TICKETS:-100000}
bin=${1:-$PWD/build/shouhou}
work=$(mktemp -d /tmp/shouhou-kpi.XXXXXX)
. bench/tickets_lib.sh
trap bench_cleanup EXIT
bench_pg_start
now=$(date +%s)
db_new kpi
db_setup
gm_token=$(cli token create --user gm 2>/dev/null)
manager_token=$(cli token create --user manager 2>/dev/null)
start_server
make_installed_base
stop_server
# KEEP=PATH keeps the database for a closer look: a copy of the SQLite file at PATH, or the
# PostgreSQL database itself (not dropped; its URL written to PATH).
if [ -n "${KEEP:-}" ]; then
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = sqlite ]; then cp "${db#sqlite:}" "$KEEP"; else
    echo "$db" >"$KEEP"
    pg_databases=()
  fi
fi
load_tickets 1 "$N" 0 "$now"
# Spread over the year; the stages follow their call. Ticket n: closed with its stages met
# (1 h before their due time, or 1 h after when n % 10 = 0) when n % 3 > 0 or it was called
# more than ten days ago; else open — breached or running, as a desk's last days are.
db_sql >/dev/null <<SQL
UPDATE tickets SET called_at = $now - 86400 * 3 - (id * 7919) % (365 * 86400);
UPDATE ticket_deadlines SET due_at = (SELECT t.called_at FROM tickets t WHERE t.id = ticket_id)
  + CASE stage WHEN 'onsite' THEN 86400 WHEN 'clear' THEN 172800 ELSE 259200 END;
UPDATE tickets SET status = CASE WHEN id % 3 > 0 OR called_at < $now - 864000 THEN 'closed'
  ELSE 'assigned' END;
UPDATE tickets SET closed_at = CASE WHEN status = 'closed' THEN called_at + 200000 ELSE NULL END;
UPDATE ticket_deadlines SET met_at = due_at + CASE WHEN ticket_id % 10 = 0 THEN 3600 ELSE -3600 END,
  active = 0, next_check_at = NULL
  WHERE ticket_id IN (SELECT id FROM tickets WHERE status = 'closed');
SQL
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
  echo "VACUUM ANALYZE tickets; VACUUM ANALYZE ticket_deadlines;" | db_sql >/dev/null
else
  echo "ANALYZE;" | db_sql >/dev/null
fi
from=$(date -u -d "@$((now - 365 * 86400))" +%Y-%m-%d)
to=$(date -u -d "@$now" +%Y-%m-%d)
from12=$(date -u -d "@$((now - 83 * 86400))" +%Y-%m-%d)
# The deadline statement as src/store/kpi_tickets.c writes it for a whole-country caller.
plan_sql="SELECT d.stage, SUM(CASE WHEN d.met_at IS NOT NULL AND d.met_at <= d.due_at THEN 1 ELSE 0 END),
  SUM(CASE WHEN d.met_at IS NULL AND t.status IN ('closed', 'cancelled') THEN 1 ELSE 0 END)
  FROM ticket_deadlines d JOIN tickets t ON t.id = d.ticket_id
  WHERE d.due_at >= $((now - 84 * 86400)) AND d.due_at < $now GROUP BY d.stage"
echo "-- plan of the deadline counts over 12 weeks ($N tickets, ${SHOUHOU_BENCH_DB:-sqlite})"
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
  echo "EXPLAIN $plan_sql;" | db_sql
else
  echo "EXPLAIN QUERY PLAN $plan_sql;" | db_sql
fi
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_get() { # TOKEN PATH: the median of five requests, seconds
  local i
  for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$base$2")
    [ "$code" = 200 ] || { echo "bench: $2 answered $code" >&2; exit 1; }
    elapsed "$t0"
    echo
  done | median
}
start_server
printf '%-72s %s s\n' "/api/v1/health" "$(time_get "$gm_token" /api/v1/health)"
for who in gm manager; do
  tok=$gm_token
  [ $who = manager ] && tok=$manager_token
  for g in none week province; do
    p="/api/v1/kpi/tickets?from=$from&to=$to&group=$g"
    printf '%-72s %s s\n' "$who $p" "$(time_get "$tok" "$p")"
  done
  p="/api/v1/kpi/tickets?from=$from12&to=$to&group=week"
  printf '%-72s %s s\n' "$who $p" "$(time_get "$tok" "$p")"
done
stop_server
# KEEP=PATH keeps the database for a closer look: a copy of the SQLite file at PATH, or the
# PostgreSQL database itself (not dropped; its URL written to PATH).
if [ -n "${KEEP:-}" ]; then
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = sqlite ]; then cp "${db#sqlite:}" "$KEEP"; else
    echo "$db" >"$KEEP"
    pg_databases=()
  fi
fi
