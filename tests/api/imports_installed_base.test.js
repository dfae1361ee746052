// imports_installed_base.test.js — loading projects and equipment units from the spreadsheets
// users have (issue 3; SPEC B1), mirroring the projects and equipment parts of
// src/api/imports.c: a dry run reports every bad row (unknown customer, project, region,
// supplier or category, a bad date, a serial number repeated in the file or already
// registered) with its row number and column and writes nothing; a real import is all or
// nothing; .xlsx with real Excel dates and GB18030 CSV are read; an imported unit answers
// its warranty; only the roles allowed to import may, and only within their regions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

let srv;
let admin;
let dir;
let zj; // a customer in Zhejiang (330106)
let js; // a customer in Jiangsu (320102)
let pm; // a project manager: username, display name
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  dir = mkdtempSync(join(tmpdir(), 'shouhou-import-ib-'));
  zj = await createCustomer({ name: `浙江导入客户${tag()}` });
  js = await createCustomer({ name: `江苏导入客户${tag()}`, region_code: '320102', addresses: [] });
  const username = `pm_${tag()}`;
  const display = `张经理${tag()}`;
  srv.cli(['user', 'add', '--username', username, '--role', 'project_manager', '--name', display, '--regions', '000000', '--no-password']);
  pm = { username, display };
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

