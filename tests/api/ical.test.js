// ical.test.js — the personal iCalendar feed (src/api/notifications.c, domain/ical_feed.c,
// export/ical.h): a secret URL made once and kept only as a hash, a public feed that a real
// parser (npm ical.js) reads, replaced and revoked URLs that stop working, and a technician's
// agreed appointment as an event (SPEC C3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { startServer, customerBody } from './lib/harness.js';
import { sql } from './lib/sql.js';

let srv, admin, tech;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  tech = srv.user('technician', { regions: ['330000'], name: 'wang_tech' });
});
after(async () => { await srv.stop(); });

async function newUrl(token) {
  const r = await srv.req('POST', '/api/v1/me/calendar-token', { token });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.body), ['url']);
  assert.match(r.body.url, /^\/api\/v1\/ical\/[A-Za-z0-9_-]{43}\.ics$/);
  return r.body.url;
}

function parse(text) {
  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.name, 'vcalendar');
  return cal;
}

test('a new feed URL serves a valid, empty calendar to anyone who has it', async () => {
  const url = await newUrl(tech.token);
  const r = await srv.req('GET', url);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(r.text, /END:VCALENDAR\r\n$/);
  const cal = parse(r.text);
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.match(cal.getFirstPropertyValue('x-wr-calname'), /的上门预约$/);
  assert.equal(cal.getAllSubcomponents('vevent').length, 0);
  const bare = await srv.req('GET', url.replace(/\.ics$/, ''));
  assert.equal(bare.status, 200, 'the secret works without .ics too');
  assert.equal(bare.text, r.text);
  const head = await fetch(srv.base + url, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('only the hash of the secret is stored', async () => {
  const url = await newUrl(tech.token);
  const secret = url.match(/ical\/(.+)\.ics$/)[1];
  const [[hash]] = sql(srv, `SELECT ical_token_hash FROM users WHERE id = ${tech.id}`);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.ok(!hash.includes(secret));
  const audit = await srv.req('GET', `/api/v1/audit?entity_id=${tech.id}&action=calendar_token_create`, { token: admin.token });
  assert.equal(audit.status, 200);
  assert.ok(audit.body.items.length >= 1, 'making a feed URL is audited');
  assert.ok(!JSON.stringify(audit.body).includes(secret) && !JSON.stringify(audit.body).includes(hash), 'the audit holds neither secret nor hash');
});

test('the access log never holds the secret: the feed is logged by its route pattern', async () => {
  const url = await newUrl(tech.token);
  const secret = url.match(/ical\/(.+)\.ics$/)[1];
  assert.equal((await srv.req('GET', url)).status, 200);
  await new Promise((r) => setTimeout(r, 200)); // the line is written when the request completes
  const log = readFileSync(srv.logPath, 'utf8');
  assert.ok(log.includes('route=/api/v1/ical/{token}'), 'the feed request is logged');
  assert.ok(!log.includes(secret), 'no secret in the log');
});

test('a new URL replaces the old one, and a revoked URL is gone', async () => {
  const old = await newUrl(tech.token);
  const current = await newUrl(tech.token);
  assert.notEqual(old, current);
  assert.equal((await srv.req('GET', old)).status, 404);
  assert.equal((await srv.req('GET', current)).status, 200);
  const del = await srv.req('DELETE', '/api/v1/me/calendar-token', { token: tech.token });
  assert.equal(del.status, 204);
  assert.equal((await srv.req('GET', current)).status, 404);
  const [[revoked]] = sql(srv, `SELECT count(*) FROM users WHERE id = ${tech.id} AND ical_token_hash IS NULL`);
  assert.equal(revoked, '1');
  assert.equal((await srv.req('DELETE', '/api/v1/me/calendar-token', { token: tech.token })).status, 204, 'revoking twice is fine');
});

test('unknown, malformed and queried secrets answer like a missing page', async () => {
  const url = await newUrl(tech.token);
  for (const path of ['/api/v1/ical/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', '/api/v1/ical/short.ics',
    '/api/v1/ical/' + 'A'.repeat(200), '/api/v1/ical/.ics', `${url}.ics`]) {
    const r = await srv.req('GET', path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'not_found');
  }
  assert.equal((await srv.req('GET', `${url}?x=1`)).status, 400, 'no query parameters');
  // A deactivated user's feed is gone too.
  const other = srv.user('technician', { regions: ['330000'] });
  const theirs = await newUrl(other.token);
  sql(srv, `UPDATE users SET active = 0 WHERE id = ${other.id}`);
  assert.equal((await srv.req('GET', theirs)).status, 404);
});

const isoNoMs = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('an agreed appointment is an event with the ticket, the customer, the site and the contact', async (t) => {
  const routes = JSON.parse(srv.cli(['routes'])).map((r) => `${r.method} ${r.path}`);
  if (!routes.includes('POST /api/v1/tickets/{id}/appointments')) {
    t.skip('appointments are not in this build yet');
    return;
  }
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '杭州日历测试有限公司' }) });
  assert.equal(c.status, 201, c.text);
  const ticket = await srv.req('POST', '/api/v1/tickets', {
    token: admin.token,
    body: { customer_id: c.body.id, channel: 'hotline', fault: '3号门禁无法刷卡', contact_name: '李娜', contact_phone: '13800001111', called_at: isoNoMs(Date.now() - 3600e3) },
  });
  assert.equal(ticket.status, 201, ticket.text);
  const assign = await srv.req('POST', `/api/v1/tickets/${ticket.body.id}/assign`, { token: admin.token, body: { technician_id: tech.id, version: ticket.body.version } });
  assert.ok(assign.status < 300, assign.text);
  const starts = Math.floor(Date.now() / 1000 / 3600 + 24) * 3600;
  const made = await srv.req('POST', `/api/v1/tickets/${ticket.body.id}/appointments`, {
    token: tech.token,
    body: { starts_at: isoNoMs(starts * 1000), ends_at: isoNoMs((starts + 7200) * 1000), agreed_with: '李娜', phoned_at: isoNoMs(Date.now()) },
  });
  assert.ok(made.status < 300, made.text);
  const url = await newUrl(tech.token);
  const r = await srv.req('GET', url);
  assert.equal(r.status, 200, r.text);
  const events = parse(r.text).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
  assert.equal(events.length, 1);
  const e = events[0];
  assert.match(e.uid, /^appointment-\d+@shouhou$/);
  assert.equal(e.summary, `上门服务 ${ticket.body.number} 杭州日历测试有限公司`);
  assert.equal(e.startDate.toUnixTime(), starts);
  assert.equal(e.endDate.toUnixTime(), starts + 7200);
  assert.ok(e.location.length > 0, 'the site address');
  assert.match(e.description, /3号门禁无法刷卡/);
  assert.match(e.description, /李娜 13800001111/);
  assert.equal(e.sequence, 0);
  // A second parser (Debian python3-icalendar) reads the same bytes to the same event.
  const py = execFileSync('/usr/bin/python3', ['-c',
    'import sys, icalendar; c = icalendar.Calendar.from_ical(sys.stdin.buffer.read()); '
    + 'e = [x for x in c.walk("VEVENT")][0]; print(e.get("UID")); print(str(e.get("SUMMARY")))'],
  { input: r.text, encoding: 'utf8' }).split('\n');
  assert.equal(py[0], e.uid);
  assert.equal(py[1], e.summary);
  // Someone else's feed does not show it.
  const other = srv.user('technician', { regions: ['330000'] });
  const theirs = await srv.req('GET', await newUrl(other.token));
  assert.equal(parse(theirs.text).getAllSubcomponents('vevent').length, 0);
});
