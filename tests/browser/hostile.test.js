// hostile.test.js — the UI shows hostile text as text (issue 7, part 7; SPEC L). Records are
// made through the API with markup and script in their text fields — payloads that would set
// window.__xss if they ever ran (an <img onerror>, a <script>, an <svg onload>, Vue template
// syntax {{constructor.constructor(…)()}}, javascript: in the fields that become links) —
// then every page that shows them is opened: the lists and detail pages of customers,
// tickets (with the timeline), complaints, dealers, suppliers, projects, equipment, visits,
// quick phrases and complaint categories, the dispatcher's notifications, and the managers'
// dashboard with the complaint pie's tooltip (ECharts writes tooltips as HTML: a category
// named <img src=x onerror=…> ran there until views/dashboard/kpi.js escapeHtml).
// On each page: the payload's text is visible literally, window.__xss is never set, no
// element the payload would have made exists (img[src=x], svg[onload], a[href^=javascript:],
// a <script> with the payload), no dialog opens (page.on('dialog') fails the test), and the
// harness fails on any console error or Content-Security-Policy violation (an inline handler
// the CSP blocked is a violation too). The security headers of the UI document and of an
// API answer are checked as the browser received them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, DESKTOP } from './lib/harness.js';
import { localDay } from './lib/world.js';

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '"><svg onload=window.__xss=1>';
const VUE = "{{constructor.constructor('window.__xss=1')()}}";
const JS_URL = 'javascript:window.__xss=1';

let app, u, admin;
const rec = {};

before(async () => {
  app = await startApp();
  u = app.world.users;
  admin = u.admin;
  const api = (method, path, body, who = admin) => app.api(method, path, who, body);
  rec.customer = await api('POST', '/api/v1/customers', {
    name: `客户${IMG}`, kind: 'company', region_code: '330106', address: `地址${SCRIPT}`, note: `备注${VUE}`,
    responsible_person: `负责${SVG}`,
    contacts: [{ name: `联系${SVG}`, title: `职务${IMG}`, phone: '13800001111', is_primary: true }],
    addresses: [{ label: `机房${VUE}`, region_code: '330106', detail: `详址${IMG}`, is_default: true }],
  });
  rec.dealer = await api('POST', '/api/v1/dealers', { name: `经销商${IMG}`, region_code: '330106', contact_person: `联系${VUE}`, note: `备注${SCRIPT}` });
  rec.supplier = await api('POST', '/api/v1/suppliers', { name: `供应商${SCRIPT}`, supplies: `供货${IMG}`, note: `备注${VUE}` });
  rec.project = await api('POST', '/api/v1/projects', {
    customer_id: rec.customer.id, name: `工程${VUE}`, site_region_code: '330106', site_address: `现场${IMG}`, note: `备注${SCRIPT}`,
    project_manager_id: u.pm.id, completion_date: localDay(Date.now() - 100 * 86400e3), acceptance_date: localDay(Date.now() - 90 * 86400e3) });
  rec.unit = await api('POST', '/api/v1/equipment', {
    project_id: rec.project.id, serial_no: `SN${SVG}`, model: `型号${IMG}`, name: `设备${VUE}`, install_site: `位置${SCRIPT}`, note: `备注${IMG}` });
  rec.ticket = await api('POST', '/api/v1/tickets', {
    customer_id: rec.customer.id, equipment_id: rec.unit.id, fault: `故障${IMG}\n${SCRIPT}\n${VUE}`,
    contact_name: `报修人${SVG}`, contact_phone: JS_URL, site_address: `地点${IMG}` }, u.agent);
  await api('POST', `/api/v1/tickets/${rec.ticket.id}/escalate`, { reason: `升级${SCRIPT}` }, u.agent);
  await api('POST', `/api/v1/tickets/${rec.ticket.id}/promises`, {
    due_at: new Date(Date.now() + 86400e3 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00', note: `承诺${VUE}` }, u.agent);
  // A complaint category of its own, named with the payload, for the dashboard's pie.
  rec.category = await api('POST', '/api/v1/complaint-categories', { code: 'xss_probe', label_zh: `类别${IMG}`, label_en: `Class${IMG}` });
  rec.complaint = await api('POST', '/api/v1/complaints', {
    customer_id: rec.customer.id, channel: 'hotline', complainant: `投诉人${SVG}`, phone: JS_URL, facts: `事实${IMG}\n${VUE}`,
    demand: `诉求${SCRIPT}`, category: 'xss_probe', severity: 'minor' }, u.agent);
  rec.phrase = await api('POST', '/api/v1/quick-phrases', { category: 'closing', title: `短语${IMG}`, text: `内容${VUE}${SCRIPT}` });
  await api('POST', '/api/v1/visits/plan', { project_id: rec.project.id }, u.engineering);
});
after(async () => { await app?.stop(); });

// Opens path as user and checks the page: every text in shows is visible literally, and
// nothing a payload could make exists.
async function visit(page, path, shows) {
  await app.open(page, path);
  const main = page.locator('main');
  for (const text of shows) await main.getByText(text, { exact: false }).first().waitFor();
  await assertInert(page);
}

async function assertInert(page) {
  const found = await page.evaluate(() => ({
    flag: window.__xss,
    img: document.querySelectorAll('img[src="x"]').length,
    svg: document.querySelectorAll('svg[onload]').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name) && /__xss/.test(a.value))).length,
    links: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
    scripts: [...document.scripts].filter((s) => /__xss/.test(s.textContent)).length,
    text: document.body.innerText,
  }));
  assert.equal(found.flag, undefined, `${page.url()}: window.__xss was set`);
  assert.deepEqual({ img: found.img, svg: found.svg, handlers: found.handlers, links: found.links, scripts: found.scripts },
    { img: 0, svg: 0, handlers: 0, links: 0, scripts: 0 }, `${page.url()}: a payload made elements`);
  return found.text;
}

