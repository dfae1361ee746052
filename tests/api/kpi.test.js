// kpi.test.js — /api/v1/kpi/visits and /api/v1/kpi/visits/missing, mirroring src/api/kpi.c:
// the return-visit rate in warranty and the satisfaction rate (SPEC D5, definitions in
// src/rules/kpi.h), overall, per region, per leader and per month, as of a day; the list of
// missing and late visits; the caller's regions. Visits are written with SQL where the test
// needs exact states (done late, partial, cancelled); one test drives the visits API itself
// (planner and report) when it is there. Every expected number is worked out in the comments.
// /* EVIDENCE: SPEC D5 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';
import { sql } from './lib/sql.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let srv, admin, agent330, pm, qcToken;
const ids = {};
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent330 = srv.user('agent', { regions: ['330000'] });
  pm = srv.user('project_manager');
  qcToken = srv.user('qc').token;
  const zj = await make('/api/v1/customers', customerBody({ name: '浙江客户' }));
  const bj = await make('/api/v1/customers', customerBody({ name: '北京客户', region_code: '110101', addresses: [] }));
  const project = (c, region, name) => make('/api/v1/projects', {
    customer_id: c.id, name, site_region_code: region, site_address: '一号路1号',
    completion_date: '2025-12-01', acceptance_date: '2025-12-31',
  });
  ids.zj = zj.id; ids.bj = bj.id;
  ids.p1 = (await project(zj, '330106', '杭州工程')).id;
  ids.p2 = (await project(bj, '110101', '北京工程')).id;
  // P1 (杭州, led by pm):
  visit('v1', ids.p1, ids.zj, '330106', 1, '2026-02-01', 'done', '2026-01-30', { satisfied: 1 }); // on time
  visit('v2', ids.p1, ids.zj, '330106', 2, '2026-03-01', 'done', '2026-03-01', { score: 5 });     // on time (the due day itself)
  visit('v3', ids.p1, ids.zj, '330106', 3, '2026-04-01', 'done', '2026-04-05', { satisfied: 0, score: 5 }); // late; the explicit "no" decides
  visit('v4', ids.p1, ids.zj, '330106', 4, '2026-05-01', 'planned', null);                         // missing on 06-15
  visit('v5', ids.p1, ids.zj, '330106', 5, '2026-06-15', 'planned', null);                         // not due on 06-15 (due that day)
  visit('v6', ids.p1, ids.zj, '330106', 6, '2026-06-20', 'done', '2026-06-10', { score: 3 });     // on time, before its due date
  visit('v7', ids.p1, ids.zj, '330106', 7, '2026-03-15', 'cancelled', null);                       // excluded
  visit('v8', ids.p1, ids.zj, '330106', 8, '2026-07-01', 'planned', null);                         // outside the period
  // P2 (北京, no leader):
  visit('w1', ids.p2, ids.bj, '110101', 1, '2026-02-10', 'partial', '2026-02-12', {}, null);      // late, no answer
  visit('w2', ids.p2, ids.bj, '110101', 2, '2026-04-10', 'planned', null, {}, null);               // missing
  // a follow-up visit (no leader) done in May, satisfied: satisfaction only, never the visit rate
  visit('f1', null, ids.zj, '330106', 0, '2026-05-03', 'done', '2026-05-05', { satisfied: 1 }, null, 'followup');
});
after(async () => { await srv.stop(); });

