// dealers.test.js — /api/v1/dealers and /api/v1/dealers/{id}/records, mirroring
// src/api/dealers.c (SPEC A3; work plan 2 §六): create (with Idempotency-Key), get, update
// with optimistic versions, delete, the region scope of staff and the own-dealership scope of
// a dealer's user, the list with its filters, sorts, pages, keyset cursors and search, and
// the records of assessments, training and supervision with their rules.
// /* EVIDENCE: SPEC A3 */
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
  return 'dq' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
// n random characters of the CJK Unified Ideographs block (U+5000..U+6FFF).
function hanzi(n) {
  return [...randomBytes(n * 2)].reduce((s, b, i, a) => (i % 2 ? s + String.fromCharCode(0x5000 + ((a[i - 1] << 8 | b) % 0x2000)) : s), '');
}
function digits(n) {
  return [...randomBytes(n)].map((b) => String(b % 10)).join('');
}
// Full-width forms of ASCII digits, letters and '-' (U+FF01..U+FF5E).
function fullWidth(s) {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
// Today and other days in the server's zone (+08:00), as YYYY-MM-DD.
function day(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}

const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function dealerBody(overrides = {}) {
  return {
    name: '杭州顺达车业经销部', region_code: '330106', contact_person: '陈刚',
    phone: '0571-86661234', address: '文一西路18号', contract_no: 'HT-2025-017',
    contract_start: '2025-01-01', contract_end: '2027-12-31', service_station: false,
    note: '', ...overrides,
  };
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.equal(typeof r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 0);
}

async function create(overrides = {}, { token = admin.token, headers } = {}) {
  const r = await srv.req('POST', '/api/v1/dealers', { token, body: dealerBody(overrides), headers });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const get = (id, token = admin.token) => srv.req('GET', `/api/v1/dealers/${id}`, { token });
const patch = (id, body, token = admin.token) => srv.req('PATCH', `/api/v1/dealers/${id}`, { token, body });
const del = (id, version, token = admin.token) => srv.req('DELETE', `/api/v1/dealers/${id}?version=${version}`, { token });

async function list(params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  return srv.req('GET', `/api/v1/dealers${qs ? '?' + qs : ''}`, { token });
}

async function total(params = {}, token = admin.token) {
  const r = await list({ ...params, page_size: '1' }, token);
  assert.equal(r.status, 200, r.text);
  return r.body.total;
}

const record = (id, body, token = admin.token, headers) => srv.req('POST', `/api/v1/dealers/${id}/records`, { token, body, headers });
async function records(id, params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  return srv.req('GET', `/api/v1/dealers/${id}/records${qs ? '?' + qs : ''}`, { token });
}

async function audit(query) {
  const r = await srv.req('GET', `/api/v1/audit?${query}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

// Follows next_cursor from ?cursor= to null; returns every item in order.
async function walk(path, params, pageSize, token = admin.token) {
  const items = [];
  let cursor = '';
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 500, 'the cursor walk does not end');
    const qs = new URLSearchParams({ ...params, page_size: String(pageSize), cursor }).toString();
    const r = await srv.req('GET', `${path}?${qs}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= pageSize);
    items.push(...r.body.items);
    if (r.body.next_cursor === null) break;
    assert.ok(r.body.items.length > 0, 'a page with a next_cursor is not empty');
    cursor = r.body.next_cursor;
  }
  return items;
}

const ids = (items) => items.map((d) => d.id);

// A user of role dealer bound to dealership dealerId (0: none) through the admin API.
async function dealerUser(dealerId) {
  const u = srv.user('dealer', { regions: ['000000'] });
  if (dealerId) {
    const g = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
    assert.equal(g.status, 200, g.text);
    const p = await srv.req('PATCH', `/api/v1/users/${u.id}`, {
      token: admin.token, body: { dealer_id: dealerId, version: g.body.version },
    });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.dealer_id, dealerId);
  }
  return u;
}

// ---- create --------------------------------------------------------------------------------

test('creating a dealer answers 201 with id, version 1, region name, +08:00 times and every field', async () => {
  const body = dealerBody({ service_station: true, station_since: '2025-06-01', note: '首批授权' });
  const before = Date.now();
  const r = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body });
  assert.equal(r.status, 201, r.text);
  const d = r.body;
  assert.ok(Number.isSafeInteger(d.id) && d.id > 0);
  assert.equal(d.version, 1);
  assert.equal(d.region_name, '浙江省 杭州市 西湖区');
  assert.match(d.created_at, ISO_0800);
  assert.equal(d.created_at, d.updated_at);
  assert.ok(Math.abs(Date.parse(d.created_at) - before) < 60_000, 'created_at is now');
  for (const k of Object.keys(body)) assert.deepEqual(d[k], body[k], k);
});

