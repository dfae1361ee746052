// spec_a.test.js — walks SPEC.md §A items A1 and A2 (the customer archive) sentence by
// sentence, with the parts of §L that every part must have as they apply to the archive.
// Each title quotes the SPEC words it checks.
//
// A1 Customer archive registered by region (province / city / district, GB/T 2260 codes),
//    with contacts, addresses, phones and the responsible person; every change is kept with
//    who and when (address, phone, responsible person change "及时更改").
// A2 Archives classified by product type and customer group (work plan 3 §一.8); key
//    customers flagged for the key-customer care plan (work plan 1 §二.B).
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

function tag() {
  return 'za' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
const ISO_0800 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.equal(r.body?.error?.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.ok(r.body.error.message);
}

async function create(overrides = {}, token = admin.token) {
  const r = await srv.req('POST', '/api/v1/customers', { token, body: customerBody(overrides) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function patch(c, body, token = admin.token) {
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token, body: { version: c.version, ...body } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function history(id) {
  const r = await srv.req('GET', `/api/v1/customers/${id}/history`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

async function search(params, token = admin.token) {
  const r = await srv.req('GET', `/api/v1/customers?${new URLSearchParams({ page_size: '100', ...params })}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.items.map((c) => c.id).sort((a, b) => a - b);
}

// ---- A1 ------------------------------------------------------------------------------------

test('A1 "registered by region (province / city / district, GB/T 2260 codes)": a district code reads as province, city, district', async () => {
  for (const [code, name] of [
    ['330106', '浙江省 杭州市 西湖区'],
    ['320102', '江苏省 南京市 玄武区'],
    ['440305', '广东省 深圳市 南山区'],
  ]) {
    const c = await create({ region_code: code, addresses: [] });
    assert.equal(c.region_code, code);
    assert.equal(c.region_name, name);
  }
});

test('A1 "registered by region (province / city / district …)": a customer may be registered at city or province level', async () => {
  const city = await create({ region_code: '330100' });
  assert.equal(city.region_name, '浙江省 杭州市');
  const province = await create({ region_code: '330000' });
  assert.equal(province.region_name, '浙江省');
});

test('A1 "GB/T 2260 codes": a code that is not in GB/T 2260 is refused, naming the field', async () => {
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ region_code: '999999' }) }),
    422, 'unknown_region', 'region_code');
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ region_code: '330199' }) }),
    422, 'unknown_region', 'region_code');
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ region_code: '33X106' }) }),
    422, 'invalid_region', 'region_code');
});

test('A1 "registered by region (province / city / district)": the archive is listed by province, by city and by district', async () => {
  const t = tag();
  const xihu = await create({ name: `${t}西湖`, region_code: '330106' });
  const yuhang = await create({ name: `${t}余杭`, region_code: '330110' });
  const ningbo = await create({ name: `${t}宁波`, region_code: '330212', addresses: [] });
  const nanjing = await create({ name: `${t}南京`, region_code: '320102', addresses: [] });
  const ids = (...cs) => cs.map((c) => c.id).sort((a, b) => a - b);
  assert.deepEqual(await search({ q: t, region_code: '330000' }), ids(xihu, yuhang, ningbo));
  assert.deepEqual(await search({ q: t, region_code: '330100' }), ids(xihu, yuhang));
  assert.deepEqual(await search({ q: t, region_code: '330110' }), ids(yuhang));
  assert.deepEqual(await search({ q: t, region_code: '320000' }), ids(nanjing));
});

test('A1 "with contacts, addresses, phones and the responsible person": all are kept as given, in order', async () => {
  const body = {
    phone: '0571-87654321',
    responsible_person: '陈经理',
    contacts: [
      { name: '王芳', phone: '13811112222', title: '采购', email: 'wf@example.com', is_primary: false },
      { name: '刘洋', phone: '0571-66667777', title: '总工', email: '', is_primary: true },
      { name: '周杰', phone: '', title: '', email: '', is_primary: false },
    ],
    addresses: [
      { label: '总部', region_code: '330106', detail: '天目山路1号', is_default: false },
      { label: '分厂', region_code: '330110', detail: '文一西路998号', is_default: true },
    ],
  };
  const c = await create(body);
  const g = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token });
  for (const k of Object.keys(body)) assert.deepEqual(g.body[k], body[k], k);
});

test('A1 "with … phones": a phone that is not a phone number is refused naming it, full-width digits are folded', async () => {
  assertError(await srv.req('POST', '/api/v1/customers', {
    token: admin.token, body: customerBody({ contacts: [{ name: '王芳', phone: '一三八', is_primary: true }] }),
  }), 422, 'invalid_phone', 'contacts[0].phone');
  const c = await create({ phone: '＋８６ ５７１ ８７６５４３２１' });
  assert.equal(c.phone, '+86 571 87654321');
});

test('A1 "every change is kept with who and when": each change is a history row with its actor and time, newest first', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const t0 = Date.now();
  let c = await create({ name: `${tag()}有限公司` });
  c = await patch(c, { note: '管理员改' });
  c = await patch(c, { note: '客服改' }, agent.token);
  const rows = await history(c.id);
  assert.deepEqual(rows.map((r) => r.action), ['update', 'update', 'create']);
  assert.deepEqual(rows.map((r) => r.actor_name), [agent.username, admin.username, admin.username]);
  assert.deepEqual(rows.map((r) => r.actor_id), [agent.id, admin.id, admin.id]);
  for (const r of rows) {
    assert.match(r.at, ISO_0800);
    assert.ok(Math.abs(Date.parse(r.at) - t0) < 60_000, 'the time is when it happened');
  }
  assert.deepEqual(rows[0].changes, { note: { old: '管理员改', new: '客服改' } });
});

for (const [field, before, after] of [
  ['address', '文三路90号', '学院路77号'],
  ['phone', '0571-88886666', '0571-22223333'],
  ['responsible_person', '王伟', '孙丽'],
]) {
  test(`A1 "(address, phone, responsible person change "及时更改")": a change of ${field} is kept with its old and new value`, async () => {
    let c = await create({ [field]: before });
    c = await patch(c, { [field]: after });
    assert.equal(c[field], after);
    assert.equal(c.version, 2);
    const [row] = await history(c.id);
    assert.equal(row.action, 'update');
    assert.equal(row.actor_name, admin.username);
    assert.deepEqual(row.changes, { [field]: { old: before, new: after } });
  });
}

test('A1 "(address, phone … change "及时更改")": a contact\'s new phone and a new address are kept with old and new', async () => {
  let c = await create();
  const contacts = [{ ...c.contacts[0], phone: '13999998888' }];
  const addresses = [...c.addresses, { label: '新址', region_code: '330108', detail: '网商路699号', is_default: false }];
  c = await patch(c, { contacts, addresses });
  const [row] = await history(c.id);
  assert.equal(row.changes.contacts.old[0].phone, '13800001111');
  assert.equal(row.changes.contacts.new[0].phone, '13999998888');
  assert.equal(row.changes.addresses.old.length, 1);
  assert.deepEqual(row.changes.addresses.new, addresses);
});

test('A1 "every change is kept": a change made over a stale copy is refused (409) and leaves no trace', async () => {
  const c = await create();
  await patch(c, { phone: '0571-11111111' });
  const stale = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, phone: '0571-99999999' } });
  assertError(stale, 409, 'stale_version', 'version');
  const rows = await history(c.id);
  assert.equal(rows.length, 2);
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token })).body.phone, '0571-11111111');
});

test('A1 "every change is kept with who and when": a deletion is kept too', async () => {
  const c = await create();
  const d = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: admin.token });
  assert.equal(d.status, 204);
  const a = await srv.req('GET', `/api/v1/audit?entity=customer&entity_id=${c.id}`, { token: admin.token });
  assert.equal(a.status, 200, a.text);
  const [row] = a.body.items;
  assert.equal(row.action, 'delete');
  assert.equal(row.actor_name, admin.username);
  assert.match(row.at, ISO_0800);
});

// ---- A2 ------------------------------------------------------------------------------------

test('A2 "classified by product type and customer group": the dictionaries offer both, labelled in Chinese and English', async () => {
  const zh = await srv.req('GET', '/api/v1/dictionaries', { token: admin.token });
  assert.equal(zh.status, 200, zh.text);
  const values = (list) => list.map((i) => i.value);
  assert.ok(values(zh.body.types.product_type).includes('surveillance'));
  assert.ok(values(zh.body.types.customer_group).includes('enterprise'));
  const label = (body, type, v) => body.types[type].find((i) => i.value === v).label;
  assert.equal(label(zh.body, 'product_type', 'surveillance'), '监控设备');
  const en = await srv.req('GET', '/api/v1/dictionaries', { token: admin.token, headers: { 'Accept-Language': 'en' } });
  assert.equal(label(en.body, 'product_type', 'surveillance'), 'Video surveillance');
  assert.equal(label(en.body, 'customer_group', 'enterprise'), 'Enterprise');
});

test('A2 "classified by product type and customer group": a customer has product types and a group, and the archive is listed by each', async () => {
  const t = tag();
  const school = await create({ name: `${t}学校`, customer_group: 'school', product_types: ['surveillance', 'access_control'] });
  const hospital = await create({ name: `${t}医院`, customer_group: 'hospital', product_types: ['access_control'] });
  const estate = await create({ name: `${t}小区`, customer_group: 'residential', product_types: ['video_intercom', 'parking'] });
  assert.deepEqual(school.product_types, ['surveillance', 'access_control']);
  assert.deepEqual(await search({ q: t, customer_group: 'school' }), [school.id]);
  assert.deepEqual(await search({ q: t, customer_group: 'residential' }), [estate.id]);
  assert.deepEqual(await search({ q: t, product_type: 'access_control' }), [school.id, hospital.id]);
  assert.deepEqual(await search({ q: t, product_type: 'parking' }), [estate.id]);
  assert.deepEqual(await search({ q: t, product_type: 'access_control', customer_group: 'hospital' }), [hospital.id]);
});

test('A2 "classified by product type and customer group": a value outside the dictionaries is refused naming the field', async () => {
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ customer_group: 'aliens' }) }),
    422, 'invalid_choice', 'customer_group');
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ product_types: ['teleporter'] }) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'invalid_choice');
  assert.match(r.body.error.field, /^product_types/);
});

test('A2 "classified by product type and customer group": a reclassification is kept with old and new', async () => {
  let c = await create({ customer_group: 'enterprise', product_types: ['surveillance'] });
  c = await patch(c, { customer_group: 'government', product_types: ['surveillance', 'perimeter_alarm'] });
  const [row] = await history(c.id);
  assert.deepEqual(row.changes, {
    customer_group: { old: 'enterprise', new: 'government' },
    product_types: { old: ['surveillance'], new: ['surveillance', 'perimeter_alarm'] },
  });
});

test('A2 "key customers flagged for the key-customer care plan": the flag is off unless set, listed by key_customer, and its change kept', async () => {
  const t = tag();
  const body = customerBody({ name: `${t}普通` });
  delete body.key_customer;
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
  assert.equal(made.status, 201, made.text);
  const plain = made.body;
  assert.equal(plain.key_customer, false);
  let vip = await create({ name: `${t}重点`, key_customer: true });
  assert.equal(vip.key_customer, true);
  assert.deepEqual(await search({ q: t, key_customer: 'true' }), [vip.id]);
  assert.deepEqual(await search({ q: t, key_customer: 'false' }), [plain.id]);
  const flagged = await patch(plain, { key_customer: true });
  assert.equal(flagged.key_customer, true);
  assert.deepEqual(await search({ q: t, key_customer: 'true' }), [plain.id, vip.id]);
  const [row] = await history(plain.id);
  assert.deepEqual(row.changes, { key_customer: { old: false, new: true } });
  vip = await patch(vip, { key_customer: false });
  assert.deepEqual(await search({ q: t, key_customer: 'true' }), [plain.id]);
});

// ---- L, as it applies to the archive --------------------------------------------------------

test('L "Each sees and changes only what its role and region allow": a Jiangsu user neither sees nor changes a Zhejiang customer', async () => {
  const t = tag();
  const zj = await create({ name: `${t}浙江` });
  const js = await create({ name: `${t}江苏`, region_code: '320102', addresses: [] });
  const jsUser = srv.user('department_head', { regions: ['320000'] });
  assert.deepEqual(await search({ q: t }, jsUser.token), [js.id]);
  assertError(await srv.req('GET', `/api/v1/customers/${zj.id}`, { token: jsUser.token }), 404, 'not_found');
  assertError(await srv.req('PATCH', `/api/v1/customers/${zj.id}`, { token: jsUser.token, body: { version: 1, note: 'x' } }),
    404, 'not_found');
  assertError(await srv.req('DELETE', `/api/v1/customers/${zj.id}?version=1`, { token: jsUser.token }), 404, 'not_found');
  assertError(await srv.req('POST', '/api/v1/customers', { token: jsUser.token, body: customerBody() }),
    422, 'region_not_granted', 'region_code');
  assert.equal((await srv.req('GET', `/api/v1/customers/${zj.id}`, { token: admin.token })).body.version, 1);
});

test('L "Each sees and changes only what its role … allow": a technician only reads, an agent may not delete', async () => {
  const c = await create();
  const tech = srv.user('technician', { regions: ['330000'] });
  const agent = srv.user('agent', { regions: ['330000'] });
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.id}`, { token: tech.token })).status, 200);
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: tech.token, body: { version: 1, note: 'x' } }),
    403, 'forbidden');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1`, { token: agent.token }), 403, 'forbidden');
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token })).body.version, 1);
});

test('L "Every change is audited (who, when, before, after)": the history row carries all four', async () => {
  let c = await create();
  c = await patch(c, { name: '改后名称' });
  const [row] = await history(c.id);
  assert.equal(row.actor_name, admin.username);
  assert.match(row.at, ISO_0800);
  assert.deepEqual(row.changes.name, { old: '杭州华信科技有限公司', new: '改后名称' });
});

test('L "Nothing is ever silently lost: bad input gets a clear error naming the field"', async () => {
  const before = (await srv.req('GET', '/api/v1/customers?page_size=1', { token: admin.token })).body.total;
  // An unknown field is refused, not dropped.
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ fax: '0571-1' }) }),
    400, 'unknown_field', 'fax');
  // Too long is refused, not cut.
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ note: '长'.repeat(501) }) }),
    422, 'field_length', 'note');
  // A wrong type is refused, not coerced.
  assertError(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ key_customer: 'true' }) }),
    400, 'wrong_type', 'key_customer');
  assert.equal((await srv.req('GET', '/api/v1/customers?page_size=1', { token: admin.token })).body.total, before);
});

test('L "Chinese (zh-CN) is the default UI language; English is the second"', async () => {
  const body = customerBody({ region_code: '999999' });
  const zh = await srv.req('POST', '/api/v1/customers', { token: admin.token, body });
  assertError(zh, 422, 'unknown_region', 'region_code');
  assert.match(zh.body.error.message, /地区编码不存在/);
  const en = await srv.req('POST', '/api/v1/customers', { token: admin.token, body, headers: { 'Accept-Language': 'en' } });
  assertError(en, 422, 'unknown_region', 'region_code');
  assert.equal(en.body.error.message, 'Unknown region code: 999999', 'the message names the value given');
});
