// tickets.test.js — the life of a service ticket (SPEC C1-C7, B3) through the API: intake by
// the hotline agent with first-contact ownership, the 24/48/72 deadlines (worked out by
// hand below), dispatch by region, the technician's appointment, delays on both sides,
// arrival, the on-site record with the consumables rule, parts billed by warranty, clearing,
// the customer's signature and the service report PDF, closing with an outcome, the
// timeline and audit, receipts (C6), promised replies (C5), spare-unit loans and a unit's
// service history — and who may see and do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, agent, agentJs, dispatcher, techA, techB, customer, project, unit, oldProject, oldUnit;

// A 1×1 PNG, the smallest signature a pad can send.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });      // Zhejiang desk
  agentJs = srv.user('agent', { regions: ['320000'] });    // Jiangsu desk: must not see Zhejiang
  dispatcher = srv.user('dispatcher', { regions: ['330000'] });
  techA = srv.user('technician', { regions: ['330100'] }); // Hangzhou: covers 330106
  techB = srv.user('technician', { regions: ['320000'] }); // Jiangsu
  customer = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  // Accepted 2026-03-15: the company's 12 months end on 2027-03-15 (Civil Code art. 202).
  project = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '华信大厦监控工程', site_region_code: '330106', site_address: '文三路90号',
    completion_date: '2026-03-01', acceptance_date: '2026-03-15' } }), 201);
  unit = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: project.id, serial_no: 'NVR-0001', model: 'DS-7816N', name: '网络硬盘录像机' } }), 201);
  // Accepted 2020-01-10: out of warranty since 2021-01-10, parts charged at list price (B3).
  oldProject = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '老厂区门禁', site_region_code: '330106', acceptance_date: '2020-01-10' } }), 201);
  oldUnit = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: {
    project_id: oldProject.id, serial_no: 'AC-0009', model: 'K1T', name: '门禁控制器' } }), 201);
});
after(async () => { await srv.stop(); });

const H = 3600;
const iso = (s) => new Date(s).getTime() / 1000;

let ticket; // the in-warranty ticket followed through the whole life

test('intake: the agent registers a fault; number, owner, warranty and the 24/48/72 deadlines', async () => {
  const body = { customer_id: customer.id, equipment_id: unit.id, channel: 'hotline',
    fault: '录像机无法录像，硬盘报警', called_at: '2026-11-27T09:00:00+08:00' };
  const r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body, headers: { 'Idempotency-Key': 'call-1' } });
  ticket = await ok(r, 201);
  // The first ticket of the local day 2026-11-27.
  assert.equal(ticket.number, 'SH-20261127-0001');
  assert.equal(ticket.status, 'new');
  assert.equal(ticket.owner_id, agent.id);     // 首问负责
  assert.equal(ticket.handler_id, agent.id);
  assert.equal(ticket.region_code, '330106');   // the project's site
  assert.equal(ticket.contact_name, '李娜');     // the customer's first contact
  assert.equal(ticket.warranty_state, 'in_warranty');
  assert.equal(ticket.parts_free, true);
  assert.equal(ticket.sla_clock, 'calendar');
  // Calendar clock from the call at 09:00 on the 27th: +24 h, +48 h, +72 h; warnings 120
  // minutes (sla.warning_lead_minutes) before each.
  const [on, clr, sub] = ticket.deadlines;
  assert.deepEqual(ticket.deadlines.map((d) => d.stage), ['onsite', 'clear', 'substitute']);
  assert.equal(on.due_at, '2026-11-28T09:00:00+08:00');
  assert.equal(on.warn_at, '2026-11-28T07:00:00+08:00');
  assert.equal(clr.due_at, '2026-11-29T09:00:00+08:00');
  assert.equal(sub.due_at, '2026-11-30T09:00:00+08:00');
  assert.equal(iso(sub.due_at) - iso(ticket.called_at), 72 * H);
  // A retry with the same key replays the same ticket.
  const again = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body, headers: { 'Idempotency-Key': 'call-1' } });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, ticket.id);
});

