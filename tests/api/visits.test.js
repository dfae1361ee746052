// visits.test.js — return visits through the API (SPEC D1-D3): the planner over each project's
// warranty (every visit.interval_months from acceptance, month ends counted as the Civil Code
// counts them, a manufacturer's longer term, a last visit on the warranty's last day), re-plans
// after the inputs change, the engineering manager's moves, leader and cancellations, the
// overdue list, the follow-up visit of a closed ticket, the desk's call list inside and outside
// the calling hours with retries, the visit report (satisfaction from the score, defects →
// tickets at once, a partial visit's items carried to the next) — and who may see and do what.
// Every expected date below is worked out by hand from the rule in its comment.
// /* EVIDENCE: SPEC D1 */ /* EVIDENCE: SPEC D2 */ /* EVIDENCE: SPEC D3 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, em, pm, pmJs, agent, agentJs, tech, qc, customer, projectA, projectB, unitA, unitB;
const settingVersions = {};

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}

// Local dates in the company's zone (+08:00), as the server counts them.
const localDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const today = () => localDay(Date.now());
const daysFromToday = (n) => localDay(Date.now() + n * 86400e3);

async function setting(key, value) {
  const r = await ok(await srv.req('PUT', `/api/v1/settings/${key}`, { token: admin.token, body: { value, version: settingVersions[key] || 0 } }));
  settingVersions[key] = r.version;
  return r;
}
async function visitsOf(projectId, token = em.token) {
  const r = await ok(await srv.req('GET', `/api/v1/visits?project_id=${projectId}&kind=planned&sort=id&page_size=100`, { token }));
  return r.items.sort((a, b) => a.seq - b.seq);
}
const plan = async (body = {}) => ok(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body }));

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  em = srv.user('engineering_manager', { regions: ['330000'] });   // Zhejiang: plans the visits
  pm = srv.user('project_manager', { regions: ['330100'] });       // Hangzhou: leads them
  pmJs = srv.user('project_manager', { regions: ['320000'] });     // Jiangsu: must not lead them
  agent = srv.user('agent', { regions: ['330000'] });              // the Zhejiang desk
  agentJs = srv.user('agent', { regions: ['320000'] });            // the Jiangsu desk
  tech = srv.user('technician', { regions: ['330100'] });
  qc = srv.user('qc', { regions: ['330000'] });
  customer = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  // Accepted on a month end: 2025-08-31 (SPEC B2: the same-numbered day, or the month's last).
  projectA = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '华信大厦监控工程', site_region_code: '330106', site_address: '文三路90号',
    project_manager_id: pm.id, completion_date: '2025-08-20', acceptance_date: '2025-08-31' } }), 201);
  unitA = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: projectA.id, serial_no: 'NVR-A001', model: 'DS-7816N', name: '网络硬盘录像机' } }), 201);
  // Accepted 2026-01-15 with a unit whose manufacturer gives 15 months (longer than our 12).
  projectB = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '华信二期门禁工程', site_region_code: '330106', site_address: '文三路92号',
    project_manager_id: pm.id, completion_date: '2026-01-10', acceptance_date: '2026-01-15' } }), 201);
  unitB = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: projectB.id, serial_no: 'AC-B001', model: 'K1T', name: '门禁控制器', manufacturer_months: 15 } }), 201);
});
after(async () => { await srv.stop(); });

test('the planner: every two months from a month-end acceptance, over the 12-month warranty', async () => {
  const s = await plan();
  assert.ok(s.changed >= 2, JSON.stringify(s));
  // 2025-08-31 + 2n months (Civil Code arts. 201-202): 10-31, 12-31, then February has no
  // 31st → 2026-02-28, 04-30, 06-30, 08-31. The 12 months end on 2026-08-31, the 6th visit's
  // day, so no extra visit at expiry.
  const a = await visitsOf(projectA.id);
  assert.deepEqual(a.map((v) => [v.seq, v.due_date]), [[1, '2025-10-31'], [2, '2025-12-31'], [3, '2026-02-28'],
    [4, '2026-04-30'], [5, '2026-06-30'], [6, '2026-08-31']]);
  for (const v of a) {
    assert.equal(v.planned_date, v.due_date);
    assert.equal(v.status, 'planned');
    assert.equal(v.leader_id, pm.id);          // the project's manager leads
    assert.equal(v.region_code, '330106');     // the site's region
    assert.equal(v.customer_id, customer.id);
    assert.equal(v.beyond_rule, false);
    assert.equal(v.contact_phone, '13800001111'); // the customer's primary contact
  }
  // A second pass finds nothing changed: the projects' keys are the same.
  const again = await plan();
  assert.equal(again.changed, 0);
  assert.equal(again.planned, 0);
  assert.equal((await visitsOf(projectA.id)).length, 6);
});

test("the manufacturer's longer term runs the plan on, with a last visit on its last day", async () => {
  // Company: 2026-01-15 + 12 months = 2027-01-15; the unit's 15 months end 2027-04-15 (longer,
  // SPEC B2). Every 2 months: 03-15 … 2027-03-15 (n = 7); n = 8 would be 2027-05-15, past the
  // end, so visit.final_at_expiry (ours: on) adds seq 8 on the last day, 2027-04-15.
  const b = await visitsOf(projectB.id);
  assert.deepEqual(b.map((v) => [v.seq, v.due_date]), [[1, '2026-03-15'], [2, '2026-05-15'], [3, '2026-07-15'],
    [4, '2026-09-15'], [5, '2026-11-15'], [6, '2027-01-15'], [7, '2027-03-15'], [8, '2027-04-15']]);
});

