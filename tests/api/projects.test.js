// projects.test.js — /api/v1/projects and /api/v1/warranty-cards, mirroring src/api/projects.c:
// create (with Idempotency-Key), get, update with optimistic versions, delete, the list with
// its filters, sorts, pages and cursors, the scope of regions, dealers and customers, the
// warranty card's issue and its state (due, late, issued, issued late), the printable card,
// and the audit rows of every change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody, driver } from './lib/harness.js';

let srv;
let admin;
let customer; // a customer in 330106 (杭州 西湖区)
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  customer = await createCustomer();
});
after(async () => { await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

function tag() {
  return 'zp' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

// Today in Asia/Shanghai (UTC+8), as the server counts it.
function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}
function addDays(date, n) {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400e3);
}
// The last day of a period of months from start, as the Civil Code counts it (arts. 201–202):
// the same-numbered day of the final month, or that month's last day.
function lastDay(start, months) {
  const [y, m, d] = start.split('-').map(Number);
  const t = y * 12 + (m - 1) + months;
  const ty = Math.floor(t / 12), tm = (t % 12) + 1;
  const dim = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return `${ty}-${String(tm).padStart(2, '0')}-${String(Math.min(d, dim)).padStart(2, '0')}`;
}

const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.ok(r.body.error.message.length > 0);
}

// Runs SQL on the server's database: the only way to link a customer to a dealer or to make
// a supplier until those have their own endpoints in this suite.
function sql(statement) {
  const url = srv.db.url;
  if (driver === 'sqlite') {
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', url.slice('sqlite:'.length), statement]);
  } else {
    execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url, '-c', statement], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

async function createCustomer(overrides = {}, token = admin.token) {
  const r = await srv.req('POST', '/api/v1/customers', { token, body: customerBody(overrides) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

function projectBody(overrides = {}) {
  return {
    customer_id: customer.id, name: '华信大厦安防工程', site_region_code: '330106',
    site_address: '文三路90号', completion_date: '2026-01-10', acceptance_date: '2026-01-31',
    note: '监控与门禁', ...overrides,
  };
}

async function create(overrides = {}, { token = admin.token, headers } = {}) {
  const r = await srv.req('POST', '/api/v1/projects', { token, body: projectBody(overrides), headers });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function get(id, token = admin.token) {
  return srv.req('GET', `/api/v1/projects/${id}`, { token });
}

async function patch(p, body, token = admin.token) {
  return srv.req('PATCH', `/api/v1/projects/${p.id}`, { token, body: { version: p.version, ...body } });
}

async function list(params = {}, token = admin.token, path = '/api/v1/projects') {
  const qs = new URLSearchParams(params).toString();
  const r = await srv.req('GET', `${path}${qs ? '?' + qs : ''}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function unit(projectId, overrides = {}) {
  const r = await srv.req('POST', '/api/v1/equipment', {
    token: admin.token,
    body: { project_id: projectId, serial_no: `SN-${tag()}`, model: 'DS-7816N-K2', name: '网络硬盘录像机', category: 'surveillance', ...overrides },
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function issue(p, body = {}, token = admin.token) {
  return srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token, body: { method: 'post', version: p.version, ...body } });
}

async function auditRows(id, entity = 'project') {
  const r = await srv.req('GET', `/api/v1/audit?entity=${entity}&entity_id=${id}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

const ids = (items) => items.map((p) => p.id);

// ---- create --------------------------------------------------------------------------------

test('creating a project answers 201 with id, version 1, customer and region names, +08:00 times and its card state', async () => {
  const before = Date.now();
  const r = await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody() });
  assert.equal(r.status, 201, r.text);
  const p = r.body;
  assert.ok(Number.isSafeInteger(p.id) && p.id > 0);
  assert.equal(p.version, 1);
  for (const k of ['customer_id', 'name', 'site_region_code', 'site_address', 'completion_date', 'acceptance_date', 'note'])
    assert.deepEqual(p[k], projectBody()[k], k);
  assert.equal(p.customer_name, customer.name);
  assert.equal(p.site_region_name, '浙江省 杭州市 西湖区');
  assert.equal(p.project_manager_id, null);
  assert.match(p.created_at, ISO_0800);
  assert.equal(p.created_at, p.updated_at);
  assert.ok(Math.abs(Date.parse(p.created_at) - before) < 60_000);
  // Completed 2026-01-10: the card was due by 2026-02-10 (one month, the last day included).
  assert.equal(p.card.due_on, '2026-02-10');
  assert.equal(p.card.number, null);
  assert.equal(p.card.status, today() <= '2026-02-10' ? 'due' : 'late');
});

test('GET returns the project exactly as creation answered it', async () => {
  const p = await create();
  const r = await get(p.id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, p);
});

test('a project with only customer, name and site region has no dates and its card is not due', async () => {
  const r = await srv.req('POST', '/api/v1/projects', {
    token: admin.token, body: { customer_id: customer.id, name: '最简工程', site_region_code: '330106' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.completion_date, null);
  assert.equal(r.body.acceptance_date, null);
  assert.equal(r.body.site_address, '');
  assert.equal(r.body.card.status, 'not_due');
  assert.equal(r.body.card.due_on, null);
});

test('missing required fields get 422 field_required naming the field', async () => {
  for (const field of ['customer_id', 'name', 'site_region_code']) {
    const body = projectBody();
    delete body[field];
    assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body }), 422, 'field_required', field);
  }
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ name: '' }) }), 422, 'field_required', 'name');
});

