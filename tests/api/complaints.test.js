// complaints.test.js — the life of a complaint (SPEC E1-E4; work plan 2 §七, §十.2) through the
// API: the desk takes the call and registers the facts, the superior is told at once, two
// departments get written notices (PDF + message), both answer with root cause, corrective
// and preventive action, the callback finds the customer still dissatisfied, a second round,
// the customer satisfied, the archive — read-only but still found. Then: no step can be
// skipped, repeats of the same class, overdue notices, the editable category tree, region
// scope, bad input naming the field, Idempotency-Key replay, documents and the form PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, agent, agentJs, head, headJs, vgm, gm, qc, eng, warehouse, customer, other, ticket, otherTicket;

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}

// The local day (Asia/Shanghai, +08:00) of now plus days, as YYYY-MM-DD.
const day = (days = 0) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });            // the Zhejiang desk
  agentJs = srv.user('agent', { regions: ['320000'] });          // Jiangsu: must not see Zhejiang
  head = srv.user('department_head', { regions: ['330000'] });   // the superior of Zhejiang
  headJs = srv.user('department_head', { regions: ['320000'] }); // not told of Zhejiang's
  vgm = srv.user('vice_gm', { regions: ['000000'] });
  gm = srv.user('gm', { regions: ['000000'] });
  qc = srv.user('qc', { regions: ['110000'] });                  // quality at head office (Beijing)
  eng = srv.user('engineering_manager', { regions: ['330000'] });
  warehouse = srv.user('warehouse', { regions: ['330000'] });    // a third user: may not answer
  customer = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  other = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '宁波海港物流有限公司', region_code: '330203' }) }), 201);
  ticket = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault: '立柱安装孔位不对' } }), 201);
  otherTicket = await ok(await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: other.id, fault: '道闸不起杆' } }), 201);
});
after(async () => { await srv.stop(); });

const notifications = async (user) => (await ok(await srv.req('GET', '/api/v1/notifications', { token: user.token }))).items;

let c; // the complaint followed from the phone to the archive

test('register: number of the day, owner, region, events; the superior of the region is told at once (E1)', async () => {
  const body = { customer_id: customer.id, channel: 'hotline', complainant: '李娜', phone: '13800001111',
    facts: '新到的立柱安装孔距比图纸大3毫米，现场无法安装。', demand: '三天内补发合格零件',
    category: 'dimension_tolerance', severity: 'major', ticket_id: ticket.id, occurred_on: day(-2) };
  const r = await srv.req('POST', '/api/v1/complaints', { token: agent.token, body, headers: { 'Idempotency-Key': 'complaint-call-1' } });
  c = await ok(r, 201);
  // TS-<local day of registration>-<sequence>: the first complaint of the day.
  assert.equal(c.number, `TS-${day().replaceAll('-', '')}-0001`);
  assert.equal(c.status, 'registered');
  assert.equal(c.owner_id, agent.id);
  assert.equal(c.region_code, '330106');           // the ticket's site
  assert.equal(c.ticket_id, ticket.id);
  assert.equal(c.ticket_number, ticket.number);
  assert.equal(c.category_label, '尺寸超差');
  assert.equal(c.repeat, false);
  assert.equal(c.round, 1);
  assert.deepEqual(c.events.map((e) => e.kind), ['registered', 'reported']);
  // major: complaint.report_roles only (department_head); the one covering 330106.
  const reported = c.events[1].detail;
  assert.deepEqual(reported.roles, ['department_head']);
  assert.equal(reported.notified, 1);
  const notes = await notifications(head);
  assert.ok(notes.some((n) => n.subject.includes(c.number)), JSON.stringify(notes));
  assert.equal((await notifications(headJs)).length, 0);
  assert.equal((await notifications(gm)).filter((n) => n.subject.includes(c.number)).length, 0);
});

test('Idempotency-Key: a retry answers the same complaint with 200 and creates nothing', async () => {
  const body = { customer_id: customer.id, channel: 'hotline', facts: '重试', category: 'billing', severity: 'minor' };
  const r = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body, headers: { 'Idempotency-Key': 'complaint-call-1' } }), 200);
  assert.equal(r.id, c.id);
  assert.equal(r.number, c.number);
  const list = await ok(await srv.req('GET', `/api/v1/complaints?customer_id=${customer.id}`, { token: agent.token }));
  assert.equal(list.total, 1);
});