test('GET returns the dealer exactly as creation answered it', async () => {
  const d = await create({ note: '备注' });
  const r = await get(d.id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, d);
});

test('a dealer created with only name and region gets empty texts and null dates', async () => {
  const r = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: { name: '最简经销商', region_code: '330106' } });
  assert.equal(r.status, 201, r.text);
  for (const k of ['contact_person', 'phone', 'address', 'contract_no', 'note']) assert.equal(r.body[k], '', k);
  for (const k of ['contract_start', 'contract_end', 'station_since']) assert.equal(r.body[k], null, k);
  assert.equal(r.body.service_station, false);
});

test('two POSTs with the same Idempotency-Key create one dealer; the second answers 200 with the same id', async () => {
  const key = `k-${tag()}`;
  const name = `幂等${tag()}`;
  const n = await total();
  const a = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name }), headers: { 'Idempotency-Key': key } });
  const b = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name }), headers: { 'Idempotency-Key': key } });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.id, a.body.id);
  assert.equal(await total(), n + 1);
});

test('an Idempotency-Key used for a customer is refused for a dealer (409)', async () => {
  const key = `k-${tag()}`;
  const c = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, headers: { 'Idempotency-Key': key },
    body: { name: '幂等客户', kind: 'company', region_code: '330106' },
  });
  assert.equal(c.status, 201, c.text);
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody(), headers: { 'Idempotency-Key': key } }),
    409, 'idempotency_key_reused');
});

// ---- validation ----------------------------------------------------------------------------

test('a missing, empty or null name is 422 field_required on name, and 101 characters is field_length', async () => {
  const n = await total();
  const { name, ...noName } = dealerBody();
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: noName }), 422, 'field_required', 'name');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: '' }) }), 422, 'field_required', 'name');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: null }) }), 422, 'field_required', 'name');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: '经'.repeat(101) }) }), 422, 'field_length', 'name');
  const ok = await create({ name: '经'.repeat(100) });
  assert.equal(ok.name, '经'.repeat(100));
  assert.equal(await total(), n + 1);
});

test('a missing region is 422 field_required; a malformed one invalid_region; an unknown one unknown_region', async () => {
  const { region_code, ...noRegion } = dealerBody();
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: noRegion }), 422, 'field_required', 'region_code');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ region_code: '33010X' }) }), 422, 'invalid_region', 'region_code');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ region_code: '000000' }) }), 422, 'invalid_region', 'region_code');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ region_code: '339999' }) }), 422, 'unknown_region', 'region_code');
});

test('an unknown field or a wrong type is 400 naming the field', async () => {
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ level: 3 }) }), 400, 'unknown_field', 'level');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ service_station: 'yes' }) }), 400, 'wrong_type', 'service_station');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ phone: 13800001111 }) }), 400, 'wrong_type', 'phone');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: '{"name":"a","name":"b","region_code":"330106"}' }), 400, 'duplicate_key');
});

test('an impossible contract date is 422 invalid_date naming the field', async () => {
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ contract_start: '2025-02-30' }) }), 422, 'invalid_date', 'contract_start');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ contract_end: '2025/12/31' }) }), 422, 'invalid_date', 'contract_end');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ contract_end: '' }) }), 422, 'invalid_date', 'contract_end');
});

test('a contract that ends before it starts is 422 end_before_start on contract_end; one day long is fine', async () => {
  const n = await total();
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ contract_start: '2025-06-02', contract_end: '2025-06-01' }) }),
    422, 'end_before_start', 'contract_end');
  assert.equal(await total(), n);
  const d = await create({ contract_start: '2025-06-01', contract_end: '2025-06-01' });
  assert.equal(d.contract_end, '2025-06-01');
  const open = await create({ contract_start: '2025-06-01', contract_end: null });
  assert.equal(open.contract_end, null);
});

test('station_since on a dealer that is not a service station is 422 field_not_applicable', async () => {
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ service_station: false, station_since: '2025-01-01' }) }),
    422, 'field_not_applicable', 'station_since');
  const d = await create({ service_station: true, station_since: '2025-01-01' });
  assert.equal(d.service_station, true);
  assert.equal(d.station_since, '2025-01-01');
});

test('a phone with letters is 422 invalid_phone; full-width digits are stored folded', async () => {
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ phone: '0571-8666abc' }) }), 422, 'invalid_phone', 'phone');
  const d = await create({ phone: fullWidth('0571-86661234') });
  assert.equal(d.phone, '0571-86661234');
});

