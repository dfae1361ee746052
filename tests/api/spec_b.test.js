// spec_b.test.js — walks SPEC.md §B (installed base and warranty, rules 1) item by item, each
// title quoting the sentence it checks, with the parts of §L every part must have as they
// apply to projects, units and cards. The seed passage is 售后部门管理细则1 1)–3):
// "我公司对所出售的产品提供从产品验收之日起一年的免费保修 … 若厂家免费质保超过壹年的，按厂家规定保修；
// 并将向业主提供完善的终身有偿维护的保障售后服务" and "业主发出保修卡，在工程竣工后一个月内发出，
// 保修卡的内容包括工程业主的称谓：我公司关于保修的原则和目的，我们负责保修的部门和人员".
//
// B1 Projects (工程项目) and equipment units (serial number, model, category, supplier,
//    production batch, install site, completion date, acceptance date).
// B2 Warranty: free for one year from the acceptance date; where the manufacturer's free
//    warranty is longer, the manufacturer's term applies; after that, lifetime paid
//    maintenance. Warranty status is computed per unit for any date. Periods of years and
//    months are counted as the PRC Civil Code counts them (arts. 201–202): the starting day
//    is not counted; the period ends on the same-numbered day of its final month, or on that
//    month's last day where it has none. The same rule sets every "every N months" schedule
//    (D1) and every "within one month" deadline (B4).
// B3 In warranty: replacement units and parts free (for equipment the company sold). Out of
//    warranty: parts charged at the manufacturer's price list.
// B4 Warranty card (保修卡) issued within one month of project completion, stating the
//    owner's name, the warranty principles and purpose, and the responsible department and
//    staff; the system produces the printable card and tracks whether it went out on time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody, driver } from './lib/harness.js';

let srv;
let admin;
let customer;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  customer = await must('POST', '/api/v1/customers', customerBody({ name: '杭州华信科技有限公司' }), 201);
});
after(async () => { await srv.stop(); });

function tag() {
  return 'zb' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

async function must(method, path, body, status = 200, token = admin.token) {
  const r = await srv.req(method, path, { token, body });
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.body;
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.equal(r.body?.error?.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.ok(r.body.error.message);
}

function project(overrides = {}, token = admin.token) {
  return must('POST', '/api/v1/projects', {
    customer_id: customer.id, name: `华信大厦安防工程${tag()}`, site_region_code: '330106', site_address: '文三路90号',
    completion_date: '2026-01-10', acceptance_date: '2026-01-31', ...overrides,
  }, 201, token);
}

function unit(projectId, overrides = {}, token = admin.token) {
  return must('POST', '/api/v1/equipment', {
    project_id: projectId, serial_no: `SN-${tag()}`, model: 'DS-7816N-K2', name: '网络硬盘录像机', category: 'surveillance', ...overrides,
  }, 201, token);
}

const warranty = (u, date) => must('GET', `/api/v1/equipment/${u.id}/warranty?date=${date}`);

// ---- B1 ------------------------------------------------------------------------------------

// EVIDENCE: SPEC B1
test('B1 "Projects (工程项目) and equipment units (serial number, model, category, supplier, production batch, install site, completion date, acceptance date)" are recorded and read back', async () => {
  const supplierId = 9300 + Math.floor(Math.random() * 500);
  const insert = `INSERT INTO suppliers (id, name, created_at, updated_at) VALUES (${supplierId}, '海康威视数字技术股份有限公司', 0, 0)`;
  if (driver === 'sqlite') execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db.url.slice('sqlite:'.length), insert]);
  else execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', srv.db.url, '-c', insert], { stdio: ['ignore', 'ignore', 'inherit'] });
  const p = await project({ completion_date: '2026-01-10', acceptance_date: '2026-01-31' });
  const u = await unit(p.id, { category: 'parking', supplier_id: supplierId, batch: '2025-11批', install_site: '地下车库入口', acceptance_date: '2026-02-05' });
  const got = await must('GET', `/api/v1/equipment/${u.id}`);
  assert.equal(got.serial_no, u.serial_no);
  assert.equal(got.model, 'DS-7816N-K2');
  assert.equal(got.category, 'parking');
  assert.equal(got.category_label, '停车场管理');
  assert.equal(got.supplier_id, supplierId);
  assert.equal(got.supplier_name, '海康威视数字技术股份有限公司');
  assert.equal(got.batch, '2025-11批');
  assert.equal(got.install_site, '地下车库入口');
  assert.equal(got.acceptance_date, '2026-02-05');
  assert.equal(got.project_id, p.id);
  const gotProject = await must('GET', `/api/v1/projects/${p.id}`);
  assert.equal(gotProject.completion_date, '2026-01-10');
  assert.equal(gotProject.acceptance_date, '2026-01-31');
  const units = await must('GET', `/api/v1/equipment?project_id=${p.id}`);
  assert.deepEqual(units.items.map((x) => x.id), [u.id]);
});

