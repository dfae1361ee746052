// exports_work.test.js — exporting the work lists (UI.md 10 "导出 exports the current filter (not
// the page)"; SPEC H5): GET /api/v1/tickets/export, /visits/export and /complaints/export take
// their list's filters and sort, hold every matching row the caller may see (past pages of
// 500, in the list's order), with Chinese headings and labels that a real reader (openpyxl)
// reads back, times in the company's zone and money in yuan; the CSV has a BOM, CRLF and the
// formula guard; a bad filter names its parameter.
// /* EVIDENCE: SPEC H5 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, agentZj, dispatcher, tech, em, dir;
let zj, js, bulk, custUser;
const T = {}; // tickets by name
const K = {}; // complaints by name
const FORMULA = '=HYPERLINK("http://x")';

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}
function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
}
async function many(n, make) {
  for (let i = 0; i < n; i += 20)
    await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, k) => make(i + k)));
}

async function download(entity, params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${srv.base}/api/v1/${entity}/export?${qs}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
// Reads an .xlsx with Debian's openpyxl (a real reader, not ours).
function readXlsx(bytes) {
  const path = join(dir, `read-${Math.random()}.xlsx`);
  writeFileSync(path, bytes);
  const out = execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print(json.dumps({"sheet": ws.title, "rows": [[None if c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)]}, ensure_ascii=False))
`, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}
async function sheetOf(entity, params = {}, token = admin.token) {
  const r = await download(entity, { format: 'xlsx', ...params }, token);
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const s = readXlsx(r.bytes);
  const [head, ...rows] = s.rows;
  return { sheet: s.sheet, head, disposition: r.headers.get('content-disposition'), rows: rows.map((row) => Object.fromEntries(head.map((h, i) => [h, row[i]]))) };
}
// Every row of a list through its cursors, in the order the list shows.
async function listAll(entity, params = {}, token = admin.token) {
  const items = [];
  let cursor = '';
  for (;;) {
    const qs = new URLSearchParams({ ...params, cursor, page_size: '100' }).toString();
    const page = await ok(await srv.req('GET', `/api/v1/${entity}?${qs}`, { token }));
    items.push(...page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shouhou-exports-work-'));
  srv = await startServer();
  admin = srv.user('admin');
  agentZj = srv.user('agent', { regions: ['330000'] });
  dispatcher = srv.user('dispatcher', { regions: ['330000'] });
  tech = srv.user('technician', { regions: ['330000'] });
  em = srv.user('engineering_manager', { regions: ['330000'] });
  zj = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() }), 201);
  js = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '南京客户', region_code: '320102', addresses: [] }) }), 201);
  bulk = await ok(await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '批量客户', addresses: [] }) }), 201);
  custUser = srv.user('customer', { customerId: zj.id });
  const act = async (name, action, body) => {
    T[name] = await ok(await srv.req('POST', `/api/v1/tickets/${T[name].id}/${action}`, { token: dispatcher.token, body: { version: T[name].version, ...body } }));
  };
  // T1 (Zhejiang): called 2026-11-20 09:00, on site 15:00, 150.00 yuan labour and 20.50
  // vehicle, cleared, closed as repaired.
  T.T1 = await ok(await srv.req('POST', '/api/v1/tickets', { token: agentZj.token, body: { customer_id: zj.id, fault: '录像机无法录像', called_at: '2026-11-20T09:00:00+08:00' } }), 201);
  await act('T1', 'assign', { technician_id: tech.id, at: '2026-11-20T09:10:00+08:00' });
  await act('T1', 'arrive', { at: '2026-11-20T15:00:00+08:00' });
  await act('T1', 'record', { work_done: '更换硬盘', labour_fen: 15000, vehicle_cost_fen: 2050, consumables_cost_fen: 0 });
  await act('T1', 'clear', { at: '2026-11-20T16:00:00+08:00' });
  await act('T1', 'close', { outcome: 'repaired' });
  // T2 (Zhejiang): new, its fault a formula a spreadsheet must not run.
  T.T2 = await ok(await srv.req('POST', '/api/v1/tickets', { token: agentZj.token, body: { customer_id: zj.id, fault: FORMULA } }), 201);
  // T3 (Jiangsu): outside the Zhejiang desk's regions.
  T.T3 = await ok(await srv.req('POST', '/api/v1/tickets', { token: admin.token, body: { customer_id: js.id, fault: '道闸不起杆' } }), 201);
  // Complaints: K1 Zhejiang (尺寸超差, major, facts a formula), K2 Jiangsu (收费, minor).
  K.K1 = await ok(await srv.req('POST', '/api/v1/complaints', { token: agentZj.token, body: { customer_id: zj.id, channel: 'hotline', facts: FORMULA, category: 'dimension_tolerance', severity: 'major', received_at: '2026-11-21T10:30:00+08:00' } }), 201);
  K.K2 = await ok(await srv.req('POST', '/api/v1/complaints', { token: admin.token, body: { customer_id: js.id, channel: 'letter', facts: '多收费', category: 'billing', severity: 'minor' } }), 201);
});
after(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('tickets: the caller\'s regions, newest first, Chinese headings and labels, local times, yuan', async () => {
  const s = await sheetOf('tickets', {}, agentZj.token);
  assert.equal(s.sheet, '工单');
  assert.match(s.disposition, /filename\*=UTF-8''%E5%B7%A5%E5%8D%95_\d{14}\.xlsx/); // 工单_<time>.xlsx
  for (const h of ['工单号', '状态', '客户名称', '报修渠道', '故障描述', '来电时间', '技术人员', '到场时间', '处理结果', '下一时限', '已超时', '人工费', '车辆费用'])
    assert.ok(s.head.includes(h), h);
  // Zhejiang only (T3 is Jiangsu's), the list's default order: newest first.
  assert.deepEqual(s.rows.map((r) => r['工单号']), [T.T2.number, T.T1.number]);
  const [t2, t1] = s.rows;
  assert.equal(t1['状态'], '已关闭');
  assert.equal(t1['报修渠道'], '服务热线');
  assert.equal(t1['来电时间'], '2026-11-20 09:00:00'); // the company's zone, not UTC
  assert.equal(t1['到场时间'], '2026-11-20 15:00:00');
  assert.equal(t1['处理结果'], '修复');
  assert.equal(T.T1.warranty_state, 'unknown'); // no unit named at intake
  assert.equal(t1['保修状态'], '未知');
  assert.equal(Number(t1['人工费']), 150);
  assert.equal(Number(t1['车辆费用']), 20.5);
  assert.equal(t1['下一时限'], null); // closed: nothing running
  assert.equal(t2['状态'], '待派工');
  assert.equal(t2['下一时限'], '到达现场');
  assert.equal(t2['已超时'], '否');
  assert.equal(t2['故障描述'], FORMULA); // text, never a formula
  // The whole country: all three.
  assert.equal((await sheetOf('tickets')).rows.length, 3);
});

test('tickets: the list\'s filters and sort; the customer portal its own, without internal costs', async () => {
  assert.deepEqual((await sheetOf('tickets', { status: 'open' }, agentZj.token)).rows.map((r) => r['工单号']), [T.T2.number]);
  assert.deepEqual((await sheetOf('tickets', { q: T.T1.number }, admin.token)).rows.map((r) => r['工单号']), [T.T1.number]);
  assert.deepEqual((await sheetOf('tickets', { region: '320000' })).rows.map((r) => r['工单号']), [T.T3.number]);
  assert.deepEqual((await sheetOf('tickets', { sort: 'id' }, agentZj.token)).rows.map((r) => r['工单号']), [T.T1.number, T.T2.number]);
  assert.deepEqual((await sheetOf('tickets', { technician_id: String(tech.id) })).rows.map((r) => r['工单号']), [T.T1.number]);
  const mine = await sheetOf('tickets', {}, custUser.token);
  assert.deepEqual(mine.rows.map((r) => r['工单号']), [T.T2.number, T.T1.number]);
  assert.equal(Number(mine.rows[1]['人工费']), 150);
  assert.equal(mine.rows[1]['车辆费用'], null); // staff only (ticket.c's internal columns)
  assertError(await srv.req('GET', '/api/v1/tickets/export?status=lost', { token: admin.token }), 400, 'invalid_parameter', 'status');
  assertError(await srv.req('GET', '/api/v1/tickets/export?region=33', { token: admin.token }), 400, 'invalid_parameter', 'region');
  assertError(await srv.req('GET', '/api/v1/tickets/export?sort=fault', { token: admin.token }), 400, 'invalid_parameter', 'sort');
  assertError(await srv.req('GET', '/api/v1/tickets/export?page=2', { token: admin.token }), 400, 'unknown_parameter', 'page');
  assertError(await srv.req('GET', '/api/v1/tickets/export?format=pdf', { token: admin.token }), 400, 'invalid_parameter', 'format');
});

test('tickets: the CSV has a BOM, CRLF, local times, yuan text and the formula guard', async () => {
  const r = await download('tickets', { format: 'csv', sort: 'id' }, agentZj.token);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = r.bytes.subarray(3).toString('utf8');
  const lines = text.split('\r\n');
  assert.ok(lines[0].startsWith('工单号,状态,客户名称'), lines[0]);
  assert.ok(lines[1].includes('2026-11-20 09:00:00'), lines[1]);
  assert.ok(lines[1].includes(',150.00,20.50,0.00,'), lines[1]); // fen as yuan text
  assert.ok(lines[2].includes(`"'=HYPERLINK(""http://x"")"`), lines[2]);
});

test('tickets: every row past pages of 500, in the list\'s order', async () => {
  await many(505, (i) => srv.req('POST', '/api/v1/tickets', { token: agentZj.token, body: { customer_id: bulk.id, fault: `批量故障${i}` } }).then((r) => assert.equal(r.status, 201, r.text)));
  for (const sort of [undefined, 'id']) {
    const params = { customer_id: String(bulk.id), ...(sort ? { sort } : {}) };
    const rows = (await sheetOf('tickets', params)).rows.map((r) => r['工单号']);
    assert.equal(rows.length, 505, `${sort}`);
    assert.deepEqual(rows, (await listAll('tickets', params)).map((t) => t.number), `${sort}`);
  }
});

test('visits: the planned visits with their dates and states, past pages of 500, every sort', async () => {
  // 85 projects accepted 2025-12-01: six visits each in the company's 12 months (every two).
  const projects = [];
  await many(85, async (i) => {
    projects.push(await ok(await srv.req('POST', '/api/v1/projects', { token: admin.token, body: {
      customer_id: zj.id, name: `回访项目${i}`, site_region_code: '330106', site_address: '文三路90号', acceptance_date: '2025-12-01' } }), 201));
  });
  let body = {};
  for (;;) {
    const p = await ok(await srv.req('POST', '/api/v1/visits/plan', { token: em.token, body }));
    if (p.complete) break;
    body = { after_id: p.next_after_id };
  }
  const all = await listAll('visits', { customer_id: String(zj.id) });
  assert.ok(all.length > 500, `${all.length} visits`);
  for (const sort of [undefined, 'due_date', '-planned_date', 'id']) {
    const params = { customer_id: String(zj.id), ...(sort ? { sort } : {}) };
    const s = await sheetOf('visits', params, agentZj.token);
    assert.deepEqual(s.rows.map((r) => Number(r['回访编号'])), (await listAll('visits', params)).map((v) => v.id), `${sort}`);
  }
  const one = await sheetOf('visits', { project_id: String(projects[0].id), sort: 'due_date' }, agentZj.token);
  assert.equal(one.sheet, '回访');
  assert.equal(one.rows.length, 6);
  assert.equal(one.rows[0]['类型'], '定期回访');
  assert.equal(one.rows[0]['状态'], '待回访');
  assert.equal(one.rows[0]['应回访日期'], '2026-02-01 00:00:00'); // a date cell
  assert.equal(one.rows[0]['第几次'], '1');
  assertError(await srv.req('GET', '/api/v1/visits/export?due_from=2026-02-30', { token: admin.token }), 400, 'invalid_parameter', 'due_from');
  assertError(await srv.req('GET', '/api/v1/visits/export?kind=other', { token: admin.token }), 400, 'invalid_parameter', 'kind');
  // Outside the caller's regions: nothing.
  const jsAgent = srv.user('agent', { regions: ['320000'] });
  assert.equal((await sheetOf('visits', {}, jsAgent.token)).rows.length, 0);
});

test('complaints: the caller\'s regions, labels, local times, the filters; CSV guard', async () => {
  const s = await sheetOf('complaints', {}, agentZj.token);
  assert.equal(s.sheet, '投诉');
  assert.deepEqual(s.rows.map((r) => r['投诉编号']), [K.K1.number]);
  const k1 = s.rows[0];
  assert.equal(k1['状态'], '已登记');
  assert.equal(k1['投诉类别'], '尺寸超差');
  assert.equal(k1['严重程度'], '较重');
  assert.equal(k1['投诉渠道'], '投诉电话');
  assert.equal(k1['受理时间'], '2026-11-21 10:30:00');
  assert.equal(k1['重复投诉'], '否');
  assert.equal(k1['投诉事实'], FORMULA);
  assert.equal((await sheetOf('complaints')).rows.length, 2);
  assert.deepEqual((await sheetOf('complaints', { severity: 'minor' })).rows.map((r) => r['投诉编号']), [K.K2.number]);
  assert.deepEqual((await sheetOf('complaints', { category: 'service' })).rows.map((r) => r['投诉编号']), [K.K2.number]); // a subtree
  assert.deepEqual((await sheetOf('complaints', { received_from: '2026-11-21', received_to: '2026-11-21' })).rows.map((r) => r['投诉编号']), [K.K1.number]);
  const r = await download('complaints', { format: 'csv' }, agentZj.token);
  const text = r.bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('投诉编号,状态,客户名称'), text.slice(0, 40));
  assert.ok(text.includes(`"'=HYPERLINK(""http://x"")"`), text);
  assertError(await srv.req('GET', '/api/v1/complaints/export?overdue=false', { token: admin.token }), 400, 'invalid_parameter', 'overdue');
  assertError(await srv.req('GET', '/api/v1/complaints/export?received_to=yesterday', { token: admin.token }), 400, 'invalid_parameter', 'received_to');
});

test('who may export: the list\'s permission (a dealer reads tickets, not visits or complaints)', async () => {
  const dealer = srv.user('dealer');
  assert.equal((await download('tickets', {}, dealer.token)).status, 200);
  assertError(await srv.req('GET', '/api/v1/visits/export', { token: dealer.token }), 403, 'forbidden');
  assertError(await srv.req('GET', '/api/v1/complaints/export', { token: dealer.token }), 403, 'forbidden');
  assert.equal((await download('tickets', {}, '')).status, 401);
});
