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
