// auth.test.js — /api/v1/auth and how every request is authenticated (src/api/auth.c,
// src/api/handle.c, src/domain/session.c, src/rules/throttle.c): the session cookie and its
// CSRF token, Bearer tokens, session fixation, logout, slowing and locking repeated failed
// logins (per account and per address), token revocation. DESIGN.md "Decisions already
// made: Auth"; SPEC L. /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  // Every failure of this file comes from 127.0.0.1: keep the per-address limit out of the
  // way until the test that is about it.
  await setSetting('auth.address_max_failures', 0);
});
after(async () => { await srv.stop(); });

// A user who can sign in with a password (argon2id: ~0.15 s each, so made sparingly).
function passwordUser(role = 'agent') {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  return { ...srv.user(role, { password, regions: ['330000'] }), password };
}

async function login(username, password, cookie) {
  const r = await srv.req('POST', '/api/v1/auth/login', { body: { username, password }, cookie });
  const setCookie = r.headers.get('set-cookie');
  const m = setCookie && setCookie.match(/shouhou_session=([^;]*)/);
  return { ...r, setCookie, sid: m ? m[1] : null, cookie: m ? `shouhou_session=${m[1]}` : null, csrf: r.body?.csrf_token };
}

async function setSetting(key, value) {
  const list = await srv.req('GET', '/api/v1/settings', { token: admin.token });
  const s = list.body.items.find((i) => i.key === key);
  const r = await srv.req('PUT', `/api/v1/settings/${key}`, { token: admin.token, body: { value, version: s.version } });
  assert.equal(r.status, 200, `setting ${key}: ${r.text}`);
}

function tokenIdOf(userId) {
  const line = srv.cli(['token', 'list']).split('\n').find((l) => l.split('\t')[1] === `user ${userId}`);
  return line.split('\t')[0];
}

test('a password login answers 200 with an HttpOnly SameSite=Lax session cookie for Path=/ and a CSRF token', async () => {
  const u = passwordUser('agent');
  const r = await login(u.username, u.password);
  assert.equal(r.status, 200, r.text);
  assert.match(r.sid, /^[A-Za-z0-9_-]{43}$/);
  const attrs = r.setCookie.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), r.setCookie);
  assert.ok(attrs.includes('samesite=lax'), r.setCookie);
  assert.ok(attrs.includes('path=/'), r.setCookie);
  assert.ok(!attrs.includes('secure'), 'no Secure attribute over plain HTTP');
  assert.ok(!attrs.some((a) => a.startsWith('max-age') || a.startsWith('expires')),
    'a browser-session cookie: the server enforces the idle and absolute expiry');
  assert.equal(typeof r.body.csrf_token, 'string');
  assert.ok(r.body.csrf_token.length >= 32);
  assert.notEqual(r.body.csrf_token, r.sid);
  assert.equal(r.body.user.username, u.username);
  assert.equal(r.body.user.role, 'agent');
  assert.ok(!/password|hash/i.test(JSON.stringify(r.body)), 'no password material in the answer');
});

test('behind a TLS proxy (serve --secure-cookies) the session cookie is also Secure', async () => {
  const tls = await startServer(['--secure-cookies']);
  try {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const u = tls.user('agent', { password });
    const r = await tls.req('POST', '/api/v1/auth/login', { body: { username: u.username, password } });
    assert.equal(r.status, 200);
    const attrs = r.headers.get('set-cookie').split(';').map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('secure') && attrs.includes('httponly') && attrs.includes('samesite=lax'), r.headers.get('set-cookie'));
  } finally {
    await tls.stop();
  }
});

test('the session cookie authenticates GET /api/v1/auth/me, which repeats the CSRF token', async () => {
  const u = passwordUser('dispatcher');
  const s = await login(u.username, u.password);
  const me = await srv.req('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.id, u.id);
  assert.equal(me.body.user.role, 'dispatcher');
  assert.equal(me.body.csrf_token, s.csrf);
  const anonymous = await srv.req('GET', '/api/v1/auth/me');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.error.code, 'unauthenticated');
});

