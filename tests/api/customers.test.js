// customers.test.js — /api/v1/customers, mirroring src/api/customers.c: create (with
// Idempotency-Key), get, update with optimistic versions, delete, history, the list with its
// filters, sorts, pages and keyset cursors, and the search (q) with its ranking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

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
  return 'zq' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
function digits(n) {
  return [...randomBytes(n)].map((b) => String(b % 10)).join('');
}
// Full-width forms of ASCII digits, letters and '-' (U+FF01..U+FF5E).
function fullWidth(s) {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.equal(typeof r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 0);
}

async function create(overrides = {}, { token = admin.token, headers } = {}) {
  const r = await srv.req('POST', '/api/v1/customers', { token, body: customerBody(overrides), headers });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function get(id, token = admin.token) {
  return srv.req('GET', `/api/v1/customers/${id}`, { token });
}

async function list(params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  return srv.req('GET', `/api/v1/customers${qs ? '?' + qs : ''}`, { token });
}

async function total(params = {}, token = admin.token) {
  const r = await list({ ...params, page_size: '1' }, token);
  assert.equal(r.status, 200, r.text);
  return r.body.total;
}

async function history(id, token = admin.token) {
  const r = await srv.req('GET', `/api/v1/customers/${id}/history`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

// Follows next_cursor from ?cursor= to null; returns every item in order.
async function walk(params, pageSize, token = admin.token) {
  const items = [];
  let cursor = '';
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 500, 'the cursor walk does not end');
    const r = await list({ ...params, page_size: String(pageSize), cursor }, token);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= pageSize);
    items.push(...r.body.items);
    if (r.body.next_cursor === null) break;
    assert.equal(typeof r.body.next_cursor, 'string');
    assert.ok(r.body.items.length > 0, 'a page with a next_cursor is not empty');
    cursor = r.body.next_cursor;
  }
  return items;
}

const ids = (items) => items.map((c) => c.id);
const sortedIds = (items) => ids(items).sort((a, b) => a - b);

// ---- create --------------------------------------------------------------------------------

test('creating a customer answers 201 with id, version 1, region name, +08:00 times, contacts and addresses', async () => {
  const body = customerBody({
    contacts: [
      { name: '李娜', phone: '13800001111', title: '经理', email: 'lina@example.com', is_primary: true },
      { name: '张强', phone: '13900002222', title: '工程师', is_primary: false },
    ],
    addresses: [
      { label: '机房', region_code: '330106', detail: '文三路90号3楼', is_default: true },
      { label: '仓库', region_code: '330108', detail: '江南大道1号', is_default: false },
    ],
    note: '首次登记',
  });
  const before = Date.now();
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
  assert.equal(r.status, 201, r.text);
  const c = r.body;
  assert.ok(Number.isSafeInteger(c.id) && c.id > 0);
  assert.equal(c.version, 1);
  assert.equal(c.region_name, '浙江省 杭州市 西湖区');
  assert.match(c.created_at, ISO_0800);
  assert.match(c.updated_at, ISO_0800);
  assert.equal(c.created_at, c.updated_at);
  assert.ok(Math.abs(Date.parse(c.created_at) - before) < 60_000, 'created_at is now');
  for (const k of ['name', 'kind', 'region_code', 'address', 'phone', 'responsible_person',
    'customer_group', 'product_types', 'key_customer', 'note']) {
    assert.deepEqual(c[k], body[k], k);
  }
  assert.deepEqual(c.contacts, [
    { name: '李娜', phone: '13800001111', title: '经理', email: 'lina@example.com', is_primary: true },
    { name: '张强', phone: '13900002222', title: '工程师', email: '', is_primary: false },
  ]);
  assert.deepEqual(c.addresses, body.addresses);
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('GET returns the customer exactly as creation answered it', async () => {
  const c = await create({ note: '备注' });
  const r = await get(c.id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, c);
});

test('a customer created with only name, kind and region gets empty defaults', async () => {
  const r = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: { name: '最简客户', kind: 'person', region_code: '330106' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, '最简客户');
  assert.equal(r.body.kind, 'person');
  assert.deepEqual(r.body.product_types, []);
  assert.deepEqual(r.body.contacts, []);
  assert.deepEqual(r.body.addresses, []);
  assert.equal(r.body.key_customer, false);
  assert.equal(r.body.customer_group, '');
});

test('a created customer has a create row in its history with the actor and every field', async () => {
  const body = customerBody({ name: `审计${tag()}`, key_customer: true });
  const c = await create(body);
  const items = await history(c.id);
  assert.equal(items.length, 1);
  const row = items[0];
  assert.equal(row.action, 'create');
  assert.equal(row.entity, 'customer');
  assert.equal(row.entity_id, c.id);
  assert.equal(row.actor_id, admin.id);
  assert.equal(row.actor_name, admin.username);
  assert.match(row.at, ISO_0800);
  for (const k of ['name', 'kind', 'region_code', 'address', 'phone', 'responsible_person',
    'customer_group', 'product_types', 'key_customer', 'contacts', 'addresses']) {
    assert.ok(row.changes[k], `the create row records ${k}`);
    assert.equal(row.changes[k].old, null, k);
    assert.deepEqual(row.changes[k].new, c[k], k);
  }
});

test('two POSTs with the same Idempotency-Key create one customer; the second answers 200 with the same id', async () => {
  const key = `idem-${tag()}`;
  const n = await total();
  const first = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ name: `幂等${key}` }), headers: { 'Idempotency-Key': key },
  });
  assert.equal(first.status, 201, first.text);
  const second = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ name: `幂等${key}` }), headers: { 'Idempotency-Key': key },
  });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.body.id, first.body.id);
  assert.deepEqual(second.body, first.body);
  assert.equal(await total(), n + 1);
  assert.equal(await total({ q: key }), 1);
});

