// exports.test.js — exporting the lists of dealers, suppliers, projects and equipment units
// (SPEC H5 "Everything a manager reads can be exported to Excel"; issue 3; UI.md 10), as
// export.test.js does for customers: each export takes the list's own filters and sort and
// holds every matching row (also past one page of 500), nothing outside the caller's scope,
// Chinese headings and dictionary labels that a real reader (openpyxl) reads back, a CSV for
// Excel with a BOM, CRLF and the formula-injection guard, and a bad format is 400.
// /* EVIDENCE: SPEC H5 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

let srv;
let admin;
let dir;
const T = tag(); // in every name this file makes: q=T finds them
const FORMULA = '=HYPERLINK("http://x")';
const GUARDED = `"'=HYPERLINK(""http://x"")"`; // the CSV cell of FORMULA
const ZJ = '浙江省 杭州市 西湖区';

let zj; // a customer in 330106
let nj; // a customer in 320102
const dealers = []; // 330106; odd ones are service stations; dealers[3] carries FORMULA
let njDealer;
const suppliers = []; // [0] 330106 outsourced, [1] 320102, [2] no region, FORMULA
const projects = {}; // notDue, due, late, issued (zj), other (nj, not completed)
const units = []; // [0..2] under projects.due, [3] under projects.other

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  dir = mkdtempSync(join(tmpdir(), 'shouhou-exports-'));
  zj = await post('/api/v1/customers', customerBody({ name: `${T}杭州客户` }));
  nj = await post('/api/v1/customers', customerBody({ name: `${T}南京客户`, region_code: '320102', addresses: [] }));

  for (let i = 0; i < 6; i++) {
    dealers.push(await post('/api/v1/dealers', dealerBody({
      name: `${T}经销商${i}`, service_station: i % 2 === 1, station_since: i % 2 ? '2025-03-01' : null,
      note: i === 3 ? FORMULA : '',
    })));
  }
  njDealer = await post('/api/v1/dealers', dealerBody({ name: `${T}南京经销商`, region_code: '320102' }));

  suppliers.push(await post('/api/v1/suppliers', supplierBody({ name: `${T}供应商0`, outsourced: true })));
  suppliers.push(await post('/api/v1/suppliers', supplierBody({ name: `${T}供应商1`, region_code: '320102' })));
  suppliers.push(await post('/api/v1/suppliers', supplierBody({ name: `${T}供应商2`, region_code: null, note: FORMULA })));

  projects.notDue = await post('/api/v1/projects', projectBody({ name: `${T}项目未竣工`, completion_date: null, acceptance_date: null, note: FORMULA }));
  projects.due = await post('/api/v1/projects', projectBody({ name: `${T}项目待发`, completion_date: addDays(today(), -3), acceptance_date: addDays(today(), -1) }));
  projects.late = await post('/api/v1/projects', projectBody({ name: `${T}项目逾期`, completion_date: '2025-01-10', acceptance_date: '2025-01-31' }));
  const toIssue = await post('/api/v1/projects', projectBody({ name: `${T}项目已发`, completion_date: addDays(today(), -3), acceptance_date: addDays(today(), -1) }));
  const issued = await srv.req('POST', `/api/v1/projects/${toIssue.id}/warranty-card`, { token: admin.token, body: { method: 'post', version: toIssue.version } });
  assert.equal(issued.status, 200, issued.text);
  projects.issued = issued.body;
  projects.other = await post('/api/v1/projects', projectBody({ name: `${T}南京项目`, customer_id: nj.id, site_region_code: '320102', completion_date: null, acceptance_date: null }));

  units.push(await post('/api/v1/equipment', unitBody({ serial_no: `SN-${T}-0`, supplier_id: suppliers[0].id, manufacturer_months: 24 })));
  units.push(await post('/api/v1/equipment', unitBody({ serial_no: `SN-${T}-1`, category: 'access_control', sold_by_company: false, note: FORMULA })));
  units.push(await post('/api/v1/equipment', unitBody({ serial_no: `SN-${T}-2`, acceptance_date: '2026-02-01' })));
  units.push(await post('/api/v1/equipment', unitBody({ serial_no: `SN-${T}-3`, project_id: projects.other.id })));
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

