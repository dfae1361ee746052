// sla_watch.test.js — the SLA watch (SPEC C2, C5; src/domain/ticket_watch.c) driven by
// `shouhou jobs run --now`, so every instant is chosen by the test: the warning before a
// stage's deadline, the breach recorded at the deadline, the escalation up the chain of
// roles to the users whose regions cover the ticket, a met deadline left alone, and a pass
// that finds nothing new the second time.
// /* EVIDENCE: SPEC C2 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';
import { sql } from './lib/sql.js';

let srv, admin, agent, tech, dispatcherIn, dispatcherOut, manager, gm, customerId;
let leadSeconds, stepSeconds;
const NOW = Math.floor(Date.now() / 1000);

const iso = (s) => new Date(s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const jobs = (at) => srv.cli(['jobs', 'run', '--now', iso(at)]);
const count = (out, key) => Number(out.match(new RegExp(`\\b${key}=(\\d+)`))[1]);

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  tech = srv.user('technician', { regions: ['330000'] });
  dispatcherIn = srv.user('dispatcher', { regions: ['330100'] }); // Hangzhou: covers 330106
  dispatcherOut = srv.user('dispatcher', { regions: ['110000'] }); // Beijing: does not
  manager = srv.user('engineering_manager', { regions: ['330000'] });
  gm = srv.user('gm', { regions: ['000000'] });
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(c.status, 201, c.text);
  customerId = c.body.id;
  const settings = await srv.req('GET', '/api/v1/settings', { token: admin.token });
  const value = (k) => settings.body.items.find((s) => s.key === k).value;
  leadSeconds = value('sla.warning_lead_minutes') * 60;
  stepSeconds = value('sla.escalation_step_minutes') * 60;
  assert.equal(value('sla.clock'), 'calendar', 'these cases count calendar hours');
  assert.equal(value('sla.onsite_hours'), 24);
});
after(async () => { await srv.stop(); });

// A ticket called hoursAgo before NOW, taken by the agent and assigned to the technician.
async function ticket(hoursAgo, fault = '监控画面黑屏') {
  const t = await srv.req('POST', '/api/v1/tickets', {
    token: agent.token,
    body: { customer_id: customerId, channel: 'hotline', fault, contact_name: '李娜', contact_phone: '13800001111', called_at: iso(NOW - hoursAgo * 3600) },
  });
  assert.equal(t.status, 201, t.text);
  // Dispatched a minute after the call (arrivals in these tests are dated after that).
  const a = await srv.req('POST', `/api/v1/tickets/${t.body.id}/assign`, { token: admin.token, body: { technician_id: tech.id, version: t.body.version, at: iso(NOW - hoursAgo * 3600 + 60) } });
  assert.ok(a.status < 300, a.text);
  return { ...t.body, version: a.body.version };
}

