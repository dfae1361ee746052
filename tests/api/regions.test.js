// regions.test.js — region isolation of customers and the region list for the 省/市/区 cascader
// (src/rules/region.c, src/api/reference.c, the scope of src/domain/customer.c). DESIGN.md
// "Regions": a grant covers every code below it; "404 missing or outside the caller's regions
// (never reveal existence)". A dealer sees only its dealership's customers, a customer-role
// user only its own record. /* EVIDENCE: SPEC L */ /* EVIDENCE: SPEC A1 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

// A customer in 330106 (杭州市西湖区) with a unique name and phone, made by the admin.
async function zhejiangCustomer(overrides = {}) {
  const tag = randomBytes(4).toString('hex');
  const phone = `0571-${String(parseInt(tag, 16) % 90000000 + 10000000)}`;
  const r = await srv.req('POST', '/api/v1/customers', {
    token: admin.token,
    body: customerBody({ name: `西湖区客户${tag}`, phone, ...overrides }),
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function sees(token, c) {
  const get = await srv.req('GET', `/api/v1/customers/${c.id}`, { token });
  const byName = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(c.name)}`, { token });
  assert.equal(byName.status, 200);
  return { get: get.status, listed: byName.body.items.some((i) => i.id === c.id) };
}

test('an agent granted another province (320000) gets 404, not 403, on GET, PATCH and history of a Zhejiang customer', async () => {
  const c = await zhejiangCustomer();
  const agent = srv.user('agent', { regions: ['320000'] });
  const get = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: agent.token });
  assert.equal(get.status, 404);
  assert.equal(get.body.error.code, 'not_found');
  const patch = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: agent.token, body: { name: '改名', version: c.version } });
  assert.equal(patch.status, 404);
  const history = await srv.req('GET', `/api/v1/customers/${c.id}/history`, { token: agent.token });
  assert.equal(history.status, 404);
  // The answers are the same as for an id that does not exist at all.
  const missing = await srv.req('GET', '/api/v1/customers/987654321', { token: agent.token });
  assert.deepEqual(get.body, missing.body);
  const unchanged = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token });
  assert.equal(unchanged.body.name, c.name);
  assert.equal(unchanged.body.version, c.version);
});

test('a department head granted another province gets 404 on DELETE of a Zhejiang customer, and it stays', async () => {
  const c = await zhejiangCustomer();
  const head = srv.user('department_head', { regions: ['320000'] });
  const del = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=${c.version}`, { token: head.token });
  assert.equal(del.status, 404);
  const still = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token });
  assert.equal(still.status, 200);
  // An agent may not delete at all: the same 403 for this customer and for an id that does not exist.
  const agent = srv.user('agent', { regions: ['320000'] });
  const a = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=${c.version}`, { token: agent.token });
  const b = await srv.req('DELETE', `/api/v1/customers/987654321?version=1`, { token: agent.token });
  assert.equal(a.status, 403);
  assert.deepEqual(a.body, b.body);
});

test('a customer outside the grants appears in no list and no search, by name, phone or region filter', async () => {
  const c = await zhejiangCustomer();
  const agent = srv.user('agent', { regions: ['320000'] });
  const queries = [
    '/api/v1/customers?page_size=100',
    `/api/v1/customers?q=${encodeURIComponent(c.name)}`,
    `/api/v1/customers?q=${encodeURIComponent(c.phone)}`,
    '/api/v1/customers?region_code=330106',
    '/api/v1/customers?region_code=330000',
    '/api/v1/customers?cursor=',
  ];
  for (const q of queries) {
    const r = await srv.req('GET', q, { token: agent.token });
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    assert.ok(!r.body.items.some((i) => i.id === c.id), q);
    assert.ok(r.body.items.every((i) => i.region_code.startsWith('32')), `${q} shows only Jiangsu`);
  }
  const total = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(c.name)}`, { token: agent.token });
  assert.equal(total.body.total, 0, 'the total does not count it either');
});

test('a grant of the province, the city or the district itself covers a customer in 330106', async () => {
  const c = await zhejiangCustomer();
  for (const grant of ['330000', '330100', '330106']) {
    const agent = srv.user('agent', { regions: [grant] });
    assert.deepEqual(await sees(agent.token, c), { get: 200, listed: true }, `grant ${grant}`);
    const history = await srv.req('GET', `/api/v1/customers/${c.id}/history`, { token: agent.token });
    assert.equal(history.status, 200, `grant ${grant}`);
  }
});

test('a grant of a sibling city (330200 宁波) or district (330105) does not cover 330106', async () => {
  const c = await zhejiangCustomer();
  for (const grant of ['330200', '330105', '320000']) {
    const agent = srv.user('agent', { regions: [grant] });
    assert.deepEqual(await sees(agent.token, c), { get: 404, listed: false }, `grant ${grant}`);
  }
});

test('grants add up: 320000 plus 330100 covers the Zhejiang customer', async () => {
  const c = await zhejiangCustomer();
  const agent = srv.user('agent', { regions: ['320000', '330100'] });
  assert.deepEqual(await sees(agent.token, c), { get: 200, listed: true });
});