function tag() {
  return 'zx' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
// Today in Asia/Shanghai (UTC+8), as the server counts it.
function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}
function addDays(date, n) {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function dealerBody(overrides = {}) {
  return {
    name: '杭州顺达车业经销部', region_code: '330106', contact_person: '陈刚', phone: '0571-86661234',
    address: '文一西路18号', contract_no: 'HT-2025-017', contract_start: '2025-01-01', contract_end: '2027-12-31',
    service_station: false, note: '', ...overrides,
  };
}
function supplierBody(overrides = {}) {
  return {
    name: '海康威视', region_code: '330106', contact_person: '周敏', phone: '0571-88075998',
    email: 'sales@example.com', address: '阡陌路555号', supplies: '硬盘录像机、摄像机', outsourced: false,
    note: '', ...overrides,
  };
}
function projectBody(overrides = {}) {
  return {
    customer_id: zj.id, name: '华信大厦安防工程', site_region_code: '330106', site_address: '文三路90号',
    completion_date: '2026-01-10', acceptance_date: '2026-01-31', note: '', ...overrides,
  };
}
function unitBody(overrides = {}) {
  return {
    project_id: projects.due.id, serial_no: `SN-${tag()}`, model: 'DS-7816N-K2', name: '网络硬盘录像机',
    category: 'surveillance', batch: '2025-11', install_site: '3楼机房', ...overrides,
  };
}

async function post(path, body, token = admin.token) {
  const r = await srv.req('POST', path, { token, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.body;
}

// Runs make(i) for i in 0..n-1, a few at a time.
async function many(n, make) {
  for (let i = 0; i < n; i += 20)
    await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, k) => make(i + k)));
}

// A dealer user of dealership dealerId (the harness makes users without one).
function dealerUser(dealerId) {
  const name = `dealer_${randomBytes(3).toString('hex')}`;
  srv.cli(['user', 'add', '--username', name, '--role', 'dealer', '--regions', '000000', '--dealer-id', String(dealerId), '--no-password']);
  return { token: srv.cli(['token', 'create', '--user', name]).trim() };
}

async function download(entity, params = {}, token = admin.token) {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${srv.base}/api/v1/${entity}/export?${qs}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// Reads an .xlsx with Debian's openpyxl (a real reader, not ours): {sheet, rows: [[cell, …], …]}.
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

// The sheet of an .xlsx export that must succeed; rows as objects keyed by heading.
async function sheetOf(entity, params, token) {
  const r = await download(entity, { format: 'xlsx', ...params }, token);
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const s = readXlsx(r.bytes);
  const [head, ...rows] = s.rows;
  return { sheet: s.sheet, head, disposition: r.headers.get('content-disposition'), rows: rows.map((row) => Object.fromEntries(head.map((h, i) => [h, row[i]]))) };
}

// Every row of a list, through its cursors (the order the list shows).
async function listAll(entity, params = {}, token = admin.token) {
  const items = [];
  let cursor = '';
  for (;;) {
    const qs = new URLSearchParams({ ...params, page_size: '100', cursor }).toString();
    const r = await srv.req('GET', `/api/v1/${entity}?${qs}`, { token });
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    if (!r.body.next_cursor) return items;
    cursor = r.body.next_cursor;
  }
}

// The export holds exactly the list's rows, in the list's order.
async function sameAsList(entity, idHeading, params = {}, token = admin.token) {
  const { rows } = await sheetOf(entity, params, token);
  const listed = await listAll(entity, params, token);
  assert.deepEqual(rows.map((r) => Number(r[idHeading])), listed.map((x) => x.id), `${entity} ${JSON.stringify(params)}`);
  return rows;
}

// A CSV export of one row holding FORMULA: BOM, CRLF, the headings, the guard.
async function assertCsv(entity, params, firstHeadings) {
  const r = await download(entity, { format: 'csv', ...params });
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = r.bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith(firstHeadings), text.slice(0, 80));
  assert.equal(text.split('\r\n').length, 3, 'a heading, one row, and the line end after it');
  assert.ok(text.includes(GUARDED), text);
}