test('intake refuses what is wrong, naming the field', async () => {
  const base = { customer_id: customer.id, fault: '不开机' };
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id } }), 422, 'field_required', 'fault');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, channel: 'fax' } }), 422, 'invalid_choice', 'channel');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, called_at: '2026-11-27 09:00' } }), 422, 'invalid_time', 'called_at');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, called_at: '2099-01-01T00:00:00+08:00' } }), 422, 'time_in_future', 'called_at');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, customer_id: 999999 } }), 422, 'unknown_customer', 'customer_id');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, equipment_id: 999999 } }), 422, 'unknown_equipment', 'equipment_id');
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { ...base, unknown: 1 } }), 400, 'unknown_field', 'unknown');
  // The Jiangsu desk cannot register for a Zhejiang customer: not found for them.
  assertError(await srv.req('POST', '/api/v1/tickets', { token: agentJs.token, body: base }), 422, 'unknown_customer', 'customer_id');
});

test('region isolation: other regions and unassigned technicians get 404', async () => {
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: agentJs.token })).status, 404);
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: techA.token })).status, 404); // not assigned yet
  const list = await ok(await srv.req('GET', '/api/v1/tickets', { token: agentJs.token }));
  assert.equal(list.total, 0);
  assert.equal(list.total_is_lower_bound, false);
  const mine = await ok(await srv.req('GET', '/api/v1/tickets?status=open&technician_id=-1', { token: dispatcher.token }));
  assert.ok(mine.items.some((t) => t.id === ticket.id));
  assert.equal(mine.items.find((t) => t.id === ticket.id).next_deadline.stage, 'onsite');
});

test('dispatch: only a technician covering the site region; the board shows load', async () => {
  const board = await ok(await srv.req('GET', '/api/v1/dispatch/technicians?region=330106', { token: dispatcher.token }));
  assert.deepEqual(board.items.map((t) => t.user_id), [techA.id]);
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/assign`, { token: dispatcher.token, body: { technician_id: techB.id, version: ticket.version } }), 422, 'technician_not_available', 'technician_id');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/assign`, { token: dispatcher.token, body: { technician_id: techA.id, version: ticket.version + 5 } }), 409, 'stale_version', 'version');
  assert.equal((await srv.req('POST', `/api/v1/tickets/${ticket.id}/assign`, { token: agent.token, body: { technician_id: techA.id, version: ticket.version } })).status, 403);
  // Work entered as it happened: dispatched at 09:05, five minutes after the call.
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/assign`, { token: dispatcher.token, body: { technician_id: techA.id, version: ticket.version, at: '2026-11-27T08:00:00+08:00' } }), 422, 'invalid_time', 'at');
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/assign`, { token: dispatcher.token, body: { technician_id: techA.id, version: ticket.version, at: '2026-11-27T09:05:00+08:00' } }));
  assert.equal(ticket.assigned_at, '2026-11-27T09:05:00+08:00');
  assert.equal(ticket.status, 'assigned');
  assert.equal(ticket.technician_id, techA.id);
  assert.equal(ticket.owner_id, agent.id);
  const after = await ok(await srv.req('GET', '/api/v1/dispatch/technicians?region=330106', { token: dispatcher.token }));
  assert.equal(after.items[0].open_tickets, 1);
  // Now the technician sees it, the other one does not.
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: techA.token })).status, 200);
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: techB.token })).status, 404);
});