test('a note may hold line breaks, a name may not (control characters are refused)', async () => {
  const d = await create({ note: '第一行\n第二行' });
  assert.equal(d.note, '第一行\n第二行');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: '换\n行' }) }), 422, 'invalid_character', 'name');
});

// ---- roles and regions ---------------------------------------------------------------------

test('an engineering manager granted 320000 creating in 330106 gets region_not_granted; in 320102 it may', async () => {
  const js = srv.user('engineering_manager', { regions: ['320000'] });
  const n = await total();
  assertError(await srv.req('POST', '/api/v1/dealers', { token: js.token, body: dealerBody() }), 422, 'region_not_granted', 'region_code');
  assert.equal(await total(), n);
  const ok = await srv.req('POST', '/api/v1/dealers', { token: js.token, body: dealerBody({ region_code: '320102' }) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.region_name, '江苏省 南京市 玄武区');
});

test('a dealer outside the caller\'s regions is 404 on GET, PATCH, DELETE and its records, and absent from lists', async () => {
  const t = tag();
  const d = await create({ name: `浙江${t}` });
  const agent = srv.user('agent', { regions: ['320000'] });
  const manager = srv.user('engineering_manager', { regions: ['320000'] });
  const tech = srv.user('technician', { regions: ['320000'] });
  assertError(await get(d.id, agent.token), 404, 'not_found');
  assertError(await get(d.id, manager.token), 404, 'not_found');
  assertError(await patch(d.id, { version: 1, note: 'x' }, manager.token), 404, 'not_found');
  assertError(await del(d.id, 1, manager.token), 404, 'not_found');
  assertError(await records(d.id, {}, agent.token), 404, 'not_found');
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: '维修' }, tech.token), 404, 'not_found');
  assert.equal(await total({ q: t }, agent.token), 0);
  // Nothing changed, and those granted the region see it.
  const g = await get(d.id);
  assert.equal(g.body.version, 1);
  assert.equal((await records(d.id)).body.total, 0);
  const zj = srv.user('agent', { regions: ['330100'] });
  assert.equal((await get(d.id, zj.token)).status, 200);
  assert.equal(await total({ q: t }, zj.token), 1);
});

test('guessing ids: a caller granted 320000 gets 404 on every 330106 dealer, as on ids that do not exist', async () => {
  const made = [await create(), await create(), await create()];
  const js = srv.user('department_head', { regions: ['320000'] });
  for (const d of made) assertError(await get(d.id, js.token), 404, 'not_found');
  const missing = await get(made[2].id + 100000, js.token);
  assertError(missing, 404, 'not_found');
  assert.equal((await get(made[0].id, js.token)).text, missing.text, 'the answer does not reveal existence');
});

test('a dealer\'s user sees only its own dealership: GET, list and records', async () => {
  const mine = await create({ name: `自己${tag()}` });
  const other = await create({ name: `别家${tag()}` });
  await record(mine.id, { kind: 'training', held_on: day(), topic: '电机维修' });
  await record(other.id, { kind: 'training', held_on: day(), topic: '电机维修' });
  const u = await dealerUser(mine.id);
  assert.deepEqual((await get(mine.id, u.token)).body, (await get(mine.id)).body);
  assertError(await get(other.id, u.token), 404, 'not_found');
  const l = await list({}, u.token);
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(ids(l.body.items), [mine.id]);
  assert.equal(l.body.total, 1);
  const own = await records(mine.id, {}, u.token);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.total, 1);
  assertError(await records(other.id, {}, u.token), 404, 'not_found');
});

test('a dealer\'s user sees its dealership whatever region it was granted', async () => {
  const mine = await create({ region_code: '330106' });
  const u = srv.user('dealer', { regions: ['320000'] });
  const g = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  const p = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { dealer_id: mine.id, version: g.body.version } });
  assert.equal(p.status, 200, p.text);
  assert.equal((await get(mine.id, u.token)).status, 200);
});

test('a dealer\'s user without a dealership sees no dealer at all', async () => {
  const d = await create();
  const u = await dealerUser(0);
  const l = await list({}, u.token);
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.body.items, []);
  assert.equal(l.body.total, 0);
  assertError(await get(d.id, u.token), 404, 'not_found');
});

test('a dealer\'s user may neither change its dealership nor record on it (403)', async () => {
  const d = await create();
  const u = await dealerUser(d.id);
  assertError(await patch(d.id, { version: 1, name: '自改' }, u.token), 403, 'forbidden');
  assertError(await del(d.id, 1, u.token), 403, 'forbidden');
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: 100 }, u.token), 403, 'forbidden');
  assertError(await srv.req('POST', '/api/v1/dealers', { token: u.token, body: dealerBody() }), 403, 'forbidden');
  assert.equal((await get(d.id)).body.version, 1);
});

