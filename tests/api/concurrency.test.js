// concurrency.test.js — concurrent writers on the same records (issue 7 part 3, SPEC L): a
// stale version is 409 and never a 5xx (no SQLITE_BUSY or database_busy reaches a user),
// one Idempotency-Key makes one record however many copies race, ticket and complaint
// numbers stay unique and gapless per day (docs/tickets.md "Intake", ticket_counters and
// complaint_counters), two people acting on one ticket at once get one success and one named
// 409, a spare loan comes back once, a promise is kept once, overlapping customer delays are
// recorded once and the customer's late marks count each one, the visit counters
// (visit_due_days, visit_done_days, 0007_visit_counts.sql) always equal a recount of the
// visits, unread notifications count right, and a command-line writer beside the server
// costs the API no 5xx.
//
// Every race is started with Promise.all, so the requests reach the server together: on
// SQLite they queue for the one writer thread (group commit), on PostgreSQL they run as
// concurrent transactions on the pool (READ COMMITTED) — the case where a check-then-write
// in a unit can let two writers through. Counts are checked in the database itself (sqlite3
// or psql) as well as through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

const run = promisify(execFile);
let srv, admin, agent, dispatcher1, dispatcher2, tech, em, pm, customer;

// Rows of one query on the server's database, as arrays of strings.
function query(sql) {
  const url = srv.db.url;
  const out = url.startsWith('sqlite:')
    ? execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '|', url.slice(7), sql], { encoding: 'utf8' })
    : execFileSync('psql', ['-X', '-q', '-At', '-F', '|', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}
const scalar = (sql) => Number(query(sql)[0][0]);

const all = (n, fn) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

// The statuses of a race, counted: { 200: 1, 409: 15 }.
function tally(rs) {
  const t = {};
  for (const r of rs) t[r.status] = (t[r.status] || 0) + 1;
  return t;
}
// No answer of a race is a server error: a 500 is a bug, a 503 database_busy a lock that
// outlived the busy timeout.
function noServerError(rs) {
  const bad = rs.filter((r) => r.status >= 500);
  assert.equal(bad.length, 0, bad.map((r) => `${r.status} ${r.text}`).join('\n'));
}
async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
const pad = (n) => String(n).padStart(4, '0');
const seq = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The shouhou command line against the server's database, without blocking the event loop.
const bin = process.env.SHOUHOU_BIN || new URL('../../build/shouhou', import.meta.url).pathname;
const cli = (args) => run(bin, ['--log-level', 'warning', '--db', srv.db.url, ...args],
  { env: { ...process.env, ...srv.env } });

// srv.user(), but the users are made in parallel (two processes each; a sanitizer build
// starts slowly).
async function users(specs) {
  return Promise.all(specs.map(async ([role, region], i) => {
    const username = `${role}_${i}_${process.pid}`;
    const { stdout } = await cli(['user', 'add', '--username', username, '--role', role, '--regions', region, '--no-password']);
    const id = Number(stdout.match(/with id (\d+)/)[1]);
    const token = (await cli(['token', 'create', '--user', username])).stdout.trim();
    return { id, username, token, role };
  }));
}

before(async () => {
  srv = await startServer();
  [admin, agent, dispatcher1, dispatcher2, tech, em, pm] = await users([['admin', '000000'], ['agent', '330000'],
    ['dispatcher', '330000'], ['dispatcher', '330000'], ['technician', '330100'], ['engineering_manager', '330000'],
    ['project_manager', '330100']]);
  customer = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  // Warm the connection pools (PostgreSQL opens its connections on demand): with a cold
  // pool the requests of a race wait for new connections one by one and never overlap.
  noServerError(await all(16, () => srv.req('GET', `/api/v1/customers/${customer.id}`, { token: admin.token })));
});
after(async () => { await srv.stop(); });

const newTicket = async (day = '2026-11-10', extra = {}) => ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token,
  body: { customer_id: customer.id, channel: 'hotline', fault: '并发测试', called_at: `${day}T09:00:00+08:00`, ...extra } }), 201);