test('appointment and delays: the customer delay is recorded and excluded from the appraisal', async () => {
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/arrive`, { token: techA.token, body: { version: ticket.version, at: '2026-11-27T09:04:00+08:00' } }), 422, 'invalid_time', 'at'); // before dispatch
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/appointments`, { token: techA.token, body: {
    starts_at: '2026-11-27T12:00:00+08:00', agreed_with: '李娜', phoned_at: '2026-11-27T09:20:00+08:00' } }));
  assert.equal(ticket.appointments.length, 1);
  assert.equal(ticket.appointments[0].status, 'agreed');
  // The technician calls ahead: late by half an hour (work plan 3 §三.1).
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/delays`, { token: techA.token, body: {
    party: 'technician', from: '2026-11-27T12:00:00+08:00', to: '2026-11-27T12:30:00+08:00', reason: '堵车，已提前电话告知' } }));
  // The customer is not there from 12:30 to 14:30 and asks for the next morning (§三.2).
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/delays`, { token: techA.token, body: {
    party: 'customer', from: '2026-11-27T12:30:00+08:00', to: '2026-11-27T14:30:00+08:00', reason: '客户不在现场',
    reschedule_to: '2026-11-28T10:00:00+08:00' } }));
  assert.equal(ticket.customer_delay_seconds, 2 * H);
  assert.equal(ticket.customer_late_marks, 1); // marked for the next service
  assert.deepEqual(ticket.appointments.map((a) => a.status), ['rescheduled', 'agreed']);
  const on = ticket.deadlines[0];
  // The clock runs by default (sla.pause_for_customer_delay false): the deadline stays, and
  // the appraisal deadline moves by the two hours: 09:00 + 2 h on the 28th.
  assert.equal(on.due_at, '2026-11-28T09:00:00+08:00');
  assert.equal(on.appraisal_due_at, '2026-11-28T11:00:00+08:00');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/delays`, { token: techA.token, body: {
    party: 'customer', from: '2026-11-27T14:00:00+08:00', to: '2026-11-27T15:00:00+08:00' } }), 409, 'delay_overlaps', 'from');
});

test('arrival one hour late: breach recorded, but on time for the technician appraisal', async () => {
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/arrive`, { token: techA.token, body: { version: ticket.version, at: '2026-11-28T10:00:00+08:00' } }));
  assert.equal(ticket.status, 'on_site');
  const on = ticket.deadlines[0];
  assert.equal(on.met_at, '2026-11-28T10:00:00+08:00');
  assert.equal(on.state, 'met_late');
  assert.equal(on.overdue_seconds, H);           // 10:00 − 09:00
  assert.equal(on.appraisal_on_time, true);      // 10:00 ≤ 11:00
  assert.deepEqual(ticket.appointments.map((a) => a.status), ['rescheduled', 'done']);
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/arrive`, { token: techA.token, body: { version: ticket.version } }), 409, 'step_out_of_order', 'status');
});

test('on-site record: consumables over the allowance need a reason (C4)', async () => {
  const record = { diagnosis: '硬盘坏道', work_done: '更换两块硬盘，恢复录像', test_result: '录像回放正常',
    extra_work: '客户要求调整两路摄像头角度，已书面确认', vehicle_cost_fen: 3000, consumables_cost_fen: 15000, version: ticket.version };
  // 150.00 元 > the 100.00 元 allowance (ticket.consumables_allowance_fen).
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/record`, { token: techA.token, body: record }), 422, 'consumables_reason_required', 'consumables_reason');
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/record`, { token: techA.token, body: { ...record, consumables_reason: '机柜内线缆老化，更换网线和水晶头' } }));
  assert.equal(ticket.work_done, record.work_done);
  assert.equal(ticket.consumables_cost_fen, 15000);
});

test('parts in warranty are free (B3); the bill shows the list value and nothing to pay', async () => {
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/parts`, { token: techA.token, body: {
    name: '监控硬盘4TB', part_no: 'ST4000VX', quantity: 2, unit_price_fen: 45000, faulty_serial: 'NVR-0001' } }));
  assert.equal(ticket.parts.length, 1);
  assert.equal(ticket.parts[0].free, true);
  assert.equal(ticket.parts[0].line_fen, 0);
  assert.equal(ticket.bill.parts_list_fen, 90000); // 2 × 450.00 元
  assert.equal(ticket.bill.parts_fen, 0);
  assert.equal(ticket.bill.total_fen, 0);
  assert.equal(ticket.bill.internal_cost_fen, 18000); // 30.00 vehicle + 150.00 consumables
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/parts`, { token: techA.token, body: { name: '硬盘', quantity: 0, unit_price_fen: 1 } }), 422, 'out_of_range', 'quantity');
});

test('cleared within 48 h; signature; the service report PDF carries the customer and the parts', async () => {
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/signature`, { token: techA.token, body: { signed_by: '李娜', png: PNG } }), 409, 'not_cleared', 'png');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/clear`, { token: techA.token, body: { version: ticket.version, at: '2026-11-28T09:59:00+08:00' } }), 422, 'invalid_time', 'at'); // before arrival
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/clear`, { token: techA.token, body: { version: ticket.version, at: '2026-11-28T16:00:00+08:00' } }));
  assert.equal(ticket.status, 'cleared');
  assert.deepEqual(ticket.deadlines.map((d) => d.state), ['met_late', 'met', 'met']);
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/close`, { token: techA.token, body: { outcome: 'repaired', version: ticket.version } }), 409, 'signature_required', 'signature');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/signature`, { token: techA.token, body: { signed_by: '李娜', png: 'bm90IGEgcG5n' } }), 422, 'invalid_signature', 'png');
  // A PNG header over broken pixel data: refused when taken, so the report can always be drawn.
  const broken = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVRnYXJiYWdlLW5vdC16bGlinTtYuwAAAABJRU5ErkJggg==';
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/signature`, { token: techA.token, body: { signed_by: '李娜', png: broken } }), 422, 'invalid_signature', 'png');
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/signature`, { token: techA.token, body: { signed_by: '李娜', png: `data:image/png;base64,${PNG}` } }));
  assert.equal(ticket.signed_by, '李娜');
  assert.ok(ticket.signature_id > 0);
  const sig = await srv.req('GET', `/api/v1/attachments/${ticket.signature_id}`, { token: agent.token });
  assert.equal(sig.status, 200);
  assert.equal(sig.headers.get('content-type'), 'image/png');
  assert.equal(sig.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await srv.req('GET', `/api/v1/attachments/${ticket.signature_id}`, { token: agentJs.token })).status, 404);

  const res = await fetch(`${srv.base}/api/v1/tickets/${ticket.id}/report`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  const file = join(srv.dir, 'report.pdf');
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  for (const s of ['服务报告', 'SH-20261127-0001', '杭州华信科技有限公司', '监控硬盘4TB', 'ST4000VX', 'NVR-0001', '更换两块硬盘'])
    assert.ok(text.includes(s), `report has ${s}`);
  // Internal costs never reach the customer's copy.
  assert.ok(!text.includes('机柜内线缆老化'), 'no consumables reason on the customer copy');
});