async function watched(user) {
  const page = await app.newPage({ viewport: DESKTOP });
  page.dialogs = [];
  page.on('dialog', async (d) => { page.dialogs.push(`${d.type()}: ${d.message()}`); await d.dismiss(); });
  await app.login(page, user);
  return page;
}

async function done(page) {
  assert.deepEqual(page.dialogs, [], 'no dialog opens');
  await app.close(page);
}

test('the UI document and an API answer carry the security headers: CSP without inline script, frame-ancestors none, nosniff, Referrer-Policy', async () => {
  const page = await app.newPage();
  const res = await page.goto('/login');
  const h = res.headers();
  const csp = h['content-security-policy'] || '';
  const scriptSrc = (csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) || '');
  assert.match(scriptSrc, /^script-src 'self'$/, `script-src of the UI: ${csp}`);
  assert.doesNotMatch(csp, /'unsafe-eval'/, csp);
  assert.match(csp, /frame-ancestors 'none'/, csp);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.ok(h['referrer-policy'], 'Referrer-Policy on the UI document');
  const api = await page.context().request.get('/api/v1/health');
  const ah = api.headers();
  assert.match(ah['content-security-policy'] || '', /default-src 'none'.*frame-ancestors 'none'|frame-ancestors 'none'.*default-src 'none'/);
  assert.equal(ah['x-content-type-options'], 'nosniff');
  assert.ok(ah['referrer-policy'], 'Referrer-Policy on an API answer');
  // (That an inline script is refused and reported is weight.test.js's.)
  await app.close(page);
});

test('archive pages show the payloads as text: customers, dealers, suppliers, projects, equipment (lists and details)', async () => {
  const page = await watched(admin);
  await visit(page, '/customers', [`客户${IMG}`]);
  await visit(page, `/customers/${rec.customer.id}`, [`客户${IMG}`, `地址${SCRIPT}`, `联系${SVG}`, `备注${VUE}`]);
  await visit(page, '/dealers', [`经销商${IMG}`]);
  await visit(page, `/dealers/${rec.dealer.id}`, [`经销商${IMG}`, `备注${SCRIPT}`]);
  await visit(page, '/suppliers', [`供应商${SCRIPT}`]);
  await visit(page, `/suppliers/${rec.supplier.id}`, [`供应商${SCRIPT}`, `供货${IMG}`]);
  await visit(page, '/projects', [`工程${VUE}`]);
  await visit(page, `/projects/${rec.project.id}`, [`工程${VUE}`, `现场${IMG}`]);
  await visit(page, '/equipment', [`型号${IMG}`]);
  await visit(page, `/equipment/${rec.unit.id}`, [`型号${IMG}`, `位置${SCRIPT}`]);
  await done(page);
});

test('tickets, the ticket timeline, complaints, visits and quick phrases show the payloads as text', async () => {
  const page = await watched(admin);
  await visit(page, '/tickets', [`客户${IMG}`]);
  await visit(page, `/tickets/${rec.ticket.id}`, [`故障${IMG}`, SCRIPT, VUE, `报修人${SVG}`]);
  await page.locator('main').getByText(`升级${SCRIPT}`).first().waitFor(); // the timeline
  await page.locator('main').getByText(`承诺${VUE}`).first().waitFor();
  await assertInert(page);
  await visit(page, '/complaints', [`客户${IMG}`]);
  await visit(page, `/complaints/${rec.complaint.id}`, [`事实${IMG}`, `诉求${SCRIPT}`, `投诉人${SVG}`, `类别${IMG}`]);
  await visit(page, '/visits', [`工程${VUE}`]);
  await visit(page, '/quick-phrases', [`短语${IMG}`]);
  await visit(page, '/complaint-categories', [`类别${IMG}`]);
  await done(page);
});

test('the dispatcher\'s notifications and the managers\' dashboard (with the complaint pie\'s tooltip) show the payloads as text', async () => {
  const disp = await watched(u.dispatcher);
  await visit(disp, '/notifications', [`故障${IMG}`]);
  await done(disp);
  const page = await watched(u.manager);
  await app.open(page, '/dashboard');
  // The pie: its summary (the chart's accessible name) names the category.
  const pie = page.getByRole('img', { name: new RegExp(`类别${IMG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
  await pie.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500); // the pie's animation (300 ms)
  const box = await pie.boundingBox();
  // The ring is 45–68 % of the half-size around (50 %, 48 %); one slice fills it.
  const r = (Math.min(box.width, box.height) / 2) * 0.56;
  await page.mouse.move(box.x + box.width / 2 + r, box.y + box.height * 0.48);
  // The tooltip (a <div> ECharts fills with HTML): found by its figures, then checked.
  const tip = page.locator('div').filter({ hasText: /: 1（100%）$/ }).last();
  await tip.waitFor();
  await assertInert(page);
  assert.match(await tip.innerText(), new RegExp(`^类别${IMG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1（100%）$`));
  await done(page);
});