test('8 PATCHes with one version at once: exactly one 200, seven 409 stale_version, one audit row', async () => {
  const c = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '并发修改客户' }) }), 201);
  const rs = await all(8, (i) => srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token,
    body: { version: c.version, address: `并发路${i}号` } }));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 200: 1, 409: 7 });
  for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'stale_version', r.text);
  const winner = rs.find((r) => r.status === 200).body;
  assert.equal(winner.version, c.version + 1);
  const now = await ok(await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token }));
  assert.equal(now.version, c.version + 1);
  assert.equal(now.address, winner.address);
  assert.equal(scalar(`SELECT count(*) FROM audit WHERE entity = 'customer' AND entity_id = ${c.id} AND action = 'update'`), 1);
});

test('8 creates with one Idempotency-Key at once make one record (customers, tickets, complaints)', async () => {
  const cases = [
    ['/api/v1/customers', admin, customerBody({ name: '幂等并发客户' }), "SELECT count(*) FROM customers WHERE name = '幂等并发客户'"],
    ['/api/v1/tickets', agent, { customer_id: customer.id, fault: '幂等并发工单', called_at: '2026-11-11T09:00:00+08:00' },
      "SELECT count(*) FROM tickets WHERE fault = '幂等并发工单'"],
    ['/api/v1/complaints', agent, { customer_id: customer.id, channel: 'hotline', facts: '幂等并发投诉', category: 'billing', severity: 'minor' },
      "SELECT count(*) FROM complaints WHERE facts = '幂等并发投诉'"],
  ];
  for (const [path, user, body, countSql] of cases) {
    const rs = await all(8, () => srv.req('POST', path, { token: user.token, body, headers: { 'Idempotency-Key': `race-${path}` } }));
    noServerError(rs);
    // The first is created (201); every copy answers the same record (200, replayed).
    assert.deepEqual(tally(rs), { 200: 7, 201: 1 }, `${path}: ${rs.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join('\n')}`);
    assert.equal(new Set(rs.map((r) => r.body.id)).size, 1, path);
    assert.equal(scalar(countSql), 1, path);
  }
  // The raced ticket took one number: the day's first.
  assert.equal(scalar("SELECT last FROM ticket_counters WHERE day = '20261111'"), 1);
});

test('22 tickets at once on two days, among refused ones: numbers unique and gapless per day', async () => {
  const bodies = [];
  for (let i = 0; i < 16; i++) bodies.push({ day: '2026-11-12' });
  for (let i = 0; i < 6; i++) bodies.push({ day: '2026-11-13' });
  for (let i = 0; i < 4; i++) bodies.push({ day: '2026-11-12', bad: true }); // no such customer: 422
  const rs = await Promise.all(bodies.map(({ day, bad }) => srv.req('POST', '/api/v1/tickets', { token: agent.token,
    body: { customer_id: bad ? 999999 : customer.id, fault: '批量报修', called_at: `${day}T10:00:00+08:00` } })));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 201: 22, 422: 4 });
  const numbers = (prefix) => rs.filter((r) => r.status === 201 && r.body.number.startsWith(prefix)).map((r) => r.body.number).sort();
  // A refused intake takes no number: the days count 1..16 and 1..6 with no hole.
  assert.deepEqual(numbers('SH-20261112-'), seq(1, 16).map((n) => `SH-20261112-${pad(n)}`));
  assert.deepEqual(numbers('SH-20261113-'), seq(1, 6).map((n) => `SH-20261113-${pad(n)}`));
  assert.deepEqual(query("SELECT day, last FROM ticket_counters WHERE day IN ('20261112', '20261113') ORDER BY day"),
    [['20261112', '16'], ['20261113', '6']]);
});

test('two dispatchers assign one ticket at once: one 200, one 409; the technician arrives twice at once: one 200', async () => {
  for (let round = 0; round < 3; round++) {
    const t = await newTicket('2026-11-14');
    const assigns = await Promise.all([dispatcher1, dispatcher2].map((d) => srv.req('POST', `/api/v1/tickets/${t.id}/assign`,
      { token: d.token, body: { technician_id: tech.id, version: t.version } })));
    noServerError(assigns);
    assert.deepEqual(tally(assigns), { 200: 1, 409: 1 });
    assert.equal(assigns.find((r) => r.status === 409).body.error.code, 'stale_version');
    const assigned = assigns.find((r) => r.status === 200).body;
    assert.equal(assigned.status, 'assigned');
    const arrivals = await all(2, () => srv.req('POST', `/api/v1/tickets/${t.id}/arrive`, { token: tech.token, body: { version: assigned.version } }));
    noServerError(arrivals);
    assert.deepEqual(tally(arrivals), { 200: 1, 409: 1 });
    assert.match(arrivals.find((r) => r.status === 409).body.error.code, /^(stale_version|step_out_of_order)$/);
    // One assign and one arrive in the timeline.
    assert.deepEqual(query(`SELECT kind, count(*) FROM ticket_events WHERE ticket_id = ${t.id} GROUP BY kind ORDER BY kind`),
      [['arrive', '1'], ['assign', '1'], ['created', '1']]);
  }
});

