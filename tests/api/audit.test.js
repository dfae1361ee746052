// audit.test.js — GET /api/v1/audit, the administrator's view of the audit trail (SPEC L
// "Every change is audited (who, when, before, after)"; DESIGN.md "Audit"; src/api/admin.c,
// src/store/audit.c): filters, keyset paging by cursor, the shape of a row, failed logins.
// /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin;
const uniq = (p) => `${p}${randomBytes(4).toString('hex')}`;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

const audit = (query) => srv.req('GET', `/api/v1/audit${query ? `?${query}` : ''}`, { token: admin.token });

// ISO 8601 in China time, as the API writes it.
function iso8(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

async function newCustomer(token, name = uniq('审计客户')) {
  const r = await srv.req('POST', '/api/v1/customers', { token, body: customerBody({ name }) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('only the administrator reads the audit trail', async () => {
  for (const role of ['gm', 'department_head', 'agent']) {
    const u = srv.user(role);
    const r = await srv.req('GET', '/api/v1/audit', { token: u.token });
    assert.equal(r.status, 403, role);
  }
  assert.equal((await audit()).status, 200);
});

test('a row has id, actor_id and actor_name, at in +08:00, entity, entity_id, action, changes as an object, address', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const c = await newCustomer(agent.token);
  const r = await audit(`entity=customer&entity_id=${c.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  const row = r.body.items[0];
  assert.deepEqual(Object.keys(row).sort(), ['action', 'actor_id', 'actor_name', 'address', 'at', 'changes', 'entity', 'entity_id', 'id'].sort());
  assert.ok(Number.isSafeInteger(row.id));
  assert.equal(row.actor_id, agent.id);
  assert.equal(row.actor_name, agent.username);
  assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.ok(Math.abs(Date.parse(row.at) - Date.now()) < 60000, 'at is now');
  assert.equal(row.entity, 'customer');
  assert.equal(row.entity_id, c.id);
  assert.equal(row.action, 'create');
  assert.equal(row.address, '127.0.0.1');
  assert.equal(typeof row.changes, 'object');
  assert.deepEqual(row.changes.name, { old: null, new: c.name });
  assert.deepEqual(row.changes.region_code, { old: null, new: '330106' });
});

test('an update records the changed fields only, each with old and new', async () => {
  const c = await newCustomer(admin.token);
  const p = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { name: `${c.name}改`, key_customer: true, version: c.version } });
  assert.equal(p.status, 200, p.text);
  const r = await audit(`entity=customer&entity_id=${c.id}&action=update`);
  assert.equal(r.body.total, 1);
  assert.deepEqual(r.body.items[0].changes, { name: { old: c.name, new: `${c.name}改` }, key_customer: { old: false, new: true } });
});

test('entity and entity_id filter to one record; actor_id to one user; action to one kind of change', async () => {
  const a = srv.user('agent', { regions: ['330000'] });
  const b = srv.user('dispatcher', { regions: ['330000'] });
  const c1 = await newCustomer(a.token);
  const c2 = await newCustomer(b.token);
  await srv.req('DELETE', `/api/v1/customers/${c2.id}?version=${c2.version}`, { token: admin.token });
  const one = await audit(`entity=customer&entity_id=${c1.id}`);
  assert.deepEqual(one.body.items.map((i) => [i.entity, i.entity_id]), [['customer', c1.id]]);
  const byActor = await audit(`actor_id=${a.id}`);
  assert.ok(byActor.body.total >= 1);
  assert.ok(byActor.body.items.every((i) => i.actor_id === a.id));
  assert.ok(byActor.body.items.some((i) => i.entity_id === c1.id));
  const deletes = await audit('entity=customer&action=delete');
  assert.ok(deletes.body.items.every((i) => i.action === 'delete' && i.entity === 'customer'));
  assert.ok(deletes.body.items.some((i) => i.entity_id === c2.id));
  const both = await audit(`entity=customer&entity_id=${c2.id}&action=create&actor_id=${b.id}`);
  assert.equal(both.body.total, 1);
  const none = await audit(`entity=customer&entity_id=${c2.id}&actor_id=${a.id}`);
  assert.equal(none.body.total, 0);
  assert.deepEqual(none.body.items, []);
  const users = await audit('entity=user&action=create');
  assert.ok(users.body.items.some((i) => i.entity_id === a.id && i.actor_name === 'cli' && i.actor_id === null),
    'a user made on the command line is audited as the command line');
});

test('from and to (ISO 8601 with an offset) bound the time: from is inclusive, to exclusive', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const c = await newCustomer(agent.token);
  const row = (await audit(`entity=customer&entity_id=${c.id}`)).body.items[0];
  const at = Date.parse(row.at);
  const q = (from, to) => audit(`actor_id=${agent.id}&entity=customer${from ? `&from=${encodeURIComponent(from)}` : ''}${to ? `&to=${encodeURIComponent(to)}` : ''}`);
  assert.equal((await q(row.at)).body.total, 1, 'from = at includes the row');
  assert.equal((await q(iso8(at + 1000))).body.total, 0, 'from one second later excludes it');
  assert.equal((await q(null, row.at)).body.total, 0, 'to = at excludes the row');
  assert.equal((await q(null, iso8(at + 1000))).body.total, 1);
  assert.equal((await q(iso8(at - 3600e3), iso8(at + 3600e3))).body.total, 1);
  // The same instant written in UTC or another offset means the same.
  const utc = new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.equal((await q(utc)).body.total, 1);
  assert.equal((await q(new Date(at + 1000).toISOString().replace(/\.\d+Z$/, 'Z'))).body.total, 0);
  const minus5 = new Date(at - 5 * 3600e3).toISOString().slice(0, 19) + '-05:00';
  assert.equal((await q(minus5)).body.total, 1);
});

test('an invalid from or to is 400 naming the parameter', async () => {
  for (const v of ['2024-01-01', '2024-01-01T00:00:00', 'yesterday', '2024-13-01T00:00:00+08:00', '2024-01-01T00:00:00+8',
    '2024-01-01T24:00:00+08:00', '']) {
    const r = await audit(`from=${encodeURIComponent(v)}`);
    assert.equal(r.status, 400, `from=${v}`);
    assert.equal(r.body.error.field, 'from');
  }
  const to = await audit('to=tomorrow');
  assert.equal(to.status, 400);
  assert.equal(to.body.error.field, 'to');
});

test('cursor pages backwards by id without overlap, and next_cursor is null on the last page', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  for (let i = 0; i < 5; i++) await newCustomer(agent.token);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const r = await audit(`actor_id=${agent.id}&page_size=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 5, 'total counts every matching row');
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map((i) => i.id));
        cursor = r.body.next_cursor;
    if (pages === 2) assert.equal(cursor, null, 'the last page says there is no more');
    pages++;
  } while (cursor && pages < 10);
  assert.equal(pages, 3);
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5, 'no row twice');
  assert.deepEqual(seen, [...seen].sort((x, y) => y - x), 'newest first');
});

