// static.test.js — the web files at / (src/http/static.c; DESIGN.md "Web files", docs/web.md
// "Serving the UI"): content types, pre-compressed copies for clients that take gzip, a year
// of caching for hashed assets and revalidation for the rest, ETag and 304, the history-mode
// fallback to index.html, paths that try to leave the directory, GET and HEAD only, the
// security headers, no session needed, and the 503 that says how to build a missing UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from './lib/harness.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const INDEX = '<!doctype html><html lang="zh-CN"><head><title>售后</title></head><body><div id="app"></div></body></html>\n';
const APP = 'console.log("售后服务管理系统");\n'.repeat(40);
const FAVICON = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]);

let srv, port, admin, web, outside;

before(async () => {
  web = mkdtempSync(join(tmpdir(), 'shouhou-web-'));
  outside = mkdtempSync(join(tmpdir(), 'shouhou-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'outside the web directory\n');
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), INDEX);
  writeFileSync(join(web, 'assets', 'app-abc123.js'), APP);
  writeFileSync(join(web, 'assets', 'app-abc123.js.gz'), gzipSync(APP));
  writeFileSync(join(web, 'assets', 'logo-def456.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(web, 'favicon.ico'), FAVICON);
  writeFileSync(join(web, '.env'), 'SECRET=1\n');
  symlinkSync(join(outside, 'secret.txt'), join(web, 'link.txt'));
  symlinkSync(outside, join(web, 'linkdir'));
  srv = await startServer(['--web-dir', web]);
  port = Number(new URL(srv.base).port);
  admin = srv.user('admin');
});
after(async () => {
  await srv.stop();
  rmSync(web, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

// One request with node:http (which, unlike fetch, neither decompresses nor normalizes
// much): {status, headers, body: Buffer}.
function get(path, { method = 'GET', headers = {}, to = port } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: to, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Raw bytes on one connection (for targets no client library sends as they are); resolves with
// everything that came back within `wait` ms.
function raw(text, wait = 700) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(data.toString('utf8')); }, wait);
    sock.write(text);
  });
}

function assertSecurity(r, what) {
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(r.headers['referrer-policy'], 'same-origin', what);
  assert.equal(r.headers['x-frame-options'], 'DENY', what);
  assert.equal(r.headers['content-security-policy'], CSP, what);
  assert.equal(r.headers.vary, 'Accept-Encoding', what);
}

test('each file type goes out with its content type and the security headers', async () => {
  for (const [path, type, body] of [
    ['/', 'text/html; charset=utf-8', INDEX],
    ['/index.html', 'text/html; charset=utf-8', INDEX],
    ['/assets/app-abc123.js', 'text/javascript; charset=utf-8', APP],
    ['/assets/logo-def456.svg', 'image/svg+xml', null],
    ['/favicon.ico', 'image/x-icon', null],
  ]) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.equal(r.headers['content-encoding'], undefined, `${path}: not compressed unless asked`);
    if (body) assert.equal(r.body.toString('utf8'), body, path);
    assertSecurity(r, path);
  }
  assert.deepEqual((await get('/favicon.ico')).body, FAVICON);
});

test('a client that takes gzip gets the pre-compressed copy; others the file itself', async () => {
  for (const ae of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.5', '*', 'x-gzip']) {
    const r = await get('/assets/app-abc123.js', { headers: { 'Accept-Encoding': ae } });
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'], 'gzip', ae);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8', ae);
    assert.equal(Number(r.headers['content-length']), r.body.length, ae);
    assert.deepEqual(r.body, readFileSync(join(web, 'assets', 'app-abc123.js.gz')), ae);
    assert.equal(r.headers.vary, 'Accept-Encoding');
  }
  for (const ae of ['gzip;q=0', 'br', 'identity', '*;q=0', 'deflate, gzip;q=0.000', '']) {
    const r = await get('/assets/app-abc123.js', { headers: { 'Accept-Encoding': ae } });
    assert.equal(r.headers['content-encoding'], undefined, `"${ae}" does not take gzip`);
    assert.equal(r.body.toString('utf8'), APP, ae);
    assert.equal(r.headers.vary, 'Accept-Encoding');
  }
  // No .gz beside it: the file itself, whatever the client takes.
  const svg = await get('/assets/logo-def456.svg', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(svg.headers['content-encoding'], undefined);
});

