// demo.test.js — `shouhou demo` (DESIGN.md "Demo data"): the demo company has an installed
// base (SPEC B1-B4), service tickets in every state of the workflow (SPEC C1-C7), return
// visits with their KPI, a survey campaign (D1-D5) and complaints in every state (E1-E4),
// made through the domain so each step has its timeline event and audit row; the same seed
// gives the same archive on two fresh databases; a database that is not empty is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/harness.js';

const SEED = '7';
const CUSTOMERS = '60';
let a, b, printed, adminA, adminB;
// Today in the company's zone (+08:00), as the server counts days.
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}

// A fresh database with the demo in it (the harness's template holds only regions and the
// calendar, so the users table is empty), then its server; returns the admin's token.
async function demoServer() {
  const s = new Server();
  const out = s.cli(['demo', '--seed', SEED, '--customers', CUSTOMERS]);
  await s.start();
  return { s, out, token: s.cli(['token', 'create', '--user', 'admin']).trim() };
}

// Every item of a list, page by page (keyset cursor), sorted by id.
async function all(s, token, path) {
  const items = [];
  let cursor = '';
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await ok(await s.req('GET', `${path}${sep}page_size=100${cursor}`, { token }));
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = `&cursor=${encodeURIComponent(page.next_cursor)}`;
  }
  return items.sort((x, y) => x.id - y.id);
}

before(async () => {
  let r = await demoServer();
  a = r.s; printed = r.out; adminA = r.token;
  r = await demoServer();
  b = r.s; adminB = r.token;
});

after(async () => {
  await a?.stop();
  await b?.stop();
});

test('the demo prints the installed base and the tickets it made, and the passwords', () => {
  assert.match(printed, /demo company created: 60 customers/);
  const base = printed.match(/installed base: (\d+) projects \((\d+) warranty cards issued\), (\d+) equipment units/);
  assert.ok(base, printed);
  assert.ok(Number(base[1]) >= 10 && Number(base[3]) >= Number(base[1]), printed);
  const tickets = printed.match(/service tickets: (\d+) \((\d+) new, (\d+) assigned, (\d+) on site, (\d+) cleared, (\d+) closed, (\d+) cancelled\); (\d+) open past a deadline/);
  assert.ok(tickets, printed);
  assert.ok(Number(tickets[1]) >= 30, printed);
  for (let i = 2; i <= 8; i++) assert.ok(Number(tickets[i]) >= 1, `group ${i} of ${printed}`);
  assert.match(printed, /^ {2}technician {6,}\S{16} /m);
});

test('projects with units in and out of warranty, and warranty cards', async () => {
  const projects = await all(a, adminA, '/api/v1/projects');
  const units = await all(a, adminA, '/api/v1/equipment');
  assert.ok(projects.length >= 10);
  assert.ok(units.length >= projects.length);
  for (const u of units) assert.match(u.serial_no, /^[A-Z]{2}20\d\d\d{6}$/);
  assert.ok(units.some((u) => u.manufacturer_months === 24 || u.manufacturer_months === 36));
  assert.ok(units.filter((u) => u.sold_by_company).length > units.length / 2, 'mostly sold by the company');
  const cards = new Set(projects.map((p) => p.card.status));
  assert.ok(cards.has('issued') && cards.size >= 2, `card states ${[...cards]}`);
  const states = new Set();
  for (const u of units.slice(0, 40)) {
    const w = await ok(await a.req('GET', `/api/v1/equipment/${u.id}/warranty`, { token: adminA }));
    states.add(w.state);
  }
  assert.ok(states.has('in_warranty') && states.size >= 2, `warranty states ${[...states]}`);
});