async function assertBadFormat(entity) {
  const bad = await srv.req('GET', `/api/v1/${entity}/export?format=pdf`, { token: admin.token });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.error.code, 'invalid_parameter');
  assert.equal(bad.body.error.field, 'format');
  const page = await srv.req('GET', `/api/v1/${entity}/export?page=2`, { token: admin.token });
  assert.equal(page.status, 400, 'an export is every row, never a page');
  assert.equal(page.body.error.field, 'page');
  const sort = await srv.req('GET', `/api/v1/${entity}/export?sort=nonsense`, { token: admin.token });
  assert.equal(sort.status, 400);
  assert.equal(sort.body.error.field, 'sort');
}

const byName = (rows, heading, name) => rows.find((r) => r[heading] === name);

// ---- dealers -------------------------------------------------------------------------------

test('the dealer export holds every matching dealer in the list order, with Chinese headings', async () => {
  const s = await sheetOf('dealers', { q: T });
  assert.equal(s.sheet, '经销商');
  assert.match(s.disposition, /filename\*=UTF-8''%E7%BB%8F%E9%94%80%E5%95%86_\d{14}\.xlsx/);
  assert.deepEqual(s.head, ['经销商编号', '经销商名称', '地区编码', '所在地区', '联系人', '电话', '详细地址', '合同编号',
    '合同开始日期', '合同结束日期', '独立服务站', '服务站设立日期', '备注', '创建时间', '更新时间']);
  assert.equal(s.rows.length, 7);
  const rows = await sameAsList('dealers', '经销商编号', { q: T });
  const one = byName(rows, '经销商名称', `${T}经销商1`);
  assert.equal(one['地区编码'], '330106');
  assert.equal(one['所在地区'], ZJ);
  assert.equal(one['独立服务站'], '是');
  assert.match(one['服务站设立日期'], /^2025-03-01/);
  assert.match(one['合同结束日期'], /^2027-12-31/);
  assert.match(one['创建时间'], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal(byName(rows, '经销商名称', `${T}经销商0`)['独立服务站'], '否');
  assert.equal(byName(rows, '经销商名称', `${T}经销商3`)['备注'], FORMULA, 'text stays text, never a formula');
  assert.equal(byName(rows, '经销商名称', `${T}南京经销商`)['所在地区'], '江苏省 南京市 玄武区');
});

test('the dealer export takes the list filters and sort', async () => {
  const stations = await sameAsList('dealers', '经销商编号', { q: T, service_station: 'true' });
  assert.deepEqual(stations.map((r) => r['经销商名称']).sort(), [1, 3, 5].map((i) => `${T}经销商${i}`));
  const nanjing = await sameAsList('dealers', '经销商编号', { q: T, region_code: '320000' });
  assert.deepEqual(nanjing.map((r) => Number(r['经销商编号'])), [njDealer.id]);
  await sameAsList('dealers', '经销商编号', { q: T, sort: '-name' });
  await sameAsList('dealers', '经销商编号', { sort: 'created_at' });
  await sameAsList('dealers', '经销商编号', {});
});

test('the dealer export holds only the dealers in the caller scope', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const mine = (await sameAsList('dealers', '经销商编号', { q: T }, agent.token)).map((r) => Number(r['经销商编号']));
  assert.ok(!mine.includes(njDealer.id), 'an agent granted 330000 does not get a 320102 dealer');
  assert.deepEqual(mine.sort((a, b) => a - b), dealers.map((d) => d.id).sort((a, b) => a - b));
  const own = dealerUser(dealers[2].id);
  assert.deepEqual((await sheetOf('dealers', {}, own.token)).rows.map((r) => Number(r['经销商编号'])), [dealers[2].id],
    "a dealer's user exports its own dealership only");
  const none = await download('dealers', {}, srv.user('customer', { customerId: zj.id }).token);
  assert.equal(none.status, 403);
});

test('the dealer CSV has a BOM, CRLF and the formula guard; a bad format is 400', async () => {
  await assertCsv('dealers', { q: `${T}经销商3` }, '经销商编号,经销商名称,地区编码,所在地区');
  await assertBadFormat('dealers');
  const rel = await srv.req('GET', '/api/v1/dealers/export?sort=relevance', { token: admin.token });
  assert.equal(rel.status, 400, 'relevance needs a search, as in the list');
  assert.equal(rel.body.error.field, 'sort');
});

// ---- suppliers -----------------------------------------------------------------------------