test('a change of grants by the admin takes effect at the next request', async () => {
  const c = await zhejiangCustomer();
  const agent = srv.user('agent', { regions: ['320000'] });
  assert.equal((await sees(agent.token, c)).get, 404);
  const u = await srv.req('GET', `/api/v1/users/${agent.id}`, { token: admin.token });
  const p = await srv.req('PATCH', `/api/v1/users/${agent.id}`, { token: admin.token, body: { regions: ['330000'], version: u.body.version } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(await sees(agent.token, c), { get: 200, listed: true });
});

test('an agent may not create a customer, or move one, into a region outside the grants (422 region_not_granted)', async () => {
  const jiangsu = srv.user('agent', { regions: ['320000'] });
  const create = await srv.req('POST', '/api/v1/customers', { token: jiangsu.token, body: customerBody({ name: `越权${randomBytes(3).toString('hex')}` }) });
  assert.equal(create.status, 422);
  assert.equal(create.body.error.code, 'region_not_granted');
  assert.equal(create.body.error.field, 'region_code');
  const c = await zhejiangCustomer();
  const hangzhou = srv.user('agent', { regions: ['330100'] });
  const move = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: hangzhou.token, body: { region_code: '320102', addresses: [], version: c.version } });
  assert.equal(move.status, 422);
  assert.equal(move.body.error.code, 'region_not_granted');
  const still = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token });
  assert.equal(still.body.region_code, '330106');
});

test('a customer-role user sees only their own customer', async () => {
  const own = await zhejiangCustomer();
  const other = await zhejiangCustomer();
  const portal = srv.user('customer', { customerId: own.id });
  const list = await srv.req('GET', '/api/v1/customers?page_size=100', { token: portal.token });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items.map((i) => i.id), [own.id]);
  assert.equal(list.body.total, 1);
  assert.equal((await srv.req('GET', `/api/v1/customers/${own.id}`, { token: portal.token })).status, 200);
  assert.equal((await srv.req('GET', `/api/v1/customers/${other.id}`, { token: portal.token })).status, 404);
  // The change history names staff and their addresses: not for portal users at all.
  assert.equal((await srv.req('GET', `/api/v1/customers/${other.id}/history`, { token: portal.token })).status, 403);
  const search = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(other.name)}`, { token: portal.token });
  assert.equal(search.body.total, 0);
});

test('a dealer user without a dealership sees no customers at all', async () => {
  const c = await zhejiangCustomer();
  const dealer = srv.user('dealer', { regions: ['000000'] });
  const list = await srv.req('GET', '/api/v1/customers?page_size=100', { token: dealer.token });
  assert.equal(list.status, 200);
  assert.equal(list.body.total, 0);
  assert.deepEqual(list.body.items, []);
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.id}`, { token: dealer.token })).status, 404);
  const search = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(c.name)}`, { token: dealer.token });
  assert.equal(search.body.total, 0);
});

test('GET /api/v1/regions lists the provinces', async () => {
  const u = srv.user('technician', { regions: ['330000'] });
  const r = await srv.req('GET', '/api/v1/regions', { token: u.token });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length >= 31 && r.body.items.length <= 34, `${r.body.items.length} provinces`);
  assert.equal(r.body.total, r.body.items.length);
  assert.ok(r.body.items.every((i) => i.level === 1 && /^\d\d0000$/.test(i.code) && i.leaf === false));
  const zj = r.body.items.find((i) => i.code === '330000');
  assert.deepEqual(zj, { code: '330000', name: '浙江省', level: 1, administrative: true, leaf: false });
  assert.ok(r.body.items.some((i) => i.code === '320000' && i.name === '江苏省'));
  const country = await srv.req('GET', '/api/v1/regions?parent=000000', { token: u.token });
  assert.deepEqual(country.body.items, r.body.items, 'parent=000000 is the whole country');
});

test('GET /api/v1/regions?parent=330000 lists the cities of Zhejiang', async () => {
  const u = srv.user('technician');
  const r = await srv.req('GET', '/api/v1/regions?parent=330000', { token: u.token });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 11);
  assert.ok(r.body.items.every((i) => i.level === 2 && i.code.startsWith('33') && i.code.endsWith('00')));
  assert.ok(r.body.items.some((i) => i.code === '330100' && i.name === '杭州市'));
  assert.ok(r.body.items.some((i) => i.code === '330200' && i.name === '宁波市'));
});

test('GET /api/v1/regions?parent=330100 lists the districts of Hangzhou, which are leaves', async () => {
  const u = srv.user('technician');
  const r = await srv.req('GET', '/api/v1/regions?parent=330100', { token: u.token });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((i) => i.level === 3 && i.code.startsWith('3301') && i.leaf === true));
  assert.deepEqual(r.body.items.find((i) => i.code === '330106'), { code: '330106', name: '西湖区', level: 3, administrative: true, leaf: true });
});

test('an invalid parent is 400 naming the parameter', async () => {
  const u = srv.user('technician');
  for (const p of ['abc', '33', '3300000', '003300', '330106', '330006', '']) {
    const r = await srv.req('GET', `/api/v1/regions?parent=${p}`, { token: u.token });
    assert.equal(r.status, 400, `parent=${p}`);
    assert.equal(r.body.error.field, 'parent', `parent=${p}`);
  }
  const unknown = await srv.req('GET', '/api/v1/regions?province=33', { token: u.token });
  assert.equal(unknown.status, 400);
});

test('statistical units are marked administrative=false: the functional zones 71..79 and 市辖区', async () => {
  const u = srv.user('technician');
  const shijiazhuang = await srv.req('GET', '/api/v1/regions?parent=130100', { token: u.token });
  assert.equal(shijiazhuang.status, 200);
  const zone = shijiazhuang.body.items.find((i) => i.code === '130171');
  assert.ok(zone, '石家庄高新技术产业开发区 is listed: customers sit in it');
  assert.equal(zone.administrative, false);
  for (const i of shijiazhuang.body.items) {
    const county = Number(i.code.slice(4));
    assert.equal(i.administrative, !(county >= 71 && county <= 79), `${i.code} ${i.name}`);
  }
  const beijing = await srv.req('GET', '/api/v1/regions?parent=110000', { token: u.token });
  const shixiaqu = beijing.body.items.find((i) => i.code === '110100');
  assert.equal(shixiaqu.name, '市辖区');
  assert.equal(shixiaqu.administrative, false);
});