test('malformed bodies get 400 naming the field: unknown field, wrong type, card fields', async () => {
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ colour: 'red' }) }), 400, 'unknown_field', 'colour');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ customer_id: '1' }) }), 400, 'wrong_type', 'customer_id');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ card_number: 'BXK-1' }) }), 400, 'unknown_field', 'card_number');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: '{"name":' }), 400, 'invalid_json');
});

test('dates must be real calendar dates: 422 invalid_date naming the field', async () => {
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ completion_date: '2026-02-30' }) }), 422, 'invalid_date', 'completion_date');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ acceptance_date: '2026/01/31' }) }), 422, 'invalid_date', 'acceptance_date');
});

test('acceptance (验收) before completion (竣工) is 422 acceptance_before_completion; the same day is fine', async () => {
  assertError(await srv.req('POST', '/api/v1/projects', {
    token: admin.token, body: projectBody({ completion_date: '2026-03-01', acceptance_date: '2026-02-28' }),
  }), 422, 'acceptance_before_completion', 'acceptance_date');
  const same = await create({ completion_date: '2026-03-01', acceptance_date: '2026-03-01' });
  assert.equal(same.acceptance_date, '2026-03-01');
  // A change that would put them out of order is refused too, and changes nothing.
  assertError(await patch(same, { completion_date: '2026-03-02' }), 422, 'acceptance_before_completion', 'acceptance_date');
  assert.equal((await get(same.id)).body.version, 1);
});

test('a customer that does not exist or is outside the caller\'s regions is 422 unknown_customer', async () => {
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ customer_id: 987654 }) }), 422, 'unknown_customer', 'customer_id');
  const js = srv.user('agent', { regions: ['320000'] });
  const r = await srv.req('POST', '/api/v1/projects', { token: js.token, body: projectBody({ site_region_code: '320102' }) });
  assertError(r, 422, 'unknown_customer', 'customer_id');
});

test('the site region must exist and be granted to the caller', async () => {
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ site_region_code: '33010X' }) }), 422, 'invalid_region', 'site_region_code');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ site_region_code: '339999' }) }), 422, 'unknown_region', 'site_region_code');
  const hz = srv.user('agent', { regions: ['330100'] });
  const r = await srv.req('POST', '/api/v1/projects', { token: hz.token, body: projectBody({ site_region_code: '330205' }) });
  assertError(r, 422, 'region_not_granted', 'site_region_code');
});

