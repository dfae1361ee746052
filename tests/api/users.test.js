// users.test.js — /api/v1/users: the administrator's users with roles and region grants
// (src/api/admin.c, src/domain/user.c). Usernames, roles and regions are validated with a
// named field; version guards every change; deactivating a user shuts them out at once;
// passwords and their hashes never leave the server, not even into the audit trail.
// /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin;
const uniq = (p) => `${p}_${randomBytes(4).toString('hex')}`;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

const create = (body) => srv.req('POST', '/api/v1/users', { token: admin.token, body });
const valid = (over = {}) => ({ username: uniq('u'), display_name: '张伟', role: 'agent', regions: ['330000'], ...over });

test('an admin creates a user: 201 with roles, regions, version 1 and no password material', async () => {
  const body = valid({ role: 'dispatcher', regions: ['330100', '320000'], display_name: '调度 李' });
  const r = await create(body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.username, body.username);
  assert.equal(r.body.display_name, '调度 李');
  assert.equal(r.body.role, 'dispatcher');
  assert.equal(r.body.role_label, '调度员');
  assert.deepEqual([...r.body.regions].sort(), ['320000', '330100']);
  assert.equal(r.body.active, true);
  assert.equal(r.body.has_password, false);
  assert.equal(r.body.version, 1);
  assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.ok(Number.isSafeInteger(r.body.id));
  const got = await srv.req('GET', `/api/v1/users/${r.body.id}`, { token: admin.token });
  assert.deepEqual(got.body, r.body);
});

test('an admin lists users with page and page_size; page_size over 100 is 400', async () => {
  const a = await create(valid());
  const b = await create(valid());
  const list = await srv.req('GET', '/api/v1/users?page_size=100', { token: admin.token });
  assert.equal(list.status, 200);
  const ids = list.body.items.map((u) => u.id);
  assert.ok(ids.includes(a.body.id) && ids.includes(b.body.id));
  assert.equal(list.body.total, list.body.items.length);
  const page = await srv.req('GET', '/api/v1/users?page=2&page_size=1', { token: admin.token });
  assert.equal(page.body.items.length, 1);
  assert.equal(page.body.items[0].id, list.body.items[1].id);
  assert.equal((await srv.req('GET', '/api/v1/users?page_size=101', { token: admin.token })).status, 400);
  assert.equal((await srv.req('GET', '/api/v1/users?role=agent', { token: admin.token })).status, 400, 'unknown parameter');
});

test('usernames are 2 to 64 of A-Z a-z 0-9 _ . - ; anything else is 422 naming username', async () => {
  for (const name of ['a b', 'x', '张三', 'a/b', 'a@b', `a${'b'.repeat(64)}`, 'tab\tx']) {
    const r = await create(valid({ username: name }));
    assert.equal(r.status, 422, `${JSON.stringify(name)}: ${r.text}`);
    assert.equal(r.body.error.field, 'username', name);
  }
  const ok = await create(valid({ username: `Ab.c-d_${randomBytes(2).toString('hex')}` }));
  assert.equal(ok.status, 201, ok.text);
  const longest = await create(valid({ username: randomBytes(32).toString('hex') }));
  assert.equal(longest.status, 201, '64 characters is allowed');
});

test('an unknown role is 422 invalid_role naming role', async () => {
  for (const role of ['superuser', 'Admin', '']) {
    const r = await create(valid({ role }));
    assert.equal(r.status, 422, role);
    assert.equal(r.body.error.field, 'role');
  }
});

test('a region code that does not exist is 422 naming regions; a malformed one too', async () => {
  const unknown = await create(valid({ regions: ['339999'] }));
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.code, 'unknown_region');
  assert.equal(unknown.body.error.field, 'regions');
  for (const code of ['33', 'abcdef', '000101', '330006']) {
    const r = await create(valid({ regions: [code] }));
    assert.equal(r.status, 422, code);
    assert.equal(r.body.error.field, 'regions', code);
  }
  const wrongType = await create(valid({ regions: [330000] }));
  assert.equal(wrongType.status, 400);
  const many = await create(valid({ regions: Array.from({ length: 65 }, () => '330000') }));
  assert.equal(many.status, 422, 'at most 64 grants');
});

