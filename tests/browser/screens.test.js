// screens.test.js — screenshots of the main pages at desktop (1366×768) and phone (390×844)
// width, on the demo company (`shouhou demo --seed 1`: tickets in every state, visits,
// complaints, KPIs worth a chart). Each page must render its data without a console error or
// CSP violation. The files go to $SHOUHOU_SCREENSHOTS (docs/screenshots: the README shows
// them) or a scratch directory printed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, shotsDir, DESKTOP, PHONE } from './lib/harness.js';

let app, d;
const taken = [];
before(async () => {
  app = await startApp({ demo: true });
  d = app.demo.users;
  // The call list is empty outside the calling hours (09:00-12:00, 14:00-20:00): open it all
  // day, so the screenshot does not depend on when the suite runs.
  await app.setting(d.admin, 'calls.hours', '00:00-24:00');
});
after(async () => {
  for (const page of pages.values()) await app.close(page);
  if (taken.length) console.log(`screenshots: ${taken.length} files in ${shotsDir}`);
  await app?.stop();
});

// Waits until the page has drawn its data: no loading mask or skeleton in the main area.
async function settle(page) {
  await page.locator('#app > *').first().waitFor();
  await page.waitForFunction(() => {
    const visible = (el) => el && el.offsetParent !== null;
    const busy = [...document.querySelectorAll('.el-loading-mask, .el-skeleton')].some(visible);
    return !busy;
  }, null, { timeout: 15000 });
}

async function shoot(page, name) {
  await settle(page);
  taken.push(await app.shot(page, name));
}

// One signed-in page per role, kept for all its screens (one login each).
const pages = new Map();
async function pageOf(role) {
  if (!pages.has(role)) {
    const page = await app.newPage({ viewport: DESKTOP });
    await app.login(page, d[role]);
    pages.set(role, page);
  }
  return pages.get(role);
}

// Opens path as role; ready(page) waits for its data; shoots at desktop width, then narrows
// the same page to a phone's width (the layout follows the width: drawer menu, cards,
// full-screen dialogs) and shoots again.
async function screen(role, path, name, ready) {
  const page = await pageOf(role);
  await page.setViewportSize(DESKTOP);
  await app.open(page, path);
  if (ready) await ready(page);
  await shoot(page, name);
  await page.setViewportSize(PHONE);
  if (ready) await ready(page);
  await shoot(page, name);
  await page.setViewportSize(DESKTOP);
}

const number = (page) => page.locator('main').getByText(/SH-\d{8}-\d{4}/).first().waitFor();

test('login page', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await app.newPage({ viewport });
    await page.goto('/login');
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    await shoot(page, 'login');
    await app.close(page);
  }
});

test('home page of each main role', async () => {
  for (const role of ['agent', 'dispatcher', 'technician', 'engineering_manager', 'department_head'])
    await screen(role, '/index', `home-${role}`);
});

test('tickets: the list and a ticket\'s detail', async () => {
  const list = await app.api('GET', '/api/v1/tickets?status=on_site&page_size=1', d.agent);
  const ticket = list.items[0];
  assert.ok(ticket, 'the demo has a ticket on site');
  await screen('agent', '/tickets', 'tickets', number);
  await screen('agent', `/tickets/${ticket.id}`, 'ticket-detail', (page) => page.locator('main').getByText(ticket.number).first().waitFor());
});

test('the dispatcher\'s board', async () => {
  await screen('dispatcher', '/dispatch', 'dispatch', number);
});

test('the technician\'s own tickets', async () => {
  await screen('technician', '/my/tickets', 'my-tickets', number);
});

test('the desk\'s call list', async () => {
  // The demo's calls leave today's overdue visits waiting for their retry (its clock is the
  // hour it ran); the engineering manager brings four coming visits forward to today.
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const coming = await app.api('GET', '/api/v1/visits?status=planned&sort=planned_date&page_size=50', d.engineering_manager);
  for (const v of coming.items.filter((x) => x.planned_date > today && !x.retry_at).slice(0, 4))
    await app.api('POST', `/api/v1/visits/${v.id}/move`, d.engineering_manager, { planned_date: today, reason: '客户要求提前回访', version: v.version });
  const calls = await app.api('GET', '/api/v1/visits/calls', d.agent);
  assert.ok(calls.items.length > 0, 'the demo has visits to call today');
  await screen('agent', '/visits/calls', 'visit-calls', (page) => page.locator('main').getByText(calls.items[0].customer_name).first().waitFor());
});

test('a complaint\'s detail', async () => {
  const list = await app.api('GET', '/api/v1/complaints?page_size=50', d.agent);
  const c = list.items.find((x) => x.status === 'assigned') || list.items[0];
  assert.ok(c, 'the demo has complaints');
  await screen('agent', `/complaints/${c.id}`, 'complaint-detail', (page) => page.locator('main').getByText(c.number).first().waitFor());
});

test('the KPI dashboard', async () => {
  await screen('department_head', '/dashboard', 'dashboard', async (page) => {
    await page.locator('main canvas').first().waitFor();
    await page.waitForTimeout(800); // the charts' entry animation
  });
});

test('customers', async () => {
  const list = await app.api('GET', '/api/v1/customers?page_size=1', d.agent);
  assert.ok(list.total > 0);
  await screen('agent', '/customers', 'customers', (page) => page.locator('main').getByText(list.items[0].name).first().waitFor());
});