test('a critical complaint goes to the vice GM and the GM as well', async () => {
  const body = { customer_id: other.id, channel: 'visit', facts: '道闸连续三次故障，客户要求退货', category: 'service_attitude', severity: 'critical' };
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body }), 201);
  assert.equal(k.number, `TS-${day().replaceAll('-', '')}-0002`);
  assert.equal(k.region_code, '330203');           // no ticket, no unit: the customer's region
  assert.deepEqual(k.events[1].detail.roles, ['department_head', 'vice_gm', 'gm']);
  assert.equal(k.events[1].detail.notified, 3);
  assert.ok((await notifications(gm)).some((n) => n.subject.includes(k.number) && n.subject.includes('严重')));
  assert.ok((await notifications(vgm)).some((n) => n.subject.includes(k.number)));
});

let qcNotice, engNotice;

test('assign two departments: written notices with numbers and due dates, the persons told with the PDF link (E2)', async () => {
  const r = await srv.req('POST', `/api/v1/complaints/${c.id}/assign`, { token: agent.token, body: { version: c.version, departments: [
    { department: 'quality', responsible_id: qc.id, instructions: '请核对图纸版本及来料检验记录' },
    { department: 'engineering', responsible_id: eng.id, due_date: day(5) },
  ] } });
  c = await ok(r);
  assert.equal(c.status, 'assigned');
  assert.equal(c.assignments.length, 2);
  [qcNotice, engNotice] = c.assignments;
  assert.equal(qcNotice.notice_no, `${c.number}-1`);
  assert.equal(engNotice.notice_no, `${c.number}-2`);
  // complaint.answer_days (3) calendar days after the day it was sent.
  assert.equal(qcNotice.due_date, day(3));
  assert.equal(engNotice.due_date, day(5));
  assert.equal(qcNotice.department_label, '品质部');
  assert.equal(qcNotice.overdue, false);
  assert.equal(qcNotice.answered, false);
  const mail = (await notifications(qc)).find((n) => n.subject.includes(qcNotice.notice_no));
  assert.ok(mail, 'the responsible person is told');
  assert.ok(mail.body.includes(`/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/notice`), mail.body);
  assert.ok(mail.body.includes('请核对图纸版本及来料检验记录'));
  assert.equal(c.events.at(-1).kind, 'assigned');
  assert.equal(c.events.at(-1).actor_id, agent.id);
});

test('the notice PDF: the department named on it reads it although the complaint is outside its regions', async () => {
  const res = await fetch(`${srv.base}/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/notice`, { headers: { Authorization: `Bearer ${qc.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), new RegExp(`^inline; filename="complaint-notice-${qcNotice.notice_no}\\.pdf"`));
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' }).replace(/\s+/g, '');
  for (const s of ['投诉处理通知单', qcNotice.notice_no, '品质部', `回复期限${day(3)}`, '新到的立柱安装孔距比图纸大3毫米', '尺寸超差'])
    assert.ok(text.includes(s), `${s} in the notice`);
  // The same notice twice: the same bytes (drawn from the data, not the clock).
  const again = Buffer.from(await (await fetch(`${srv.base}/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/notice`, { headers: { Authorization: `Bearer ${qc.token}` } })).arrayBuffer());
  assert.deepEqual(again, pdf);
  await ok(await srv.req('GET', `/api/v1/complaints/${c.id}`, { token: qc.token }));
  assertError(await srv.req('GET', `/api/v1/complaints/${c.id}/assignments/999999/notice`, { token: qc.token }), 404, 'not_found');
});

test('documents (E3): the department adds a PDF; it is listed and served to whoever sees the complaint', async () => {
  const form = new FormData();
  form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), '现场照片.pdf');
  const res = await fetch(`${srv.base}/api/v1/complaints/${c.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${qc.token}` }, body: form });
  const up = await res.json();
  assert.equal(res.status, 201, JSON.stringify(up));
  assert.equal(up.owner_kind, 'complaint');
  assert.equal(up.kind, 'document');
  const got = await fetch(`${srv.base}/api/v1/attachments/${up.id}`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(got.status, 200);
  assert.equal((await got.arrayBuffer()).byteLength, 15);
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/${up.id}`, { headers: { Authorization: `Bearer ${agentJs.token}` } })).status, 404);
  c = await ok(await srv.req('GET', `/api/v1/complaints/${c.id}`, { token: agent.token }));
  assert.deepEqual(c.attachments.map((a) => a.name), ['现场照片.pdf']);
  assert.equal(c.events.at(-1).kind, 'attachment');
});

test('the callback before every answer is in: 409 naming the state', async () => {
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: c.version, satisfied: true } }),
    409, 'complaint_wrong_state', 'status');
});