test('overdue visits stay listed: open and planned before today', async () => {
  const r = await ok(await srv.req('GET', `/api/v1/visits?overdue=true&page_size=100`, { token: em.token }));
  const all = [...await visitsOf(projectA.id), ...await visitsOf(projectB.id)];
  const expected = all.filter((v) => v.status === 'planned' && v.planned_date < today()).map((v) => v.id).sort();
  assert.deepEqual(r.items.map((v) => v.id).sort(), expected);
  assert.ok(expected.length > 0);
  assert.ok(r.items.every((v) => v.overdue === true));
  assert.equal(r.total, expected.length);
  // Not overdue: what is planned for today or later.
  const later = all.filter((v) => v.planned_date >= today());
  assert.ok(later.every((v) => v.overdue === false));
  assertError(await srv.req('GET', '/api/v1/visits?overdue=yes', { token: em.token }), 400, 'invalid_parameter', 'overdue');
  assertError(await srv.req('GET', '/api/v1/visits?due_from=2026-13-01', { token: em.token }), 400, 'invalid_parameter', 'due_from');
  // Due-date range, inclusive at both ends.
  const range = await ok(await srv.req('GET', `/api/v1/visits?project_id=${projectB.id}&due_from=2026-05-15&due_to=2026-09-15`, { token: em.token }));
  assert.deepEqual(range.items.map((v) => v.due_date), ['2026-05-15', '2026-07-15', '2026-09-15']);
});

test('the engineering manager moves a visit with a reason; past the rule it is marked beyond_rule', async () => {
  const [, second] = await visitsOf(projectB.id);
  const target = daysFromToday(20);
  assertError(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: target, version: second.version } }), 422, 'field_required', 'reason');
  assertError(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: '2026-02-30', reason: 'x', version: second.version } }), 422, 'invalid_date', 'planned_date');
  assertError(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: daysFromToday(-1), reason: '客户出差', version: second.version } }), 422, 'date_in_past', 'planned_date');
  assertError(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: target, reason: '客户出差', version: second.version + 3 } }), 409, 'stale_version', 'version');
  assert.equal((await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: tech.token, body: { planned_date: target, reason: '客户出差', version: second.version } })).status, 403);
  assert.equal((await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: agent.token, body: { planned_date: target, reason: '客户出差', version: second.version } })).status, 403);
  const moved = await ok(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: target, reason: '客户出差, 约定下月', version: second.version } }));
  assert.equal(moved.planned_date, target);
  assert.equal(moved.due_date, '2026-05-15');   // the rule's date stays: the KPI counts from it
  assert.equal(moved.moved_reason, '客户出差, 约定下月');
  assert.equal(moved.beyond_rule, true);
  assert.equal(moved.overdue, false);
  assert.equal(moved.version, second.version + 1);
  assert.equal(moved.events.at(-1).kind, 'move');
  assert.equal(moved.events.at(-1).detail.planned_date_before, '2026-05-15');
  const audit = await ok(await srv.req('GET', `/api/v1/audit?entity=visit&entity_id=${second.id}`, { token: admin.token }));
  assert.equal(audit.items[0].action, 'move');
  assert.deepEqual(audit.items[0].changes.planned_date, { old: '2026-05-15', new: target });
});

test('the leader: an active project manager covering the region, told by notification', async () => {
  const [, , , fourth] = await visitsOf(projectB.id);
  assertError(await srv.req('POST', `/api/v1/visits/${fourth.id}/leader`, { token: em.token, body: { leader_id: pmJs.id, version: fourth.version } }), 422, 'invalid_visit_leader', 'leader_id');
  assertError(await srv.req('POST', `/api/v1/visits/${fourth.id}/leader`, { token: em.token, body: { leader_id: agent.id, version: fourth.version } }), 422, 'invalid_visit_leader', 'leader_id');
  assertError(await srv.req('POST', `/api/v1/visits/${fourth.id}/leader`, { token: em.token, body: { leader_id: 999999, version: fourth.version } }), 422, 'invalid_visit_leader', 'leader_id');
  const led = await ok(await srv.req('POST', `/api/v1/visits/${fourth.id}/leader`, { token: em.token, body: { leader_id: em.id, version: fourth.version } }));
  assert.equal(led.leader_id, em.id);
  const back = await ok(await srv.req('POST', `/api/v1/visits/${fourth.id}/leader`, { token: em.token, body: { leader_id: pm.id, version: led.version } }));
  assert.equal(back.leader_id, pm.id);
  const notes = await ok(await srv.req('GET', '/api/v1/notifications', { token: pm.token }));
  assert.ok(notes.items.some((n) => n.subject.includes('【回访安排】') && n.subject.includes('第4次')), JSON.stringify(notes.items.map((n) => n.subject)));
});