test('the supplier export holds every matching supplier with region names and the outsourced flag', async () => {
  const s = await sheetOf('suppliers', { q: T });
  assert.equal(s.sheet, '供应商');
  assert.match(s.disposition, /filename\*=UTF-8''%E4%BE%9B%E5%BA%94%E5%95%86_\d{14}\.xlsx/);
  assert.deepEqual(s.head, ['供应商编号', '供应商名称', '地区编码', '所在地区', '联系人', '电话', '邮箱', '详细地址', '供应内容',
    '外协供应商', '备注', '创建时间', '更新时间']);
  const rows = await sameAsList('suppliers', '供应商编号', { q: T });
  assert.equal(rows.length, 3);
  const first = byName(rows, '供应商名称', `${T}供应商0`);
  assert.equal(first['所在地区'], ZJ);
  assert.equal(first['外协供应商'], '是');
  assert.equal(first['供应内容'], '硬盘录像机、摄像机');
  const none = byName(rows, '供应商名称', `${T}供应商2`);
  assert.equal(none['地区编码'], null, 'no region: empty cells');
  assert.equal(none['所在地区'], null);
  assert.equal(none['备注'], FORMULA);
});

test('the supplier export takes the list filters and sort; suppliers are company-wide', async () => {
  const out = await sameAsList('suppliers', '供应商编号', { q: T, outsourced: 'true' });
  assert.deepEqual(out.map((r) => Number(r['供应商编号'])), [suppliers[0].id]);
  const js = await sameAsList('suppliers', '供应商编号', { region_code: '320102' });
  assert.deepEqual(js.map((r) => Number(r['供应商编号'])), [suppliers[1].id]);
  await sameAsList('suppliers', '供应商编号', { q: T, sort: 'name' });
  const agent = srv.user('agent', { regions: ['330000'] });
  await sameAsList('suppliers', '供应商编号', { q: T }, agent.token);
  assert.equal((await sheetOf('suppliers', { q: T }, agent.token)).rows.length, 3, 'a supplier serves the whole company');
  for (const token of [dealerUser(dealers[0].id).token, srv.user('customer', { customerId: zj.id }).token])
    assert.equal((await download('suppliers', {}, token)).status, 403);
});

test('the supplier CSV has a BOM, CRLF and the formula guard; a bad format is 400', async () => {
  await assertCsv('suppliers', { q: `${T}供应商2` }, '供应商编号,供应商名称,地区编码,所在地区');
  await assertBadFormat('suppliers');
});

// ---- projects ------------------------------------------------------------------------------

test('the project export shows each warranty card state in Chinese, as the list computes it', async () => {
  const s = await sheetOf('projects', { q: T });
  assert.equal(s.sheet, '工程项目');
  assert.match(s.disposition, /filename\*=UTF-8''%E5%B7%A5%E7%A8%8B%E9%A1%B9%E7%9B%AE_\d{14}\.xlsx/);
  assert.deepEqual(s.head, ['项目编号', '项目名称', '客户编号', '客户名称', '地区编码', '现场地区', '现场地址', '项目经理',
    '竣工日期', '验收日期', '保修卡状态', '保修卡应发日期', '逾期天数', '保修卡编号', '保修卡发放日期', '发放方式', '发放人',
    '备注', '创建时间', '更新时间']);
  const rows = await sameAsList('projects', '项目编号', { q: T });
  assert.equal(rows.length, 5);
  const listed = new Map((await listAll('projects', { q: T })).map((p) => [p.id, p]));
  const row = (p) => rows.find((r) => Number(r['项目编号']) === p.id);
  assert.equal(row(projects.notDue)['保修卡状态'], '未竣工');
  assert.equal(row(projects.notDue)['竣工日期'], null);
  assert.equal(row(projects.notDue)['保修卡应发日期'], null);
  assert.equal(row(projects.notDue)['备注'], FORMULA);
  assert.equal(row(projects.due)['保修卡状态'], '待发放');
  const late = row(projects.late);
  assert.equal(late['保修卡状态'], '逾期未发放');
  assert.equal(Number(late['逾期天数']), listed.get(projects.late.id).card.days_late);
  assert.ok(Number(late['逾期天数']) > 0);
  assert.match(late['保修卡应发日期'], new RegExp(`^${listed.get(projects.late.id).card.due_on}`));
  assert.match(late['竣工日期'], /^2025-01-10/);
  assert.match(late['验收日期'], /^2025-01-31/);
  const issued = row(projects.issued);
  assert.equal(issued['保修卡状态'], '已发放');
  assert.equal(issued['保修卡编号'], projects.issued.card.number);
  assert.match(issued['保修卡编号'], /^BXK-\d{8}-\d{4}$/);
  assert.equal(issued['发放方式'], '邮寄', 'the dictionary label, not the code');
  assert.equal(issued['发放人'], projects.issued.card.issued_by_name);
  assert.match(issued['保修卡发放日期'], new RegExp(`^${today()}`));
  assert.equal(issued['客户名称'], `${T}杭州客户`);
  assert.equal(issued['客户编号'], String(zj.id));
  assert.equal(issued['地区编码'], '330106');
  assert.equal(issued['现场地区'], ZJ);
  assert.equal(row(projects.other)['现场地区'], '江苏省 南京市 玄武区');
});

