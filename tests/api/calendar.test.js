// calendar.test.js — the work calendar (SPEC C2 working-hours policy, I1; DESIGN.md: holidays
// and make-up working days from npm chinese-days into a table administrators extend; a year
// not loaded is reported, never guessed). src/api/calendar.c, src/domain/calendar.c,
// src/cli_calendar.c. The expected days were checked against chinese-days 1.5.7 and the
// State Council's 2026 notice: 2026-02-14 (Saturday) is a make-up working day for the Spring
// Festival, 2026-10-01..07 is National Day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/harness.js';

let srv, admin, agent, dealer, tmp;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  dealer = srv.user('dealer', { regions: ['330000'] });
  tmp = mkdtempSync(join(tmpdir(), 'shouhou-calendar-'));
});
after(async () => {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const day = (d, token = agent.token) => srv.req('GET', `/api/v1/calendar/days/${d}`, { token });
const year = (y, token = agent.token) => srv.req('GET', `/api/v1/calendar?year=${y}`, { token });
const putDay = (d, body, token = admin.token) => srv.req('PUT', `/api/v1/calendar/days/${d}`, { token, body });
const audit = (query) => srv.req('GET', `/api/v1/audit?${query}`, { token: admin.token });

// Runs the CLI and returns {status, stdout, stderr} instead of throwing on a non-zero exit.
function cli(args) {
  try {
    return { status: 0, stdout: srv.cli(args), stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}

test('calendar load reads every year of chinese-days in one go and says where from', () => {
  const r = cli(['calendar', 'load']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /loaded the work calendar 2004-2026 \(769 listed days\) from chinese-days 1\.5\.7/);
});

test('GET /api/v1/calendar?year=2026: loaded, its source, its listed days and working days per month', async () => {
  const r = await year(2026);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.year, 2026);
  assert.equal(r.body.loaded, true);
  assert.equal(r.body.source, 'chinese-days 1.5.7');
  assert.equal(r.body.loaded_by, null, 'loaded from the command line');
  assert.equal(r.body.days.length, 39);
  assert.deepEqual(r.body.days.find((d) => d.day === '2026-10-01'), { day: '2026-10-01', workday: false, name: '国庆节' });
  assert.deepEqual(r.body.days.find((d) => d.day === '2026-02-14'), { day: '2026-02-14', workday: true, name: '春节' });
  const sorted = [...r.body.days].map((d) => d.day).sort();
  assert.deepEqual(r.body.days.map((d) => d.day), sorted, 'days ascending');
  // Counted by hand from the 2026 notice: Monday-Friday, minus holidays, plus make-up days.
  assert.deepEqual(r.body.working_days_per_month, [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23]);
  assert.equal(r.body.working_days, 248);
  assert.equal(r.body.loaded_years[0], 2004);
  assert.equal(r.body.loaded_years.at(-1), 2026);
});

test('2026-02-14, a Saturday, is a make-up working day (调休上班)', async () => {
  const r = await day('2026-02-14');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { day: '2026-02-14', kind: 'workday', listed: true, name: '春节', weekday: 6 });
});

test('2026-10-01 is a day off named 国庆节', async () => {
  const r = await day('2026-10-01');
  assert.equal(r.body.kind, 'offday');
  assert.equal(r.body.name, '国庆节');
  assert.equal(r.body.listed, true);
  assert.equal(r.body.weekday, 4);
});

test('2026-11-28, a plain Saturday, is a day off; a plain Monday is a working day', async () => {
  assert.deepEqual((await day('2026-11-28')).body, { day: '2026-11-28', kind: 'offday', listed: false, name: null, weekday: 6 });
  assert.equal((await day('2026-11-30')).body.kind, 'workday');
});

test('a day of a year not loaded is not_loaded, never guessed as a weekday', async () => {
  const r = await day('2027-01-04');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { day: '2027-01-04', kind: 'not_loaded', listed: false, name: null, weekday: 1 });
  const y = await year(2027);
  assert.equal(y.status, 200);
  assert.equal(y.body.loaded, false);
  assert.equal(y.body.source, null);
  assert.deepEqual(y.body.days, []);
  assert.equal(y.body.working_days_per_month, null);
  assert.equal(y.body.working_days, null);
});

test('without ?year the current year of the company zone is answered', async () => {
  const r = await srv.req('GET', '/api/v1/calendar', { token: dealer.token });
  assert.equal(r.status, 200, r.text);
  const now = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  assert.equal(r.body.year, now);
});

test('a bad date or year names the field', async () => {
  let r = await day('2026-02-30');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_date');
  assert.equal(r.body.error.field, 'day');
  r = await putDay('2026-02-30', { workday: false, name: 'x' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'day');
  r = await srv.req('DELETE', '/api/v1/calendar/days/26-1-1', { token: admin.token });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'day');
  r = await srv.req('GET', '/api/v1/calendar?year=20x6', { token: agent.token });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_parameter');
  assert.equal(r.body.error.field, 'year');
  r = await srv.req('GET', '/api/v1/calendar?year=1800', { token: agent.token });
  assert.equal(r.status, 400);
  r = await srv.req('PUT', '/api/v1/calendar/years/1800', { token: admin.token, body: { source: 'admin' } });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'out_of_range');
  assert.equal(r.body.error.field, 'year');
  r = await srv.req('PUT', '/api/v1/calendar/years/2027', { token: admin.token, body: { source: 'chinese-days' } });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_choice');
  assert.equal(r.body.error.field, 'source');
  r = await putDay('2026-12-31', { workday: 'no' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'workday');
  r = await putDay('2026-12-31', { name: 'x' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'field_required');
  assert.equal(r.body.error.field, 'workday');
});

test('a day of a year not loaded cannot be listed: 422 calendar_not_loaded naming day and the year', async () => {
  const r = await putDay('2028-01-01', { workday: false, name: '元旦' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'calendar_not_loaded');
  assert.equal(r.body.error.field, 'day');
  assert.match(r.body.error.message, /2028/);
  assert.equal((await year(2028)).body.loaded, false, 'nothing was written');
});

test('roles other than the administrator read the calendar but get 403 changing it', async () => {
  for (const token of [agent.token, dealer.token]) {
    assert.equal((await year(2026, token)).status, 200);
    let r = await putDay('2026-12-31', { workday: false }, token);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
    r = await srv.req('PUT', '/api/v1/calendar/years/2027', { token, body: { source: 'admin' } });
    assert.equal(r.status, 403);
    r = await srv.req('DELETE', '/api/v1/calendar/years/2026', { token });
    assert.equal(r.status, 403);
    r = await srv.req('DELETE', '/api/v1/calendar/days/2026-10-01', { token });
    assert.equal(r.status, 403);
  }
  assert.equal((await year(2026)).body.source, 'chinese-days 1.5.7', 'nothing changed');
});

test('an administrator marks 2027 loaded and lists 2027-01-01 as a holiday, both audited', async () => {
  let r = await srv.req('PUT', '/api/v1/calendar/years/2027', { token: admin.token, body: { source: 'admin' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.loaded, true);
  assert.equal(r.body.source, 'admin');
  assert.equal(r.body.loaded_by, admin.id);
  assert.equal(r.body.working_days, 261, 'a year with nothing listed yet is Monday-Friday');
  r = await srv.req('PUT', '/api/v1/calendar/years/2027', { token: admin.token, body: { source: 'admin' } });
  assert.equal(r.status, 200, 'marking it again changes nothing');
  assert.equal((await day('2027-01-04')).body.kind, 'workday', 'now answered: a Monday');

  r = await putDay('2027-01-01', { workday: false, name: '元旦' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body, { day: '2027-01-01', kind: 'offday', listed: true, name: '元旦', weekday: 5 });
  r = await putDay('2027-01-01', { workday: false, name: '元旦节' });
  assert.equal(r.status, 200);
  assert.equal(r.body.name, '元旦节');
  assert.equal((await year(2027)).body.working_days, 260);

  const years = await audit('entity=calendar_year&entity_id=2027');
  assert.equal(years.body.total, 1, 'one mark; the repeated mark wrote nothing');
  assert.equal(years.body.items[0].action, 'create');
  assert.equal(years.body.items[0].actor_id, admin.id);
  assert.deepEqual(years.body.items[0].changes.source, { old: null, new: 'admin' });
  const days = await audit('entity=calendar_day&entity_id=20270101');
  assert.equal(days.body.total, 2);
  const [update, create] = days.body.items;
  assert.equal(create.action, 'create');
  assert.equal(create.changes.day, '2027-01-01');
  assert.deepEqual(create.changes.workday, { old: null, new: false });
  assert.deepEqual(create.changes.name, { old: null, new: '元旦' });
  assert.equal(update.action, 'update');
  assert.deepEqual(update.changes.name, { old: '元旦', new: '元旦节' });
  assert.equal(update.changes.workday, undefined, 'unchanged fields are not recorded');
});

test('editing a day of a loaded year makes the year the administrator\'s, and a new load keeps it', async () => {
  let r = await putDay('2026-12-31', { workday: false, name: '公司年终盘点' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.kind, 'offday');
  assert.equal((await year(2026)).body.source, 'admin');
  const marked = await audit('entity=calendar_year&entity_id=2026');
  assert.equal(marked.body.total, 1);
  assert.deepEqual(marked.body.items[0].changes.source, { old: 'chinese-days 1.5.7', new: 'admin' });

  const again = cli(['calendar', 'load']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /loaded the work calendar 2004-2025 /);
  assert.match(again.stdout, /kept 2026 as an administrator edited it \(--force overwrites\)/);
  r = await day('2026-12-31');
  assert.equal(r.body.kind, 'offday', 'the administrator\'s day survives the load');
  assert.equal(r.body.name, '公司年终盘点');
  assert.equal((await year(2026)).body.source, 'admin');
  assert.equal((await year(2027)).body.source, 'admin', 'a year the file lacks is untouched');

  const loads = await audit('entity=calendar&action=load');
  assert.ok(loads.body.total >= 2);
  assert.deepEqual(loads.body.items[0].changes.kept, [2026]);
  assert.equal(loads.body.items[0].actor_name, 'cli');

  const forced = cli(['calendar', 'load', '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /loaded the work calendar 2004-2026 /);
  assert.equal((await day('2026-12-31')).body.kind, 'workday', 'forced: the file wins');
  assert.equal((await year(2026)).body.source, 'chinese-days 1.5.7');
});

test('calendar show prints a loaded year and reports one that is not', () => {
  const r = cli(['calendar', 'show', '2026']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^2026: loaded from chinese-days 1\.5\.7 at 2\d{3}-/);
  assert.match(r.stdout, /working days by month: 21 16 22 21 19 21 23 21 22 18 21 23 \(248 in the year\)/);
  assert.match(r.stdout, /2026-10-01 {2}休 holiday {2}国庆节/);
  assert.match(r.stdout, /2026-02-14 {2}班 workday {2}春节/);
  const missing = cli(['calendar', 'show', '2030']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /calendar for 2030 not loaded/);
  assert.equal(cli(['calendar', 'show', 'next']).status, 2);
});

test('a file with one bad date is refused whole, naming the key, and writes nothing', async () => {
  const path = join(tmp, 'bad.json');
  writeFileSync(path, JSON.stringify({
    holidays: { '2031-01-01': "New Year's Day,元旦,1", '2031-02-30': 'Spring Festival,春节,4' },
    workdays: {},
    inLieuDays: {},
  }));
  const r = cli(['calendar', 'load', path]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad_calendar_file/);
  assert.match(r.stderr, /holidays 2031-02-30: not a date YYYY-MM-DD/);
  assert.equal((await year(2031)).body.loaded, false);

  writeFileSync(path, JSON.stringify({ holidays: { '2031-01-01': "New Year's Day,元旦,1" }, workdays: { '2031-01-01': 'x,y,1' } }));
  assert.match(cli(['calendar', 'load', path]).stderr, /workdays 2031-01-01: also a holiday/);
  writeFileSync(path, JSON.stringify({ holidays: { '2031-01-01': "New Year's Day,元旦,1" }, workdays: {}, inLieuDays: { '2031-01-02': 'x,y,1' } }));
  assert.match(cli(['calendar', 'load', path]).stderr, /inLieuDays 2031-01-02: not listed as a holiday/);
  writeFileSync(path, '{"holidays": {}, "holidays": {}}');
  assert.match(cli(['calendar', 'load', path]).stderr, /bad_calendar_file/);
  assert.equal((await year(2031)).body.loaded, false);

  // A good file of one's own: its source is plain chinese-days (no package.json beside it).
  writeFileSync(path, JSON.stringify({ holidays: { '2031-01-01': "New Year's Day,元旦,1" }, workdays: {} }));
  const ok = cli(['calendar', 'load', path]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /loaded the work calendar 2031 \(1 listed days\) from chinese-days\n/);
  assert.equal((await day('2031-01-01')).body.kind, 'offday');
});

test('unlisting a day and unloading a year, both audited; a second try is 404', async () => {
  let r = await srv.req('DELETE', '/api/v1/calendar/days/2027-01-01', { token: admin.token });
  assert.equal(r.status, 204, r.text);
  assert.equal((await day('2027-01-01')).body.kind, 'workday', 'a Friday once more');
  r = await srv.req('DELETE', '/api/v1/calendar/days/2027-01-01', { token: admin.token });
  assert.equal(r.status, 404);
  r = await srv.req('DELETE', '/api/v1/calendar/days/2026-11-30', { token: admin.token });
  assert.equal(r.status, 404, 'a day that is not listed');

  r = await srv.req('DELETE', '/api/v1/calendar/years/2027', { token: admin.token });
  assert.equal(r.status, 204, r.text);
  assert.equal((await day('2027-01-04')).body.kind, 'not_loaded');
  r = await srv.req('DELETE', '/api/v1/calendar/years/2027', { token: admin.token });
  assert.equal(r.status, 404);
  r = await srv.req('DELETE', '/api/v1/calendar/years/abc', { token: admin.token });
  assert.equal(r.status, 404);

  const dayRows = await audit('entity=calendar_day&entity_id=20270101&action=delete');
  assert.equal(dayRows.body.total, 1);
  assert.deepEqual(dayRows.body.items[0].changes.name, { old: '元旦节', new: null });
  const yearRows = await audit('entity=calendar_year&entity_id=2027&action=delete');
  assert.equal(yearRows.body.total, 1);
  assert.deepEqual(yearRows.body.items[0].changes.source, { old: 'admin', new: null });
  assert.equal(yearRows.body.items[0].changes.days, 0);

  // Unloading a chinese-days year deletes its listed days too.
  r = await srv.req('DELETE', '/api/v1/calendar/years/2025', { token: admin.token });
  assert.equal(r.status, 204);
  const rows = await audit('entity=calendar_year&entity_id=2025&action=delete');
  assert.equal(rows.body.items[0].changes.days, 33);
  assert.equal((await day('2025-10-01')).body.kind, 'not_loaded');
  assert.equal((await year(2025)).body.days.length, 0);
});

test('the working-hours settings: a time range may end at 24:00, and the C2 rows exist with their defaults', async () => {
  const list = (await srv.req('GET', '/api/v1/settings', { token: admin.token })).body.items;
  const get = (k) => list.find((s) => s.key === k);
  assert.deepEqual([get('sla.working_hours').type, get('sla.working_hours').value], ['time_ranges', '00:00-24:00']);
  assert.deepEqual([get('sla.pause_for_customer_delay').type, get('sla.pause_for_customer_delay').value], ['bool', false]);
  assert.deepEqual([get('sla.escalation_chain').type, get('sla.escalation_chain').value], ['text', 'dispatcher,engineering_manager,gm']);
  const step = get('sla.escalation_step_minutes');
  assert.deepEqual([step.type, step.value, step.unit, step.min, step.max], ['int', 240, 'minutes', 10, 10080]);
  for (const k of ['sla.working_hours', 'sla.pause_for_customer_delay', 'sla.escalation_chain', 'sla.escalation_step_minutes']) {
    assert.equal(get(k).origin, 'ours', k);
    assert.equal(get(k).spec, 'C2', k);
  }
  const put = (key, value, version = 0) => srv.req('PUT', `/api/v1/settings/${key}`, { token: admin.token, body: { value, version } });
  let r = await put('sla.working_hours', '08:30-12:00,13:30-24:00');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.value, '08:30-12:00,13:30-24:00');
  for (const bad of ['24:00-24:00', '08:00-24:01', '08:00-25:00', '20:00-24:00,23:00-23:30', '08:00-24:00,']) {
    r = await put('sla.working_hours', bad, 1);
    assert.equal(r.status, 422, bad);
    assert.equal(r.body.error.code, 'invalid_setting_value', bad);
  }
  r = await put('calls.hours', '09:00-12:00,14:00-24:00');
  assert.equal(r.status, 200, 'every time_ranges setting may end at 24:00');
});