test("a partial visit's unfinished items go to the project's next open visit; satisfied from the score", async () => {
  const [first, second, third] = await visitsOf(projectB.id);
  const bad = { version: first.version, method: 'on_site' };
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { version: first.version } }), 422, 'field_required', 'method');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, method: 'fax' } }), 422, 'invalid_choice', 'method');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, score: 6 } }), 422, 'out_of_range', 'score');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, partial: true } }), 422, 'field_required', 'unfinished_items');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, unfinished_items: '更换电池' } }), 422, 'unfinished_without_partial', 'unfinished_items');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, done_on: daysFromToday(1) } }), 422, 'date_in_future', 'done_on');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, done_on: '2026-01-14' } }), 422, 'visit_before_acceptance', 'done_on');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { ...bad, surprise: 1 } }), 400, 'unknown_field', 'surprise');
  assert.equal((await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: qc.token, body: bad })).status, 403);
  const done = await ok(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: {
    version: first.version, done_on: '2026-03-16', method: 'on_site', findings: '门禁运行正常, 2号门读卡器电池电量低',
    opinion: '服务及时', score: 4, partial: true, unfinished_items: '2号门读卡器更换电池' } }));
  assert.equal(done.status, 'partial');
  assert.equal(done.done_on, '2026-03-16');
  assert.equal(done.score, 4);
  assert.equal(done.satisfied, true);           // 4 ≥ visit.satisfied_min_score (ours: 4)
  assert.equal(done.reported_by, pm.id);
  // The open visit that comes first carries the item: seq 3 (planned 2026-07-15), since the
  // manager moved seq 2 to later this year; seq 2 carries nothing.
  const next = await ok(await srv.req('GET', `/api/v1/visits/${third.id}`, { token: pm.token }));
  assert.equal(next.carried_items, '2号门读卡器更换电池');
  assert.ok(next.events.some((e) => e.kind === 'carried' && e.detail.from_visit_id === first.id));
  assert.equal(next.previous.id, first.id);   // the plan's last visit made before it
  assert.equal(next.previous.unfinished_items, '2号门读卡器更换电池');
  assert.equal((await ok(await srv.req('GET', `/api/v1/visits/${second.id}`, { token: pm.token }))).carried_items, '');
  // The report went to the region's engineering manager (报送公司工程部经理).
  const notes = await ok(await srv.req('GET', '/api/v1/notifications', { token: em.token }));
  const note = notes.items.find((n) => n.subject.includes('【回访报告】') && n.subject.includes('第1次'));
  assert.ok(note, JSON.stringify(notes.items.map((n) => n.subject)));
  assert.match(note.body, /未完成事项：2号门读卡器更换电池/);
  // A second report on the same visit is refused.
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: { version: done.version, method: 'phone' } }), 409, 'visit_already_reported', 'status');
});

test('a defect found on a visit becomes a ticket at once, linked to it (channel visit)', async () => {
  const [, , third] = await visitsOf(projectB.id);
  const body = { version: third.version, method: 'on_site', findings: '控制器偶发重启', score: 5, satisfied: false };
  assertError(await srv.req('POST', `/api/v1/visits/${third.id}/report`, { token: pm.token, body: { ...body, defects: [{ description: '录像机报警', equipment_id: unitA.id }] } }), 422, 'equipment_not_in_project', 'defects[0].equipment_id');
  assertError(await srv.req('POST', `/api/v1/visits/${third.id}/report`, { token: pm.token, body: { ...body, defects: [{ description: 'x' }, { equipment_id: unitB.id }] } }), 422, 'field_required', 'defects[1].description');
  assertError(await srv.req('POST', `/api/v1/visits/${third.id}/report`, { token: pm.token, body: { ...body, defects: [{ description: 'x', equipment_id: 999999 }] } }), 422, 'unknown_equipment', 'defects[0].equipment_id');
  assertError(await srv.req('POST', `/api/v1/visits/${third.id}/report`, { token: pm.token, body: { ...body, defects: {} } }), 400, 'wrong_type', 'defects');
  // Nothing of the refused reports stayed: no ticket was opened.
  const before = await ok(await srv.req('GET', '/api/v1/tickets', { token: admin.token }));
  const done = await ok(await srv.req('POST', `/api/v1/visits/${third.id}/report`, { token: em.token, body: {
    ...body, defects: [{ description: '门禁控制器偶发重启, 需检修', equipment_id: unitB.id }] } }));
  assert.equal(done.status, 'done');
  assert.equal(done.satisfied, false);          // the explicit answer decides over a 5
  assert.equal(done.defects.length, 1);
  const after = await ok(await srv.req('GET', '/api/v1/tickets', { token: admin.token }));
  assert.equal(after.total, before.total + 1);
  const ticket = await ok(await srv.req('GET', `/api/v1/tickets/${done.defects[0].ticket_id}`, { token: admin.token }));
  assert.equal(ticket.channel, 'visit');
  assert.equal(ticket.fault, '门禁控制器偶发重启, 需检修');
  assert.equal(ticket.equipment_id, unitB.id);
  assert.equal(ticket.customer_id, customer.id);
  assert.equal(done.defects[0].ticket_number, ticket.number);
  // The engineering manager is told, and that the customer is not satisfied.
  const notes = await ok(await srv.req('GET', '/api/v1/notifications', { token: em.token }));
  assert.ok(notes.items.some((n) => n.subject.startsWith('【回访报告】(客户不满意)') && n.body.includes(ticket.number)));
});