test('three spare loans each returned three times at once come back once each (one 200, two 409 already_returned)', async () => {
  const t = await newTicket('2026-11-15');
  let cur = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/assign`, { token: dispatcher1.token, body: { technician_id: tech.id, version: t.version } }));
  for (let i = 0; i < 3; i++)
    cur = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/loans`, { token: tech.token, body: { spare_serial: `SP-${i}`, spare_model: 'DS-7816N' } }));
  assert.equal(cur.loans.length, 3);
  const rs = await Promise.all(cur.loans.flatMap((loan) => [0, 1, 2].map(() =>
    srv.req('POST', `/api/v1/tickets/${t.id}/loans/return`, { token: tech.token, body: { loan_id: loan.id } }))));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 200: 3, 409: 6 });
  for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'already_returned', r.text);
  assert.equal(scalar(`SELECT count(*) FROM spare_loans WHERE ticket_id = ${t.id} AND returned_at IS NULL`), 0);
  assert.equal(scalar(`SELECT count(*) FROM ticket_events WHERE ticket_id = ${t.id} AND kind = 'loan_return'`), 3);
  assert.equal(scalar(`SELECT count(*) FROM spare_loans WHERE ticket_id = ${t.id} AND version = 2`), 3);
});

test('a promised reply marked kept three times at once is kept once (one 200, two 409 already_kept)', async () => {
  const t = await newTicket('2026-11-15');
  const due = new Date(Date.now() + 3 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/promises`, { token: agent.token, body: { due_at: due, note: '三小时内回复' } }));
  const rs = await all(3, () => srv.req('POST', `/api/v1/tickets/${t.id}/promises/kept`, { token: agent.token, body: { seq: 1 } }));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 200: 1, 409: 2 }, rs.map((r) => r.text.slice(0, 100)).join('\n'));
  for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'already_kept', r.text);
  assert.equal(scalar(`SELECT count(*) FROM ticket_events WHERE ticket_id = ${t.id} AND kind = 'promise_kept'`), 1);
});

test('the same customer delay sent three times at once is recorded once; late marks count every rescheduled delay', async () => {
  const c = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '迟到标记客户' }) }), 201);
  const tickets = [];
  for (let i = 0; i < 3; i++) {
    const t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token,
      body: { customer_id: c.id, fault: '延误并发', called_at: '2026-11-17T09:00:00+08:00' } }), 201);
    tickets.push(await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/assign`, { token: dispatcher1.token, body: { technician_id: tech.id, version: t.version } })));
  }
  const delay = (t) => srv.req('POST', `/api/v1/tickets/${t.id}/delays`, { token: tech.token, body: {
    party: 'customer', from: '2026-11-17T12:30:00+08:00', to: '2026-11-17T14:30:00+08:00', reason: '客户不在现场',
    reschedule_to: '2026-11-18T10:00:00+08:00' } });
  // Ticket 0 gets one delay three times at once (they overlap: one may stand); tickets 1 and
  // 2 one each; and the customer's record is edited at the same time.
  const rs = await Promise.all([delay(tickets[0]), delay(tickets[0]), delay(tickets[0]), delay(tickets[1]), delay(tickets[2]),
    srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: c.version, address: '文三路100号' } })]);
  noServerError(rs);
  assert.deepEqual(tally(rs.slice(0, 3)), { 200: 1, 409: 2 }, rs.slice(0, 3).map((r) => r.text.slice(0, 100)).join('\n'));
  for (const r of rs.slice(0, 3).filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'delay_overlaps', r.text);
  assert.deepEqual(rs.slice(3).map((r) => r.status), [200, 200, 200]);
  const t0 = await ok(await srv.req('GET', `/api/v1/tickets/${tickets[0].id}`, { token: tech.token }));
  assert.equal(t0.customer_delay_seconds, 2 * 3600);
  assert.equal(scalar(`SELECT count(*) FROM ticket_delays WHERE ticket_id = ${tickets[0].id}`), 1);
  // A customer delay that had to be rescheduled marks the customer late (work plan 3 §三.2):
  // one mark per recorded delay, 3, whatever the edit did at the same time.
  assert.equal(scalar(`SELECT late_marks FROM customers WHERE id = ${c.id}`), 3);
  assert.equal((await ok(await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token }))).address, '文三路100号');
});

