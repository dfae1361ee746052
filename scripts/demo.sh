#!/usr/bin/env bash
# README command 1: install what is missing, build, create ./shouhou.db with demo data (the
# first time), and serve it on http://127.0.0.1:8080.
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
  echo "The API serves on http://127.0.0.1:$port (the web UI comes with a later release)."
  echo "Sign in with one of the accounts above, for example:"
  echo "  curl -c jar -H 'Content-Type: application/json' \\"
  echo "    -d '{\"username\":\"admin\",\"password\":\"…\"}' http://127.0.0.1:$port/api/v1/auth/login"
  echo "  curl -b jar 'http://127.0.0.1:$port/api/v1/customers?q=华信'"
else
  echo "Using the existing $db (its demo passwords were printed when it was made;"
  echo "delete it to start afresh, or add a user: ./build/shouhou --db sqlite:$db user add --username me --role admin)"
fi
exec ./build/shouhou --db "sqlite:$db" serve --port "${SHOUHOU_PORT:-8080}"