test('satisfied is derived from the score against visit.satisfied_min_score when not answered', async () => {
  const [, , , , fifth] = await visitsOf(projectB.id);
  const three = await ok(await srv.req('POST', `/api/v1/visits/${fifth.id}/report`, { token: pm.token, body: { version: fifth.version, method: 'phone', score: 3 } }));
  assert.equal(three.satisfied, false);          // 3 < 4
  const a = await visitsOf(projectA.id);
  const none = await ok(await srv.req('POST', `/api/v1/visits/${a[0].id}/report`, { token: agent.token, body: { version: a[0].version, method: 'phone' } }));
  assert.equal(none.satisfied, null);             // neither answered nor scored
  assert.equal(none.score, null);
  const yes = await ok(await srv.req('POST', `/api/v1/visits/${a[1].id}/report`, { token: agent.token, body: { version: a[1].version, method: 'phone', satisfied: true } }));
  assert.equal(yes.satisfied, true);
});

test('a cancelled visit takes no report; cancelling needs a reason', async () => {
  const a = await visitsOf(projectA.id);
  const sixth = a[5];
  assertError(await srv.req('POST', `/api/v1/visits/${sixth.id}/cancel`, { token: em.token, body: { version: sixth.version } }), 422, 'field_required', 'reason');
  const cancelled = await ok(await srv.req('POST', `/api/v1/visits/${sixth.id}/cancel`, { token: em.token, body: { reason: '客户要求合并到下次', version: sixth.version } }));
  assert.equal(cancelled.status, 'cancelled');
  assertError(await srv.req('POST', `/api/v1/visits/${sixth.id}/report`, { token: agent.token, body: { version: cancelled.version, method: 'phone' } }), 409, 'visit_cancelled', 'status');
  assertError(await srv.req('POST', `/api/v1/visits/${sixth.id}/cancel`, { token: em.token, body: { reason: 'again', version: cancelled.version } }), 409, 'visit_cancelled', 'status');
  // The manager's cancellation survives a re-plan of the project (the planner reopens only
  // what it cancelled itself).
  await plan({ project_id: projectA.id });
  assert.equal((await visitsOf(projectA.id))[5].status, 'cancelled');
});

test('a re-plan after the acceptance date and the unit changed: re-dated, extra ones cancelled, done and moved kept', async () => {
  const before = await visitsOf(projectB.id);
  const p = await ok(await srv.req('GET', `/api/v1/projects/${projectB.id}`, { token: admin.token }));
  await ok(await srv.req('PATCH', `/api/v1/projects/${projectB.id}`, { token: admin.token, body: { acceptance_date: '2026-02-28', version: p.version } }));
  const u = await ok(await srv.req('GET', `/api/v1/equipment/${unitB.id}`, { token: admin.token }));
  await ok(await srv.req('PATCH', `/api/v1/equipment/${unitB.id}`, { token: admin.token, body: { manufacturer_months: 0, version: u.version } }));
  const s = await plan();
  // New plan: 2026-02-28 + 2n months = 04-28, 06-28, 08-28, 10-28, 12-28, 2027-02-28 (the
  // 12-month end, so no extra visit). Seq 1 (partial), 3 (done) and 5 (done) are history and
  // keep their dates; seq 2 gets the rule's new date but keeps the manager's planned date;
  // 4 and 6 follow the rule; 7 and 8 are no longer in the plan.
  assert.equal(s.changed, 1);
  assert.equal(s.redated, 3);
  assert.equal(s.cancelled, 2);
  assert.equal(s.planned, 0);
  const b = await visitsOf(projectB.id);
  assert.deepEqual(b.map((v) => [v.seq, v.status, v.due_date]), [
    [1, 'partial', '2026-03-15'], [2, 'planned', '2026-06-28'], [3, 'done', '2026-07-15'], [4, 'planned', '2026-10-28'],
    [5, 'done', '2026-11-15'], [6, 'planned', '2027-02-28'], [7, 'cancelled', '2027-03-15'], [8, 'cancelled', '2027-04-15']]);
  assert.equal(b[1].planned_date, before[1].planned_date);   // the manager's move stands
  assert.equal(b[1].beyond_rule, true);
  assert.equal(b[2].carried_items, '2号门读卡器更换电池');
  assert.equal(b[3].planned_date, '2026-10-28');
  assert.equal(b[3].leader_id, pm.id);                     // named again by the manager: kept
  assert.match(b[6].cancelled_reason, /回访计划已变更/);
  const seventh = await ok(await srv.req('GET', `/api/v1/visits/${b[6].id}`, { token: em.token }));
  assert.equal(seventh.events.at(-1).kind, 'cancelled');
  // The manufacturer's 15 months again: from 2026-02-28 they end 2027-05-28; seq 7 is due
  // 2027-04-28 and seq 8, the last day, 2027-05-28 — both come back.
  const u2 = await ok(await srv.req('GET', `/api/v1/equipment/${unitB.id}`, { token: admin.token }));
  await ok(await srv.req('PATCH', `/api/v1/equipment/${unitB.id}`, { token: admin.token, body: { manufacturer_months: 15, version: u2.version } }));
  const s2 = await plan({ project_id: projectB.id });
  assert.equal(s2.reopened, 2);
  assert.equal(s2.redated, 0);
  const b2 = await visitsOf(projectB.id);
  assert.deepEqual(b2.slice(6).map((v) => [v.seq, v.status, v.due_date, v.planned_date]), [
    [7, 'planned', '2027-04-28', '2027-04-28'], [8, 'planned', '2027-05-28', '2027-05-28']]);
  // A deleted project's open visits are cancelled.
  const deletable = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '临时工程', site_region_code: '330106', acceptance_date: '2026-06-30' } }), 201);
  await plan();
  assert.equal((await visitsOf(deletable.id)).length, 6);
  await ok(await srv.req('DELETE', `/api/v1/projects/${deletable.id}?version=${deletable.version}`, { token: admin.token }), 204);
  const s3 = await plan();
  assert.equal(s3.cancelled, 6);
  const gone = await ok(await srv.req('GET', `/api/v1/visits?project_id=${deletable.id}&status=cancelled`, { token: em.token }));
  assert.equal(gone.total, 6);
  assert.ok(gone.items.every((v) => v.cancelled_reason === '工程已删除'));
});