test('hashed assets are cached for a year; index.html and the rest are revalidated', async () => {
  const immutable = 'public, max-age=31536000, immutable';
  assert.equal((await get('/assets/app-abc123.js')).headers['cache-control'], immutable);
  assert.equal((await get('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip' } })).headers['cache-control'], immutable);
  assert.equal((await get('/assets/logo-def456.svg')).headers['cache-control'], immutable);
  assert.equal((await get('/')).headers['cache-control'], 'no-cache');
  assert.equal((await get('/index.html')).headers['cache-control'], 'no-cache');
  assert.equal((await get('/favicon.ico')).headers['cache-control'], 'no-cache');
  assert.equal((await get('/tickets/12')).headers['cache-control'], 'no-cache');
});

test('an ETag comes with every file, and a matching If-None-Match is a 304 without a body', async () => {
  const first = await get('/assets/app-abc123.js');
  const etag = first.headers.etag;
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  const gz = await get('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.notEqual(gz.headers.etag, etag, 'the gzip copy is another representation');
  for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
    const r = await get('/assets/app-abc123.js', { headers: { 'If-None-Match': inm } });
    assert.equal(r.status, 304, inm);
    assert.equal(r.body.length, 0, inm);
    assert.equal(r.headers.etag, etag, inm);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', inm);
    assert.equal(r.headers.vary, 'Accept-Encoding', inm);
  }
  const other = await get('/assets/app-abc123.js', { headers: { 'If-None-Match': '"0-0"' } });
  assert.equal(other.status, 200);
  const gz304 = await get('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } });
  assert.equal(gz304.status, 304);
  const index = await get('/');
  assert.equal((await get('/', { headers: { 'If-None-Match': index.headers.etag } })).status, 304);
  // A new build changes the file: the old tag no longer matches.
  writeFileSync(join(web, 'index.html'), INDEX.replace('售后', '售后服务'));
  const changed = await get('/', { headers: { 'If-None-Match': index.headers.etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.etag, index.headers.etag);
  writeFileSync(join(web, 'index.html'), INDEX);
});

test('a path without an extension that names no file is a UI route: index.html; a missing file is a 404', async () => {
  for (const path of ['/tickets/12', '/dispatch', '/login', '/visits/calls', '/%E5%AE%A2%E6%88%B7']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', path);
    assert.equal(r.body.toString('utf8'), INDEX, path);
  }
  for (const path of ['/missing.js', '/assets/app-000000.js', '/assets/missing', '/robots.txt', '/a/b/c.css']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', path);
    assert.equal(r.headers.vary, 'Accept-Encoding', path);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
  }
});

test('no path leaves the directory: dot segments, encoded dots, NUL, empty segments, backslashes, links', async () => {
  const attempts = [
    '/../etc/passwd', '/assets/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/%2E%2E%2Fetc%2Fpasswd',
    '/..%2f..%2fetc%2fpasswd', '/index.html%00.js', '/%00', '/assets/app-abc123.js%00', '//etc/passwd',
    '/assets//app-abc123.js', '/./index.html', '/assets/', '/a\\..\\..\\etc\\passwd', '/%5c..%5cetc%5cpasswd',
    '/%c0%ae%c0%ae/etc/passwd', '/%ff', '/.env', '/assets/.%2e/index.html', '/link.txt', '/linkdir/secret.txt',
    '/%01', '/index.html%0a',
  ];
  for (const path of attempts) {
    const text = await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    const status = Number((text.match(/^HTTP\/1\.1 (\d{3})/) || [])[1]);
    assert.ok([400, 404].includes(status), `${path}: ${text.slice(0, 80)}`);
    assert.ok(!/root:|outside the web directory|SECRET=/.test(text), `${path} leaked a file`);
  }
  // The file a link points to is really there: only the link is refused. A link to a
  // directory, named without an extension, is no file: the UI's own page answers.
  assert.equal(readFileSync(join(web, 'link.txt'), 'utf8'), 'outside the web directory\n');
  const linkdir = await get('/linkdir');
  assert.equal(linkdir.body.toString('utf8'), INDEX);
});

test('the API keeps its JSON answers; /metrics is not a file', async () => {
  for (const path of ['/api/v1/nonexistent', '/api/v2/x', '/api']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.headers['content-type'], /^application\/json/, path);
    assert.equal(JSON.parse(r.body).error.code, 'not_found', path);
  }
  const health = await get('/api/v1/health');
  assert.equal(health.status, 200);
  const metrics = await get('/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.body.toString(), /shouhou_http_requests_total\{method="GET",route="static",status="200"\} \d+/);
  assert.match(metrics.body.toString(), /shouhou_http_requests_total\{method="GET",route="static",status="404"\} \d+/);
});

test('HEAD answers the headers of GET without the body', async () => {
  for (const [path, length] of [['/', INDEX], ['/assets/app-abc123.js', APP], ['/tickets/3', INDEX]]) {
    const r = await get(path, { method: 'HEAD' });
    assert.equal(r.status, 200, path);
    assert.equal(r.body.length, 0, path);
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(length), path);
    assert.ok(r.headers.etag, path);
    assertSecurity(r, path);
  }
});

test('other methods are a 405 naming GET and HEAD', async () => {
  for (const [method, path] of [['POST', '/'], ['PUT', '/index.html'], ['DELETE', '/assets/app-abc123.js'], ['PATCH', '/tickets/1'], ['OPTIONS', '/']]) {
    const r = await get(path, { method });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.allow, 'GET, HEAD', `${method} ${path}`);
    assert.equal(r.headers['x-frame-options'], 'DENY');
  }
  // A body on the way is read and the connection kept (the 405 comes on the final call).
  const r = await srv.req('POST', '/', { body: { a: 1 } });
  assert.equal(r.status, 405);
});

test('the files need no session: anonymous callers, cookies and tokens alike', async () => {
  for (const headers of [{}, { Authorization: `Bearer ${admin.token}` }, { Authorization: 'Bearer shh_wrong' }, { Cookie: 'shouhou_session=nope' }]) {
    const r = await get('/', { headers });
    assert.equal(r.status, 200, JSON.stringify(headers));
    assert.equal(r.headers['set-cookie'], undefined);
  }
});

test('keep-alive: several files on one connection, each on its final call', async () => {
  const req = (p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
  const text = await raw(req('/') + req('/favicon.ico') + req('/tickets/1') + req('/missing.js'));
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [200, 200, 200, 404]);
});

test('each web request has an access log line with route=static', async () => {
  await get('/assets/app-abc123.js');
  await new Promise((r) => setTimeout(r, 200));
  const log = readFileSync(srv.logPath, 'utf8');
  assert.match(log, /msg=request method=GET route=static path=\/assets\/app-abc123\.js status=200 duration_ms=[\d.]+ user=- /);
});

test('no web directory, or one without index.html: the UI answers 503 saying how to build it', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'shouhou-web-empty-'));
  for (const dir of [join(empty, 'missing'), empty]) {
    const other = await startServer(['--web-dir', dir]);
    try {
      const to = Number(new URL(other.base).port);
      for (const path of ['/', '/tickets/12']) {
        const r = await get(path, { to });
        assert.equal(r.status, 503, `${dir} ${path}`);
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
        assert.match(r.body.toString('utf8'), /npm run web:build/);
        assert.equal(r.body.toString('utf8').trimEnd().split('\n').length, 1, 'one line');
      }
      assert.equal((await get('/assets/app-abc123.js', { to })).status, 404);
      assert.equal((await get('/api/v1/health', { to })).status, 200, 'the API works without the UI');
      assert.match(readFileSync(other.logPath, 'utf8'), /level=warning msg=web_ui_not_built web_dir=/);
    } finally {
      await other.stop();
    }
  }
  // Built later, under the running server: served at once (the directory is opened per request).
  const later = await startServer(['--web-dir', empty]);
  try {
    const to = Number(new URL(later.base).port);
    assert.equal((await get('/', { to })).status, 503);
    writeFileSync(join(empty, 'index.html'), INDEX);
    assert.equal((await get('/', { to })).status, 200);
  } finally {
    await later.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});
