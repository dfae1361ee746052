// tickets_called.test.js — the ticket list's date range (UI.md 4: a 开始日期/结束日期 range in the
// search form): called_from / called_to are days in the company's zone (Asia/Shanghai, +08:00),
// the last day counted whole; the export takes the same range. Expected sets by hand from the
// call times below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

let srv, agent;
const made = {};
before(async () => {
  srv = await startServer();
  const admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(c.status, 201, c.text);
  const p = await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: c.body.id, name: '日期筛选工程', site_region_code: '330106', site_address: '文三路90号',
    completion_date: '2026-03-01', acceptance_date: '2026-03-15' } });
  assert.equal(p.status, 201, p.text);
  const u = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: p.body.id, serial_no: 'NVR-DATE', model: 'DS-7816N', name: '网络硬盘录像机' } });
  assert.equal(u.status, 201, u.text);
  // Four calls around the local midnight between 2026-11-20 and 11-21:
  //   a 2026-11-19 23:59 (+08:00)   b 2026-11-20 00:00   c 2026-11-20 23:59   d 2026-11-21 00:00
  const calls = { a: '2026-11-19T23:59:00+08:00', b: '2026-11-20T00:00:00+08:00',
    c: '2026-11-20T23:59:59+08:00', d: '2026-11-21T00:00:00+08:00' };
  for (const [name, at] of Object.entries(calls)) {
    const r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: {
      customer_id: c.body.id, equipment_id: u.body.id, channel: 'hotline', fault: `日期筛选 ${name}`, called_at: at } });
    assert.equal(r.status, 201, r.text);
    made[r.body.id] = name;
  }
});
after(async () => { await srv.stop(); });

const names = (r) => r.body.items.map((t) => made[t.id]).filter(Boolean).sort();

test('one day: from 11-20 to 11-20 is 00:00:00 to 23:59:59 local — b and c, not a or d', async () => {
  const r = await srv.req('GET', '/api/v1/tickets?called_from=2026-11-20&called_to=2026-11-20&page_size=50', { token: agent.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(names(r), ['b', 'c']);
  assert.equal(r.body.total, 2);
});

test('open ends: from alone, to alone', async () => {
  const from = await srv.req('GET', '/api/v1/tickets?called_from=2026-11-21&page_size=50', { token: agent.token });
  assert.deepEqual(names(from), ['d']);
  const to = await srv.req('GET', '/api/v1/tickets?called_to=2026-11-19&page_size=50', { token: agent.token });
  assert.deepEqual(names(to), ['a']);
});

test('the export takes the same range; a bad day names its parameter', async () => {
  const csv = await fetch(`${srv.base}/api/v1/tickets/export?format=csv&called_from=2026-11-20&called_to=2026-11-20`,
    { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(csv.status, 200);
  const text = await csv.text();
  assert.ok(text.includes('日期筛选 b') && text.includes('日期筛选 c'), text.slice(0, 400));
  assert.ok(!text.includes('日期筛选 a') && !text.includes('日期筛选 d'));
  for (const key of ['called_from', 'called_to']) {
    const r = await srv.req('GET', `/api/v1/tickets?${key}=2026-02-30`, { token: agent.token });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.field, key);
  }
});
