#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on loopback for the tests and prints
# "export SHOUHOU_TEST_PG=postgresql://…" lines to eval; `pg.sh stop DIR` stops it.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user
# (DESIGN.md pitfall). The cluster is UTF8 (pg_trgm sees no Chinese in SQL_ASCII).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
if [ "${1:-}" = "stop" ]; then
  dir=$2
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  else "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null; fi
  rm -rf "$dir"
  exit 0
fi
[ -x "$bin/initdb" ] || { echo "pg.sh: PostgreSQL 15 is not installed ($bin/initdb)" >&2; exit 1; }
dir=$(mktemp -d /tmp/shouhou-pg.XXXXXX)
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
as_owner "$bin/initdb" -D "$dir" -A trust -U shouhou -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
  || { cat "$dir.initdb.log" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_owner "$bin/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "export SHOUHOU_TEST_PG_DIR=$dir"
echo "export SHOUHOU_TEST_PG=postgresql://shouhou@127.0.0.1:$port"
