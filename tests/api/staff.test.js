// staff.test.js — GET /api/v1/staff (src/api/admin.c, domain/user.c user_staff_list): the
// colleagues the UI's pickers offer. Expectations by hand from the rule in domain/user.h:
// active staff only (no dealers, customers or deactivated accounts), only colleagues whose
// grants overlap the caller's, names and roles without contact details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.js';

let srv;
let zj; // a dispatcher granted Zhejiang (330000)
let people;
let admin;
before(async () => {
  srv = await startServer();
  zj = srv.user('dispatcher', { regions: ['330000'] });
  people = {
    hangzhouTech: srv.user('technician', { regions: ['330100'] }), // Hangzhou, inside Zhejiang
    xihuTech: srv.user('technician', { regions: ['330106'] }), // Xihu district, inside Hangzhou
    guangdongTech: srv.user('technician', { regions: ['440000'] }), // Guangdong: no overlap
    nationalManager: srv.user('engineering_manager', { regions: ['000000'] }), // covers all
    dealer: srv.user('dealer', { regions: ['330000'] }),
    gone: srv.user('technician', { regions: ['330000'] }),
  };
  admin = srv.user('admin'); // 000000: overlaps everyone, so every list below has it
  const u = await srv.req('GET', `/api/v1/users/${people.gone.id}`, { token: admin.token });
  const off = await srv.req('PATCH', `/api/v1/users/${people.gone.id}`, {
    token: admin.token, body: { active: false, version: u.body.version },
  });
  assert.equal(off.status, 200, off.text);
});
after(async () => { await srv.stop(); });

const ids = (r) => r.body.items.map((x) => x.id).sort((a, b) => a - b);

test('a Zhejiang dispatcher lists colleagues whose grants overlap Zhejiang, not dealers or the inactive', async () => {
  const r = await srv.req('GET', '/api/v1/staff', { token: zj.token });
  assert.equal(r.status, 200, r.text);
  // Overlap: 330100 and 330106 lie inside 330000; 000000 covers 330000; 440000 neither.
  const expected = [zj.id, people.hangzhouTech.id, people.xihuTech.id, people.nationalManager.id, admin.id];
  assert.deepEqual(ids(r), expected.sort((a, b) => a - b));
  assert.equal(r.body.total, r.body.items.length);
  const one = r.body.items.find((x) => x.id === people.xihuTech.id);
  assert.deepEqual(Object.keys(one).sort(), ['display_name', 'id', 'regions', 'role', 'role_label']);
  assert.equal(one.role_label, '巡回服务人员');
  assert.deepEqual(one.regions, ['330106']);
});

test('role and region_code narrow the list', async () => {
  const techs = await srv.req('GET', '/api/v1/staff?role=technician', { token: zj.token });
  assert.equal(techs.status, 200, techs.text);
  assert.deepEqual(ids(techs), [people.hangzhouTech.id, people.xihuTech.id].sort((a, b) => a - b));
  // Who covers Shangcheng district 330102: Hangzhou's technician (330100), not Xihu's (330106).
  const site = await srv.req('GET', '/api/v1/staff?role=technician&region_code=330102', { token: zj.token });
  assert.deepEqual(ids(site), [people.hangzhouTech.id]);
});

test('the national manager sees Guangdong too; a Guangdong technician does not see Zhejiang', async () => {
  const all = await srv.req('GET', '/api/v1/staff?role=technician', { token: people.nationalManager.token });
  assert.ok(ids(all).includes(people.guangdongTech.id));
  const gd = await srv.req('GET', '/api/v1/staff', { token: people.guangdongTech.token });
  assert.ok(!ids(gd).includes(zj.id));
  assert.ok(!ids(gd).includes(people.xihuTech.id));
  assert.ok(ids(gd).includes(people.nationalManager.id));
});

test('bad parameters name themselves; dealers may not list staff', async () => {
  const role = await srv.req('GET', '/api/v1/staff?role=pilot', { token: zj.token });
  assert.equal(role.status, 422);
  assert.equal(role.body.error.code, 'invalid_role');
  assert.equal(role.body.error.field, 'role');
  const region = await srv.req('GET', '/api/v1/staff?region_code=33', { token: zj.token });
  assert.equal(region.status, 400);
  assert.equal(region.body.error.field, 'region_code');
  const extra = await srv.req('GET', '/api/v1/staff?q=x', { token: zj.token });
  assert.equal(extra.status, 400);
  const dealer = await srv.req('GET', '/api/v1/staff', { token: people.dealer.token });
  assert.equal(dealer.status, 403);
});