test('the project manager must be a project manager or the engineering manager: 422 invalid_project_manager otherwise', async () => {
  const pm = srv.user('project_manager', { name: `pm_${tag()}` });
  const em = srv.user('engineering_manager');
  const tech = srv.user('technician');
  const p = await create({ project_manager_id: pm.id });
  assert.equal(p.project_manager_id, pm.id);
  assert.equal(p.project_manager_name, pm.username);
  assert.equal((await create({ project_manager_id: em.id })).project_manager_id, em.id);
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ project_manager_id: tech.id }) }), 422, 'invalid_project_manager', 'project_manager_id');
  assertError(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ project_manager_id: 987654 }) }), 422, 'invalid_project_manager', 'project_manager_id');
});

test('a repeated Idempotency-Key returns the first project with 200 and creates nothing more', async () => {
  const name = `幂等${tag()}`;
  const headers = { 'Idempotency-Key': `key-${tag()}` };
  const first = await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ name }), headers });
  assert.equal(first.status, 201, first.text);
  const again = await srv.req('POST', '/api/v1/projects', { token: admin.token, body: projectBody({ name }), headers });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.body, first.body);
  assert.equal((await list({ q: name })).total, 1);
});

// ---- update and delete ---------------------------------------------------------------------

test('PATCH changes only the fields given and counts the version up; a stale version gets 409', async () => {
  const p = await create({ name: `改名前${tag()}` });
  const r = await patch(p, { name: '改名后', site_address: '文一路1号', completion_date: null, acceptance_date: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.name, '改名后');
  assert.equal(r.body.site_address, '文一路1号');
  assert.equal(r.body.completion_date, null);
  assert.equal(r.body.card.status, 'not_due');
  assert.equal(r.body.note, p.note);
  assertError(await patch(p, { name: '旧版本' }), 409, 'stale_version', 'version');
  assert.equal((await get(p.id)).body.name, '改名后');
});

test('PATCH without version is 422 field_required; the customer of a project cannot be changed', async () => {
  const p = await create();
  assertError(await srv.req('PATCH', `/api/v1/projects/${p.id}`, { token: admin.token, body: { name: 'x' } }), 422, 'field_required', 'version');
  const other = await createCustomer({ name: `另一客户${tag()}` });
  assertError(await patch(p, { customer_id: other.id }), 422, 'field_readonly', 'customer_id');
});

test('DELETE needs the current version; a project with live units is 409 project_has_equipment until they are deleted', async () => {
  const p = await create();
  const u = await unit(p.id);
  assertError(await srv.req('DELETE', `/api/v1/projects/${p.id}`, { token: admin.token }), 422, 'field_required', 'version');
  assertError(await srv.req('DELETE', `/api/v1/projects/${p.id}?version=1`, { token: admin.token }), 409, 'project_has_equipment');
  const d = await srv.req('DELETE', `/api/v1/equipment/${u.id}?version=${u.version}`, { token: admin.token });
  assert.equal(d.status, 204, d.text);
  assertError(await srv.req('DELETE', `/api/v1/projects/${p.id}?version=7`, { token: admin.token }), 409, 'stale_version');
  const r = await srv.req('DELETE', `/api/v1/projects/${p.id}?version=1`, { token: admin.token });
  assert.equal(r.status, 204, r.text);
  assertError(await get(p.id), 404, 'not_found');
  assertError(await srv.req('DELETE', `/api/v1/projects/${p.id}?version=2`, { token: admin.token }), 404, 'not_found');
});

test('ids that are not ids are 404, never 400 or 500', async () => {
  for (const id of ['0', '-1', 'abc', '9007199254740992', '1e3'])
    assertError(await srv.req('GET', `/api/v1/projects/${id}`, { token: admin.token }), 404, 'not_found');
});

// ---- audit ---------------------------------------------------------------------------------

test('create, update, card issue and delete each write one audit row with who, before and after', async () => {
  const p = await create({ name: `审计${tag()}` });
  const u = await patch(p, { note: '新备注' });
  assert.equal(u.status, 200);
  const issued = await issue(u.body, { issued_on: '2026-02-01', method: 'in_person' });
  assert.equal(issued.status, 200, issued.text);
  const d = await srv.req('DELETE', `/api/v1/projects/${p.id}?version=${issued.body.version}`, { token: admin.token });
  assert.equal(d.status, 204);
  const rows = await auditRows(p.id);
  assert.deepEqual(rows.map((r) => r.action), ['delete', 'issue_card', 'update', 'create']);
  for (const r of rows) assert.equal(r.actor_id, admin.id);
  const [del, card, upd, crt] = rows;
  assert.deepEqual(crt.changes.name, { old: null, new: p.name });
  assert.deepEqual(crt.changes.customer_id, { old: null, new: customer.id });
  assert.deepEqual(upd.changes, { note: { old: '监控与门禁', new: '新备注' } });
  assert.equal(card.changes.card_number.new, issued.body.card.number);
  assert.deepEqual(card.changes.card_issued_on, { old: null, new: '2026-02-01' });
  assert.deepEqual(card.changes.card_issue_method, { old: null, new: 'in_person' });
  assert.deepEqual(card.changes.card_status, { old: null, new: 'issued' });
  assert.deepEqual(del.changes.deleted, { old: false, new: true });
});

// ---- list ----------------------------------------------------------------------------------

test('the list filters by customer and finds by name, site address and the customer\'s name (全角 folded)', async () => {
  const t = tag();
  const mine = await createCustomer({ name: `滨江客户${t}` });
  const a = await create({ customer_id: mine.id, name: `甲工程${t}` });
  const b = await create({ customer_id: mine.id, name: '乙工程', site_address: `江南大道${t}号` });
  const c = await create({ name: `丙工程${t.toUpperCase()}` });
  assert.deepEqual(ids((await list({ customer_id: mine.id, sort: 'id' })).items), [a.id, b.id]);
  assert.deepEqual(ids((await list({ q: t, sort: 'id' })).items), [a.id, b.id, c.id]);
  assert.deepEqual(ids((await list({ q: `江南大道${t}`, sort: 'id' })).items), [b.id]);
  assert.deepEqual(ids((await list({ q: `滨江客户${t}`, sort: 'id' })).items), [a.id, b.id]);
  const fullWidth = t.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  assert.deepEqual(ids((await list({ q: `甲工程${fullWidth}` })).items), [a.id]);
  assert.equal((await list({ q: `100%_${t}` })).total, 0, '% and _ are literal');
});

test('sorts by name and completion date both ways, and a cursor walk returns every row once', async () => {
  const mine = await createCustomer({ name: `排序客户${tag()}` });
  const made = [];
  for (const [name, done] of [['c工程', '2025-03-01'], ['a工程', null], ['b工程', '2024-12-31'], ['d工程', '2025-03-01']])
    made.push(await create({ customer_id: mine.id, name, completion_date: done, acceptance_date: done }));
  const byName = await list({ customer_id: mine.id, sort: 'name' });
  assert.deepEqual(byName.items.map((p) => p.name), ['a工程', 'b工程', 'c工程', 'd工程']);
  const byNameDesc = await list({ customer_id: mine.id, sort: '-name' });
  assert.deepEqual(byNameDesc.items.map((p) => p.name), ['d工程', 'c工程', 'b工程', 'a工程']);
  const byDone = await list({ customer_id: mine.id, sort: 'completion_date' });
  assert.deepEqual(byDone.items.map((p) => p.name), ['a工程', 'b工程', 'c工程', 'd工程'], 'not completed first, ties by id');
  for (const sort of ['name', '-name', 'completion_date', '-completion_date', 'created_at', '-id']) {
    const seen = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const r = await list({ customer_id: mine.id, sort, page_size: '1', cursor });
      seen.push(...ids(r.items));
      if (r.next_cursor === null) break;
      cursor = r.next_cursor;
    }
    const full = ids((await list({ customer_id: mine.id, sort })).items);
    assert.deepEqual(seen, full, sort);
    assert.equal(new Set(seen).size, made.length, sort);
  }
  const page2 = await list({ customer_id: mine.id, sort: 'name', page: '2', page_size: '3' });
  assert.equal(page2.total, 4);
  assert.deepEqual(page2.items.map((p) => p.name), ['d工程']);
});

