#!/usr/bin/env bash
# README command 1: install what is missing, build (the server and the web UI), create
# ./shouhou.db with demo data (the first time), and serve both on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
./scripts/build.sh
db=${SHOUHOU_DEMO_DB:-shouhou.db}
if [ ! -f "$db" ]; then
  ./build/shouhou --db "sqlite:$db" migrate >/dev/null
  ./build/shouhou --db "sqlite:$db" demo --seed "${SHOUHOU_DEMO_SEED:-1}" --customers 300
  port=${SHOUHOU_PORT:-8080}
  echo
  echo "Open http://127.0.0.1:$port/ in a browser and sign in with one of the accounts above"
  echo "(for example agent: the hotline's intake form; dispatcher: the dispatch board; gm: the"
  echo "KPI dashboard). The same accounts work on the JSON API:"
  echo "  curl -c jar -H 'Content-Type: application/json' \\"
  echo "    -d '{\"username\":\"admin\",\"password\":\"…\"}' http://127.0.0.1:$port/api/v1/auth/login"
else
  echo "Using the existing $db (its demo passwords were printed when it was made;"
  echo "delete it to start afresh, or add a user: ./build/shouhou --db sqlite:$db user add --username me --role admin)"
fi
exec ./build/shouhou --db "sqlite:$db" serve --port "${SHOUHOU_PORT:-8080}"
