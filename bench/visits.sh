#!/usr/bin/env bash
# bench/visits.sh — the return-visit planner and the dashboard's KPIs (issue 5) at scale.
#
# A database with PROJECTS projects (default 100 000) accepted in January 2025 across five
# provinces, a fifth of them with a unit whose manufacturer's free term is 24 months (their
# plan runs twice as long), written straight into the tables with SQL. Then:
#   1. `shouhou jobs run --now …`: the first planner pass plans every project (about
#      600 000 visits), a second pass at the same instant finds nothing changed (it compares
#      each project's plan key), and a third after the interval setting changed re-plans
#      everything (re-dates the open visits, cancels the ones no longer due). Times of each.
#   2. The visits of the year they fall in are marked done (on time, late, missing and
#      satisfied in fixed proportions, with SQL), and GET /api/v1/kpi/visits is asked
#      ROUNDS times for the whole year — overall, by region, by project manager, by month —
#      beside GET /api/v1/health (the server's floor, same connection type): medians in ms
#      and the ratios. The dashboard asks for these on every load: the aim is well under
#      100 ms.
#   bench/visits.sh                               # SQLite, a few minutes
#   PROJECTS=20000 ROUNDS=11 bench/visits.sh
#   SHOUHOU_BENCH_DB=postgres bench/visits.sh     # its own cluster (scripts/pg.sh), or the
#                                                 # one named by SHOUHOU_TEST_PG
set -euo pipefail
cd "$(dirname "$0")/.."
projects=${PROJECTS:-100000}
rounds=${ROUNDS:-21}
bin=${SHOUHOU_BIN:-$PWD/build/shouhou}
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then need=psql; else need=sqlite3; fi
command -v $need >/dev/null || { echo "bench: $need is missing" >&2; exit 1; }
work=$(mktemp -d /tmp/shouhou-visits.XXXXXX)
. bench/tickets_lib.sh
trap bench_cleanup EXIT

# The instant of the passes: after every visit of the plans is due.
now_iso=2026-11-28T10:00:00+08:00

# The projects, spread over five provinces' districts and twenty project managers, accepted
# on the days of January 2025; every fifth has a unit with a 24-month manufacturer's term.
load_projects() {
  local pms
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    pms=$(echo "SELECT string_agg(id::text, ',') FROM users WHERE role = 'project_manager';" | db_sql)
  fi
  local region="CASE n % 5 WHEN 0 THEN '330106' WHEN 1 THEN '310101' WHEN 2 THEN '320102'
                WHEN 3 THEN '440103' ELSE '110101' END"
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    db_sql >/dev/null <<SQL
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO projects (customer_id, name, site_region_code, site_address, project_manager_id,
  completion_date, acceptance_date, search_text, created_at, updated_at, created_by)
SELECT $customer_id, '批量工程' || n, $region, '地址' || n,
  (ARRAY[$pms])[1 + n % 20], '2025-01-01',
  '2025-01-' || lpad((1 + n % 31)::text, 2, '0'), '批量工程' || n, 0, 0, NULL
FROM generate_series(1, $projects) AS n;
INSERT INTO equipment (project_id, customer_id, serial_no, model, name, category,
  sold_by_company, manufacturer_months, created_at, updated_at)
SELECT id, customer_id, 'BENCH-' || id, 'DS-7816N', '录像机', 'surveillance', 1, 24, 0, 0
FROM projects WHERE name LIKE '批量工程%' AND id % 5 = 0;
COMMIT;
ANALYZE projects;
ANALYZE equipment;
SQL
  else
    db_sql >/dev/null <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $projects)
INSERT INTO projects (customer_id, name, site_region_code, site_address, project_manager_id,
  completion_date, acceptance_date, search_text, created_at, updated_at, created_by)
SELECT $customer_id, '批量工程' || n, $region, '地址' || n,
  (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM users
                   WHERE role = 'project_manager') WHERE k = n % 20),
  '2025-01-01', printf('2025-01-%02d', 1 + n % 31), '批量工程' || n, 0, 0, NULL FROM g;
INSERT INTO equipment (project_id, customer_id, serial_no, model, name, category,
  sold_by_company, manufacturer_months, created_at, updated_at)
SELECT id, customer_id, 'BENCH-' || id, 'DS-7816N', '录像机', 'surveillance', 1, 24, 0, 0
FROM projects WHERE name LIKE '批量工程%' AND id % 5 = 0;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
    sync "${db#sqlite:}"
  fi
}

# pass NAME: one `jobs run` at now_iso, timed; prints its planner line.
pass() {
  local t0 out took
  t0=$(date +%s.%N)
  out=$(cli jobs run --now "$now_iso" 2>>"$work/jobs.err") || { cat "$work/jobs.err" >&2; exit 1; }
  took=$(elapsed "$t0")
  printf '%-26s %8s s   %s\n' "$1" "$took" "$(echo "$out" | grep '^visit_planner' || true)"
  printf -v "took_$1" '%s' "$took"
}