test('close with the outcome; the timeline holds every step with who and when; audited', async () => {
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/close`, { token: techA.token, body: { outcome: 'melted', version: ticket.version } }), 422, 'invalid_choice', 'outcome');
  ticket = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/close`, { token: techA.token, body: { outcome: 'repaired', version: ticket.version } }));
  assert.equal(ticket.status, 'closed');
  assert.equal(ticket.outcome, 'repaired');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/parts`, { token: techA.token, body: { name: 'x', quantity: 1, unit_price_fen: 1 } }), 409, 'ticket_closed', 'status');
  const tl = await ok(await srv.req('GET', `/api/v1/tickets/${ticket.id}/timeline`, { token: agent.token }));
  assert.deepEqual(tl.items.map((e) => e.kind),
    ['created', 'assign', 'appointment', 'delay', 'delay', 'arrive', 'record', 'part', 'clear', 'sign', 'close']);
  assert.equal(tl.items[0].actor_id, agent.id);
  assert.equal(tl.items[1].actor_id, dispatcher.id);
  assert.equal(tl.items.at(-1).detail.outcome, 'repaired');
  const audit = await ok(await srv.req('GET', `/api/v1/audit?entity=ticket&entity_id=${ticket.id}`, { token: admin.token }));
  const actions = audit.items.map((a) => a.action);
  for (const a of ['create', 'assign', 'arrive', 'record', 'part', 'clear', 'sign', 'close']) assert.ok(actions.includes(a), `audit has ${a}`);
  const close = audit.items.find((a) => a.action === 'close');
  assert.deepEqual(close.changes.status, { old: 'cleared', new: 'closed' });
});

test('after-sales receipt returned by the customer, searchable (C6)', async () => {
  const t = await ok(await srv.req('POST', `/api/v1/tickets/${ticket.id}/receipt`, { token: agent.token, body: {
    receipt_no: 'HZ-回执-0001', returned_on: '2026-12-01', signed_by: '李娜', satisfied: true } }));
  assert.equal(t.receipt.receipt_no, 'HZ-回执-0001');
  assertError(await srv.req('POST', `/api/v1/tickets/${ticket.id}/receipt`, { token: agent.token, body: { returned_on: '2026-12-01' } }), 409, 'duplicate', 'ticket_id');
  const found = await ok(await srv.req('GET', `/api/v1/receipts?q=${encodeURIComponent('回执-0001')}`, { token: agent.token }));
  assert.equal(found.total, 1);
  assert.equal(found.items[0].ticket_number, 'SH-20261127-0001');
  assert.equal(found.items[0].satisfied, true);
  assert.equal((await ok(await srv.req('GET', '/api/v1/receipts?q=HZ', { token: agentJs.token }))).total, 0);
});

test('out of warranty: parts at the list price plus labour make the bill (B3)', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: {
    customer_id: customer.id, equipment_id: oldUnit.id, fault: '刷卡无反应', called_at: '2026-11-27T10:00:00+08:00' } }), 201);
  assert.equal(t.number, 'SH-20261127-0002');
  assert.equal(t.warranty_state, 'paid_maintenance');
  assert.equal(t.parts_free, false);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/parts`, { token: dispatcher.token, body: { name: '读卡器', quantity: 1, unit_price_fen: 12345 } }));
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/parts`, { token: dispatcher.token, body: { name: '电源', quantity: 3, unit_price_fen: 2000 } }));
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/record`, { token: dispatcher.token, body: { labour_fen: 5000, version: t.version } }));
  // 123.45 + 3 × 20.00 = 183.45 元 of parts, + 50.00 labour = 233.45 元.
  assert.equal(t.bill.parts_fen, 18345);
  assert.equal(t.bill.total_fen, 23345);
  // A customer sees the bill but not the company's own costs.
});

