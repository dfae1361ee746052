// suppliers.test.js — /api/v1/suppliers and /api/v1/suppliers/{id}/audits, mirroring
// src/api/suppliers.c (SPEC A4; work plan 2 §五.1, work plan 1 §三.1): create (with
// Idempotency-Key), get, update with optimistic versions, delete, the company-wide scope, the
// list with its filters, sorts, pages, keyset cursors and search, and the audits of
// suppliers with their rules.
// /* EVIDENCE: SPEC A4 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './lib/harness.js';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

// A token of lower-case letters that no other test uses (search and filters key on it).
function tag() {
  return 'sq' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
// n random characters of the CJK Unified Ideographs block (U+5000..U+6FFF).
function hanzi(n) {
  return [...randomBytes(n * 2)].reduce((s, b, i, a) => (i % 2 ? s + String.fromCharCode(0x5000 + ((a[i - 1] << 8 | b) % 0x2000)) : s), '');
}
function digits(n) {
  return [...randomBytes(n)].map((b) => String(b % 10)).join('');
}
function fullWidth(s) {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
// Today and other days in the server's zone (+08:00), as YYYY-MM-DD.
function day(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}

const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function supplierBody(overrides = {}) {
  return {
    name: '宁波精工电机有限公司', region_code: '330203', contact_person: '吴海',
    phone: '0574-87651234', email: 'sales@jinggong.example.cn', address: '海曙区望春工业园8号',
    supplies: '电机、控制器', outsourced: true, note: '', ...overrides,
  };
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.ok(r.body.error.message.length > 0);
}

const post = (body, token = admin.token, headers) => srv.req('POST', '/api/v1/suppliers', { token, body, headers });
async function create(overrides = {}, token = admin.token) {
  const r = await post(supplierBody(overrides), token);
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const get = (id, token = admin.token) => srv.req('GET', `/api/v1/suppliers/${id}`, { token });
const patch = (id, body, token = admin.token) => srv.req('PATCH', `/api/v1/suppliers/${id}`, { token, body });
const del = (id, version, token = admin.token) => srv.req('DELETE', `/api/v1/suppliers/${id}?version=${version}`, { token });

async function list(params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  return srv.req('GET', `/api/v1/suppliers${qs ? '?' + qs : ''}`, { token });
}
async function total(params = {}, token = admin.token) {
  const r = await list({ ...params, page_size: '1' }, token);
  assert.equal(r.status, 200, r.text);
  return r.body.total;
}

const auditSupplier = (id, body, token = admin.token, headers) => srv.req('POST', `/api/v1/suppliers/${id}/audits`, { token, body, headers });
async function audits(id, params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  return srv.req('GET', `/api/v1/suppliers/${id}/audits${qs ? '?' + qs : ''}`, { token });
}

async function trail(query) {
  const r = await srv.req('GET', `/api/v1/audit?${query}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

async function walk(path, params, pageSize, token = admin.token) {
  const items = [];
  let cursor = '';
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 500, 'the cursor walk does not end');
    const qs = new URLSearchParams({ ...params, page_size: String(pageSize), cursor }).toString();
    const r = await srv.req('GET', `${path}?${qs}`, { token });
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    if (r.body.next_cursor === null) break;
    assert.ok(r.body.items.length > 0, 'a page with a next_cursor is not empty');
    cursor = r.body.next_cursor;
  }
  return items;
}

const ids = (items) => items.map((s) => s.id);

// ---- create and validation -----------------------------------------------------------------

test('creating a supplier answers 201 with id, version 1, region name, +08:00 times and every field', async () => {
  const body = supplierBody({ note: '主要电机供应商' });
  const r = await post(body);
  assert.equal(r.status, 201, r.text);
  assert.ok(Number.isSafeInteger(r.body.id) && r.body.id > 0);
  assert.equal(r.body.version, 1);
  assert.equal(r.body.region_name, '浙江省 宁波市 海曙区');
  assert.match(r.body.created_at, ISO_0800);
  for (const k of Object.keys(body)) assert.deepEqual(r.body[k], body[k], k);
  assert.deepEqual((await get(r.body.id)).body, r.body);
});

test('a supplier needs only a name: no region is null, texts are empty, not outsourced', async () => {
  const r = await post({ name: '最简供应商' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.region_code, null);
  assert.equal(r.body.region_name, null);
  for (const k of ['contact_person', 'phone', 'email', 'address', 'supplies', 'note']) assert.equal(r.body[k], '', k);
  assert.equal(r.body.outsourced, false);
});

test('a missing, empty or too long name is 422 naming name', async () => {
  const { name, ...noName } = supplierBody();
  assertError(await post(noName), 422, 'field_required', 'name');
  assertError(await post(supplierBody({ name: '' })), 422, 'field_required', 'name');
  assertError(await post(supplierBody({ name: '供'.repeat(101) })), 422, 'field_length', 'name');
});

test('a malformed region is 422 invalid_region or field_length, an unknown one unknown_region', async () => {
  assertError(await post(supplierBody({ region_code: '3302' })), 422, 'field_length', 'region_code');
  assertError(await post(supplierBody({ region_code: '33020X' })), 422, 'invalid_region', 'region_code');
  assertError(await post(supplierBody({ region_code: '339999' })), 422, 'unknown_region', 'region_code');
});

test('an e-mail that is not one is 422 invalid_email; a real one is kept', async () => {
  for (const email of ['sales', 'sales@', '@jinggong.cn', 'sales@jinggong', 'a b@jinggong.cn', 'a@@jinggong.cn', 'a@jinggong.']) {
    assertError(await post(supplierBody({ email })), 422, 'invalid_email', 'email');
  }
  assert.equal((await create({ email: 'qc.team+parts@factory.example.com' })).email, 'qc.team+parts@factory.example.com');
});

test('a phone with letters is 422 invalid_phone; full-width digits are stored folded', async () => {
  assertError(await post(supplierBody({ phone: '0574-abc' })), 422, 'invalid_phone', 'phone');
  assert.equal((await create({ phone: fullWidth('0574-87651234') })).phone, '0574-87651234');
});

test('an unknown field or a wrong type is 400 naming the field', async () => {
  assertError(await post(supplierBody({ rating: 5 })), 400, 'unknown_field', 'rating');
  assertError(await post(supplierBody({ outsourced: 'yes' })), 400, 'wrong_type', 'outsourced');
  assertError(await post(supplierBody({ outsourced: null })), 400, 'wrong_type', 'outsourced');
});

test('two POSTs with the same Idempotency-Key create one supplier; the second answers 200', async () => {
  const headers = { 'Idempotency-Key': `k-${tag()}` };
  const n = await total();
  const a = await post(supplierBody(), admin.token, headers);
  const b = await post(supplierBody(), admin.token, headers);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.id, a.body.id);
  assert.equal(await total(), n + 1);
});

test('creating a supplier is audited with every field', async () => {
  const s = await create({ name: `审计${tag()}` });
  const rows = await trail(`entity=supplier&entity_id=${s.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].actor_id, admin.id);
  assert.deepEqual(rows[0].changes.name, { old: null, new: s.name });
  assert.deepEqual(rows[0].changes.outsourced, { old: null, new: true });
});

// ---- roles and scope -----------------------------------------------------------------------

test('suppliers are company-wide: a user granted only 320000 sees a Zhejiang supplier and one without region', async () => {
  const t = tag();
  const zj = await create({ name: `浙江${t}`, region_code: '330203' });
  const none = await create({ name: `无地区${t}`, region_code: null });
  const js = srv.user('agent', { regions: ['320000'] });
  assert.equal((await get(zj.id, js.token)).status, 200);
  assert.equal((await get(none.id, js.token)).status, 200);
  assert.equal(await total({ q: t }, js.token), 2);
  const jsQc = srv.user('qc', { regions: ['320000'] });
  const p = await patch(zj.id, { version: 1, note: '外省质检员修改' }, jsQc.token);
  assert.equal(p.status, 200, p.text);
});

test('the warehouse and QC keep suppliers; an agent or finance reads them but may not change them (403)', async () => {
  const wh = srv.user('warehouse');
  const qc = srv.user('qc');
  const s = await create({}, wh.token);
  assert.equal((await patch(s.id, { version: 1, supplies: '后桥' }, qc.token)).status, 200);
  for (const role of ['agent', 'finance', 'technician']) {
    const u = srv.user(role);
    assert.equal((await get(s.id, u.token)).status, 200, role);
    assertError(await post(supplierBody(), u.token), 403, 'forbidden');
    assertError(await patch(s.id, { version: 2, note: 'x' }, u.token), 403, 'forbidden');
    assertError(await del(s.id, 2, u.token), 403, 'forbidden');
  }
  assert.equal((await get(s.id)).body.version, 2);
});

test('dealers and customers may not read suppliers (403)', async () => {
  const s = await create();
  const dealer = srv.user('dealer');
  assertError(await get(s.id, dealer.token), 403, 'forbidden');
  assertError(await list({}, dealer.token), 403, 'forbidden');
  assertError(await audits(s.id, {}, dealer.token), 403, 'forbidden');
});

// ---- update and delete ---------------------------------------------------------------------

test('PATCH with the current version changes only the given fields, bumps the version and is audited with old and new', async () => {
  const s = await create({ contact_person: '吴海' });
  const r = await patch(s.id, { version: 1, contact_person: '林青', outsourced: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.contact_person, '林青');
  assert.equal(r.body.outsourced, false);
  assert.equal(r.body.email, s.email);
  const rows = await trail(`entity=supplier&entity_id=${s.id}&action=update`);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].changes, { contact_person: { old: '吴海', new: '林青' }, outsourced: { old: true, new: false } });
});

test('PATCH with a stale version gets 409 and changes nothing; without version 422', async () => {
  const s = await create();
  assert.equal((await patch(s.id, { version: 1, note: '一' })).status, 200);
  assertError(await patch(s.id, { version: 1, note: '二' }), 409, 'stale_version', 'version');
  assertError(await patch(s.id, { note: '三' }), 422, 'field_required', 'version');
  const g = await get(s.id);
  assert.equal(g.body.note, '一');
  assert.equal(g.body.version, 2);
});

test('PATCH with null clears the region; an invalid e-mail or region is 422 naming it and changes nothing', async () => {
  const s = await create({ region_code: '330203' });
  assertError(await patch(s.id, { version: 1, email: 'nope' }), 422, 'invalid_email', 'email');
  assertError(await patch(s.id, { version: 1, region_code: '339999' }), 422, 'unknown_region', 'region_code');
  const r = await patch(s.id, { version: 1, region_code: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.region_code, null);
  assert.equal(r.body.region_name, null);
  const moved = await patch(s.id, { version: 2, region_code: '320102' });
  assert.equal(moved.body.region_name, '江苏省 南京市 玄武区');
});

test('DELETE with the current version is 204; the supplier is then 404, gone from lists, and audited', async () => {
  const t = tag();
  const s = await create({ name: `删除${t}` });
  assertError(await del(s.id, 2), 409, 'stale_version');
  assertError(await srv.req('DELETE', `/api/v1/suppliers/${s.id}`, { token: admin.token }), 422, 'field_required', 'version');
  assert.equal((await del(s.id, 1)).status, 204);
  assertError(await get(s.id), 404, 'not_found');
  assertError(await audits(s.id), 404, 'not_found');
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'passed' }), 404, 'not_found');
  assert.equal(await total({ q: t }), 0);
  const rows = await trail(`entity=supplier&entity_id=${s.id}&action=delete`);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].changes.deleted, { old: false, new: true });
});