test('the same Idempotency-Key used by another user creates that user\'s own customer', async () => {
  const other = srv.user('agent', { regions: ['330000'] });
  const key = `idem-${tag()}`;
  const h = { 'Idempotency-Key': key };
  const a = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: `甲${key}` }), headers: h });
  const b = await srv.req('POST', '/api/v1/customers', { token: other.token, body: customerBody({ name: `乙${key}` }), headers: h });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.notEqual(a.body.id, b.body.id);
  assert.equal(b.body.name, `乙${key}`);
  // Each user's replay still answers that user's customer.
  const a2 = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: `甲${key}` }), headers: h });
  const b2 = await srv.req('POST', '/api/v1/customers', { token: other.token, body: customerBody({ name: `乙${key}` }), headers: h });
  assert.equal(a2.status, 200);
  assert.equal(a2.body.id, a.body.id);
  assert.equal(b2.status, 200);
  assert.equal(b2.body.id, b.body.id);
  assert.equal(await total({ q: key }), 2);
});

test('concurrent POSTs with one Idempotency-Key create exactly one customer', async () => {
  const key = `idem-${tag()}`;
  const rs = await Promise.all(Array.from({ length: 6 }, () => srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ name: `并发${key}` }), headers: { 'Idempotency-Key': key },
  })));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
  assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
  assert.equal(await total({ q: key }), 1);
});

test('without an Idempotency-Key two identical POSTs create two customers', async () => {
  const t = tag();
  await create({ name: `重复${t}` });
  await create({ name: `重复${t}` });
  assert.equal(await total({ q: t }), 2);
});

test('an Idempotency-Key whose create failed validation is not used up', async () => {
  const key = `idem-${tag()}`;
  const bad = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ name: `失败${key}`, kind: 'martian' }), headers: { 'Idempotency-Key': key },
  });
  assertError(bad, 422, 'invalid_choice', 'kind');
  const good = await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ name: `失败${key}` }), headers: { 'Idempotency-Key': key },
  });
  assert.equal(good.status, 201, good.text);
  assert.equal(await total({ q: key }), 1);
});

// ---- validation (422 naming the field) -----------------------------------------------------

for (const field of ['name', 'region_code', 'kind']) {
  test(`a customer without ${field} gets 422 field_required naming ${field}, and nothing is written`, async () => {
    const n = await total();
    const body = customerBody();
    delete body[field];
    const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
    assertError(r, 422, 'field_required', field);
    assert.equal(await total(), n);
  });
}

test('an empty name or a name of null is field_required', async () => {
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '' }) }),
    422, 'field_required', 'name');
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: null }) }),
    422, 'field_required', 'name');
});

const invalid = [
  ['an unknown region code 999999 is unknown_region', { region_code: '999999' }, 'unknown_region', 'region_code'],
  ['the all-China code 000000 is not a customer region', { region_code: '000000' }, 'invalid_region', 'region_code'],
  ['a region code that is not six digits is refused', { region_code: '33a106' }, 'invalid_region', 'region_code'],
  ['a five-character region code is field_length', { region_code: '33010' }, 'field_length', 'region_code'],
  ['an address in an unknown region names the address', {
    addresses: [{ label: 'x', region_code: '999999', detail: '某路', is_default: true }],
  }, 'unknown_region', 'addresses[0].region_code'],
  ['a kind outside the dictionary is invalid_choice', { kind: 'martian' }, 'invalid_choice', 'kind'],
  ['a customer_group outside the dictionary is invalid_choice', { customer_group: 'pirates' }, 'invalid_choice', 'customer_group'],
  ['a product type outside the dictionary is invalid_choice', { product_types: ['surveillance', 'time_machine'] }, 'invalid_choice', /^product_types/],
  ['a product type that is not an identifier is invalid_choice', { product_types: ['Surveillance'] }, 'invalid_choice', 'product_types[0]'],
  ['a duplicated product type is refused', { product_types: ['parking', 'parking'] }, 'duplicate', 'product_types[1]'],
  ['21 product types are too many', {
    product_types: Array.from({ length: 21 }, (_, i) => `type_${String.fromCharCode(97 + i)}`),
  }, 'too_many_items', 'product_types'],
  ['two primary contacts are refused', {
    contacts: [{ name: '甲', is_primary: true }, { name: '乙', is_primary: true }],
  }, 'more_than_one_primary', 'contacts'],
  ['two default addresses are refused', {
    addresses: [
      { region_code: '330106', detail: '一号', is_default: true },
      { region_code: '330106', detail: '二号', is_default: true },
    ],
  }, 'more_than_one_default', 'addresses'],
  ['a contact phone with letters is invalid_phone on contacts[0].phone', {
    contacts: [{ name: '李娜', phone: '138abc01111', is_primary: true }],
  }, 'invalid_phone', 'contacts[0].phone'],
  ['a second contact\'s bad phone names contacts[1].phone', {
    contacts: [{ name: '甲', phone: '13800001111' }, { name: '乙', phone: 'call me' }],
  }, 'invalid_phone', 'contacts[1].phone'],
  ['a customer phone with letters is invalid_phone', { phone: '0571-CALL-NOW' }, 'invalid_phone', 'phone'],
  ['an email without @ is invalid_email', {
    contacts: [{ name: '李娜', email: 'lina.example.com', is_primary: true }],
  }, 'invalid_email', 'contacts[0].email'],
  ['a name of 101 characters is field_length', { name: 'x'.repeat(101) }, 'field_length', 'name'],
  ['a name of 101 Chinese characters is field_length', { name: '客'.repeat(101) }, 'field_length', 'name'],
  ['a contact without a name is field_required', { contacts: [{ phone: '13800001111' }] }, 'field_required', 'contacts[0].name'],
  ['an address without detail is field_required', {
    addresses: [{ region_code: '330106', is_default: true }],
  }, 'field_required', 'addresses[0].detail'],
  ['51 contacts are too many', {
    contacts: Array.from({ length: 51 }, (_, i) => ({ name: `联系人${i}` })),
  }, 'too_many_items', 'contacts'],
  ['a note of 501 characters is field_length', { note: '注'.repeat(501) }, 'field_length', 'note'],
];
for (const [title, overrides, code, field] of invalid) {
  test(`${title} (422, nothing written)`, async () => {
    const n = await total();
    const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody(overrides) });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.error.code, code, r.text);
    if (field instanceof RegExp) assert.match(r.body.error.field, field);
    else assert.equal(r.body.error.field, field);
    assert.equal(await total(), n);
  });
}

test('a name of 100 Chinese characters is accepted and kept whole', async () => {
  const name = '华'.repeat(98) + '公司';
  assert.equal([...name].length, 100);
  const c = await create({ name });
  assert.equal(c.name, name);
  assert.equal((await get(c.id)).body.name, name);
});