test('a deleted dealership shows nothing to its user', async () => {
  const d = await create();
  const u = await dealerUser(d.id);
  assert.equal((await del(d.id, 1)).status, 204);
  assertError(await get(d.id, u.token), 404, 'not_found');
  assert.equal((await list({}, u.token)).body.total, 0);
});

test('customers may not read dealers, technicians read but may not create them (403)', async () => {
  const d = await create();
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: { name: '门户客户', kind: 'person', region_code: '330106' } });
  const portal = srv.user('customer', { customerId: c.body.id });
  assertError(await get(d.id, portal.token), 403, 'forbidden');
  assertError(await list({}, portal.token), 403, 'forbidden');
  const tech = srv.user('technician');
  assert.equal((await get(d.id, tech.token)).status, 200);
  assertError(await srv.req('POST', '/api/v1/dealers', { token: tech.token, body: dealerBody() }), 403, 'forbidden');
});

// ---- update and delete ---------------------------------------------------------------------

test('PATCH with the current version changes only the given fields, bumps the version and is audited with old and new', async () => {
  const d = await create({ contact_person: '陈刚' });
  const r = await patch(d.id, { version: 1, contact_person: '周敏', phone: fullWidth('13900001111') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.contact_person, '周敏');
  assert.equal(r.body.phone, '13900001111');
  for (const k of ['name', 'region_code', 'address', 'contract_no', 'contract_start', 'contract_end']) assert.deepEqual(r.body[k], d[k], k);
  const rows = await audit(`entity=dealer&entity_id=${d.id}&action=update`);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].changes, {
    contact_person: { old: '陈刚', new: '周敏' },
    phone: { old: d.phone, new: '13900001111' },
  });
  assert.equal(rows[0].actor_id, admin.id);
});

test('PATCH with a stale version gets 409 stale_version and changes nothing', async () => {
  const d = await create();
  assert.equal((await patch(d.id, { version: 1, note: '第一次' })).status, 200);
  assertError(await patch(d.id, { version: 1, note: '第二次' }), 409, 'stale_version', 'version');
  const g = await get(d.id);
  assert.equal(g.body.note, '第一次');
  assert.equal(g.body.version, 2);
});

test('of concurrent PATCHes with one version exactly one wins', async () => {
  const d = await create();
  const rs = await Promise.all([1, 2, 3, 4, 5].map((i) => patch(d.id, { version: 1, note: `并发${i}` })));
  assert.equal(rs.filter((r) => r.status === 200).length, 1, rs.map((r) => r.status).join());
  assert.equal(rs.filter((r) => r.status === 409).length, 4);
  assert.equal((await get(d.id)).body.version, 2);
});

test('PATCH without version gets 422 field_required on "version"; version 0 is out_of_range', async () => {
  const d = await create();
  assertError(await patch(d.id, { note: 'x' }), 422, 'field_required', 'version');
  assertError(await patch(d.id, { note: 'x', version: 0 }), 422, 'out_of_range', 'version');
  assert.equal((await get(d.id)).body.version, 1);
});

test('PATCH with an invalid value gets 422 naming the field and changes nothing', async () => {
  const d = await create();
  assertError(await patch(d.id, { version: 1, name: '' }), 422, 'field_required', 'name');
  assertError(await patch(d.id, { version: 1, phone: '电话' }), 422, 'invalid_phone', 'phone');
  assertError(await patch(d.id, { version: 1, contract_start: '2028-01-01' }), 422, 'end_before_start', 'contract_end');
  assertError(await patch(d.id, { version: 1, region_code: '999999' }), 422, 'unknown_region', 'region_code');
  assert.equal((await get(d.id)).body.version, 1);
});

test('PATCH moving a dealer out of the caller\'s grants is region_not_granted; inside them it updates the region name', async () => {
  const d = await create({ region_code: '330106' });
  const zj = srv.user('engineering_manager', { regions: ['330000'] });
  assertError(await patch(d.id, { version: 1, region_code: '320102' }, zj.token), 422, 'region_not_granted', 'region_code');
  const r = await patch(d.id, { version: 1, region_code: '330108' }, zj.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.region_name, '浙江省 杭州市 滨江区');
});

test('making a dealer a service station and back: ending it needs station_since cleared too', async () => {
  const d = await create({ service_station: false });
  const on = await patch(d.id, { version: 1, service_station: true, station_since: '2025-09-01' });
  assert.equal(on.status, 200, on.text);
  assert.equal(on.body.service_station, true);
  assertError(await patch(d.id, { version: 2, service_station: false }), 422, 'field_not_applicable', 'station_since');
  const off = await patch(d.id, { version: 2, service_station: false, station_since: null });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.service_station, false);
  assert.equal(off.body.station_since, null);
});