test('page_size is 1..100 (default 50); bad numbers and unknown parameters are 400', async () => {
  assert.equal((await audit('page_size=100')).status, 200);
  for (const q of ['page_size=0', 'page_size=101', 'page_size=x', 'entity_id=abc', 'actor_id=-1', 'before_id=5', 'cursor=garbage', 'entity=customer&entity=user', 'page=2', 'sort=id']) {
    const r = await audit(q);
    assert.equal(r.status, 400, q);
  }
  for (let i = 0; i < 3; i++) await newCustomer(admin.token);
  const all = await audit('');
  assert.ok(all.body.items.length <= 50);
});

test('a failed login appears as login_failed, with the username tried and the address in its changes', async () => {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const u = srv.user('agent', { password });
  const failed = await srv.req('POST', '/api/v1/auth/login', { body: { username: u.username, password: `${password}!` } });
  assert.equal(failed.status, 401);
  const r = await audit(`entity=user&entity_id=${u.id}&action=login_failed`);
  assert.equal(r.body.total, 1);
  const row = r.body.items[0];
  assert.equal(row.changes.username, u.username);
  assert.equal(row.changes.address, '127.0.0.1');
  assert.ok(!JSON.stringify(row).includes(password), 'the password tried is not recorded');
  assert.equal(row.actor_id, null, 'nobody was signed in');
  const unknown = `nobody_${randomBytes(3).toString('hex')}`;
  await srv.req('POST', '/api/v1/auth/login', { body: { username: unknown, password: 'whatever-1' } });
  const ghost = (await audit('entity=user&action=login_failed')).body.items.find((i) => i.changes.username === unknown);
  assert.ok(ghost, 'a failed login for an unknown username is audited too');
  assert.equal(ghost.entity_id, null);
  const ok = await srv.req('POST', '/api/v1/auth/login', { body: { username: u.username, password } });
  assert.equal(ok.status, 200);
  const login = await audit(`entity=user&entity_id=${u.id}&action=login`);
  assert.equal(login.body.total, 1);
  assert.equal(login.body.items[0].actor_id, u.id);
});

test('a failed login row is attributed to nobody, not to the command line, and carries the address in its address column', async () => {
  const unknown = `nobody_${randomBytes(3).toString('hex')}`;
  const r = await srv.req('POST', '/api/v1/auth/login', { body: { username: unknown, password: 'whatever-1' } });
  assert.equal(r.status, 401);
  const row = (await audit('entity=user&action=login_failed')).body.items.find((i) => i.changes.username === unknown);
  assert.equal(row.actor_id, null);
  // Rows made on the command line are named "cli"; a web request by nobody must not look like one.
  assert.notEqual(row.actor_name, 'cli', 'a failed web login is not an act of the command line');
  assert.equal(row.address, '127.0.0.1', 'the address column says where the attempt came from, as for every web request');
});