test('a closed ticket gets a follow-up visit within visit.followup_days; a cancelled one none', async () => {
  const t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, equipment_id: unitA.id, fault: '画面卡顿' } }), 201);
  await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: agent.token, body: { outcome: 'no_fault', version: t.version } }));
  const r = await ok(await srv.req('GET', `/api/v1/visits?ticket_id=${t.id}`, { token: agent.token }));
  assert.equal(r.total, 1);
  const f = r.items[0];
  assert.equal(f.kind, 'followup');
  assert.equal(f.due_date, daysFromToday(7));      // the local day of the close + 7 (ours)
  assert.equal(f.planned_date, f.due_date);
  assert.equal(f.project_id, projectA.id);
  assert.equal(f.region_code, '330106');
  assert.equal(f.leader_id, null);
  assert.equal(f.ticket_number, t.number);
  const c = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '误报' } }), 201);
  await ok(await srv.req('POST', `/api/v1/tickets/${c.id}/cancel`, { token: agent.token, body: { reason: '客户误报', version: c.version } }));
  assert.equal((await ok(await srv.req('GET', `/api/v1/visits?ticket_id=${c.id}`, { token: agent.token }))).total, 0);
});

test('the call list inside the calling hours: overdue first; no answer → off the list until the retry', async () => {
  await setting('calls.hours', '00:00-24:00');
  const list = await ok(await srv.req('GET', '/api/v1/visits/calls', { token: agent.token }));
  assert.equal(list.within_hours, true);
  assert.equal(list.calling_hours, '00:00-24:00');
  assert.equal(list.next_window_at, null);
  assert.ok(list.items.length > 0);
  assert.ok(list.items.every((v) => v.callable && v.status === 'planned' && v.planned_date <= today()));
  // Overdue ones first, each group by the rule's due date.
  const overdue = list.items.filter((v) => v.overdue);
  assert.deepEqual(list.items.slice(0, overdue.length), overdue);
  const dues = overdue.map((v) => v.due_date);
  assert.deepEqual(dues, [...dues].sort());
  // The follow-up is due in 7 days: not today's work yet; the moved visit neither.
  assert.ok(!list.items.some((v) => v.kind === 'followup'));
  // The Jiangsu desk has nothing; a project manager calls the visits he leads.
  assert.equal((await ok(await srv.req('GET', '/api/v1/visits/calls', { token: agentJs.token }))).items.length, 0);
  const mine = await ok(await srv.req('GET', '/api/v1/visits/calls', { token: pm.token }));
  assert.ok(mine.items.length > 0 && mine.items.every((v) => v.leader_id === pm.id));

  const first = list.items[0];
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 36001, result: 'reached' } }), 422, 'out_of_range', 'duration_seconds');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 10, result: 'hung_up' } }), 422, 'invalid_choice', 'result');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { result: 'reached' } }), 422, 'field_required', 'duration_seconds');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 5, result: 'no_answer', call_back_at: '2030-01-01T10:00:00+08:00' } }), 422, 'call_back_without_later', 'call_back_at');
  assertError(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 5, result: 'no_answer', called_at: '2099-01-01T10:00:00+08:00' } }), 422, 'time_in_future', 'called_at');
  const called = await ok(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 25, result: 'no_answer', note: '响铃无人接' } }), 201);
  assert.equal(called.attempts, 1);
  assert.equal(called.last_call_result, 'no_answer');
  assert.equal(called.call_seconds, 25);
  // visit.retry_minutes (ours 120) later, inside the all-day window.
  const at = Date.parse(called.calls[0].called_at) / 1000;
  assert.equal(Date.parse(called.retry_at) / 1000, at + 120 * 60);
  const after = await ok(await srv.req('GET', '/api/v1/visits/calls', { token: agent.token }));
  assert.ok(!after.items.some((v) => v.id === first.id), 'waiting for its retry');
  assert.equal(after.items.length, list.items.length - 1);
  // The customer asks to be called back at an agreed time; then the call that reaches them.
  const later = new Date(Date.now() + 3 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const cb = await ok(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 40, result: 'call_back_later', call_back_at: later } }), 201);
  assert.equal(Date.parse(cb.retry_at), Date.parse(later));
  const reached = await ok(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 185, result: 'reached' } }), 201);
  assert.equal(reached.attempts, 3);
  assert.equal(reached.retry_at, null);
  assert.equal(reached.call_seconds, 25 + 40 + 185);   // every call's length, summed
  assert.deepEqual(reached.calls.map((c) => c.result), ['no_answer', 'call_back_later', 'reached']);
  assert.ok((await ok(await srv.req('GET', '/api/v1/visits/calls', { token: agent.token }))).items.some((v) => v.id === first.id));
  // A wrong number tells the engineering manager.
  await ok(await srv.req('POST', `/api/v1/visits/${first.id}/calls`, { token: agent.token, body: { duration_seconds: 8, result: 'wrong_number' } }), 201);
  const notes = await ok(await srv.req('GET', '/api/v1/notifications', { token: em.token }));
  assert.ok(notes.items.some((n) => n.subject.startsWith('【回访】客户电话错误')));
  assert.equal((await srv.req('GET', '/api/v1/visits/calls', { token: qc.token })).status, 403);
});

