// kpi_tickets.test.js — GET /api/v1/kpi/tickets (src/api/kpi_tickets.c): the 24/48/72 deadlines
// and promised replies met on time per stage (SPEC C2, C5, H2), today's cards, the trend per
// ISO week and month and the split per province, for the caller's regions. Tickets are made
// and moved through the API with past `at` times (the server's clock is the real one), so
// every deadline's class is fixed whatever day the test runs; the expected counts are worked
// out by hand below, and only the placing of a deadline in a week is computed (from its due
// time, by the ISO rule written out again here).
// /* EVIDENCE: SPEC C2, C5, H2 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

const H = 3600;
const TZ = 8 * H; // Asia/Shanghai, the company's zone
let srv, admin, agentZj, qcJs, gm, dispatcher, tech;
const t = {}; // the tickets, by name

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}

// Local days: days since 1970-01-01 at +08:00.
const nowSec = () => Math.floor(Date.now() / 1000);
const localDay = (sec) => Math.floor((sec + TZ) / 86400);
const dayDate = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
const isoAt = (day, h, m = 0) => `${dayDate(day)}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
const iso = (sec) => new Date(sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const secOf = (s) => Math.floor(new Date(s).getTime() / 1000);
// ISO 8601 week of a day: the week of its Monday, named by the year of its Thursday.
const monday = (d) => d - (((d + 3) % 7) + 7) % 7;
function weekKey(d) {
  const thu = monday(d) + 3;
  const y = new Date(thu * 86400000).getUTCFullYear();
  const jan1 = Date.UTC(y, 0, 1) / 86400000;
  return `${y}-W${String(Math.floor((thu - jan1) / 7) + 1).padStart(2, '0')}`;
}

const today = localDay(nowSec());
const M = monday(today) - 21; // the Monday three weeks before this week's
const from = dayDate(M);
const to = dayDate(today + 4); // far enough for the deadlines of a ticket called an hour ago

// Every deadline of the Zhejiang tickets, with its class worked out by hand (filled in by
// the tests as the tickets move; due times are the server's).
const deadlines = [];
const note = (ticket, stage, cls) => deadlines.push({ stage, cls, due: secOf(ticket.deadlines.find((d) => d.stage === stage && (stage !== 'promise' || d.seq === ticket.deadlines.filter((x) => x.stage === 'promise').length)).due_at) });

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agentZj = srv.user('agent', { regions: ['330000'] });
  qcJs = srv.user('qc', { regions: ['320000'] });
  gm = srv.user('gm');
  dispatcher = srv.user('dispatcher', { regions: ['330000'] });
  tech = srv.user('technician', { regions: ['330000'] });
  const zj = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  const js = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '南京客户', region_code: '320102', addresses: [] }) }), 201);
  const call = async (customer, name, calledAt) => {
    t[name] = await ok(await srv.req('POST', '/api/v1/tickets', { token: admin.token, body: { customer_id: customer.id, fault: `故障${name}`, called_at: calledAt } }), 201);
  };
  const act = async (name, action, body, token = dispatcher.token) => {
    t[name] = await ok(await srv.req('POST', `/api/v1/tickets/${t[name].id}/${action}`, { token, body: { version: t[name].version, ...body } }));
  };
  // T1 called Monday M 09:00: on site M+1 08:00 (23 h ≤ 24 h), cleared M+1 10:00 (25 h ≤ 48 h,
  // which meets the 72 h stage too), closed now: all three on time.
  await call(zj, 'T1', isoAt(M, 9));
  await act('T1', 'assign', { technician_id: tech.id, at: isoAt(M, 9, 10) });
  await act('T1', 'arrive', { at: isoAt(M + 1, 8) });
  await act('T1', 'clear', { at: isoAt(M + 1, 10) });
  await act('T1', 'close', { outcome: 'repaired' });
  for (const s of ['onsite', 'clear', 'substitute']) note(t.T1, s, 'on_time');
  // T2 called M 10:00: on site M+1 12:00 (26 h > 24 h: late), cleared M+3 12:00 (74 h: the
  // 48 h and 72 h stages both late); left cleared. A promised reply due in two hours, kept
  // at once: on time.
  await call(zj, 'T2', isoAt(M, 10));
  await act('T2', 'assign', { technician_id: tech.id, at: isoAt(M, 10, 5) });
  await act('T2', 'arrive', { at: isoAt(M + 1, 12) });
  await act('T2', 'clear', { at: isoAt(M + 3, 12) });
  for (const s of ['onsite', 'clear', 'substitute']) note(t.T2, s, 'late');
  t.T2 = await ok(await srv.req('POST', `/api/v1/tickets/${t.T2.id}/promises`, { token: agentZj.token, body: { due_at: iso(nowSec() + 2 * H), note: '两小时内回复' } }));
  t.T2 = await ok(await srv.req('POST', `/api/v1/tickets/${t.T2.id}/promises/kept`, { token: agentZj.token, body: { seq: 1 } }));
  note(t.T2, 'promise', 'on_time');
  // T3 called M 11:00 and never dispatched: all three stages breached (due M+1..M+3, long
  // past); a promise due in an hour, not kept yet: open.
  await call(zj, 'T3', isoAt(M, 11));
  for (const s of ['onsite', 'clear', 'substitute']) note(t.T3, s, 'breached');
  t.T3 = await ok(await srv.req('POST', `/api/v1/tickets/${t.T3.id}/promises`, { token: agentZj.token, body: { due_at: iso(nowSec() + H), note: '一小时内回复' } }));
  note(t.T3, 'promise', 'open');
  // T4 called M+7 09:00 (the next week): on site 20:00 the same day (11 h: on time), then
  // closed now as "no fault" without clearing: the 48 h and 72 h stages were due days before
  // the ticket closed — breached (a breach stays on the record).
  await call(zj, 'T4', isoAt(M + 7, 9));
  await act('T4', 'assign', { technician_id: tech.id, at: isoAt(M + 7, 9, 30) });
  await act('T4', 'arrive', { at: isoAt(M + 7, 20) });
  await act('T4', 'close', { outcome: 'no_fault' });
  note(t.T4, 'onsite', 'on_time');
  note(t.T4, 'clear', 'breached');
  note(t.T4, 'substitute', 'breached');
  // T5 called an hour ago and cancelled now: every stage was still running when the ticket
  // ended — not needed, neither met nor missed.
  await call(zj, 'T5', iso(nowSec() - H));
  await act('T5', 'cancel', { reason: '客户自行解决' }, agentZj.token);
  for (const s of ['onsite', 'clear', 'substitute']) note(t.T5, s, 'not_needed');
  // T6, Jiangsu, called M 09:00 and left: breached ×3 — outside the Zhejiang desk's regions.
  await call(js, 'T6', isoAt(M, 9));
});
after(async () => { await srv.stop(); });

const kpi = async (token, query = '') => ok(await srv.req('GET', `/api/v1/kpi/tickets?from=${from}&to=${to}${query}`, { token }));
const pick = (s) => ({ due: s.due, on_time: s.on_time, late: s.late, breached: s.breached, open: s.open, not_needed: s.not_needed, rate_permille: s.rate_permille, met: s.met });

test('per stage: on time, late, breached, open, not needed, and the rate against the target', async () => {
  const r = await kpi(agentZj.token);
  assert.equal(r.from, from);
  assert.equal(r.to, to);
  assert.equal(r.group, 'none');
  assert.equal(r.today, dayDate(today));
  assert.equal(r.target_permille, 950); // targets.sla_on_time_permille, ours
  assert.deepEqual(r.groups, []);
  const [onsite, clear, sub, promise] = r.stages;
  assert.deepEqual(r.stages.map((s) => [s.stage, s.hours]), [['onsite', 24], ['clear', 48], ['substitute', 72], ['promise', null]]);
  // onsite: T1, T4 on time; T2 late; T3 breached; T5 not needed → due 4, 2000 / 4 = 500 ‰.
  assert.deepEqual(pick(onsite), { due: 4, on_time: 2, late: 1, breached: 1, open: 0, not_needed: 1, rate_permille: 500, met: false });
  // clear and substitute: T1 on time; T2 late; T3, T4 breached; T5 not needed → 1000 / 4 = 250 ‰.
  assert.deepEqual(pick(clear), { due: 4, on_time: 1, late: 1, breached: 2, open: 0, not_needed: 1, rate_permille: 250, met: false });
  assert.deepEqual(pick(sub), { due: 4, on_time: 1, late: 1, breached: 2, open: 0, not_needed: 1, rate_permille: 250, met: false });
  // promises: T2's kept (on time), T3's open → 1 due, 1000 ‰ ≥ 950: met.
  assert.deepEqual(pick(promise), { due: 1, on_time: 1, late: 0, breached: 0, open: 1, not_needed: 0, rate_permille: 1000, met: true });
  // The three stages of C2 together: 4 on time of 4 + 3 + 5 = 12 due → 4000 / 12 = 333.3 → 333 ‰.
  assert.deepEqual(pick(r.overall), { due: 12, on_time: 4, late: 3, breached: 5, open: 0, not_needed: 3, rate_permille: 333, met: false });
  assert.equal(r.overall.target_permille, 950);
  // Called in the period: T1-T5; closed (not cancelled): T1 and T4.
  assert.equal(r.created, 5);
  assert.equal(r.closed, 2);
});

test("today's cards: called today, waiting for dispatch, in progress, overdue, closed today", async () => {
  const calledToday = (names) => names.filter((n) => localDay(secOf(t[n].called_at)) === localDay(nowSec())).length;
  // Zhejiang: T3 is new (waiting) and open with breached stages (overdue); T2 is cleared (in
  // progress, every stage and its promise met); T1 and T4 closed now; T5 cancelled.
  const r = await kpi(agentZj.token);
  assert.deepEqual(r.summary, { created_today: calledToday(['T1', 'T2', 'T3', 'T4', 'T5']), waiting_dispatch: 1, in_progress: 1, overdue: 1, closed_today: 2 });
  // The whole country adds T6 (new, breached).
  const all = await kpi(gm.token);
  assert.deepEqual(all.summary, { created_today: calledToday(['T1', 'T2', 'T3', 'T4', 'T5', 'T6']), waiting_dispatch: 2, in_progress: 1, overdue: 2, closed_today: 2 });
  // The cards are about today whatever the period asked.
  const old = await ok(await srv.req('GET', '/api/v1/kpi/tickets?from=2020-01-01&to=2020-01-31', { token: gm.token }));
  assert.deepEqual(old.summary, all.summary);
  assert.equal(old.created, 0);
  assert.equal(old.overall.rate_permille, null); // nothing due: "—", neither met nor missed
  assert.equal(old.overall.met, null);
});

test('regions: each caller counts only the tickets of the regions granted', async () => {
  // Jiangsu QC: T6 only — breached ×3.
  const js = await kpi(qcJs.token);
  assert.deepEqual(js.stages.slice(0, 3).map((s) => [s.due, s.breached, s.rate_permille]), [[1, 1, 0], [1, 1, 0], [1, 1, 0]]);
  assert.equal(js.created, 1);
  // The whole country: Zhejiang plus T6 — onsite 2 of 5 = 400 ‰.
  const all = await kpi(gm.token);
  assert.deepEqual(pick(all.stages[0]), { due: 5, on_time: 2, late: 1, breached: 2, open: 0, not_needed: 1, rate_permille: 400, met: false });
  assert.equal(all.created, 6);
  // Per province: 江苏省 then 浙江省 (by code), adding up to the whole.
  const p = await kpi(gm.token, '&group=province');
  assert.deepEqual(p.groups.map((g) => [g.key, g.name, g.created, g.closed]), [['320000', '江苏省', 1, 0], ['330000', '浙江省', 5, 2]]);
  assert.deepEqual(pick(p.groups[1].stages[0]), pick((await kpi(agentZj.token)).stages[0]));
  assert.deepEqual(pick(p.overall), pick(all.overall));
});

test('the trend per ISO week: every week of the period, each deadline in the week it was due', async () => {
  const r = await kpi(agentZj.token, '&group=week');
  const first = monday(M), last = monday(today + 4);
  const weeks = [];
  for (let d = first; d <= last; d += 7) weeks.push(d);
  assert.deepEqual(r.groups.map((g) => g.key), weeks.map(weekKey));
  // Week bounds clipped to the period: the first starts on M itself (a Monday), the last ends on `to`.
  assert.equal(r.groups[0].from, from);
  assert.equal(r.groups[0].to, dayDate(M + 6));
  assert.equal(r.groups.at(-1).to, to);
  for (const [i, g] of r.groups.entries()) {
    const inWeek = (sec) => monday(localDay(sec)) === weeks[i];
    for (const stage of ['onsite', 'clear', 'substitute', 'promise']) {
      const mine = deadlines.filter((d) => d.stage === stage && inWeek(d.due));
      const n = (cls) => mine.filter((d) => d.cls === cls).length;
      const s = g.stages.find((x) => x.stage === stage);
      assert.deepEqual([s.on_time, s.late, s.breached, s.open, s.not_needed], [n('on_time'), n('late'), n('breached'), n('open'), n('not_needed')], `${g.key} ${stage}`);
      const due = n('on_time') + n('late') + n('breached');
      assert.equal(s.rate_permille, due ? Math.floor((1000 * n('on_time')) / due) : null, `${g.key} ${stage}`);
    }
    const names = ['T1', 'T2', 'T3', 'T4', 'T5'];
    assert.equal(g.created, names.filter((n) => inWeek(secOf(t[n].called_at))).length, g.key);
    assert.equal(g.closed, ['T1', 'T4'].filter((n) => inWeek(secOf(t[n].closed_at))).length, g.key);
  }
  // By hand for the first week (M … M+6): T1's three on time, T2's three late, T3's three
  // breached (due M+1, M+2, M+3); T1-T3 called in it.
  const w0 = r.groups[0];
  assert.deepEqual(w0.stages.slice(0, 3).map((s) => [s.on_time, s.late, s.breached]), [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  assert.equal(w0.overall.rate_permille, 333); // 3 of 9
  assert.equal(w0.created, 3);
  // The second week (M+7 …): T4 on site in time, its 48 h and 72 h breached.
  assert.deepEqual(r.groups[1].stages.slice(0, 3).map((s) => [s.on_time, s.breached]), [[1, 0], [0, 1], [0, 1]]);
  // The weeks add up to the period.
  for (const k of ['created', 'closed']) assert.equal(r.groups.reduce((a, g) => a + g[k], 0), r[k]);
});

test('the trend per month adds up to the period too', async () => {
  const r = await kpi(agentZj.token, '&group=month');
  assert.equal(r.groups[0].key, from.slice(0, 7));
  assert.equal(r.groups.at(-1).key, to.slice(0, 7));
  assert.equal(r.groups[0].from, from);
  for (let s = 0; s < 4; s++)
    for (const k of ['on_time', 'late', 'breached', 'open', 'not_needed'])
      assert.equal(r.groups.reduce((a, g) => a + g.stages[s][k], 0), r.stages[s][k], `${s} ${k}`);
});

test('bad from, to and group name the field; the period is at most 3660 days', async () => {
  const get = (q) => srv.req('GET', `/api/v1/kpi/tickets?${q}`, { token: gm.token });
  assertError(await get('from=2026-13-01'), 400, 'invalid_parameter', 'from');
  assertError(await get('to=yesterday'), 400, 'invalid_parameter', 'to');
  assertError(await get('from=2026-03-02&to=2026-03-01'), 422, 'end_before_start', 'to');
  assertError(await get('group=year'), 400, 'invalid_parameter', 'group');
  assertError(await get('group=region'), 400, 'invalid_parameter', 'group');
  assertError(await get('from=2016-01-01&to=2026-01-08'), 422, 'out_of_range', 'to'); // 3661 days
  await ok(await get('from=2016-01-01&to=2026-01-07')); // 3660 days: allowed
  assertError(await get('as_of=2026-01-01'), 400, 'unknown_parameter', 'as_of');
  // Defaults: the first of January of this year to today.
  const d = await ok(await get(''));
  assert.equal(d.to, dayDate(today));
  assert.equal(d.from, `${dayDate(today).slice(0, 4)}-01-01`);
});

test('who may read it: kpi:read (a technician or a dealer may not)', async () => {
  assertError(await srv.req('GET', '/api/v1/kpi/tickets', { token: srv.user('technician').token }), 403, 'forbidden');
  assert.equal((await srv.req('GET', '/api/v1/kpi/tickets')).status, 401);
});