test('8 complaints at once: numbers of the day unique and gapless, counter equal to the count', async () => {
  const rs = await all(8, (i) => srv.req('POST', '/api/v1/complaints', { token: agent.token,
    body: { customer_id: customer.id, channel: 'hotline', facts: `并发投诉${i}`, category: 'billing', severity: 'minor' } }));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 201: 8 });
  const day = rs[0].body.number.slice(3, 11);
  const mine = rs.map((r) => r.body.number);
  assert.equal(new Set(mine).size, 8);
  // Every complaint registered today (the idempotency race above made one more): 1..N with
  // no hole, and the counter at N.
  const numbers = query(`SELECT number FROM complaints WHERE number LIKE 'TS-${day}-%' ORDER BY number`).map((r) => r[0]);
  assert.deepEqual(numbers, seq(1, numbers.length).map((n) => `TS-${day}-${pad(n)}`));
  assert.ok(mine.every((n) => numbers.includes(n)));
  assert.equal(scalar(`SELECT last FROM complaint_counters WHERE day = '${day}'`), numbers.length);
});

// The counts the triggers of 0007_visit_counts.sql keep, and the same worked out from the
// visits themselves; rows whose counts all went back to 0 are left out of both.
const DUE = `SELECT due_date, region_code, leader_id, on_time, late, undone FROM visit_due_days
  WHERE on_time + late + undone > 0 ORDER BY 1, 2, 3`;
const DUE_RECOUNT = `SELECT due_date, region_code, COALESCE(leader_id, 0),
    SUM(CASE WHEN status IN ('done', 'partial') AND done_on <= due_date THEN 1 ELSE 0 END),
    SUM(CASE WHEN status IN ('done', 'partial') AND done_on > due_date THEN 1 ELSE 0 END),
    SUM(CASE WHEN status = 'planned' THEN 1 ELSE 0 END)
  FROM visits WHERE kind = 'planned' GROUP BY 1, 2, 3
  HAVING SUM(CASE WHEN status IN ('done', 'partial', 'planned') THEN 1 ELSE 0 END) > 0 ORDER BY 1, 2, 3`;
const DONE = `SELECT done_on, region_code, leader_id, satisfied, answered, s1, s2, s3, s4, s5 FROM visit_done_days
  WHERE satisfied + answered + s1 + s2 + s3 + s4 + s5 > 0 ORDER BY 1, 2, 3`;