test('outside the calling hours the list is empty, unless asked in full to prepare', async () => {
  // A one-hour window that does not hold "now" (local time).
  const m = Math.floor(((Date.now() / 60000) + 8 * 60) % 1440);
  const [window, startHour] = m < 12 * 60 ? ['20:00-21:00', 20] : ['02:00-03:00', 2];
  await setting('calls.hours', window);
  const list = await ok(await srv.req('GET', '/api/v1/visits/calls', { token: agent.token }));
  assert.equal(list.within_hours, false);
  assert.deepEqual(list.items, []);
  // The next window opens at its start, today or tomorrow (local).
  const next = new Date(Date.parse(list.next_window_at) + 8 * 3600e3);
  assert.equal(next.getUTCHours(), startHour);
  assert.equal(next.getUTCMinutes(), 0);
  assert.ok(Date.parse(list.next_window_at) > Date.now() && Date.parse(list.next_window_at) - Date.now() <= 24 * 3600e3);
  const all = await ok(await srv.req('GET', '/api/v1/visits/calls?all=true', { token: agent.token }));
  assert.ok(all.items.length > 0);
  assert.ok(all.items.every((v) => v.callable === false));
  assertError(await srv.req('GET', '/api/v1/visits/calls?all=1', { token: agent.token }), 400, 'invalid_parameter', 'all');
  // No answer outside the hours: the retry waits for the next window.
  const target = all.items.find((v) => v.last_call_result === null);
  const called = await ok(await srv.req('POST', `/api/v1/visits/${target.id}/calls`, { token: agent.token, body: { duration_seconds: 0, result: 'busy' } }), 201);
  // Now + 120 minutes is still before the window's start (before 14:00 for the evening
  // window, before 02:00 for the night one), so the retry is the window's start.
  assert.equal(Date.parse(called.retry_at), Date.parse(list.next_window_at));
  assert.equal(called.events.at(-1).detail.outside_hours, true);
  await setting('calls.hours', '09:00-12:00,14:00-20:00');
});

test('region scope: other regions get 404 and see nothing; roles without the action 403', async () => {
  const a = await visitsOf(projectA.id);
  assert.equal((await srv.req('GET', `/api/v1/visits/${a[2].id}`, { token: agentJs.token })).status, 404);
  assert.equal((await srv.req('POST', `/api/v1/visits/${a[2].id}/report`, { token: agentJs.token, body: { version: a[2].version, method: 'phone' } })).status, 404);
  assert.equal((await ok(await srv.req('GET', '/api/v1/visits', { token: agentJs.token }))).total, 0);
  // The Jiangsu project manager made leader? Not possible (above); the Hangzhou one sees what
  // he leads and his region's.
  assert.equal((await srv.req('GET', `/api/v1/visits/${a[2].id}`, { token: pm.token })).status, 200);
  assert.equal((await srv.req('GET', `/api/v1/visits/${a[2].id}`, { token: tech.token })).status, 200);
  assert.equal((await srv.req('POST', '/api/v1/visits/plan', { token: agent.token, body: {} })).status, 403);
  assert.equal((await srv.req('POST', '/api/v1/visits/plan', { token: pm.token, body: {} })).status, 403);
  assertError(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body: { project_id: 999999 } }), 404, 'not_found');
  assertError(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body: { project_id: 'x' } }), 400, 'wrong_type', 'project_id');
  const dealer = srv.user('dealer');
  assert.equal((await srv.req('GET', '/api/v1/visits', { token: dealer.token })).status, 403);
});

test('photos of a visit in another place: uploaded to the visit, listed with it, served in scope', async () => {
  const [, , third] = await visitsOf(projectA.id);
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), '现场照片.png');
  const res = await fetch(`${srv.base}/api/v1/visits/${third.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${pm.token}` }, body: form });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  assert.equal(body.owner_kind, 'visit');
  const v = await ok(await srv.req('GET', `/api/v1/visits/${third.id}`, { token: agent.token }));
  assert.equal(v.attachments.length, 1);
  assert.equal(v.attachments[0].name, '现场照片.png');
  assert.ok(v.events.some((e) => e.kind === 'attachment'));
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/${body.id}`, { headers: { Authorization: `Bearer ${agent.token}` } })).status, 200);
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/${body.id}`, { headers: { Authorization: `Bearer ${agentJs.token}` } })).status, 404);
});

test('the button over every project answers in steps: complete, or where to go on', async () => {
  // A pass over this test's few projects finishes within one request's budget.
  const all = await plan({});
  assert.equal(all.complete, true);
  assert.equal(all.next_after_id, undefined);
  assert.ok(all.projects >= 2, JSON.stringify(all));
  // A step asked to go on past every project reads none and is complete.
  const past = await plan({ after_id: 1e12 });
  assert.deepEqual([past.complete, past.projects, past.changed], [true, 0, 0]);
  // One project, or a step of the whole pass: not both.
  assertError(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body: { project_id: projectA.id, after_id: 1 } }), 422, 'invalid_choice', 'after_id');
  assertError(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body: { after_id: -1 } }), 422, 'out_of_range', 'after_id');
});