const answer = { root_cause: '外协供应商使用了旧版图纸', corrective_action: '补发新版立柱十件并派人协助安装', preventive_action: '图纸变更书面通知全部外协供应商' };

test('answers: a third user gets 403; each department answers once; then the desk is told to call back', async () => {
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/answer`, { token: warehouse.token, body: answer }), 403, 'forbidden');
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/answer`, { token: qc.token, body: { root_cause: '旧图纸', corrective_action: '补发' } }),
    422, 'field_required', 'preventive_action');
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/answer`, { token: qc.token, body: answer }));
  assert.equal(c.status, 'assigned');                // one department still to answer
  assert.equal(c.assignments[0].answered, true);
  assert.equal(c.assignments[0].root_cause, answer.root_cause);
  assert.equal(c.assignments[0].answered_by, qc.id);
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/answer`, { token: qc.token, body: answer }), 409, 'notice_already_answered');
  // The engineering manager answers for the engineering department.
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${engNotice.id}/answer`, { token: eng.token, body: answer }));
  assert.equal(c.status, 'answered');
  assert.ok((await notifications(agent)).some((n) => n.subject.includes(c.number) && n.subject.includes('回访')));
});

test('callback not satisfied: back to assigned in round 2, the superior told again, the history kept', async () => {
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: c.version - 1, satisfied: false } }), 409, 'stale_version');
  const before = (await notifications(head)).length;
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: c.version, satisfied: false, note: '客户要求书面说明返工费用' } }));
  assert.equal(c.status, 'assigned');
  assert.equal(c.round, 2);
  assert.equal(c.callback_satisfied, false);
  assert.equal((await notifications(head)).length, before + 1);
  const cb = c.events.filter((e) => e.kind === 'callback');
  assert.equal(cb.length, 1);
  assert.equal(cb[0].detail.satisfied, false);
  assert.equal(cb[0].detail.round, 1);
  // Round 2 has no notice yet: nothing to answer, no callback.
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: c.version, satisfied: true } }), 409, 'complaint_wrong_state');
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/answer`, { token: qc.token, body: answer }), 409, 'notice_already_answered');
});

test('round 2: assign again, answer, callback satisfied, archive (E3)', async () => {
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/assign`, { token: agent.token, body: { version: c.version, departments: [{ department: 'quality', responsible_id: qc.id }] } }));
  const n3 = c.assignments[2];
  assert.equal(n3.notice_no, `${c.number}-3`);
  assert.equal(n3.round, 2);
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assign`, { token: agent.token, body: { version: c.version, departments: [{ department: 'quality', responsible_id: qc.id }] } }),
    422, 'department_already_assigned', 'departments[0].department');
  // The archive before the callback: 409 (the issue's own example).
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/archive`, { token: agent.token, body: { version: c.version } }), 409, 'complaint_wrong_state', 'status');
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${n3.id}/answer`, { token: head.token, body: { ...answer, root_cause: '书面说明已发客户' } }));
  assert.equal(c.status, 'answered');
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: c.version, satisfied: true, note: '零件已到，安装完成' } }));
  assert.equal(c.status, 'called_back');
  assert.equal(c.callback_satisfied, true);
  c = await ok(await srv.req('POST', `/api/v1/complaints/${c.id}/archive`, { token: agent.token, body: { version: c.version, note: '归档' } }));
  assert.equal(c.status, 'archived');
  assert.equal(c.read_only, true);
  assert.equal(c.archived_by, agent.id);
  assert.deepEqual(c.events.map((e) => e.kind), ['registered', 'reported', 'assigned', 'attachment', 'answered', 'answered', 'callback', 'reported', 'assigned', 'answered', 'callback', 'archived']);
  // Every change was audited.
  const audit = await ok(await srv.req('GET', `/api/v1/audit?entity=complaint&entity_id=${c.id}`, { token: admin.token }));
  assert.deepEqual(audit.items.map((a) => a.action).reverse(), ['create', 'assign', 'attachment', 'answer', 'answer', 'callback', 'assign', 'answer', 'callback', 'archive']);
});

