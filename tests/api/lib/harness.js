// harness.js — one shouhou server per test file, on port 0, with a fresh database cloned
// from the template the test command prepared (DESIGN.md "Tests"). SHOUHOU_TEST_DB picks
// sqlite or postgres. Stopping the server checks that it exits cleanly: under the sanitizer
// build a leak or an error at exit fails the test file.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const bin = process.env.SHOUHOU_BIN || new URL('../../../build/shouhou', import.meta.url).pathname;
export const driver = process.env.SHOUHOU_TEST_DB || 'sqlite';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with scripts/test.sh`);
  return v;
}

function makeDatabase(dir) {
  if (driver === 'sqlite') {
    const path = join(dir, 'test.db');
    copyFileSync(need('SHOUHOU_TEST_SQLITE_TEMPLATE'), path);
    return { url: `sqlite:${path}`, drop() {} };
  }
  if (driver !== 'postgres') throw new Error(`SHOUHOU_TEST_DB must be sqlite or postgres, not ${driver}`);
  const server = need('SHOUHOU_TEST_PG');
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = need('SHOUHOU_TEST_PG_TEMPLATE');
  psql(server, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { url: `${server}/${name}`, drop() { psql(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } };
}

function psql(server, sql) {
  execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', `${server}/postgres`, '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export class Server {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'shouhou-api-'));
    this.db = makeDatabase(this.dir);
    this.logPath = join(this.dir, 'server.log');
    // Extra environment variables for the server and the CLI (SMTP, jobs tick, ...). The
    // background jobs are off unless a test turns them on (SHOUHOU_JOBS: 'on'): a pass at
    // the wall clock's time would add SLA events to other files' tickets at random moments;
    // tests drive them with `jobs run --now` instead.
    this.env = { SHOUHOU_JOBS: 'off' };
  }

  // Runs a CLI subcommand against this server's database; returns stdout.
  cli(args, input) {
    return execFileSync(bin, ['--log-level', 'warning', '--db', this.db.url, ...args], {
      input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...this.env },
    });
  }

  async start(extra = []) {
    const { openSync } = await import('node:fs');
    const log = openSync(this.logPath, 'a');
    this.proc = spawn(bin, ['--db', this.db.url, 'serve', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', log], env: { ...process.env, ...this.env } });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.log()}`)), 20000);
      this.proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on http:\/\/[\d.]+:(\d+)/);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      this.exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${this.log()}`)); });
    });
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  // A second `serve` on the same database, as a second app node behind nginx (DESIGN.md),
  // with extra environment variables; stdout gives its port. stop() resolves with its exit
  // status (or signal).
  async startNode(env = {}) {
    const { openSync } = await import('node:fs');
    const logPath = join(this.dir, `node-${randomBytes(3).toString('hex')}.log`);
    const proc = spawn(bin, ['--db', this.db.url, 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', openSync(logPath, 'a')], env: { ...process.env, ...this.env, ...env },
    });
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
    const port = await new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on http:\/\/[\d.]+:(\d+)/);
        if (m) resolve(Number(m[1]));
      });
      exited.then((code) => reject(new Error(`node exited ${code}: ${readFileSync(logPath, 'utf8')}`)));
    });
    return {
      port,
      base: `http://127.0.0.1:${port}`,
      log: () => readFileSync(logPath, 'utf8'),
      async stop() { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM'); return exited; },
    };
  }

  log() {
    try { return readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n'); } catch { return ''; }
  }

  // Stops the server with SIGTERM and fails if it does not exit with status 0.
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const { code, signal } = await this.exited;
      if (code !== 0) throw new Error(`server exited with ${code ?? signal}:\n${this.log()}`);
    }
    this.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // Makes a user of role with region grants and an API token; returns {id, username, token}.
  user(role, { regions = ['000000'], password, customerId, name } = {}) {
    const username = name || `${role}_${randomBytes(3).toString('hex')}`;
    const args = ['user', 'add', '--username', username, '--role', role, '--regions', regions.join(',')];
    if (customerId) args.push('--customer-id', String(customerId));
    if (!password) args.push('--no-password');
    const out = this.cli(args, password ? `${password}\n` : undefined);
    const id = Number(out.match(/with id (\d+)/)[1]);
    const token = this.cli(['token', 'create', '--user', username]).trim();
    return { id, username, token, role };
  }

  // One HTTP request. body: an object (sent as JSON) or a string (sent as is).
  async req(method, path, { token, body, headers = {}, cookie, csrf } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (cookie) h.Cookie = cookie;
    if (csrf) h['X-CSRF-Token'] = csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      if (!('Content-Type' in h)) h['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    // A live stream (GET /api/v1/events) does not end: read its first event, then hang up.
    const text = (res.headers.get('content-type') || '').startsWith('text/event-stream')
      ? await firstEvent(res) : await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, body: json, text, headers: res.headers };
  }
}

// The text of a server-sent event stream up to its first blank line (the end of the first
// event); the stream is then cancelled.
async function firstEvent(res) {
  if (!res.body) return ''; // HEAD
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

export async function startServer(extra, { env } = {}) {
  const s = new Server();
  Object.assign(s.env, env || {});
  return s.start(extra);
}

// A valid customer body in a region under 330000 (Zhejiang).
export function customerBody(overrides = {}) {
  return {
    name: '杭州华信科技有限公司', kind: 'company', region_code: '330106',
    address: '文三路90号', phone: '0571-88886666', responsible_person: '王伟',
    customer_group: 'enterprise', product_types: ['surveillance'], key_customer: false,
    contacts: [{ name: '李娜', phone: '13800001111', title: '经理', is_primary: true }],
    addresses: [{ label: '机房', region_code: '330106', detail: '文三路90号3楼', is_default: true }],
    ...overrides,
  };
}