test('spare unit in (72 h), loan returned later; the unit history shows tickets, parts and loans', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: {
    customer_id: customer.id, equipment_id: unit.id, fault: '录像机死机', called_at: '2026-11-27T11:00:00+08:00' } }), 201);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/assign`, { token: dispatcher.token, body: { technician_id: techA.id, version: t.version } }));
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/loans`, { token: techA.token, body: {
    spare_serial: 'SPARE-77', spare_model: 'DS-7816N', lent_at: '2026-11-28T12:00:00+08:00' } }));
  assert.equal(t.substituted_at, '2026-11-28T12:00:00+08:00');
  assert.equal(t.loans[0].faulty_serial, 'NVR-0001');
  assert.equal(t.loans[0].open, true);
  // The spare keeps the system running: onsite (due 11:00 on the 28th) met late by an hour,
  // clear (due the 29th 11:00) and substitute met on time.
  assert.deepEqual(t.deadlines.map((d) => d.state), ['met_late', 'met', 'met']);
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: dispatcher.token, body: { outcome: 'repaired', version: t.version } }), 409, 'not_cleared', 'outcome');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: dispatcher.token, body: { outcome: 'substituted', version: t.version } }));
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/loans/return`, { token: techA.token, body: { loan_id: t.loans[0].id } }));
  assert.equal(t.loans[0].open, false);
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/loans/return`, { token: techA.token, body: { loan_id: t.loans[0].id } }), 409, 'already_returned', 'loan_id');
  const h = await ok(await srv.req('GET', `/api/v1/equipment/${unit.id}/history`, { token: agent.token }));
  assert.equal(h.serial_no, 'NVR-0001');
  assert.deepEqual(h.tickets.map((x) => x.number).sort(), ['SH-20261127-0001', 'SH-20261127-0003']);
  assert.equal(h.parts[0].part_no, 'ST4000VX');
  assert.equal(h.loans[0].spare_serial, 'SPARE-77');
});

