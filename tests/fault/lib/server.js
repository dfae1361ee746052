// server.js — a shouhou server the fault tests can kill with SIGKILL and start again on the
// SAME database, the database itself (made from the test template, queried with the
// sqlite3 / psql command-line clients), and one HTTP request with a deadline.
//
// API (other fault tests import this file read-only):
//   need(name) → the environment variable's value; throws (the test FAILS) when it is unset.
//   bin → the shouhou binary (SHOUHOU_BIN, required).
//   makeDatabase(driver, dir, { fileCopy }) → db: a fresh database from
//     SHOUHOU_TEST_SQLITE_TEMPLATE (driver 'sqlite', a file in dir) or
//     SHOUHOU_TEST_PG_TEMPLATE on SHOUHOU_TEST_PG (driver 'postgres'; fileCopy: true copies
//     it with STRATEGY FILE_COPY, needed when the test crashes PostgreSQL — see the
//     code). db.url is the --db argument; db.path the SQLite file; db.query(sql) → rows
//     as arrays of strings (NULL reads as ''; no value may hold a newline or U+001F);
//     db.queries([sql, …]) → one such row list per statement, from one run of the client,
//     in one read transaction (one snapshot);
//     db.drop() removes a PostgreSQL database (no-op for SQLite).
//   sqliteDatabase(path) → the same db object for an existing SQLite file.
//   new FaultServer(db, { dir, env }) — env adds to process.env (SHOUHOU_JOBS is 'off'
//     unless given). Methods:
//     start() → this, once it printed "listening on"; .base is its URL, .pid its pid,
//       .starts how many times it was started. Port 0 each time: the URL changes.
//     kill9() → Promise of {code, signal}: SIGKILL, sent synchronously before the first
//       await, so a caller can stop its load in the same tick; resolves when it is gone.
//     killAfter(ms) → the same, the SIGKILL sent after ms by a thread of its own (the
//       moment is independent of this process's event loop). .killed is true from the
//       instant before the signal: a client whose connection died checks it. With
//       killAfter(ms, probe), probe[0] (an Int32Array on a SharedArrayBuffer) is read
//       right after the signal into .probeAtKill.
//     stop() → SIGTERM; throws unless it exits with status 0.
//     alive → true while the process runs; exits → how often it died unasked (a crash).
//     cli(args, input) → stdout of `shouhou --db URL args…`.
//     user(role, { regions }) → { id, username, token } (made by the CLI, no password).
//     req(method, path, opts) → the request() below against this server.
//     log() → the last 60 lines of the server's stderr (all starts append to one file,
//       .logPath, in dir).
//   request(base, method, path, { token, body, headers, timeoutMs = 10000 })
//     → { status, body (parsed JSON or null), text, ms }. A connection that fails (refused,
//     reset, closed before the answer) rejects with err.network = true: the caller does
//     not know whether the write happened. A request slower than timeoutMs rejects with
//     err.timeout = true (a hang is a failure, never a "maybe").
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the fault tests need it (see tests/fault/README.md)`);
  return v;
}

export const bin = need('SHOUHOU_BIN');

const SEP = '\x1f';

const END = '<<end of result>>';

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-q', '-At', '-F', SEP, '-v', 'ON_ERROR_STOP=1', url, '-c', sql],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
}

function rowsOf(text) {
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(SEP));
}

// Runs the statements through one client process (stdin), a marker row after each; with
// begin, inside one read transaction (one snapshot for all of them).
function batch(file, args, statements, begin) {
  let script = statements.map((q) => `${q.trim().replace(/;$/, '')};\nSELECT '${END}';\n`).join('');
  if (begin) script = `${begin};\n${script}COMMIT;\n`;
  const out = execFileSync(file, args, { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  const results = [[]];
  for (const row of rowsOf(out)) {
    if (row.length === 1 && row[0] === END) results.push([]);
    else results[results.length - 1].push(row);
  }
  results.pop();
  if (results.length !== statements.length) throw new Error(`${file}: ${results.length} results for ${statements.length} statements`);
  return results;
}

export function sqliteDatabase(path) {
  const args = ['-batch', '-noheader', '-bail', '-separator', SEP, path];
  return {
    driver: 'sqlite', path, url: `sqlite:${path}`,
    query(sql) { return batch('sqlite3', args, [sql])[0]; },
    queries(statements) { return batch('sqlite3', args, statements, 'BEGIN'); },
    drop() {},
  };
}

export function makeDatabase(driver, dir, { fileCopy = false } = {}) {
  if (driver === 'sqlite') {
    const path = join(dir, 'fault.db');
    copyFileSync(need('SHOUHOU_TEST_SQLITE_TEMPLATE'), path);
    return sqliteDatabase(path);
  }
  if (driver !== 'postgres') throw new Error(`driver must be sqlite or postgres, not ${driver}`);
  const server = need('SHOUHOU_TEST_PG');
  const template = need('SHOUHOU_TEST_PG_TEMPLATE');
  const name = `fault_${process.pid}_${randomBytes(4).toString('hex')}`;
  // fileCopy — for a test that crashes PostgreSQL itself. A database copied with PostgreSQL
  // 15's default strategy, WAL_LOG, from a template whose sequences were used can hand out
  // sequence values again after a crash before the next checkpoint (nextval trusts the
  // copied log_cnt and writes no WAL; recovery restores the copied page). pg_restart.test.js
  // found it: audit_id_seq went back from 21 to 3 and the next audit row was a duplicate
  // key (409 on a retried creation). Known upstream: pgsql-hackers, "[PATCH] Fix sequence
  // value may rollback after CREATE DATABASE TEMPLATE with WAL_LOG strategy". FILE_COPY
  // checkpoints around the copy, so the first nextval writes WAL; it costs ~2 s here.
  const strategy = fileCopy ? ' STRATEGY FILE_COPY' : '';
  psql(`${server}/postgres`, `CREATE DATABASE ${name} TEMPLATE ${template}${strategy}`);
  const url = `${server}/${name}`;
  return {
    driver, url, name,
    query(sql) { return rowsOf(psql(url, sql)); },
    queries(statements) {
      return batch('psql', ['-X', '-q', '-At', '-F', SEP, '-v', 'ON_ERROR_STOP=1', url, '-f', '-'], statements,
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },
    drop() { psql(`${server}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
  };
}