test('tickets in every status, with every outcome, owned by the desk and worked by the field', async () => {
  const owners = new Set();
  for (const status of ['new', 'assigned', 'on_site', 'cleared', 'closed', 'cancelled']) {
    const page = await ok(await a.req('GET', `/api/v1/tickets?status=${status}&page_size=100`, { token: adminA }));
    assert.ok(page.total >= 1, `no ${status} ticket`);
    for (const t of page.items) {
      assert.equal(t.status, status);
      // A defect found on a return visit is a case of whoever reported the visit.
      if (t.channel !== 'visit') owners.add(t.owner_id);
      if (status === 'new') assert.equal(t.technician_id, null, `${t.number} waits for dispatch`);
      else if (status !== 'cancelled') assert.ok(t.technician_id, `${t.number} has a technician`);
    }
  }
  assert.equal(owners.size, 1, 'the demo agent owns every case (首问负责)');
  const closed = await all(a, adminA, '/api/v1/tickets?status=closed');
  const outcomes = new Set(closed.map((t) => t.outcome));
  for (const o of ['repaired', 'substituted', 'no_fault']) assert.ok(outcomes.has(o), `outcome ${o}`);
  const substituted = await ok(await a.req('GET', `/api/v1/tickets/${closed.find((t) => t.outcome === 'substituted').id}`, { token: adminA }));
  assert.ok(substituted.loans.length >= 1, 'a spare unit was lent');
  // One ticket of each kind went through the desk, dispatch and the field.
  const repaired = closed.find((t) => t.outcome === 'repaired');
  const timeline = (await ok(await a.req('GET', `/api/v1/tickets/${repaired.id}/timeline`, { token: adminA }))).items;
  const kinds = timeline.map((e) => e.kind);
  for (const k of ['created', 'assign', 'appointment', 'arrive', 'record', 'clear', 'close']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  assert.ok(new Set(timeline.map((e) => e.actor_id)).size >= 3, 'agent, dispatcher and technician acted');
});

test('old calls still open have breached deadlines; promised replies are tracked', async () => {
  const open = await all(a, adminA, '/api/v1/tickets?status=open');
  const breached = open.filter((t) => t.deadlines.some((d) => d.state === 'breached'));
  assert.ok(breached.length >= 1, 'an open ticket past its deadline');
  assert.ok(open.some((t) => t.deadlines.some((d) => d.stage === 'promise')), 'a promised reply');
  const board = await ok(await a.req('GET', '/api/v1/dispatch/technicians', { token: adminA }));
  const rows = Array.isArray(board) ? board : board.items;
  const tech = rows.find((r) => r.username === 'technician');
  assert.ok(tech && tech.open_tickets >= 1 && tech.at_risk >= 1, JSON.stringify(rows));
});

// The return-visits line: planned since visit.plan_from, what became of them, the KPI.
function visitsLine() {
  const v = printed.match(/return visits: (\d+) planned from (\d{4}-\d\d-\d\d) \((\d+) on time, (\d+) late, (\d+) missing; (\d+) partial, (\d+) with a defect, (\d+) moved\), (\d+) calls; (\d+) follow-ups \((\d+) reported\); visit rate (\d+)‰, satisfaction (\d+)‰/);
  assert.ok(v, printed);
  const n = v.map(Number);
  return { planned: n[1], from: v[2], onTime: n[3], late: n[4], missing: n[5], partial: n[6], defects: n[7], moved: n[8], calls: n[9], followups: n[10], reported: n[11], rate: n[12], satisfaction: n[13] };
}

test('the demo prints its return visits, survey and complaints', () => {
  const v = visitsLine();
  assert.ok(v.onTime > v.late + v.missing && v.late >= 1 && v.missing >= 1, printed);
  assert.deepEqual([v.partial, v.defects, v.moved], [1, 1, 1], printed);
  // The rate by the rule (rules/kpi.h): on time ÷ (on time + late + missing), rounded down.
  assert.equal(v.rate, Math.floor((1000 * v.onTime) / (v.onTime + v.late + v.missing)), printed);
  assert.ok(v.rate < 1000 && v.satisfaction < 1000 && v.satisfaction >= 800, printed);
  const s = printed.match(/survey: 4 questions, (\d+) customers \((\d+) answered, (\d+) declined\)/);
  assert.ok(s && Number(s[1]) > Number(s[2]) + Number(s[3]) && Number(s[2]) >= 1, printed);
  const c = printed.match(/complaints: (\d+) \((\d+) registered, (\d+) assigned, (\d+) answered, (\d+) called back, (\d+) archived\); (\d+) repeat, (\d+) in a second round/);
  assert.ok(c, printed);
  const n = c.slice(1).map(Number);
  assert.equal(n[0], n[1] + n[2] + n[3] + n[4] + n[5], printed);
  for (let i = 1; i < 8; i++) assert.ok(n[i] >= 1, `group ${i} of ${printed}`);
});

test('the visit KPI counts the demo visits by the rule: below 100 %, with missing visits', async () => {
  const { from } = visitsLine();
  const kpi = await ok(await a.req('GET', `/api/v1/kpi/visits?from=${from}&to=${today}`, { token: adminA }));
  const r = kpi.visit_rate;
  // The same counts from the visits themselves, classified by hand as rules/kpi.h says:
  // done or partial on or before the due date: on time; after it: late; still open with
  // the due date over: missing; cancelled or not due yet: not counted.
  const planned = await all(a, adminA, `/api/v1/visits?kind=planned&due_from=${from}&due_to=${today}`);
  let onTime = 0, late = 0, missing = 0;
  for (const v of planned) {
    if (v.status === 'done' || v.status === 'partial') {
      if (v.done_on <= v.due_date) onTime++; else late++;
    } else if (v.status === 'planned' && v.due_date < today) missing++;
  }
  assert.deepEqual([r.on_time, r.late, r.missing], [onTime, late, missing]);
  assert.ok(missing > 0 && late > 0, JSON.stringify(r));
  assert.equal(r.rate_permille, Math.floor((1000 * onTime) / (onTime + late + missing)));
  assert.ok(r.rate_permille < 1000 && r.met === false, JSON.stringify(r));
  const gaps = await ok(await a.req('GET', `/api/v1/kpi/visits/missing?from=${from}&to=${today}&page_size=100`, { token: adminA }));
  assert.equal(gaps.total, late + missing);
  const sat = kpi.satisfaction;
  assert.ok(sat.answered > 0 && sat.satisfied < sat.answered, JSON.stringify(sat));
  assert.ok(sat.rate_permille < 1000 && sat.rate_permille >= 800, JSON.stringify(sat));
});

test('a partial visit carries its items on, a defect opened a ticket, a visit was moved, the desk called', async () => {
  const planned = await all(a, adminA, '/api/v1/visits?kind=planned');
  const partial = planned.filter((v) => v.status === 'partial');
  assert.equal(partial.length, 1);
  const p = partial[0];
  assert.ok(p.unfinished_items.length > 0);
  const next = planned.filter((v) => v.project_id === p.project_id && v.status === 'planned')
    .sort((x, y) => (x.planned_date < y.planned_date ? -1 : 1))[0];
  assert.ok(next, 'the project has a coming visit');
  assert.equal(next.carried_items, p.unfinished_items);
  const shown = await ok(await a.req('GET', `/api/v1/visits/${next.id}`, { token: adminA }));
  assert.equal(shown.previous.id, p.id);
  assert.ok(shown.events.some((e) => e.kind === 'carried' && e.detail.from_visit_id === p.id));
  // The defect: a ticket of the visit channel, linked back from the visit that found it.
  const tickets = (await all(a, adminA, '/api/v1/tickets')).filter((t) => t.channel === 'visit');
  assert.equal(tickets.length, 1);
  const done = planned.filter((v) => v.customer_id === tickets[0].customer_id && v.status === 'done' && v.method === 'on_site');
  let found = null;
  for (const v of done) {
    const full = await ok(await a.req('GET', `/api/v1/visits/${v.id}`, { token: adminA }));
    if (full.defects.some((d) => d.ticket_id === tickets[0].id)) found = full;
  }
  assert.ok(found, 'the visit that found the defect');
  assert.ok(found.defects[0].equipment_id && found.defects[0].description.startsWith('回访发现'));
  // The engineering manager's move: a reason, past the rule's date.
  const moved = planned.filter((v) => v.moved_reason);
  assert.equal(moved.length, 1);
  assert.ok(moved[0].beyond_rule && moved[0].planned_date > moved[0].due_date && moved[0].status === 'planned');
  // The desk's calls: no answer puts the visit off until a later try.
  const unanswered = planned.find((v) => v.last_call_result === 'no_answer');
  assert.ok(unanswered && unanswered.status === 'planned' && unanswered.overdue, JSON.stringify(unanswered));
  assert.ok(unanswered.retry_at && unanswered.retry_at > unanswered.last_call_at, JSON.stringify(unanswered));
  // Reports: by the desk on the phone and by the project manager on site, mostly satisfied.
  const reported = planned.filter((v) => v.status === 'done');
  assert.ok(new Set(reported.map((v) => v.method)).size === 2);
  assert.ok(new Set(reported.map((v) => v.reported_by)).size === 2);
  assert.ok(reported.filter((v) => v.satisfied === false).length >= 2);
  assert.ok(reported.filter((v) => v.score >= 4).length > reported.length / 2);
});

test('every closed ticket has its follow-up visit, most reported satisfied', async () => {
  const closed = await all(a, adminA, '/api/v1/tickets?status=closed');
  const followups = await all(a, adminA, '/api/v1/visits?kind=followup');
  assert.deepEqual(followups.map((v) => v.ticket_id).sort((x, y) => x - y), closed.map((t) => t.id));
  const done = followups.filter((v) => v.status === 'done');
  assert.ok(done.length >= 1 && done.length < followups.length);
  for (const v of done) assert.equal(v.satisfied, true);
});

test('the survey campaign: open, four questions, results tally the responses', async () => {
  const list = await ok(await a.req('GET', '/api/v1/surveys', { token: adminA }));
  assert.equal(list.items.length, 1);
  const s = await ok(await a.req('GET', `/api/v1/surveys/${list.items[0].id}`, { token: adminA }));
  assert.equal(s.status, 'open');
  assert.ok(s.starts_on <= today && today <= s.ends_on);
  assert.deepEqual(s.questions.map((q) => q.kind), ['score', 'yes_no', 'score', 'text']);
  const p = s.progress;
  assert.equal(p.targets, p.pending + p.answered + p.declined);
  assert.ok(p.answered >= 1 && p.declined >= 1 && p.pending >= 1, JSON.stringify(p));
  const shown = printed.match(/survey: 4 questions, (\d+) customers \((\d+) answered, (\d+) declined\)/);
  assert.deepEqual([p.targets, p.answered, p.declined], shown.slice(1).map(Number));
  const r = await ok(await a.req('GET', `/api/v1/surveys/${s.id}/results`, { token: adminA }));
  const [overall, steady] = r.questions;
  // Both questions are required: every answered target answered them.
  assert.equal(overall.count, p.answered);
  assert.equal(Object.values(overall.distribution).reduce((x, y) => x + y, 0), p.answered);
  assert.equal(steady.yes + steady.no, p.answered);
});

test('complaints in every state, a second round, a repeat, one from a visit, notices as PDF', async () => {
  for (const status of ['registered', 'assigned', 'answered', 'called_back', 'archived']) {
    const page = await ok(await a.req('GET', `/api/v1/complaints?status=${status}`, { token: adminA }));
    assert.ok(page.total >= 1, `no ${status} complaint`);
  }
  const list = await all(a, adminA, '/api/v1/complaints');
  const get = async (id) => ok(await a.req('GET', `/api/v1/complaints/${id}`, { token: adminA }));
  const product = ['drawing_mismatch', 'dimension_tolerance', 'hole_position', 'surface_treatment', 'surface_finish'];
  const service = ['service_attitude', 'response_time', 'billing', 'delivery'];
  assert.ok(list.some((c) => product.includes(c.category)) && list.some((c) => service.includes(c.category)));
  // The repeat: the same customer and class as an earlier complaint (E4).
  const repeat = list.find((c) => c.repeat);
  const first = list.find((c) => c.id === repeat.repeat_of);
  assert.equal(first.customer_id, repeat.customer_id);
  assert.equal(first.category, repeat.category);
  // Dissatisfied at the callback: a second round of notices.
  const second = await get(list.find((c) => c.round === 2).id);
  assert.equal(second.status, 'assigned');
  assert.equal(second.callback_satisfied, false);
  assert.deepEqual([...new Set(second.assignments.map((n) => n.round))].sort(), [1, 2]);
  assert.ok(second.assignments.some((n) => n.round === 1 && n.answered));
  // The complaint from a dissatisfied visit.
  const fromVisit = list.find((c) => c.visit_id);
  const visit = await ok(await a.req('GET', `/api/v1/visits/${fromVisit.visit_id}`, { token: adminA }));
  assert.equal(visit.satisfied, false);
  assert.equal(visit.customer_id, fromVisit.customer_id);
  // Archived: read-only, called back satisfied, every notice answered.
  const archived = await get(list.find((c) => c.status === 'archived').id);
  assert.equal(archived.read_only, true);
  assert.equal(archived.callback_satisfied, true);
  assert.ok(archived.assignments.every((n) => n.answered && n.root_cause && n.preventive_action));
  // A written notice downloads as a PDF.
  const notice = archived.assignments[0];
  const pdf = await a.req('GET', `/api/v1/complaints/${archived.id}/assignments/${notice.id}/notice`, { token: adminA });
  assert.equal(pdf.status, 200);
  assert.match(pdf.headers.get('content-type'), /application\/pdf/);
  assert.ok(pdf.text.startsWith('%PDF-'));
});

test('the same seed gives the same customers, projects, units, tickets, visits and complaints', async () => {
  const pick = async (s, token, path, f) => (await all(s, token, path)).map(f);
  const lists = [
    ['/api/v1/customers', (c) => `${c.name}|${c.region_code}|${c.address}`],
    ['/api/v1/projects', (p) => `${p.name}|${p.completion_date}|${p.acceptance_date}|${p.card.status}`],
    ['/api/v1/equipment', (u) => `${u.serial_no}|${u.model}|${u.sold_by_company}|${u.manufacturer_months}`],
    ['/api/v1/tickets', (t) => `${t.customer_name}|${t.serial_no}|${t.fault}|${t.status}|${t.outcome}`],
    ['/api/v1/visits', (v) => `${v.customer_name}|${v.kind}|${v.seq}|${v.due_date}|${v.status}|${v.done_on}|${v.score}`],
    ['/api/v1/complaints', (c) => `${c.customer_name}|${c.category}|${c.status}|${c.round}|${c.repeat}`],
  ];
  for (const [path, f] of lists) {
    const x = await pick(a, adminA, path, f);
    const y = await pick(b, adminB, path, f);
    assert.ok(x.length > 0, path);
    if (path !== '/api/v1/customers' && path !== '/api/v1/projects' && path !== '/api/v1/equipment') assert.deepEqual([...x].sort(), [...y].sort(), path);
    else assert.deepEqual(x, y, path);
  }
});

test('a second demo on a database that is not empty is refused', () => {
  assert.throws(() => a.cli(['demo', '--seed', SEED, '--customers', '5']), (e) => {
    assert.notEqual(e.status, 0);
    assert.match(String(e.stderr), /database_not_empty/);
    return true;
  });
});
