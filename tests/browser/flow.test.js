// flow.test.js — the path through the UI, in Chinese, each step by the role that does
// it in its own browser (its own cookies): the agent registers the fault on 工单受理 and reads
// out the number → the dispatcher assigns a technician on the dispatch board → the technician,
// on a 390×844 phone, signs in on site (签到), writes the on-site record and finishes (完工) →
// the desk that owns the case closes it (a technician may close only with the customer's
// signature, docs/tickets.md) → the follow-up visit is on the return-visit desk's call list →
// the desk records the call and a satisfied report → the manager's dashboard counts it.
//
// Time: closing adds the follow-up visit due visit.followup_days (at least 1) later, and the
// call list holds only visits planned for today or before, inside the calling hours. The
// server has no clock to move, so — standing in for "a week later" — the calling hours are
// set to the whole day and the engineering manager brings the visit forward to today through
// the API (POST /visits/{id}/move, what his 改期 on the visit plan does); everything else is
// the UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, DESKTOP, PHONE } from './lib/harness.js';
import { localDay } from './lib/world.js';

let app, u, w;
const FAULT = '录像机无法录像，硬盘指示灯报警';
let number; // the ticket's number as the agent read it out
let ticket; // the ticket as the API has it, after the agent registered it
let before0; // the manager's dashboard figures before the flow
let manager; // the manager's page, kept open to see the live refresh
let reported = false; // the last step of the flow went through

before(async () => {
  app = await startApp();
  w = app.world;
  u = w.users;
  await app.setting(u.admin, 'calls.hours', '00:00-24:00');
});
after(async () => { await app?.stop(); });

// The figure on the dashboard card labelled `label` (KpiCards.vue), as a string.
async function card(page, label) {
  const c = page.locator('.kpi-card').filter({ has: page.getByText(label, { exact: true }) });
  await c.locator('.value').waitFor();
  return (await c.locator('.value').textContent()).trim();
}
async function cardSub(page, label) {
  const c = page.locator('.kpi-card').filter({ has: page.getByText(label, { exact: true }) });
  return (await c.locator('.sub').textContent()).trim();
}

const toast = (page, text) => app.toast(page, text);

// The 系统提示 confirmation: checks what it names, then confirms.
async function confirmBox(page, mustName) {
  const box = page.getByRole('dialog', { name: '系统提示' });
  await box.waitFor();
  if (mustName) assert.ok((await box.textContent()).includes(mustName), `the confirmation does not name ${mustName}`);
  await box.getByRole('button', { name: '确定' }).click();
  await box.waitFor({ state: 'hidden' });
}

test('the manager\'s dashboard before: the figures the flow will change', async () => {
  manager = await app.newPage({ viewport: DESKTOP });
  await app.login(manager, u.manager);
  await app.open(manager, '/dashboard');
  before0 = {
    created: Number(await card(manager, '今日新建工单')),
    closed: Number(await card(manager, '今日完工')),
    satisfaction: await cardSub(manager, '回访满意度'),
  };
  assert.ok(Number.isInteger(before0.created) && Number.isInteger(before0.closed), JSON.stringify(before0));
});

test('the agent registers the fault on 工单受理 and the number is shown', async () => {
  const page = await app.newPage({ viewport: DESKTOP });
  await app.login(page, u.agent);
  // From the agent's home page, as the phone rings.
  await page.locator('main').getByRole('button', { name: '受理新工单' }).click();
  await page.waitForURL((url) => url.pathname === '/tickets/new');
  await page.locator('main').getByRole('heading', { name: '工单受理' }).waitFor();
  // The customer by phone number, as the caller gives it.
  const customer = page.getByRole('combobox', { name: '客户' });
  await customer.click();
  await customer.fill('88886666');
  await page.getByRole('option', { name: new RegExp(w.customer.name) }).click();
  // The customer's only unit is picked for us, with its warranty on the day of the call.
  await page.getByRole('status').getByText('保修期内', { exact: true }).waitFor();
  await page.getByRole('textbox', { name: '故障描述' }).fill(FAULT);
  await page.getByRole('button', { name: '提交工单' }).click();
  await toast(page, '受理成功');
  number = (await page.getByTestId('ticket-number').textContent()).trim();
  assert.match(number, /^SH-\d{8}-\d{4}$/);
  assert.equal(number.slice(3, 11), localDay().replaceAll('-', ''), 'the number carries the local day of the call');
  await page.getByText('请向客户读出工单号').waitFor();
  // The API agrees: the agent is the owner, the unit and warranty are on the ticket.
  const list = await app.api('GET', `/api/v1/tickets?q=${number}`, u.agent);
  assert.equal(list.items.length, 1);
  ticket = await app.api('GET', `/api/v1/tickets/${list.items[0].id}`, u.agent);
  assert.equal(ticket.status, 'new');
  assert.equal(ticket.owner_id, u.agent.id);
  assert.equal(ticket.equipment_id, w.unit.id);
  assert.equal(ticket.warranty_state, 'in_warranty');
  assert.equal(ticket.fault, FAULT);
  await app.close(page);
});