test('GET, PATCH and DELETE of a supplier that does not exist are 404', async () => {
  assertError(await get(999999999), 404, 'not_found');
  assertError(await patch(999999999, { version: 1, note: 'x' }), 404, 'not_found');
  assertError(await del(999999999, 1), 404, 'not_found');
  assertError(await get('12abc'), 404, 'not_found');
});

// ---- list and search -----------------------------------------------------------------------

test('outsourced and region_code filter the list, and combine', async () => {
  const t = tag();
  await create({ name: `外协宁波${t}`, outsourced: true, region_code: '330203' });
  await create({ name: `外协南京${t}`, outsourced: true, region_code: '320102' });
  await create({ name: `自购宁波${t}`, outsourced: false, region_code: '330203' });
  await create({ name: `无地区${t}`, outsourced: false, region_code: null });
  assert.equal(await total({ q: t }), 4);
  assert.equal(await total({ q: t, outsourced: 'true' }), 2);
  assert.equal(await total({ q: t, outsourced: 'false' }), 2);
  assert.equal(await total({ q: t, region_code: '330000' }), 2);
  assert.equal(await total({ q: t, region_code: '330200', outsourced: '1' }), 1);
});

test('invalid filter values and unknown parameters are 400 naming the parameter', async () => {
  assertError(await list({ outsourced: 'perhaps' }), 400, 'invalid_parameter', 'outsourced');
  assertError(await list({ region_code: 'abc' }), 400, 'invalid_parameter', 'region_code');
  assertError(await list({ sort: 'email' }), 400, 'invalid_parameter', 'sort');
  assertError(await list({ service_station: 'true' }), 400, 'unknown_parameter', 'service_station');
});

