// export.test.js — exporting the customer list (SPEC H5 "Everything a manager reads can be
// exported to Excel"; UI.md 10): the list's filters, every matching row, Chinese intact when
// a real reader opens the .xlsx, CSV for Excel with a BOM and the formula-injection guard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, customerBody } from './lib/harness.js';

let srv;
let admin;
let dir;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  dir = mkdtempSync(join(tmpdir(), 'shouhou-export-'));
  for (let i = 0; i < 7; i++) {
    const r = await srv.req('POST', '/api/v1/customers', {
      token: admin.token,
      body: customerBody({ name: `导出测试客户${i}`, customer_group: i % 2 ? 'school' : 'hospital', note: i === 3 ? '=HYPERLINK("http://x")' : '' }),
    });
    assert.equal(r.status, 201, r.text);
  }
  const other = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '南京客户', region_code: '320102', addresses: [] }) });
  assert.equal(other.status, 201, other.text);
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await srv.stop(); });

async function download(qs, token = admin.token) {
  const res = await fetch(`${srv.base}/api/v1/customers/export?${qs}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// Reads an .xlsx with Debian's openpyxl (a real reader, not ours): [[cell, …], …].
function readXlsx(bytes) {
  const path = join(dir, `read-${Math.random()}.xlsx`);
  writeFileSync(path, bytes);
  const out = execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print(json.dumps({"sheet": ws.title, "rows": [[None if c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)]}, ensure_ascii=False))
`, path], { encoding: 'utf8' });
  return JSON.parse(out);
}

test('an .xlsx export holds every matching customer with labels, named 客户_<time>.xlsx', async () => {
  const r = await download('format=xlsx&q=导出测试客户');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''%E5%AE%A2%E6%88%B7_\d{14}\.xlsx/);
  const sheet = readXlsx(r.bytes);
  assert.equal(sheet.sheet, '客户');
  assert.equal(sheet.rows[0][1], '客户名称');
  const names = sheet.rows.slice(1).map((row) => row[1]).sort();
  assert.deepEqual(names, [0, 1, 2, 3, 4, 5, 6].map((i) => `导出测试客户${i}`));
  const row = sheet.rows.find((x) => x[1] === '导出测试客户1');
  assert.equal(row[8], '学校', 'the customer group is shown by its label');
  assert.equal(row[4], '浙江省 杭州市 西湖区');
  assert.equal(sheet.rows.find((x) => x[1] === '导出测试客户3')[11], '=HYPERLINK("http://x")', 'text stays text, never a formula');
});

test('an export takes the list filters and the caller region: another province is not in it', async () => {
  const sheet = readXlsx((await download('format=xlsx&customer_group=school')).bytes);
  assert.ok(sheet.rows.slice(1).every((row) => row[8] === '学校'));
  const agent = srv.user('agent', { regions: ['330000'] });
  const mine = readXlsx((await download('format=xlsx', agent.token)).bytes);
  assert.ok(!mine.rows.some((row) => row[1] === '南京客户'), 'a customer outside the grants is not exported');
  assert.ok(mine.rows.some((row) => row[1] === '导出测试客户0'));
});

test('a CSV export has a BOM, CRLF lines, and cells starting with = are guarded', async () => {
  const r = await download('format=csv&q=导出测试客户3');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = r.bytes.subarray(3).toString('utf8');
  assert.ok(text.includes('\r\n'));
  assert.ok(text.startsWith('客户编号,客户名称'));
  assert.ok(text.includes(`"'=HYPERLINK(""http://x"")"`), text);
});

test('a bad format or sort is 400 naming the parameter', async () => {
  const bad = await srv.req('GET', '/api/v1/customers/export?format=pdf', { token: admin.token });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'format');
  const sort = await srv.req('GET', '/api/v1/customers/export?sort=relevance', { token: admin.token });
  assert.equal(sort.status, 400);
  assert.equal(sort.body.error.field, 'sort');
});