test('promised reply (C5) and hand-over: the owner stays', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '咨询延保价格' } }), 201);
  assert.equal(t.warranty_state, 'unknown');
  const due = new Date(Date.now() + 3 * H * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/promises`, { token: agent.token, body: { due_at: due, note: '三小时内回复延保报价' } }));
  const p = t.deadlines.find((d) => d.stage === 'promise');
  assert.equal(p.seq, 1);
  assert.equal(p.state, 'pending');
  const other = srv.user('agent', { regions: ['330100'] });
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/handover`, { token: agent.token, body: { handler_id: other.id, version: t.version } }));
  assert.equal(t.handler_id, other.id);
  assert.equal(t.owner_id, agent.id);
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/handover`, { token: agent.token, body: { handler_id: techB.id, version: t.version } }), 422, 'region_not_granted', 'handler_id');
  // A demand the desk cannot meet goes up, not refused on the phone (C5, work plan 3 §四.4).
  const head = srv.user('department_head', { regions: ['330000'] });
  const headJs = srv.user('department_head', { regions: ['320000'] });
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/escalate`, { token: other.token, body: { reason: '客户要求免费更换整套系统，情绪激动' } }));
  const notes = await ok(await srv.req('GET', '/api/v1/notifications', { token: head.token }));
  assert.ok(notes.items.some((n) => n.ticket_id === t.id && n.subject.includes('客户诉求需公司决定')), JSON.stringify(notes));
  assert.equal((await ok(await srv.req('GET', '/api/v1/notifications', { token: headJs.token }))).items.length, 0);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/promises/kept`, { token: other.token, body: { seq: 1 } }));
  assert.equal(t.deadlines.find((d) => d.stage === 'promise').state, 'met');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/cancel`, { token: agent.token, body: { reason: '客户自行解决', version: t.version } }));
  assert.equal(t.status, 'cancelled');
});

test('the working-hours clock on the calendar: a call at 23:30 on the eve of National Day', async () => {
  const s = await ok(await srv.req('GET', '/api/v1/settings', { token: admin.token }));
  const clock = s.items ? s.items.find((x) => x.key === 'sla.clock') : s.find((x) => x.key === 'sla.clock');
  await ok(await srv.req('PUT', '/api/v1/settings/sla.clock', { token: admin.token, body: { value: 'working', version: clock.version } }));
  const t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: {
    customer_id: customer.id, fault: '国庆前夜报修', called_at: '2026-09-30T23:30:00+08:00' } }), 201);
  assert.equal(t.sla_clock, 'working');
  // Whole working days count (sla.working_hours 00:00-24:00). Wed 30 Sep: 0.5 h; 1-7 Oct
  // are holidays; Thu 8 Oct gives 23.5 h more → 24 h at 23:30 on the 8th. 48 h: 0.5 h left
  // on the 8th, Fri 9 Oct 24 h → 48 h at 23:30 on the 9th. 72 h: Sat 10 Oct is a make-up
  // working day (调休) → 23:30 on the 10th.
  assert.deepEqual(t.deadlines.map((d) => d.due_at),
    ['2026-10-08T23:30:00+08:00', '2026-10-09T23:30:00+08:00', '2026-10-10T23:30:00+08:00']);
  const back = await ok(await srv.req('GET', '/api/v1/settings', { token: admin.token }));
  const now = back.items ? back.items.find((x) => x.key === 'sla.clock') : back.find((x) => x.key === 'sla.clock');
  await ok(await srv.req('PUT', '/api/v1/settings/sla.clock', { token: admin.token, body: { value: 'calendar', version: now.version } }));
});