test('`shouhou jobs run` runs a planner pass and prints its counts', async () => {
  const out = srv.cli(['jobs', 'run']);
  assert.match(out, /^visit_planner projects=\d+ changed=0 planned=0 redated=0 reopened=0 cancelled=0 invalid=0$/m);
  const p = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '命令行工程', site_region_code: '330106', acceptance_date: '2026-10-31' } }), 201);
  // 2026-10-31 + 12 months = 2027-10-31: every 2 months 12-31, 02-28, 04-30, 06-30, 08-31, 10-31.
  assert.match(srv.cli(['jobs', 'run']), /^visit_planner projects=\d+ changed=1 planned=6 /m);
  assert.deepEqual((await visitsOf(p.id)).map((v) => v.due_date), ['2026-12-31', '2027-02-28', '2027-04-30', '2027-06-30', '2027-08-31', '2027-10-31']);
});

test('visit.plan_from: no visit is planned before it, and the numbers still count from acceptance', async () => {
  const p = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '老工程', site_region_code: '330106', acceptance_date: '2026-01-31' } }), 201);
  await setting('visit.plan_from', '2026-06-01');
  await plan();
  // 2026-01-31 + 2n months: 03-31, 05-31 (before 06-01: not planned), 07-31, 09-30, 11-30,
  // 2027-01-31 — numbered 3..6.
  assert.deepEqual((await visitsOf(p.id)).map((v) => [v.seq, v.due_date]), [[3, '2026-07-31'], [4, '2026-09-30'], [5, '2026-11-30'], [6, '2027-01-31']]);
  assertError(await srv.req('PUT', '/api/v1/settings/visit.plan_from', { token: admin.token, body: { value: '2026-02-30', version: settingVersions['visit.plan_from'] } }), 422, 'invalid_setting_value', 'value');
  await setting('visit.plan_from', '');
});

test('long Chinese text in the report, the leader and the call notifications is cut between characters', async () => {
  // Byte limits such as "%.900s" cut a 3-byte character in two; PostgreSQL refuses the broken
  // text and the whole report would fail. Every field below puts one ASCII letter first so
  // that a byte limit lands inside a character (1 + 3k bytes never equals 900, 600, 500, 200).
  const longName = '长'.repeat(95) + '工程';            // 97 characters, 291 bytes
  const p = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: longName, site_region_code: '330106', project_manager_id: pm.id,
    acceptance_date: '2026-06-30' } }), 201);
  const unit = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: p.id, serial_no: 'UTF8-001', model: 'DS-2CD', name: '摄像机' } }), 201);
  await plan({ project_id: p.id });
  const [first, second, third] = await visitsOf(p.id);
  const findings = 'a' + '检'.repeat(1300), opinion = 'b' + '意'.repeat(600);
  const unfinished = 'd' + '换'.repeat(300), defect = 'c' + '漏'.repeat(100);
  const done = await ok(await srv.req('POST', `/api/v1/visits/${first.id}/report`, { token: pm.token, body: {
    version: first.version, method: 'on_site', findings, opinion, score: 2, partial: true,
    unfinished_items: unfinished, defects: [{ description: defect, equipment_id: unit.id }] } }));
  assert.equal(done.status, 'partial');
  const notes = await ok(await srv.req('GET', '/api/v1/notifications?page_size=100', { token: em.token }));
  const note = notes.items.find((n) => n.subject.startsWith('【回访报告】(客户不满意)') && n.subject.includes('长长长'));
  assert.ok(note, JSON.stringify(notes.items.map((n) => n.subject)));
  // 900 bytes of findings: the letter and 299 characters (1 + 897 bytes); the 300th would end
  // at byte 901. Opinion: 1 + 3 × 199 = 598 ≤ 600. Unfinished: 1 + 3 × 166 = 499 ≤ 500.
  // Defect: 1 + 3 × 66 = 199 ≤ 200.
  assert.ok(note.body.includes(`发现情况：a${'检'.repeat(299)}\n`), note.body.slice(0, 80));
  assert.ok(note.body.includes(`客户意见：b${'意'.repeat(199)}\n`));
  assert.ok(note.body.includes(`未完成事项：d${'换'.repeat(166)}\n`));
  assert.ok(note.body.includes(`：c${'漏'.repeat(66)}\n`));
  assert.ok(!note.body.includes('\uFFFD') && !note.subject.includes('\uFFFD'));
  // The next visit carries the 301 characters: the leader's notice (800 bytes) cuts them.
  const next = await ok(await srv.req('GET', `/api/v1/visits/${second.id}`, { token: em.token }));
  assert.equal(next.carried_items, unfinished);
  // The carried items are a change of that visit too: its own audit row.
  const audit = await ok(await srv.req('GET', `/api/v1/audit?entity=visit&entity_id=${second.id}`, { token: admin.token }));
  const carry = audit.items.find((a) => a.action === 'carry');
  assert.ok(carry, JSON.stringify(audit.items.map((a) => a.action)));
  assert.equal(carry.changes.carried_items_added.new, unfinished);
  assert.equal(carry.changes.from_visit_id.new, first.id);
  const led = await ok(await srv.req('POST', `/api/v1/visits/${second.id}/leader`, { token: em.token, body: { leader_id: em.id, version: next.version } }));
  assert.equal(led.leader_id, em.id);
  const mine = await ok(await srv.req('GET', '/api/v1/notifications?page_size=100', { token: em.token }));
  const told = mine.items.find((n) => n.subject.startsWith('【回访安排】') && n.subject.includes('长长长'));
  assert.ok(told && !told.body.includes('\uFFFD') && told.body.includes('上次遗留事项：d换换'));
  // A wrong number: the subject (240 bytes) holds the customer's and the long project name.
  await setting('calls.hours', '00:00-24:00');
  await ok(await srv.req('POST', `/api/v1/visits/${third.id}/calls`, { token: agent.token, body: { duration_seconds: 5, result: 'wrong_number' } }), 201);
  await setting('calls.hours', '09:00-12:00,14:00-20:00');
  const wrong = (await ok(await srv.req('GET', '/api/v1/notifications?page_size=100', { token: em.token })))
    .items.find((n) => n.subject.startsWith('【回访】客户电话错误') && n.subject.includes('长长长'));
  assert.ok(wrong && !wrong.subject.includes('\uFFFD'));
});