test('archived: read-only (409 complaint_archived) yet readable and found by q=', async () => {
  const v = c.version;
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assign`, { token: agent.token, body: { version: v, departments: [{ department: 'sales', responsible_id: qc.id }] } }), 409, 'complaint_archived');
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/assignments/${c.assignments[2].id}/answer`, { token: qc.token, body: answer }), 409, 'complaint_archived');
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/callback`, { token: agent.token, body: { version: v, satisfied: true } }), 409, 'complaint_archived');
  assertError(await srv.req('POST', `/api/v1/complaints/${c.id}/archive`, { token: agent.token, body: { version: v } }), 409, 'complaint_archived');
  const form = new FormData();
  form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), '补充.pdf');
  const up = await fetch(`${srv.base}/api/v1/complaints/${c.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${agent.token}` }, body: form });
  assert.equal(up.status, 409);
  assert.equal((await up.json()).error.code, 'complaint_archived');
  for (const q of [c.number, '孔距比图纸大', '杭州华信']) {
    const list = await ok(await srv.req('GET', `/api/v1/complaints?q=${encodeURIComponent(q)}`, { token: agent.token }));
    assert.deepEqual(list.items.map((k) => k.id), [c.id], q);
  }
  // The complainant and the phone: the other customer's complaint has the same contact
  // (customerBody's 李娜), taken as its complainant by default.
  for (const q of ['李娜', '13800001111']) {
    const list = await ok(await srv.req('GET', `/api/v1/complaints?q=${encodeURIComponent(q)}`, { token: agent.token }));
    assert.ok(list.items.some((k) => k.id === c.id), q);
  }
  const archived = await ok(await srv.req('GET', '/api/v1/complaints?archived=true', { token: agent.token }));
  assert.deepEqual(archived.items.map((k) => k.id), [c.id]);
  const open = await ok(await srv.req('GET', '/api/v1/complaints?archived=false', { token: agent.token }));
  assert.ok(!open.items.some((k) => k.id === c.id));
});

test('the complaint form PDF holds the notices, answers, callbacks and documents', async () => {
  const res = await fetch(`${srv.base}/api/v1/complaints/${c.id}/form`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(res.status, 200);
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' }).replace(/\s+/g, '');
  for (const s of ['投诉处理单', `${c.number}-1`, `${c.number}-3`, '外协供应商使用了旧版图纸', '客户要求书面说明返工费用', '零件已到，安装完成', '不满意', '已归档', '现场照片.pdf'])
    assert.ok(text.includes(s), `${s} in the form`);
});

test('skipping steps: archive, callback or answer of a registered complaint are 409', async () => {
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'email', facts: '发票抬头错误', category: 'billing', severity: 'minor' } }), 201);
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/archive`, { token: agent.token, body: { version: k.version } }), 409, 'complaint_wrong_state', 'status');
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/callback`, { token: agent.token, body: { version: k.version, satisfied: true } }), 409, 'complaint_wrong_state', 'status');
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/1/answer`, { token: head.token, body: answer }), 409, 'complaint_wrong_state', 'status');
  const again = await ok(await srv.req('GET', `/api/v1/complaints/${k.id}`, { token: agent.token }));
  assert.equal(again.status, 'registered');
  assert.equal(again.version, k.version);
});

test('repeat complaints: the same customer and class within complaint.repeat_days are flagged (E4)', async () => {
  // surface_finish is a sibling of dimension_tolerance (the first complaint's class) under
  // product: another class, no repeat.
  const s = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '表面有划痕', category: 'surface_finish', severity: 'minor' } }), 201);
  assert.equal(s.repeat, false);
  assert.equal(s.repeat_of, null);
  // The same class as dimension_tolerance: the category itself.
  const d = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '又一批立柱尺寸不对', category: 'dimension_tolerance', severity: 'major' } }), 201);
  assert.equal(d.repeat, true);
  assert.equal(d.repeat_of, c.id);
  assert.equal(d.repeat_of_number, c.number);
  // 'product' is above both: the latest of them (d) is the one repeated.
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '产品质量总体不满意', category: 'product', severity: 'major' } }), 201);
  assert.equal(k.repeat_of, d.id);
  // Another customer with the same class: no repeat (its only complaint was service_attitude).
  const o = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: other.id, channel: 'hotline', facts: '尺寸不对', category: 'dimension_tolerance', severity: 'minor' } }), 201);
  assert.equal(o.repeat, false);
  const list = await ok(await srv.req('GET', '/api/v1/complaints?repeat=true', { token: agent.token }));
  assert.deepEqual(list.items.map((x) => x.id), [k.id, d.id]);
  const first = await ok(await srv.req('GET', `/api/v1/complaints?repeat=false&customer_id=${customer.id}&category=product`, { token: agent.token }));
  assert.deepEqual(first.items.map((x) => x.id).sort((a, b) => a - b), [c.id, s.id]);
  // The category filter takes the subtree: product finds its children too.
  const tree = await ok(await srv.req('GET', `/api/v1/complaints?category=product&customer_id=${customer.id}`, { token: agent.token }));
  assert.deepEqual(tree.items.map((x) => x.id).sort((a, b) => a - b), [c.id, s.id, d.id, k.id]);
});