test('bad list parameters are 400 naming the parameter', async () => {
  for (const [k, v] of [['customer_id', 'x'], ['card_status', 'maybe'], ['sort', 'colour'], ['page_size', '101']]) {
    const r = await srv.req('GET', `/api/v1/projects?${k}=${v}`, { token: admin.token });
    assertError(r, 400, 'invalid_parameter', k);
  }
  assertError(await srv.req('GET', '/api/v1/projects?colour=red', { token: admin.token }), 400, 'unknown_parameter', 'colour');
  assertError(await srv.req('GET', '/api/v1/projects?cursor=abc', { token: admin.token }), 400, 'invalid_cursor', 'cursor');
  assertError(await srv.req('GET', '/api/v1/warranty-cards?status=not_due', { token: admin.token }), 400, 'invalid_parameter', 'status');
});

// ---- scope ---------------------------------------------------------------------------------

test('a project outside the caller\'s regions is 404 for every verb, and guessing ids finds nothing', async () => {
  const zj = await create({ name: `浙江工程${tag()}` });
  const u = await unit(zj.id);
  const js = srv.user('department_head', { regions: ['320000'] });
  const jsCustomer = await createCustomer({ name: `江苏客户${tag()}`, region_code: '320102', addresses: [] }, js.token);
  const mine = await create({ customer_id: jsCustomer.id, site_region_code: '320102', name: '江苏工程' }, { token: js.token });
  assertError(await get(zj.id, js.token), 404, 'not_found');
  assertError(await patch(zj, { name: '越权' }, js.token), 404, 'not_found');
  assertError(await srv.req('DELETE', `/api/v1/projects/${zj.id}?version=1`, { token: js.token }), 404, 'not_found');
  assertError(await issue(zj, {}, js.token), 404, 'not_found');
  assertError(await srv.req('GET', `/api/v1/projects/${zj.id}/warranty-card`, { token: js.token }), 404, 'not_found');
  assertError(await srv.req('POST', '/api/v1/equipment', { token: js.token, body: { project_id: zj.id, serial_no: 'X', model: 'Y' } }), 422, 'unknown_project', 'project_id');
  assertError(await srv.req('GET', `/api/v1/equipment/${u.id}`, { token: js.token }), 404, 'not_found');
  const seen = [];
  for (let id = 1; id <= mine.id + 5; id++) {
    const r = await get(id, js.token);
    assert.ok([200, 404].includes(r.status), r.text);
    if (r.status === 200) seen.push(id);
  }
  assert.deepEqual(seen, [mine.id]);
  const all = await list({ page_size: '100' }, js.token);
  assert.deepEqual(ids(all.items), [mine.id]);
  assert.equal((await list({}, js.token, '/api/v1/warranty-cards')).items.every((c) => c.project_id === mine.id), true);
  assert.equal((await get(zj.id)).body.name, zj.name, 'nothing changed');
});

