// imports.test.js — loading customers from the spreadsheets users have (issue 3; SPEC A1):
// CSV in UTF-8 (with or without BOM) and GB18030, .xlsx; a dry run reports every bad row
// with its row number, column and reason and writes nothing; a real import is all or
// nothing; an export can be imported again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/harness.js';

let srv;
let admin;
let dir;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  dir = mkdtempSync(join(tmpdir(), 'shouhou-import-'));
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await srv.stop(); });

async function upload(body, { type = 'text/csv', dry = false, token = admin.token } = {}) {
  return srv.req('POST', `/api/v1/imports/customers${dry ? '?dry_run=true' : ''}`, { token, body, headers: { 'Content-Type': type } });
}
async function count(q) {
  return (await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(q)}&page_size=1`, { token: admin.token })).body.total;
}

const heading = '客户名称,所在地区,详细地址,电话,负责人,客户分组,产品类型,重点客户,联系人,联系人电话';

test('a dry run reports every bad row with its row number, column and reason, and writes nothing', async () => {
  const csv = [heading,
    '甲导入客户,浙江省 杭州市 西湖区,文三路1号,0571-1234,王伟,学校,监控设备、停车场管理,是,李娜,13800001111',
    '乙导入客户,火星 某市,x,,,,,,,',
    '丙导入客户,北京市 东城区,长安街1号,,,外星人,监控设备,也许,,',
    ',浙江省 宁波市 海曙区,,,,,,,,'].join('\r\n');
  const r = await upload(csv, { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.rows, 4);
  assert.equal(r.body.valid, 1);
  assert.equal(r.body.created, 0);
  const seen = r.body.errors.map((e) => `${e.row}|${e.column}|${e.code}`);
  assert.ok(seen.includes('3|所在地区|unknown_region'), seen.join(' '));
  assert.ok(seen.includes('4|客户分组|invalid_choice'), seen.join(' '));
  assert.ok(seen.includes('4|重点客户|invalid_choice'), seen.join(' '));
  assert.ok(seen.includes('5|客户名称|field_required'), seen.join(' '));
  assert.equal(r.body.errors.find((e) => e.row === 3).message, '地区编码不存在: 火星 某市');
  assert.equal(await count('导入客户'), 0, 'a dry run writes nothing');
});

test('a real import with one bad row imports nothing: 422 import_rejected with the report', async () => {
  const csv = [heading, '好客户一号,浙江省 杭州市 西湖区,路1号,,,,,,,', '坏客户二号,火星,x,,,,,,,'].join('\n');
  const r = await upload(csv);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'import_rejected');
  assert.equal(r.body.report.errors_total, 1);
  assert.equal(r.body.report.created, 0);
  assert.equal(await count('好客户一号'), 0, 'the good row was not kept either');
});

test('a clean import creates every row, resolving region names and dictionary labels, audited', async () => {
  const csv = `\ufeff${heading}\n导入成功甲,浙江省 杭州市 西湖区,文三路1号,０５７１-88886666,王伟,学校,监控设备、停车场管理,是,李娜,13800001111\n导入成功乙,北京市 东城区,长安街1号,,,,,,,\n`;
  const r = await upload(csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 2);
  const list = await srv.req('GET', '/api/v1/customers?q=导入成功&sort=name', { token: admin.token });
  const a = list.body.items.find((c) => c.name === '导入成功甲');
  const b = list.body.items.find((c) => c.name === '导入成功乙');
  assert.equal(a.region_name, '浙江省 杭州市 西湖区');
  assert.equal(a.phone, '0571-88886666', 'full-width digits folded as on the API');
  assert.equal(a.customer_group, 'school');
  assert.deepEqual(a.product_types, ['surveillance', 'parking']);
  assert.equal(a.key_customer, true);
  assert.equal(b.region_name, '北京市 东城区', '北京市 东城区 is found under 市辖区');
  const full = await srv.req('GET', `/api/v1/customers/${a.id}`, { token: admin.token });
  assert.equal(full.body.contacts[0].name, '李娜');
  const audit = await srv.req('GET', `/api/v1/customers/${a.id}/history`, { token: admin.token });
  assert.equal(audit.body.items[0].action, 'create');
  assert.equal(audit.body.items[0].actor_name, admin.username);
});

test('a GB18030 CSV (as Excel on Chinese Windows saves it) imports with its Chinese intact', async () => {
  const text = `客户名称,所在地区,详细地址\r\n国标编码客户,江苏省 南京市 玄武区,中山路8号\r\n`;
  const gb = execFileSync('/usr/bin/python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("gb18030"))'], { input: text });
  const r = await upload(gb);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 1);
  assert.equal(await count('国标编码客户'), 1);
});

test('an .xlsx made by another program imports, and so does shouhou\'s own export of it', async () => {
  const path = join(dir, 'in.xlsx');
  execFileSync('/usr/bin/python3', ['-c', `
import openpyxl, sys
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '客户'
ws.append(['客户名称', '地区编码', '详细地址', '重点客户'])
ws.append(['表格导入客户', '330106', '天目山路5号', '否'])
wb.save(sys.argv[1])`, path]);
  const r = await upload(readFileSync(path), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 1);
  // Round trip: export the customer, delete it, import the export.
  const res = await fetch(`${srv.base}/api/v1/customers/export?format=xlsx&q=${encodeURIComponent('表格导入客户')}`, { headers: { Authorization: `Bearer ${admin.token}` } });
  const exported = Buffer.from(await res.arrayBuffer());
  const again = await upload(exported, { type: 'application/octet-stream', dry: true });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.errors_total, 0, JSON.stringify(again.body.errors));
  assert.equal(again.body.valid, 1);
});

test('an unknown or missing column is reported rather than silently dropped', async () => {
  const r = await upload('客户名称,身份证号\n某客户,123\n', { dry: true });
  assert.equal(r.status, 200);
  const codes = r.body.errors.map((e) => `${e.row}|${e.code}|${e.column}`);
  assert.ok(codes.includes('1|unknown_column|身份证号'), codes.join(' '));
  assert.ok(codes.includes('1|missing_column|地区编码'), codes.join(' '));
});

test('only roles allowed to import may, and an import checks the caller\'s regions', async () => {
  const agent = srv.user('agent', { regions: ['330000'] });
  assert.equal((await upload(`${heading}\n`, { token: agent.token })).status, 403);
  const manager = srv.user('engineering_manager', { regions: ['320000'] });
  const r = await upload('客户名称,所在地区\n越权客户,浙江省 杭州市 西湖区\n', { token: manager.token, dry: true });
  assert.equal(r.status, 200);
  assert.equal(r.body.errors[0].code, 'region_not_granted');
});

test('a JSON body or a broken file is refused with a clear error', async () => {
  assert.equal((await upload('{"a":1}', { type: 'application/json' })).status, 415);
  const broken = await upload(Buffer.from('PK\u0003\u0004garbage'), { type: 'application/octet-stream' });
  assert.equal(broken.status, 422, broken.text);
  const bad = await srv.req('POST', '/api/v1/imports/customers?dry_run=maybe', { token: admin.token, body: 'x', headers: { 'Content-Type': 'text/csv' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'dry_run');
});