test('the project export takes the list filters and sort', async () => {
  const late = await sameAsList('projects', '项目编号', { q: T, card_status: 'late' });
  assert.deepEqual(late.map((r) => Number(r['项目编号'])), [projects.late.id]);
  const nanjing = await sameAsList('projects', '项目编号', { customer_id: String(nj.id) });
  assert.deepEqual(nanjing.map((r) => Number(r['项目编号'])), [projects.other.id]);
  await sameAsList('projects', '项目编号', { q: T, sort: 'name' });
  await sameAsList('projects', '项目编号', { sort: '-completion_date' });
  const bad = await srv.req('GET', '/api/v1/projects/export?card_status=lost', { token: admin.token });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'card_status');
});

test('the project export holds only the projects in the caller scope', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const mine = (await sameAsList('projects', '项目编号', { q: T }, agent.token)).map((r) => Number(r['项目编号']));
  assert.ok(!mine.includes(projects.other.id), 'an agent granted 330000 does not get a project of a 320102 customer');
  assert.equal(mine.length, 4);
  const cust = srv.user('customer', { customerId: nj.id });
  const theirs = await sameAsList('projects', '项目编号', {}, cust.token);
  assert.deepEqual(theirs.map((r) => Number(r['项目编号'])), [projects.other.id], "a customer's user exports its own projects");
});

test('the project CSV has a BOM, CRLF and the formula guard; a bad format is 400', async () => {
  await assertCsv('projects', { q: `${T}项目未竣工` }, '项目编号,项目名称,客户编号,客户名称');
  await assertBadFormat('projects');
});

// ---- equipment -----------------------------------------------------------------------------

test('the equipment export holds every matching unit with category labels, project, customer and supplier', async () => {
  const s = await sheetOf('equipment', { q: T });
  assert.equal(s.sheet, '设备');
  assert.match(s.disposition, /filename\*=UTF-8''%E8%AE%BE%E5%A4%87_\d{14}\.xlsx/);
  assert.deepEqual(s.head, ['设备编号', '序列号', '型号', '设备名称', '设备类别', '项目编号', '工程项目', '客户编号', '客户名称',
    '供应商编号', '供应商', '生产批次', '本公司销售', '安装位置', '厂家保修期(月)', '设备验收日期', '项目验收日期', '备注',
    '创建时间', '更新时间']);
  const rows = await sameAsList('equipment', '设备编号', { q: T });
  assert.equal(rows.length, 4);
  const row = (u) => rows.find((r) => Number(r['设备编号']) === u.id);
  assert.equal(row(units[0])['设备类别'], '监控设备', 'the dictionary label, not the code');
  assert.equal(row(units[0])['供应商'], `${T}供应商0`);
  assert.equal(row(units[0])['供应商编号'], String(suppliers[0].id));
  assert.equal(row(units[0])['厂家保修期(月)'], '24');
  assert.equal(row(units[0])['工程项目'], `${T}项目待发`);
  assert.equal(row(units[0])['客户名称'], `${T}杭州客户`);
  assert.equal(row(units[0])['本公司销售'], '是');
  assert.equal(row(units[0])['项目验收日期'].slice(0, 10), addDays(today(), -1));
  assert.equal(row(units[0])['设备验收日期'], null);
  assert.equal(row(units[1])['设备类别'], '门禁系统');
  assert.equal(row(units[1])['本公司销售'], '否');
  assert.equal(row(units[1])['供应商编号'], null, 'no supplier: empty cells');
  assert.equal(row(units[1])['供应商'], null);
  assert.equal(row(units[1])['备注'], FORMULA);
  assert.match(row(units[2])['设备验收日期'], /^2026-02-01/);
});