test('overdue: an unanswered notice past its due date is flagged and filtered', async () => {
  const received = new Date(Date.now() - 10 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: other.id, channel: 'letter', facts: '配送延误', category: 'delivery', severity: 'minor', received_at: received } }), 201);
  const a = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments: [
    { department: 'warehouse', responsible_id: warehouse.id, due_date: day(-5) },
  ] } }));
  assert.equal(a.assignments[0].overdue, true);
  assert.equal(a.overdue, true);
  // A due date before the complaint was received is refused.
  const k2 = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: other.id, channel: 'letter', facts: '配送延误2', category: 'delivery', severity: 'minor' } }), 201);
  assertError(await srv.req('POST', `/api/v1/complaints/${k2.id}/assign`, { token: agent.token, body: { version: k2.version, departments: [{ department: 'warehouse', responsible_id: warehouse.id, due_date: day(-1) }] } }),
    422, 'end_before_start', 'departments[0].due_date');
  const due = await ok(await srv.req('POST', `/api/v1/complaints/${k2.id}/assign`, { token: agent.token, body: { version: k2.version, departments: [{ department: 'warehouse', responsible_id: warehouse.id, due_date: day() }] } }));
  assert.equal(due.assignments[0].overdue, false);   // due today: still in time
  const list = await ok(await srv.req('GET', '/api/v1/complaints?overdue=true', { token: agent.token }));
  assert.deepEqual(list.items.map((x) => x.id), [k.id]);
});

test('the category tree: read by staff, edited by the administrator, never a cycle, audited (E4)', async () => {
  const tree = (await ok(await srv.req('GET', '/api/v1/complaint-categories', { token: agent.token }))).items;
  const product = tree.find((t) => t.code === 'product');
  assert.deepEqual(product.children.map((t) => t.code), ['drawing_mismatch', 'dimension_tolerance', 'hole_position', 'surface_treatment', 'surface_finish']);
  assert.deepEqual(tree.map((t) => t.code), ['product', 'service', 'other']);
  const body = { code: 'install_quality', parent_code: 'service', label_zh: '安装质量', sort: 5 };
  assertError(await srv.req('POST', '/api/v1/complaint-categories', { token: agent.token, body }), 403, 'forbidden');
  assertError(await srv.req('POST', '/api/v1/complaint-categories', { token: head.token, body }), 403, 'forbidden');
  const made = await ok(await srv.req('POST', '/api/v1/complaint-categories', { token: admin.token, body }), 201);
  assert.equal(made.parent_code, 'service');
  assertError(await srv.req('POST', '/api/v1/complaint-categories', { token: admin.token, body }), 409, 'duplicate', 'code');
  assertError(await srv.req('POST', '/api/v1/complaint-categories', { token: admin.token, body: { ...body, code: 'Install' } }), 422, 'invalid_category_code', 'code');
  assertError(await srv.req('POST', '/api/v1/complaint-categories', { token: admin.token, body: { ...body, code: 'x1', parent_code: 'nope' } }), 422, 'unknown_category', 'parent_code');
  // A cycle: product under its own child, or under itself.
  assertError(await srv.req('PATCH', '/api/v1/complaint-categories/product', { token: admin.token, body: { parent_code: 'drawing_mismatch' } }), 422, 'category_cycle', 'parent_code');
  assertError(await srv.req('PATCH', '/api/v1/complaint-categories/product', { token: admin.token, body: { parent_code: 'product' } }), 422, 'category_cycle', 'parent_code');
  assertError(await srv.req('PATCH', '/api/v1/complaint-categories/no_such', { token: admin.token, body: { label_zh: '无' } }), 404, 'not_found');
  assertError(await srv.req('PATCH', '/api/v1/complaint-categories/%E6%97%A0', { token: admin.token, body: { label_zh: '无' } }), 404, 'not_found');
  // Moved under product and disabled: new complaints cannot use it.
  const moved = await ok(await srv.req('PATCH', '/api/v1/complaint-categories/install_quality', { token: admin.token, body: { parent_code: 'product', disabled: true, label_zh: '安装质量问题' } }));
  assert.equal(moved.parent_code, 'product');
  assert.equal(moved.disabled, true);
  assertError(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '安装不牢', category: 'install_quality', severity: 'minor' } }),
    422, 'category_disabled', 'category');
  const after = (await ok(await srv.req('GET', '/api/v1/complaint-categories', { token: agent.token }))).items;
  assert.ok(after.find((t) => t.code === 'product').children.some((t) => t.code === 'install_quality' && t.label_zh === '安装质量问题'));
  const audit = await ok(await srv.req('GET', '/api/v1/audit?entity=complaint_category', { token: admin.token }));
  assert.deepEqual(audit.items.map((a) => a.action).reverse(), ['create', 'update']);
});