test('a dealer\'s user sees only the projects of its dealer\'s customers; a customer\'s user only its own', async () => {
  const dealerId = 9000 + Math.floor(Math.random() * 900);
  sql(`INSERT INTO dealers (id, name, region_code, created_at, updated_at) VALUES (${dealerId}, '杭州经销商${tag()}', '330106', 0, 0)`);
  const linked = await createCustomer({ name: `经销客户${tag()}` });
  const other = await createCustomer({ name: `直销客户${tag()}` });
  sql(`UPDATE customers SET dealer_id = ${dealerId} WHERE id = ${linked.id}`);
  const a = await create({ customer_id: linked.id, name: '经销工程' });
  const b = await create({ customer_id: other.id, name: '直销工程' });
  const dealerName = `dealer_${tag()}`;
  srv.cli(['user', 'add', '--username', dealerName, '--role', 'dealer', '--regions', '000000', '--dealer-id', String(dealerId), '--no-password']);
  const dealer = srv.cli(['token', 'create', '--user', dealerName]).trim();
  assert.deepEqual(ids((await list({ page_size: '100' }, dealer)).items), [a.id]);
  assert.equal((await get(a.id, dealer)).status, 200);
  assertError(await get(b.id, dealer), 404, 'not_found');
  const cust = srv.user('customer', { customerId: other.id });
  assert.deepEqual(ids((await list({ page_size: '100' }, cust.token)).items), [b.id]);
  assertError(await get(a.id, cust.token), 404, 'not_found');
  assert.equal((await get(b.id, cust.token)).body.name, '直销工程');
  // A dealer's user without a dealership sees nothing at all.
  const lone = srv.user('dealer');
  assert.equal((await list({}, lone.token)).total, 0);
});