test('the equipment export takes the list filters and sort', async () => {
  const access = await sameAsList('equipment', '设备编号', { q: T, category: 'access_control' });
  assert.deepEqual(access.map((r) => Number(r['设备编号'])), [units[1].id]);
  const bySupplier = await sameAsList('equipment', '设备编号', { supplier_id: String(suppliers[0].id) });
  assert.deepEqual(bySupplier.map((r) => Number(r['设备编号'])), [units[0].id]);
  const ofProject = await sameAsList('equipment', '设备编号', { project_id: String(projects.other.id) });
  assert.deepEqual(ofProject.map((r) => Number(r['设备编号'])), [units[3].id]);
  const serial = await sameAsList('equipment', '设备编号', { serial_no: `SN-${T}-2` });
  assert.deepEqual(serial.map((r) => Number(r['设备编号'])), [units[2].id]);
  await sameAsList('equipment', '设备编号', { q: T, sort: '-serial_no' });
  await sameAsList('equipment', '设备编号', { customer_id: String(zj.id), sort: 'id' });
});

test('the equipment export holds only the units in the caller scope', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  const mine = (await sameAsList('equipment', '设备编号', { q: T }, agent.token)).map((r) => Number(r['设备编号']));
  assert.deepEqual(mine.sort((a, b) => a - b), units.slice(0, 3).map((u) => u.id).sort((a, b) => a - b),
    'an agent granted 330000 does not get a unit of a 320102 customer');
  const cust = srv.user('customer', { customerId: nj.id });
  assert.deepEqual((await sameAsList('equipment', '设备编号', {}, cust.token)).map((r) => Number(r['设备编号'])), [units[3].id]);
});

test('the equipment CSV has a BOM, CRLF and the formula guard; a bad format is 400', async () => {
  await assertCsv('equipment', { serial_no: `SN-${T}-1` }, '设备编号,序列号,型号,设备名称');
  await assertBadFormat('equipment');
});

// ---- past one page -------------------------------------------------------------------------

test('an export holds every row past its pages of 500, in the list order of every sort', async () => {
  const t = tag();
  await many(503, (i) => post('/api/v1/dealers', dealerBody({ name: `${t}批量经销商${String((i * 7919) % 503).padStart(3, '0')}` })));
  await many(503, (i) => post('/api/v1/suppliers', supplierBody({ name: `${t}批量供应商${String((i * 7919) % 503).padStart(3, '0')}` })));
  const p = await post('/api/v1/projects', projectBody({ name: `${t}批量项目` }));
  await many(502, (i) => post('/api/v1/projects', projectBody({ name: `${t}批量项目${String((i * 7919) % 502).padStart(3, '0')}` })));
  await many(503, (i) => post('/api/v1/equipment', unitBody({ project_id: p.id, serial_no: `SN-${t}-${String((i * 7919) % 503).padStart(3, '0')}` })));
  for (const sort of [undefined, 'name', '-name', '-created_at', 'id']) {
    const params = { q: t, ...(sort ? { sort } : {}) };
    assert.equal((await sameAsList('dealers', '经销商编号', params)).length, 503, `dealers ${sort}`);
    assert.equal((await sameAsList('suppliers', '供应商编号', params)).length, 503, `suppliers ${sort}`);
  }
  for (const sort of [undefined, 'name', '-name', 'created_at', '-id', 'completion_date'])
    assert.equal((await sameAsList('projects', '项目编号', { q: t, ...(sort ? { sort } : {}) })).length, 503, `projects ${sort}`);
  for (const sort of [undefined, 'serial_no', '-serial_no', 'created_at', '-id'])
    assert.equal((await sameAsList('equipment', '设备编号', { project_id: String(p.id), ...(sort ? { sort } : {}) })).length, 503, `equipment ${sort}`);
});
