// kpi_complaints.test.js — GET /api/v1/kpi/complaints (src/api/kpi_tickets.c): the complaints
// received in a period by top-level category, severity and state, the repeats, the written
// notices answered on time or late (SPEC E1-E4, H2), and the trend per ISO week, for the
// caller's regions. Complaints are registered with past receipt times and moved through the
// procedure by the API; the expected counts are worked out by hand below.
// /* EVIDENCE: SPEC E2, E4, H2 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

const H = 3600;
const TZ = 8 * H;
let srv, admin, agentZj, qcJs, gm, qc;
const k = {};

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}

const nowSec = () => Math.floor(Date.now() / 1000);
const localDay = (sec) => Math.floor((sec + TZ) / 86400);
const dayDate = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
const isoAt = (day, h) => `${dayDate(day)}T${String(h).padStart(2, '0')}:00:00+08:00`;
const monday = (d) => d - (((d + 3) % 7) + 7) % 7;
function weekKey(d) {
  const thu = monday(d) + 3;
  const y = new Date(thu * 86400000).getUTCFullYear();
  return `${y}-W${String(Math.floor((thu - Date.UTC(y, 0, 1) / 86400000) / 7) + 1).padStart(2, '0')}`;
}

const today = localDay(nowSec());
const M = monday(today) - 21;
const from = dayDate(M);
const to = dayDate(today);

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agentZj = srv.user('agent', { regions: ['330000'] });
  qcJs = srv.user('qc', { regions: ['320000'] });
  gm = srv.user('gm');
  qc = srv.user('qc');
  const zj = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  const js = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '南京客户', region_code: '320102', addresses: [] }) }), 201);
  const register = async (name, customer, category, severity, receivedAt) => {
    k[name] = await ok(await srv.req('POST', '/api/v1/complaints', { token: admin.token, body: {
      customer_id: customer.id, channel: 'hotline', facts: `投诉${name}`, category, severity, received_at: receivedAt } }), 201);
  };
  const assign = async (name, departments) => {
    k[name] = await ok(await srv.req('POST', `/api/v1/complaints/${k[name].id}/assign`, { token: admin.token, body: { version: k[name].version,
      departments: departments.map(([department, due]) => ({ department, responsible_id: qc.id, due_date: dayDate(due) })) } }));
  };
  const answer = async (name, i) => {
    const a = k[name].assignments[i];
    k[name] = await ok(await srv.req('POST', `/api/v1/complaints/${k[name].id}/assignments/${a.id}/answer`, { token: qc.token, body: {
      root_cause: '原因', corrective_action: '纠正', preventive_action: '预防' } }));
  };
  // K1 (Zhejiang, 尺寸超差 → 产品质量, major), received Monday M: two notices — quality due
  // M+2 answered today (late), engineering due today+3 answered today (on time); then the
  // callback and the archive: state archived.
  await register('K1', zj, 'dimension_tolerance', 'major', isoAt(M, 10));
  await assign('K1', [['quality', M + 2], ['engineering', today + 3]]);
  await answer('K1', 0);
  await answer('K1', 1);
  k.K1 = await ok(await srv.req('POST', `/api/v1/complaints/${k.K1.id}/callback`, { token: admin.token, body: { version: k.K1.version, satisfied: true } }));
  k.K1 = await ok(await srv.req('POST', `/api/v1/complaints/${k.K1.id}/archive`, { token: admin.token, body: { version: k.K1.version } }));
  // K2 (Zhejiang, 产品质量 itself, minor), received M+1: the same class as K1 within 365 days —
  // a repeat. One notice due M+3, unanswered: overdue. State assigned.
  await register('K2', zj, 'product', 'minor', isoAt(M + 1, 10));
  await assign('K2', [['quality', M + 3]]);
  // K3 (Zhejiang, 服务态度 → 服务, critical), received M+8 (the next week): a notice due
  // today+2, unanswered: pending. State assigned.
  await register('K3', zj, 'service_attitude', 'critical', isoAt(M + 8, 10));
  await assign('K3', [['after_sales', today + 2]]);
  // K4 (Jiangsu, 收费 → 服务, minor), received M+8: outside the Zhejiang desk's regions.
  await register('K4', js, 'billing', 'minor', isoAt(M + 8, 11));
  // K5 (Zhejiang, 其他, minor), received yesterday: registered, no notice.
  await register('K5', zj, 'other', 'minor', isoAt(today - 1, 9));
});
after(async () => { await srv.stop(); });

const kpi = async (token, query = '') => ok(await srv.req('GET', `/api/v1/kpi/complaints?from=${from}&to=${to}${query}`, { token }));
const counts = (list) => Object.fromEntries(list.map((x) => [x.code, x.count]));