test('a duplicate username is 409 naming username', async () => {
  const body = valid();
  assert.equal((await create(body)).status, 201);
  const again = await create({ ...body, display_name: '另一个' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'duplicate');
  assert.equal(again.body.error.field, 'username');
});

test('a customer-role user needs an existing customer_id (422 otherwise)', async () => {
  const none = await create(valid({ role: 'customer' }));
  assert.equal(none.status, 422);
  assert.equal(none.body.error.field, 'customer_id');
  const missing = await create(valid({ role: 'customer', customer_id: 987654321 }));
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.field, 'customer_id');
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: uniq('门户客户') }) });
  const ok = await create(valid({ role: 'customer', customer_id: c.body.id }));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.customer_id, c.body.id);
});

test('a short password is 422 naming password; missing fields and unknown fields are named', async () => {
  const short = await create(valid({ password: 'short' }));
  assert.equal(short.status, 422);
  assert.equal(short.body.error.field, 'password');
  const { display_name, ...noName } = valid();
  const missing = await create(noName);
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.field, 'display_name');
  const unknown = await create(valid({ nickname: '小王' }));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.field, 'nickname');
});

test('an update needs the version: missing is 422, stale is 409, current is 200 with version + 1', async () => {
  const u = (await create(valid())).body;
  const missing = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { display_name: '王芳' } });
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.field, 'version');
  const ok = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { display_name: '王芳', version: 1 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.display_name, '王芳');
  assert.equal(ok.body.version, 2);
  const stale = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { display_name: '赵磊', version: 1 } });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'stale_version');
  const now = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  assert.equal(now.body.display_name, '王芳', 'the stale update changed nothing');
  assert.equal(now.body.version, 2);
});

test('the username cannot be changed (422), nor can a bad role or region be set', async () => {
  const u = (await create(valid())).body;
  const rename = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { username: uniq('x'), version: u.version } });
  assert.equal(rename.status, 422);
  assert.equal(rename.body.error.field, 'username');
  const role = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { role: 'root', version: u.version } });
  assert.equal(role.status, 422);
  assert.equal(role.body.error.field, 'role');
  const region = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { regions: ['339999'], version: u.version } });
  assert.equal(region.status, 422);
  assert.equal(region.body.error.field, 'regions');
  const same = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  assert.deepEqual(same.body, u);
});