test('full-width digits in phones are stored folded to half-width', async () => {
  const c = await create({
    phone: '０５７１－８８８８６６６６',
    contacts: [{ name: '李娜', phone: '（０５７１）１３８００００１１１１', is_primary: true }],
  });
  assert.equal(c.phone, '0571-88886666');
  assert.equal(c.contacts[0].phone, '(0571)13800001111');
  const g = await get(c.id);
  assert.equal(g.body.phone, '0571-88886666');
  assert.equal(g.body.contacts[0].phone, '(0571)13800001111');
});

test('a user granted 320000 creating in 330106 gets region_not_granted', async () => {
  const js = srv.user('agent', { regions: ['320000'] });
  const n = await total();
  const r = await srv.req('POST', '/api/v1/customers', { token: js.token, body: customerBody() });
  assertError(r, 422, 'region_not_granted', 'region_code');
  assert.equal(await total(), n);
  // In its own province the same user may create.
  const ok = await srv.req('POST', '/api/v1/customers', {
    token: js.token,
    body: customerBody({ region_code: '320102', addresses: [{ region_code: '320102', detail: '中山路1号' }] }),
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.region_name, '江苏省 南京市 玄武区');
});

test('a city grant covers its districts and nothing beside them', async () => {
  const hz = srv.user('agent', { regions: ['330100'] });
  const ok = await srv.req('POST', '/api/v1/customers', { token: hz.token, body: customerBody({ region_code: '330108' }) });
  assert.equal(ok.status, 201, ok.text);
  const ningbo = await srv.req('POST', '/api/v1/customers', {
    token: hz.token, body: customerBody({ region_code: '330203', addresses: [] }),
  });
  assertError(ningbo, 422, 'region_not_granted', 'region_code');
});

test('an address in a region outside the caller\'s grants is region_not_granted on that address', async () => {
  const zj = srv.user('agent', { regions: ['330000'] });
  const r = await srv.req('POST', '/api/v1/customers', {
    token: zj.token,
    body: customerBody({ addresses: [
      { region_code: '330106', detail: '文三路', is_default: true },
      { region_code: '320102', detail: '中山路', is_default: false },
    ] }),
  });
  assertError(r, 422, 'region_not_granted', 'addresses[1].region_code');
});

// ---- roles and regions on read -------------------------------------------------------------

test('a customer outside the caller\'s regions is 404 on GET, PATCH, DELETE and history, and absent from lists', async () => {
  const t = tag();
  const c = await create({ name: `浙江${t}` });
  const js = srv.user('department_head', { regions: ['320000'] });
  assertError(await get(c.id, js.token), 404, 'not_found');
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: js.token, body: { version: 1, note: 'x' } }),
    404, 'not_found');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: js.token }), 404, 'not_found');
  assertError(await srv.req('GET', `/api/v1/customers/${c.id}/history`, { token: js.token }), 404, 'not_found');
  assert.equal(await total({ q: t }, js.token), 0);
  // Nothing changed for those who may see it.
  const g = await get(c.id);
  assert.equal(g.body.version, 1);
  const zj = srv.user('agent', { regions: ['330000'] });
  assert.equal((await get(c.id, zj.token)).status, 200);
  assert.equal(await total({ q: t }, zj.token), 1);
});

test('a technician may read customers but not create them (403)', async () => {
  const tech = srv.user('technician');
  const c = await create();
  assert.equal((await get(c.id, tech.token)).status, 200);
  const n = await total();
  assertError(await srv.req('POST', '/api/v1/customers', { token: tech.token, body: customerBody() }), 403, 'forbidden');
  assert.equal(await total(), n);
});