test('a deleted customer takes its projects out of sight', async () => {
  const c = await createCustomer({ name: `将删除${tag()}` });
  const p = await create({ customer_id: c.id });
  const d = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=${c.version}`, { token: admin.token });
  assert.equal(d.status, 204, d.text);
  assertError(await get(p.id), 404, 'not_found');
});

// ---- the warranty card ---------------------------------------------------------------------

test('issuing the card records day, method, who and a readable number BXK-YYYYMMDD-NNNN counting up within the day', async () => {
  const p1 = await create({ completion_date: '2025-06-01', acceptance_date: '2025-06-05' });
  const p2 = await create({ completion_date: '2025-06-01', acceptance_date: '2025-06-05' });
  const r1 = await issue(p1, { issued_on: '2025-06-20', method: 'courier' });
  assert.equal(r1.status, 200, r1.text);
  const r2 = await issue(p2, { issued_on: '2025-06-20', method: 'post' });
  assert.equal(r2.status, 200, r2.text);
  assert.match(r1.body.card.number, /^BXK-20250620-\d{4}$/);
  const n1 = Number(r1.body.card.number.slice(-4)), n2 = Number(r2.body.card.number.slice(-4));
  assert.equal(n2, n1 + 1);
  assert.equal(r1.body.version, p1.version + 1);
  assert.deepEqual(r1.body.card, {
    status: 'issued', due_on: '2025-07-01', days_late: 0, number: r1.body.card.number,
    issued_on: '2025-06-20', method: 'courier', issued_by: admin.id, issued_by_name: admin.username,
  });
});

test('issuing a card twice is 409 card_already_issued and keeps the first card', async () => {
  const p = await create();
  const first = await issue(p, { issued_on: '2026-02-01' });
  assert.equal(first.status, 200, first.text);
  assertError(await issue(first.body, { issued_on: '2026-02-02' }), 409, 'card_already_issued');
  assertError(await issue(p, { issued_on: '2026-02-02' }), 409, 'card_already_issued');
  const now = (await get(p.id)).body;
  assert.equal(now.card.number, first.body.card.number);
  assert.equal(now.card.issued_on, '2026-02-01');
});

test('a card goes out only for a completed and accepted project, on a day from completion to today, by a listed method', async () => {
  const open = await create({ completion_date: null, acceptance_date: null });
  assertError(await issue(open), 409, 'project_not_completed', 'completion_date');
  const unaccepted = await create({ completion_date: '2026-01-10', acceptance_date: null });
  assertError(await issue(unaccepted), 409, 'project_not_accepted', 'acceptance_date');
  const p = await create({ completion_date: '2026-01-10', acceptance_date: '2026-01-31' });
  assertError(await issue(p, { issued_on: '2026-01-09' }), 422, 'issued_before_completion', 'issued_on');
  assertError(await issue(p, { issued_on: addDays(today(), 1) }), 422, 'date_in_future', 'issued_on');
  assertError(await issue(p, { method: 'pigeon' }), 422, 'invalid_choice', 'method');
  assertError(await issue(p, { issued_on: '2026-13-01' }), 422, 'invalid_date', 'issued_on');
  assertError(await srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token, body: { version: 1 } }), 422, 'field_required', 'method');
  assertError(await srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token, body: { method: 'post' } }), 422, 'field_required', 'version');
  assertError(await issue(p, { version: 5 }), 409, 'stale_version', 'version');
  assert.equal((await get(p.id)).body.card.number, null, 'nothing was recorded');
  const r = await srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token, body: { method: 'electronic', version: 1 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.card.issued_on, today(), 'issued_on defaults to today');
});

test('the card states: due, late, issued on the last day, issued a day late, and the filters agree', async () => {
  const mine = await createCustomer({ name: `发卡客户${tag()}` });
  const t = today();
  const recent = await create({ customer_id: mine.id, name: '近期竣工', completion_date: t, acceptance_date: t });
  const old = await create({ customer_id: mine.id, name: '早年竣工', completion_date: '2020-03-15', acceptance_date: '2020-03-20' });
  // Completed on 2025-01-31: one month ends on 2025-02-28 (February has no 31st).
  const onTime = await create({ customer_id: mine.id, name: '按期发卡', completion_date: '2025-01-31', acceptance_date: '2025-01-31' });
  const late = await create({ customer_id: mine.id, name: '逾期发卡', completion_date: '2025-01-31', acceptance_date: '2025-01-31' });
  const open = await create({ customer_id: mine.id, name: '未竣工', completion_date: null, acceptance_date: null });
  assert.equal((await issue(onTime, { issued_on: '2025-02-28' })).status, 200);
  assert.equal((await issue(late, { issued_on: '2025-03-01' })).status, 200);
  const state = async (p) => (await get(p.id)).body.card;
  assert.deepEqual(await state(recent), { status: 'due', due_on: lastDay(t, 1), days_late: 0, number: null, issued_on: null, method: null, issued_by: null, issued_by_name: null });
  const o = await state(old);
  assert.equal(o.status, 'late');
  assert.equal(o.due_on, '2020-04-15');
  assert.equal(o.days_late, daysBetween('2020-04-15', t));
  assert.equal((await state(onTime)).status, 'issued');
  assert.equal((await state(onTime)).due_on, '2025-02-28');
  assert.equal((await state(late)).status, 'issued_late');
  assert.equal((await state(late)).days_late, 1);
  assert.equal((await state(open)).status, 'not_due');
  const byStatus = async (params, path) => ids((await list({ customer_id: mine.id, sort: 'id', ...params }, admin.token, path)).items);
  assert.deepEqual(await byStatus({ card_status: 'due' }), [recent.id]);
  assert.deepEqual(await byStatus({ card_status: 'late' }), [old.id]);
  assert.deepEqual(await byStatus({ card_status: 'issued' }), [onTime.id]);
  assert.deepEqual(await byStatus({ card_status: 'issued_late' }), [late.id]);
  assert.deepEqual(await byStatus({ card_status: 'not_due' }), [open.id]);
  const cards = (params) => list({ customer_id: mine.id, ...params }, admin.token, '/api/v1/warranty-cards');
  const all = await cards({});
  assert.deepEqual(all.items.map((c) => c.project_name), ['早年竣工', '按期发卡', '逾期发卡', '近期竣工'], 'completed projects, the oldest completion first');
  assert.equal(all.total, 4);
  assert.deepEqual((await cards({ status: 'all' })).items.map((c) => c.project_id), all.items.map((c) => c.project_id));
  for (const [status, p] of [['due', recent], ['late', old], ['issued', onTime], ['issued_late', late]]) {
    const r = await cards({ status });
    assert.deepEqual(r.items.map((c) => c.project_id), [p.id], status);
    assert.equal(r.items[0].status, status);
  }
  const row = (await cards({ status: 'late' })).items[0];
  assert.deepEqual(Object.keys(row).sort(), ['acceptance_date', 'completion_date', 'customer_id', 'customer_name', 'days_late', 'due_on',
    'issued_by', 'issued_by_name', 'issued_on', 'method', 'number', 'project_id', 'project_manager_name', 'project_name', 'status', 'version'].sort());
});

test('a month-end completion is due on the last day of the next month, and a card that day is on time', async () => {
  const mine = await createCustomer({ name: `月末客户${tag()}` });
  const cases = [['2024-01-31', '2024-02-29'], ['2025-01-30', '2025-02-28'], ['2025-03-31', '2025-04-30'], ['2025-12-31', '2026-01-31']];
  for (const [done, due] of cases) {
    const p = await create({ customer_id: mine.id, completion_date: done, acceptance_date: done });
    assert.equal(p.card.due_on, due, done);
    const r = await issue(p, { issued_on: due });
    assert.equal(r.body.card.status, 'issued', done);
  }
  assert.equal((await list({ customer_id: mine.id, card_status: 'issued' })).total, cases.length, 'the SQL filter counts months the same way');
});

test('a change of warranty.card_due_months moves the due date', async () => {
  const p = await create({ completion_date: '2025-01-31', acceptance_date: '2025-01-31' });
  const s = await srv.req('PUT', '/api/v1/settings/warranty.card_due_months', { token: admin.token, body: { value: 2, version: 0 } });
  assert.equal(s.status, 200, s.text);
  try {
    assert.equal((await get(p.id)).body.card.due_on, '2025-03-31');
  } finally {
    const back = await srv.req('PUT', '/api/v1/settings/warranty.card_due_months', { token: admin.token, body: { value: 1, version: s.body.version } });
    assert.equal(back.status, 200, back.text);
  }
  assert.equal((await get(p.id)).body.card.due_on, '2025-02-28');
});

// ---- the printable card --------------------------------------------------------------------

test('the printable card: 409 before issue, 422 setting_unset until the company has a name, then a PDF', async () => {
  const p = await create({ name: '打印工程', completion_date: '2026-01-10', acceptance_date: '2026-01-31' });
  await unit(p.id, { serial_no: `SN-PDF-${tag()}` });
  assertError(await srv.req('GET', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token }), 409, 'card_not_issued');
  const issued = await issue(p, { issued_on: '2026-02-05' });
  assert.equal(issued.status, 200);
  assertError(await srv.req('GET', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token }), 422, 'setting_unset', 'company.name');
  const s = await srv.req('PUT', '/api/v1/settings/company.name', { token: admin.token, body: { value: '海口天赏电子科技有限公司', version: 0 } });
  assert.equal(s.status, 200, s.text);
  const res = await fetch(`${srv.base}/api/v1/projects/${p.id}/warranty-card`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(bytes.length > 1000);
  // The customer's own user may print the card of its project.
  const cust = srv.user('customer', { customerId: customer.id });
  const mineRes = await srv.req('GET', `/api/v1/projects/${p.id}/warranty-card`, { token: cust.token });
  assert.equal(mineRes.status, 200);
});

test('a card cannot be printed for a project without a unit that has a free term: 409 project_without_equipment', async () => {
  const p = await create();
  await unit(p.id, { sold_by_company: false, manufacturer_months: 0 });
  const issued = await issue(p, { issued_on: '2026-02-05' });
  assert.equal(issued.status, 200);
  const r = await srv.req('GET', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token });
  // company.name may be unset if this test runs alone; both answers name why nothing prints.
  if (r.status === 422) assertError(r, 422, 'setting_unset', 'company.name');
  else assertError(r, 409, 'project_without_equipment');
});