test('sort by name and -id, and page with page_size', async () => {
  const t = tag();
  for (const n of ['丙', '甲', '乙', '丁']) await create({ name: `${t}${n}` });
  const names = (await list({ q: t, sort: 'name' })).body.items.map((s) => s.name);
  assert.deepEqual(names, [...names].sort());
  const byId = ids((await list({ q: t, sort: '-id' })).body.items);
  assert.deepEqual(byId, [...byId].sort((a, b) => b - a));
  const p2 = await list({ q: t, sort: 'id', page: '2', page_size: '3' });
  assert.equal(p2.body.total, 4);
  assert.equal(p2.body.items.length, 1);
});

test('cursor paging visits every supplier exactly once, in every sort and over the whole list', async () => {
  const t = tag();
  for (let i = 0; i < 7; i++) await create({ name: `游标${t}${'甲乙丙'[i % 3]}` });
  for (const sort of ['id', '-name', 'name', '-created_at', 'updated_at']) {
    const items = await walk('/api/v1/suppliers', { q: t, sort }, 2);
    assert.equal(items.length, 7, sort);
    assert.equal(new Set(ids(items)).size, 7, sort);
  }
  const everything = await walk('/api/v1/suppliers', {}, 10);
  assert.equal(everything.length, await total());
  assert.equal(new Set(ids(everything)).size, everything.length);
});

