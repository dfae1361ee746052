// abuse.test.js — slow and abusive clients (issue 7 part 8; SPEC L): the server keeps
// answering other clients while many connections trickle their headers a byte at a time
// (slowloris), while one address opens more connections than it may, while a few sockets
// flood it with thousands of requests, and while sign-ins are flooded; it cuts connections
// that are idle or too slow to send their headers (src/http/server.c watch_headers,
// SH_CONNECTION_IDLE_SECONDS); oversized requests get a clean 4xx. The limits are those of
// src/base/limits.h. http.test.js covers the request smuggling and body-size cases, auth.test.js
// the per-account lockout. /* EVIDENCE: SPEC L */
//
// The abusive clients come from other loopback addresses (127.0.0.2 and up: Linux routes all
// of 127/8 to lo), so that the per-address limits fall on them and not on the client that
// must keep being answered (127.0.0.1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startServer } from './lib/harness.js';


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// SH_MAX_CONNECTIONS_PER_IP in src/base/limits.h.
const PER_ADDRESS = 256;

let srv, port, admin;
// Under the sanitizer build, freed memory waits in ASan's quarantine (256 MiB by default) and
// counts as resident: keep it small so that the memory figures below measure the server.
const env = { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:quarantine_size_mb=16` };

before(async () => {
  srv = await startServer([], { env });
  port = Number(new URL(srv.base).port);
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

// One request on a connection of its own from address `from`; resolves with the status, the
// parsed JSON body and how long the answer took.
function call(method, path, { from = '127.0.0.1', to = port, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const h = { ...headers };
    if (body !== undefined) {
      body = typeof body === 'string' ? body : JSON.stringify(body);
      h['Content-Type'] ??= 'application/json';
      h['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port: to, method, path, localAddress: from, agent: false, headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, body: json, text, headers: res.headers, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// A raw connection from `from`: resolves once connected, with helpers to send bytes and to
// see what came back and whether the server closed it (and when).
function open(from, to = port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port: to, localAddress: from });
    const c = { sock, data: '', closed: false, closedAt: 0, openedAt: 0, sent: 0 };
    sock.setEncoding('latin1');
    sock.on('data', (d) => { c.data += d; });
    sock.on('close', () => { c.closed = true; c.closedAt = performance.now(); });
    sock.on('error', () => {});
    sock.once('connect', () => { c.openedAt = performance.now(); resolve(c); });
    sock.once('error', reject);
  });
}

const send = (c, text) => { if (!c.closed) { c.sock.write(text); c.sent += text.length; } };
const statusOf = (c) => { const m = c.data.match(/^HTTP\/1\.1 (\d{3})/); return m ? Number(m[1]) : null; };

// Waits until cond() holds, up to ms; returns whether it did.
async function until(cond, ms) {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

// The resident memory of the server process, in KiB.
function rssKiB(server) {
  const m = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(m[1]);
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function setSetting(key, value) {
  const list = await srv.req('GET', '/api/v1/settings', { token: admin.token });
  const s = list.body.items.find((i) => i.key === key);
  const r = await srv.req('PUT', `/api/v1/settings/${key}`, { token: admin.token, body: { value, version: s.version } });
  assert.equal(r.status, 200, `setting ${key}: ${r.text}`);
}

test('150 connections trickling their headers a byte at a time do not keep another client from being answered', async (t) => {
  // Slowloris: each connection sends the start of a request and then one more header byte
  // every 200 ms, never finishing. The server holds them (they are within every limit, and
  // its header deadline is 30 s) and still answers everybody else at once.
  const slow = [];
  for (let a = 2; a <= 4; a++)
    slow.push(...await Promise.all(Array.from({ length: 50 }, () => open(`127.0.0.${a}`))));
  for (const c of slow) send(c, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Slow: ');
  const trickle = setInterval(() => { for (const c of slow) send(c, 'a'); }, 200);
  const latencies = [];
  try {
    await sleep(500);
    const end = performance.now() + 1500;
    while (performance.now() < end) {
      const health = await call('GET', '/api/v1/health');
      assert.equal(health.status, 200);
      const list = await call('GET', '/api/v1/customers?page_size=5', { headers: { Authorization: `Bearer ${admin.token}` } });
      assert.equal(list.status, 200, list.text);
      latencies.push(health.ms, list.ms);
    }
    const open_ = slow.filter((c) => !c.closed).length;
    assert.equal(open_, 150, 'the server holds every slow connection (none refused, none cut before its deadline)');
    assert.ok(slow.every((c) => c.data === ''), 'no slow connection got an answer: their headers never ended');
  } finally {
    clearInterval(trickle);
    for (const c of slow) c.sock.destroy();
  }
  const worst = Math.max(...latencies);
  t.diagnostic(`slowloris: 150 connections held; ${latencies.length} requests of another client, median ${quantile(latencies, 0.5).toFixed(1)} ms, max ${worst.toFixed(1)} ms`);
  assert.ok(worst < 1000, `the other client waited ${worst.toFixed(0)} ms`);
});

test(`one address gets at most ${PER_ADDRESS} connections; the next is refused while another address is served`, async () => {
  const held = await Promise.all(Array.from({ length: PER_ADDRESS }, () => open('127.0.0.5')));
  try {
    // Each of them is a real, served connection: one request on each (kept alive).
    for (const c of held) send(c, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
    assert.ok(await until(() => held.every((c) => statusOf(c) === 200), 10000),
      `answered: ${held.filter((c) => statusOf(c) === 200).length} of ${PER_ADDRESS}`);
    assert.ok(held.every((c) => !c.closed), 'every connection within the limit is kept open');
    // One more from the same address: accepted by the kernel, then closed unanswered.
    const extra = await open('127.0.0.5');
    send(extra, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
    assert.ok(await until(() => extra.closed, 5000), `connection ${PER_ADDRESS + 1} from one address is closed`);
    assert.equal(statusOf(extra), null, 'and gets no answer');
    // Another address is served at once, and so is the first one again once it closes a connection.
    const other = await call('GET', '/api/v1/health', { from: '127.0.0.6' });
    assert.equal(other.status, 200);
    held.pop().sock.destroy();
    await sleep(200);
    const again = await call('GET', '/api/v1/health', { from: '127.0.0.5' });
    assert.equal(again.status, 200, 'a freed slot can be used again');
  } finally {
    for (const c of held) c.sock.destroy();
  }
});

test('connections that are idle, stopped half-way or trickle their headers are cut after the idle timeout; a steady keep-alive client is not', async (t) => {
  // The idle timeout is 30 s (SH_CONNECTION_IDLE_SECONDS); SHOUHOU_HTTP_IDLE_SECONDS shortens it
  // to 2 s for a second node on the same database. libmicrohttpd's own timeout restarts at
  // every byte: the header deadline (server.c watch_headers) is what cuts a client that keeps
  // sending a byte at a time.
  const quick = await srv.startNode({ SHOUHOU_HTTP_IDLE_SECONDS: '2' });
  const quickPort = quick.port;
  let stopped = false;
  try {
    const [idle, half, trickling, steady] = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'].map((a) => open(a, quickPort)));
    send(half, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\n');
    send(trickling, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Slow: ');
    const head = trickling.sent;
    const trickle = setInterval(() => send(trickling, 'a'), 200);
    // The steady client: a whole request every 600 ms on one connection, for over 3 s.
    let answered = 0;
    const steadyRun = (async () => {
      for (let i = 0; i < 6; i++) {
        const before_ = steady.data.length;
        send(steady, 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
        if (await until(() => /\r\n\r\n\{[^]*\}$/.test(steady.data.slice(before_)), 3000)) answered++;
        await sleep(600);
      }
    })();
    try {
      assert.ok(await until(() => idle.closed && half.closed && trickling.closed, 8000), 'the server cut them');
    } finally {
      clearInterval(trickle);
    }
    await steadyRun;
    for (const [name, c] of [['idle', idle], ['half a request', half], ['trickling', trickling]]) {
      const after_ = (c.closedAt - c.openedAt) / 1000;
      assert.ok(after_ >= 1.8 && after_ <= 4.5, `${name}: cut after ${after_.toFixed(1)} s (timeout 2 s)`);
      assert.equal(c.data, '', `${name}: cut without an answer`);
    }
    assert.ok(trickling.sent - head >= 8, `the trickling client was still sending when it was cut (${trickling.sent - head} bytes)`);
    assert.equal(answered, 6, 'every request of the steady client was answered');
    assert.equal(steady.closed, false, 'and its connection was kept, well past the timeout');
    assert.equal((steady.data.match(/HTTP\/1\.1 200 /g) || []).length, 6);
    t.diagnostic(`cut after: idle ${((idle.closedAt - idle.openedAt) / 1000).toFixed(2)} s, half ${((half.closedAt - half.openedAt) / 1000).toFixed(2)} s, trickling ${((trickling.closedAt - trickling.openedAt) / 1000).toFixed(2)} s (${trickling.sent} bytes sent)`);
    steady.sock.destroy();
    assert.equal(await quick.stop(), 0, 'the node exits cleanly');
    stopped = true;
    assert.match(quick.log(), /msg=request_header_timeout address=127\.0\.0\.4/, 'the cut of the trickling client is logged with its address');
  } finally {
    if (!stopped) await quick.stop();
  }
});

// Sends `count` requests pipelined on each of `sockets` keep-alive connections from `from`
// (three in four the health check, one a page of customers with a token); resolves with the
// number of 200 answers once every answer is in (or the wait is over).
async function flood(from, sockets, count) {
  const conns = await Promise.all(Array.from({ length: sockets }, () => open(from)));
  const auth = `Authorization: Bearer ${admin.token}\r\n`;
  const batch = 50;
  await Promise.all(conns.map(async (c) => {
    for (let sent = 0; sent < count && !c.closed; sent += batch) {
      let text = '';
      for (let i = 0; i < Math.min(batch, count - sent); i++)
        text += i % 4 === 3 ? `GET /api/v1/customers?page_size=2 HTTP/1.1\r\nHost: t\r\n${auth}\r\n` : 'GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n';
      send(c, text);
      // At most two batches in flight per socket: wait for the ones before this one.
      await until(() => (c.data.match(/HTTP\/1\.1 \d{3} /g) || []).length >= sent || c.closed, 30000);
    }
    await until(() => (c.data.match(/HTTP\/1\.1 \d{3} /g) || []).length >= count || c.closed, 30000);
  }));
  const ok = conns.reduce((n, c) => n + (c.data.match(/HTTP\/1\.1 200 /g) || []).length, 0);
  const others = conns.flatMap((c) => c.data.match(/HTTP\/1\.1 (?!200 )\d{3} .*|"code":"[a-z_]+"/g) || []);
  if (ok !== sockets * count) console.log(`flood: ${ok} answered 200; others: ${[...new Set(others)].join(', ')}; closed: ${conns.filter((c) => c.closed).length}`);
  for (const c of conns) c.sock.destroy();
  return ok;
}

test('a flood of 2400 requests from 8 sockets: another client is answered within a bound, nothing crashes, memory stays bounded', async (t) => {
  const sockets = 8, each = 150;
  // Warm up first, on 64 sockets so that every handler thread (64) gets work: each has its own
  // allocator cache, database connection and prepared statements, which are made once.
  assert.equal(await flood('127.0.0.7', 64, 20), 64 * 20);
  const base = rssKiB(srv);
  const rss = [];
  const latencies = [];
  for (const round of [1, 2]) {
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        const r = await call('GET', '/api/v1/health');
        assert.equal(r.status, 200);
        latencies.push(r.ms);
        await sleep(10);
      }
    })();
    const started = performance.now();
    const ok = await flood(`127.0.0.${7 + round}`, sockets, each);
    const seconds = (performance.now() - started) / 1000;
    flooding = false;
    await probe;
    assert.equal(ok, sockets * each, `round ${round}: every flood request answered 200`);
    rss.push(rssKiB(srv));
    t.diagnostic(`flood round ${round}: ${sockets * each} requests in ${seconds.toFixed(1)} s (${Math.round((sockets * each) / seconds)}/s), RSS ${Math.round(rss.at(-1) / 1024)} MiB`);
  }
  const worst = Math.max(...latencies);
  t.diagnostic(`other client during the floods: ${latencies.length} requests, median ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms, max ${worst.toFixed(1)} ms; RSS before ${Math.round(base / 1024)} MiB`);
  assert.ok(latencies.length >= 4, 'the other client was probing during the floods');
  assert.ok(worst < 2000, `the other client waited up to ${worst.toFixed(0)} ms`);
  // Nothing is kept per request: 2400 requests after the warm-up leave the normal build within
  // 32 MiB of where it was (it moves by 1-3 MiB; 14 KiB kept per request would be past it).
  // Under ASan the allocator's per-thread caches and quarantine move it by up to ~60 MiB, so the
  // bound there is looser; LeakSanitizer at exit (harness stop()) is that build's leak check.
  const asan = readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8').includes('libasan');
  const growth = (Math.max(...rss) - base) / 1024;
  assert.ok(growth < (asan ? 160 : 32), `RSS grew by ${growth.toFixed(1)} MiB over the floods`);
  assert.equal((await srv.req('GET', '/api/v1/health')).status, 200);
});

test('oversized requests get a clean 4xx and the server keeps answering', async () => {
  // http.test.js: a 40 KiB header block is 431, bodies over 1 MiB 413. Here: the other ways a
  // request line or header block can be too large; each must be answered (never a hang or a
  // reset without a status) and the connection closed where the request could not be read.
  const raw = async (text) => {
    const c = await open('127.0.0.8');
    send(c, text);
    await until(() => c.closed || /\r\n\r\n/.test(c.data), 5000);
    await until(() => c.closed, 1000);
    c.sock.destroy();
    return c;
  };
  const many = Array.from({ length: 4000 }, (_, i) => `a${i}:b\r\n`).join('');
  const cookies = Array.from({ length: 2000 }, (_, i) => `c${i}=v`).join('; ');
  const cases = [
    // [what, request, status, closed]
    ['one header line of 40 KiB', `GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Long: ${'x'.repeat(40 * 1024)}\r\n\r\n`, 431, true],
    ['4000 tiny headers', `GET /api/v1/health HTTP/1.1\r\nHost: t\r\n${many}\r\n`, 431, true],
    ['a cookie of 40 KiB', `GET /api/v1/auth/me HTTP/1.1\r\nHost: t\r\nCookie: shouhou_session=${'x'.repeat(40 * 1024)}\r\n\r\n`, 431, true],
    ['2000 cookies in one header', `GET /api/v1/auth/me HTTP/1.1\r\nHost: t\r\nCookie: ${cookies}\r\n\r\n`, 431, true],
    ['a URL of 40 KiB', `GET /api/v1/customers?q=${'a'.repeat(40 * 1024)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414, true],
  ];
  for (const [what, text, status, closed] of cases) {
    const c = await raw(text);
    assert.equal(statusOf(c), status, `${what}: ${JSON.stringify(c.data.slice(0, 80))}`);
    assert.equal(c.closed, closed, `${what}: connection ${c.closed ? 'closed' : 'kept'}`);
  }
  // Within the header memory but past our own bounds: answered by the API, as JSON.
  const longPath = await call('GET', `/api/v1/customers/${'9'.repeat(2000)}`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(longPath.status, 404, 'a path longer than any route names nothing');
  assert.equal(longPath.body.error.code, 'not_found');
  const longQuery = await call('GET', `/api/v1/customers?q=${'a'.repeat(5000)}`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(longQuery.status, 400, longQuery.text);
  assert.deepEqual([longQuery.body.error.code, longQuery.body.error.field], ['field_length', 'q']);
  const longCookie = await call('GET', '/api/v1/auth/me', { headers: { Cookie: `shouhou_session=${'x'.repeat(4000)}` } });
  assert.equal(longCookie.status, 401, 'a session cookie of 4000 bytes is just not a session');
  assert.equal((await call('GET', '/api/v1/health')).status, 200, 'the server still answers');
});

