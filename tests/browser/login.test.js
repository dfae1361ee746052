// login.test.js — signing in and out in a real browser (UI.md 2, issue 6): a wrong password
// shows the API's own message; signing in lands on the role's home; the English switch is
// remembered across a reload; signing out asks first and returns to /login; a deep link
// without a session goes to /login?redirect=… and back there after signing in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from './lib/harness.js';

let app, u;
before(async () => {
  app = await startApp();
  u = app.world.users;
});
after(async () => { await app?.stop(); });

test('a wrong password shows the API\'s message and stays on /login', async () => {
  const page = await app.newPage();
  page.allow(/status of 401/); // the browser logs the refused POST /auth/login
  await page.goto('/login');
  await page.getByLabel('账号').fill(u.agent.username);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  // The words come from the API (messages.c: invalid_credentials), not from the UI.
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  await app.close(page);
});

test('signing in lands on the role\'s home, with the user\'s name and role in the top bar', async () => {
  // Each role's home shows its own work (home/index.vue and the widgets of each area).
  const homes = [
    [u.agent, (main) => main.getByRole('region', { name: '服务受理' }).getByRole('button', { name: '受理新工单' })],
    [u.dispatcher, (main) => main.getByRole('region', { name: '派单与时限' })],
    [u.technician, (main) => main.getByRole('region', { name: '今日工作' })],
    [u.manager, (main) => main.getByText('今日新建工单', { exact: true })],
  ];
  for (const [who, own] of homes) {
    const page = await app.newPage();
    await app.login(page, who);
    assert.equal(new URL(page.url()).pathname, '/index', `${who.username} lands on the home page`);
    await own(page.locator('main')).first().waitFor();
    await app.topBar(page).getByText(who.display).waitFor();
    const me = await (await page.context().request.get('/api/v1/auth/me')).json();
    await app.topBar(page).getByText(me.user.role_label).waitFor();
    await app.close(page);
  }
});

test('the switch to English is remembered across a reload', async () => {
  const page = await app.newPage();
  await app.login(page, u.agent);
  await page.getByRole('button', { name: '语言' }).click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  const nav = app.topBar(page);
  await nav.getByRole('button', { name: 'Language' }).waitFor();
  await page.reload();
  await app.shellReady(page);
  await nav.getByRole('button', { name: 'Language' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await app.menu(page).getByText('Home', { exact: true }).first().waitFor();
  // Without a session the login page keeps the language, and so do the API's messages
  // (Accept-Language).
  page.allow(/status of 401/);
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('User name').fill(u.agent.username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
  await app.close(page);
});

test('signing out asks for confirmation and returns to /login', async () => {
  const page = await app.newPage();
  await app.login(page, u.dispatcher);
  const nav = app.topBar(page);
  const openUserMenu = async () => {
    await nav.getByRole('button', { name: new RegExp(u.dispatcher.display) }).click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
  };
  // Cancelled: still signed in, same page.
  await openUserMenu();
  let box = page.getByRole('dialog', { name: '系统提示' });
  await box.getByText('确定注销并退出系统吗？').waitFor();
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.equal(new URL(page.url()).pathname, '/index');
  // Confirmed: the session is gone on the server too.
  await openUserMenu();
  box = page.getByRole('dialog', { name: '系统提示' });
  await box.getByRole('button', { name: '确定' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  const me = await page.context().request.get('/api/v1/auth/me');
  assert.equal(me.status(), 401);
  await app.close(page);
});

test('a deep link without a session goes to /login?redirect=… and back after signing in', async () => {
  const page = await app.newPage();
  page.allow(/status of 401/); // the UI asks /auth/me first and learns there is no session
  await page.goto('/tickets?status=open');
  await page.waitForURL((url) => url.pathname === '/login');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('redirect'), '/tickets?status=open');
  await app.login(page, u.agent);
  const back = new URL(page.url());
  assert.equal(back.pathname, '/tickets');
  assert.equal(back.searchParams.get('status'), 'open');
  // The ticket list, not a 404 page.
  await app.menu(page).locator('.el-menu-item.is-active').getByText('工单列表').waitFor();
  await page.locator('main').getByRole('button', { name: '搜索', exact: true }).waitFor();
  assert.ok(!(await page.locator('main').textContent()).includes('抱歉'), 'the deep link shows an error page');
  await app.close(page);
});

test('the keyboard alone signs in and reaches a menu page (accessible basics)', async () => {
  const page = await app.newPage();
  await page.goto('/login');
  await page.getByLabel('账号').waitFor(); // the form is drawn by the script, after the load
  // Tab from the page's start reaches the account field first, then the password; Enter submits.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('autocomplete')), 'username');
  await page.keyboard.type(u.agent.username);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('type')), 'password');
  await page.keyboard.type(u.agent.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await app.shellReady(page);
  // Every input of the intake form has a name a screen reader reads (its label).
  await page.goto('/tickets/new');
  await app.shellReady(page);
  const unnamed = await page.locator('main input:visible, main textarea:visible').evaluateAll((els) =>
    els.filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepEqual(unnamed, [], 'inputs without a label');
  await app.close(page);
});