test('an agent may change a customer but not delete it (403)', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const c = await create();
  const p = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: agent.token, body: { version: 1, note: '客服改' } });
  assert.equal(p.status, 200, p.text);
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=2`, { token: agent.token }), 403, 'forbidden');
  assert.equal((await get(c.id)).status, 200);
});

test('a customer-portal user sees only its own customer', async () => {
  const mine = await create({ name: `门户${tag()}` });
  const other = await create();
  const portal = srv.user('customer', { customerId: mine.id });
  assert.equal((await get(mine.id, portal.token)).status, 200);
  assertError(await get(other.id, portal.token), 404, 'not_found');
  const r = await list({}, portal.token);
  assert.equal(r.status, 200);
  assert.deepEqual(ids(r.body.items), [mine.id]);
  assert.equal(r.body.total, 1);
});

test('no token is 401 and a wrong token is 401 invalid_token', async () => {
  assertError(await srv.req('GET', '/api/v1/customers'), 401, 'unauthenticated');
  assertError(await srv.req('GET', '/api/v1/customers', { token: 'not-a-token' }), 401, 'invalid_token');
  const n = await total();
  assertError(await srv.req('POST', '/api/v1/customers', { body: customerBody() }), 401, 'unauthenticated');
  assert.equal(await total(), n);
});

test('GET of an id that does not exist is 404 not_found', async () => {
  assertError(await get(9007199254740991), 404, 'not_found');
  assertError(await get(987654321), 404, 'not_found');
});

// ---- update --------------------------------------------------------------------------------

test('PATCH with the current version changes only the given fields, bumps the version and records old and new', async () => {
  const c = await create({ name: `改${tag()}` });
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 1, phone: '0571-11112222', responsible_person: '赵六' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.phone, '0571-11112222');
  assert.equal(r.body.responsible_person, '赵六');
  for (const k of ['name', 'kind', 'region_code', 'region_name', 'address', 'customer_group', 'product_types',
    'key_customer', 'note', 'contacts', 'addresses', 'created_at']) {
    assert.deepEqual(r.body[k], c[k], `${k} is unchanged`);
  }
  assert.ok(r.body.updated_at >= c.updated_at);
  assert.deepEqual((await get(c.id)).body, r.body);
  const items = await history(c.id);
  assert.deepEqual(items.map((i) => i.action), ['update', 'create']);
  const row = items[0];
  assert.equal(row.actor_id, admin.id);
  assert.equal(row.actor_name, admin.username);
  assert.match(row.at, ISO_0800);
  assert.deepEqual(row.changes, {
    phone: { old: '0571-88886666', new: '0571-11112222' },
    responsible_person: { old: '王伟', new: '赵六' },
  });
});

test('PATCH with a stale version gets 409 stale_version and changes nothing', async () => {
  const c = await create();
  const ok = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, note: '第一次' } });
  assert.equal(ok.status, 200, ok.text);
  const stale = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 1, note: '过期', name: '不该改' },
  });
  assertError(stale, 409, 'stale_version', 'version');
  const g = await get(c.id);
  assert.deepEqual(g.body, ok.body);
  assert.equal(g.body.version, 2);
  assert.equal(g.body.note, '第一次');
  assert.equal((await history(c.id)).length, 2);
  // A version from the future is stale too.
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 3, note: 'x' } }),
    409, 'stale_version', 'version');
});

test('of concurrent PATCHes with one version exactly one wins', async () => {
  const c = await create();
  const rs = await Promise.all(Array.from({ length: 5 }, (_, i) => srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 1, note: `并发${i}` },
  })));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 409, 409, 409, 409], rs.map((r) => r.text).join('\n'));
  const winner = rs.find((r) => r.status === 200).body;
  const g = await get(c.id);
  assert.equal(g.body.version, 2);
  assert.equal(g.body.note, winner.note);
  assert.equal((await history(c.id)).length, 2);
});

test('PATCH without version gets 422 field_required on "version" and changes nothing', async () => {
  const c = await create();
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { note: '无版本' } });
  assertError(r, 422, 'field_required', 'version');
  const g = await get(c.id);
  assert.equal(g.body.version, 1);
  assert.equal(g.body.note, '');
});

test('PATCH with version null is field_required and version 0 is out of range', async () => {
  const c = await create();
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: null, note: 'x' } }),
    422, 'field_required', 'version');
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 0, note: 'x' } }),
    422, 'out_of_range', 'version');
  assert.equal((await get(c.id)).body.version, 1);
});

test('PATCH of a missing customer is 404', async () => {
  assertError(await srv.req('PATCH', '/api/v1/customers/987654322', { token: admin.token, body: { version: 1, note: 'x' } }),
    404, 'not_found');
});

test('PATCH replaces contacts and addresses as a whole when given and keeps them when not', async () => {
  const c = await create();
  const r1 = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, name: '改名公司' } });
  assert.equal(r1.status, 200, r1.text);
  assert.deepEqual(r1.body.contacts, c.contacts);
  assert.deepEqual(r1.body.addresses, c.addresses);
  const contacts = [{ name: '新联系人', phone: '13700003333', title: '', email: 'new@example.com', is_primary: true }];
  const r2 = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 2, contacts, addresses: [] },
  });
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(r2.body.contacts, contacts);
  assert.deepEqual(r2.body.addresses, []);
  const row = (await history(c.id))[0];
  assert.deepEqual(row.changes.contacts, { old: c.contacts, new: contacts });
  assert.deepEqual(row.changes.addresses, { old: c.addresses, new: [] });
  assert.deepEqual(Object.keys(row.changes).sort(), ['addresses', 'contacts']);
});

test('PATCH with null clears an optional field', async () => {
  const c = await create({ note: '要清掉' });
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, note: null, address: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.note, '');
  assert.equal(r.body.address, '');
  assert.equal(r.body.name, c.name);
});

test('PATCH with an invalid value gets 422 naming the field and changes nothing', async () => {
  const c = await create();
  const cases = [
    [{ name: null }, 'field_required', 'name'],
    [{ name: 'x'.repeat(101) }, 'field_length', 'name'],
    [{ kind: 'martian' }, 'invalid_choice', 'kind'],
    [{ region_code: '999999' }, 'unknown_region', 'region_code'],
    [{ phone: '电话' }, 'invalid_phone', 'phone'],
    [{ contacts: [{ name: 'a', is_primary: true }, { name: 'b', is_primary: true }] }, 'more_than_one_primary', 'contacts'],
  ];
  for (const [patch, code, field] of cases) {
    const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, ...patch } });
    assertError(r, 422, code, field);
  }
  assert.deepEqual((await get(c.id)).body, c);
  assert.equal((await history(c.id)).length, 1);
});

test('PATCH moving a customer to a region outside the caller\'s grants is region_not_granted', async () => {
  const zj = srv.user('agent', { regions: ['330000'] });
  const c = await create({}, { token: zj.token });
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: zj.token, body: { version: 1, region_code: '320102' } });
  assertError(r, 422, 'region_not_granted', 'region_code');
  assert.equal((await get(c.id)).body.region_code, '330106');
});

test('PATCH folds full-width digits of a new phone', async () => {
  const c = await create();
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, phone: '１３９ ０００ １２３４' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.phone, '139 000 1234');
});

test('PATCH moving a customer to another district updates its region name', async () => {
  const c = await create();
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, region_code: '330203' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.region_name, '浙江省 宁波市 海曙区');
  assert.deepEqual((await history(c.id))[0].changes.region_code, { old: '330106', new: '330203' });
});

// ---- delete --------------------------------------------------------------------------------

test('DELETE with the current version is 204; the customer is then 404 and gone from lists', async () => {
  const t = tag();
  const c = await create({ name: `删除${t}` });
  assert.equal(await total({ q: t }), 1);
  const n = await total();
  const r = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: admin.token });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assertError(await get(c.id), 404, 'not_found');
  assert.equal(await total({ q: t }), 0);
  assert.equal(await total(), n - 1);
  const all = await walk({ sort: 'id' }, 100);
  assert.ok(!ids(all).includes(c.id));
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 2, note: 'x' } }),
    404, 'not_found');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=2`, { token: admin.token }), 404, 'not_found');
});

test('a deletion is audited with who deleted it', async () => {
  const c = await create({ name: `审计删除${tag()}` });
  const r = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: admin.token });
  assert.equal(r.status, 204);
  const a = await srv.req('GET', `/api/v1/audit?entity=customer&entity_id=${c.id}`, { token: admin.token });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.body.items.map((i) => i.action), ['delete', 'create']);
  assert.equal(a.body.items[0].actor_id, admin.id);
  assert.deepEqual(a.body.items[0].changes.name, { old: c.name, new: null });
});

