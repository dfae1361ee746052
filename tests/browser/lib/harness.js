// harness.js — what every browser test file needs: a shouhou server of its own serving the
// built UI (`serve --web-dir`) on a fresh database cloned from the test template (the API
// tests' Server, tests/api/lib/harness.js), one user per role with a known password and the
// data a service call needs (world.js), and Debian's Chromium driven by playwright-core.
// Every page is watched: a console error, an uncaught exception or a Content-Security-Policy
// violation fails the test that caused it (call app.check(page) at its end), unless the test
// said beforehand that it expects exactly that message (page.allow(/…/)).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, isAbsolute } from 'node:path';
import { chromium } from 'playwright-core';
import { Server } from '../../api/lib/harness.js';
import { makeWorld, PASSWORD } from './world.js';

export { PASSWORD };

const repo = new URL('../../../', import.meta.url).pathname;

// The built UI: web/dist unless SHOUHOU_WEB_DIR names another build (a private one while
// web/dist is being rebuilt by someone else).
export const webDir = (() => {
  const d = process.env.SHOUHOU_WEB_DIR || 'web/dist';
  return isAbsolute(d) ? d : resolve(repo, d);
})();

// Screenshots go where SHOUHOU_SCREENSHOTS says (docs/screenshots for the README), else to a
// scratch directory the run prints once.
export const shotsDir = (() => {
  const d = process.env.SHOUHOU_SCREENSHOTS;
  if (d) return isAbsolute(d) ? d : resolve(repo, d);
  return join(tmpdir(), 'shouhou-browser-screenshots');
})();

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

const CHROMIUM = process.env.SHOUHOU_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

// Reports CSP violations to the test: runs in every document before the page's own scripts
// (injected by the DevTools protocol, so the page's CSP does not apply to it).
function cspReporter() {
  document.addEventListener('securitypolicyviolation', (e) => {
    const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '';
    window.__shouhouCsp(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}${where} sample=${JSON.stringify(e.sample || '')}`);
  }, true);
}

export class App {
  // Starts the server (fresh database, the built UI), makes the world — or, with demo, the
  // demo company (`shouhou demo`, one account per role) — and launches Chromium.
  async start({ world = true, demo = false } = {}) {
    if (!existsSync(join(webDir, 'index.html')))
      throw new Error(`${webDir}/index.html is missing: build the UI first (npm run web:build)`);
    this.srv = new Server();
    if (demo) this.demo = runDemo(this.srv);
    await this.srv.start(['--web-dir', webDir]);
    this.base = this.srv.base;
    if (world && !demo) this.world = await makeWorld(this.srv);
    // launch() gives Chromium a fresh temporary profile (--user-data-dir) it deletes on close.
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    return this;
  }

  async stop() {
    try {
      if (this.browser) await this.browser.close();
    } finally {
      if (this.srv) await this.srv.stop();
    }
  }

  // A fresh browser context (its own cookies, storage and cache: a first visit) and one page
  // in it, watched for console errors, page errors and CSP violations.
  async newPage({ viewport = DESKTOP, mobile = false } = {}) {
    const context = await this.browser.newContext({
      viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: this.base,
      isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1,
    });
    context.setDefaultTimeout(Number(process.env.SHOUHOU_BROWSER_TIMEOUT_MS || 15000));
    const problems = [];
    const allowed = [];
    const note = (kind, text) => {
      if (allowed.some((re) => re.test(text))) return;
      problems.push(`${kind}: ${text}`);
    };
    await context.exposeBinding('__shouhouCsp', (_source, text) => note('CSP violation', text));
    await context.addInitScript(cspReporter);
    const page = await context.newPage();
    const watch = (p) => {
      p.on('console', (m) => {
        if (m.type() === 'error') {
          const loc = m.location();
          note('console error', `${m.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
        }
      });
      p.on('pageerror', (e) => note('page error', String(e && e.stack ? e.stack : e)));
    };
    watch(page);
    context.on('page', watch);
    page.problems = problems;
    // Expects a console message matching re (a 401 the test provokes, a 404 it checks for).
    page.allow = (re) => allowed.push(re);
    return page;
  }

  // Fails the test when the page logged an error or broke the CSP.
  check(page) {
    assert.deepEqual(page.problems, [], `the browser reported problems:\n${page.problems.join('\n')}`);
  }

  async close(page) {
    this.check(page);
    await page.context().close();
  }

  // Signs in through the login form and waits for the page that follows.
  async login(page, user) {
    if (!page.url().includes('/login')) await page.goto('/login');
    await page.getByLabel(/^(账号|User name)$/).fill(user.username);
    await page.getByLabel(/^(密码|Password)$/).fill(user.password);
    await page.getByRole('button', { name: /登\s*录|Sign in|Log in/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await this.shellReady(page);
  }

  // The shell is up: its top bar (the <header>, a banner landmark).
  async shellReady(page) {
    await this.topBar(page).waitFor();
  }

  // (Dialogs appended to <body> have <header>s too: the top bar is the one with the
  // language switch.)
  topBar(page) {
    return page.getByRole('banner').filter({ has: page.getByRole('button', { name: /^(语言|Language)$/ }) });
  }

  // The side menu: a navigation landmark named after the system (the breadcrumb is the other).
  menu(page) {
    return page.getByRole('navigation', { name: /售后服务管理系统|After-sales/ });
  }

  // An Element Plus message (toast: role alert) with this text.
  async toast(page, text) {
    await page.locator('.el-message[role=alert]').filter({ hasText: text }).first().waitFor();
  }

  // Opens a path of the app (signed in already) and waits for the shell.
  async open(page, path) {
    await page.goto(path);
    await this.shellReady(page);
  }

  // Saves a screenshot as <name>-<desktop|phone>.png; returns the path.
  async shot(page, name) {
    mkdirSync(shotsDir, { recursive: true });
    const w = page.viewportSize().width;
    const file = join(shotsDir, `${name}-${w < 992 ? 'phone' : 'desktop'}.png`);
    // Let transitions (drawers, dialogs, tab strip) and chart animations settle.
    await page.waitForTimeout(400);
    await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
    return file;
  }

  // Sets a setting as the administrator `admin` (the current version read first).
  async setting(admin, key, value) {
    const list = await this.api('GET', '/api/v1/settings', admin);
    const cur = (list.items || list).find((x) => x.key === key);
    return this.api('PUT', `/api/v1/settings/${key}`, admin, { value, version: cur.version });
  }

  // The API as a given user (bearer token), for setup and for checking what the UI did.
  async api(method, path, user, body) {
    const r = await this.srv.req(method, path, { token: user.token, body });
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r.body;
  }
}

// `shouhou demo` on the fresh database: a small company with every kind of record, and one
// account per role whose password it prints once. Returns {role: {username, password, …}}.
function runDemo(srv) {
  const out = srv.cli(['demo', '--seed', '1', '--customers', '60']);
  const users = {};
  for (const m of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(\S+)\s*$/gm)) {
    const [, username, password, display] = m;
    users[username] = { username, password, display };
    users[username].token = srv.cli(['token', 'create', '--user', username]).trim();
  }
  if (!users.admin || !users.agent) throw new Error(`shouhou demo printed no accounts:\n${out}`);
  return { users, summary: out };
}

export async function startApp(opts) {
  const app = new App();
  try {
    return await app.start(opts);
  } catch (e) {
    await app.stop().catch(() => {});
    throw e;
  }
}
