// demo.test.js — `shouhou demo` (DESIGN.md "Demo data"): the demo company has an installed
// base (SPEC B1-B4) and service tickets in every state of the workflow (SPEC C1-C7), made
// through the domain so each step has its timeline event and audit row; the same seed gives
// the same archive on two fresh databases; a database that is not empty is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/harness.js';

const SEED = '7';
const CUSTOMERS = '60';
let a, b, printed, adminA, adminB;

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
      owners.add(t.owner_id);
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

test('the same seed gives the same customers, projects, units and tickets', async () => {
  const pick = async (s, token, path, f) => (await all(s, token, path)).map(f);
  const lists = [
    ['/api/v1/customers', (c) => `${c.name}|${c.region_code}|${c.address}`],
    ['/api/v1/projects', (p) => `${p.name}|${p.completion_date}|${p.acceptance_date}|${p.card.status}`],
    ['/api/v1/equipment', (u) => `${u.serial_no}|${u.model}|${u.sold_by_company}|${u.manufacturer_months}`],
    ['/api/v1/tickets', (t) => `${t.customer_name}|${t.serial_no}|${t.fault}|${t.status}|${t.outcome}`],
  ];
  for (const [path, f] of lists) {
    const x = await pick(a, adminA, path, f);
    const y = await pick(b, adminB, path, f);
    assert.ok(x.length > 0, path);
    if (path === '/api/v1/tickets') assert.deepEqual([...x].sort(), [...y].sort(), path);
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
