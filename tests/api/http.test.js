// http.test.js — the HTTP layer itself (src/http/server.c, src/base/limits.h,
// src/api/metrics.c): keep-alive, refusing ambiguous or oversized requests before reading
// them, the idle timeout, the security headers every response carries, 405 with Allow, and
// the Prometheus text of /metrics (loopback or a token only: DESIGN.md "API conventions").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { startServer, customerBody } from './lib/harness.js';

let srv, port, admin;

before(async () => {
  srv = await startServer();
  port = Number(new URL(srv.base).port);
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

// Sends raw bytes; resolves with what came back once a whole response arrived (unless
// untilClose), the server closed the connection, or `wait` ms passed. closed: the server
// closed it.
function raw(text, { host = '127.0.0.1', wait = 3000, to = port, untilClose = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = net.connect({ host, port: to });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const s = data.toString('latin1');
      const head = s.split('\r\n\r\n')[0];
      const m = head.match(/^HTTP\/1\.[01] (\d{3})/);
      const headers = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: m ? Number(m[1]) : null, headers, text: s, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), wait);
    sock.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const s = data.toString('latin1');
      const end = s.indexOf('\r\n\r\n');
      if (end < 0 || untilClose) return;
      const len = s.slice(0, end).match(/\r\ncontent-length:\s*(\d+)/i);
      if (len && data.length >= Buffer.byteLength(s.slice(0, end + 4), 'latin1') + Number(len[1])) finish(false);
    });
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', (e) => (done ? null : e.code === 'ECONNRESET' ? finish(true) : reject(e)));
    sock.write(text);
  });
}

function securityHeaders(h, what) {
  const get = (k) => (typeof h.get === 'function' ? h.get(k) : h[k]);
  assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.match(get('content-security-policy') || '', /frame-ancestors 'none'/, `${what}: Content-Security-Policy`);
  assert.ok(get('referrer-policy'), `${what}: Referrer-Policy`);
  assert.match(get('cache-control') || '', /no-store/, `${what}: Cache-Control`);
}

test('keep-alive: two requests, one connection, no Connection: close', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method, path, body, headers = {}) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: b, reused: req.reusedSocket, local: req.socket.localPort }));
    });
    req.on('error', reject);
    req.end(body);
  });
  try {
    const a = await call('GET', '/api/v1/health');
    const b = await call('GET', '/api/v1/health');
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(b.reused, true, 'the second request reused the socket');
    assert.equal(b.local, a.local);
    for (const r of [a, b]) assert.notEqual((r.headers.connection || '').toLowerCase(), 'close');
    // A request with a body, an error answer and a handled request, still on the same socket.
    const body = JSON.stringify(customerBody({ name: '长连接客户' }));
    const c = await call('POST', '/api/v1/customers', body, { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    assert.equal(c.status, 201, c.body);
    const d = await call('GET', '/api/v1/no-such-thing');
    assert.equal(d.status, 404);
    const e = await call('GET', '/api/v1/customers', undefined, { Authorization: `Bearer ${admin.token}` });
    assert.equal(e.status, 200);
    for (const r of [c, d, e]) {
      assert.equal(r.reused, true);
      assert.equal(r.local, a.local);
      assert.notEqual((r.headers.connection || '').toLowerCase(), 'close');
    }
  } finally {
    agent.destroy();
  }
});

test('two Content-Length headers are 400', async () => {
  for (const [x, y] of [[2, 2], [2, 40]]) {
    const r = await raw(`POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${x}\r\nContent-Length: ${y}\r\n\r\n{}`);
    assert.equal(r.status, 400, `Content-Length ${x} and ${y}:\n${r.text}`);
  }
});

test('a declared Content-Length over 1 MiB with Expect: 100-continue is 413 before any of the body is sent', async () => {
  const r = await raw(`POST /api/v1/customers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${1024 * 1024 + 1}\r\n\r\n`);
  assert.equal(r.status, 413, r.text);
  assert.ok(r.ms < 2500, 'answered without waiting for the body');
  assert.match(r.text, /"code":"too_large"/);
  securityHeaders(r.headers, '413');
  // Past the discard bound (16 MiB) the server does not wait for the body either.
  const huge = await raw(`POST /api/v1/customers HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 99999999999999\r\n\r\n`);
  assert.equal(huge.status, 413, huge.text);
  assert.ok(huge.ms < 2500, 'answered without waiting for the body');
});