test('DELETE with a stale version gets 409 and the customer stays', async () => {
  const c = await create();
  assert.equal((await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, note: 'v2' } })).status, 200);
  const r = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: admin.token });
  assertError(r, 409, 'stale_version', 'version');
  const g = await get(c.id);
  assert.equal(g.status, 200);
  assert.equal(g.body.version, 2);
});

test('DELETE without version is 422 field_required and with a non-number version 400', async () => {
  const c = await create();
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}`, { token: admin.token }), 422, 'field_required', 'version');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=abc`, { token: admin.token }), 400, 'invalid_parameter', 'version');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=0`, { token: admin.token }), 400, 'invalid_parameter', 'version');
  assert.equal((await get(c.id)).status, 200);
});

// ---- history -------------------------------------------------------------------------------

test('history lists newest first and pages with page_size and cursor', async () => {
  const c = await create();
  for (let v = 1; v <= 4; v++) {
    const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: v, note: `第${v}次` } });
    assert.equal(r.status, 200, r.text);
  }
  const all = await history(c.id);
  assert.deepEqual(all.map((i) => i.action), ['update', 'update', 'update', 'update', 'create']);
  assert.deepEqual(all.map((i) => i.changes.note?.new), ['第4次', '第3次', '第2次', '第1次', '']);
  const p1 = await srv.req('GET', `/api/v1/customers/${c.id}/history?page_size=2`, { token: admin.token });
  assert.equal(p1.status, 200);
  assert.equal(p1.body.items.length, 2);
  assert.equal(p1.body.total, 5);
  assert.ok(p1.body.next_cursor);
  const p2 = await srv.req('GET', `/api/v1/customers/${c.id}/history?page_size=2&cursor=${p1.body.next_cursor}`, { token: admin.token });
  assert.equal(p2.status, 200, p2.text);
  assert.deepEqual(ids(p2.body.items), ids(all).slice(2, 4));
});

test('a bad history parameter is 400 invalid_parameter naming that parameter', async () => {
  const c = await create();
  const h = (qs) => srv.req('GET', `/api/v1/customers/${c.id}/history?${qs}`, { token: admin.token });
  assertError(await h('cursor=abc'), 400, 'invalid_cursor', 'cursor');
  assertError(await h('before_id=5'), 400, 'unknown_parameter', 'before_id');
  assertError(await h('page_size=101'), 400, 'invalid_parameter', 'page_size');
  assertError(await h('page_size=0'), 400, 'invalid_parameter', 'page_size');
  assertError(await h('cursor=abc&page_size=abc'), 400, 'invalid_parameter', 'page_size');
});

test('history next_cursor is null on the last page, also when that page is full', async () => {
  const c = await create();
  const one = await srv.req('GET', `/api/v1/customers/${c.id}/history?page_size=1`, { token: admin.token });
  assert.equal(one.status, 200);
  assert.equal(one.body.total, 1);
  assert.equal(one.body.items.length, 1);
  assert.equal(one.body.next_cursor, null, 'there is nothing after the only row');
});

test('history of a missing customer is 404', async () => {
  assertError(await srv.req('GET', '/api/v1/customers/987654323/history', { token: admin.token }), 404, 'not_found');
});

// ---- lists: shape, filters, sorts, pages ---------------------------------------------------

test('a list answers items, total and next_cursor; rows carry no (unloaded) contact arrays', async () => {
  const t = tag();
  const c = await create({ name: `列表${t}` });
  const r = await list({ q: t });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['items', 'next_cursor', 'total']);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.next_cursor, null);
  const row = r.body.items[0];
  assert.equal(row.id, c.id);
  assert.equal(row.region_name, '浙江省 杭州市 西湖区');
  assert.equal(row.version, 1);
  // Either the real contacts or none at all — never an empty array that reads "no contacts".
  if ('contacts' in row) assert.deepEqual(row.contacts, c.contacts);
  if ('addresses' in row) assert.deepEqual(row.addresses, c.addresses);
});

test('the default order without q is newest first', async () => {
  const a = await create();
  const b = await create();
  const r = await list({});
  assert.equal(r.status, 200);
  assert.deepEqual(ids(r.body.items).slice(0, 2), [b.id, a.id]);
});

test('region_code filters at province, city and district level', async () => {
  const t = tag();
  const xihu = await create({ name: `西湖${t}`, region_code: '330106' });
  const binjiang = await create({ name: `滨江${t}`, region_code: '330108' });
  const haishu = await create({ name: `海曙${t}`, region_code: '330203', addresses: [] });
  const xuanwu = await create({ name: `玄武${t}`, region_code: '320102', addresses: [] });
  const set = async (region) => sortedIds((await list({ q: t, region_code: region, page_size: '100' })).body.items);
  assert.deepEqual(await set('330000'), [xihu.id, binjiang.id, haishu.id]);
  assert.deepEqual(await set('330100'), [xihu.id, binjiang.id]);
  assert.deepEqual(await set('330106'), [xihu.id]);
  assert.deepEqual(await set('330200'), [haishu.id]);
  assert.deepEqual(await set('320000'), [xuanwu.id]);
  assert.deepEqual(await set('440000'), []);
  // Without q the filter holds for every row it answers.
  const r = await list({ region_code: '330100', page_size: '100' });
  assert.ok(r.body.items.length >= 2);
  assert.ok(r.body.items.every((c) => c.region_code.startsWith('3301')));
});

test('customer_group, product_type and key_customer filter the list, and combine', async () => {
  const t = tag();
  const a = await create({ name: `甲${t}`, customer_group: 'school', product_types: ['surveillance', 'parking'], key_customer: true });
  const b = await create({ name: `乙${t}`, customer_group: 'hospital', product_types: ['parking'], key_customer: false });
  const c = await create({ name: `丙${t}`, customer_group: 'school', product_types: ['vehicle'], key_customer: false });
  const set = async (p) => {
    const r = await list({ q: t, page_size: '100', ...p });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, r.body.items.length);
    return sortedIds(r.body.items);
  };
  assert.deepEqual(await set({ customer_group: 'school' }), [a.id, c.id]);
  assert.deepEqual(await set({ customer_group: 'hospital' }), [b.id]);
  assert.deepEqual(await set({ customer_group: 'government' }), []);
  assert.deepEqual(await set({ product_type: 'parking' }), [a.id, b.id]);
  assert.deepEqual(await set({ product_type: 'vehicle' }), [c.id]);
  assert.deepEqual(await set({ product_type: 'machinery' }), []);
  assert.deepEqual(await set({ key_customer: 'true' }), [a.id]);
  assert.deepEqual(await set({ key_customer: '1' }), [a.id]);
  assert.deepEqual(await set({ key_customer: 'false' }), [b.id, c.id]);
  assert.deepEqual(await set({ key_customer: '0' }), [b.id, c.id]);
  assert.deepEqual(await set({ customer_group: 'school', product_type: 'parking' }), [a.id]);
  assert.deepEqual(await set({ customer_group: 'school', key_customer: 'false' }), [c.id]);
});

test('a product_type filter matches whole dictionary values only', async () => {
  const t = tag();
  const a = await create({ name: `周界${t}`, product_types: ['perimeter_alarm'] });
  const r = await list({ q: t, product_type: 'perimeter_alarm' });
  assert.deepEqual(ids(r.body.items), [a.id]);
  // "perimeter" alone is not a value the customer has; "_" is not a wildcard.
  assert.equal((await list({ q: t, product_type: 'perimeter' })).body.total, 0);
  assert.equal((await list({ q: t, product_type: 'perimeter_alar' })).body.total, 0);
  assert.equal((await list({ q: t, product_type: 'perimeterxalarm' })).body.total, 0);
});

test('invalid filter values are 400 invalid_parameter naming the parameter', async () => {
  assertError(await list({ region_code: 'abc' }), 400, 'invalid_parameter', 'region_code');
  assertError(await list({ region_code: '3301' }), 400, 'invalid_parameter', 'region_code');
  assertError(await list({ key_customer: 'yes' }), 400, 'invalid_parameter', 'key_customer');
  assertError(await list({ customer_group: 'School Board' }), 400, 'invalid_parameter', 'customer_group');
  assertError(await list({ product_type: "x' OR '1'='1" }), 400, 'invalid_parameter', 'product_type');
  assertError(await list({ sort: 'phone' }), 400, 'invalid_parameter', 'sort');
  assertError(await list({ sort: 'relevance' }), 400, 'invalid_parameter', 'sort');
});

test('sort by name, -name, id and -id orders the rows', async () => {
  const t = tag();
  const made = {};
  for (const s of ['c', 'a', 'd', 'b']) made[s] = await create({ name: `${t} ${s}` });
  const order = async (sort) => ids((await list({ q: t, sort })).body.items);
  const byName = ['a', 'b', 'c', 'd'].map((s) => made[s].id);
  assert.deepEqual(await order('name'), byName);
  assert.deepEqual(await order('-name'), [...byName].reverse());
  const byId = ['c', 'a', 'd', 'b'].map((s) => made[s].id);
  assert.deepEqual(await order('id'), byId);
  assert.deepEqual(await order('-id'), [...byId].reverse());
});

test('sort by created_at and updated_at orders by time, ties by id', async () => {
  const t = tag();
  const a = await create({ name: `${t}甲` });
  const b = await create({ name: `${t}乙` });
  const c = await create({ name: `${t}丙` });
  const order = async (sort) => ids((await list({ q: t, sort })).body.items);
  assert.deepEqual(await order('created_at'), [a.id, b.id, c.id]);
  assert.deepEqual(await order('-created_at'), [c.id, b.id, a.id]);
  await sleep(1100);
  const p = await srv.req('PATCH', `/api/v1/customers/${a.id}`, { token: admin.token, body: { version: 1, note: '后改' } });
  assert.equal(p.status, 200);
  assert.ok(p.body.updated_at > a.updated_at);
  assert.deepEqual(await order('updated_at'), [b.id, c.id, a.id]);
  assert.deepEqual(await order('-updated_at'), [a.id, c.id, b.id]);
  assert.deepEqual(await order('created_at'), [a.id, b.id, c.id]);
});

test('page and page_size slice the list and total counts every match', async () => {
  const t = tag();
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await create({ name: `${t}页${i}` })).id);
  const page = async (p) => (await list({ q: t, sort: 'id', page: String(p), page_size: '2' })).body;
  const p1 = await page(1);
  const p2 = await page(2);
  const p3 = await page(3);
  const p4 = await page(4);
  assert.deepEqual(ids(p1.items), made.slice(0, 2));
  assert.deepEqual(ids(p2.items), made.slice(2, 4));
  assert.deepEqual(ids(p3.items), made.slice(4));
  assert.deepEqual(p4.items, []);
  for (const p of [p1, p2, p3, p4]) {
    assert.equal(p.total, 5);
    assert.equal(p.next_cursor, null);
  }
  // The default page size is 20 and page_size 100 is allowed.
  assert.equal((await list({ page_size: '100' })).status, 200);
});

// ---- keyset cursors ------------------------------------------------------------------------

async function makeCursorSet(t) {
  // Equal names and same-second times make ties that only the id can break.
  const names = ['同名', '同名', '同名', 'b', 'a', '同名', 'c'];
  const made = [];
  for (const n of names) made.push(await create({ name: `${t}${n}` }));
  return made;
}

for (const sort of ['id', '-id', 'name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at']) {
  test(`cursor paging with sort=${sort} visits every customer exactly once, in the order of the list`, async () => {
    const t = tag();
    const made = await makeCursorSet(t);
    const expected = ids((await list({ q: t, sort, page_size: '100' })).body.items);
    assert.deepEqual([...expected].sort((a, b) => a - b), sortedIds(made));
    for (const size of [1, 2, 3, 7, 8]) {
      const got = await walk({ q: t, sort }, size);
      assert.deepEqual(ids(got), expected, `page_size ${size}`);
    }
  });
}

test('cursor paging while searching (relevance) visits every match exactly once, in rank order', async () => {
  const t = tag();
  const exact = await create({ name: t });
  const other = await create({ name: '无关名称', address: `文三路${t}号` });
  const prefix = await create({ name: `${t}科技` });
  const contains = await create({ name: `杭州${t}公司` });
  const prefix2 = await create({ name: `${t}电子` });
  const contact = await create({ name: '另一家', contacts: [{ name: `联系${t}`, is_primary: true }] });
  const expected = [exact.id, prefix.id, prefix2.id, contains.id, other.id, contact.id];
  for (const size of [1, 2, 4, 6]) assert.deepEqual(ids(await walk({ q: t }, size)), expected, `page_size ${size}`);
});

test('cursor paging over the whole archive visits every customer exactly once', async () => {
  await makeCursorSet(tag());
  const n = await total();
  for (const sort of ['id', '-created_at', 'name']) {
    const got = await walk({ sort }, 7);
    assert.equal(got.length, n, sort);
    assert.equal(new Set(ids(got)).size, n, `${sort}: no customer twice`);
  }
});

test('total stays the full count on every cursor page', async () => {
  const t = tag();
  await makeCursorSet(t);
  let r = await list({ q: t, sort: 'id', page_size: '3', cursor: '' });
  assert.equal(r.body.total, 7);
  r = await list({ q: t, sort: 'id', page_size: '3', cursor: r.body.next_cursor });
  assert.equal(r.body.total, 7);
  assert.equal(r.body.items.length, 3);
});

test('a cursor made for one sort used with another is 400 invalid_cursor', async () => {
  const t = tag();
  await makeCursorSet(t);
  const byName = await list({ q: t, sort: 'name', page_size: '2', cursor: '' });
  const cursor = byName.body.next_cursor;
  assert.ok(cursor);
  assertError(await list({ q: t, sort: 'created_at', page_size: '2', cursor }), 400, 'invalid_cursor', 'cursor');
  assertError(await list({ q: t, sort: 'id', page_size: '2', cursor }), 400, 'invalid_cursor', 'cursor');
  assertError(await list({ q: t, page_size: '2', cursor }), 400, 'invalid_cursor', 'cursor');
  // The same key in the other direction is another sort too.
  assertError(await list({ q: t, sort: '-name', page_size: '2', cursor }), 400, 'invalid_cursor', 'cursor');
});

test('a relevance cursor is refused once the search is dropped', async () => {
  const t = tag();
  await makeCursorSet(t);
  const r = await list({ q: t, page_size: '2', cursor: '' });
  assert.ok(r.body.next_cursor);
  assertError(await list({ page_size: '2', cursor: r.body.next_cursor }), 400, 'invalid_cursor', 'cursor');
});

test('a garbage cursor is 400', async () => {
  const b64 = (s) => Buffer.from(s).toString('base64url');
  const garbage = [
    'garbage', '!!!!', 'eyJ', b64('not json'), b64('[]'), b64('{"s":"created_at"}'),
    b64('{"s":"created_at","v":1}'), b64('{"s":"name","v":5,"i":1}'), b64('{"s":"id","v":"x","i":1}'),
    b64('{"s":"id","v":1,"i":"1"}'), b64('{"s":"id","v":1,"i":1,"i":2}'), 'A'.repeat(3000),
  ];
  for (const cursor of garbage) {
    const r = await list({ sort: 'id', cursor });
    assert.equal(r.status, 400, `${cursor}: ${r.text}`);
    assert.ok(['invalid_cursor', 'invalid_parameter'].includes(r.body.error.code), r.text);
    assert.equal(r.body.error.field, 'cursor', r.text);
  }
});

test('cursor and page together are 400', async () => {
  assertError(await list({ page: '1', cursor: '' }), 400, 'invalid_parameter', 'page');
});

// ---- search (q) ----------------------------------------------------------------------------

test('Chinese substrings of 1, 2 and 3+ characters find a customer by name', async () => {
  const c = await create({ name: '龘靐齉爩科技有限公司' });
  for (const q of ['龘', '靐', '龘靐', '齉爩', '龘靐齉', '靐齉爩科', '龘靐齉爩科技有限公司']) {
    const r = await list({ q, page_size: '100' });
    assert.equal(r.status, 200, r.text);
    assert.ok(ids(r.body.items).includes(c.id), `q=${q}`);
  }
  // A character not in it does not find it.
  const miss = await list({ q: '龘齉', page_size: '100' });
  assert.ok(!ids(miss.body.items).includes(c.id));
});

test('search finds a customer by phone, address, contact name, contact phone and address detail', async () => {
  const phone = `0571-8${digits(7)}`;
  const cphone = `139${digits(8)}`;
  const c = await create({
    name: '搜索测试公司',
    phone,
    address: '鑫淼路88号',
    responsible_person: '鱻犇',
    contacts: [{ name: '燚垚', phone: cphone, is_primary: true }],
    addresses: [{ region_code: '330106', detail: '骉羴园区B座', is_default: true }],
  });
  const find = async (q) => ids(await walk({ q }, 100)).includes(c.id);
  for (const q of [phone, phone.slice(5), cphone, cphone.slice(3, 9), '鑫', '鑫淼', '鑫淼路', '燚', '燚垚',
    '骉羴', '骉羴园区', '鱻犇']) {
    assert.ok(await find(q), `q=${q}`);
  }
});

test('full-width digits in the query find half-width phones, and the other way round', async () => {
  const d = digits(8);
  const a = await create({ phone: `0571-${d}` });
  const e = digits(8);
  const b = await create({ contacts: [{ name: '全角', phone: fullWidth(`0571-${e}`), is_primary: true }] });
  const found = async (q, id) => ids(await walk({ q }, 100)).includes(id);
  assert.ok(await found(fullWidth(d), a.id));
  assert.ok(await found(fullWidth(`0571-${d}`), a.id));
  // Two digits match many customers: walk every page.
  assert.ok(ids(await walk({ q: fullWidth(d.slice(0, 2)) }, 100)).includes(a.id));
  assert.ok(await found(e, b.id));
  // "０５７１" matches many; walk them all.
  const all = await walk({ q: '０５７１' }, 100);
  assert.ok(ids(all).includes(a.id) && ids(all).includes(b.id));
});

test('search folds letter case and full-width letters', async () => {
  const t = tag();
  const c = await create({ name: `ACME ${t.toUpperCase()} Ltd` });
  for (const q of [t, t.toUpperCase(), fullWidth(t.toUpperCase()), `acme ${t}`]) {
    assert.deepEqual(ids((await list({ q })).body.items), [c.id], `q=${q}`);
  }
});

test('search results rank exact name, then name prefix, then name contains, then other fields', async () => {
  const t = tag();
  // Created in reverse so that id order would be the wrong answer.
  const contact = await create({ name: '甲公司', contacts: [{ name: `${t}先生`, is_primary: true }] });
  const address = await create({ name: '乙公司', address: `${t}大街1号` });
  const contains = await create({ name: `杭州${t}公司` });
  const prefix = await create({ name: `${t}科技` });
  const exact = await create({ name: t });
  const r = await list({ q: t });
  assert.equal(r.status, 200);
  assert.deepEqual(ids(r.body.items), [exact.id, prefix.id, contains.id, contact.id, address.id]);
  assert.equal(r.body.total, 5);
  // An explicit sort overrides relevance.
  assert.deepEqual(ids((await list({ q: t, sort: 'id' })).body.items),
    [contact.id, address.id, contains.id, prefix.id, exact.id]);
});

test('an exact name match ranks first whatever the letter case or width it was typed in', async () => {
  const t = tag();
  const prefix = await create({ name: `${t}x` });
  const exact = await create({ name: fullWidth(t.toUpperCase()) });
  assert.deepEqual(ids((await list({ q: t })).body.items), [exact.id, prefix.id]);
  assert.deepEqual(ids((await list({ q: t.toUpperCase() })).body.items), [exact.id, prefix.id]);
});

test('search for %, _, " and other syntax characters matches them literally', async () => {
  const t = tag();
  const pct = await create({ name: `${t}五折50%优惠` });
  const pctx = await create({ name: `${t}五折50x优惠` });
  const under = await create({ name: `${t}型号a_b` });
  const underx = await create({ name: `${t}型号axb` });
  const quote = await create({ name: `${t}说"你好"` });
  const noquote = await create({ name: `${t}说你好` });
  const bang = await create({ name: `${t}惊叹!号` });
  const back = await create({ name: `${t}反\\斜杠` });
  const exactly = async (q) => sortedIds((await list({ q, page_size: '100' })).body.items);
  assert.deepEqual(await exactly(`${t}五折50%`), [pct.id]);
  assert.deepEqual(await exactly('50%优'), [pct.id]);
  assert.deepEqual(await exactly(`${t}型号a_b`), [under.id]);
  assert.ok((await exactly('a_b')).includes(under.id));
  assert.ok(!(await exactly('a_b')).includes(underx.id));
  assert.deepEqual(await exactly(`${t}说"你好"`), [quote.id]);
  assert.deepEqual(await exactly(`说"你`), [quote.id]);
  assert.deepEqual(await exactly(`${t}惊叹!号`), [bang.id]);
  assert.deepEqual(await exactly(`${t}反\\斜杠`), [back.id]);
  // One and two characters (the short path) are literal too.
  const one = async (q, id, notId) => {
    const got = ids(await walk({ q }, 100));
    assert.ok(got.includes(id), `q=${q} finds it`);
    assert.ok(!got.includes(notId), `q=${q} is not a wildcard`);
  };
  await one('%', pct.id, pctx.id);
  await one('_', under.id, underx.id);
  await one('"', quote.id, noquote.id);
  await one('%优', pct.id, pctx.id);
  // Syntax of the full-text engines is plain text.
  for (const q of [`${t} OR 1`, `${t}*`, 'NEAR(a b)', '"""', `${t}" OR "`, '^', '(', ')', '-', ':']) {
    const r = await list({ q });
    assert.equal(r.status, 200, `q=${q}: ${r.text}`);
  }
  assert.equal((await list({ q: `${t}*` })).body.total, 0);
});