test('the dispatcher assigns the technician on the dispatch board', async () => {
  assert.ok(ticket, 'no ticket from the step before');
  const page = await app.newPage({ viewport: DESKTOP });
  await app.login(page, u.dispatcher);
  await app.open(page, '/dispatch');
  const item = page.locator('.item').filter({ has: page.getByRole('link', { name: number }) }).first();
  await item.getByText(FAULT).waitFor();
  await item.getByRole('button', { name: `派单 ${number}` }).click();
  await page.getByRole('menuitem', { name: new RegExp(u.technician.display) }).click();
  await confirmBox(page, number);
  await toast(page, '派单成功');
  const t = await app.api('GET', `/api/v1/tickets/${ticket.id}`, u.dispatcher);
  assert.equal(t.status, 'assigned');
  assert.equal(t.technician_id, u.technician.id);
  await app.close(page);
});

test('the technician, on a phone, signs in on site, records the work and finishes', async () => {
  assert.ok(ticket, 'no ticket from the step before');
  const page = await app.newPage({ viewport: PHONE, mobile: true });
  await app.login(page, u.technician);
  await app.open(page, '/my/tickets');
  const cardOf = () => page.getByRole('article', { name: number });
  await cardOf().getByText(FAULT).waitFor();
  // 签到: one confirmation naming the ticket.
  await cardOf().getByRole('button', { name: `签到 ${number}` }).click();
  await confirmBox(page, number);
  await toast(page, '签到成功');
  // 记录: the on-site record, full screen on the phone.
  await cardOf().getByRole('button', { name: `记录 ${number}` }).click();
  const dialog = page.getByRole('dialog', { name: `现场记录 · ${number}` });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: '故障诊断' }).fill('硬盘 2 号盘坏道，阵列降级');
  await dialog.getByRole('textbox', { name: '处理过程' }).fill('更换 2 号硬盘并重建阵列，恢复录像');
  await dialog.getByRole('textbox', { name: '安装后测试' }).fill('全部 16 路通道录像回放正常');
  await dialog.getByRole('button', { name: '现场记录 确定' }).click();
  await toast(page, '记录成功');
  await dialog.waitFor({ state: 'hidden' });
  // 完工: the fault is cleared.
  await cardOf().getByRole('button', { name: `完工 ${number}` }).click();
  await confirmBox(page, number);
  await toast(page, '完工成功');
  const t = await app.api('GET', `/api/v1/tickets/${ticket.id}`, u.technician);
  assert.equal(t.status, 'cleared');
  assert.ok(t.arrived_at && t.cleared_at);
  assert.equal(t.work_done, '更换 2 号硬盘并重建阵列，恢复录像');
  const onsite = t.deadlines.find((d) => d.stage === 'onsite');
  assert.ok(onsite.met_at && onsite.state === 'met', JSON.stringify(onsite)); // on site within 24 h
  await app.close(page);
});