test('PATCH with null clears optional fields: texts become empty, dates null', async () => {
  const d = await create({ contact_person: '陈刚', contract_start: '2025-01-01' });
  const r = await patch(d.id, { version: 1, contact_person: null, contract_start: null, contract_end: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.contact_person, '');
  assert.equal(r.body.contract_start, null);
  assert.equal(r.body.contract_end, null);
});

test('DELETE with the current version is 204; the dealer is then 404, gone from lists, and audited', async () => {
  const t = tag();
  const d = await create({ name: `删除${t}` });
  assert.equal(await total({ q: t }), 1);
  const r = await del(d.id, 1);
  assert.equal(r.status, 204, r.text);
  assertError(await get(d.id), 404, 'not_found');
  assertError(await records(d.id), 404, 'not_found');
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: '培训' }), 404, 'not_found');
  assert.equal(await total({ q: t }), 0);
  const rows = await audit(`entity=dealer&entity_id=${d.id}&action=delete`);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].changes.deleted, { old: false, new: true });
  assert.equal(rows[0].actor_id, admin.id);
});

test('DELETE with a stale version gets 409; without version 422; with a non-number version 400', async () => {
  const d = await create();
  assertError(await del(d.id, 2), 409, 'stale_version');
  assertError(await srv.req('DELETE', `/api/v1/dealers/${d.id}`, { token: admin.token }), 422, 'field_required', 'version');
  assertError(await del(d.id, 'abc'), 400, 'invalid_parameter', 'version');
  assert.equal((await get(d.id)).status, 200);
});

