// docs.test.js — keeps the docs honest (STYLE.md 4, 6): the route table (`shouhou routes`)
// and docs/openapi.yaml name the same operations, both ways; every error code a live request
// returns has a heading in docs/errors.md; and the status of each live answer is one its
// operation documents. The YAML is read line by line (no npm dependency): paths are the keys
// at two spaces under `paths:`, methods the keys at four, statuses the quoted keys at eight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, customerBody } from './lib/harness.js';

const root = new URL('../../', import.meta.url);
const bin = process.env.SHOUHOU_BIN || new URL('build/shouhou', root).pathname;
const openapiText = readFileSync(new URL('docs/openapi.yaml', root), 'utf8');
const errorsText = readFileSync(new URL('docs/errors.md', root), 'utf8');

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

// {"GET /api/v1/customers/{id}": Set(['200', '404', ...]), ...} from the paths section.
function readOperations(text) {
  const ops = new Map();
  let inPaths = false;
  let path = null;
  let op = null;
  let inResponses = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || /^\s*#/.test(line)) continue;
    if (/^\S/.test(line)) {
      inPaths = line === 'paths:';
      path = op = null;
      continue;
    }
    if (!inPaths) continue;
    let m = line.match(/^ {2}(['"]?)(\/[^'"]*)\1:$/);
    if (m) { path = m[2]; op = null; continue; }
    m = line.match(/^ {4}([a-z]+):$/);
    if (m) {
      op = path && METHODS.has(m[1]) ? `${m[1].toUpperCase()} ${path}` : null;
      if (op) ops.set(op, new Set());
      inResponses = false;
      continue;
    }
    if (!op) continue;
    if (/^ {6}\S/.test(line)) { inResponses = line === '      responses:'; continue; }
    m = line.match(/^ {8}['"]?(\d{3})['"]?:/);
    if (m && inResponses) ops.get(op).add(m[1]);
  }
  return ops;
}

function routeTable() {
  const out = execFileSync(bin, ['routes'], { encoding: 'utf8' });
  return JSON.parse(out).map((r) => `${r.method} ${r.path}`);
}

const operations = readOperations(openapiText);

test('every route of the route table is an operation of docs/openapi.yaml', () => {
  const missing = routeTable().filter((r) => !operations.has(r));
  assert.deepEqual(missing, [], `routes missing from docs/openapi.yaml: ${missing.join(', ')}`);
});

test('every operation of docs/openapi.yaml is a route of the route table', () => {
  const routes = new Set(routeTable());
  assert.ok(operations.size > 0, 'no operations read from docs/openapi.yaml');
  const extra = [...operations.keys()].filter((op) => !routes.has(op));
  assert.deepEqual(extra, [], `operations without a route: ${extra.join(', ')}`);
});

test('every operation documents its responses', () => {
  for (const [op, statuses] of operations) {
    assert.ok(statuses.size > 0, `${op} documents no response`);
    assert.ok([...statuses].some((s) => s.startsWith('2')), `${op} documents no success`);
  }
});

// The operation whose path template matches a concrete path, or null.
function operationOf(method, path) {
  const bare = path.split('?')[0];
  for (const op of operations.keys()) {
    const [m, template] = op.split(' ');
    if (m !== method) continue;
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(bare)) return op;
  }
  return null;
}

function hasHeading(code) {
  return errorsText.split('\n').some((l) => l.trimEnd() === `## \`${code}\``);
}

// The live part: one server for this file (tests/api/lib/harness.js).
let srv;
let admin;
let agent;
const seen = []; // {method, path, status, body}

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'], password: 'agent-password-1' });
});
after(async () => { await srv.stop(); });

async function req(method, path, opts = {}) {
  const r = await srv.req(method, path, opts);
  seen.push({ method, path, status: r.status, body: r.body });
  return r;
}

test('live requests: a success and the common errors', async () => {
  const t = admin.token;
  const created = await req('POST', '/api/v1/customers', { token: t, body: customerBody() });
  assert.equal(created.status, 201);
  const id = created.body.id;
  await req('GET', '/api/v1/health');
  await req('GET', '/api/v1/no-such-thing');
  await req('DELETE', '/api/v1/health');
  await req('GET', '/api/v1/customers');
  await req('GET', '/api/v1/customers', { token: 'shh_wrong' });
  await req('GET', '/api/v1/customers?nope=1', { token: t });
  await req('GET', '/api/v1/customers?page=200&page_size=100', { token: t });
  await req('GET', '/api/v1/customers?cursor=not-a-cursor', { token: t });
  await req('GET', `/api/v1/customers/${id + 1000}`, { token: t });
  await req('POST', '/api/v1/customers', { token: t, body: '{"name":' });
  await req('POST', '/api/v1/customers', { token: t, body: { name: 'x' } });
  await req('POST', '/api/v1/customers', { token: t, body: { name: 'x', kind: 'company', region_code: '330106', nope: 1 } });
  await req('POST', '/api/v1/customers', { token: t, body: 'x', headers: { 'Content-Type': 'text/plain' } });
  await req('PATCH', `/api/v1/customers/${id}`, { token: t, body: { name: 'y', version: 99 } });
  await req('DELETE', `/api/v1/customers/${id}?version=1`, { token: agent.token });
  await req('PUT', '/api/v1/settings/sla.onsite_hours', { token: t, body: { value: 100000, version: 0 } });
  await req('PUT', '/api/v1/settings/no.such.key', { token: t, body: { value: 1, version: 0 } });
  await req('POST', '/api/v1/auth/login', { body: { username: agent.username, password: 'wrong-password' } });
  const login = await req('POST', '/api/v1/auth/login', { body: { username: agent.username, password: 'agent-password-1' } });
  const cookie = (login.headers?.get?.('set-cookie') || '').split(';')[0];
  if (cookie) {
    await req('POST', '/api/v1/customers', { cookie, body: customerBody() }); // no CSRF token
  }
  await req('GET', '/api/v1/users', { token: agent.token });
});

test('every error answer has the error shape', () => {
  const errors = seen.filter((s) => s.status >= 400);
  assert.ok(errors.length > 10, 'the live requests produced too few errors');
  for (const s of errors) {
    assert.ok(s.body && s.body.error, `${s.method} ${s.path} ${s.status}: no error body`);
    assert.deepEqual(Object.keys(s.body.error).sort(), ['code', 'field', 'message'],
      `${s.method} ${s.path}: error keys`);
    assert.match(s.body.error.code, /^[a-z0-9_]+$/);
    assert.ok(s.body.error.message.length > 0);
  }
});

test('every error code returned has a heading in docs/errors.md', () => {
  const codes = [...new Set(seen.filter((s) => s.body?.error).map((s) => s.body.error.code))];
  const missing = codes.filter((c) => !hasHeading(c));
  assert.deepEqual(missing, [], `codes without a heading ## \`code\` in docs/errors.md: ${missing.join(', ')}`);
});

test('every status returned is documented for its operation', () => {
  const undocumented = [];
  for (const s of seen) {
    const op = operationOf(s.method, s.path);
    if (!op) continue; // no route (404) or no such method (405): not an operation
    if (!operations.get(op).has(String(s.status))) undocumented.push(`${op} → ${s.status}`);
  }
  assert.deepEqual(undocumented, [], `statuses missing from docs/openapi.yaml: ${undocumented.join(', ')}`);
});
