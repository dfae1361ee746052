// matrix.test.js — the role × endpoint matrix (SPEC L "Each sees and changes only what its
// role ... allow[s]"; STYLE.md 4: a route cannot be added without a row here). The expected
// statuses live in data/matrix.json, written by hand from SPEC L and the intent stated at the
// top of src/rules/roles.c; the route list comes from the binary (`shouhou routes`).
// /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startServer, customerBody } from './lib/harness.js';

// data/matrix.json holds the roles and the foundation's routes; data/matrix_<area>.json
// files add the rows of later resources ({"routes": {...}}), one file per area.
const matrix = JSON.parse(readFileSync(new URL('./data/matrix.json', import.meta.url), 'utf8'));
for (const f of readdirSync(new URL('./data/', import.meta.url)).filter((n) => /^matrix_.+\.json$/.test(n)).sort()) {
  const more = JSON.parse(readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8'));
  for (const [k, v] of Object.entries(more.routes)) {
    if (k in matrix.routes) throw new Error(`${f}: row ${k} is already in another matrix file`);
    matrix.routes[k] = v;
  }
}
const callers = ['anonymous', ...matrix.roles];

let srv, routes;
const tokens = {};

before(async () => {
  srv = await startServer();
  routes = JSON.parse(srv.cli(['routes']));
  const admin = srv.user('admin');
  // A customer-role user must belong to a customer.
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(c.status, 201, c.text);
  for (const role of matrix.roles) {
    tokens[role] = role === 'admin' ? admin.token : srv.user(role, { regions: ['000000'], customerId: role === 'customer' ? c.body.id : undefined }).token;
  }
});
after(async () => { await srv.stop(); });

const key = (r) => `${r.method} ${r.path}`;

test('the matrix lists the 14 roles of SPEC L', () => {
  assert.deepEqual(matrix.roles, ['agent', 'dispatcher', 'technician', 'engineering_manager', 'project_manager', 'qc', 'warehouse',
    'finance', 'department_head', 'vice_gm', 'gm', 'dealer', 'customer', 'admin']);
  for (const [k, row] of Object.entries(matrix.routes))
    assert.deepEqual(Object.keys(row.expect).sort(), [...callers].sort(), `${k} has a status for every caller`);
});

test('every route of the binary has a row in the matrix, and every row is a route', () => {
  const served = routes.map(key).sort();
  const listed = Object.keys(matrix.routes).sort();
  assert.deepEqual(served.filter((k) => !listed.includes(k)), [], 'routes without a row in data/matrix.json');
  assert.deepEqual(listed.filter((k) => !served.includes(k)), [], 'rows of data/matrix.json for routes that no longer exist');
});

test('only public routes answer without credentials; every other route is 401 for anonymous callers', () => {
  for (const r of routes) {
    const anon = matrix.routes[key(r)]?.expect.anonymous;
    if (r.action === 'public') assert.notEqual(anon, 401, `${key(r)} is public`);
    else assert.equal(anon, 401, `${key(r)} (${r.action}) needs credentials`);
  }
});

test('the permissions /auth/me reports for each role agree with the matrix for every route', async () => {
  for (const role of matrix.roles) {
    const me = await srv.req('GET', '/api/v1/auth/me', { token: tokens[role] });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.role, role);
    for (const r of routes) {
      if (r.action === 'public') continue;
      const allowed = matrix.routes[key(r)].expect[role] !== 403;
      assert.equal(me.body.user.permissions.includes(r.action), allowed, `${role} ${key(r)} (${r.action})`);
    }
  }
});

for (const [k, row] of Object.entries(matrix.routes)) {
  test(`${k}: each role and anonymous get the status of the matrix`, async () => {
    const [method, pattern] = k.split(' ');
    const path = row.request.path || pattern;
    const got = {};
    for (const who of callers) {
      const headers = row.request.type ? { 'Content-Type': row.request.type } : {};
      const r = await srv.req(method, path, { token: tokens[who], body: row.request.body, headers });
      got[who] = r.status;
      if (r.status === 403) assert.equal(r.body.error.code, 'forbidden', `${who}: ${r.text}`);
      if (r.status === 401) assert.ok(['unauthenticated', 'invalid_token'].includes(r.body.error.code), `${who}: ${r.text}`);
    }
    assert.deepEqual(got, row.expect);
  });
}

test('a role that may not change customers changes nothing when it tries', async () => {
  const admin = tokens.admin;
  const made = await srv.req('POST', '/api/v1/customers', { token: admin, body: customerBody({ name: '矩阵只读客户' }) });
  assert.equal(made.status, 201);
  for (const role of ['technician', 'qc', 'warehouse', 'finance', 'dealer', 'customer']) {
    const p = await srv.req('PATCH', `/api/v1/customers/${made.body.id}`, { token: tokens[role], body: { name: '改名', version: 1 } });
    assert.equal(p.status, 403, role);
  }
  for (const role of ['agent', 'dispatcher', 'engineering_manager', 'project_manager']) {
    const d = await srv.req('DELETE', `/api/v1/customers/${made.body.id}?version=1`, { token: tokens[role] });
    assert.equal(d.status, 403, role);
  }
  const still = await srv.req('GET', `/api/v1/customers/${made.body.id}`, { token: admin });
  assert.equal(still.body.name, '矩阵只读客户');
  assert.equal(still.body.version, 1);
});