// EVIDENCE: SPEC B1
test('B1 a serial number identifies one live unit of a model: a second live unit with it is 409, another model or a deleted unit is fine', async () => {
  const p = await project();
  const u = await unit(p.id, { model: 'B1-M' });
  assertError(await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: { project_id: p.id, serial_no: u.serial_no, model: 'B1-M' } }), 409, 'duplicate', 'serial_no');
  await unit(p.id, { serial_no: u.serial_no, model: 'B1-N' });
  assert.equal((await srv.req('DELETE', `/api/v1/equipment/${u.id}?version=1`, { token: admin.token })).status, 204);
  await unit(p.id, { serial_no: u.serial_no, model: 'B1-M' });
});

// ---- B2 ------------------------------------------------------------------------------------

// EVIDENCE: SPEC B2
test('B2 "free for one year from the acceptance date": accepted 2026-01-31, free from that day through 2027-01-31', async () => {
  const u = await unit((await project({ acceptance_date: '2026-01-31' })).id);
  for (const date of ['2026-01-31', '2026-07-01', '2027-01-31']) {
    const w = await warranty(u, date);
    assert.equal(w.state, 'in_warranty', date);
    assert.equal(w.basis, 'company');
    assert.equal(w.months, 12);
    assert.equal(w.first_day, '2026-01-31');
    assert.equal(w.last_day, '2027-01-31');
  }
  const earlier = await warranty(u, '2026-01-30');
  assert.equal(earlier.state, 'not_accepted', 'before acceptance the free year has not begun');
});

// EVIDENCE: SPEC B2
test('B2 "one year" is the setting warranty.company_months, the rulebook\'s 12 by default, and an administrator\'s change applies', async () => {
  const settings = await must('GET', '/api/v1/settings');
  const row = settings.items.find((s) => s.key === 'warranty.company_months');
  assert.equal(row.default, 12);
  assert.equal(row.origin, 'rulebook');
  const u = await unit((await project({ acceptance_date: '2026-01-31' })).id);
  const changed = await must('PUT', '/api/v1/settings/warranty.company_months', { value: 18, version: row.version });
  try {
    const w = await warranty(u, '2027-07-31');
    assert.equal(w.state, 'in_warranty');
    assert.equal(w.last_day, '2027-07-31');
    assert.equal(w.company_months, 18);
  } finally {
    await must('PUT', '/api/v1/settings/warranty.company_months', { value: 12, version: changed.version });
  }
  assert.equal((await warranty(u, '2027-07-31')).state, 'paid_maintenance');
});

// EVIDENCE: SPEC B2
test('B2 "where the manufacturer\'s free warranty is longer, the manufacturer\'s term applies" — 36 months from 2026-01-31 end on 2029-01-31', async () => {
  const p = await project({ acceptance_date: '2026-01-31' });
  const longer = await warranty(await unit(p.id, { manufacturer_months: 36 }), '2028-06-01');
  assert.equal(longer.state, 'in_warranty');
  assert.equal(longer.basis, 'manufacturer');
  assert.equal(longer.reason, 'manufacturer_term_longer');
  assert.equal(longer.last_day, '2029-01-31');
  assert.match(longer.text, /厂家免费保修36个月/);
  // 超过壹年: strictly longer. The same 12 months is not longer; 11 months is shorter.
  assert.equal((await warranty(await unit(p.id, { manufacturer_months: 12 }), '2026-06-01')).basis, 'equal');
  const shorter = await warranty(await unit(p.id, { manufacturer_months: 11 }), '2027-01-31');
  assert.equal(shorter.basis, 'company');
  assert.equal(shorter.state, 'in_warranty');
});

// EVIDENCE: SPEC B2
test('B2 "after that, lifetime paid maintenance": the day after the last free day, and decades later, it is paid maintenance', async () => {
  const u = await unit((await project({ acceptance_date: '2026-01-31' })).id);
  for (const date of ['2027-02-01', '2046-01-31']) {
    const w = await warranty(u, date);
    assert.equal(w.state, 'paid_maintenance', date);
    assert.equal(w.reason, 'expired_paid_maintenance');
    assert.match(w.text, /终身有偿维修/);
  }
});