test('scope: a desk of another region gets 404 and an empty list', async () => {
  assertError(await srv.req('GET', `/api/v1/complaints/${c.id}`, { token: agentJs.token }), 404, 'not_found');
  assertError(await srv.req('GET', `/api/v1/complaints/${c.id}/form`, { token: agentJs.token }), 404, 'not_found');
  assertError(await srv.req('GET', `/api/v1/complaints/${c.id}/assignments/${qcNotice.id}/notice`, { token: agentJs.token }), 404, 'not_found');
  const list = await ok(await srv.req('GET', '/api/v1/complaints', { token: agentJs.token }));
  assert.equal(list.total, 0);
  // Nor can it register for a customer it cannot see.
  assertError(await srv.req('POST', '/api/v1/complaints', { token: agentJs.token, body: { customer_id: customer.id, channel: 'hotline', facts: 'x', category: 'billing', severity: 'minor' } }),
    422, 'unknown_customer', 'customer_id');
});

test('bad input is refused naming the field', async () => {
  const good = { customer_id: customer.id, channel: 'hotline', facts: '事实', category: 'billing', severity: 'minor' };
  const cases = [
    [{ ...good, facts: undefined }, 422, 'field_required', 'facts'],
    [{ ...good, facts: '' }, 422, 'field_required', 'facts'],
    [{ ...good, channel: 'fax' }, 422, 'invalid_choice', 'channel'],
    [{ ...good, severity: 'huge' }, 422, 'invalid_choice', 'severity'],
    [{ ...good, category: 'nope' }, 422, 'unknown_category', 'category'],
    [{ ...good, ticket_id: otherTicket.id }, 422, 'link_not_customers', 'ticket_id'],
    [{ ...good, ticket_id: 999999 }, 422, 'unknown_ticket', 'ticket_id'],
    [{ ...good, visit_id: 999999 }, 422, 'unknown_visit', 'visit_id'],
    [{ ...good, occurred_on: '2026-02-30' }, 422, 'invalid_date', 'occurred_on'],
    [{ ...good, occurred_on: day(2) }, 422, 'date_in_future', 'occurred_on'],
    [{ ...good, received_at: '2999-01-01T00:00:00+08:00' }, 422, 'time_in_future', 'received_at'],
    [{ ...good, colour: 'red' }, 400, 'unknown_field', 'colour'],
    [{ ...good, customer_id: 'x' }, 400, 'wrong_type', 'customer_id'],
  ];
  for (const [body, status, code, field] of cases)
    assertError(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body }), status, code, field);
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: good }), 201);
  const assign = (departments) => srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments } });
  assertError(await assign([]), 422, 'field_required', 'departments');
  assertError(await assign([{ department: 'kitchen', responsible_id: qc.id }]), 422, 'invalid_choice', 'departments[0].department');
  assertError(await assign([{ department: 'quality' }]), 422, 'field_required', 'departments[0].responsible_id');
  assertError(await assign([{ department: 'quality', responsible_id: 999999 }]), 422, 'unknown_user', 'departments[0].responsible_id');
  assertError(await assign([{ department: 'quality', responsible_id: qc.id }, { department: 'quality', responsible_id: eng.id }]), 422, 'department_already_assigned', 'departments[1].department');
  for (const q of ['status=open', 'repeat=yes', 'overdue=false', 'received_from=2026-13-01', 'severity=x', 'color=red'])
    assert.equal((await srv.req('GET', `/api/v1/complaints?${q}`, { token: agent.token })).status, 400, q);
  const dated = await ok(await srv.req('GET', `/api/v1/complaints?received_from=${day()}&received_to=${day()}&customer_id=${customer.id}&status=registered`, { token: agent.token }));
  assert.ok(dated.items.some((x) => x.id === k.id));
});

