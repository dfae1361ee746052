// settings.test.js — /api/v1/settings: the rulebook's numbers as typed settings (SPEC intro:
// "every amount, duration and threshold is configuration with the rulebook's value as its
// default"; DESIGN.md "Settings"; src/domain/settings.c, settings_table.c). The rulebook values
// below were checked by hand against seed/000_828e61b69c600132.txt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.js';

let srv, admin;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

async function all(token = admin.token) {
  const r = await srv.req('GET', '/api/v1/settings', { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}
async function one(key) {
  return (await all()).items.find((s) => s.key === key);
}
const put = (key, body, token = admin.token) => srv.req('PUT', `/api/v1/settings/${key}`, { token, body });

test('GET /api/v1/settings lists every setting with key, type, unit, value, default, origin, spec and version', async () => {
  const body = await all();
  assert.ok(body.items.length >= 60, `${body.items.length} settings`);
  assert.equal(body.total, body.items.length);
  const keys = body.items.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length, 'keys are unique');
  for (const s of body.items) {
    for (const f of ['key', 'type', 'unit', 'value', 'default', 'origin', 'spec', 'version', 'label'])
      assert.ok(f in s, `${s.key} has ${f}`);
    assert.ok(['rulebook', 'ours', 'unset'].includes(s.origin), `${s.key} origin ${s.origin}`);
    assert.ok(['int', 'bool', 'time', 'time_ranges', 'months', 'choice', 'text', 'date'].includes(s.type), `${s.key} type ${s.type}`);
    assert.match(s.spec, /^[A-L]\d*$/, `${s.key} names the SPEC item it serves`);
    assert.equal(s.version, 0, `${s.key} was never changed`);
    assert.equal(s.changed, false);
    assert.deepEqual(s.value, s.default, `${s.key}: an unchanged setting has its default`);
    if (s.origin === 'unset') assert.equal(s.default, null, `${s.key}: unset has no default`);
    else assert.notEqual(s.default, null, `${s.key}: ${s.origin} has a default`);
    if (s.type === 'int') {
      assert.ok(Number.isInteger(s.min) && Number.isInteger(s.max) && s.min <= s.max, s.key);
      if (s.value !== null) assert.ok(s.value >= s.min && s.value <= s.max, `${s.key} default within its range`);
    }
  }
});

test('the rulebook values are the defaults, with origin rulebook and the right unit', async () => {
  const expected = {
    'warranty.company_months': [12, 'months'], // 一年的免费保修
    'sla.onsite_hours': [24, 'hours'], // 24小时内到达现场
    'sla.clear_hours': [48, 'hours'], // 48小时内排除故障
    'sla.substitute_hours': [72, 'hours'], // 72小时 … 备品
    'visit.interval_months': [2, 'months'], // 至少每二个月回访一次
    'targets.satisfaction_permille': [980, 'permille'], // 服务满意率98%以上
    'ranking.bonus_first_fen': [50000, 'fen'], // 冠军奖金500元
    'ranking.bonus_second_fen': [30000, 'fen'], // 300元
    'ranking.bonus_third_fen': [10000, 'fen'], // 季军奖金100元
    'attendance.desk_late_fine_fen': [500, 'fen'], // 迟到早退一次交爱心基金5元
    'duty.poor_fine_fen': [200, 'fen'], // 一次交爱心基金2元
    'duty.skip_fine_fen': [1000, 'fen'], // 拖欠值日 … 10元
    'travel.sleeper_min_km': [800, 'km'], // 800公里 … 以上乘火车者享受硬卧
    'travel.hospitality_vgm_max_fen': [300000, 'fen'], // 3000元(含)以下 … 分管副总同意
    'dormitory.fine_min_fen': [5000, 'fen'], // 罚款50~100元
    'dormitory.fine_max_fen': [10000, 'fen'],
  };
  const items = (await all()).items;
  for (const [key, [value, unit]] of Object.entries(expected)) {
    const s = items.find((i) => i.key === key);
    assert.ok(s, `${key} exists`);
    assert.equal(s.value, value, key);
    assert.equal(s.default, value, key);
    assert.equal(s.unit, unit, key);
    assert.equal(s.origin, 'rulebook', key);
    assert.equal(s.type, 'int', key);
  }
});

test('the sign-in limits are settings of ours: slowed after 3 failures, locked after 10 for 15 minutes', async () => {
  const items = (await all()).items;
  const expected = { 'auth.slow_after_failures': 3, 'auth.lock_after_failures': 10, 'auth.lock_minutes': 15,
    'auth.session_idle_minutes': 120, 'auth.session_absolute_hours': 12 };
  for (const [key, value] of Object.entries(expected)) {
    const s = items.find((i) => i.key === key);
    assert.equal(s.value, value, key);
    assert.equal(s.origin, 'ours', `${key}: the rulebook says nothing of sign-in`);
    assert.equal(s.spec, 'L', key);
  }
});

test('the 18 travel allowance cells are origin unset with value null (the rulebook leaves the table blank)', async () => {
  const items = (await all()).items.filter((s) => s.key.startsWith('travel.allowance.'));
  const keys = [];
  for (const kind of ['lodging', 'meal'])
    for (const level of ['l1', 'l2', 'l3'])
      for (const tier of ['tier1', 'tier2', 'tier3']) keys.push(`travel.allowance.${kind}.${level}.${tier}`);
  assert.deepEqual(items.map((s) => s.key).sort(), keys.sort());
  for (const s of items) {
    assert.equal(s.origin, 'unset', s.key);
    assert.equal(s.value, null, s.key);
    assert.equal(s.default, null, s.key);
    assert.equal(s.unit, 'fen', s.key);
    assert.equal(s.spec, 'J3', s.key);
  }
});

test('PUT with version 0 sets a never-changed setting: 200, version 1, and the list shows it', async () => {
  const r = await put('sla.onsite_hours', { value: 12, version: 0 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.key, 'sla.onsite_hours');
  assert.equal(r.body.value, 12);
  assert.equal(r.body.default, 24);
  assert.equal(r.body.version, 1);
  assert.equal(r.body.changed, true);
  assert.equal(r.body.origin, 'rulebook', 'origin stays that of the default');
  assert.match(r.body.updated_at, /\+08:00$/);
  assert.deepEqual(await one('sla.onsite_hours'), r.body);
});

test('a second PUT with version 0 is 409 stale_version; the current version succeeds and counts up', async () => {
  assert.equal((await put('sla.clear_hours', { value: 36, version: 0 })).status, 200);
  const stale = await put('sla.clear_hours', { value: 40, version: 0 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'stale_version');
  assert.equal((await one('sla.clear_hours')).value, 36, 'the stale write changed nothing');
  const next = await put('sla.clear_hours', { value: 40, version: 1 });
  assert.equal(next.status, 200);
  assert.equal(next.body.version, 2);
  const ahead = await put('sla.clear_hours', { value: 44, version: 7 });
  assert.equal(ahead.status, 409);
});

test('an unset setting can be filled in and then has a value', async () => {
  const r = await put('travel.allowance.lodging.l1.tier1', { value: 30000, version: 0 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.value, 30000);
  assert.equal(r.body.default, null);
  const s = await one('travel.allowance.lodging.l1.tier1');
  assert.equal(s.value, 30000);
});

test('a value out of range is 422 invalid_setting_value naming value, and nothing changes', async () => {
  for (const [key, value] of [['sla.onsite_hours', 0], ['sla.onsite_hours', 721], ['targets.satisfaction_permille', 1001],
    ['ranking.bonus_first_fen', -1], ['warranty.company_months', 241]]) {
    const r = await put(key, { value, version: 0 });
    assert.equal(r.status, 422, `${key}=${value}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_setting_value');
    assert.equal(r.body.error.field, 'value');
  }
  assert.equal((await one('warranty.company_months')).value, 12);
});

test('values of the other types are validated: choice, time, time ranges, months, bool, text', async () => {
  const bad = [['sla.clock', 'hourly'], ['attendance.office_start', '25:00'], ['attendance.office_start', '9:00'],
    ['calls.hours', '14:00-12:00'], ['calls.hours', '09:00-12:00,11:00-13:00'], ['survey.campaign_months', '13'],
    ['survey.campaign_months', '3,3'], ['travel.meal_times', ''], ['company.name', ''], ['company.name', '华'.repeat(101)]];
  for (const [key, value] of bad) {
    const r = await put(key, { value, version: 0 });
    assert.equal(r.status, 422, `${key}=${JSON.stringify(value)}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_setting_value');
  }
  const good = [['sla.clock', 'working'], ['attendance.office_start', '08:30'], ['calls.hours', '09:00-11:30,14:00-17:00'],
    ['survey.campaign_months', '6,12'], ['attendance.use_holiday_calendar', false], ['company.name', '华'.repeat(100)]];
  for (const [key, value] of good) {
    const r = await put(key, { value, version: 0 });
    assert.equal(r.status, 200, `${key}=${JSON.stringify(value)}: ${r.text}`);
    assert.deepEqual(r.body.value, value);
  }
});

test('the escalation chain holds only staff roles, each once (sla.escalation_chain)', async () => {
  const bad = ['dispatcher,boss', 'dispatcher,dealer', 'customer', 'gm,gm', 'dispatcher,', ',gm',
    'agent,dispatcher,technician,engineering_manager,project_manager,qc,warehouse,finance,gm'];
  for (const value of bad) {
    const r = await put('sla.escalation_chain', { value, version: 0 });
    assert.equal(r.status, 422, `${value}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_setting_value');
  }
  const r = await put('sla.escalation_chain', { value: 'dispatcher,department_head,vice_gm,gm', version: 0 });
  assert.equal(r.status, 200, r.text);
});

test('a value of the wrong JSON type is 400; a null value or a missing version is 422', async () => {
  for (const [key, value] of [['duty.poor_fine_fen', '200'], ['duty.poor_fine_fen', 2.5], ['duty.poor_fine_fen', true],
    ['duty.poor_fine_fen', [200]], ['sla.clock', 1], ['attendance.use_holiday_calendar', 'true']]) {
    const r = await put(key, { value, version: 0 });
    assert.equal(r.status, 400, `${key}=${JSON.stringify(value)}: ${r.text}`);
    assert.equal(r.body.error.field, 'value');
  }
  const nul = await put('duty.poor_fine_fen', { value: null, version: 0 });
  assert.equal(nul.status, 422);
  const noVersion = await put('duty.poor_fine_fen', { value: 300 });
  assert.equal(noVersion.status, 422);
  assert.equal(noVersion.body.error.field, 'version');
  const badVersion = await put('duty.poor_fine_fen', { value: 300, version: '0' });
  assert.equal(badVersion.status, 400);
  const extra = await put('duty.poor_fine_fen', { value: 300, version: 0, note: 'x' });
  assert.equal(extra.status, 400);
  const notJson = await put('duty.poor_fine_fen', '{"value":');
  assert.equal(notJson.status, 400);
  assert.equal((await one('duty.poor_fine_fen')).version, 0, 'nothing was stored');
});

test('an unknown key is 404', async () => {
  const r = await put('no.such.setting', { value: 1, version: 0 });
  assert.equal(r.status, 404);
  const prefix = await put('sla', { value: 1, version: 0 });
  assert.equal(prefix.status, 404);
});

test('a fine range cannot be set empty: dormitory.fine_min_fen above fine_max_fen is 422', async () => {
  // SPEC intro: "Where the rulebook states a range ... the person recording picks a value inside it"
  // — a minimum above the maximum leaves nothing to pick.
  const r = await put('dormitory.fine_min_fen', { value: 20000, version: 0 });
  assert.equal(r.status, 422, r.text);
  assert.equal((await one('dormitory.fine_min_fen')).value, 5000);
});

test('every change appears in the audit trail with the old and the new value', async () => {
  assert.equal((await put('visit.interval_months', { value: 3, version: 0 })).status, 200);
  assert.equal((await put('visit.interval_months', { value: 4, version: 1 })).status, 200);
  const audit = await srv.req('GET', '/api/v1/audit?entity=setting&action=update&page_size=100', { token: admin.token });
  assert.equal(audit.status, 200);
  const rows = audit.body.items.filter((a) => a.changes.key === 'visit.interval_months');
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1].changes.value, { old: 2, new: 3 }, 'the first change, from the rulebook default');
  assert.deepEqual(rows[0].changes.value, { old: 3, new: 4 });
  assert.equal(rows[0].actor_id, admin.id);
  assert.equal(rows[0].actor_name, admin.username);
  const failed = await put('visit.interval_months', { value: 99, version: 2 });
  assert.equal(failed.status, 422);
  const after = await srv.req('GET', '/api/v1/audit?entity=setting&action=update&page_size=100', { token: admin.token });
  assert.equal(after.body.total, audit.body.total, 'a refused change is not audited');
});

test('a general manager can read the settings but not change them (403)', async () => {
  const gm = srv.user('gm');
  const list = await all(gm.token);
  assert.ok(list.items.some((s) => s.key === 'sla.substitute_hours'));
  const r = await put('sla.substitute_hours', { value: 48, version: 0 }, gm.token);
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'forbidden');
  assert.equal((await one('sla.substitute_hours')).value, 72);
  const agent = srv.user('agent');
  assert.equal((await srv.req('GET', '/api/v1/settings', { token: agent.token })).status, 403);
});

test('a date setting takes YYYY-MM-DD or "" to clear it (visit.plan_from)', async () => {
  const s = await one('visit.plan_from');
  assert.equal(s.type, 'date');
  assert.equal(s.origin, 'unset');
  assert.equal(s.value, null);
  for (const value of ['2026-02-30', '2026-1-05', '20260105', 'today']) {
    const r = await put('visit.plan_from', { value, version: 0 });
    assert.equal(r.status, 422, `${value}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_setting_value');
  }
  const set = await put('visit.plan_from', { value: '2026-01-01', version: 0 });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.value, '2026-01-01');
  const cleared = await put('visit.plan_from', { value: '', version: set.body.version });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.body.value, '');
});
