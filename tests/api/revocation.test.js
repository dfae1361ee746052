// revocation.test.js — ending access takes effect at once, on every kind of request, including a
// live stream that is already open (issue 7 part 6; SPEC L; DESIGN.md "Auth"; src/http/events.c
// "Revocation", src/api/handle.c api_credential_valid). Signing out, revoking an API token,
// deactivating a user and changing their password each end the credential's open
// GET /api/v1/events stream within a few seconds (before, it kept receiving entity names for up
// to the stream's 5-minute lifetime) and refuse its next request with 401; a role change applies
// from the next request on; a stream whose credential is still good is left alone.
// /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, keeper, kept, watching;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  // Open for the whole file: the watcher keeps its cursor, so each test's stream gets its hello
  // at once; and these are the valid streams (a token's, a session's) that every revocation
  // below must leave alone. Password users are few: argon2id costs about a second here.
  watching = await openStream(bearer(admin.token));
  keeper = passwordUser('qc');
  kept = await login(keeper);
  kept.stream = await openStream({ Cookie: kept.cookie });
});
after(async () => {
  assert.ok(!watching.done, "the administrator's token stream stayed open through every revocation");
  assert.ok(!kept.stream.done, "the keeper's session stream stayed open through every revocation");
  watching.close();
  kept.stream.close();
  await srv.stop();
});

// An open stream ends within this many ms of the change that ended its credential: the watcher
// reads the audit once a second, then checks the credentials (docs/web.md "Live updates").
const ENDS_WITHIN_MS = 4000;

function passwordUser(role = 'agent') {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  return { ...srv.user(role, { password, regions: ['330000'] }), password };
}

async function login(u) {
  const r = await srv.req('POST', '/api/v1/auth/login', { body: { username: u.username, password: u.password } });
  assert.equal(r.status, 200, r.text);
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.body.csrf_token };
}

function tokenIdOf(userId) {
  const line = srv.cli(['token', 'list']).split('\n').find((l) => l.split('\t')[1] === `user ${userId}`);
  return line.split('\t')[0];
}

async function patchUser(id, change) {
  const got = await srv.req('GET', `/api/v1/users/${id}`, { token: admin.token });
  const r = await srv.req('PATCH', `/api/v1/users/${id}`, { token: admin.token, body: { ...change, version: got.body.version } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// Opens GET /api/v1/events and reads it in the background: .events (event names in order),
// .done once the server ended it, .hello() waits for the first event.
async function openStream(headers) {
  const ctrl = new AbortController();
  const res = await fetch(`${srv.base}/api/v1/events`, { headers, signal: ctrl.signal });
  assert.equal(res.status, 200, `the stream opens: ${res.status}`);
  const s = { events: [], done: false, close: () => ctrl.abort() };
  s.reading = (async () => {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const name = block.split('\n').find((l) => l.startsWith('event: '));
          s.events.push({ at: Date.now(), name: name ? name.slice(7) : 'comment', block });
        }
      }
    } catch { /* aborted by close() */ }
    s.done = true;
    s.endedAt = Date.now();
  })();
  s.waitFor = async (pred, ms) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const e = s.events.find(pred);
      if (e) return e;
      if (s.done) return null;
      await new Promise((r) => setTimeout(r, 25));
    }
    return null;
  };
  s.ended = async (ms) => {
    const until = Date.now() + ms;
    while (!s.done && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    return s.done;
  };
  assert.ok(await s.waitFor((e) => e.name === 'hello', 3000), 'a hello first');
  return s;
}

const bearer = (token) => ({ Authorization: `Bearer ${token}` });

// Every kind of request a client can make with the credential: a read, a change, a delete, the
// live stream. Each must be 401 (a change with the cookie carries its CSRF token, so that it is
// the session, not the CSRF check, that refuses it).
async function assertRefusedEverywhere(auth, what) {
  const opts = auth.token ? { token: auth.token } : { cookie: auth.cookie, csrf: auth.csrf };
  const tries = [
    ['GET', '/api/v1/auth/me'],
    ['GET', '/api/v1/customers'],
    ['POST', '/api/v1/customers', customerBody({ name: `撤销后${randomBytes(3).toString('hex')}` })],
    ['DELETE', '/api/v1/customers/1?version=1'],
    ['POST', '/api/v1/auth/logout'],
    ['GET', '/api/v1/events'],
  ];
  for (const [method, path, body] of tries) {
    const r = await srv.req(method, path, { ...opts, body });
    assert.equal(r.status, 401, `${what}: ${method} ${path} answered ${r.status} ${r.text}`);
  }
}

// The stream ends within ENDS_WITHIN_MS of `since`, and no change event reached it after the
// credential ended (a customer made right after the revocation is not announced to it).
async function assertStreamCut(s, since, what) {
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: `撤销后的变化${randomBytes(3).toString('hex')}` }) });
  assert.equal(made.status, 201);
  assert.ok(await s.ended(ENDS_WITHIN_MS + 1000), `${what}: the open stream did not end (events: ${s.events.map((e) => e.name)})`);
  assert.ok(s.endedAt - since <= ENDS_WITHIN_MS, `${what}: the stream ended ${s.endedAt - since} ms after the revocation`);
  const late = s.events.filter((e) => e.name === 'change' && e.at > since && e.block.includes('"customer"'));
  assert.deepEqual(late.map((e) => e.block), [], `${what}: a change was sent after access ended`);
}