const patch = (id, body) => srv.req('PATCH', `/api/v1/users/${id}`, { token: admin.token, body });
const auditRows = async (id) => {
  const r = await srv.req('GET', `/api/v1/audit?entity=user&entity_id=${id}&page_size=100`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
};

test('a user gets an e-mail and a phone on creation: shown, full-width digits folded, audited', async () => {
  const r = await create(valid({ email: 'wang.li+svc@example.com.cn', phone: '０５７１-８８８８ ６６６６' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.email, 'wang.li+svc@example.com.cn');
  assert.equal(r.body.phone, '0571-8888 6666');
  const got = await srv.req('GET', `/api/v1/users/${r.body.id}`, { token: admin.token });
  assert.deepEqual(got.body, r.body);
  const listed = await srv.req('GET', '/api/v1/users?page_size=100&sort=-id', { token: admin.token });
  assert.deepEqual(listed.body.items.find((u) => u.id === r.body.id), r.body);
  const [row] = await auditRows(r.body.id);
  assert.equal(row.action, 'create');
  assert.deepEqual(row.changes.email, { old: null, new: 'wang.li+svc@example.com.cn' });
  assert.deepEqual(row.changes.phone, { old: null, new: '0571-8888 6666' });
});

test('without an e-mail or phone both read as empty strings; null on creation is the same', async () => {
  const none = await create(valid());
  assert.equal(none.status, 201, none.text);
  assert.equal(none.body.email, '');
  assert.equal(none.body.phone, '');
  const nulls = await create(valid({ email: null, phone: null }));
  assert.equal(nulls.status, 201, nulls.text);
  assert.equal(nulls.body.email, '');
  assert.equal(nulls.body.phone, '');
});

test('an update sets, changes and clears the e-mail and phone, each change audited with old and new', async () => {
  const u = (await create(valid())).body;
  const set = await patch(u.id, { email: 'zhang.wei@example.com', phone: '13800001111', version: u.version });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.email, 'zhang.wei@example.com');
  assert.equal(set.body.phone, '13800001111');
  assert.equal(set.body.version, u.version + 1);
  const onlyPhone = await patch(u.id, { phone: '+86 (571) 8888-6666', version: set.body.version });
  assert.equal(onlyPhone.status, 200, onlyPhone.text);
  assert.equal(onlyPhone.body.email, 'zhang.wei@example.com', 'an absent field is kept');
  assert.equal(onlyPhone.body.phone, '+86 (571) 8888-6666');
  const cleared = await patch(u.id, { email: '', phone: null, version: onlyPhone.body.version });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.body.email, '');
  assert.equal(cleared.body.phone, '');
  const updates = (await auditRows(u.id)).filter((a) => a.action === 'update').reverse();
  assert.equal(updates.length, 3);
  assert.deepEqual(updates[0].changes.email, { old: '', new: 'zhang.wei@example.com' });
  assert.deepEqual(updates[0].changes.phone, { old: '', new: '13800001111' });
  assert.ok(!('email' in updates[1].changes), 'an unchanged e-mail is not in the row');
  assert.deepEqual(updates[1].changes.phone, { old: '13800001111', new: '+86 (571) 8888-6666' });
  assert.deepEqual(updates[2].changes.email, { old: 'zhang.wei@example.com', new: '' });
  assert.deepEqual(updates[2].changes.phone, { old: '+86 (571) 8888-6666', new: '' });
});

test('an e-mail that is not local@domain.tld is 422 invalid_email naming email, on create and update', async () => {
  const bad = ['wangli', 'wangli@', '@example.com', 'wang li@example.com', 'a@b@example.com',
    'wangli@example', 'wangli@example.', 'wangli@.com', `${'ü'.repeat(122)}@example.com`,
    // Only what the mail sender can put in an envelope: printable ASCII, no <>.
    '王丽@example.com', 'wangli@例子.中国', '<wangli@example.com>'];
  for (const email of bad) {
    const r = await create(valid({ email }));
    assert.equal(r.status, 422, `${JSON.stringify(email)}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_email', email);
    assert.equal(r.body.error.field, 'email', email);
  }
  const tooLong = await create(valid({ email: `${'a'.repeat(243)}@example.com` }));
  assert.equal(tooLong.status, 422, 'over 254 characters');
  assert.equal(tooLong.body.error.field, 'email');
  for (const email of [`${'a'.repeat(242)}@example.com`]) {
    const longest = await create(valid({ email }));
    assert.equal(longest.status, 201, `254 bytes is allowed: ${longest.text}`);
  }
  const u = (await create(valid({ email: 'ok@example.com' }))).body;
  const r = await patch(u.id, { email: 'not an address', version: u.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_email');
  assert.equal(r.body.error.field, 'email');
  const wrongType = await patch(u.id, { email: 42, version: u.version });
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.body.error.field, 'email');
  const same = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  assert.deepEqual(same.body, u, 'a refused update changes nothing');
});

test('a phone with letters or Chinese text is 422 invalid_phone naming phone; over 40 is 422 too', async () => {
  for (const phone of ['138xxxx1111', '0571-88886666转8001', '138 王先生']) {
    const r = await create(valid({ phone }));
    assert.equal(r.status, 422, `${phone}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid_phone', phone);
    assert.equal(r.body.error.field, 'phone', phone);
  }
  const long = await create(valid({ phone: '1'.repeat(41) }));
  assert.equal(long.status, 422);
  assert.equal(long.body.error.field, 'phone');
  const u = (await create(valid())).body;
  const r = await patch(u.id, { phone: 'call me', version: u.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_phone');
  assert.equal(r.body.error.field, 'phone');
});

test('shouhou user add takes --email and --phone and checks them like the API', async () => {
  const username = uniq('cli');
  const out = srv.cli(['user', 'add', '--username', username, '--role', 'technician', '--no-password',
    '--email', 'tech@example.com', '--phone', '１３９ ００００ ２２２２']);
  const id = Number(out.match(/with id (\d+)/)[1]);
  const got = await srv.req('GET', `/api/v1/users/${id}`, { token: admin.token });
  assert.equal(got.body.email, 'tech@example.com');
  assert.equal(got.body.phone, '139 0000 2222');
  for (const [option, value, field] of [['--email', 'tech at example.com', 'email'], ['--phone', 'none', 'phone']]) {
    assert.throws(
      () => srv.cli(['user', 'add', '--username', uniq('cli'), '--role', 'agent', '--no-password', option, value]),
      (e) => e.status !== 0 && e.stderr.includes(`(${field})`),
      option,
    );
  }
});

test('a missing user is 404 for GET and PATCH, and so is a non-numeric id', async () => {
  assert.equal((await srv.req('GET', '/api/v1/users/987654321', { token: admin.token })).status, 404);
  assert.equal((await srv.req('GET', '/api/v1/users/abc', { token: admin.token })).status, 404);
  assert.equal((await srv.req('GET', '/api/v1/users/0', { token: admin.token })).status, 404);
  const patch = await srv.req('PATCH', '/api/v1/users/987654321', { token: admin.token, body: { display_name: 'x', version: 1 } });
  assert.equal(patch.status, 404);
});

test('a role change takes effect at the next request of that user', async () => {
  const u = srv.user('agent', { regions: ['330000'] });
  const body = customerBody({ name: uniq('角色变更') });
  assert.equal((await srv.req('POST', '/api/v1/customers', { token: u.token, body })).status, 201);
  const cur = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  const p = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { role: 'technician', version: cur.body.version } });
  assert.equal(p.status, 200, p.text);
  const again = await srv.req('POST', '/api/v1/customers', { token: u.token, body: customerBody({ name: uniq('角色变更') }) });
  assert.equal(again.status, 403);
});

test('deactivating a user refuses their API token at once; reactivating lets it back in', async () => {
  const u = srv.user('agent');
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { token: u.token })).status, 200);
  const cur = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  const off = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { active: false, version: cur.body.version } });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.active, false);
  const refused = await srv.req('GET', '/api/v1/customers', { token: u.token });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'invalid_token');
  const on = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { active: true, version: off.body.version } });
  assert.equal(on.status, 200);
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { token: u.token })).status, 200);
});

