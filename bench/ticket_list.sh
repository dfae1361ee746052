#!/usr/bin/env bash
# ticket_list.sh [BIN...] — times one GET /api/v1/tickets of each kind the dispatcher uses
# (first page, open tickets, a search, due within the hour) over TICKETS tickets (default
# 1 000 000, written with SQL as in tickets.sh), for each binary given (default
# build/shouhou): run an older and a newer build side by side to compare them.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${TICKETS:-1000000}
[ $# -gt 0 ] || set -- "$PWD/build/shouhou"
bin=$1
work=$(mktemp -d /tmp/shouhou-list.XXXXXX)
. bench/tickets_lib.sh
trap bench_cleanup EXIT
bench_pg_start
now=$(date +%s)
db_new list
db_setup
start_server
make_installed_base
stop_server
load_tickets 1 "$N" 0 "$now"
for b in "$@"; do
  bin=$b
  start_server
  for q in "" "?status=open" "?q=%E5%8D%8E%E4%BF%A1" "?due_within_minutes=60"; do
    t0=$(date +%s.%N)
    curl -s -o /dev/null -H "Authorization: Bearer $agent_token" "$base/api/v1/tickets$q"
    printf '%-40s %-28s %s s\n' "$b" "/api/v1/tickets$q" "$(elapsed "$t0")"
  done
  stop_server
done
