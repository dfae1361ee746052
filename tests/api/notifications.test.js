// notifications.test.js — the outbox end to end (src/api/notifications.c, domain/outbox.c,
// jobs/sender.c, jobs/scheduler.c): a notification is a row in the user's list and, with a
// mail address, a mail the sender delivers through a real SMTP server (tests/api/lib/
// smtp_sink.py); a relay that is down delays mail, never loses it; a refused recipient
// fails for good; on several nodes exactly one runs the jobs (the lease).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, startServer } from './lib/harness.js';
import { SmtpSink, freePort } from './lib/mail.js';
import { sql } from './lib/sql.js';

let srv, sink, admin, agent, port, mailDir;

before(async () => {
  port = await freePort();
  mailDir = mkdtempSync(join(tmpdir(), 'shouhou-mail-'));
  sink = await new SmtpSink(port, mailDir).start();
  srv = await startServer([], {
    env: { SHOUHOU_SMTP_URL: `smtp://127.0.0.1:${port}`, SHOUHOU_MAIL_FROM: '售后服务部 <noreply@example.com>' },
  });
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  await setEmail(admin, 'admin@example.com');
});
after(async () => {
  await sink.stop();
  await srv.stop();
  rmSync(mailDir, { recursive: true, force: true });
});

const jobs = (...args) => srv.cli(['jobs', 'run', ...args]);