test('creating a dealer writes an audit row with every field', async () => {
  const d = await create({ name: `审计${tag()}` });
  const rows = await audit(`entity=dealer&entity_id=${d.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].actor_id, admin.id);
  assert.deepEqual(rows[0].changes.name, { old: null, new: d.name });
  assert.deepEqual(rows[0].changes.contract_end, { old: null, new: d.contract_end });
  assert.deepEqual(rows[0].changes.service_station, { old: null, new: false });
});

// ---- list ----------------------------------------------------------------------------------

test('a list answers items, total and next_cursor; the default order is newest first', async () => {
  const t = tag();
  const a = await create({ name: `列表A${t}` });
  const b = await create({ name: `列表B${t}` });
  const r = await list({ q: t, sort: '-created_at' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.total, 2);
  assert.equal(r.body.next_cursor, null);
  const all = await list({});
  const pos = (id) => ids(all.body.items).indexOf(id);
  assert.ok(pos(b.id) >= 0 && pos(b.id) < pos(a.id), 'newer first');
  assert.deepEqual(all.body.items[pos(a.id)], a);
});

test('region_code filters at province, city and district level', async () => {
  const t = tag();
  await create({ name: `西湖${t}`, region_code: '330106' });
  await create({ name: `滨江${t}`, region_code: '330108' });
  await create({ name: `宁波${t}`, region_code: '330203' });
  await create({ name: `南京${t}`, region_code: '320102' });
  assert.equal(await total({ q: t, region_code: '330000' }), 3);
  assert.equal(await total({ q: t, region_code: '330100' }), 2);
  assert.equal(await total({ q: t, region_code: '330106' }), 1);
  assert.equal(await total({ q: t, region_code: '320000' }), 1);
  assert.equal(await total({ q: t }), 4);
});

test('service_station filters the list', async () => {
  const t = tag();
  await create({ name: `站${t}`, service_station: true, station_since: '2025-01-01' });
  await create({ name: `非站${t}` });
  await create({ name: `又非站${t}` });
  assert.equal(await total({ q: t, service_station: 'true' }), 1);
  assert.equal(await total({ q: t, service_station: 'false' }), 2);
});

test('invalid filter values and unknown parameters are 400 naming the parameter', async () => {
  assertError(await list({ region_code: '33' }), 400, 'invalid_parameter', 'region_code');
  assertError(await list({ service_station: 'maybe' }), 400, 'invalid_parameter', 'service_station');
  assertError(await list({ sort: 'phone' }), 400, 'invalid_parameter', 'sort');
  assertError(await list({ sort: 'relevance' }), 400, 'invalid_parameter', 'sort');
  assertError(await list({ kind: 'x' }), 400, 'unknown_parameter', 'kind');
  assertError(await list({ page_size: '101' }), 400, 'invalid_parameter', 'page_size');
  assertError(await list({ q: 'x'.repeat(201) }), 422, 'field_length', 'q');
});

test('sort by name, -name, id and -id orders the rows', async () => {
  const t = tag();
  for (const n of ['丙', '甲', '乙']) await create({ name: `${t}${n}` });
  const byName = (await list({ q: t, sort: 'name' })).body.items.map((d) => d.name);
  assert.deepEqual(byName, [...byName].sort());
  const desc = (await list({ q: t, sort: '-name' })).body.items.map((d) => d.name);
  assert.deepEqual(desc, [...byName].reverse());
  const byId = ids((await list({ q: t, sort: 'id' })).body.items);
  assert.deepEqual(byId, [...byId].sort((a, b) => a - b));
  assert.deepEqual(ids((await list({ q: t, sort: '-id' })).body.items), [...byId].reverse());
});

test('page and page_size slice the list and total counts every match', async () => {
  const t = tag();
  for (let i = 0; i < 5; i++) await create({ name: `分页${t}${i}` });
  const p1 = await list({ q: t, sort: 'id', page: '1', page_size: '2' });
  const p3 = await list({ q: t, sort: 'id', page: '3', page_size: '2' });
  assert.equal(p1.body.total, 5);
  assert.equal(p1.body.items.length, 2);
  assert.equal(p3.body.items.length, 1);
  assert.equal(p1.body.next_cursor, null, 'page mode has no cursor');
  assertError(await list({ page: '101', page_size: '100' }), 422, 'page_window_exceeded');
});

test('cursor paging visits every dealer exactly once, in every sort', async () => {
  const t = tag();
  for (let i = 0; i < 7; i++) await create({ name: `游标${t}${'甲乙丙'[i % 3]}` });
  for (const sort of ['id', '-id', 'name', '-name', 'created_at', '-updated_at']) {
    const items = await walk('/api/v1/dealers', { q: t, sort }, 3);
    assert.equal(items.length, 7, sort);
    assert.equal(new Set(ids(items)).size, 7, `${sort}: no row twice`);
  }
  // Over the whole archive as well, with the default order.
  const everything = await walk('/api/v1/dealers', {}, 10);
  assert.equal(everything.length, await total());
  assert.equal(new Set(ids(everything)).size, everything.length);
});

test('cursor paging while searching (relevance) visits every match once, best first', async () => {
  const t = tag();
  const exact = await create({ name: t });
  for (let i = 0; i < 4; i++) await create({ name: `${t}后缀${i}` });
  for (let i = 0; i < 3; i++) await create({ name: `前缀${i}${t}` });
  const other = await create({ name: `别名${digits(4)}`, contract_no: t });
  const items = await walk('/api/v1/dealers', { q: t }, 2);
  assert.equal(items.length, 9);
  assert.equal(new Set(ids(items)).size, 9);
  assert.equal(items[0].id, exact.id);
  assert.equal(items[8].id, other.id);
});

test('a cursor made for one sort used with another is 400 invalid_cursor; a garbage cursor is 400', async () => {
  await create();
  await create();
  const r = await list({ sort: 'id', page_size: '1', cursor: '' });
  assert.ok(r.body.next_cursor);
  assertError(await list({ sort: 'name', page_size: '1', cursor: r.body.next_cursor }), 400, 'invalid_cursor');
  assertError(await list({ cursor: 'not-a-cursor' }), 400, 'invalid_cursor');
  assertError(await list({ cursor: '', page: '1' }), 400, 'invalid_parameter', 'page');
});

// ---- search --------------------------------------------------------------------------------

test('Chinese substrings of 1, 2 and 3+ characters find a dealer by name', async () => {
  const core = hanzi(4);
  const d = await create({ name: `${core}车业` });
  for (const q of [core.slice(0, 1), core.slice(1, 3), core.slice(0, 3), core]) {
    const r = await list({ q });
    assert.equal(r.status, 200, r.text);
    assert.ok(ids(r.body.items).includes(d.id), `q=${q}`);
  }
});

test('search finds a dealer by contact, phone, address and contract number', async () => {
  const t = tag();
  const phone = `0571-${digits(8)}`;
  const d = await create({ name: `检索${digits(6)}`, contact_person: `联系${t}`, phone, address: `地址${t}路`, contract_no: `HT-${t}` });
  for (const q of [`联系${t}`, phone, `地址${t}`, `HT-${t}`, fullWidth(phone)]) {
    assert.deepEqual(ids((await list({ q })).body.items), [d.id], `q=${q}`);
  }
  assert.equal(await total({ q: `备注${t}` }), 0, 'the note is not searched');
});

test('search folds letter case and full-width letters', async () => {
  const t = tag();
  const d = await create({ name: `Dealer${t.toUpperCase()}` });
  for (const q of [t, t.toUpperCase(), fullWidth(t)]) assert.deepEqual(ids((await list({ q })).body.items), [d.id], q);
});

test('search results rank exact name, then name prefix, then name contains, then other fields', async () => {
  const t = tag();
  const other = await create({ name: `其他${digits(5)}`, address: t });
  const contains = await create({ name: `中${t}间` });
  const prefix = await create({ name: `${t}开头` });
  const exact = await create({ name: t });
  const r = await list({ q: t });
  assert.deepEqual(ids(r.body.items), [exact.id, prefix.id, contains.id, other.id]);
});

test('search for %, _ and quotes matches them literally', async () => {
  const t = tag();
  const d = await create({ name: `百分%_"'${t}` });
  await create({ name: `百分ab${t}` });
  assert.deepEqual(ids((await list({ q: `%_"'${t}` })).body.items), [d.id]);
  assert.equal(await total({ q: `%${t}` }), 0);
});

test('search sees a change of name at once and forgets the old one', async () => {
  const a = tag();
  const b = tag();
  const d = await create({ name: a });
  await patch(d.id, { version: 1, name: b });
  assert.equal(await total({ q: a }), 0);
  assert.equal(await total({ q: b }), 1);
});

// ---- records -------------------------------------------------------------------------------

test('an assessment with a score is recorded (201) with the recorder and is audited', async () => {
  const d = await create();
  const r = await record(d.id, { kind: 'assessment', held_on: '2025-03-15', score: 86, findings: '维修工具齐全' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.dealer_id, d.id);
  assert.equal(r.body.kind, 'assessment');
  assert.equal(r.body.score, 86);
  assert.equal(r.body.penalty_fen, null);
  assert.equal(r.body.recorded_by, admin.id);
  assert.equal(r.body.recorded_by_name, admin.username);
  assert.match(r.body.created_at, ISO_0800);
  const rows = await audit(`entity=dealer_record&entity_id=${r.body.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.deepEqual(rows[0].changes.score, { old: null, new: 86 });
  assert.deepEqual(rows[0].changes.dealer_id, { old: null, new: d.id });
});

test('an assessment needs a score of 0..100, and only an assessment has one', async () => {
  const d = await create();
  assertError(await record(d.id, { kind: 'assessment', held_on: day() }), 422, 'field_required', 'score');
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: null }), 422, 'field_required', 'score');
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: 101 }), 422, 'out_of_range', 'score');
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: -1 }), 422, 'out_of_range', 'score');
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: '90' }), 400, 'wrong_type', 'score');
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: '培训', score: 90 }), 422, 'field_not_applicable', 'score');
  assert.equal((await record(d.id, { kind: 'assessment', held_on: day(), score: 0 })).status, 201);
  assert.equal((await record(d.id, { kind: 'assessment', held_on: day(), score: 100 })).status, 201);
  assert.equal((await records(d.id)).body.total, 2);
});

test('training needs a topic; supervision needs findings and may carry a penalty and a fine', async () => {
  const d = await create();
  assertError(await record(d.id, { kind: 'training', held_on: day() }), 422, 'field_required', 'topic');
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: '' }), 422, 'field_required', 'topic');
  assertError(await record(d.id, { kind: 'supervision', held_on: day(), penalty: '警告' }), 422, 'field_required', 'findings');
  const s = await record(d.id, { kind: 'supervision', held_on: day(), findings: '私自更换非原厂配件', penalty: '依合同第七条警告一次', penalty_fen: 50000 });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.body.penalty, '依合同第七条警告一次');
  assert.equal(s.body.penalty_fen, 50000);
  const t = await record(d.id, { kind: 'training', held_on: day(), topic: '控制器故障诊断' });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.body.score, null);
});

test('a penalty or a fine outside supervision is 422 field_not_applicable; a negative fine out_of_range', async () => {
  const d = await create();
  assertError(await record(d.id, { kind: 'assessment', held_on: day(), score: 60, penalty: '罚款' }), 422, 'field_not_applicable', 'penalty');
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: '培训', penalty_fen: 100 }), 422, 'field_not_applicable', 'penalty_fen');
  assertError(await record(d.id, { kind: 'supervision', held_on: day(), findings: '违规', penalty_fen: -1 }), 422, 'out_of_range', 'penalty_fen');
  assertError(await record(d.id, { kind: 'supervision', held_on: day(), findings: '违规', penalty_fen: 1.5 }), 400, 'wrong_type', 'penalty_fen');
  assert.equal((await records(d.id)).body.total, 0);
});

test('a record kind outside the dictionary is 422 invalid_choice on kind; kind and held_on are required', async () => {
  const d = await create();
  assertError(await record(d.id, { kind: 'audit', held_on: day() }), 422, 'invalid_choice', 'kind');
  assertError(await record(d.id, { held_on: day(), topic: 'x' }), 422, 'field_required', 'kind');
  assertError(await record(d.id, { kind: 'training', topic: 'x' }), 422, 'field_required', 'held_on');
  assertError(await record(d.id, { kind: 'training', topic: 'x', held_on: '2025-13-01' }), 422, 'invalid_date', 'held_on');
  assertError(await record(d.id, { kind: 'training', topic: 'x', held_on: day(), extra: 1 }), 400, 'unknown_field', 'extra');
});

test('a record may be held today but not after today (422 date_in_future)', async () => {
  const d = await create();
  assertError(await record(d.id, { kind: 'training', held_on: day(2), topic: '预排培训' }), 422, 'date_in_future', 'held_on');
  assert.equal((await record(d.id, { kind: 'training', held_on: day(0), topic: '今日培训' })).status, 201);
  assert.equal((await record(d.id, { kind: 'training', held_on: '2019-01-01', topic: '补录' })).status, 201);
});

test('records list newest first by held_on, filter by kind, and page by cursor visiting each once', async () => {
  const d = await create();
  const days = ['2025-01-05', '2025-03-01', '2025-02-10', '2025-03-01', '2024-12-31'];
  const made = [];
  for (const [i, h] of days.entries()) {
    const body = i % 2 ? { kind: 'training', held_on: h, topic: `课${i}` } : { kind: 'assessment', held_on: h, score: 70 + i };
    const r = await record(d.id, body);
    assert.equal(r.status, 201, r.text);
    made.push(r.body);
  }
  const all = await records(d.id);
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.total, 5);
  const newestFirst = (a, b) => (a.held_on === b.held_on ? b.id - a.id : a.held_on < b.held_on ? 1 : -1);
  assert.deepEqual(ids(all.body.items), ids([...made].sort(newestFirst)), 'newest first, ties by id');
  assert.equal((await records(d.id, { kind: 'training' })).body.total, 2);
  assert.ok((await records(d.id, { kind: 'training' })).body.items.every((r) => r.kind === 'training'));
  const walked = await walk(`/api/v1/dealers/${d.id}/records`, {}, 2);
  assert.deepEqual(walked.map((r) => r.id), all.body.items.map((r) => r.id));
  const oldest = await records(d.id, { sort: 'held_on', page_size: '1' });
  assert.equal(oldest.body.items[0].held_on, '2024-12-31');
  assertError(await records(d.id, { sort: 'score' }), 400, 'invalid_parameter', 'sort');
  assertError(await records(d.id, { result: 'x' }), 400, 'unknown_parameter', 'result');
});

test('a technician and a project manager may record on the dealers of their region; an agent may not (403)', async () => {
  const d = await create({ region_code: '330106' });
  const tech = srv.user('technician', { regions: ['330100'] });
  const pm = srv.user('project_manager', { regions: ['330000'] });
  const agent = srv.user('agent');
  assert.equal((await record(d.id, { kind: 'training', held_on: day(), topic: '巡回培训' }, tech.token)).status, 201);
  assert.equal((await record(d.id, { kind: 'assessment', held_on: day(), score: 75 }, pm.token)).status, 201);
  assertError(await record(d.id, { kind: 'training', held_on: day(), topic: 'x' }, agent.token), 403, 'forbidden');
  assertError(await patch(d.id, { version: 1, note: 'x' }, tech.token), 403, 'forbidden');
  assert.equal((await records(d.id, {}, agent.token)).body.total, 2, 'an agent reads the records');
});

test('a repeated Idempotency-Key records once; on another dealer it is 409 idempotency_key_reused', async () => {
  const d = await create();
  const e = await create();
  const headers = { 'Idempotency-Key': `rec-${tag()}` };
  const body = { kind: 'training', held_on: day(), topic: '重发' };
  const a = await record(d.id, body, admin.token, headers);
  const b = await record(d.id, body, admin.token, headers);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.id, a.body.id);
  assert.equal((await records(d.id)).body.total, 1);
  assertError(await record(e.id, body, admin.token, headers), 409, 'idempotency_key_reused');
  assert.equal((await records(e.id)).body.total, 0);
});

test('records of a dealer that does not exist are 404', async () => {
  assertError(await records(999999999), 404, 'not_found');
  assertError(await record(999999999, { kind: 'training', held_on: day(), topic: 'x' }), 404, 'not_found');
  assertError(await records('abc'), 404, 'not_found');
});

test('errors are in Chinese by default and in English with Accept-Language: en', async () => {
  const zh = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: '' }) });
  assert.match(zh.body.error.message, /不能为空/);
  const en = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: dealerBody({ name: '' }), headers: { 'Accept-Language': 'en' } });
  assert.match(en.body.error.message, /required/);
});