# Marks the visits due in 2025-03-01..2026-02-28 done: 95 % on their due day, 3 % two days
# late, 2 % left undone (missing); of those done, 49 in 50 satisfied.
mark_done() {
  db_sql >/dev/null <<SQL
UPDATE visits SET status = 'done',
  done_on = CASE WHEN id % 100 < 95 THEN due_date ELSE '2026-03-02' END,
  method = 'phone', score = CASE WHEN id % 50 = 0 THEN 2 ELSE 5 END,
  satisfied = CASE WHEN id % 50 = 0 THEN 0 ELSE 1 END
WHERE kind = 'planned' AND status = 'planned' AND due_date BETWEEN '2025-03-01' AND '2026-02-28'
  AND id % 100 < 98;
SQL
  # One UPDATE of 600 000 visits leaves the day-count rows with over a million dead versions
  # (every visit moves its counts out and in): vacuum them as autovacuum would before the
  # dashboard is measured — spread over a year of reports it keeps up on its own.
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    printf 'VACUUM ANALYZE visit_due_days;\nVACUUM ANALYZE visit_done_days;\nANALYZE visits;\n' |
      db_sql >/dev/null
  fi
  return 0
}

# timed NAME PATH: ROUNDS GETs of PATH as the admin over one keep-alive connection each;
# sets median_NAME (ms) and prints it.
timed() {
  local i t times=""
  for i in $(seq "$rounds"); do
    t=$(curl -sS -o "$work/body.json" -w '%{time_total}' -H "Authorization: Bearer $admin_token" \
      "$base$2")
    times="$times $t"
  done
  grep -q '"error"' "$work/body.json" && { echo "bench: GET $2 answered $(cat "$work/body.json")" >&2; exit 1; }
  local median
  median=$(echo "$times" | tr ' ' '\n' | grep . | sort -g |
    awk '{ v[NR] = $1 * 1000 } END { printf "%.1f", (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }')
  printf '%-26s %8s ms (median of %s)\n' "$1" "$median" "$rounds"
  printf -v "median_$1" '%s' "$median"
}

bench_pg_start
echo "bench: visits, $projects projects, database ${SHOUHOU_BENCH_DB:-sqlite}, $(nproc) cores, --now $now_iso"
db_new visits
db_setup
for i in $(seq 20); do cli user add --username "pm$i" --role project_manager --regions 000000 --no-password >/dev/null; done
start_server
make_installed_base
stop_server
t0=$(date +%s.%N)
load_projects
echo "-- $projects projects written with SQL in $(elapsed "$t0") s"

pass plan_first
echo "SELECT count(*) || ' visits planned, ' || count(DISTINCT project_id) || ' projects' FROM visits;" | db_sql | sed 's/^/   /'
pass plan_unchanged
echo "UPDATE settings SET value = '3' WHERE key = 'visit.interval_months';
INSERT INTO settings (key, value, updated_at) SELECT 'visit.interval_months', '3', 0
WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'visit.interval_months');" | db_sql >/dev/null
pass plan_interval_changed
echo "SELECT status || ' ' || count(*) FROM visits GROUP BY status ORDER BY status;" | db_sql | sed 's/^/   /'
echo "UPDATE settings SET value = '2' WHERE key = 'visit.interval_months';" | db_sql >/dev/null
pass plan_back_to_2

t0=$(date +%s.%N)
mark_done
echo "-- visits of the year marked done in $(elapsed "$t0") s:"
echo "SELECT count(*) || ' planned visits due 2025-03-01..2026-02-28' FROM visits
      WHERE kind = 'planned' AND status <> 'cancelled' AND due_date BETWEEN '2025-03-01' AND '2026-02-28';" |
  db_sql | sed 's/^/   /'

start_server
year="from=2025-03-01&to=2026-02-28&as_of=2026-11-28"
timed health /api/v1/health
timed kpi_overall "/api/v1/kpi/visits?$year"
echo "   $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print({k: v for k, v in d.items() if k != "groups"})' "$work/body.json" | cut -c1-400)"
timed kpi_by_region "/api/v1/kpi/visits?$year&group=region"
timed kpi_by_leader "/api/v1/kpi/visits?$year&group=leader"
timed kpi_by_month "/api/v1/kpi/visits?$year&group=month"
stop_server

echo
echo "planner: first pass / unchanged pass            $(ratio "$took_plan_first" "$took_plan_unchanged")"
echo "planner: re-plan after a setting / first pass   $(ratio "$took_plan_interval_changed" "$took_plan_first")"
echo "kpi overall / health                             $(ratio "$median_kpi_overall" "$median_health")"
echo "kpi by region / health                           $(ratio "$median_kpi_by_region" "$median_health")"
echo "kpi by leader / health                           $(ratio "$median_kpi_by_leader" "$median_health")"
echo "kpi by month / health                            $(ratio "$median_kpi_by_month" "$median_health")"
echo "kpi overall: ${median_kpi_overall} ms against the 100 ms aim"