// ---- found in review ------------------------------------------------------------------

test('repeat_days counts local days and includes the last one (以内, SPEC: Civil Code art. 1259)', async () => {
  // complaint.repeat_days is 365. Today's complaint repeats one received on the local day
  // 365 days ago — even at 00:01, earlier in the day than now — but not one received on the
  // day before that (366 days ago at 23:59).
  const x = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '杭州边界一号有限公司' }) }), 201);
  const y = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '杭州边界二号有限公司' }) }), 201);
  const reg = (customer, received_at) => srv.req('POST', '/api/v1/complaints', { token: agent.token,
    body: { customer_id: customer.id, channel: 'hotline', facts: '发票开错', category: 'billing', severity: 'minor', ...(received_at ? { received_at } : {}) } });
  const out = await ok(await reg(x, `${day(-366)}T23:59:00+08:00`), 201);
  const xNow = await ok(await reg(x), 201);
  assert.equal(xNow.repeat, false, `366 days before is outside: ${out.received_at}`);
  const inside = await ok(await reg(y, `${day(-365)}T00:01:00+08:00`), 201);
  const yNow = await ok(await reg(y), 201);
  assert.equal(yNow.repeat, true, `365 days before is inside: ${inside.received_at}`);
  assert.equal(yNow.repeat_of, inside.id);
});

// 'a' + n characters of ch: a text whose byte length is not a multiple of three, so a cut
// at a fixed byte count lands inside a character.
const odd = (ch, n) => 'a' + ch.repeat(n);
const clean = (s) => typeof s === 'string' && !s.includes('\uFFFD');

test('long Chinese texts: the messages to the superior, the department and the desk stay whole UTF-8', async () => {
  const named = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: odd('华', 99) }) }), 201);
  const facts = odd('长', 1999);
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token,
    body: { customer_id: named.id, channel: 'hotline', facts, demand: odd('求', 999), category: 'delivery', severity: 'minor' } }), 201);
  const told = (await notifications(head)).filter((n) => n.subject.includes(k.number));
  assert.equal(told.length, 1);
  assert.ok(clean(told[0].subject) && clean(told[0].body), JSON.stringify(told[0]));
  assert.ok(told[0].body.includes('a长长长'), told[0].body);
  const a = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token,
    body: { version: k.version, departments: [{ department: 'purchasing', responsible_id: eng.id, instructions: 'b' + odd('令', 998) }] } }));
  const notice = (await notifications(eng)).find((n) => n.subject.includes(a.assignments[0].notice_no));
  assert.ok(notice && clean(notice.body) && notice.body.includes('ba令令'), JSON.stringify(notice));
  const answered = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${a.assignments[0].id}/answer`, { token: eng.token, body: answer }));
  const before = (await notifications(head)).length;
  await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/callback`, { token: agent.token, body: { version: answered.version, satisfied: false, note: odd('意', 499) } }));
  const again = await notifications(head);
  assert.equal(again.length, before + 1);
  assert.ok(again.every((n) => clean(n.subject) && clean(n.body)));
});

test('the engineering manager answers for the engineering department only; the person named for any', async () => {
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '安装队迟到', category: 'response_time', severity: 'minor' } }), 201);
  const a = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments: [
    { department: 'engineering', responsible_id: warehouse.id }, { department: 'quality', responsible_id: qc.id }] } }));
  const [engineering, quality] = a.assignments;
  // Not named on the quality notice, not the quality department's head: 403.
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${quality.id}/answer`, { token: eng.token, body: answer }), 403, 'forbidden');
  // The person named on the engineering notice is the warehouse user; the engineering
  // manager may still answer it, the warehouse user may not answer the quality one.
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${quality.id}/answer`, { token: warehouse.token, body: answer }), 403, 'forbidden');
  const r = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${engineering.id}/answer`, { token: eng.token, body: answer }));
  assert.equal(r.assignments[0].answered_by, eng.id);
  // A notice of another complaint through this complaint's path: 404.
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${qcNotice.id}/answer`, { token: qc.token, body: answer }), 404, 'not_found');
});

test('scope: being named on one notice opens that complaint only; another region cannot add files', async () => {
  const list = await ok(await srv.req('GET', '/api/v1/complaints?page_size=100', { token: qc.token }));
  // qc (Beijing grants only) is named on c's notices and on the one above: nothing else.
  for (const k of list.items)
    assert.ok(k.assignments.some((n) => n.responsible_id === qc.id), `qc sees ${k.number}`);
  assert.ok(list.items.some((k) => k.id === c.id));
  const form = new FormData();
  form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), 'x.pdf');
  const k = list.items.find((x) => x.status !== 'archived') || list.items[0];
  const up = await fetch(`${srv.base}/api/v1/complaints/${k.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${agentJs.token}` }, body: form });
  assert.equal(up.status, 404);
});

