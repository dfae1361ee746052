// csrf_all.test.js — CSRF on every cookie-authenticated change (issue 7 part 6; OWASP ASVS 4.0
// V4.2.2 and V3.5; DESIGN.md "Auth": the UI sends X-CSRF-Token on every change). The route list
// comes from the binary (`shouhou routes`), so a route added tomorrow is swept too: every route
// whose method is not GET or HEAD and that is not public, called with the session cookie of an
// administrator (allowed nearly everything, so it is the CSRF check and not the role check that
// answers) and with no token, a wrong token or another session's token, is 403 csrf_failed and
// writes nothing; and a sweep of every GET and HEAD route with the cookie and no token changes
// nothing either. src/api/handle.c checks CSRF in authenticate, before the role check and before
// any handler runs. tests/api/auth.test.js holds the same rule on one route in detail.
// /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './lib/harness.js';
import { tableNames, writeFingerprint } from './lib/sql.js';
import { makeRecords, upload } from './lib/records.js';

let srv, routes, admin, session, other, records, tables;

async function login(username, password) {
  const r = await srv.req('POST', '/api/v1/auth/login', { body: { username, password } });
  assert.equal(r.status, 200, r.text);
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.body.csrf_token };
}

before(async () => {
  srv = await startServer();
  routes = JSON.parse(srv.cli(['routes']));
  const token = srv.user('admin').token;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  admin = srv.user('admin', { password });
  session = await login(admin.username, password);
  other = await login(admin.username, password); // a second session of the same user, its own token
  const qc = srv.user('qc', { regions: ['330000'] });
  records = await makeRecords(srv, token, { region: '330106', tag: '防伪', responsible: qc });
  tables = tableNames(srv);
});
after(async () => { await srv.stop(); });

// The newest audit row and every table's row count (lib/sql.js): a refused request writes none of it.
const fingerprint = () => writeFingerprint(srv, tables);

// The value of each path parameter: a real record's id or key where one exists (so that a
// request which got past the check would have something to change). A parameter this table does
// not know fails the sweep: add it here.
function fill(route) {
  const idOf = {
    customers: 'customer', dealers: 'dealer', suppliers: 'supplier', projects: 'project', equipment: 'equipment',
    tickets: 'ticket', attachments: 'attachment', visits: 'visit', complaints: 'complaint', surveys: 'survey',
    'quick-phrases': 'phrase', users: null, notifications: null,
  };
  const resource = route.path.split('/')[3];
  const values = {
    id: () => (resource === 'users' ? admin.id : records.ids[idOf[resource]] ?? 1),
    aid: () => records.ids.assignment,
    key: () => 'auth.lock_minutes',
    code: () => 'dimension_tolerance',
    day: () => '2026-12-01',
    year: () => '2027',
    token: () => 'x'.repeat(43),
    path: () => 'index.html',
  };
  const unknown = [];
  const path = route.path.replace(/\{(\w+)\}/g, (_, name) => {
    if (!values[name]) { unknown.push(name); return '1'; }
    return String(values[name]());
  });
  return { path, unknown };
}

// A body the route accepts (the HTTP layer answers 415 before any authentication for a body of a
// type the route does not take): JSON, else a spreadsheet (CSV), else a multipart file.
async function sendChange(method, path, opts) {
  const json = await srv.req(method, path, { ...opts, body: { version: 1 } });
  if (json.status !== 415) return json;
  const csv = await srv.req(method, path, { ...opts, body: 'name\n防伪\n', headers: { 'Content-Type': 'text/csv' } });
  if (csv.status !== 415) return csv;
  return upload(srv, path, opts);
}

const changing = () => routes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.action !== 'public');

test('the sweep covers every changing route of the binary, and it knows every path parameter', () => {
  const all = changing();
  assert.ok(all.length >= 70, `${all.length} changing routes`); // 77 when this was written
  const unknown = all.flatMap((r) => fill(r).unknown.map((p) => `${r.method} ${r.path}: {${p}}`));
  assert.deepEqual(unknown, [], 'path parameters csrf_all.test.js cannot fill: add them to fill()');
  for (const m of new Set(all.map((r) => r.method))) assert.ok(['POST', 'PUT', 'PATCH', 'DELETE'].includes(m), m);
});

test('every changing route refuses the session cookie without the right X-CSRF-Token: 403 csrf_failed, nothing written', async () => {
  const before = fingerprint();
  const wrong = session.csrf.slice(0, -1) + (session.csrf.endsWith('A') ? 'B' : 'A');
  const tries = {
    'no token': { cookie: session.cookie },
    'a wrong token': { cookie: session.cookie, csrf: wrong },
    'an empty token': { cookie: session.cookie, headers: { 'X-CSRF-Token': '' } },
    "another session's token": { cookie: session.cookie, csrf: other.csrf },
  };
  const failures = [];
  let swept = 0;
  for (const route of changing()) {
    const { path } = fill(route);
    for (const [what, opts] of Object.entries(tries)) {
      // Without a body, and with one of a type the route takes.
      for (const r of [await srv.req(route.method, path, opts), await sendChange(route.method, path, opts)]) {
        if (r.status !== 403 || r.body?.error?.code !== 'csrf_failed')
          failures.push(`${route.method} ${route.path} with ${what}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    swept++;
  }
  assert.deepEqual(failures, [], 'changes that did not answer 403 csrf_failed');
  assert.equal(swept, changing().length);
  assert.deepEqual(fingerprint(), before, 'a refused change wrote something');
  // The session itself is fine: with its token the same cookie changes things (so the 403s above
  // were the CSRF check's, not a broken session's).
  const ok = await srv.req('PATCH', `/api/v1/customers/${records.ids.customer}`, { cookie: session.cookie, csrf: session.csrf, body: { note: '防伪检查通过', version: records.customer.version } });
  assert.equal(ok.status, 200, ok.text);
  assert.notDeepEqual(fingerprint()['audit max id'], before['audit max id'], 'the accepted change is audited');
});

test('a Bearer token needs no CSRF token: the check is for cookies only (the sweep above is not refusing everything)', async () => {
  const token = srv.user('admin').token;
  const r = await srv.req('POST', `/api/v1/tickets/${records.ids.ticket}/promises`, { token, body: {} });
  assert.notEqual(r.status, 403, r.text);
});

test('every GET and HEAD route, called with the session cookie and no CSRF token, changes nothing', async () => {
  const before = fingerprint();
  const reads = routes.filter((r) => r.method === 'GET');
  assert.ok(reads.length >= 50, `${reads.length} GET routes`);
  const errors = [];
  for (const route of reads) {
    const { path } = fill(route);
    for (const method of ['GET', 'HEAD']) {
      const r = await srv.req(method, path, { cookie: session.cookie });
      if (r.status >= 500 || r.status === 401 || r.status === 403) errors.push(`${method} ${route.path}: ${r.status} ${r.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(errors, [], 'reads with the cookie answer without a CSRF token (and without a server error)');
  assert.deepEqual(fingerprint(), before, 'a read changed something');
});