test('spaces around a search are ignored', async () => {
  const t = tag();
  const c = await create({ name: `空格${t}` });
  assert.deepEqual(ids((await list({ q: `  ${t}  ` })).body.items), [c.id]);
  assert.deepEqual(ids((await list({ q: `\u3000${t}\u3000` })).body.items), [c.id]);
});

test('a search of nothing but spaces, ASCII or full-width, lists everything newest first', async () => {
  const a = await create();
  const b = await create();
  for (const q of ['', '   ', '\u3000', '\u3000 \u3000']) {
    const r = await list({ q });
    assert.equal(r.status, 200, `q=${JSON.stringify(q)}: ${r.text}`);
    assert.deepEqual(ids(r.body.items).slice(0, 2), [b.id, a.id], `q=${JSON.stringify(q)}`);
    assert.equal(r.body.total, await total());
  }
});

test('search sees a change of name at once and forgets the old one', async () => {
  const t1 = tag();
  const t2 = tag();
  const c = await create({ name: `旧名${t1}` });
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, name: `新名${t2}` } });
  assert.equal(r.status, 200);
  assert.equal((await list({ q: t1 })).body.total, 0);
  assert.deepEqual(ids((await list({ q: t2 })).body.items), [c.id]);
  const del = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=2`, { token: admin.token });
  assert.equal(del.status, 204);
  assert.equal((await list({ q: t2 })).body.total, 0);
});

test('a search longer than 200 bytes is 422 field_length on q', async () => {
  assertError(await list({ q: '搜'.repeat(67) }), 422, 'field_length', 'q');
  assert.equal((await list({ q: '搜'.repeat(66) })).status, 200);
});

// ---- language ------------------------------------------------------------------------------

test('errors are in Chinese by default and in English with Accept-Language: en', async () => {
  const body = customerBody();
  delete body.name;
  const zh = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
  assertError(zh, 422, 'field_required', 'name');
  assert.equal(zh.body.error.message, 'name不能为空');
  for (const lang of ['en', 'en-US,en;q=0.9', 'EN']) {
    const en = await srv.req('POST', '/api/v1/customers', { token: admin.token, body, headers: { 'Accept-Language': lang } });
    assertError(en, 422, 'field_required', 'name');
    assert.equal(en.body.error.message, 'name is required', lang);
  }
  const c = await create();
  await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, note: 'x' } });
  const stale = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 1, note: 'y' }, headers: { 'Accept-Language': 'en' },
  });
  assertError(stale, 409, 'stale_version', 'version');
  assert.equal(stale.body.error.message, 'Someone else changed this: reload it');
  const zhStale = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: { version: 1, note: 'y' }, headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  });
  assert.equal(zhStale.body.error.message, '数据已被他人修改, 请重新加载');
});