test('roles: QC reads, cannot register; a customer user sees only its own tickets', async () => {
  const qc = srv.user('qc', { regions: ['330000'] });
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: qc.token })).status, 200);
  assert.equal((await srv.req('POST', '/api/v1/tickets', { token: qc.token, body: { customer_id: customer.id, fault: 'x' } })).status, 403);
  const other = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '另一家公司' }) }), 201);
  const portal = srv.user('customer', { regions: ['000000'], customerId: other.id });
  assert.equal((await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: portal.token })).status, 404);
  const own = await ok(await srv.req('POST', '/api/v1/tickets', { token: portal.token, body: { customer_id: other.id, channel: 'portal', fault: '门户报修：摄像头黑屏' } }), 201);
  assert.equal(own.channel, 'portal');
  assert.equal(own.vehicle_cost_fen, undefined, 'internal costs hidden from customers');
  const list = await ok(await srv.req('GET', '/api/v1/tickets', { token: portal.token }));
  assert.deepEqual(list.items.map((x) => x.id), [own.id]);
});

test('first-contact ownership crosses regions: the owner follows a ticket whose site is elsewhere', async () => {
  // A Zhejiang customer's project in Suzhou (320505): the site decides the region, the
  // Zhejiang agent who took the call still owns and sees it; the Jiangsu desk sees it too.
  const p = await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
    customer_id: customer.id, name: '苏州分厂监控', site_region_code: '320505', site_address: '苏州高新区' } }), 201);
  const u = await ok(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: { project_id: p.id, serial_no: 'SZ-01', model: 'X1' } }), 201);
  const t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, equipment_id: u.id, fault: '苏州厂区断网' } }), 201);
  assert.equal(t.region_code, '320505');
  assert.equal((await srv.req('GET', `/api/v1/tickets/${t.id}`, { token: agentJs.token })).status, 200);
  assert.equal((await srv.req('GET', `/api/v1/tickets/${t.id}`, { token: agent.token })).status, 200);
  const mine = await ok(await srv.req('GET', '/api/v1/tickets?mine=true', { token: agent.token }));
  assert.ok(mine.items.some((x) => x.id === t.id));
  assertError(await srv.req('GET', '/api/v1/tickets?mine=yes', { token: agent.token }), 400, 'invalid_parameter', 'mine');
  // The Jiangsu technician covers the site; the dispatcher's board without a region lists
  // only technicians whose regions meet the dispatcher's own.
  const board = await ok(await srv.req('GET', '/api/v1/dispatch/technicians', { token: dispatcher.token }));
  assert.ok(board.items.some((x) => x.user_id === techA.id));
  assert.ok(!board.items.some((x) => x.user_id === techB.id));
});

test('required fields of the actions are 422 naming the field; loans cannot come back before they left', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '测试必填项' } }), 201);
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/record`, { token: dispatcher.token, body: { labour_fen: 100 } }), 422, 'field_required', 'version');
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/receipt`, { token: agent.token, body: { receipt_no: 'X' } }), 422, 'field_required', 'returned_on');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/loans`, { token: dispatcher.token, body: { spare_serial: 'SP-1', spare_model: 'M' } }));
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/loans/return`, { token: dispatcher.token, body: { loan_id: t.loans[0].id, returned_at: '2020-01-01T00:00:00+08:00' } }), 422, 'invalid_time', 'returned_at');
  assertError(await srv.req('POST', `/api/v1/tickets/${t.id}/signature`, { token: dispatcher.token, body: { signed_by: '张'.repeat(51), png: PNG } }), 422, 'field_length', 'signed_by');
});

test('a closed ticket\'s late stage stays late by what it was at closing', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '旧单', called_at: '2026-11-20T08:00:00+08:00' } }), 201);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: agent.token, body: { outcome: 'no_fault', version: t.version } }));
  const closedAt = iso(t.closed_at);
  const on = t.deadlines[0];
  assert.equal(on.state, 'breached');
  assert.equal(on.overdue_seconds, closedAt - iso('2026-11-21T08:00:00+08:00'));
  await new Promise((r) => setTimeout(r, 1100));
  const again = await ok(await srv.req('GET', `/api/v1/tickets/${t.id}`, { token: agent.token }));
  assert.equal(again.deadlines[0].overdue_seconds, on.overdue_seconds);
});