async function make(path, body) {
  const r = await srv.req('POST', path, { token: admin.token, body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

function visitInsert(project, customer, region, seq, due, status, doneOn, answer = {}, leader = pm.id, kind = 'planned') {
  const lit = (v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);
  return `INSERT INTO visits (kind, project_id, customer_id, region_code, seq, due_date, planned_date, leader_id, status, done_on, score, satisfied, created_at, updated_at)
    VALUES (${lit(kind)}, ${lit(project)}, ${customer}, '${region}', ${seq}, '${due}', '${due}', ${lit(leader)}, '${status}', ${lit(doneOn)}, ${lit(answer.score)}, ${lit(answer.satisfied)}, 0, 0)`;
}

function visit(name, project, customer, region, seq, due, status, doneOn, answer = {}, leader = pm.id, kind = 'planned') {
  sql(srv, visitInsert(project, customer, region, seq, due, status, doneOn, answer, leader, kind));
  ids[name] = Number(sql(srv, `SELECT max(id) FROM visits`)[0][0]);
}

const period = 'from=2026-01-01&to=2026-06-30&as_of=2026-06-15';
const kpi = (qs, token = admin.token) => srv.req('GET', `/api/v1/kpi/visits?${qs}`, { token });

test('overall: 3 of 7 visits due were on time (428 ‰, target 1000 not met); 3 of 5 answers satisfied (600 ‰)', async () => {
  const r = await kpi(period);
  assert.equal(r.status, 200, r.text);
  // on time v1 v2 v6; late v3 w1; missing v4 w2; not due v5; v7 cancelled, v8 outside, f1 a
  // follow-up. Due = 3 + 2 + 2 = 7; 3000 / 7 = 428.6 → 428 (rounded down).
  assert.deepEqual(r.body.visit_rate, { on_time: 3, late: 2, missing: 2, not_due: 1, due: 7, rate_permille: 428, target_permille: 1000, met: false });
  // done in the period with an answer: v1 yes, v2 score 5 ≥ 4 yes, v3 explicit no, v6 score
  // 3 no, f1 yes; w1 gave none. 3 of 5 → 600 ‰ against 980.
  assert.deepEqual(r.body.satisfaction, { satisfied: 3, answered: 5, rate_permille: 600, target_permille: 980, met: false });
  assert.equal(r.body.satisfied_min_score, 4);
  assert.deepEqual(r.body.groups, []);
  assert.deepEqual([r.body.from, r.body.to, r.body.as_of, r.body.group], ['2026-01-01', '2026-06-30', '2026-06-15', 'none']);
});

test('as_of moves a visit from not due to missing: on 06-16 v5 is missing, 3 of 8 = 375 ‰', async () => {
  const r = await kpi('from=2026-01-01&to=2026-06-30&as_of=2026-06-16');
  assert.deepEqual([r.body.visit_rate.missing, r.body.visit_rate.not_due, r.body.visit_rate.due, r.body.visit_rate.rate_permille], [3, 0, 8, 375]);
  const m = await srv.req('GET', '/api/v1/kpi/visits/missing?from=2026-01-01&to=2026-06-30&as_of=2026-06-16', { token: admin.token });
  assert.ok(m.body.items.some((x) => x.id === ids.v5 && x.class === 'missing'));
});

test('per region (province), per leader and per month, each worked out by hand', async () => {
  const region = await kpi(`${period}&group=region`);
  // 浙江 (P1, f1): visits 3 on time, 1 late (v3), 1 missing (v4), 1 not due → 3/5 = 600;
  //   answers v1 v2 v3 v6 f1 → 3/5 = 600. 北京 (P2): 0 on time, w1 late, w2 missing → 0/2 = 0;
  //   no answer → undefined (null, neither met nor missed).
  assert.deepEqual(region.body.groups.map((g) => [g.key, g.name, g.visit_rate.rate_permille, g.visit_rate.due, g.satisfaction.rate_permille, g.satisfaction.met]),
    [['110000', '北京市', 0, 2, null, null], ['330000', '浙江省', 600, 5, 600, false]]);
  const leader = await kpi(`${period}&group=leader`);
  // none (P2 and f1): 0/2; satisfaction f1 only → 1/1 = 1000, met. pm (P1): 3/5 = 600; answers
  // v1 v2 v3 v6 → 2/4 = 500.
  const byKey = Object.fromEntries(leader.body.groups.map((g) => [String(g.key), g]));
  assert.deepEqual(Object.keys(byKey).sort(), [String(pm.id), 'null'].sort());
  assert.equal(byKey.null.name, '未指定');
  assert.deepEqual([byKey.null.visit_rate.rate_permille, byKey.null.satisfaction.rate_permille, byKey.null.satisfaction.met], [0, 1000, true]);
  assert.deepEqual([byKey[pm.id].visit_rate.rate_permille, byKey[pm.id].satisfaction.satisfied, byKey[pm.id].satisfaction.answered, byKey[pm.id].satisfaction.rate_permille], [600, 2, 4, 500]);
  assert.ok(byKey[pm.id].name.length > 0);
  const month = await kpi(`${period}&group=month`);
  // visit rate by due month: 02 v1 on time, w1 late → 1/2 = 500; 03 v2 → 1/1 (v7 cancelled);
  // 04 v3 late, w2 missing → 0/2; 05 v4 missing → 0/1; 06 v6 on time, v5 not due → 1/1.
  // satisfaction by done month: 01 v1 1/1; 02 w1 none; 03 v2 1/1; 04 v3 0/1; 05 f1 1/1; 06 v6 0/1.
  assert.deepEqual(month.body.groups.map((g) => [g.key, g.visit_rate.due ? g.visit_rate.rate_permille : null, g.satisfaction.satisfied, g.satisfaction.answered]),
    [['2026-01', null, 1, 1], ['2026-02', 500, 0, 0], ['2026-03', 1000, 1, 1], ['2026-04', 0, 0, 1], ['2026-05', 0, 1, 1], ['2026-06', 1000, 0, 1]]);
  // the groups add up to the overall figures
  for (const r of [region, leader, month]) {
    assert.equal(r.body.groups.reduce((n, g) => n + g.visit_rate.due, 0), 7);
    assert.equal(r.body.groups.reduce((n, g) => n + g.satisfaction.answered, 0), 5);
  }
});

test('the missing list names exactly the late and missing visits, in due order, with project, customer and leader', async () => {
  const r = await srv.req('GET', `/api/v1/kpi/visits/missing?${period}`, { token: qcToken });
  assert.equal(r.status, 200, r.text);
  // late + missing of the overall figures: 2 + 2 = 4
  assert.equal(r.body.total, 4);
  assert.deepEqual(r.body.items.map((x) => [x.id, x.class, x.due_date]), [
    [ids.w1, 'late', '2026-02-10'], [ids.v3, 'late', '2026-04-01'], [ids.w2, 'missing', '2026-04-10'], [ids.v4, 'missing', '2026-05-01']]);
  const v4 = r.body.items[3];
  assert.deepEqual([v4.project_id, v4.project_name, v4.customer_name, v4.region_code, v4.leader_id, v4.status, v4.done_on], [ids.p1, '杭州工程', '浙江客户', '330106', pm.id, 'planned', null]);
  assert.equal(r.body.items[0].leader_name, '未指定');
  const page = await srv.req('GET', `/api/v1/kpi/visits/missing?${period}&page=2&page_size=3`, { token: qcToken });
  assert.deepEqual(page.body.items.map((x) => x.id), [ids.v4]);
});

test('only visits in the caller\'s regions count: the desk of Zhejiang sees 3/5 and its own missing visits', async () => {
  const r = await kpi(period, agent330.token);
  assert.deepEqual([r.body.visit_rate.on_time, r.body.visit_rate.due, r.body.visit_rate.rate_permille, r.body.satisfaction.answered], [3, 5, 600, 5]);
  const m = await srv.req('GET', `/api/v1/kpi/visits/missing?${period}`, { token: agent330.token });
  assert.deepEqual(m.body.items.map((x) => x.id), [ids.v3, ids.v4]);
  const none = await kpi(period, srv.user('gm', { regions: ['440000'] }).token);
  assert.equal(none.body.visit_rate.due, 0);
  assert.equal(none.body.visit_rate.rate_permille, null);
  assert.equal(none.body.visit_rate.met, null);
});

test('bad periods and groups are refused; who may read KPIs', async () => {
  const err = async (qs, status, code, field) => {
    const r = await kpi(qs);
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.error.code, code);
    assert.equal(r.body.error.field, field);
  };
  await err('from=2026-02-30', 400, 'invalid_parameter', 'from');
  await err('group=week', 400, 'invalid_parameter', 'group');
  await err('from=2026-06-01&to=2026-05-31', 422, 'end_before_start', 'to');
  await err('colour=red', 400, 'unknown_parameter', 'colour');
  assert.equal((await kpi(period, srv.user('technician').token)).status, 403);
  // defaults: as_of today, from the first of January of its year, to as_of
  const d = await kpi('');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  assert.deepEqual([d.body.as_of, d.body.from, d.body.to], [today, `${today.slice(0, 4)}-01-01`, today]);
});

// Reads an .xlsx with Debian's openpyxl (a real reader, not ours): {sheet, rows}.
function readXlsx(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'shouhou-kpi-'));
  try {
    const path = join(dir, 'kpi.xlsx');
    writeFileSync(path, bytes);
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
cell = lambda c: None if c is None else c.strftime('%Y-%m-%d') if isinstance(c, datetime.datetime) else c
print(json.dumps({"sheet": ws.title, "rows": [[cell(c) for c in r] for r in ws.iter_rows(values_only=True)]}, ensure_ascii=False))
`, path], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Before the tests below, which add visits (the planner re-plans the fixed projects too).
test('the KPI exports to Excel: the overall row and one per group, the same figures as the dashboard (SPEC H5)', async () => {
  const download = async (qs, token = admin.token) => {
    const res = await fetch(`${srv.base}/api/v1/kpi/visits/export?${qs}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const r = await download(`${period}&group=region`);
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''%E5%9B%9E%E8%AE%BFKPI_\d{14}\.xlsx/); // 回访KPI_<time>
  const x = readXlsx(r.bytes);
  assert.equal(x.sheet, '回访KPI');
  assert.deepEqual(x.rows[0], ['统计起始日', '统计截止日', '统计日', '分组', '名称', '应回访', '按时回访', '逾期回访', '未回访', '未到期',
    '回访率‰', '回访率目标‰', '回访率达标', '满意', '作答', '满意率‰', '满意率目标‰', '满意率达标']);
  // The figures worked out in the tests above: overall 3 on time, 2 late, 2 missing, 1 not
  // due → 3/7 = 428 ‰, not met; 3 of 5 satisfied = 600 ‰, not met. 北京: 0/2, no answers
  // (rate and met empty, "—"); 浙江: 3/5 = 600, answers 3/5 = 600.
  const p = ['2026-01-01', '2026-06-30', '2026-06-15'];
  assert.deepEqual(x.rows.slice(1), [
    [...p, '合计', null, 7, 3, 2, 2, 1, 428, 1000, '否', 3, 5, 600, 980, '否'],
    [...p, '110000', '北京市', 2, 0, 1, 1, 0, 0, 1000, '否', 0, 0, null, 980, null],
    [...p, '330000', '浙江省', 5, 3, 1, 1, 1, 600, 1000, '否', 3, 5, 600, 980, '否'],
  ]);
  // by leader: the key is the user id, empty for 未指定; CSV on request
  const leader = readXlsx((await download(`${period}&group=leader`)).bytes);
  assert.deepEqual(leader.rows.slice(1).map((row) => [row[3], row[4], row[5], row[10]]).sort(),
    [['合计', null, 7, 428], [null, '未指定', 2, 0], [String(pm.id), leader.rows.find((row) => row[3] === String(pm.id))[4], 5, 600]].sort());
  const csv = await download(`${period}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.bytes.toString('utf8'), /合计,,7,3,2,2,1,428,1000,否,3,5,600,980,否/);
  // only the caller's regions; the same checks as the dashboard
  const zj = readXlsx((await download(period, agent330.token)).bytes);
  assert.deepEqual(zj.rows.slice(1).map((row) => [row[3], row[5], row[10]]), [['合计', 5, 600]]);
  assert.equal((await download('from=2026-06-01&to=2026-05-31')).status, 422);
  assert.equal((await download('group=week')).status, 400);
  assert.equal((await download('format=pdf')).status, 400);
  assert.equal((await download(period, srv.user('technician').token)).status, 403);
});

test('the SQL counts agree with the rule of kpi.h on every combination of status, done day and due day', async () => {
  // A grid of planned visits on a third project: each status × done before / on / after the
  // due day (or none) × due before / on / after as_of. The expected class of each is the
  // rule of src/rules/kpi.h applied by hand in classify() below; the server counts in SQL.
  const p3 = (await make('/api/v1/projects', { customer_id: ids.zj, name: '网格工程', site_region_code: '330106', site_address: '二号路', completion_date: '2025-12-01', acceptance_date: '2025-12-31' })).id;
  const asOf = '2026-09-15';
  const dues = ['2026-09-14', '2026-09-15', '2026-09-16'];
  const shift = (d, n) => new Date(Date.parse(d) + n * 86400e3).toISOString().slice(0, 10);
  const expected = { on_time: 0, late: 0, missing: 0, not_due: 0 };
  let seq = 0;
  const classify = (due, status, done) => {
    if (status === 'done' || status === 'partial') return done === null ? 'excluded' : done <= due ? 'on_time' : 'late';
    if (status === 'planned') return due < asOf ? 'missing' : 'not_due';
    return 'excluded';
  };
  // One database call for the 48 rows: a call per row blocked this process for half a minute
  // on a loaded machine, long enough for the server to close the idle keep-alive socket that
  // the next request then met half-closed ("other side closed").
  const inserts = [];
  for (const due of dues)
    for (const status of ['planned', 'done', 'partial', 'cancelled'])
      for (const done of [null, shift(due, -1), due, shift(due, 1)]) {
        inserts.push(visitInsert(p3, ids.zj, '330106', ++seq, due, status, done, {}, null));
        const c = classify(due, status, done);
        if (c !== 'excluded') expected[c]++;
      }
  sql(srv, inserts.join(';\n'));
  const r = await kpi(`from=2026-09-14&to=2026-09-16&as_of=${asOf}`);
  const { on_time, late, missing, not_due } = r.body.visit_rate;
  assert.deepEqual({ on_time, late, missing, not_due }, expected);
  // and the list shows exactly the late and missing ones
  const m = await srv.req('GET', `/api/v1/kpi/visits/missing?from=2026-09-14&to=2026-09-16&as_of=${asOf}&page_size=100`, { token: admin.token });
  assert.equal(m.body.total, expected.late + expected.missing);
});

test('through the visits API: the planner plans a project and reports count (3 due, 2 on time, 1 late → 666 ‰)', async () => {
  const cust = await make('/api/v1/customers', customerBody({ name: '规划客户', region_code: '320102', addresses: [] }));
  const p = await make('/api/v1/projects', { customer_id: cust.id, name: '南京工程', site_region_code: '320102', site_address: '中山路1号', completion_date: '2025-01-01', acceptance_date: '2025-01-15' });
  const plan = await srv.req('POST', '/api/v1/visits/plan', { token: admin.token, body: { project_id: p.id } });
  assert.equal(plan.status, 200, plan.text);
  const list = await srv.req('GET', `/api/v1/visits?project_id=${p.id}&page_size=100`, { token: admin.token });
  const visits = list.body.items.filter((v) => v.kind === 'planned').sort((a, b) => a.seq - b.seq);
  // every 2 months from 2025-01-15: due 2025-03-15, 2025-05-15, 2025-07-15, ...
  assert.deepEqual(visits.slice(0, 3).map((v) => v.due_date), ['2025-03-15', '2025-05-15', '2025-07-15']);
  const report = (v, done_on, score) => srv.req('POST', `/api/v1/visits/${v.id}/report`, { token: admin.token, body: { version: v.version, method: 'phone', score, done_on } });
  assert.equal((await report(visits[0], '2025-03-10', 5)).status, 200);
  assert.equal((await report(visits[1], '2025-05-15', 4)).status, 200);
  assert.equal((await report(visits[2], '2025-07-20', 2)).status, 200);
  const r = await kpi('from=2025-03-01&to=2025-07-31&as_of=2025-08-01&group=region', admin.token);
  const js = r.body.groups.find((g) => g.key === '320000');
  // 2 on time (03-10 ≤ 03-15, 05-15 = due), 1 late (07-20 > 07-15): 2000 / 3 = 666.7 → 666
  assert.deepEqual([js.visit_rate.on_time, js.visit_rate.late, js.visit_rate.rate_permille], [2, 1, 666]);
  // scores 5, 4 satisfied (≥ 4), 2 not: 2 / 3 → 666
  assert.deepEqual([js.satisfaction.satisfied, js.satisfaction.answered, js.satisfaction.rate_permille], [2, 3, 666]);
});

// ---- the day counts of migration 0007 against the visits themselves -------------------------
// The KPI reads day counts that triggers keep (0007_visit_counts); the visits list reads the
// rows. Here visits change only through the real endpoints — the planner, reports (on time,
// late, partial, explicit answers, scores, no answer), a move, a leader change, a
// cancellation, re-plans after the acceptance date, the site region and the project manager
// changed, a deleted project, a follow-up visit — and after every step the figures of
// GET /api/v1/kpi/visits (every group, two periods, three callers) must equal the truth
// computed from GET /api/v1/visits with the rule of src/rules/kpi.h, written out below.
// A server of its own, so that the fixed visits of the tests above do not mix in.

// kpi_visit_classify (src/rules/kpi.h)
function classifyRule(due, status, done, asOf) {
  if (status === 'done' || status === 'partial') return done ? (done <= due ? 'on_time' : 'late') : 'excluded';
  if (status === 'planned') return due < asOf ? 'missing' : 'not_due';
  return 'excluded';
}
// kpi_satisfied (src/rules/kpi.h): an explicit answer decides, else the score against min.
function satisfiedRule(v, min) {
  if (v.satisfied === true || v.satisfied === false) return v.satisfied ? 1 : 0;
  if (Number.isInteger(v.score) && v.score >= 1 && v.score <= 5) return v.score >= min ? 1 : 0;
  return -1;
}
// The grant prefix of a region code as region.h forms it: trailing "00" pairs dropped.
const grantPrefix = (code) => code.replace(/(00)+$/, '');

// {key: [on_time, late, missing, not_due, satisfied, answered]} of the rows, as the KPI groups.
function truth(rows, { from, to, asOf, group, prefix = '', min = 4 }) {
  const out = {};
  const keyOf = (v, day) => group === 'region' ? `${v.region_code.slice(0, 2)}0000`
    : group === 'leader' ? String(v.leader_id ?? null) : group === 'month' ? day.slice(0, 7) : '';
  const add = (key, i) => { (out[key] ||= [0, 0, 0, 0, 0, 0])[i]++; };
  for (const v of rows) {
    if (!v.region_code.startsWith(prefix)) continue;
    if (v.kind === 'planned' && v.due_date >= from && v.due_date <= to) {
      const c = classifyRule(v.due_date, v.status, v.done_on, asOf);
      if (c !== 'excluded') add(keyOf(v, v.due_date), ['on_time', 'late', 'missing', 'not_due'].indexOf(c));
    }
    if (v.done_on && v.done_on >= from && v.done_on <= to) {
      const s = satisfiedRule(v, min);
      if (s >= 0) { add(keyOf(v, v.done_on), 5); if (s === 1) add(keyOf(v, v.done_on), 4); }
    }
  }
  return out;
}
const figures = (x) => [x.visit_rate.on_time, x.visit_rate.late, x.visit_rate.missing, x.visit_rate.not_due, x.satisfaction.satisfied, x.satisfaction.answered];

test('through the endpoints, after every change the KPI equals the truth of the visits rows (the 0007 triggers)', async () => {
  const s = await startServer();
  try {
    const adm = s.user('admin');
    const pmZj = s.user('project_manager', { regions: ['330000'] });
    const pm2 = s.user('project_manager', { regions: ['330000', '110000'] });
    const em = s.user('engineering_manager');
    const callers = [
      ['country', adm.token, ''],
      ['Hangzhou only', s.user('agent', { regions: ['330100'] }).token, '3301'],
      ['Ningbo only', s.user('qc', { regions: ['330200'] }).token, '3302'],
      ['Beijing', s.user('gm', { regions: ['110000'] }).token, '11'],
    ];
    const ok = async (r, status = 200) => { assert.equal(r.status, status, r.text); return r.body; };
    const post = (path, body, token = adm.token) => s.req('POST', path, { token, body });
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const shift = (d, n) => new Date(Date.parse(d) + n * 86400e3).toISOString().slice(0, 10);
    const cust = async (name, region) => ok(await post('/api/v1/customers', customerBody({ name, region_code: region, addresses: [] })), 201);
    const cHz = await cust('杭州甲', '330106'), cNb = await cust('宁波乙', '330206'), cBj = await cust('北京丙', '110101');
    const project = async (c, region, name, acceptance, pmId) => ok(await post('/api/v1/projects', {
      customer_id: c.id, name, site_region_code: region, site_address: '一号路1号', project_manager_id: pmId,
      completion_date: shift(acceptance, -10), acceptance_date: acceptance }), 201);
    const pA = await project(cHz, '330106', '甲工程', '2025-09-30', pmZj.id);
    const pB = await project(cNb, '330206', '乙工程', '2026-01-15', null);
    const pC = await project(cBj, '110101', '丙工程', '2026-03-10', null);
    const rows = async () => {
      const all = [];
      for (let page = 1; ; page++) {
        const r = await ok(await s.req('GET', `/api/v1/visits?sort=id&page_size=100&page=${page}`, { token: adm.token }));
        all.push(...r.items);
        if (r.items.length < 100) return all;
      }
    };
    const visitsOf = async (p) => (await rows()).filter((v) => v.project_id === p.id && v.kind === 'planned').sort((a, b) => a.seq - b.seq);
    let checks = 0;
    const check = async (step) => {
      const all = await rows();
      const dues = all.filter((v) => v.kind === 'planned').map((v) => v.due_date).sort();
      // the whole range as of today, and a period cut at due dates (inclusive bounds) asked
      // on a due date (a visit due that day is not due yet)
      const periods = [{ from: '2025-01-01', to: '2027-12-31', asOf: today },
        { from: dues[3], to: dues[dues.length - 4], asOf: dues[Math.floor(dues.length / 2)] }];
      for (const { from, to, asOf } of periods)
        for (const [who, token, prefix] of callers)
          for (const group of ['none', 'region', 'leader', 'month']) {
            const r = await s.req('GET', `/api/v1/kpi/visits?from=${from}&to=${to}&as_of=${asOf}&group=${group}`, { token });
            assert.equal(r.status, 200, r.text);
            const want = truth(all, { from, to, asOf, group, prefix });
            const what = `${step}: ${who}, ${from}..${to} as of ${asOf}, group ${group}`;
            if (group === 'none') {
              assert.deepEqual(figures(r.body), want[''] || [0, 0, 0, 0, 0, 0], what);
            } else {
              const got = Object.fromEntries(r.body.groups.map((g) => [String(g.key), figures(g)]));
              assert.deepEqual(got, want, what);
            }
            checks++;
          }
      // the missing list: exactly the late and missing visits of the period, in the caller's regions
      const { from, to, asOf } = periods[1];
      const m = await s.req('GET', `/api/v1/kpi/visits/missing?from=${from}&to=${to}&as_of=${asOf}&page_size=100`, { token: callers[1][1] });
      assert.equal(m.status, 200, m.text);
      const expect = all.filter((v) => v.kind === 'planned' && v.region_code.startsWith('3301') && v.due_date >= from && v.due_date <= to
        && ['late', 'missing'].includes(classifyRule(v.due_date, v.status, v.done_on, asOf))).map((v) => v.id).sort((a, b) => a - b);
      assert.deepEqual(m.body.items.map((x) => x.id).sort((a, b) => a - b), expect, `${step}: missing list`);
    };

    await ok(await post('/api/v1/visits/plan', {}, em.token));
    await check('planned');
    let a = await visitsOf(pA);
    const b = await visitsOf(pB);
    assert.equal(a.length, 6);
    const report = async (v, body, token = adm.token) => ok(await post(`/api/v1/visits/${v.id}/report`, { version: v.version, method: 'phone', ...body }, token));
    await report(a[0], { done_on: shift(a[0].due_date, -1), score: 5 });                  // on time, satisfied by score
    await check('A1 reported early');
    await report(a[1], { done_on: shift(a[1].due_date, 3), satisfied: false, score: 5 });  // late, the explicit no decides
    await check('A2 reported late');
    await report(a[2], { done_on: a[2].due_date, partial: true, unfinished_items: '更换电池', satisfied: true });
    await check('A3 partial on its due day');
    await report(b[0], { done_on: today, score: 3 });                                       // late (or not), not satisfied
    await report(b[1], { done_on: b[1].due_date });                                         // no answer
    await check('B1, B2 reported');
    a = await visitsOf(pA);
    await ok(await post(`/api/v1/visits/${a[3].id}/move`, { planned_date: shift(today, 10), reason: '客户出差', version: a[3].version }, em.token));
    await check('A4 moved');
    let bb = await visitsOf(pB);
    await ok(await post(`/api/v1/visits/${bb[2].id}/leader`, { leader_id: pmZj.id, version: bb[2].version }, em.token));
    await check('B3 given a leader');
    bb = await visitsOf(pB);
    await ok(await post(`/api/v1/visits/${bb[3].id}/cancel`, { reason: '客户要求合并', version: bb[3].version }, em.token));
    await check('B4 cancelled');
    // Re-plans: the acceptance date (open visits re-dated, some cancelled or added), the site
    // region (open visits move region) and the project manager (open visits change leader).
    const patch = async (p, body) => {
      const cur = await ok(await s.req('GET', `/api/v1/projects/${p.id}`, { token: adm.token }));
      await ok(await s.req('PATCH', `/api/v1/projects/${p.id}`, { token: adm.token, body: { ...body, version: cur.version } }));
    };
    await patch(pB, { acceptance_date: '2026-02-20' });
    await ok(await post('/api/v1/visits/plan', { project_id: pB.id }, em.token));
    await check('B re-planned from a later acceptance');
    await patch(pB, { completion_date: '2025-11-20', acceptance_date: '2025-12-01' });
    await ok(await post('/api/v1/visits/plan', { project_id: pB.id }, em.token));
    await check('B re-planned from an earlier acceptance');
    await patch(pC, { site_region_code: '330108' });
    await ok(await post('/api/v1/visits/plan', { project_id: pC.id }, em.token));
    assert.ok((await visitsOf(pC)).some((v) => v.status === 'planned' && v.region_code === '330108'));
    await check('C moved from Beijing to Hangzhou');
    await patch(pA, { project_manager_id: pm2.id });
    await ok(await post('/api/v1/visits/plan', { project_id: pA.id }, em.token));
    assert.ok((await visitsOf(pA)).some((v) => v.status === 'planned' && v.leader_id === pm2.id));
    await check('A led by another project manager');
    const c = await visitsOf(pC);
    await report(c.find((v) => v.status === 'planned' && v.due_date <= today) || c[0], { done_on: today, score: 4 }, pm2.token);
    await check('C1 reported by its new leader');
    // a follow-up visit: satisfaction only
    const t = await ok(await post('/api/v1/tickets', { customer_id: cNb.id, fault: '画面卡顿' }), 201);
    await ok(await post(`/api/v1/tickets/${t.id}/close`, { outcome: 'no_fault', version: t.version }));
    const f = (await ok(await s.req('GET', `/api/v1/visits?ticket_id=${t.id}`, { token: adm.token }))).items[0];
    assert.equal(f.kind, 'followup');
    await report(f, { done_on: today, satisfied: true });
    await check('follow-up reported');
    // a deleted project: its open visits are cancelled by the planner
    const cur = await ok(await s.req('GET', `/api/v1/projects/${pB.id}`, { token: adm.token }));
    await ok(await s.req('DELETE', `/api/v1/projects/${pB.id}?version=${cur.version}`, { token: adm.token }), 204);
    await ok(await post('/api/v1/visits/plan', {}, em.token));
    assert.ok((await visitsOf(pB)).every((v) => v.status !== 'planned'));
    await check('B deleted');
    assert.equal(checks, 15 * 2 * 4 * 4); // 15 steps × 2 periods × 4 callers × 4 groups
  } finally {
    await s.stop();
  }
});