test('signing out ends the session on every kind of request and ends its open stream within seconds', async () => {
  const u = passwordUser('agent');
  const s1 = await login(u);
  const stream = await openStream({ Cookie: s1.cookie });
  const out = await srv.req('POST', '/api/v1/auth/logout', { cookie: s1.cookie, csrf: s1.csrf });
  assert.equal(out.status, 204);
  const since = Date.now();
  await assertStreamCut(stream, since, 'sign-out');
  await assertRefusedEverywhere(s1, 'signed-out session');
});

test('a newer sign-in that sends the old cookie ends the old session and its stream', async () => {
  const u = passwordUser('dispatcher');
  const first = await login(u);
  const stream = await openStream({ Cookie: first.cookie });
  const r = await srv.req('POST', '/api/v1/auth/login', { body: { username: u.username, password: u.password }, cookie: first.cookie });
  assert.equal(r.status, 200);
  const since = Date.now();
  await assertStreamCut(stream, since, 'rotated session');
  await assertRefusedEverywhere(first, 'rotated-out session');
});

test('a revoked API token is refused at its next request and its open stream ends within seconds', async () => {
  const u = srv.user('agent', { regions: ['330000'] });
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { token: u.token })).status, 200);
  const stream = await openStream(bearer(u.token));
  srv.cli(['token', 'revoke', tokenIdOf(u.id)]); // from the command line, as an administrator does
  const since = Date.now();
  const next = await srv.req('GET', '/api/v1/auth/me', { token: u.token });
  assert.equal(next.status, 401, 'the very next request');
  assert.equal(next.body.error.code, 'invalid_token');
  await assertStreamCut(stream, since, 'revoked token');
  await assertRefusedEverywhere({ token: u.token }, 'revoked token');
});

test('deactivating a user ends their sessions, tokens and open streams at once', async () => {
  const u = passwordUser('agent');
  const s = await login(u);
  const byCookie = await openStream({ Cookie: s.cookie });
  const byToken = await openStream(bearer(u.token));
  await patchUser(u.id, { active: false });
  const since = Date.now();
  await assertStreamCut(byCookie, since, 'deactivated (session)');
  await assertStreamCut(byToken, since, 'deactivated (token)');
  await assertRefusedEverywhere(s, 'deactivated user (session)');
  await assertRefusedEverywhere({ token: u.token }, 'deactivated user (token)');
});

test("changing a user's password ends their session streams; their token's stream, still valid, stays open", async () => {
  const u = passwordUser('agent');
  const s = await login(u);
  const byCookie = await openStream({ Cookie: s.cookie });
  const byToken = await openStream(bearer(u.token));
  await patchUser(u.id, { password: `new-${randomBytes(6).toString('hex')}` });
  const since = Date.now();
  await assertStreamCut(byCookie, since, 'password changed (session)');
  await assertRefusedEverywhere(s, 'session of the old password');
  // The token was not revoked by the new password: its stream still hears of changes.
  assert.ok(!byToken.done, 'the token stream is still open');
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '改密码之后' }) });
  assert.equal(made.status, 201);
  assert.ok(await byToken.waitFor((e) => e.name === 'change' && e.at > since, 3000), 'the token stream still gets changes');
  assert.equal((await srv.req('GET', '/api/v1/auth/me', { token: u.token })).status, 200);
  byToken.close();
});

test('the credential checks leave valid streams open: another user signing in and out does not cut them', async () => {
  const other = passwordUser('agent');
  const os = await login(other);
  assert.equal((await srv.req('POST', '/api/v1/auth/logout', { cookie: os.cookie, csrf: os.csrf })).status, 204);
  const since = Date.now();
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '别人退出之后' }) });
  assert.equal(made.status, 201);
  for (const s of [kept.stream, watching]) {
    assert.ok(await s.waitFor((e) => e.name === 'change' && e.at > since && e.block.includes('"customer"'), 3000), 'still hears of changes');
    assert.ok(!s.done, 'still open');
  }
});

test('a role change applies from the next request on, for a session and for a token', async () => {
  const made = await srv.req('POST', '/api/v1/customers', { cookie: kept.cookie, csrf: kept.csrf, body: customerBody({ name: `改角色前${randomBytes(3).toString('hex')}` }) });
  assert.equal(made.status, 403, 'a qc user may not add customers');
  await patchUser(keeper.id, { role: 'agent' });
  try {
    for (const opts of [{ token: keeper.token }, { cookie: kept.cookie, csrf: kept.csrf }]) {
      const me = await srv.req('GET', '/api/v1/auth/me', opts);
      assert.equal(me.status, 200, 'the credential is still good');
      assert.equal(me.body.user.role, 'agent');
      const r = await srv.req('POST', '/api/v1/customers', { ...opts, body: customerBody({ name: `改角色后${randomBytes(3).toString('hex')}` }) });
      assert.equal(r.status, 201, `an agent may add customers: ${r.text}`);
    }
  } finally {
    await patchUser(keeper.id, { role: 'qc' });
  }
  for (const opts of [{ token: keeper.token }, { cookie: kept.cookie, csrf: kept.csrf }]) {
    const r = await srv.req('POST', '/api/v1/customers', { ...opts, body: customerBody({ name: `改回角色${randomBytes(3).toString('hex')}` }) });
    assert.equal(r.status, 403, `qc again at the next request: ${r.text}`);
    assert.equal(r.body.error.code, 'forbidden');
  }
});