test('Chinese substrings of 1, 2 and 3+ characters find a supplier by name', async () => {
  const core = hanzi(4);
  const s = await create({ name: `${core}配件厂` });
  for (const q of [core.slice(2, 3), core.slice(0, 2), core.slice(1, 4), `${core}配件`]) {
    const r = await list({ q });
    assert.equal(r.status, 200, r.text);
    assert.ok(ids(r.body.items).includes(s.id), `q=${q}`);
  }
});

test('search finds a supplier by contact, phone and what it supplies, not by e-mail or note', async () => {
  const t = tag();
  const phone = `0574-${digits(8)}`;
  const s = await create({ name: `检索${digits(6)}`, contact_person: `联系${t}`, phone, supplies: `轮辋焊合${t}`, email: `${t}@example.cn`, note: `备注${t}` });
  for (const q of [`联系${t}`, phone, fullWidth(phone), `轮辋焊合${t}`]) {
    assert.deepEqual(ids((await list({ q })).body.items), [s.id], `q=${q}`);
  }
  assert.equal(await total({ q: `${t}@example` }), 0);
  assert.equal(await total({ q: `备注${t}` }), 0);
});

test('search ranks exact name, then name prefix, then name contains, then other fields; relevance pages by cursor', async () => {
  const t = tag();
  const other = await create({ name: `其他${digits(5)}`, supplies: t });
  const contains = await create({ name: `中${t}间` });
  const prefix = await create({ name: `${t}开头` });
  const exact = await create({ name: t.toUpperCase() });
  const expected = [exact.id, prefix.id, contains.id, other.id];
  assert.deepEqual(ids((await list({ q: t })).body.items), expected);
  assert.deepEqual(ids(await walk('/api/v1/suppliers', { q: fullWidth(t) }, 1)), expected);
});

// ---- audits --------------------------------------------------------------------------------

test('an audit of an outsourced supplier is recorded (201) with the recorder and is audited', async () => {
  const s = await create({ outsourced: true });
  const r = await auditSupplier(s.id, { audited_on: '2025-04-20', result: 'conditional', findings: '表面处理不达标, 限期一个月整改' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.supplier_id, s.id);
  assert.equal(r.body.result, 'conditional');
  assert.equal(r.body.recorded_by, admin.id);
  assert.match(r.body.created_at, ISO_0800);
  const rows = await trail(`entity=supplier_audit&entity_id=${r.body.id}`);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].changes.result, { old: null, new: 'conditional' });
  assert.deepEqual(rows[0].changes.supplier_id, { old: null, new: s.id });
});

test('findings are required unless the audit passed', async () => {
  const s = await create();
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'failed' }), 422, 'field_required', 'findings');
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'conditional', findings: '' }), 422, 'field_required', 'findings');
  const passed = await auditSupplier(s.id, { audited_on: day(), result: 'passed' });
  assert.equal(passed.status, 201, passed.text);
  assert.equal(passed.body.findings, '');
  assert.equal((await audits(s.id)).body.total, 1);
});

