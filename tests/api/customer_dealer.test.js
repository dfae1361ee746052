// customer_dealer.test.js — linking a customer to the dealership that sold to it (SPEC A3;
// DESIGN.md "Regions": a dealer user sees the customers and units linked to their dealer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

let srv;
let admin;
before(async () => { srv = await startServer(); admin = srv.user('admin'); });
after(async () => { await srv.stop(); });

async function dealer(name, region = '330106') {
  const r = await srv.req('POST', '/api/v1/dealers', { token: admin.token, body: { name, region_code: region } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('a customer linked to a dealer is seen by that dealer\'s user, and by no other dealer', async () => {
  const d1 = await dealer('西湖经销商');
  const d2 = await dealer('滨江经销商');
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '经销商的客户', dealer_id: d1.id }) });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.dealer_id, d1.id);
  const mine = srv.user('dealer');
  const other = srv.user('dealer');
  for (const [u, d] of [[mine, d1], [other, d2]]) {
    const got = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
    const set = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { dealer_id: d.id, version: got.body.version } });
    assert.equal(set.status, 200, set.text);
  }
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.body.id}`, { token: mine.token })).status, 200);
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.body.id}`, { token: other.token })).status, 404);
  const list = await srv.req('GET', '/api/v1/customers', { token: other.token });
  assert.ok(!list.body.items.some((x) => x.id === c.body.id));
});

test('the link is changed by PATCH, audited, and only to a dealer the caller can see', async () => {
  const d1 = await dealer('甲经销商');
  const far = await dealer('南京经销商', '320102');
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '改经销商的客户' }) });
  assert.equal(c.body.dealer_id, null);
  const p = await srv.req('PATCH', `/api/v1/customers/${c.body.id}`, { token: admin.token, body: { dealer_id: d1.id, version: 1 } });
  assert.equal(p.status, 200, p.text);
  const history = await srv.req('GET', `/api/v1/customers/${c.body.id}/history`, { token: admin.token });
  assert.deepEqual(history.body.items[0].changes.dealer_id, { old: null, new: d1.id });
  const unknown = await srv.req('PATCH', `/api/v1/customers/${c.body.id}`, { token: admin.token, body: { dealer_id: 999999, version: 2 } });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.code, 'unknown_dealer');
  assert.equal(unknown.body.error.field, 'dealer_id');
  const agent = srv.user('agent', { regions: ['330000'] });
  const outside = await srv.req('PATCH', `/api/v1/customers/${c.body.id}`, { token: agent.token, body: { dealer_id: far.id, version: 2 } });
  assert.equal(outside.status, 422, 'a dealer outside the caller\'s regions is not offered');
  const cleared = await srv.req('PATCH', `/api/v1/customers/${c.body.id}`, { token: admin.token, body: { dealer_id: null, version: 2 } });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.dealer_id, null);
});
