// equipment.test.js — /api/v1/equipment, mirroring src/api/equipment.c: create (with
// Idempotency-Key), get, update with optimistic versions, delete, the serial number unique per
// model among live units, the list with its filters, sorts and cursors, the scope of regions,
// dealers and customers, the audit rows, and /equipment/{id}/warranty — "is this unit in
// warranty on date D, until when, and why?" — with expected answers worked out by hand from
// the rule (SPEC B2, B3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody, driver } from './lib/harness.js';

let srv;
let admin;
let customer;
let project; // accepted 2026-01-31
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  customer = await createCustomer();
  project = await createProject();
});
after(async () => { await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

function tag() {
  return 'ze' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}
function fullWidth(s) {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.ok(r.body.error.message.length > 0);
}

// SQL on the server's database, for what has no endpoint in this suite (dealer links,
// suppliers).
function sql(statement) {
  const url = srv.db.url;
  if (driver === 'sqlite') execFileSync('sqlite3', ['-cmd', '.timeout 5000', url.slice('sqlite:'.length), statement]);
  else execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url, '-c', statement], { stdio: ['ignore', 'ignore', 'inherit'] });
}
let nextSupplier = 9100 + Math.floor(Math.random() * 100);
function supplier(name = `供应商${tag()}`, deleted = false) {
  const id = nextSupplier++;
  sql(`INSERT INTO suppliers (id, name, created_at, updated_at, deleted_at) VALUES (${id}, '${name}', 0, 0, ${deleted ? 1 : 'NULL'})`);
  return { id, name };
}