// Gives a user a mail address the way an administrator does (PATCH /api/v1/users/{id}).
async function setEmail(user, email) {
  const cur = await srv.req('GET', `/api/v1/users/${user.id}`, { token: admin.token });
  const r = await srv.req('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { email, version: cur.body.version } });
  assert.equal(r.status, 200, r.text);
}
const count = (out, key) => Number(out.match(new RegExp(`\\b${key}=(\\d+)`))[1]);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function testMail(userId) {
  const r = await srv.req('POST', '/api/v1/admin/test-mail', { token: admin.token, body: { user_id: userId } });
  assert.equal(r.status, 202, r.text);
  return r.body;
}

async function mine(token, query = '') {
  const r = await srv.req('GET', `/api/v1/notifications${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

test('a test mail reaches the administrator with its Chinese subject, and the list says sent', async () => {
  const before = sink.messages().length;
  const queued = await testMail(admin.id);
  assert.equal(queued.mail, 'queued');
  assert.equal(queued.to_address, 'admin@example.com');
  assert.equal(queued.subject, '【售后服务系统】测试邮件');
  let list = await mine(admin.token);
  assert.equal(list.items[0].id, queued.id);
  assert.equal(list.items[0].mail, 'queued');

  const out = jobs();
  assert.equal(count(out, 'sent'), 1, out);
  const got = sink.messages().slice(before);
  assert.equal(got.length, 1);
  const m = got[0];
  assert.equal(m.headers.subject, '【售后服务系统】测试邮件');
  assert.match(m.raw, /^Subject: =\?UTF-8\?B\?/m, 'the subject travels as RFC 2047 encoded-words');
  assert.match(m.headers.from, /售后服务部.*<noreply@example\.com>/);
  assert.match(m.headers.to, /admin@example\.com/);
  assert.deepEqual(m.envelope.rcpt_tos, ['admin@example.com']);
  assert.match(m.body, /测试邮件/);

  list = await mine(admin.token);
  assert.equal(list.items[0].mail, 'sent');
  assert.equal(jobs().match(/claimed=(\d+)/)[1], '0', 'a sent mail is not sent again');
});

test('a user without a mail address gets the in-app notice only; reading it is theirs alone', async () => {
  const before = sink.messages().length;
  const queued = await testMail(agent.id);
  assert.equal(queued.mail, 'none');
  assert.equal(queued.to_address, '');
  jobs();
  assert.equal(sink.messages().length, before);

  const list = await mine(agent.token);
  assert.equal(list.total, 1);
  assert.deepEqual(Object.keys(list.items[0]).sort(), ['body', 'created_at', 'id', 'mail', 'read', 'subject', 'ticket_id']);
  assert.equal(list.items[0].read, false);
  assert.equal(list.items[0].ticket_id, null);
  assert.match(list.items[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.equal((await mine(agent.token, '?unread=true')).total, 1);

  const other = await srv.req('POST', `/api/v1/notifications/${queued.id}/read`, { token: admin.token });
  assert.equal(other.status, 404, 'another user\'s notification does not exist for the caller');
  const read = await srv.req('POST', `/api/v1/notifications/${queued.id}/read`, { token: agent.token });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.read, true);
  const again = await srv.req('POST', `/api/v1/notifications/${queued.id}/read`, { token: agent.token });
  assert.equal(again.status, 200);
  assert.equal((await mine(agent.token, '?unread=true')).total, 0);
  assert.equal((await mine(agent.token)).total, 1);
});

test('the list pages newest first, by page and by cursor', async () => {
  for (let i = 0; i < 3; i++) await testMail(agent.id);
  const all = await mine(agent.token);
  assert.equal(all.total, 4);
  const ids = all.items.map((n) => n.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const page2 = await mine(agent.token, '?page=2&page_size=3');
  assert.deepEqual(page2.items.map((n) => n.id), ids.slice(3));
  const first = await mine(agent.token, '?cursor=&page_size=3');
  assert.deepEqual(first.items.map((n) => n.id), ids.slice(0, 3));
  assert.ok(first.next_cursor);
  const next = await mine(agent.token, `?cursor=${first.next_cursor}&page_size=3`);
  assert.deepEqual(next.items.map((n) => n.id), ids.slice(3));
  assert.equal(next.next_cursor, null);
  const oldest = await mine(agent.token, '?sort=id&page_size=1');
  assert.equal(oldest.items[0].id, ids[ids.length - 1]);
  for (const q of ['?unread=yes', '?nope=1', '?sort=subject']) {
    const r = await srv.req('GET', `/api/v1/notifications${q}`, { token: agent.token });
    assert.equal(r.status, 400, q);
  }
});

test('the test mail checks its body: an unknown or deactivated user is 422 unknown_user', async () => {
  for (const [body, code] of [[{}, 'field_required'], [{ user_id: 999999 }, 'unknown_user'], [{ user_id: 0 }, 'out_of_range']]) {
    const r = await srv.req('POST', '/api/v1/admin/test-mail', { token: admin.token, body });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.error.code, code);
  }
  const extra = await srv.req('POST', '/api/v1/admin/test-mail', { token: admin.token, body: { user_id: admin.id, to: 'x@example.com' } });
  assert.equal(extra.status, 400);
  const gone = srv.user('qc');
  sql(srv, `UPDATE users SET active = 0 WHERE id = ${gone.id}`);
  const r = await srv.req('POST', '/api/v1/admin/test-mail', { token: admin.token, body: { user_id: gone.id } });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'unknown_user');
  const audit = await srv.req('GET', `/api/v1/audit?action=test_mail&entity_id=${admin.id}`, { token: admin.token });
  assert.equal(audit.status, 200);
  assert.ok(audit.body.items.length >= 1, 'the test mail is audited');
});

test('while the relay is down mail stays queued with its attempt counted, and goes once it is back', async () => {
  await sink.stop();
  const queued = await testMail(admin.id);
  const out = jobs();
  assert.equal(count(out, 'retried'), 1, out);
  let [row] = sql(srv, `SELECT attempts, next_attempt_at, sent_at, failed_at, last_error FROM outbox WHERE id = ${queued.id}`);
  assert.equal(row[0], '1', 'one attempt counted');
  assert.ok(Number(row[1]) > Date.now() / 1000, 'the next attempt is later (back-off), not never');
  assert.equal(row[2], '');
  assert.equal(row[3], '');
  assert.match(row[4], /mail_unavailable/);
  assert.equal((await mine(admin.token)).items[0].mail, 'queued');

  await sink.start();
  const before = sink.messages().length;
  assert.equal(count(jobs(), 'claimed'), 0, 'not due again before its back-off');
  assert.equal(sink.messages().length, before);
  const later = jobs('--now', iso(Date.now() + 5 * 60 * 1000));
  assert.equal(count(later, 'sent'), 1, later);
  const got = sink.messages().slice(before);
  assert.equal(got.length, 1);
  assert.equal(got[0].headers.subject, '【售后服务系统】测试邮件');
  [row] = sql(srv, `SELECT attempts, next_attempt_at, sent_at FROM outbox WHERE id = ${queued.id}`);
  assert.equal(row[0], '2');
  assert.equal(row[1], '');
  assert.ok(Number(row[2]) > 0);
});

test('a recipient the relay refuses fails for good and is not retried', async () => {
  const refused = srv.user('finance');
  await setEmail(refused, 'reject-me@example.com');
  const queued = await testMail(refused.id);
  const out = jobs();
  assert.equal(count(out, 'failed'), 1, out);
  const [row] = sql(srv, `SELECT attempts, next_attempt_at, failed_at, last_error FROM outbox WHERE id = ${queued.id}`);
  assert.equal(row[0], '1');
  assert.equal(row[1], '');
  assert.ok(Number(row[2]) > 0);
  assert.match(row[3], /mail_rejected/);
  assert.equal((await mine(refused.token)).items[0].mail, 'failed');
  assert.equal(count(jobs('--now', iso(Date.now() + 86400 * 1000)), 'claimed'), 0);
});

test('without SHOUHOU_SMTP_URL mail is not sent and stays queued', async () => {
  const saved = srv.env.SHOUHOU_SMTP_URL;
  srv.env.SHOUHOU_SMTP_URL = '';
  try {
    const queued = await testMail(admin.id);
    const out = jobs();
    assert.match(out, /configured=no claimed=0/);
    const [row] = sql(srv, `SELECT attempts, next_attempt_at FROM outbox WHERE id = ${queued.id}`);
    assert.equal(row[0], '0');
    assert.ok(Number(row[1]) > 0, 'still due');
  } finally {
    srv.env.SHOUHOU_SMTP_URL = saved;
  }
  assert.equal(count(jobs(), 'sent'), 1, 'sent once the relay is configured');
});

test('a bad SHOUHOU_SMTP_URL is refused at start, naming the variable', () => {
  const saved = srv.env.SHOUHOU_SMTP_URL;
  srv.env.SHOUHOU_SMTP_URL = 'http://127.0.0.1:25';
  try {
    assert.throws(() => jobs(), (e) => /SHOUHOU_SMTP_URL/.test(e.stderr) && e.status === 2);
  } finally {
    srv.env.SHOUHOU_SMTP_URL = saved;
  }
});

// Two more `serve` processes on this server's database, with the jobs on.
async function node() {
  const s = new Server();
  s.db.drop();
  s.db = { url: srv.db.url, drop() {} };
  Object.assign(s.env, srv.env, { SHOUHOU_JOBS: 'on', SHOUHOU_JOBS_TICK_MS: '200' });
  return s.start();
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('with two nodes running the jobs, one holds the lease and each mail goes exactly once', async () => {
  const a = await node();
  const b = await node();
  try {
    const before = sink.messages().length;
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await testMail(admin.id)).id);
    await until('six mails', () => sink.messages().length >= before + 6);
    await new Promise((r) => setTimeout(r, 600)); // a duplicate would arrive meanwhile
    const got = sink.messages().slice(before);
    assert.equal(got.length, 6, 'each mail once');
    const sent = sql(srv, `SELECT count(*) FROM outbox WHERE id IN (${ids.join(',')}) AND sent_at IS NOT NULL AND attempts = 1`);
    assert.equal(sent[0][0], '6');
    const leases = sql(srv, 'SELECT holder FROM job_leases');
    assert.equal(leases.length, 1);
    const pid = Number(leases[0][0].split(':')[1]);
    assert.ok([a.proc.pid, b.proc.pid].includes(pid), 'the holder is one of the nodes');

    // The holder stops and gives the lease up; the other node takes over.
    const [holder, other] = a.proc.pid === pid ? [a, b] : [b, a];
    await holder.stop();
    await until('the other node to take the lease', () => {
      const rows = sql(srv, 'SELECT holder FROM job_leases');
      return rows.length === 1 && Number(rows[0][0].split(':')[1]) === other.proc.pid;
    });
    const n = sink.messages().length;
    await testMail(admin.id);
    await until('the mail through the new leader', () => sink.messages().length === n + 1);
  } finally {
    await a.stop();
    await b.stop();
  }
});