test('the form prints a document with a long Chinese name (cut on a character, not a byte)', async () => {
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '资料不全', category: 'delivery', severity: 'minor' } }), 201);
  const name = odd('图', 80) + '.pdf';
  const form = new FormData();
  form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), name);
  const up = await fetch(`${srv.base}/api/v1/complaints/${k.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${agent.token}` }, body: form });
  assert.equal(up.status, 201, await up.text());
  const res = await fetch(`${srv.base}/api/v1/complaints/${k.id}/form`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: Buffer.from(await res.arrayBuffer()), encoding: 'utf8' }).replace(/\s+/g, '');
  assert.ok(text.includes('a' + '图'.repeat(60)), 'the name, cut at a character boundary, is on the form');
});

test('no more notices than the complaint form can print: the 51st is refused naming the field', async () => {
  // 8 departments a round (the dictionary), answered by the administrator (management may
  // answer for any department) and called back dissatisfied: rounds 1-6 hold 48 notices;
  // round 7 takes 2 more (50 = NOTICE_MAX_NOTICES) and then no third.
  const departments = ['after_sales', 'engineering', 'quality', 'production', 'purchasing', 'warehouse', 'sales', 'finance'];
  let k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: other.id, channel: 'hotline', facts: '反复不满意', category: 'service_attitude', severity: 'minor' } }), 201);
  for (let round = 1; round <= 6; round++) {
    k = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments: departments.map((d) => ({ department: d, responsible_id: eng.id })) } }));
    for (const n of k.assignments.filter((x) => x.round === round))
      k = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assignments/${n.id}/answer`, { token: admin.token, body: answer }));
    k = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/callback`, { token: agent.token, body: { version: k.version, satisfied: false } }));
  }
  assert.equal(k.assignments.length, 48);
  k = await ok(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments: departments.slice(0, 2).map((d) => ({ department: d, responsible_id: eng.id })) } }));
  assertError(await srv.req('POST', `/api/v1/complaints/${k.id}/assign`, { token: agent.token, body: { version: k.version, departments: [{ department: 'quality', responsible_id: eng.id }] } }),
    422, 'too_many_items', 'departments');
  const res = await fetch(`${srv.base}/api/v1/complaints/${k.id}/form`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(res.status, 200, await res.clone().text());
});

test('no more documents than the complaint form can list: the 201st is refused naming the field', async () => {
  const k = await ok(await srv.req('POST', '/api/v1/complaints', { token: agent.token, body: { customer_id: customer.id, channel: 'hotline', facts: '资料很多', category: 'delivery', severity: 'minor' } }), 201);
  const upload = async (i) => {
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), `第${i}页.pdf`);
    const res = await fetch(`${srv.base}/api/v1/complaints/${k.id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${agent.token}` }, body: form });
    return { status: res.status, body: await res.json() };
  };
  // NOTICE_MAX_ATTACHMENTS = 200 rows in the form's list of documents.
  for (let i = 1; i <= 200; i++) assert.equal((await upload(i)).status, 201, `upload ${i}`);
  const last = await upload(201);
  assert.equal(last.status, 422, JSON.stringify(last.body));
  assert.equal(last.body.error.code, 'too_many_items');
  assert.equal(last.body.error.field, 'file');
  const res = await fetch(`${srv.base}/api/v1/complaints/${k.id}/form`, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.equal(res.status, 200, await res.clone().text());
});

test('complaint.report_roles and complaint.critical_report_roles take only staff role names', async () => {
  for (const key of ['complaint.report_roles', 'complaint.critical_report_roles']) {
    for (const value of ['boss', 'department_head,dealer', 'customer', 'gm,gm', 'gm,', ',gm', 'gm vice_gm', 'GM']) {
      const r = await srv.req('PUT', `/api/v1/settings/${key}`, { token: admin.token, body: { value, version: 0 } });
      assertError(r, 422, 'invalid_setting_value', 'value');
    }
  }
  const r = await srv.req('PUT', '/api/v1/settings/complaint.report_roles', { token: admin.token, body: { value: 'department_head,engineering_manager', version: 0 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.value, 'department_head,engineering_manager');
});