test('a sign-in flood of many usernames from one address is cut by the address limit; other addresses still sign in', async (t) => {
  // auth.address_max_failures (default 50 per 15 minutes) counts failures from one address
  // whatever the username; auth.test.js shows it for one username. Here a burst of 30 distinct
  // usernames, 5 at a time, with the limit at 8.
  const password = 'pw-abuse-1234';
  const user = srv.user('agent', { password });
  await setSetting('auth.address_max_failures', 8);
  try {
    const statuses = [];
    for (let i = 0; i < 20; i += 5) {
      const burst = await Promise.all(Array.from({ length: 5 }, (_, k) =>
        call('POST', '/api/v1/auth/login', { from: '127.0.0.20', body: { username: `guess_${i + k}`, password: 'wrong-password' } })));
      statuses.push(...burst.map((r) => r.status));
    }
    const checked = statuses.filter((s) => s === 401).length;
    const refused = statuses.filter((s) => s === 429).length;
    t.diagnostic(`sign-in flood from one address: ${checked} checked (401), ${refused} refused (429), ${20 - checked - refused} busy (503)`);
    assert.ok(checked <= 8, `${checked} of 20 guesses were checked (limit 8 per address)`);
    assert.ok(refused >= 10, `${refused} of 20 guesses were refused with 429`);
    assert.deepEqual(statuses.filter((s) => ![401, 429, 503].includes(s)), [], 'nothing but 401, 429 and 503 (busy)');
    // The limit is on the socket's address: a forwarded-for header does not change it.
    const spoofed = await call('POST', '/api/v1/auth/login', { from: '127.0.0.20', headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7' }, body: { username: user.username, password } });
    assert.equal(spoofed.status, 429, 'still refused with X-Forwarded-For');
    assert.equal(spoofed.body.error.code, 'too_many_attempts');
    // Another address signs in with the right password, at once.
    const other = await call('POST', '/api/v1/auth/login', { from: '127.0.0.21', body: { username: user.username, password } });
    assert.equal(other.status, 200, other.text);
    assert.match(other.headers['set-cookie'][0], /^shouhou_session=/);
  } finally {
    await setSetting('auth.address_max_failures', 50);
  }
});

test('concurrent sign-ins from many addresses are checked a few at a time: memory stays bounded and other clients are answered', async (t) => {
  // argon2id holds 64 MiB per check; at most SH_MAX_PASSWORD_CHECKS (4) run at once, a sign-in
  // that waits longer than SH_PASSWORD_CHECK_WAIT_MS (1 s) for one is answered 503 (try again).
  // Before that bound 48 such sign-ins had 48 checks running at once, the server at 1.6 GB.
  const peakBefore = Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m)[1]);
  const base = rssKiB(srv);
  let flooding = true;
  const latencies = [];
  const probe = (async () => {
    while (flooding) {
      const r = await call('GET', '/api/v1/health');
      assert.equal(r.status, 200);
      latencies.push(r.ms);
      await sleep(50);
    }
  })();
  const logins = await Promise.all(Array.from({ length: 48 }, (_, i) =>
    call('POST', '/api/v1/auth/login', { from: `127.0.1.${i + 1}`, body: { username: `nobody_${i}`, password: 'wrong-password' } })));
  flooding = false;
  await probe;
  const peak = Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m)[1]);
  const counts = {};
  for (const r of logins) counts[r.status] = (counts[r.status] || 0) + 1;
  t.diagnostic(`48 concurrent sign-ins: ${JSON.stringify(counts)}; peak RSS ${Math.round(peak / 1024)} MiB (before ${Math.round(peakBefore / 1024)}, resident at start ${Math.round(base / 1024)}); other client max ${Math.max(...latencies).toFixed(0)} ms`);
  assert.deepEqual(Object.keys(counts).filter((s) => s !== '401' && s !== '503'), [], 'only 401 (checked) or 503 (busy)');
  assert.ok(counts[401] >= 4, 'at least as many checked as run at once');
  for (const r of logins.filter((x) => x.status === 503)) assert.equal(r.body.error.code, 'unavailable');
  // 4 checks × 64 MiB over what the server held before, with room for its own growth (48
  // unbounded checks would be 3 GiB).
  assert.ok(peak - base < 4 * 64 * 1024 + 128 * 1024, `peak RSS ${Math.round(peak / 1024)} MiB over a base of ${Math.round(base / 1024)} MiB`);
  assert.ok(Math.max(...latencies) < 2000, 'another client kept being answered');
});
