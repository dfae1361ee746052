// access.test.js — a role sees neither the pages nor the data it may not (UI.md 2; the
// server decides, the UI follows): a technician's menu has no 用户管理 / 参数设置 / 指标看板,
// /system/users typed by hand shows the 403 page, a ticket outside the technician's region
// opened by URL shows "not found" and none of its data; a dealer sees only its own customers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from './lib/harness.js';

let app, u, w;
before(async () => {
  app = await startApp();
  w = app.world;
  u = w.users;
});
after(async () => { await app?.stop(); });

test('a technician\'s menu lacks the users, settings and dashboard pages', async () => {
  const page = await app.newPage();
  await app.login(page, u.technician);
  const menu = app.menu(page);
  await menu.getByText('我的工单').waitFor({ state: 'attached' }); // the menu is there: a positive control
  const text = await menu.textContent();
  for (const word of ['用户管理', '参数设置', '指标看板', '系统管理', '操作日志'])
    assert.ok(!text.includes(word), `the technician's menu shows ${word}: ${text}`);
  // The administrator's menu has them (the words are right).
  const adminPage = await app.newPage();
  await app.login(adminPage, u.admin);
  const adminText = await app.menu(adminPage).textContent();
  for (const word of ['用户管理', '参数设置'])
    assert.ok(adminText.includes(word), `the administrator's menu lacks ${word}`);
  await app.close(adminPage);
  await app.close(page);
});

test('a technician opening /system/users by URL gets the 403 page', async () => {
  const page = await app.newPage();
  await app.login(page, u.technician);
  await page.goto('/system/users');
  await app.shellReady(page);
  await page.getByText('抱歉，您无权访问此页面').waitFor();
  await page.getByRole('button', { name: '返回首页' }).waitFor();
  // No user of the system is shown, and the API was not even asked for them.
  const body = await page.locator('main').textContent();
  for (const who of [u.admin, u.agent, u.dispatcher])
    assert.ok(!body.includes(who.username) && !body.includes(who.display), `the 403 page shows ${who.username}`);
  await page.getByRole('button', { name: '返回首页' }).click();
  await page.waitForURL((url) => url.pathname === '/index');
  await app.close(page);
});

test('a ticket outside the technician\'s region, opened by URL, is not found and shows no data', async () => {
  const page = await app.newPage();
  page.allow(/status of 404/); // GET /api/v1/tickets/{id} answers 404 for a ticket out of scope
  const requests = [];
  page.on('response', (r) => { if (r.url().includes(`/api/v1/tickets/${w.farTicket.id}`)) requests.push(r.status()); });
  await app.login(page, u.technician);
  await page.goto(`/tickets/${w.farTicket.id}`);
  await app.shellReady(page);
  await page.getByText(/访问资源不存在|不存在|not found/i).first().waitFor();
  assert.ok(requests.length > 0 && requests.every((s) => s === 404), `the API answered ${requests}`);
  const body = await page.locator('body').textContent();
  for (const secret of [w.farTicket.number, '南京门禁系统无法开门', w.farCustomer.name, '吴刚', '中山路1号'])
    assert.ok(!body.includes(secret), `the page shows ${secret}`);
  await app.close(page);
});

test('a dealer sees only its own customers', async () => {
  const page = await app.newPage();
  page.allow(/status of 404/);
  await app.login(page, u.dealer);
  await page.goto('/customers');
  await app.shellReady(page);
  const table = page.locator('main');
  await table.getByText(w.dealerCustomer.name).first().waitFor();
  const text = await table.textContent();
  assert.ok(!text.includes(w.customer.name), 'the dealer sees the flow\'s customer');
  assert.ok(!text.includes(w.farCustomer.name), 'the dealer sees the Nanjing customer');
  await page.getByText(/共\s*1\s*条/).waitFor();
  // Another customer by URL: not found, none of its data.
  await page.goto(`/customers/${w.customer.id}`);
  await app.shellReady(page);
  await page.getByText(/访问资源不存在|不存在/).first().waitFor();
  const body = await page.locator('body').textContent();
  for (const secret of ['李娜', '0571-88886666', '文三路90号'])
    assert.ok(!body.includes(secret), `the page shows ${secret}`);
  await app.close(page);
});