test('the agent who owns the case closes it as repaired', async () => {
  assert.ok(ticket, 'no ticket from the step before');
  const page = await app.newPage({ viewport: DESKTOP });
  await app.login(page, u.agent);
  await app.open(page, `/tickets/${ticket.id}`);
  await page.getByRole('heading', { name: number }).waitFor();
  await page.getByRole('button', { name: '关闭工单', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `关闭工单 · ${number}` });
  await dialog.waitFor();
  await dialog.getByRole('combobox', { name: '处理结果' }).click();
  await page.getByRole('option', { name: '修复', exact: true }).click();
  await dialog.getByRole('button', { name: '关闭工单 确定' }).click();
  await confirmBox(page, number);
  await toast(page, '关闭成功');
  await page.locator('main').getByText('已关闭').first().waitFor();
  const t = await app.api('GET', `/api/v1/tickets/${ticket.id}`, u.agent);
  assert.equal(t.status, 'closed');
  assert.equal(t.outcome, 'repaired');
  await app.close(page);
});

test('the follow-up visit is on the desk\'s call list; the call and a satisfied report', async () => {
  assert.ok(ticket, 'no ticket from the step before');
  const visits = await app.api('GET', `/api/v1/visits?ticket_id=${ticket.id}`, u.engineering);
  assert.equal(visits.total, 1, 'closing the ticket made one follow-up visit');
  const visit = visits.items[0];
  assert.equal(visit.kind, 'followup');
  // "A week later": see the comment at the top.
  await app.api('POST', `/api/v1/visits/${visit.id}/move`, u.engineering, { planned_date: localDay(), reason: '浏览器测试：提前到今天', version: visit.version });

  const page = await app.newPage({ viewport: DESKTOP });
  await app.login(page, u.desk);
  await app.open(page, '/visits/calls');
  await page.locator('main').getByRole('link', { name: w.customer.name }).waitFor();
  await page.getByRole('button', { name: `记录通话：${w.customer.name}` }).click();
  const call = page.getByRole('dialog', { name: '记录通话' });
  await call.waitFor();
  await call.getByText('已接通', { exact: true }).click(); // the label: Element Plus hides the native radio
  assert.ok(await call.getByRole('radio', { name: '已接通' }).isChecked());
  await call.getByRole('spinbutton', { name: '通话时长（秒）' }).fill('95');
  await call.getByRole('textbox', { name: '通话备注' }).fill('客户确认录像已恢复');
  await call.getByRole('button', { name: '保存通话' }).click();
  await toast(page, '记录成功');
  // Reached: the report follows at once, by phone.
  const report = page.getByRole('dialog', { name: '回访报告' });
  await report.waitFor();
  await report.getByRole('textbox', { name: '回访情况' }).fill('硬盘更换后录像正常，客户已自行回放检查');
  await report.getByRole('textbox', { name: '客户意见' }).fill('维修及时，态度很好');
  await report.getByText('满意', { exact: true }).click();
  assert.ok(await report.getByRole('radio', { name: '满意', exact: true }).isChecked());
  await report.getByRole('button', { name: '提交报告' }).click();
  await toast(page, '回访成功');
  await report.waitFor({ state: 'hidden' });
  const v = await app.api('GET', `/api/v1/visits/${visit.id}`, u.desk);
  assert.equal(v.status, 'done');
  assert.equal(v.satisfied, true);
  assert.equal(v.method, 'phone');
  assert.equal(v.attempts, 1);
  reported = true;
  await app.close(page);
});

test('the manager\'s open dashboard refreshes itself to show the new ticket, its completion and the satisfied visit', async () => {
  assert.ok(manager && before0 && reported, 'the flow did not reach its end');
  // No reload: the page has been open all along and refreshes itself (server-sent events).
  const after = async () => ({
    created: Number(await card(manager, '今日新建工单')),
    closed: Number(await card(manager, '今日完工')),
    satisfaction: await cardSub(manager, '回访满意度'),
  });
  let now = await after();
  for (let i = 0; i < 40 && (now.created === before0.created || now.satisfaction === before0.satisfaction); i++) {
    await manager.waitForTimeout(250);
    now = await after();
  }
  assert.equal(now.created, before0.created + 1, `今日新建工单 ${before0.created} → ${now.created}`);
  assert.equal(now.closed, before0.closed + 1, `今日完工 ${before0.closed} → ${now.closed}`);
  assert.notEqual(now.satisfaction, before0.satisfaction, `回访满意度 stays ${now.satisfaction}`);
  assert.match(now.satisfaction, /1 \/ 1/);
  await app.close(manager);
});