test('a chunked body that grows past 1 MiB is answered 413, not dropped without an answer', async () => {
  // DESIGN.md API conventions: an oversized request gets 413; SPEC L: "Nothing is ever silently lost".
  const chunk = `10000\r\n${'a'.repeat(0x10000)}\r\n`;
  const r = await new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (closed) => { clearTimeout(timer); sock.destroy(); resolve({ closed, text: data }); };
    const timer = setTimeout(() => done(false), 5000);
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => done(true));
    sock.on('error', () => {});
    sock.write(`POST /api/v1/customers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    (async () => {
      for (let i = 0; i < 20 && !sock.destroyed; i++) { sock.write(chunk); await new Promise((res) => setImmediate(res)); }
      if (!sock.destroyed) sock.write('0\r\n\r\n');
    })();
  });
  assert.match(r.text, /^HTTP\/1\.1 413 /, `got ${r.closed ? 'the connection closed' : 'no close'} after: ${JSON.stringify(r.text.slice(0, 120))}`);
});

test('a request with both Content-Length and Transfer-Encoding is refused, or answered and the connection closed', async () => {
  // RFC 9112 6.3: such a message "ought to be handled as an error"; a server that processes it
  // anyway "MUST close the connection after responding" (request smuggling). The server already
  // refuses two Content-Length headers for the same reason.
  const r = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n' +
    'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n', { wait: 1500, untilClose: true });
  const answers = r.text.match(/HTTP\/1\.1 \d{3}/g) || [];
  assert.ok(r.status === 400 || r.closed, `status ${r.status}, connection ${r.closed ? 'closed' : 'kept open'}`);
  assert.ok(answers.length <= 1, `the request smuggled behind it was answered too: ${answers.join(', ')}`);
});

test('a header block over 32 KiB is refused (431) and the connection closed', async () => {
  const r = await raw(`GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Padding: ${'p'.repeat(40 * 1024)}\r\n\r\n`, { untilClose: true });
  assert.equal(r.status, 431, r.text.slice(0, 200));
  assert.equal(r.closed, true);
});

test('a body of exactly 1 MiB is read and judged on its content, not refused as too large', async () => {
  const prefix = '{"name":"';
  const suffix = '"}';
  const body = prefix + 'a'.repeat(1024 * 1024 - prefix.length - suffix.length) + suffix;
  assert.equal(Buffer.byteLength(body), 1024 * 1024);
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.field, 'name');
});

test('a body that is not JSON is 415', async () => {
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
  assert.equal(r.body.error.code, 'unsupported_media_type');
  securityHeaders(r.headers, '415');
});

test('every response carries the security headers: nosniff, CSP frame-ancestors none, Referrer-Policy, Cache-Control no-store', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const cases = [
    ['GET', '/api/v1/health', {}],
    ['GET', '/metrics', {}],
    ['GET', '/api/v1/no-such-thing', {}],
    ['DELETE', '/api/v1/health', {}],
    ['GET', '/api/v1/customers', {}],
    ['GET', '/api/v1/audit', { token: agent.token }],
    ['GET', '/api/v1/customers', { token: agent.token }],
    ['POST', '/api/v1/customers', { token: agent.token, body: {} }],
    ['POST', '/api/v1/customers', { token: agent.token, body: customerBody({ name: '安全头客户' }) }],
    ['POST', '/api/v1/auth/logout', { token: agent.token }],
    ['POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'wrong-password' } }],
    ['POST', '/api/v1/auth/login', { body: '{' }],
  ];
  const statuses = new Set();
  for (const [method, path, opts] of cases) {
    const r = await srv.req(method, path, opts);
    statuses.add(r.status);
    securityHeaders(r.headers, `${method} ${path} → ${r.status}`);
  }
  assert.deepEqual([...statuses].sort(), [200, 201, 204, 400, 401, 403, 404, 405, 422]);
  const twoLengths = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}');
  securityHeaders(twoLengths.headers, 'two Content-Length → 400');
});

test('a path with another method is 405 with an Allow header naming the methods', async () => {
  const one = await srv.req('PUT', '/api/v1/customers', { token: admin.token, body: {} });
  assert.equal(one.status, 405);
  assert.equal(one.body.error.code, 'method_not_allowed');
  assert.deepEqual(one.headers.get('allow').split(/,\s*/).sort(), ['GET', 'POST']);
  const item = await srv.req('POST', '/api/v1/customers/1', { token: admin.token, body: {} });
  assert.equal(item.status, 405);
  assert.deepEqual(item.headers.get('allow').split(/,\s*/).sort(), ['DELETE', 'GET', 'PATCH']);
  const anon = await srv.req('DELETE', '/api/v1/settings');
  assert.equal(anon.status, 405, 'the method is checked before credentials');
  assert.equal(anon.headers.get('allow'), 'GET');
});

test('/metrics from loopback is Prometheus text with requests by route and status, latency buckets and database time', async () => {
  for (let i = 0; i < 3; i++) await srv.req('GET', '/api/v1/health');
  await srv.req('GET', '/api/v1/no-such-thing');
  await srv.req('GET', '/api/v1/auth/me');
  // the table's last route: every route has its own counters (past the 64th they once fell
  // into "unmatched")
  await srv.req('GET', '/api/v1/complaint-categories');
  let r;
  for (let tries = 0; tries < 20; tries++) { // the counters are bumped when a response completes
    r = await srv.req('GET', '/metrics');
    if (/route="unmatched",status="404"/.test(r.text) && /route="\/api\/v1\/auth\/me",status="401"/.test(r.text) &&
        /route="\/api\/v1\/complaint-categories",status="401"/.test(r.text)) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const t = r.text;
  assert.match(t, /^# TYPE shouhou_http_requests_total counter$/m);
  const health = t.match(/^shouhou_http_requests_total\{method="GET",route="\/api\/v1\/health",status="200"\} (\d+)$/m);
  assert.ok(health && Number(health[1]) >= 3, 'health requests counted by route and status');
  assert.match(t, /^shouhou_http_requests_total\{method="GET",route="\/api\/v1\/auth\/me",status="401"\} \d+$/m);
  assert.match(t, /^shouhou_http_requests_total\{method="GET",route="\/api\/v1\/complaint-categories",status="401"\} \d+$/m);
  assert.match(t, /^shouhou_http_requests_total\{method="",route="unmatched",status="404"\} \d+$/m);
  assert.match(t, /^# TYPE shouhou_http_request_duration_seconds histogram$/m);
  const buckets = [...t.matchAll(/^shouhou_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/health",le="([^"]+)"\} (\d+)$/gm)];
  assert.ok(buckets.length >= 2, 'latency buckets for the health route');
  assert.equal(buckets.at(-1)[1], '+Inf');
  const counts = buckets.map((b) => Number(b[2]));
  assert.deepEqual(counts, [...counts].sort((x, y) => x - y), 'buckets are cumulative');
  assert.equal(counts.at(-1), Number(health[1]), '+Inf bucket counts every health request');
  assert.match(t, /^shouhou_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/health"\} \d+$/m);
  assert.match(t, /^shouhou_db_seconds_total \d+(\.\d+)?$/m);
  assert.match(t, /^shouhou_db_statements_total \d+$/m);
  // Every sample line is name{labels} value: nothing malformed for a scraper.
  for (const line of t.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.match(line, /^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$/, line);
});

// The server must listen beyond loopback for these: a second server on 0.0.0.0, called from
// this machine's own non-loopback address.
async function remoteServer(fn) {
  const address = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) return false;
  const wide = await startServer(['--listen', '0.0.0.0']);
  try {
    await fn(wide, address, Number(new URL(wide.base).port));
  } finally {
    await wide.stop();
  }
  return true;
}

test('/metrics from another address answers only with a valid API token', async (t) => {
  const ran = await remoteServer(async (wide, address, widePort) => {
    const token = wide.user('technician').token;
    const anon = await raw('GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n', { host: address, to: widePort });
    assert.ok([401, 403].includes(anon.status), anon.text);
    assert.ok(!/shouhou_http_requests_total/.test(anon.text), 'no metrics for an anonymous remote caller');
    const bad = await raw(`GET /metrics HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer shh_${'x'.repeat(43)}\r\n\r\n`, { host: address, to: widePort });
    assert.ok([401, 403].includes(bad.status), bad.text);
    assert.ok(!/shouhou_http_requests_total/.test(bad.text));
    const ok = await raw(`GET /metrics HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${token}\r\n\r\n`, { host: address, to: widePort, wait: 5000 });
    assert.equal(ok.status, 200, ok.text.slice(0, 300));
    assert.match(ok.text, /shouhou_db_seconds_total/);
  });
  if (!ran) t.skip('no non-loopback IPv4 address to call from');
});

test('/metrics refuses a remote caller without credentials with 401, as every unauthenticated request', async (t) => {
  // DESIGN.md API conventions: "401 no or expired session; 403 role lacks the action".
  const ran = await remoteServer(async (wide, address, widePort) => {
    const anon = await raw('GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n', { host: address, to: widePort });
    assert.equal(anon.status, 401, anon.text);
  });
  if (!ran) t.skip('no non-loopback IPv4 address to call from');
});

test('an idle connection is closed by the server after the idle timeout (30 s)', { skip: process.env.SHOUHOU_TEST_SLOW ? false : 'takes 30 s: set SHOUHOU_TEST_SLOW=1' }, async () => {
  // An idle connection, and one that sent half a request, side by side.
  const [idle, half] = await Promise.all([raw('', { wait: 45000 }), raw('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n', { wait: 45000 })]);
  for (const r of [idle, half]) {
    assert.equal(r.closed, true, 'the server closed the idle connection');
    assert.ok(r.ms >= 25000 && r.ms <= 40000, `closed after ${r.ms} ms`);
    assert.equal(r.status, null, 'without answering anything');
  }
});