function tag() {
  return [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

async function createCustomer(overrides = {}) {
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody(overrides) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function createProject(overrides = {}) {
  const r = await srv.req('POST', '/api/v1/projects', {
    token: admin.token,
    body: { customer_id: zj.id, name: `工程${tag()}`, site_region_code: '330106', completion_date: '2026-01-10', acceptance_date: '2026-01-31', ...overrides },
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function createSupplier(name = `供应商${tag()}`) {
  const r = await srv.req('POST', '/api/v1/suppliers', { token: admin.token, body: { name } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function upload(kind, body, { type = 'text/csv', dry = false, token = admin.token } = {}) {
  return srv.req('POST', `/api/v1/imports/${kind}${dry ? '?dry_run=true' : ''}`, { token, body, headers: { 'Content-Type': type } });
}

async function projectsNamed(q) {
  const r = await srv.req('GET', `/api/v1/projects?q=${encodeURIComponent(q)}&page_size=100`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

async function unitsOf(projectId) {
  const r = await srv.req('GET', `/api/v1/equipment?project_id=${projectId}&page_size=100`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

// "row|column|code" of each error of a report, for includes().
const seen = (report) => report.errors.map((e) => `${e.row}|${e.column}|${e.code}`);

function assertHas(report, ...keys) {
  const got = seen(report);
  for (const k of keys) assert.ok(got.includes(k), `${k} not in ${got.join(' ')}`);
}

function python(script, ...args) {
  return execFileSync('/usr/bin/python3', ['-c', script, ...args]);
}

const gb18030 = (text) => execFileSync('/usr/bin/python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("gb18030"))'], { input: text });

const projectHeading = '客户名称,工程名称,工程所在地区,工程地址,项目经理,竣工日期,验收日期,备注';
const unitHeading = '工程名称,客户名称,序列号,型号,设备名称,类别,供应商,生产批次,是否本公司销售,安装位置,厂家保修月数,验收日期,备注';

// ---- projects ------------------------------------------------------------------------------

test('projects: a dry run reports every bad row with its row number, column and reason, and writes nothing', async () => {
  const twin = `同名客户${tag()}`;
  await createCustomer({ name: twin });
  await createCustomer({ name: twin, phone: '0571-88880000' });
  const t = tag();
  const csv = [projectHeading,
    `${zj.name},干跑工程${t}一期,浙江省 杭州市 西湖区,文三路1号,${pm.username},2026/1/5,2026年1月20日,首期`,
    `不存在的客户${t},干跑工程${t}二期,浙江省 杭州市 西湖区,,,,,`,
    `${zj.name},干跑工程${t}三期,火星 某市,,,,,`,
    `${zj.name},干跑工程${t}四期,浙江省 杭州市 西湖区,,,2026-02-30,,`,
    `${twin},干跑工程${t}五期,浙江省 杭州市 西湖区,,,,,`,
    `${zj.name},,浙江省 杭州市 西湖区,,,,,`,
    `${zj.name},干跑工程${t}七期,浙江省 杭州市 西湖区,,没有这个人${t},,,`,
    `${zj.name},干跑工程${t}八期,浙江省 杭州市 西湖区,,,2026-03-01,2026-02-01,`,
    `${zj.name},干跑工程${t}九期,浙江省 杭州市 西湖区,,${admin.username},,,`,
  ].join('\r\n');
  const r = await upload('projects', csv, { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, 'projects');
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.rows, 9);
  assert.equal(r.body.valid, 1);
  assert.equal(r.body.created, 0);
  assertHas(r.body, '3|客户名称|unknown_customer', '4|工程所在地区|unknown_region', '5|竣工日期|invalid_date',
    '6|客户名称|ambiguous_name', '7|工程名称|field_required', '8|项目经理|invalid_project_manager',
    '9|验收日期|acceptance_before_completion', '10|项目经理|invalid_project_manager');
  assert.equal(r.body.errors_total, 8, JSON.stringify(r.body.errors));
  const e = r.body.errors.find((x) => x.row === 4);
  assert.equal(e.message, '地区编码不存在: 火星 某市');
  assert.equal(r.body.errors.find((x) => x.row === 6).detail, twin);
  assert.equal(r.body.errors.find((x) => x.row === 5).detail, '2026-02-30');
  assert.deepEqual(await projectsNamed(`干跑工程${t}`), [], 'a dry run writes nothing');
});

test('projects: a real import with one bad row imports nothing (422 import_rejected with the report)', async () => {
  const t = tag();
  const csv = [projectHeading,
    `${zj.name},全或无工程${t}甲,浙江省 杭州市 西湖区,,,,,`,
    `${zj.name},全或无工程${t}乙,浙江省 杭州市 西湖区,,,2026-13-01,,`].join('\n');
  const r = await upload('projects', csv);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'import_rejected');
  assert.equal(r.body.report.kind, 'projects');
  assert.equal(r.body.report.created, 0);
  assert.equal(r.body.report.errors_total, 1);
  assertHas(r.body.report, '3|竣工日期|invalid_date');
  assert.deepEqual(await projectsNamed(`全或无工程${t}`), [], 'the good row was not kept either');
});

test('projects: a clean import creates every row — customer by name or id, region by names or code, manager by display name, dates as typed', async () => {
  const t = tag();
  const csv = [
    '客户名称,客户编号,工程名称,工程地区编码,省,市,区,工程地址,项目经理,竣工日期,验收日期,备注',
    `${zj.name},,导入工程${t}甲,,浙江省,杭州市,西湖区,文三路1号,${pm.display},2026/1/5,2026年1月20日,首期`,
    `,${js.id},导入工程${t}乙,320102,,,,中山路8号,${pm.username},2025-12-1,2025-12-01,`,
    `${zj.name},,导入工程${t}丙,,,,,,,,,`].join('\n');
  const r = await upload('projects', `\ufeff${csv}\n`);
  // The third row has no region at all.
  assert.equal(r.status, 422, r.text);
  assertHas(r.body.report, '4|工程地区编码|field_required');
  const fixed = csv.replace(`导入工程${t}丙,,,,,`, `导入工程${t}丙,330106,,,,`);
  const ok = await upload('projects', fixed);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.created, 3);
  assert.equal(ok.body.valid, 3);
  const items = await projectsNamed(`导入工程${t}`);
  const a = items.find((p) => p.name === `导入工程${t}甲`);
  const b = items.find((p) => p.name === `导入工程${t}乙`);
  const c = items.find((p) => p.name === `导入工程${t}丙`);
  assert.equal(a.customer_id, zj.id);
  assert.equal(a.site_region_code, '330106');
  assert.equal(a.site_address, '文三路1号');
  assert.equal(a.project_manager_name, pm.display);
  assert.equal(a.completion_date, '2026-01-05');
  assert.equal(a.acceptance_date, '2026-01-20');
  assert.equal(a.note, '首期');
  assert.equal(b.customer_id, js.id);
  assert.equal(b.site_region_code, '320102');
  assert.equal(b.completion_date, '2025-12-01');
  assert.equal(c.completion_date, null);
  assert.equal(c.project_manager_id, null);
  const audit = await srv.req('GET', `/api/v1/audit?entity=project&entity_id=${a.id}`, { token: admin.token });
  assert.equal(audit.status, 200, audit.text);
  assert.deepEqual(audit.body.items.map((x) => [x.action, x.actor_id]), [['create', admin.id]]);
});

test('projects: an .xlsx with real Excel dates imports', async () => {
  const t = tag();
  const path = join(dir, `projects-${t}.xlsx`);
  python(`
import datetime, openpyxl, sys
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '工程'
ws.append(['客户名称', '工程名称', '工程地区编码', '竣工日期', '验收日期'])
ws.append([sys.argv[2], sys.argv[3], '330106', datetime.date(2026, 2, 3), datetime.datetime(2026, 2, 28)])
ws['D2'].number_format = 'yyyy"年"m"月"d"日"'
wb.save(sys.argv[1])`, path, zj.name, `表格工程${t}`);
  const r = await upload('projects', readFileSync(path), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 1);
  const [p] = await projectsNamed(`表格工程${t}`);
  assert.equal(p.completion_date, '2026-02-03');
  assert.equal(p.acceptance_date, '2026-02-28');
});

test('projects: a GB18030 CSV (as Excel on Chinese Windows saves it) imports with its Chinese intact', async () => {
  const t = tag();
  const r = await upload('projects', gb18030(`客户名称,工程名称,工程所在地区,工程地址\r\n${zj.name},国标工程${t},浙江省 杭州市 西湖区,天目山路5号\r\n`));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 1);
  const [p] = await projectsNamed(`国标工程${t}`);
  assert.equal(p.site_address, '天目山路5号');
});

test('projects: a missing or unknown column is reported', async () => {
  const r = await upload('projects', '工程名称,身份证号\n某工程,1\n', { dry: true });
  assert.equal(r.status, 200, r.text);
  assertHas(r.body, '1|身份证号|unknown_column', '1|客户名称|missing_column', '1|工程地区编码|missing_column');
});

// ---- equipment -----------------------------------------------------------------------------

test('equipment: a dry run reports every bad row (category, supplier, project, serial repeated in the file or registered, months, date) and writes nothing', async () => {
  const project = await createProject();
  const supplier = await createSupplier();
  const registered = await srv.req('POST', '/api/v1/equipment', { token: admin.token, body: { project_id: project.id, serial_no: 'SN-DB-1', model: 'M-1' } });
  assert.equal(registered.status, 201, registered.text);
  const p = project.name;
  const csv = [unitHeading,
    `${p},,SN-1,M-1,摄像机,监控设备,${supplier.name},2025-11,是,大门,24,,`,
    `${p},,SN-2,M-1,,飞船,,,,,,,`,
    `${p},,SN-1,M-1,,,,,,,,,`,
    `${p},,SN-DB-1,M-1,,,,,,,,,`,
    `${p},,SN-3,M-1,,,没有的供应商,,,,,,`,
    `没有的工程${tag()},,SN-4,M-1,,,,,,,,,`,
    `${p},,SN-5,M-1,,,,,,,300,,`,
    `${p},,SN-6,M-1,,,,,,,,2026-13-01,`,
    `${p},,SN-7,M-1,,,,,也许,,,,`,
    `${p},,ＳＮ－１ ,M-1,,,,,,,,,`,
    `${p},,SN-1,M-2,,surveillance,,,否,,,2026/3/1,另一个型号`,
    `${p},,,M-1,,,,,,,,,`,
  ].join('\n');
  const r = await upload('equipment', csv, { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, 'equipment');
  assert.equal(r.body.rows, 12);
  assert.equal(r.body.valid, 2, JSON.stringify(r.body.errors));
  assertHas(r.body, '3|类别|invalid_choice', '4|序列号|duplicate_in_file', '5|序列号|duplicate',
    '6|供应商|unknown_supplier', '7|工程名称|unknown_project', '8|厂家保修月数|out_of_range',
    '9|验收日期|invalid_date', '10|是否本公司销售|invalid_choice', '11|序列号|duplicate_in_file',
    '13|序列号|field_required');
  assert.equal(r.body.errors_total, 10, JSON.stringify(r.body.errors));
  const repeated = r.body.errors.find((e) => e.row === 4);
  assert.equal(repeated.detail, '2', 'the row that gave the serial first');
  assert.equal(repeated.message, '与文件第2行重复');
  assert.equal(r.body.errors.find((e) => e.row === 11).detail, '2', 'full-width and spaces fold as on the API');
  assert.deepEqual((await unitsOf(project.id)).map((u) => u.serial_no), ['SN-DB-1'], 'a dry run writes nothing');
});

test('equipment: a real import with a bad row imports nothing; a clean one creates every unit with its fields', async () => {
  const project = await createProject();
  const supplier = await createSupplier();
  const bad = [unitHeading,
    `${project.name},,R-1,M-9,,,,,,,,,`,
    `${project.name},,R-1,M-9,,,,,,,,,`].join('\n');
  const refused = await upload('equipment', bad);
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.body.error.code, 'import_rejected');
  assertHas(refused.body.report, '3|序列号|duplicate_in_file');
  assert.equal(refused.body.report.created, 0);
  assert.deepEqual(await unitsOf(project.id), [], 'the first row was rolled back');
  const good = [unitHeading,
    `${project.name},${zj.name},R-1,M-9,硬盘录像机,监控设备,${supplier.name},2025-11,是,3楼机房,24,,第一台`,
    `${project.name},,R-2,M-9,,perimeter_alarm,,,否,,18,2026/3/15,`,
    `${project.name},,R-3,M-9,,,,,,,,,`].join('\n');
  const r = await upload('equipment', good);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 3);
  const units = await unitsOf(project.id);
  const one = units.find((u) => u.serial_no === 'R-1');
  const two = units.find((u) => u.serial_no === 'R-2');
  const three = units.find((u) => u.serial_no === 'R-3');
  assert.equal(one.name, '硬盘录像机');
  assert.equal(one.category, 'surveillance');
  assert.equal(one.supplier_id, supplier.id);
  assert.equal(one.batch, '2025-11');
  assert.equal(one.sold_by_company, true);
  assert.equal(one.install_site, '3楼机房');
  assert.equal(one.manufacturer_months, 24);
  assert.equal(one.acceptance_date, null);
  assert.equal(one.note, '第一台');
  assert.equal(one.customer_id, zj.id);
  assert.equal(two.category, 'perimeter_alarm');
  assert.equal(two.sold_by_company, false);
  assert.equal(two.acceptance_date, '2026-03-15');
  assert.equal(three.category, 'other', 'the default category, as on the API');
  assert.equal(three.sold_by_company, true, 'sold by the company unless the file says 否');
  // Importing the same file again: every serial is now registered.
  const again = await upload('equipment', good, { dry: true });
  assert.equal(again.body.errors_total, 3);
  assertHas(again.body, '2|序列号|duplicate', '3|序列号|duplicate', '4|序列号|duplicate');
});

test('equipment: the warranty answer of an imported unit is right (SPEC B2, B3)', async () => {
  const project = await createProject({ acceptance_date: '2026-01-31' });
  const csv = [unitHeading,
    `${project.name},,W-1,WM,,,,,是,,,,`,
    `${project.name},,W-2,WM,,,,,是,,24,,`,
    `${project.name},,W-3,WM,,,,,否,,18,,`,
    `${project.name},,W-4,WM,,,,,,,,2026年3月15日,`].join('\n');
  const r = await upload('equipment', csv);
  assert.equal(r.status, 200, r.text);
  const units = await unitsOf(project.id);
  const warranty = async (serial, date) => {
    const u = units.find((x) => x.serial_no === serial);
    const w = await srv.req('GET', `/api/v1/equipment/${u.id}/warranty?date=${date}`, { token: admin.token });
    assert.equal(w.status, 200, w.text);
    return w.body;
  };
  const company = await warranty('W-1', '2027-01-31');
  assert.equal(company.state, 'in_warranty');
  assert.equal(company.basis, 'company');
  assert.equal(company.last_day, '2027-01-31');
  assert.equal(company.acceptance_source, 'project');
  assert.equal((await warranty('W-1', '2027-02-01')).state, 'paid_maintenance');
  const maker = await warranty('W-2', '2027-06-01');
  assert.equal(maker.basis, 'manufacturer');
  assert.equal(maker.last_day, '2028-01-31');
  const notOurs = await warranty('W-3', '2027-03-01');
  assert.equal(notOurs.basis, 'manufacturer_only');
  assert.equal(notOurs.last_day, '2027-07-31');
  assert.equal(notOurs.replacement_free, false);
  const own = await warranty('W-4', '2027-03-15');
  assert.equal(own.acceptance_source, 'equipment');
  assert.equal(own.acceptance_date_used, '2026-03-15');
  assert.equal(own.state, 'in_warranty');
});

test('equipment: projects of the same name are told apart by 客户名称 or 工程编号; a name alone is ambiguous', async () => {
  const name = `同名工程${tag()}`;
  const other = await createCustomer({ name: `另一客户${tag()}` });
  const a = await createProject({ name });
  const b = await createProject({ name, customer_id: other.id });
  const csv = ['工程名称,客户名称,工程编号,序列号,型号',
    `${name},,,A-1,AM`,
    `${name},${other.name},,A-2,AM`,
    `,,${a.id},A-3,AM`,
    `,,999999999,A-4,AM`,
    `${name},没有的客户${tag()},,A-5,AM`].join('\n');
  const r = await upload('equipment', csv, { dry: true });
  assert.equal(r.status, 200, r.text);
  assertHas(r.body, '2|工程名称|ambiguous_name', '5|工程编号|unknown_project', '6|客户名称|unknown_customer');
  assert.equal(r.body.errors_total, 3, JSON.stringify(r.body.errors));
  const clean = await upload('equipment', csv.split('\n').filter((_, i) => i === 0 || i === 2 || i === 3).join('\n'));
  assert.equal(clean.status, 200, clean.text);
  assert.deepEqual((await unitsOf(b.id)).map((u) => u.serial_no), ['A-2']);
  assert.deepEqual((await unitsOf(a.id)).map((u) => u.serial_no), ['A-3']);
});

test('equipment: an .xlsx with a real Excel date and numbers imports; a GB18030 CSV too', async () => {
  const project = await createProject();
  const path = join(dir, `units-${tag()}.xlsx`);
  python(`
import datetime, openpyxl, sys
wb = openpyxl.Workbook(); ws = wb.active
ws.append(['工程名称', '序列号', '型号', '类别', '厂家保修月数', '验收日期'])
ws.append([sys.argv[2], 'X-1', 'XM', '可视对讲', 36, datetime.date(2026, 4, 1)])
ws.append([sys.argv[2], 20240001, 'XM', None, 12.0, None])
wb.save(sys.argv[1])`, path, project.name);
  const r = await upload('equipment', readFileSync(path), { type: 'application/octet-stream' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 2);
  const units = await unitsOf(project.id);
  const x = units.find((u) => u.serial_no === 'X-1');
  assert.equal(x.category, 'video_intercom');
  assert.equal(x.manufacturer_months, 36);
  assert.equal(x.acceptance_date, '2026-04-01');
  const n = units.find((u) => u.serial_no === '20240001');
  assert.ok(n, `a numeric serial reads as its digits: ${units.map((u) => u.serial_no)}`);
  assert.equal(n.manufacturer_months, 12);
  const gb = await upload('equipment', gb18030(`工程名称,序列号,型号,设备名称,安装位置\r\n${project.name},G-1,GM,门禁控制器,东门岗亭\r\n`));
  assert.equal(gb.status, 200, gb.text);
  const g = (await unitsOf(project.id)).find((u) => u.serial_no === 'G-1');
  assert.equal(g.name, '门禁控制器');
  assert.equal(g.install_site, '东门岗亭');
});

test('equipment: a missing or unknown column is reported', async () => {
  const r = await upload('equipment', '工程名称,颜色\nx,红\n', { dry: true });
  assert.equal(r.status, 200, r.text);
  assertHas(r.body, '1|颜色|unknown_column', '1|序列号|missing_column', '1|型号|missing_column');
});

// ---- roles and regions ---------------------------------------------------------------------

test('only roles allowed to import may; an import sees only the caller\'s regions', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  assert.equal((await upload('projects', `${projectHeading}\n`, { token: agent.token, dry: true })).status, 403);
  assert.equal((await upload('equipment', `${unitHeading}\n`, { token: agent.token, dry: true })).status, 403);
  const pmUser = srv.user('project_manager', { regions: ['000000'] });
  assert.equal((await upload('projects', `${projectHeading}\n`, { token: pmUser.token, dry: true })).status, 403);
  const manager = srv.user('engineering_manager', { regions: ['330000'] });
  const jsProject = await createProject({ customer_id: js.id, site_region_code: '320102' });
  const t = tag();
  const projects = ['客户名称,客户编号,工程名称,工程所在地区',
    `${js.name},,越权工程${t}甲,江苏省 南京市 玄武区`,
    `,${js.id},越权工程${t}乙,浙江省 杭州市 西湖区`,
    `${zj.name},,越权工程${t}丙,江苏省 南京市 玄武区`,
    `${zj.name},,越权工程${t}丁,浙江省 杭州市 西湖区`].join('\n');
  const r = await upload('projects', projects, { token: manager.token, dry: true });
  assert.equal(r.status, 200, r.text);
  assertHas(r.body, '2|客户名称|unknown_customer', '3|客户编号|unknown_customer', '4|工程所在地区|region_not_granted');
  assert.equal(r.body.valid, 1);
  const units = ['工程名称,工程编号,序列号,型号', `${jsProject.name},,J-1,JM`, `,${jsProject.id},J-2,JM`].join('\n');
  const u = await upload('equipment', units, { token: manager.token, dry: true });
  assert.equal(u.status, 200, u.text);
  assertHas(u.body, '2|工程名称|unknown_project', '3|工程编号|unknown_project');
});

// ---- the command line ----------------------------------------------------------------------

test('the command line imports projects and equipment, and refuses an unknown kind', () => {
  const t = tag();
  const projects = join(dir, `p-${t}.csv`);
  const units = join(dir, `u-${t}.csv`);
  writeFileSync(projects, `客户名称,工程名称,工程地区编码\n${zj.name},命令行工程${t},330106\n`);
  writeFileSync(units, `工程名称,客户名称,序列号,型号\n命令行工程${t},${zj.name},CLI-1,CM\n`);
  assert.match(srv.cli(['import', 'projects', projects, '--user', admin.username, '--dry-run']), /1 rows, 1 valid, 0 created, 0 errors \(dry run\)/);
  assert.match(srv.cli(['import', 'projects', projects, '--user', admin.username]), /1 rows, 1 valid, 1 created, 0 errors/);
  assert.match(srv.cli(['import', 'equipment', units, '--user', admin.username]), /1 rows, 1 valid, 1 created, 0 errors/);
  assert.throws(() => srv.cli(['import', 'equipment', units, '--user', admin.username]), (e) => e.status === 1 && /duplicate/.test(e.stderr));
  assert.throws(() => srv.cli(['import', 'dealers', units, '--user', admin.username]), (e) => e.status === 2);
});