export async function request(base, method, path, { token, body, headers = {}, timeoutMs = 10000 } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    h['Content-Type'] = 'application/json';
  }
  const t0 = Date.now();
  try {
    const res = await fetch(base + path, { method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, body: json, text, ms: Date.now() - t0 };
  } catch (e) {
    const err = new Error(`${method} ${path}: ${e.cause?.code || e.name}: ${e.cause?.message || e.message}`);
    if (e.name === 'TimeoutError' || e.name === 'AbortError') err.timeout = true;
    else err.network = true;
    err.ms = Date.now() - t0;
    throw err;
  }
}

export class FaultServer {
  constructor(db, { dir, env = {} } = {}) {
    this.db = db;
    this.logPath = join(dir, 'server.log');
    this.env = { ...process.env, SHOUHOU_JOBS: 'off', ...env };
    this.starts = 0;
    this.exits = 0;
    this.proc = null;
    this.killing = false;
    // Set to 1 by the killer thread just before its SIGKILL (see killAfter).
    // [0]: 1 once the kill is sent; [1]: the probe's value at that instant.
    this.killFlag = new Int32Array(new SharedArrayBuffer(8));
  }

  get probeAtKill() { return Atomics.load(this.killFlag, 1); }

  // True once a kill was sent (by kill9, or by killAfter's thread).
  get killed() { return this.killing || Atomics.load(this.killFlag, 0) === 1; }

  get alive() { return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null; }
  get pid() { return this.proc?.pid; }

  cli(args, input) {
    return execFileSync(bin, ['--log-level', 'warning', '--db', this.db.url, ...args], {
      input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: this.env,
    });
  }

  user(role, { regions = ['000000'] } = {}) {
    const username = `${role}_${randomBytes(3).toString('hex')}`;
    const out = this.cli(['user', 'add', '--username', username, '--role', role, '--regions', regions.join(','), '--no-password']);
    const id = Number(out.match(/with id (\d+)/)[1]);
    const token = this.cli(['token', 'create', '--user', username]).trim();
    return { id, username, token, role };
  }

  async start() {
    if (this.alive) throw new Error('server already running');
    const log = openSync(this.logPath, 'a');
    const proc = spawn(bin, ['--db', this.db.url, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', log], env: this.env });
    closeSync(log);
    this.proc = proc;
    this.killing = false;
    Atomics.store(this.killFlag, 0, 0);
    this.starts++;
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      if (!this.killed) this.exits++;
      resolve({ code, signal });
    }));
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${this.log()}`)), 20000);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on http:\/\/[\d.]+:(\d+)/);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      this.exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`server exited ${code ?? signal} at start:\n${this.log()}`)); });
      proc.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${bin}: ${e.message}`)); });
    });
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  kill9() {
    if (!this.alive) throw new Error(`server is not running (it died unasked ${this.exits} times):\n${this.log()}`);
    this.killing = true;
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  // SIGKILL after ms, sent from a thread of its own: the moment does not wait for this
  // process's event loop, so it falls anywhere in the server's work (reading a request,
  // inside a transaction, during COMMIT, writing the answer) rather than only when the
  // clients' answers were all in. Returns a Promise of {code, signal} once it is gone.
  // probe: an Int32Array on a SharedArrayBuffer whose [0] is read at the kill (the load's
  // count of unanswered requests); the value is then in .probeAtKill.
  killAfter(ms, probe = new Int32Array(new SharedArrayBuffer(4))) {
    if (!this.alive) throw new Error(`server is not running (it died unasked ${this.exits} times):\n${this.log()}`);
    const worker = new Worker(`
      const { workerData: { pid, ms, flag, probe } } = require('node:worker_threads');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      Atomics.store(flag, 0, 1);
      try { process.kill(pid, 'SIGKILL'); } catch { /* already dead: the exit signal tells */ }
      Atomics.store(flag, 1, Atomics.load(probe, 0));`, { eval: true, workerData: { pid: this.proc.pid, ms, flag: this.killFlag, probe } });
    const done = new Promise((resolve, reject) => { worker.on('exit', resolve); worker.on('error', reject); });
    return done.then(() => this.exited);
  }

  async stop() {
    if (!this.alive) return;
    this.killing = true;
    this.proc.kill('SIGTERM');
    const { code, signal } = await this.exited;
    if (code !== 0) throw new Error(`server exited with ${code ?? signal} on SIGTERM:\n${this.log()}`);
  }

  req(method, path, opts) { return request(this.base, method, path, opts); }

  log() {
    try { return readFileSync(this.logPath, 'utf8').split('\n').slice(-60).join('\n'); } catch { return ''; }
  }
}