async function timeline(id) {
  const r = await srv.req('GET', `/api/v1/tickets/${id}/timeline`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  const items = Array.isArray(r.body) ? r.body : r.body.items;
  return items.filter((e) => e.kind.startsWith('sla_'));
}

async function notices(user, ticketId) {
  const r = await srv.req('GET', '/api/v1/notifications?page_size=100', { token: user.token });
  assert.equal(r.status, 200, r.text);
  // The watch's notices only: intake and dispatch send their own.
  return r.body.items.filter((n) => n.ticket_id === ticketId && /时限即将到期|已超时|超时升级/.test(n.subject));
}

function deadline(id, stage) {
  const [row] = sql(srv, `SELECT due_at, warn_at, COALESCE(warned_at, 0), COALESCE(breached_at, 0), level, COALESCE(next_check_at, 0) FROM ticket_deadlines WHERE ticket_id = ${id} AND stage = '${stage}' AND seq = 0`);
  const [due, warn, warned, breached, level, next] = row.map(Number);
  return { due, warn, warned, breached, level, next };
}

test('a ticket called 23 hours ago gets its onsite warning at the next pass, sent to the technician and the handler', async () => {
  const t = await ticket(23);
  const d = deadline(t.id, 'onsite');
  assert.equal(d.due, NOW + 3600);
  assert.equal(d.warn, d.due - leadSeconds);
  assert.ok(d.warn <= NOW, 'the warning is due (lead of at least an hour)');
  jobs(NOW);
  const events = await timeline(t.id);
  assert.deepEqual(events.map((e) => e.kind), ['sla_warning']);
  assert.equal(events[0].actor_id, null, 'the system, not a person');
  assert.equal(events[0].detail.stage, 'onsite');
  assert.equal(events[0].detail.seq, 0);
  assert.equal(Date.parse(events[0].detail.due_at) / 1000, d.due);
  const subject = `【工单${t.number}】技术人员到场时限即将到期`;
  assert.deepEqual((await notices(tech, t.id)).map((n) => n.subject), [subject]);
  assert.deepEqual((await notices(agent, t.id)).map((n) => n.subject), [subject]);
  assert.deepEqual(await notices(dispatcherIn, t.id), [], 'no escalation before the deadline');
  const after = deadline(t.id, 'onsite');
  assert.equal(after.warned, NOW);
  assert.equal(after.next, d.due, 'looked at again at the deadline');
});

test('a ticket called 25 hours ago with no arrival breaches the onsite stage and escalates to its region\'s dispatcher, then up the chain', async () => {
  const t = await ticket(25);
  jobs(NOW);
  let events = await timeline(t.id);
  assert.deepEqual(events.map((e) => e.kind), ['sla_breach', 'sla_escalation'], 'no late warning: the breach says more');
  const d = deadline(t.id, 'onsite');
  assert.equal(d.breached, d.due, 'the breach happened at the deadline');
  assert.equal(d.warned, 0);
  assert.equal(d.level, 1);
  assert.equal(d.next, d.due + stepSeconds);
  assert.equal(events[0].detail.overdue_seconds, 3600);
  assert.deepEqual({ stage: events[1].detail.stage, level: events[1].detail.level, role: events[1].detail.role },
    { stage: 'onsite', level: 1, role: 'dispatcher' });

  const escalated = await notices(dispatcherIn, t.id);
  assert.equal(escalated.length, 1, 'the dispatcher whose grant covers 330106');
  assert.match(escalated[0].subject, new RegExp(`^【工单${t.number}】技术人员到场超时升级\\(第1级`));
  assert.match(escalated[0].body, /已超时 1小时00分/);
  assert.deepEqual(await notices(dispatcherOut, t.id), [], 'a dispatcher of another region hears nothing');
  assert.deepEqual(await notices(manager, t.id), [], 'level 2 is not reached yet');
  assert.equal((await notices(tech, t.id)).length, 1, 'the technician is told of the breach');

  // One step later: level 2, the engineering manager.
  jobs(d.due + stepSeconds);
  events = await timeline(t.id);
  assert.deepEqual(events.map((e) => e.kind), ['sla_breach', 'sla_escalation', 'sla_escalation']);
  assert.equal(events[2].detail.level, 2);
  assert.equal(events[2].detail.role, 'engineering_manager');
  assert.equal((await notices(manager, t.id)).length, 1);
  assert.equal((await notices(dispatcherIn, t.id)).length, 1, 'the dispatcher is not told again');
  assert.equal(deadline(t.id, 'onsite').level, 2);

  // Far later: the last level (the general manager), then nothing is left to watch.
  jobs(d.due + 10 * stepSeconds);
  assert.equal((await notices(gm, t.id)).filter((n) => /技术人员到场/.test(n.subject)).length, 1);
  const last = deadline(t.id, 'onsite');
  assert.equal(last.level, 3);
  assert.equal(last.next, 0);
});

test('a met deadline produces nothing', async () => {
  const t = await ticket(25);
  const arrived = await srv.req('POST', `/api/v1/tickets/${t.id}/arrive`, { token: tech.token, body: { at: iso(NOW - 3600 * 2), version: t.version } });
  assert.ok(arrived.status < 300, arrived.text);
  jobs(NOW);
  assert.deepEqual(await timeline(t.id), []);
  assert.deepEqual(await notices(tech, t.id), []);
  assert.deepEqual(await notices(dispatcherIn, t.id), []);
  const d = deadline(t.id, 'onsite');
  assert.equal(d.breached, 0);
  assert.equal(d.next, 0, 'a met stage leaves the watch');
});

test('running the pass twice at one instant does nothing the second time', async () => {
  await ticket(30, '门禁控制器无响应');
  const at = NOW + 60;
  const first = jobs(at);
  assert.ok(count(first, 'rows') >= 1, first);
  const rows = sql(srv, 'SELECT count(*) FROM ticket_events')[0][0];
  const queued = sql(srv, 'SELECT count(*) FROM outbox')[0][0];
  const second = jobs(at);
  assert.equal(count(second, 'rows'), 0, second);
  assert.equal(sql(srv, 'SELECT count(*) FROM ticket_events')[0][0], rows);
  assert.equal(sql(srv, 'SELECT count(*) FROM outbox')[0][0], queued);
});

test('a promised reply that is not kept escalates, and its handler and owner hear of it', async () => {
  const t = await ticket(1, '客户要求书面答复');
  const due = NOW + 3 * 3600;
  const p = await srv.req('POST', `/api/v1/tickets/${t.id}/promises`, { token: agent.token, body: { due_at: iso(due), note: '明天上午答复维修方案' } });
  assert.ok(p.status < 300, p.text);
  jobs(due + 60);
  const events = (await timeline(t.id)).filter((e) => e.detail.stage === 'promise');
  assert.deepEqual(events.map((e) => e.kind), ['sla_breach', 'sla_escalation']);
  const mine = (await notices(agent, t.id)).filter((n) => /承诺答复/.test(n.subject));
  assert.ok(mine.some((n) => /已超时/.test(n.subject)), 'the handler hears of the breach');
  assert.ok(mine.some((n) => /超时升级/.test(n.subject)), 'and of the escalation');
  assert.deepEqual((await notices(tech, t.id)).filter((n) => /承诺答复/.test(n.subject)), [], 'a promise is the desk\'s, not the technician\'s');
});

test('a role name the chain does not know is skipped, and the pass goes on', async () => {
  sql(srv, "DELETE FROM settings WHERE key = 'sla.escalation_chain'");
  sql(srv, `INSERT INTO settings (key, value, updated_at, version) VALUES ('sla.escalation_chain', 'dispatcher, no_such_role ,gm', ${NOW}, 1)`);
  try {
    const t = await ticket(24 + 3 * stepSeconds / 3600 + 1, '摄像头离线');
    const out = jobs(NOW + 120);
    assert.match(out, /sla_watch rows=/);
    const escalations = (await timeline(t.id)).filter((e) => e.kind === 'sla_escalation' && e.detail.stage === 'onsite');
    assert.deepEqual(escalations.map((e) => [e.detail.level, e.detail.role]), [[1, 'dispatcher'], [3, 'gm']]);
    assert.equal(deadline(t.id, 'onsite').level, 3);
  } finally {
    sql(srv, "DELETE FROM settings WHERE key = 'sla.escalation_chain'");
  }
});