const DONE_RECOUNT = `SELECT done_on, region_code, COALESCE(leader_id, 0),
    SUM(CASE WHEN satisfied = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN satisfied IN (0, 1) THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfied IS NULL AND score = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN satisfied IS NULL AND score = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfied IS NULL AND score = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN satisfied IS NULL AND score = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfied IS NULL AND score = 5 THEN 1 ELSE 0 END)
  FROM visits WHERE done_on IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

test('visit reports and moves at once: one report per visit wins, the visit counters equal a recount', async () => {
  const project = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '并发回访工程', site_region_code: '330106', site_address: '文三路90号',
    project_manager_id: pm.id, completion_date: '2026-01-05', acceptance_date: '2026-01-10' } }), 201);
  await ok(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body: {} }));
  const list = await ok(await srv.req('GET', `/api/v1/visits?project_id=${project.id}&kind=planned&sort=id&page_size=100`, { token: em.token }));
  const visits = list.items.sort((a, b) => a.seq - b.seq);
  // 2026-01-10 + 2n months over the 12-month warranty: 03-10, 05-10, 07-10, 09-10, 11-10, 2027-01-10.
  assert.deepEqual(visits.map((v) => v.planned_date), ['2026-03-10', '2026-05-10', '2026-07-10', '2026-09-10', '2026-11-10', '2027-01-10']);
  const report = (v, i) => srv.req('POST', `/api/v1/visits/${v.id}/report`, { token: pm.token,
    body: { version: v.version, done_on: v.planned_date < '2026-11-01' ? v.planned_date : '2026-11-01', method: 'phone', score: 1 + (i % 5) } });
  // Visits 1-4 are each reported three times at once (scores differ), visit 6 is moved twice
  // at once, all together.
  const later = new Date(Date.now() + 40 * 86400e3 + 8 * 3600e3).toISOString().slice(0, 10);
  const rs = await Promise.all([
    ...visits.slice(0, 4).flatMap((v) => [0, 1, 2].map((i) => report(v, i))),
    ...[0, 1].map(() => srv.req('POST', `/api/v1/visits/${visits[5].id}/move`, { token: em.token,
      body: { planned_date: later, reason: '客户出差', version: visits[5].version } })),
  ]);
  noServerError(rs);
  const reports = rs.slice(0, 12), moves = rs.slice(12);
  assert.deepEqual(tally(reports), { 200: 4, 409: 8 }, reports.map((r) => r.text.slice(0, 100)).join('\n'));
  for (const r of reports.filter((x) => x.status === 409))
    assert.match(r.body.error.code, /^(stale_version|visit_already_reported)$/, r.text);
  assert.deepEqual(tally(moves), { 200: 1, 409: 1 });
  // The counters equal a recount of the visits, on every day, region and leader.
  const due = query(DUE);
  assert.ok(due.length >= 6, JSON.stringify(due));
  assert.deepEqual(due, query(DUE_RECOUNT));
  assert.deepEqual(query(DONE), query(DONE_RECOUNT));
  // And the counts of this project by hand: four reported (on time: done on the due date),
  // two still planned.
  assert.equal(scalar(`SELECT count(*) FROM visits WHERE project_id = ${project.id} AND kind = 'planned' AND status = 'done'`), 4);
  assert.equal(scalar(`SELECT count(*) FROM visit_events WHERE visit_id IN (${visits.map((v) => v.id).join(',')}) AND kind = 'move'`), 1);
});

test('one notification marked read four times at once: all 200, unread count right', async () => {
  const t = await newTicket('2026-11-16'); // tells both dispatchers of 330000
  const mine = async (q = '') => ok(await srv.req('GET', `/api/v1/notifications${q}`, { token: dispatcher1.token }));
  const unread = (await mine('?unread=true')).total;
  const note = (await mine()).items.find((n) => n.ticket_id === t.id);
  assert.ok(note, 'the new ticket told the dispatcher');
  const rs = await all(4, () => srv.req('POST', `/api/v1/notifications/${note.id}/read`, { token: dispatcher1.token }));
  noServerError(rs);
  assert.deepEqual(tally(rs), { 200: 4 });
  assert.equal((await mine('?unread=true')).total, unread - 1);
});

test('command-line writers (user add, an import) beside 40 API writes: no 5xx reaches the API', async () => {
  const csv = join(srv.dir, 'import.csv');
  const rows = ['客户名称,所在地区,详细地址,电话,负责人,客户分组,产品类型,重点客户,联系人,联系人电话'];
  for (let i = 0; i < 200; i++) rows.push(`导入并发客户${i},浙江省 杭州市 西湖区,文三路${i}号,,,,,,,`);
  writeFileSync(csv, rows.join('\n'));
  const clis = (async () => {
    const out = [];
    for (let i = 0; i < 3; i++)
      out.push(await cli(['user', 'add', '--username', `cli_writer_${i}`, '--role', 'agent', '--regions', '330000', '--no-password']));
    return out;
  })();
  const importing = cli(['import', 'customers', csv, '--user', admin.username]);
  const api = all(40, (i) => srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: `接口并发客户${i}` }) }));
  const [rs] = await Promise.all([api, clis, importing]);
  const busy = rs.filter((r) => r.status === 503 && r.body?.error?.code === 'database_busy').length;
  noServerError(rs);
  assert.deepEqual(tally(rs), { 201: 40 });
  assert.equal(busy, 0);
  assert.equal(scalar("SELECT count(*) FROM customers WHERE name LIKE '导入并发客户%'"), 200);
  assert.equal(scalar("SELECT count(*) FROM customers WHERE name LIKE '接口并发客户%'"), 40);
  assert.equal(scalar("SELECT count(*) FROM users WHERE username LIKE 'cli_writer_%'"), 3);
});
