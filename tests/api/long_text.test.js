// long_text.test.js — a long Chinese text in a ticket is cut on a whole character where a
// notification takes only its first bytes (base/utf8.c utf8_clip): printf's "%.600s" counts
// bytes, and a cut inside a 3-byte character made PostgreSQL refuse the notification, so the
// whole unit failed (503), while SQLite kept a broken string. Covers the dispatchers' notice
// of a new ticket (domain/ticket.c), the technician's of a dispatch (ticket_flow.c) and the
// escalation's (ticket_work.c), on both databases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, agent, dispatcher, tech, head, customer;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  dispatcher = srv.user('dispatcher', { regions: ['330000'] });
  tech = srv.user('technician', { regions: ['330000'] });
  head = srv.user('department_head', { regions: ['330000'] });
  const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(r.status, 201, r.text);
  customer = r.body;
});
after(async () => { await srv.stop(); });

// 700 characters: "AB" (2 bytes) then 349 × 漏水 (698 characters of 3 bytes each in UTF-8,
// E6 BC 8F / E6 B0 B4). The two ASCII letters put every byte limit below off the 3-byte
// grid, so a cut by bytes lands inside a character.
const fault = 'AB' + '漏水'.repeat(349);
// 600 characters, 1800 bytes.
const reason = '漏水'.repeat(300);

// The notification's body must be whole UTF-8: a string (jansson gives none for broken
// text), no replacement character from a decoder, and the same after a round trip.
function assertWhole(body) {
  assert.equal(typeof body, 'string', `body: ${body}`);
  assert.ok(!body.includes('\uFFFD'), body);
  assert.equal(Buffer.from(body, 'utf8').toString('utf8'), body);
}
const lineOf = (body, label) => body.split('\n').find((l) => l.startsWith(label));

async function notes(user, ticketId) {
  const r = await srv.req('GET', '/api/v1/notifications', { token: user.token });
  assert.equal(r.status, 200, r.text);
  return r.body.items.filter((n) => n.ticket_id === ticketId);
}

test('a 700-character Chinese fault is registered, dispatched and escalated with whole characters in every notification', async () => {
  let r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: { customer_id: customer.id, fault } });
  assert.equal(r.status, 201, r.text);
  let t = r.body;
  assert.equal(t.fault, fault); // the ticket keeps all of it; only the messages are cut

  // ticket.c "%.600s": 600 bytes = "AB" (2) + 598 bytes; 598 / 3 = 199 whole characters
  // (597 bytes), the 200th would need bytes 598..600. So "AB" + 99 × 漏水 + 漏.
  const faultIn600 = '故障：AB' + '漏水'.repeat(99) + '漏';
  const [created] = await notes(dispatcher, t.id);
  assert.ok(created, 'the dispatcher is told of the new ticket');
  assertWhole(created.body);
  assert.equal(lineOf(created.body, '故障：'), faultIn600);
  assert.ok(created.body.endsWith('前到达现场。'), created.body); // nothing after the fault lost

  // ticket_flow.c, the technician's notice of the dispatch: the same 600-byte share.
  r = await srv.req('POST', `/api/v1/tickets/${t.id}/assign`, { token: dispatcher.token, body: { technician_id: tech.id, version: t.version } });
  assert.equal(r.status, 200, r.text);
  t = r.body;
  const [dispatched] = await notes(tech, t.id);
  assert.ok(dispatched, 'the technician is told of the dispatch');
  assertWhole(dispatched.body);
  assert.equal(lineOf(dispatched.body, '故障：'), faultIn600);
  assert.ok(dispatched.body.endsWith('请先电话预约上门时间。'), dispatched.body);

  // ticket_work.c: fault "%.400s" = "AB" + 398 bytes → 132 characters (396 bytes) = 66 × 漏水;
  // reason "%.800s": 800 / 3 = 266 characters (798 bytes) = 133 × 漏水.
  r = await srv.req('POST', `/api/v1/tickets/${t.id}/escalate`, { token: agent.token, body: { reason } });
  assert.equal(r.status, 200, r.text);
  const [escalated] = await notes(head, t.id);
  assert.ok(escalated, 'the department head is told of the escalation');
  assertWhole(escalated.body);
  assert.equal(lineOf(escalated.body, '故障：'), '故障：AB' + '漏水'.repeat(66));
  assert.equal(lineOf(escalated.body, '情况：'), '情况：' + '漏水'.repeat(133));
  assert.ok(escalated.body.endsWith('情况：' + '漏水'.repeat(133)), escalated.body);
});