// EVIDENCE: SPEC B2
test('B2 "Warranty status is computed per unit for any date": units of one project answer each by its own terms', async () => {
  const p = await project({ acceptance_date: '2026-01-31' });
  const plain = await unit(p.id);
  const maker = await unit(p.id, { manufacturer_months: 24 });
  const late = await unit(p.id, { acceptance_date: '2026-06-30' });
  const date = '2027-03-01';
  assert.equal((await warranty(plain, date)).state, 'paid_maintenance');
  assert.equal((await warranty(maker, date)).state, 'in_warranty');
  const w = await warranty(late, date);
  assert.equal(w.state, 'in_warranty');
  assert.equal(w.acceptance_source, 'equipment');
  assert.equal(w.last_day, '2027-06-30');
  assert.equal((await warranty(plain, '1999-01-01')).state, 'not_accepted', 'any date: long before');
  assert.equal((await warranty(plain, '9000-01-01')).state, 'paid_maintenance', 'any date: long after');
  assert.equal((await must('GET', `/api/v1/equipment/${plain.id}/warranty`)).date, today(), 'today when no date is asked');
});

// EVIDENCE: SPEC B2
test('B2 "the starting day is not counted; the period ends on the same-numbered day of its final month, or on that month\'s last day where it has none"', async () => {
  const p = await project({ acceptance_date: null, completion_date: null });
  const cases = [
    ['2026-03-15', 12, '2027-03-15'],
    ['2026-01-31', 12, '2027-01-31'],
    ['2024-02-29', 12, '2025-02-28'], // 2025 has no 29 February
    ['2026-08-31', 18, '2028-02-29'], // the final month is February of a leap year
    ['2026-05-31', 16, '2027-09-30'], // September has no 31st
  ];
  for (const [accepted, makerMonths, last] of cases) {
    const u = await unit(p.id, { acceptance_date: accepted, manufacturer_months: makerMonths > 12 ? makerMonths : 0 });
    const w = await warranty(u, last);
    assert.equal(w.last_day, last, `${accepted} + ${makerMonths}`);
    assert.equal(w.state, 'in_warranty', `${accepted}: the last day belongs to the period`);
    const next = new Date(`${last}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    assert.equal((await warranty(u, next.toISOString().slice(0, 10))).state, 'paid_maintenance');
  }
});

// EVIDENCE: SPEC B2, B4
test('B2 "The same rule sets … every \'within one month\' deadline (B4)": completed 2025-01-31, the card is due 2025-02-28', async () => {
  const p = await project({ completion_date: '2025-01-31', acceptance_date: '2025-01-31' });
  assert.equal(p.card.due_on, '2025-02-28');
  const q = await project({ completion_date: '2025-02-28', acceptance_date: '2025-02-28' });
  assert.equal(q.card.due_on, '2025-03-28');
});

// ---- B3 ------------------------------------------------------------------------------------

// EVIDENCE: SPEC B3
test('B3 "In warranty: replacement units and parts free (for equipment the company sold)"', async () => {
  const p = await project({ acceptance_date: '2026-01-31' });
  const sold = await warranty(await unit(p.id), '2026-06-01');
  assert.equal(sold.state, 'in_warranty');
  assert.equal(sold.replacement_free, true);
  assert.equal(sold.parts_charged, false);
  // On site but bought elsewhere: the maker's term may cover it, the company replaces nothing free.
  const bought = await warranty(await unit(p.id, { sold_by_company: false, manufacturer_months: 24 }), '2026-06-01');
  assert.equal(bought.state, 'in_warranty');
  assert.equal(bought.basis, 'manufacturer_only');
  assert.equal(bought.replacement_free, false);
  const none = await warranty(await unit(p.id, { sold_by_company: false }), '2026-06-01');
  assert.equal(none.state, 'paid_maintenance');
  assert.equal(none.reason, 'not_sold_by_company');
});

// EVIDENCE: SPEC B3
test('B3 "Out of warranty: parts charged at the manufacturer\'s price list"', async () => {
  const u = await unit((await project({ acceptance_date: '2026-01-31' })).id);
  const w = await warranty(u, '2027-02-01');
  assert.equal(w.replacement_free, false);
  assert.equal(w.parts_charged, true);
  assert.match(w.text, /配件按厂家价目表收费/);
});

// ---- B4 ------------------------------------------------------------------------------------

// EVIDENCE: SPEC B4
test('B4 "Warranty card (保修卡) issued within one month of project completion" — on the last day it is on time, the day after it is late', async () => {
  const onTime = await project({ completion_date: '2025-03-31', acceptance_date: '2025-03-31' });
  const late = await project({ completion_date: '2025-03-31', acceptance_date: '2025-03-31' });
  assert.equal(onTime.card.due_on, '2025-04-30');
  const a = await must('POST', `/api/v1/projects/${onTime.id}/warranty-card`, { issued_on: '2025-04-30', method: 'in_person', version: 1 });
  const b = await must('POST', `/api/v1/projects/${late.id}/warranty-card`, { issued_on: '2025-05-01', method: 'post', version: 1 });
  assert.equal(a.card.status, 'issued');
  assert.equal(b.card.status, 'issued_late');
  assert.equal(b.card.days_late, 1);
  assert.match(a.card.number, /^BXK-20250430-\d{4}$/);
  assertError(await srv.req('POST', `/api/v1/projects/${late.id}/warranty-card`, { token: admin.token, body: { method: 'post', version: b.version } }), 409, 'card_already_issued');
});

// EVIDENCE: SPEC B4
test('B4 "stating the owner\'s name, the warranty principles and purpose, and the responsible department and staff" — the printable card says each', async () => {
  const pm = srv.user('project_manager', { name: `pm_${tag()}` });
  const p = await project({ project_manager_id: pm.id, completion_date: '2026-01-10', acceptance_date: '2026-01-31' });
  const u = await unit(p.id, { manufacturer_months: 24 });
  const issued = await must('POST', `/api/v1/projects/${p.id}/warranty-card`, { issued_on: '2026-02-05', method: 'post', version: 1 });
  assertError(await srv.req('GET', `/api/v1/projects/${p.id}/warranty-card`, { token: admin.token }), 422, 'setting_unset', 'company.name');
  const s = await must('PUT', '/api/v1/settings/company.name', { value: '海口天赏电子科技有限公司', version: 0 });
  assert.equal(s.value, '海口天赏电子科技有限公司');
  const res = await fetch(`${srv.base}/api/v1/projects/${p.id}/warranty-card`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' }).replace(/\s+/g, '');
  assert.ok(text.includes('保修卡'), 'the title');
  assert.ok(text.includes('杭州华信科技有限公司'), 'the owner\'s name (工程业主的称谓)');
  assert.ok(text.includes('海口天赏电子科技有限公司'), 'the company that gives the warranty');
  assert.ok(text.includes(issued.card.number), 'the card number');
  assert.ok(text.includes('坚持质量第一'), 'the principles and purpose (保修的原则和目的)');
  assert.ok(text.includes('售后服务部'), 'the responsible department (负责保修的部门)');
  assert.ok(text.includes(pm.username), 'the responsible staff: the project manager (负责保修的人员)');
  assert.ok(text.includes(u.serial_no), 'the unit');
  assert.ok(text.includes('2028-01-31') || text.includes('2028年1月31日'), 'the unit\'s last free day by the maker\'s longer term');
  assert.ok(text.includes('未登记'), 'no phone invented while the setting has none');
  // How to reach the responsible department comes from settings an administrator fills in.
  await must('PUT', '/api/v1/settings/company.service_department', { value: '客户服务中心', version: 0 });
  await must('PUT', '/api/v1/settings/company.service_phone', { value: '0898-66881234', version: 0 });
  await must('PUT', '/api/v1/settings/company.service_hotline', { value: '400-800-6688', version: 0 });
  const again = await fetch(`${srv.base}/api/v1/projects/${p.id}/warranty-card`, { headers: { Authorization: `Bearer ${admin.token}` } });
  const text2 = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: Buffer.from(await again.arrayBuffer()), encoding: 'utf8' }).replace(/\s+/g, '');
  assert.ok(text2.includes('客户服务中心'), 'the department from the setting');
  assert.ok(text2.includes('0898-66881234'), 'the department phone from the setting');
  assert.ok(text2.includes('400-800-6688'), 'the hotline from the setting');
  assert.ok(!text2.includes('未登记'));
});

// EVIDENCE: SPEC B4
test('B4 "tracks whether it went out on time": the warranty-card list shows due, late, issued and issued late, and filters by each', async () => {
  const owner = await must('POST', '/api/v1/customers', customerBody({ name: `发卡跟踪${tag()}` }), 201);
  const t = today();
  const due = await project({ customer_id: owner.id, completion_date: t, acceptance_date: t });
  const overdue = await project({ customer_id: owner.id, completion_date: '2019-06-30', acceptance_date: '2019-07-02' });
  const onTime = await project({ customer_id: owner.id, completion_date: '2025-05-10', acceptance_date: '2025-05-12' });
  const lateCard = await project({ customer_id: owner.id, completion_date: '2025-05-10', acceptance_date: '2025-05-12' });
  await must('POST', `/api/v1/projects/${onTime.id}/warranty-card`, { issued_on: '2025-06-10', method: 'courier', version: 1 });
  await must('POST', `/api/v1/projects/${lateCard.id}/warranty-card`, { issued_on: '2025-06-11', method: 'courier', version: 1 });
  const cards = await must('GET', `/api/v1/warranty-cards?customer_id=${owner.id}`);
  const status = Object.fromEntries(cards.items.map((c) => [c.project_id, c.status]));
  assert.deepEqual(status, { [due.id]: 'due', [overdue.id]: 'late', [onTime.id]: 'issued', [lateCard.id]: 'issued_late' });
  const lateRow = cards.items.find((c) => c.project_id === overdue.id);
  assert.equal(lateRow.due_on, '2019-07-30');
  assert.ok(lateRow.days_late > 365 * 5);
  for (const s of ['due', 'late', 'issued', 'issued_late']) {
    const r = await must('GET', `/api/v1/warranty-cards?customer_id=${owner.id}&status=${s}`);
    assert.deepEqual(r.items.map((c) => c.status), [s], s);
  }
});

// ---- L, as it applies to §B ----------------------------------------------------------------

// EVIDENCE: SPEC L
test('L "Each sees and changes only what its role and region allow": roles by the matrix, regions by 404', async () => {
  const p = await project();
  const tech = srv.user('technician', { regions: ['330000'] });
  const qc = srv.user('qc', { regions: ['330000'] });
  const agent = srv.user('agent', { regions: ['330000'] });
  const outside = srv.user('agent', { regions: ['310000'] });
  assertError(await srv.req('POST', '/api/v1/projects', { token: tech.token, body: { customer_id: customer.id, name: 'x', site_region_code: '330106' } }), 403, 'forbidden');
  await unit(p.id, {}, tech.token); // technicians record the units they install
  assertError(await srv.req('POST', '/api/v1/equipment', { token: qc.token, body: { project_id: p.id, serial_no: 'Q', model: 'Q' } }), 403, 'forbidden');
  assert.equal((await srv.req('GET', `/api/v1/projects/${p.id}`, { token: qc.token })).status, 200);
  assertError(await srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token: tech.token, body: { method: 'post', version: 1 } }), 403, 'forbidden');
  assert.equal((await srv.req('POST', `/api/v1/projects/${p.id}/warranty-card`, { token: agent.token, body: { issued_on: '2026-02-01', method: 'post', version: 1 } })).status, 200);
  assertError(await srv.req('GET', `/api/v1/projects/${p.id}`, { token: outside.token }), 404, 'not_found');
});

// EVIDENCE: SPEC L
test('L "Every change is audited (who, when, before, after)" for projects, units and cards', async () => {
  const p = await project();
  const u = await unit(p.id);
  await must('PATCH', `/api/v1/equipment/${u.id}`, { install_site: '2号楼', version: 1 });
  await must('POST', `/api/v1/projects/${p.id}/warranty-card`, { issued_on: '2026-02-01', method: 'post', version: 1 });
  const projectRows = (await must('GET', `/api/v1/audit?entity=project&entity_id=${p.id}`)).items;
  assert.deepEqual(projectRows.map((r) => r.action), ['issue_card', 'create']);
  const unitRows = (await must('GET', `/api/v1/audit?entity=equipment&entity_id=${u.id}`)).items;
  assert.deepEqual(unitRows.map((r) => r.action), ['update', 'create']);
  assert.deepEqual(unitRows[0].changes.install_site, { old: '', new: '2号楼' });
  for (const r of [...projectRows, ...unitRows]) {
    assert.equal(r.actor_id, admin.id);
    assert.match(r.at, /\+08:00$/);
  }
});

// EVIDENCE: SPEC L
test('L "bad input gets a clear error naming the field", in Chinese by default and in English on request', async () => {
  const p = await project();
  const body = { project_id: p.id, serial_no: 'S'.repeat(65), model: 'M' };
  const zh = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body });
  assertError(zh, 422, 'field_length', 'serial_no');
  assert.match(zh.body.error.message, /serial_no长度超出允许范围/);
  const en = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body, headers: { 'Accept-Language': 'en' } });
  assert.match(en.body.error.message, /serial_no has a length outside the allowed range/);
});