test('a portal ticket: the first member of staff it is handed to owns it; the customer sees the service, not the internal notes', async () => {
  const other = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '门户客户有限公司' }) }), 201);
  const portal = srv.user('customer', { regions: ['000000'], customerId: other.id });
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: portal.token, body: { customer_id: other.id, channel: 'portal', fault: '门禁打不开' } }), 201);
  assert.equal(t.owner_id, portal.id);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/handover`, { token: agent.token, body: { handler_id: agent.id, note: '内部：客户脾气急', version: t.version } }));
  assert.equal(t.owner_id, agent.id);
  assert.equal(t.handler_id, agent.id);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/escalate`, { token: agent.token, body: { reason: '内部升级原因' } }));
  const staff = await ok(await srv.req('GET', `/api/v1/tickets/${t.id}/timeline`, { token: agent.token }));
  assert.deepEqual(staff.items.map((e) => e.kind), ['created', 'handover', 'escalate']);
  const seen = await ok(await srv.req('GET', `/api/v1/tickets/${t.id}/timeline`, { token: portal.token }));
  assert.deepEqual(seen.items.map((e) => e.kind), ['created']);
  assert.ok(!JSON.stringify(seen).includes('内部'));
});

test('naming the unit later moves the site and sets the warranty of the day of the call', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '客户不知道序列号', called_at: '2026-11-27T15:00:00+08:00' } }), 201);
  assert.equal(t.warranty_state, 'unknown');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/unit`, { token: dispatcher.token, body: { equipment_id: unit.id, version: t.version } }));
  assert.equal(t.serial_no, 'NVR-0001');
  assert.equal(t.warranty_state, 'in_warranty');
  assert.equal(t.site_address, '文三路90号');
  assert.equal(t.region_code, '330106');
});

test('the list pages by cursor too, newest first, with no row twice', async () => {
  const first = await ok(await srv.req('GET', '/api/v1/tickets?cursor=&page_size=3', { token: admin.token }));
  assert.equal(first.items.length, 3);
  assert.ok(first.next_cursor);
  const second = await ok(await srv.req('GET', `/api/v1/tickets?cursor=${encodeURIComponent(first.next_cursor)}&page_size=3`, { token: admin.token }));
  const ids = [...first.items, ...second.items].map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id, i) => i === 0 || id < ids[i - 1]), 'newest first');
});

test('a ticket closed before its deadlines came: the stages were not needed, neither met nor missed', async () => {
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '电话指导后恢复' } }), 201);
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: agent.token, body: { outcome: 'no_fault', version: t.version } }));
  assert.deepEqual(t.deadlines.map((d) => [d.state, d.overdue_seconds]), [['not_needed', 0], ['not_needed', 0], ['not_needed', 0]]);
});

test('due within N minutes: open tickets with a running deadline in the window, not met, not closed', async () => {
  const calledAt = new Date(Date.now() - 23 * H * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  let t = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '一小时内到期', called_at: calledAt } }), 201);
  const ids = async (minutes) => (await ok(await srv.req('GET', `/api/v1/tickets?due_within_minutes=${minutes}&page_size=100`, { token: dispatcher.token }))).items.map((x) => x.id);
  // On site due 24 h after the call: in about an hour.
  assert.ok((await ids(90)).includes(t.id), 'due within 90 minutes');
  assert.ok(!(await ids(30)).includes(t.id), 'not within 30');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/assign`, { token: dispatcher.token, body: { technician_id: techA.id, version: t.version, at: calledAt } }));
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/arrive`, { token: techA.token, body: { version: t.version } }));
  assert.ok(!(await ids(90)).includes(t.id), 'the on-site stage is met');
  assert.ok((await ids(25 * 60 + 30)).includes(t.id), 'the clear stage still runs');
  t = await ok(await srv.req('POST', `/api/v1/tickets/${t.id}/close`, { token: dispatcher.token, body: { outcome: 'no_fault', version: t.version } }));
  assert.ok(!(await ids(100000)).includes(t.id), 'a closed ticket runs no deadline');
});