test('received by top-level category, severity and state; repeats; notices on time and late', async () => {
  assert.equal(k.K2.repeat, true);
  const r = await kpi(agentZj.token);
  assert.equal(r.from, from);
  assert.equal(r.to, to);
  assert.equal(r.group, 'none');
  assert.equal(r.today, dayDate(today));
  // Zhejiang: K1, K2, K3, K5 — one repeat (K2).
  assert.equal(r.received, 4);
  assert.equal(r.repeats, 1);
  // 产品质量: K1 (a leaf under it) and K2; 服务: K3 (a leaf); 其他: K5 — the tree's order.
  assert.deepEqual(r.categories.map((c) => [c.code, c.name, c.name_en, c.count]),
    [['product', '产品质量', 'Product quality', 2], ['service', '服务', 'Service', 1], ['other', '其他', 'Other', 1]]);
  assert.deepEqual(r.severities.map((s) => [s.code, s.name, s.count]), [['minor', '一般', 2], ['major', '较重', 1], ['critical', '严重', 1]]);
  assert.deepEqual(counts(r.states), { registered: 1, assigned: 2, answered: 0, called_back: 0, archived: 1 });
  // Notices: K1 quality late, K1 engineering on time, K2 overdue, K3 pending →
  // 1 on time of 3 due = 333.3 → 333 ‰ (no target: the rulebook names none).
  assert.deepEqual(r.notices, { on_time: 1, late: 1, overdue: 1, pending: 1, due: 3, rate_permille: 333 });
  assert.deepEqual(r.groups, []);
});

test('regions: Jiangsu sees K4 only, the whole country all five', async () => {
  const js = await kpi(qcJs.token);
  assert.equal(js.received, 1);
  assert.deepEqual(counts(js.categories), { product: 0, service: 1, other: 0 });
  assert.deepEqual(js.notices, { on_time: 0, late: 0, overdue: 0, pending: 0, due: 0, rate_permille: null });
  const all = await kpi(gm.token);
  assert.equal(all.received, 5);
  assert.deepEqual(counts(all.categories), { product: 2, service: 2, other: 1 });
  assert.deepEqual(counts(all.severities), { minor: 3, major: 1, critical: 1 });
  assert.deepEqual(counts(all.states), { registered: 2, assigned: 2, answered: 0, called_back: 0, archived: 1 });
});

test('the trend per ISO week: received, repeats, classes and notices by the week received', async () => {
  const r = await kpi(agentZj.token, '&group=week');
  const weeks = [];
  for (let d = monday(M); d <= monday(today); d += 7) weeks.push(d);
  assert.deepEqual(r.groups.map((g) => g.key), weeks.map(weekKey));
  assert.equal(r.groups.at(-1).to, to);
  // Week of M: K1 and K2 (product; K2 a repeat), with K1's late and on-time notices and K2's
  // overdue one. The next: K3 (service) with its pending notice. K5 in the week of yesterday.
  const [w0, w1] = r.groups;
  assert.deepEqual([w0.received, w0.repeats, counts(w0.categories)], [2, 1, { product: 2, service: 0, other: 0 }]);
  assert.deepEqual(w0.notices, { on_time: 1, late: 1, overdue: 1, pending: 0, due: 3, rate_permille: 333 });
  assert.deepEqual([w1.received, w1.repeats, counts(w1.categories)], [1, 0, { product: 0, service: 1, other: 0 }]);
  assert.deepEqual(w1.notices, { on_time: 0, late: 0, overdue: 0, pending: 1, due: 0, rate_permille: null });
  const k5 = r.groups.find((g) => g.key === weekKey(today - 1));
  assert.equal(counts(k5.categories).other, 1);
  assert.equal(r.groups.reduce((a, g) => a + g.received, 0), r.received);
});

test('bad from, to and group name the field', async () => {
  const get = (q) => srv.req('GET', `/api/v1/kpi/complaints?${q}`, { token: gm.token });
  assertError(await get('from=2026-02-30'), 400, 'invalid_parameter', 'from');
  assertError(await get('from=2026-03-02&to=2026-03-01'), 422, 'end_before_start', 'to');
  assertError(await get('group=month'), 400, 'invalid_parameter', 'group');
  assertError(await get('group=province'), 400, 'invalid_parameter', 'group');
  assertError(await get('from=2000-01-01&to=2026-01-01'), 422, 'out_of_range', 'to');
  assertError(await srv.req('GET', '/api/v1/kpi/complaints', { token: srv.user('finance').token }), 403, 'forbidden');
});