test('every unit counts for the warranty end, also a project with more than 64 unit acceptance days', async () => {
  // Project accepted 2026-01-01; 65 units sold by us, each accepted on its own day
  // 2026-01-02 … 2026-03-07 (day k = 2026-01-01 + k). Each unit's free period is the company's
  // 12 months from its own acceptance: the last one ends 2027-03-07, the project's warranty end.
  // Every 2 months from 2026-01-01: 03-01, 05-01, 07-01, 09-01, 11-01, 2027-01-01, 2027-03-01
  // (n = 7 ≤ 03-07); n = 8 (2027-05-01) is past the end, so the final visit is on 2027-03-07.
  const p = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '多批验收工程', site_region_code: '330106', acceptance_date: '2026-01-01' } }), 201);
  for (let k = 1; k <= 65; k++) {
    const day = new Date(Date.UTC(2026, 0, 1 + k)).toISOString().slice(0, 10);
    await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
      project_id: p.id, serial_no: `MULTI-${k}`, model: 'DS-2CD', name: '摄像机', sold_by_company: true, acceptance_date: day } }), 201);
  }
  await plan({ project_id: p.id });
  const v = await visitsOf(p.id);
  assert.deepEqual(v.map((x) => x.due_date), ['2026-03-01', '2026-05-01', '2026-07-01', '2026-09-01', '2026-11-01',
    '2027-01-01', '2027-03-01', '2027-03-07']);
});

test("the manager's move is kept by a re-plan, also a move to the rule's own day and after the planner re-opened the visit", async () => {
  // Accepted 2026-10-31: seq 1 due 2026-12-31, seq 2 due 2027-02-28 (month end, Civil Code).
  const p0 = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '改期工程', site_region_code: '330106', project_manager_id: pm.id, acceptance_date: '2026-10-31' } }), 201);
  await plan({ project_id: p0.id });
  let [, second] = await visitsOf(p0.id);
  assert.equal(second.due_date, '2027-02-28');
  const there = await ok(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: '2027-03-10', reason: '客户春节后才有空', version: second.version } }));
  // The customer agrees to the rule's day after all: the manager moves it back to 02-28.
  const back = await ok(await srv.req('POST', `/api/v1/visits/${second.id}/move`, { token: em.token, body: { planned_date: '2027-02-28', reason: '客户确认原定日期', version: there.version } }));
  assert.equal(back.planned_date, '2027-02-28');
  // The acceptance date is corrected to 2026-10-15: seq 2 is due 2027-02-15 by the rule, but
  // the day the manager agreed with the customer stands.
  let p = await ok(await srv.req('GET', `/api/v1/projects/${p0.id}`, { token: admin.token }));
  p = await ok(await srv.req('PATCH', `/api/v1/projects/${p0.id}`, { token: admin.token, body: { acceptance_date: '2026-10-15', version: p.version } }));
  await plan({ project_id: p0.id });
  [, second] = await visitsOf(p0.id);
  assert.deepEqual([second.due_date, second.planned_date, second.status], ['2027-02-15', '2027-02-28', 'planned']);
  // The acceptance date removed: the planner cancels the open visits; restored, it re-opens
  // them — seq 2 with the manager's day, the others on the rule's.
  p = await ok(await srv.req('PATCH', `/api/v1/projects/${p0.id}`, { token: admin.token, body: { acceptance_date: null, version: p.version } }));
  await plan({ project_id: p0.id });
  const gone = await visitsOf(p0.id);
  assert.ok(gone.every((x) => x.status === 'cancelled' && x.cancelled_reason === '工程无验收日期(保修期未开始)'), JSON.stringify(gone.map((x) => x.status)));
  await ok(await srv.req('PATCH', `/api/v1/projects/${p0.id}`, { token: admin.token, body: { acceptance_date: '2026-10-15', version: p.version } }));
  const s = await plan({ project_id: p0.id });
  assert.equal(s.reopened, gone.length);
  const [first, again] = await visitsOf(p0.id);
  assert.deepEqual([first.status, first.due_date, first.planned_date], ['planned', '2026-12-15', '2026-12-15']);
  assert.deepEqual([again.status, again.due_date, again.planned_date], ['planned', '2027-02-15', '2027-02-28']);
});