test('a result outside the dictionary is invalid_choice; audited_on and result are required; a bad date is invalid_date', async () => {
  const s = await create();
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'excellent', findings: 'x' }), 422, 'invalid_choice', 'result');
  assertError(await auditSupplier(s.id, { result: 'passed' }), 422, 'field_required', 'audited_on');
  assertError(await auditSupplier(s.id, { audited_on: day() }), 422, 'field_required', 'result');
  assertError(await auditSupplier(s.id, { audited_on: '2025-02-29', result: 'passed' }), 422, 'invalid_date', 'audited_on');
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'passed', score: 3 }), 400, 'unknown_field', 'score');
});

test('an audit may be dated today but not after today (422 date_in_future)', async () => {
  const s = await create();
  assertError(await auditSupplier(s.id, { audited_on: day(1), result: 'passed' }), 422, 'date_in_future', 'audited_on');
  assert.equal((await auditSupplier(s.id, { audited_on: day(), result: 'passed' })).status, 201);
});

test('a supplier that is not outsourced may be audited too', async () => {
  const s = await create({ outsourced: false });
  assert.equal((await auditSupplier(s.id, { audited_on: day(), result: 'passed' })).status, 201);
});

test('QC audits suppliers; the warehouse keeps them but may not audit (403); finance reads the audits', async () => {
  const s = await create();
  const qc = srv.user('qc', { regions: ['320000'] });
  const wh = srv.user('warehouse');
  const fin = srv.user('finance');
  assert.equal((await auditSupplier(s.id, { audited_on: day(), result: 'failed', findings: '尺寸超差' }, qc.token)).status, 201);
  assertError(await auditSupplier(s.id, { audited_on: day(), result: 'passed' }, wh.token), 403, 'forbidden');
  const r = await audits(s.id, {}, fin.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].recorded_by, qc.id);
});

test('audits list newest first by audited_on, filter by result, and page by cursor visiting each once', async () => {
  const s = await create();
  const plan = [['2025-01-10', 'passed'], ['2025-06-01', 'failed'], ['2025-03-05', 'conditional'], ['2025-06-01', 'passed'], ['2024-11-30', 'failed']];
  const made = [];
  for (const [on, result] of plan) {
    const r = await auditSupplier(s.id, { audited_on: on, result, findings: result === 'passed' ? '' : '问题' });
    assert.equal(r.status, 201, r.text);
    made.push(r.body);
  }
  const newestFirst = (a, b) => (a.audited_on === b.audited_on ? b.id - a.id : a.audited_on < b.audited_on ? 1 : -1);
  const all = await audits(s.id);
  assert.equal(all.body.total, 5);
  assert.deepEqual(ids(all.body.items), ids([...made].sort(newestFirst)));
  const failed = await audits(s.id, { result: 'failed' });
  assert.equal(failed.body.total, 2);
  assert.ok(failed.body.items.every((a) => a.result === 'failed'));
  assert.deepEqual(ids(await walk(`/api/v1/suppliers/${s.id}/audits`, {}, 2)), ids(all.body.items));
  const ascending = await walk(`/api/v1/suppliers/${s.id}/audits`, { sort: 'audited_on' }, 2);
  assert.deepEqual(ids(ascending), ids(all.body.items).reverse());
  assertError(await audits(s.id, { kind: 'x' }), 400, 'unknown_parameter', 'kind');
});

test('a repeated Idempotency-Key audits once; on another supplier it is 409 idempotency_key_reused', async () => {
  const s = await create();
  const other = await create();
  const headers = { 'Idempotency-Key': `aud-${tag()}` };
  const body = { audited_on: day(), result: 'passed' };
  const a = await auditSupplier(s.id, body, admin.token, headers);
  const b = await auditSupplier(s.id, body, admin.token, headers);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.id, a.body.id);
  assertError(await auditSupplier(other.id, body, admin.token, headers), 409, 'idempotency_key_reused');
  assert.equal((await audits(s.id)).body.total, 1);
  assert.equal((await audits(other.id)).body.total, 0);
});

test('audits of a supplier that does not exist are 404', async () => {
  assertError(await audits(999999999), 404, 'not_found');
  assertError(await auditSupplier(999999999, { audited_on: day(), result: 'passed' }), 404, 'not_found');
});
