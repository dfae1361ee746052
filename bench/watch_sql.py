#!/usr/bin/env python3
"""watch_sql.py — prints the SQL text a function of src/store/jobs.c hands to store_exec (the
C string literals of its first store_exec call, joined), so that bench/sla_watch.sh explains
the very statement the SLA watch runs, not a copy that could drift.
  bench/watch_sql.py src/store/jobs.c store_watch_due_list
"""
import re
import sys

path, function = sys.argv[1], sys.argv[2]
source = open(path, encoding="utf-8").read()
start = re.search(r"\b%s\s*\([^;{]*\)\s*\{" % re.escape(function), source)
if not start:
    sys.exit(f"watch_sql: no function {function} in {path}")
call = source.find("store_exec(", start.end())
if call < 0:
    sys.exit(f"watch_sql: {function} calls no store_exec")
# The literals up to the parameter array that follows them ("p, N").
end = re.compile(r"\bp\s*,\s*\d+\s*,").search(source, call)
literals = re.findall(r'"((?:[^"\\]|\\.)*)"', source[call:end.start() if end else len(source)])
if not literals:
    sys.exit(f"watch_sql: no SQL text in {function}")
print("".join(literals).replace('\\"', '"'))
