// sql.js — reads and writes a test server's database behind its back, for what the API
// does not show (an outbox row's attempts, a stored hash) or where a test must reach past it
// (a row's state the API would refuse to produce). Rows come back as arrays of strings; NULL
// is ''.
import { execFileSync } from 'node:child_process';

export function sql(srv, statement) {
  const url = srv.db.url;
  const out = url.startsWith('sqlite:')
    ? execFileSync('sqlite3', ['-cmd', '.timeout 10000', '-separator', '|', url.slice('sqlite:'.length), statement], { encoding: 'utf8' })
    : execFileSync('psql', ['-q', '-At', '-F', '|', '-v', 'ON_ERROR_STOP=1', url, '-c', statement], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

// The database's own tables (SQLite's and the FTS shadow tables aside).
export function tableNames(srv) {
  return srv.db.url.startsWith('sqlite:')
    ? sql(srv, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'").map((r) => r[0])
    : sql(srv, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").map((r) => r[0]);
}

// What "nothing written" means to the sweeps (csrf_all, isolation): the newest audit row
// (every change writes one in its unit, DESIGN.md "Audit") and the row count of every table of
// tables. Sessions and the sign-in throttle are left out (a request touches its session's
// last_seen_at, at most once a minute), and so are the tokens' last use and the job lease
// (the jobs are off in the API suite).
const untracked = new Set(['sessions', 'login_throttle', 'api_tokens', 'job_leases']);
export function writeFingerprint(srv, tables) {
  const counted = tables.filter((t) => !untracked.has(t)).sort();
  const rows = sql(srv, `SELECT (SELECT coalesce(max(id), 0) FROM audit)${counted.map((t) => `, (SELECT count(*) FROM ${t})`).join('')}`)[0];
  return Object.fromEntries([['audit max id', rows[0]], ...counted.map((t, i) => [t, rows[i + 1]])]);
}