test('a cookie-authenticated change needs the session CSRF token: none or a wrong one is 403 csrf_failed, the right one 201', async () => {
  const u = passwordUser('agent');
  const s = await login(u.username, u.password);
  const body = customerBody({ name: `CSRF测试${randomBytes(3).toString('hex')}` });
  const none = await srv.req('POST', '/api/v1/customers', { cookie: s.cookie, body });
  assert.equal(none.status, 403);
  assert.equal(none.body.error.code, 'csrf_failed');
  const wrong = await srv.req('POST', '/api/v1/customers', { cookie: s.cookie, body, csrf: s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A') });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error.code, 'csrf_failed');
  const other = await srv.req('POST', '/api/v1/customers', { cookie: s.cookie, body, csrf: randomBytes(32).toString('base64url') });
  assert.equal(other.status, 403);
  // Nothing was created by the refused requests.
  const list = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(body.name)}`, { token: admin.token });
  assert.equal(list.body.total, 0);
  const right = await srv.req('POST', '/api/v1/customers', { cookie: s.cookie, body, csrf: s.csrf });
  assert.equal(right.status, 201, right.text);
  assert.equal(right.body.name, body.name);
});

test('a cookie-authenticated read needs no CSRF token', async () => {
  const u = passwordUser('qc');
  const s = await login(u.username, u.password);
  const r = await srv.req('GET', '/api/v1/customers', { cookie: s.cookie });
  assert.equal(r.status, 200);
});

test('Bearer-token requests need no CSRF token and act as the token owner', async () => {
  const u = srv.user('agent', { regions: ['330000'] });
  const r = await srv.req('POST', '/api/v1/customers', { token: u.token, body: customerBody({ name: `令牌客户${randomBytes(3).toString('hex')}` }) });
  assert.equal(r.status, 201, r.text);
  const hist = await srv.req('GET', `/api/v1/customers/${r.body.id}/history`, { token: admin.token });
  assert.equal(hist.body.items[0].actor_id, u.id);
  const me = await srv.req('GET', '/api/v1/auth/me', { token: u.token });
  assert.equal(me.body.user.username, u.username);
  assert.equal(me.body.csrf_token, undefined, 'a token caller has no CSRF token');
});

test('a wrong password is 401 invalid_credentials, the same answer as for an unknown username', async () => {
  const u = passwordUser('finance');
  const wrong = await login(u.username, `${u.password}x`);
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'invalid_credentials');
  assert.equal(wrong.setCookie, null, 'no cookie on failure');
  const unknown = await login(`nobody_${randomBytes(4).toString('hex')}`, u.password);
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.body, wrong.body);
  const noPassword = srv.user('finance'); // made with --no-password: cannot sign in at all
  const none = await login(noPassword.username, 'any-password-1');
  assert.equal(none.status, 401);
  assert.deepEqual(none.body, wrong.body);
});

test('a login body without a password is 422 naming the field; an unknown field is 400', async () => {
  const missing = await srv.req('POST', '/api/v1/auth/login', { body: { username: 'someone' } });
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.field, 'password');
  const extra = await srv.req('POST', '/api/v1/auth/login', { body: { username: 'someone', password: 'x', remember: true } });
  assert.equal(extra.status, 400);
  const notJson = await srv.req('POST', '/api/v1/auth/login', { body: '{"username":' });
  assert.equal(notJson.status, 400);
});

test('logging in while sending an old session cookie gives a new session id and ends the old one (no fixation)', async () => {
  const u = passwordUser('agent');
  const first = await login(u.username, u.password);
  assert.equal(first.status, 200);
  const second = await login(u.username, u.password, first.cookie);
  assert.equal(second.status, 200);
  assert.notEqual(second.sid, first.sid);
  const old = await srv.req('GET', '/api/v1/auth/me', { cookie: first.cookie });
  assert.equal(old.status, 401, 'the old session id no longer works');
  const fresh = await srv.req('GET', '/api/v1/auth/me', { cookie: second.cookie });
  assert.equal(fresh.status, 200);
  // An id planted by an attacker is never adopted.
  const planted = randomBytes(32).toString('base64url');
  const third = await login(u.username, u.password, `shouhou_session=${planted}`);
  assert.equal(third.status, 200);
  assert.notEqual(third.sid, planted);
  const viaPlanted = await srv.req('GET', '/api/v1/auth/me', { cookie: `shouhou_session=${planted}` });
  assert.equal(viaPlanted.status, 401);
});

test('logout with the CSRF token answers 204, clears the cookie and ends the session', async () => {
  const u = passwordUser('agent');
  const s = await login(u.username, u.password);
  const noCsrf = await srv.req('POST', '/api/v1/auth/logout', { cookie: s.cookie });
  assert.equal(noCsrf.status, 403, 'logout is a change: it needs the CSRF token');
  const still = await srv.req('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(still.status, 200);
  const out = await srv.req('POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.csrf });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') || '', /shouhou_session=;.*Max-Age=0/i);
  const after = await srv.req('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(after.status, 401);
  const change = await srv.req('POST', '/api/v1/customers', { cookie: s.cookie, csrf: s.csrf, body: customerBody() });
  assert.equal(change.status, 401);
});

test('logout with a Bearer token answers 204 and leaves the token valid', async () => {
  const u = srv.user('technician');
  const r = await srv.req('POST', '/api/v1/auth/logout', { token: u.token });
  assert.equal(r.status, 204);
  const me = await srv.req('GET', '/api/v1/auth/me', { token: u.token });
  assert.equal(me.status, 200);
});

test('after 3 failed logins the next attempt is 429 too_many_attempts with Retry-After, even with the right password', async () => {
  await setSetting('auth.slow_after_failures', 3);
  // The wait after the 3rd failure is 2^0 = 1 s in whole seconds of the server clock, so the
  // next attempts must fall in the second the 3rd failure was recorded in: aim the 3rd failure
  // early in a second, and try again with a new user if a busy machine made it straddle one.
  for (let attempt = 1; ; attempt++) {
    const u = passwordUser('agent');
    const t0 = Date.now();
    assert.equal((await login(u.username, 'wrong-password-1')).status, 401);
    assert.equal((await login(u.username, 'wrong-password-2')).status, 401);
    const one = (Date.now() - t0) / 2;
    const offset = (((300 - one) % 1000) + 1000) % 1000;
    await sleep((offset - (Date.now() % 1000) + 1000) % 1000);
    assert.equal((await login(u.username, 'wrong-password-3')).status, 401);
    const t3 = Date.now();
    const slowed = await login(u.username, 'wrong-password-4');
    const right = await login(u.username, u.password);
    const straddled = Math.floor((t3 - 100) / 1000) !== Math.floor(Date.now() / 1000);
    if (straddled && attempt < 3 && (slowed.status !== 429 || right.status !== 429)) continue;
    assert.equal(slowed.status, 429, slowed.text);
    assert.equal(slowed.body.error.code, 'too_many_attempts');
    const retry = Number(slowed.headers.get('retry-after'));
    assert.equal(retry, 1, 'the first slowed attempt waits 2^0 = 1 s');
    assert.equal(right.status, 429, 'the right password during the wait is refused too');
    assert.equal(right.setCookie, null);
    // Slowed, not locked: after the wait the right password works.
    await sleep(1000 - (Date.now() % 1000) + 100); // the wait ends at the next whole second
    const later = await login(u.username, u.password);
    assert.equal(later.status, 200, later.text);
    break;
  }
});

test('at auth.lock_after_failures failures the account is locked for auth.lock_minutes', async () => {
  await setSetting('auth.slow_after_failures', 0); // never slowed: reach the lock quickly
  await setSetting('auth.lock_after_failures', 4);
  try {
    const u = passwordUser('agent');
    for (let i = 1; i <= 4; i++) {
      const r = await login(u.username, `wrong-password-${i}`);
      assert.equal(r.status, 401, `failure ${i}`);
    }
    const right = await login(u.username, u.password);
    assert.equal(right.status, 429, 'locked: the right password is refused');
    assert.equal(right.body.error.code, 'too_many_attempts');
    const retry = Number(right.headers.get('retry-after'));
    assert.ok(retry > 15 * 60 - 10 && retry <= 15 * 60, `Retry-After ${retry} is about auth.lock_minutes (15)`);
    const shown = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
    assert.match(shown.body.locked_until, /\+08:00$/);
    const audit = await srv.req('GET', `/api/v1/audit?entity=user&entity_id=${u.id}&action=login_failed`, { token: admin.token });
    assert.equal(audit.body.total, 4, 'refused attempts during the lock are not counted as checked failures');
    assert.ok(audit.body.items[0].changes.locked_until > 0, 'the locking failure records until when');
    // Another account from the same address is not affected by this account's lock.
    const other = passwordUser('agent');
    assert.equal((await login(other.username, other.password)).status, 200);
  } finally {
    await setSetting('auth.lock_after_failures', 10);
    await setSetting('auth.slow_after_failures', 3);
  }
});

test('parallel failed logins get no more password checks than auth.lock_after_failures', async () => {
  // The lock bounds guessing to lock_after tries per lock period; a burst of concurrent
  // attempts must not each be checked because each read the count before the others failed.
  await setSetting('auth.slow_after_failures', 0);
  await setSetting('auth.lock_after_failures', 3);
  try {
    const u = passwordUser('agent');
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => login(u.username, `wrong-password-${i}`)));
    const checked = burst.filter((r) => r.status === 401).length;
    const refused = burst.filter((r) => r.status === 429).length;
    assert.equal(checked + refused, 10);
    assert.ok(checked <= 3, `${checked} of 10 concurrent wrong passwords were checked (lock after 3)`);
    assert.equal((await login(u.username, u.password)).status, 429, 'the account is locked afterwards');
  } finally {
    await setSetting('auth.lock_after_failures', 10);
    await setSetting('auth.slow_after_failures', 3);
  }
});

test('an unknown username is locked like a known one, so the lockout does not tell which usernames exist', async () => {
  // session.c checks one hash even for an unknown user "so timing does not tell which usernames
  // exist"; the throttle must not tell it either.
  await setSetting('auth.slow_after_failures', 0);
  await setSetting('auth.lock_after_failures', 3);
  try {
    const known = passwordUser('agent');
    const unknown = `nobody_${randomBytes(4).toString('hex')}`;
    for (const name of [known.username, unknown])
      for (let i = 1; i <= 3; i++) assert.equal((await login(name, `wrong-password-${i}`)).status, 401, `${name} failure ${i}`);
    const a = await login(known.username, 'wrong-password-4');
    const b = await login(unknown, 'wrong-password-4');
    assert.equal(a.status, 429);
    assert.equal(b.status, a.status, `known user: ${a.status}, unknown user: ${b.status}`);
    assert.deepEqual(b.body, a.body);
  } finally {
    await setSetting('auth.lock_after_failures', 10);
    await setSetting('auth.slow_after_failures', 3);
  }
});

test('a successful login resets the count of failed logins', async () => {
  await setSetting('auth.slow_after_failures', 0);
  await setSetting('auth.lock_after_failures', 3);
  try {
    const u = passwordUser('agent');
    assert.equal((await login(u.username, 'wrong-password-1')).status, 401);
    assert.equal((await login(u.username, 'wrong-password-2')).status, 401);
    assert.equal((await login(u.username, u.password)).status, 200);
    assert.equal((await login(u.username, 'wrong-password-3')).status, 401);
    assert.equal((await login(u.username, 'wrong-password-4')).status, 401);
    // Were the first two failures still counted, this account would now be locked (4 >= 3).
    const r = await login(u.username, u.password);
    assert.equal(r.status, 200, r.text);
  } finally {
    await setSetting('auth.lock_after_failures', 10);
    await setSetting('auth.slow_after_failures', 3);
  }
});

test('a revoked token is refused at once with 401 invalid_token', async () => {
  const u = srv.user('agent');
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { token: u.token })).status, 200);
  srv.cli(['token', 'revoke', tokenIdOf(u.id)]);
  const r = await srv.req('GET', '/api/v1/auth/me', { token: u.token });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'invalid_token');
  const change = await srv.req('POST', '/api/v1/customers', { token: u.token, body: customerBody() });
  assert.equal(change.status, 401);
});

test('a malformed Authorization header is 401 and never falls back to another credential', async () => {
  const u = srv.user('agent');
  const headers = [
    'Basic YWRtaW46YWRtaW4=',
    'Bearer',
    'Bearer ',
    `bearer ${u.token}`,
    `Bearer  ${u.token}`,
    `Bearer ${u.token}x`,
    `Bearer ${u.token.slice(4)}`,
    `Bearer shh_${'A'.repeat(43)}`,
    `Token ${u.token}`,
  ];
  for (const h of headers) {
    const r = await srv.req('GET', '/api/v1/auth/me', { headers: { Authorization: h } });
    assert.equal(r.status, 401, `Authorization: ${h}`);
    assert.equal(r.body.error.code, 'invalid_token', `Authorization: ${h}`);
  }
});

test('a Bearer token wins over a session cookie (and so needs no CSRF token)', async () => {
  const u = passwordUser('qc');
  const s = await login(u.username, u.password);
  const writer = srv.user('agent', { regions: ['330000'] });
  const r = await srv.req('POST', '/api/v1/customers', { token: writer.token, cookie: s.cookie, body: customerBody({ name: `优先${randomBytes(3).toString('hex')}` }) });
  assert.equal(r.status, 201, 'acts as the token owner (an agent), not the qc session');
});

test('a session cookie of the wrong shape or unknown is 401', async () => {
  for (const c of ['shouhou_session=', 'shouhou_session=abc', `shouhou_session=${randomBytes(32).toString('base64url')}`]) {
    const r = await srv.req('GET', '/api/v1/auth/me', { cookie: c });
    assert.equal(r.status, 401, c);
  }
});

test("changing a user's password through PATCH /api/v1/users/{id} ends their sessions", async () => {
  const u = passwordUser('agent');
  const s = await login(u.username, u.password);
  const before = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  const newPassword = `new-${randomBytes(6).toString('hex')}`;
  const patch = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { password: newPassword, version: before.body.version } });
  assert.equal(patch.status, 200, patch.text);
  const old = await srv.req('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(old.status, 401, 'the session made with the old password ended');
  assert.equal((await login(u.username, u.password)).status, 401, 'the old password no longer works');
  assert.equal((await login(u.username, newPassword)).status, 200, 'the new one does');
});

test("deactivating a user ends their sessions and refuses their tokens and logins", async () => {
  const u = passwordUser('agent');
  const s = await login(u.username, u.password);
  const before = await srv.req('GET', `/api/v1/users/${u.id}`, { token: admin.token });
  const patch = await srv.req('PATCH', `/api/v1/users/${u.id}`, { token: admin.token, body: { active: false, version: before.body.version } });
  assert.equal(patch.status, 200, patch.text);
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { cookie: s.cookie })).status, 401);
  const byToken = await srv.req('GET', '/api/v1/auth/me', { token: u.token });
  assert.equal(byToken.status, 401);
  assert.equal(byToken.body.error.code, 'invalid_token');
  const again = await login(u.username, u.password);
  assert.equal(again.status, 401);
  assert.equal(again.body.error.code, 'invalid_credentials');
});

// Last: it refuses every login from this address for the rest of the window.
test('too many failures from one address refuse every login from it, the right password of another user included', async () => {
  const u = passwordUser('agent');
  assert.equal((await login(`ghost_${randomBytes(3).toString('hex')}`, 'wrong-password')).status, 401);
  await setSetting('auth.address_max_failures', 1);
  try {
    const r = await login(u.username, u.password);
    assert.equal(r.status, 429, r.text);
    assert.equal(r.body.error.code, 'too_many_attempts');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  } finally {
    await setSetting('auth.address_max_failures', 0);
  }
  assert.equal((await login(u.username, u.password)).status, 200, 'unlimited again (0)');
});