test('passwords never appear in any response nor in the audit trail', async () => {
  const first = `Erst-${randomBytes(8).toString('hex')}`;
  const second = `Zweit-${randomBytes(8).toString('hex')}`;
  const texts = [];
  const made = await create(valid({ password: first }));
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.has_password, true);
  texts.push(made.text);
  const patched = await srv.req('PATCH', `/api/v1/users/${made.body.id}`, { token: admin.token, body: { password: second, version: made.body.version } });
  assert.equal(patched.status, 200, patched.text);
  texts.push(patched.text);
  texts.push((await srv.req('GET', `/api/v1/users/${made.body.id}`, { token: admin.token })).text);
  texts.push((await srv.req('GET', '/api/v1/users?page_size=100', { token: admin.token })).text);
  const login = await srv.req('POST', '/api/v1/auth/login', { body: { username: made.body.username, password: second } });
  assert.equal(login.status, 200);
  texts.push(login.text);
  const failed = await srv.req('POST', '/api/v1/auth/login', { body: { username: made.body.username, password: first } });
  assert.equal(failed.status, 401);
  const audit = await srv.req('GET', `/api/v1/audit?entity=user&entity_id=${made.body.id}&page_size=100`, { token: admin.token });
  assert.equal(audit.status, 200);
  assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['create', 'login', 'login_failed', 'update']);
  const update = audit.body.items.find((a) => a.action === 'update');
  assert.ok('password' in update.changes, 'the audit row says the password changed');
  texts.push(audit.text);
  texts.push((await srv.req('GET', '/api/v1/audit?entity=user&page_size=100', { token: admin.token })).text);
  for (const t of texts) {
    assert.ok(!t.includes(first) && !t.includes(second), 'no password in clear');
    assert.ok(!/\$argon2/.test(t), 'no password hash');
    assert.ok(!/password_hash/.test(t), 'no hash field');
  }
});