async function createCustomer(overrides = {}, token = admin.token) {
  const r = await srv.req('POST', '/api/v1/customers', { token, body: customerBody(overrides) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function createProject(overrides = {}, token = admin.token) {
  const r = await srv.req('POST', '/api/v1/projects', {
    token,
    body: { customer_id: customer.id, name: '华信大厦安防工程', site_region_code: '330106', completion_date: '2026-01-10', acceptance_date: '2026-01-31', ...overrides },
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

function unitBody(overrides = {}) {
  return { project_id: project.id, serial_no: `SN-${tag()}`, model: 'DS-7816N-K2', name: '网络硬盘录像机', category: 'surveillance', batch: '2025-11', install_site: '3楼机房', ...overrides };
}

async function create(overrides = {}, { token = admin.token, headers } = {}) {
  const r = await srv.req('POST', '/api/v1/equipment', { token, body: unitBody(overrides), headers });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const post = (body, token = admin.token) => srv.req('POST', '/api/v1/equipment', { token, body });
const get = (id, token = admin.token) => srv.req('GET', `/api/v1/equipment/${id}`, { token });
const patch = (u, body, token = admin.token) => srv.req('PATCH', `/api/v1/equipment/${u.id}`, { token, body: { version: u.version, ...body } });
const del = (u, token = admin.token) => srv.req('DELETE', `/api/v1/equipment/${u.id}?version=${u.version}`, { token });

async function list(params = {}, token = admin.token) {
  const r = await srv.req('GET', `/api/v1/equipment?${new URLSearchParams(params)}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const ids = (items) => items.map((u) => u.id);

async function warranty(u, date, token = admin.token) {
  const r = await srv.req('GET', `/api/v1/equipment/${u.id}/warranty${date ? `?date=${date}` : ''}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// ---- create --------------------------------------------------------------------------------

test('creating a unit answers 201 with its fields, the project\'s customer and names, and +08:00 times', async () => {
  const s = supplier('海康威视');
  const body = unitBody({ supplier_id: s.id, manufacturer_months: 24, note: '主机' });
  const r = await post(body);
  assert.equal(r.status, 201, r.text);
  const u = r.body;
  assert.ok(Number.isSafeInteger(u.id) && u.id > 0);
  assert.equal(u.version, 1);
  for (const k of ['project_id', 'serial_no', 'model', 'name', 'category', 'supplier_id', 'batch', 'install_site', 'manufacturer_months', 'note'])
    assert.deepEqual(u[k], body[k], k);
  assert.equal(u.sold_by_company, true, 'sold by the company unless told otherwise');
  assert.equal(u.acceptance_date, null);
  assert.equal(u.customer_id, customer.id, 'the customer comes from the project');
  assert.equal(u.customer_name, customer.name);
  assert.equal(u.project_name, project.name);
  assert.equal(u.project_acceptance_date, '2026-01-31');
  assert.equal(u.category_label, '监控设备');
  assert.equal(u.supplier_name, '海康威视');
  assert.match(u.created_at, ISO_0800);
  assert.deepEqual((await get(u.id)).body, u);
});

test('a unit with only project, serial and model gets the defaults: category other, no supplier, 0 months', async () => {
  const r = await post({ project_id: project.id, serial_no: `MIN-${tag()}`, model: 'X1' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.category, 'other');
  assert.equal(r.body.supplier_id, null);
  assert.equal(r.body.manufacturer_months, 0);
  assert.equal(r.body.sold_by_company, true);
  assert.equal(r.body.name, '');
});

test('serial numbers and models are kept half-width and trimmed: "ＳＮ－００１ " is SN-001', async () => {
  const t = tag().toUpperCase();
  const r = await post(unitBody({ serial_no: ` ${fullWidth(`SN-${t}`)}\u3000`, model: fullWidth('DS-2CD') }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.serial_no, `SN-${t}`);
  assert.equal(r.body.model, 'DS-2CD');
  assertError(await post(unitBody({ serial_no: '\u3000 ' })), 422, 'field_required', 'serial_no');
});

test('invalid fields get an error naming the field', async () => {
  for (const field of ['project_id', 'serial_no', 'model']) {
    const body = unitBody();
    delete body[field];
    assertError(await post(body), 422, 'field_required', field);
  }
  assertError(await post(unitBody({ serial_no: 'S'.repeat(65) })), 422, 'field_length', 'serial_no');
  assertError(await post(unitBody({ manufacturer_months: 241 })), 422, 'out_of_range', 'manufacturer_months');
  assertError(await post(unitBody({ manufacturer_months: -1 })), 422, 'out_of_range', 'manufacturer_months');
  assertError(await post(unitBody({ manufacturer_months: 1.5 })), 400, 'wrong_type', 'manufacturer_months');
  assertError(await post(unitBody({ sold_by_company: 'yes' })), 400, 'wrong_type', 'sold_by_company');
  assertError(await post(unitBody({ category: 'toaster' })), 422, 'invalid_choice', 'category');
  assertError(await post(unitBody({ acceptance_date: '2026-02-29' })), 422, 'invalid_date', 'acceptance_date');
  assertError(await post(unitBody({ project_id: 987654 })), 422, 'unknown_project', 'project_id');
  assertError(await post(unitBody({ supplier_id: 987654 })), 422, 'unknown_supplier', 'supplier_id');
  assertError(await post(unitBody({ supplier_id: supplier(undefined, true).id })), 422, 'unknown_supplier', 'supplier_id');
  assertError(await post(unitBody({ customer_id: customer.id })), 400, 'unknown_field', 'customer_id');
});

test('a repeated Idempotency-Key returns the first unit with 200', async () => {
  const headers = { 'Idempotency-Key': `unit-${tag()}` };
  const body = unitBody();
  const first = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body, headers });
  assert.equal(first.status, 201, first.text);
  const again = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body, headers });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.body, first.body);
});

// ---- serial numbers ------------------------------------------------------------------------

test('a serial number already live for the model is 409 duplicate naming serial_no', async () => {
  const u = await create({ model: 'M-DUP' });
  const r = await post(unitBody({ model: 'M-DUP', serial_no: u.serial_no }));
  assertError(r, 409, 'duplicate', 'serial_no');
  assertError(await post(unitBody({ model: 'M-DUP', serial_no: fullWidth(u.serial_no) })), 409, 'duplicate', 'serial_no');
});

test('the same serial number with another model is a different unit', async () => {
  const u = await create({ model: 'M-A' });
  const other = await create({ model: 'M-B', serial_no: u.serial_no });
  assert.equal(other.serial_no, u.serial_no);
  assert.notEqual(other.id, u.id);
});

test('a deleted unit frees its serial number', async () => {
  const u = await create({ model: 'M-DEL' });
  assert.equal((await del(u)).status, 204);
  const again = await create({ model: 'M-DEL', serial_no: u.serial_no });
  assert.equal(again.serial_no, u.serial_no);
});

test('changing a unit to a serial number taken for its model is 409; keeping its own is fine', async () => {
  const a = await create({ model: 'M-PATCH' });
  const b = await create({ model: 'M-PATCH' });
  assertError(await patch(b, { serial_no: a.serial_no }), 409, 'duplicate', 'serial_no');
  const same = await patch(b, { serial_no: b.serial_no, note: '同号保存' });
  assert.equal(same.status, 200, same.text);
  const moved = await patch(same.body, { model: 'M-OTHER', serial_no: a.serial_no });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.body.serial_no, a.serial_no);
});

// ---- update and delete ---------------------------------------------------------------------

test('PATCH changes the fields given and counts the version up; a stale version gets 409', async () => {
  const u = await create();
  const r = await patch(u, { name: '硬盘录像机', sold_by_company: false, manufacturer_months: 36, acceptance_date: '2026-03-01', batch: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.name, '硬盘录像机');
  assert.equal(r.body.sold_by_company, false);
  assert.equal(r.body.manufacturer_months, 36);
  assert.equal(r.body.acceptance_date, '2026-03-01');
  assert.equal(r.body.batch, '');
  assert.equal(r.body.serial_no, u.serial_no);
  assertError(await patch(u, { name: '旧' }), 409, 'stale_version', 'version');
  assertError(await srv.req('PATCH', `/api/v1/equipment/${u.id}`, { token: admin.token, body: { name: 'x' } }), 422, 'field_required', 'version');
  const cleared = await patch(r.body, { acceptance_date: null });
  assert.equal(cleared.body.acceptance_date, null);
});

test('moving a unit to another project gives it that project\'s customer; an invisible project is 422 unknown_project', async () => {
  const other = await createCustomer({ name: `另一业主${tag()}` });
  const p2 = await createProject({ customer_id: other.id, name: '另一工程' });
  const u = await create();
  const r = await patch(u, { project_id: p2.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.customer_id, other.id);
  assert.equal(r.body.project_name, '另一工程');
  const js = srv.user('agent', { regions: ['320000'] });
  const jsCustomer = await createCustomer({ name: `江苏业主${tag()}`, region_code: '320102', addresses: [] }, js.token);
  const jsProject = await createProject({ customer_id: jsCustomer.id, site_region_code: '320102' }, js.token);
  const mine = await create({ project_id: jsProject.id }, { token: js.token });
  assertError(await patch(mine, { project_id: project.id }, js.token), 422, 'unknown_project', 'project_id');
});

test('DELETE needs the current version, then the unit is gone', async () => {
  const u = await create();
  assertError(await srv.req('DELETE', `/api/v1/equipment/${u.id}`, { token: admin.token }), 422, 'field_required', 'version');
  assertError(await srv.req('DELETE', `/api/v1/equipment/${u.id}?version=2`, { token: admin.token }), 409, 'stale_version');
  assert.equal((await del(u)).status, 204);
  assertError(await get(u.id), 404, 'not_found');
  assertError(await del(u), 404, 'not_found');
});

test('each change of a unit writes an audit row with who, before and after', async () => {
  const u = await create({ note: '初始' });
  const p = await patch(u, { note: '更新' });
  assert.equal((await del(p.body)).status, 204);
  const r = await srv.req('GET', `/api/v1/audit?entity=equipment&entity_id=${u.id}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  const rows = r.body.items;
  assert.deepEqual(rows.map((x) => x.action), ['delete', 'update', 'create']);
  assert.ok(rows.every((x) => x.actor_id === admin.id));
  assert.deepEqual(rows[2].changes.serial_no, { old: null, new: u.serial_no });
  assert.deepEqual(rows[2].changes.customer_id, customer.id);
  assert.deepEqual(rows[1].changes, { note: { old: '初始', new: '更新' } });
  assert.deepEqual(rows[0].changes.deleted, { old: false, new: true });
});

// ---- list ----------------------------------------------------------------------------------

test('the list filters by project, customer, exact serial, model, category, supplier and batch, and searches serial, model and name', async () => {
  const t = tag();
  const other = await createCustomer({ name: `筛选业主${t}` });
  const p2 = await createProject({ customer_id: other.id, name: `筛选工程${t}` });
  const s = supplier();
  const a = await create({ project_id: p2.id, serial_no: `A-${t}`, model: `MOD-${t}`, category: 'parking', supplier_id: s.id, batch: `B${t}` });
  const b = await create({ project_id: p2.id, serial_no: `B-${t}`, model: `MOD-${t}`, name: `道闸${t}`, category: 'access_control' });
  const c = await create({ serial_no: `C-${t}`, model: 'OTHER' });
  const q = async (params) => ids((await list({ sort: 'id', ...params })).items);
  assert.deepEqual(await q({ project_id: p2.id }), [a.id, b.id]);
  assert.deepEqual(await q({ customer_id: other.id }), [a.id, b.id]);
  assert.deepEqual(await q({ serial_no: `A-${t}` }), [a.id]);
  assert.deepEqual(await q({ serial_no: fullWidth(`A-${t}`) }), [a.id], 'the filter folds like the stored serial');
  assert.deepEqual(await q({ serial_no: `A-${t.slice(0, 4)}` }), [], 'serial_no is exact');
  assert.deepEqual(await q({ model: `MOD-${t}` }), [a.id, b.id]);
  assert.deepEqual(await q({ project_id: p2.id, category: 'parking' }), [a.id]);
  assert.deepEqual(await q({ supplier_id: s.id }), [a.id]);
  assert.deepEqual(await q({ batch: `B${t}` }), [a.id]);
  assert.deepEqual(await q({ q: t }), [a.id, b.id, c.id]);
  assert.deepEqual(await q({ q: `c-${t}` }), [c.id], 'search ignores case');
  assert.deepEqual(await q({ q: `道闸${t}` }), [b.id]);
  assert.deepEqual(await q({ q: `mod-${t}`, category: 'access_control' }), [b.id]);
  for (const [k, v] of [['project_id', '0'], ['supplier_id', 'x'], ['category', 'Bad-Value'], ['sort', 'model']])
    assertError(await srv.req('GET', `/api/v1/equipment?${k}=${v}`, { token: admin.token }), 400, 'invalid_parameter', k);
});

test('sort by serial number both ways, and a cursor walk returns every unit once', async () => {
  const p = await createProject({ name: `排序工程${tag()}` });
  for (const s of ['S3', 'S1', 'S4', 'S2', 'S5']) await create({ project_id: p.id, serial_no: s, model: `SORT-${p.id}` });
  const serials = async (sort) => (await list({ project_id: p.id, sort })).items.map((u) => u.serial_no);
  assert.deepEqual(await serials('serial_no'), ['S1', 'S2', 'S3', 'S4', 'S5']);
  assert.deepEqual(await serials('-serial_no'), ['S5', 'S4', 'S3', 'S2', 'S1']);
  for (const sort of ['serial_no', '-serial_no', 'created_at', '-id']) {
    const seen = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const r = await list({ project_id: p.id, sort, page_size: '2', cursor });
      seen.push(...r.items.map((u) => u.serial_no));
      if (r.next_cursor === null) break;
      cursor = r.next_cursor;
    }
    assert.deepEqual(seen, await serials(sort), sort);
  }
  const page = await list({ project_id: p.id, sort: 'serial_no', page: '2', page_size: '2' });
  assert.equal(page.total, 5);
  assert.deepEqual(page.items.map((u) => u.serial_no), ['S3', 'S4']);
});

// ---- scope ---------------------------------------------------------------------------------

test('units outside the caller\'s regions are 404 for every verb; guessing ids finds only one\'s own', async () => {
  const zj = await create();
  const js = srv.user('engineering_manager', { regions: ['440000'] });
  const jsCustomer = await createCustomer({ name: `广东${tag()}`, region_code: '440106', addresses: [] }, js.token);
  const jsProject = await createProject({ customer_id: jsCustomer.id, site_region_code: '440106' }, js.token);
  const mine = await create({ project_id: jsProject.id }, { token: js.token });
  assertError(await get(zj.id, js.token), 404, 'not_found');
  assertError(await patch(zj, { name: '越权' }, js.token), 404, 'not_found');
  assertError(await del(zj, js.token), 404, 'not_found');
  assertError(await srv.req('GET', `/api/v1/equipment/${zj.id}/warranty`, { token: js.token }), 404, 'not_found');
  const seen = [];
  for (let id = 1; id <= mine.id + 5; id++) {
    const r = await get(id, js.token);
    if (r.status === 200) seen.push(id);
    else assert.equal(r.status, 404);
  }
  assert.deepEqual(seen, [mine.id]);
  assert.deepEqual(ids((await list({ page_size: '100' }, js.token)).items), [mine.id]);
  assert.equal((await list({ serial_no: zj.serial_no }, js.token)).total, 0);
  assert.equal((await get(zj.id)).body.version, 1, 'nothing changed');
});

test('a dealer\'s user sees only its dealer\'s customers\' units; a customer\'s user only its own', async () => {
  const dealerId = 9500 + Math.floor(Math.random() * 400);
  sql(`INSERT INTO dealers (id, name, region_code, created_at, updated_at) VALUES (${dealerId}, '设备经销商', '330106', 0, 0)`);
  const linked = await createCustomer({ name: `经销业主${tag()}` });
  sql(`UPDATE customers SET dealer_id = ${dealerId} WHERE id = ${linked.id}`);
  const pLinked = await createProject({ customer_id: linked.id });
  const a = await create({ project_id: pLinked.id });
  const b = await create();
  const name = `dealer_${tag()}`;
  srv.cli(['user', 'add', '--username', name, '--role', 'dealer', '--regions', '000000', '--dealer-id', String(dealerId), '--no-password']);
  const dealer = srv.cli(['token', 'create', '--user', name]).trim();
  assert.deepEqual(ids((await list({ page_size: '100' }, dealer)).items), [a.id]);
  assertError(await get(b.id, dealer), 404, 'not_found');
  assert.equal((await warranty(a, '2026-06-01', dealer)).state, 'in_warranty');
  const cust = srv.user('customer', { customerId: linked.id });
  assert.deepEqual(ids((await list({ page_size: '100' }, cust.token)).items), [a.id]);
  assertError(await get(b.id, cust.token), 404, 'not_found');
});

// ---- warranty ------------------------------------------------------------------------------
// The rule (SPEC B2; rules/warranty.h): free for warranty.company_months (12) from the
// acceptance date, counted as the Civil Code counts months (the acceptance day is not counted;
// the period ends on the same-numbered day of its last month, or that month's last day); the
// manufacturer's term where strictly longer; then lifetime paid maintenance. Parts free in
// warranty only for what the company sold (B3).

test('accepted 2026-01-31 with 12 months: not yet the day before, in on the acceptance day and on 2027-01-31, out on 2027-02-01', async () => {
  const u = await create();
  const w = await warranty(u, '2026-01-30');
  assert.equal(w.state, 'not_accepted');
  assert.equal(w.reason, 'before_acceptance');
  assert.equal(w.first_day, '2026-01-31');
  assert.equal(w.last_day, '2027-01-31', 'the answer says until when even before it starts');
  assert.equal(w.replacement_free, false);
  const first = await warranty(u, '2026-01-31');
  assert.equal(first.state, 'in_warranty');
  const last = await warranty(u, '2027-01-31');
  assert.deepEqual(last, {
    equipment_id: u.id, date: '2027-01-31', state: 'in_warranty', basis: 'company', months: 12,
    first_day: '2026-01-31', last_day: '2027-01-31', replacement_free: true, parts_charged: false,
    reason: 'company_term', text: '验收日期2026-01-31起，公司免费保修12个月，至2027-01-31止',
    acceptance_date_used: '2026-01-31', acceptance_source: 'project', company_months: 12,
    manufacturer_months: 0, sold_by_company: true,
  });
  const after = await warranty(u, '2027-02-01');
  assert.equal(after.state, 'paid_maintenance');
  assert.equal(after.reason, 'expired_paid_maintenance');
  assert.equal(after.replacement_free, false);
  assert.equal(after.parts_charged, true);
  assert.equal(after.last_day, '2027-01-31');
});

test('a longer manufacturer\'s term (24 months) applies instead: in on 2027-06-01, last day 2028-01-31', async () => {
  const u = await create({ manufacturer_months: 24 });
  const w = await warranty(u, '2027-06-01');
  assert.equal(w.state, 'in_warranty');
  assert.equal(w.basis, 'manufacturer');
  assert.equal(w.reason, 'manufacturer_term_longer');
  assert.equal(w.months, 24);
  assert.equal(w.last_day, '2028-01-31');
  assert.equal(w.replacement_free, true);
  assert.equal((await warranty(u, '2028-02-01')).state, 'paid_maintenance');
});

test('a manufacturer\'s term equal to the company\'s is not longer: both 12 months, the basis says equal', async () => {
  const w = await warranty(await create({ manufacturer_months: 12 }), '2026-12-01');
  assert.equal(w.basis, 'equal');
  assert.equal(w.reason, 'terms_equal');
  assert.equal(w.last_day, '2027-01-31');
  const shorter = await warranty(await create({ manufacturer_months: 6 }), '2026-12-01');
  assert.equal(shorter.basis, 'company');
  assert.equal(shorter.months, 12);
});

test('a unit the company did not sell: no company term; with a maker\'s 18 months in warranty but parts not free from us', async () => {
  const none = await warranty(await create({ sold_by_company: false }), '2026-06-01');
  assert.equal(none.state, 'paid_maintenance');
  assert.equal(none.reason, 'not_sold_by_company');
  assert.equal(none.basis, 'none');
  assert.equal(none.first_day, null);
  assert.equal(none.last_day, null);
  assert.equal(none.replacement_free, false);
  const maker = await warranty(await create({ sold_by_company: false, manufacturer_months: 18 }), '2027-03-01');
  assert.equal(maker.state, 'in_warranty');
  assert.equal(maker.basis, 'manufacturer_only');
  assert.equal(maker.reason, 'not_sold_by_company_manufacturer_term');
  assert.equal(maker.last_day, '2027-07-31');
  assert.equal(maker.replacement_free, false);
  assert.equal(maker.parts_charged, true);
});

test('a unit without an acceptance date (nor its project) is not accepted: no free period yet', async () => {
  const p = await createProject({ acceptance_date: null, name: '未验收工程' });
  const u = await create({ project_id: p.id });
  const w = await warranty(u, '2026-06-01');
  assert.equal(w.state, 'not_accepted');
  assert.equal(w.reason, 'not_accepted');
  assert.equal(w.first_day, null);
  assert.equal(w.last_day, null);
  assert.equal(w.acceptance_date_used, null);
  assert.equal(w.acceptance_source, null);
});

test('the unit\'s own acceptance date wins over the project\'s; month ends count to the month\'s last day', async () => {
  const own = await warranty(await create({ acceptance_date: '2026-03-15' }), '2027-03-15');
  assert.equal(own.acceptance_date_used, '2026-03-15');
  assert.equal(own.acceptance_source, 'equipment');
  assert.equal(own.last_day, '2027-03-15');
  assert.equal(own.state, 'in_warranty');
  const leap = await warranty(await create({ acceptance_date: '2024-02-29' }), '2025-02-28');
  assert.equal(leap.last_day, '2025-02-28', '2025 has no 29 February');
  assert.equal(leap.state, 'in_warranty');
  assert.equal((await warranty(await create({ acceptance_date: '2024-02-29' }), '2025-03-01')).state, 'paid_maintenance');
});

test('without ?date the answer is for today in Asia/Shanghai; a bad date is 400 naming date', async () => {
  const u = await create();
  assert.equal((await warranty(u)).date, today());
  for (const d of ['2026-02-30', 'tomorrow', ''])
    assertError(await srv.req('GET', `/api/v1/equipment/${u.id}/warranty?date=${d}`, { token: admin.token }), 400, 'invalid_parameter', 'date');
  assertError(await srv.req('GET', `/api/v1/equipment/${u.id}/warranty?at=2026-01-01`, { token: admin.token }), 400, 'unknown_parameter', 'at');
  assertError(await srv.req('GET', '/api/v1/equipment/987654/warranty', { token: admin.token }), 404, 'not_found');
});

test('a change of warranty.company_months (PUT /settings as admin) changes the answer', async () => {
  const u = await create();
  const c = await create({ manufacturer_months: 18 });
  assert.equal((await warranty(u, '2027-06-01')).state, 'paid_maintenance');
  assert.equal((await warranty(c, '2027-06-01')).basis, 'manufacturer');
  const s = await srv.req('PUT', '/api/v1/settings/warranty.company_months', { token: admin.token, body: { value: 24, version: 0 } });
  assert.equal(s.status, 200, s.text);
  try {
    const w = await warranty(u, '2027-06-01');
    assert.equal(w.state, 'in_warranty');
    assert.equal(w.company_months, 24);
    assert.equal(w.months, 24);
    assert.equal(w.last_day, '2028-01-31');
    assert.equal(w.text, '验收日期2026-01-31起，公司免费保修24个月，至2028-01-31止');
    const m = await warranty(c, '2027-06-01');
    assert.equal(m.basis, 'company', 'the maker\'s 18 months are no longer the longer term');
    assert.equal(m.last_day, '2028-01-31');
  } finally {
    const back = await srv.req('PUT', '/api/v1/settings/warranty.company_months', { token: admin.token, body: { value: 12, version: s.body.version } });
    assert.equal(back.status, 200, back.text);
  }
  assert.equal((await warranty(u, '2027-06-01')).state, 'paid_maintenance');
});
