// world.js — the people and things a browser test works with, made on a fresh database before
// the browser starts: one user per role with a known password (the CLI, password on stdin,
// as an administrator would), each with its regions; a Hangzhou customer with an accepted
// project and a unit in warranty (the fault the flow follows); a Jiangsu customer with an open
// ticket (outside the technician's region); a dealer with one customer of its own and one not.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { customerBody } from '../../api/lib/harness.js';

const run = promisify(execFile);
const bin = process.env.SHOUHOU_BIN || new URL('../../../build/shouhou', import.meta.url).pathname;

export const PASSWORD = 'Shouhou-2026!';

// Local dates in the company's zone (+08:00), as the server counts them.
export const localDay = (ms = Date.now()) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);

// `shouhou user add` with the password on stdin, then an API token for the test's own calls.
// Asynchronous: hashing a password takes most of a second, so the users are made in parallel.
async function addUser(srv, username, role, display, { regions = ['000000'], dealerId } = {}) {
  const args = ['--log-level', 'warning', '--db', srv.db.url, 'user', 'add', '--username', username, '--role', role,
    '--name', display, '--regions', regions.join(',')];
  if (dealerId) args.push('--dealer-id', String(dealerId));
  const env = { ...process.env, ...srv.env };
  const child = run(bin, args, { env, encoding: 'utf8' });
  child.child.stdin.end(`${PASSWORD}\n`);
  const { stdout } = await child;
  const id = Number(stdout.match(/with id (\d+)/)[1]);
  const token = (await run(bin, ['--log-level', 'warning', '--db', srv.db.url, 'token', 'create', '--user', username], { env })).stdout.trim();
  return { id, username, password: PASSWORD, display, role, token };
}

async function call(srv, user, method, path, body, status) {
  const r = await srv.req(method, path, { token: user.token, body });
  if (r.status !== (status || (method === 'POST' ? 201 : 200))) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
  return r.body;
}

export async function makeWorld(srv) {
  const staff = {
    admin: ['admin1', 'admin', '系统管理员'],
    agent: ['kefu1', 'agent', '王芳', { regions: ['330000'] }],                 // 客服: takes the call
    desk: ['huifang1', 'agent', '刘婷', { regions: ['330000'] }],               // 回访组: the follow-up call
    dispatcher: ['diaodu1', 'dispatcher', '陈强', { regions: ['330000'] }],
    technician: ['jishu1', 'technician', '张伟', { regions: ['330100'] }],       // Hangzhou
    engineering: ['gongcheng1', 'engineering_manager', '赵磊', { regions: ['330000'] }],
    pm: ['xiangmu1', 'project_manager', '孙浩', { regions: ['330100'] }],
    manager: ['jingli1', 'department_head', '周敏'],                            // sees the dashboard
  };
  const u = Object.fromEntries(await Promise.all(Object.entries(staff).map(async ([key, a]) => [key, await addUser(srv, ...a)])));

  const w = { users: u };
  // The customer of the flow: Hangzhou (330106), a project accepted 40 days ago, one unit.
  w.customer = await call(srv, u.admin, 'POST', '/api/v1/customers', customerBody());
  const accepted = localDay(Date.now() - 40 * 86400e3);
  const completed = localDay(Date.now() - 45 * 86400e3);
  w.project = await call(srv, u.admin, 'POST', '/api/v1/projects', {
    customer_id: w.customer.id, name: '华信大厦监控工程', site_region_code: '330106', site_address: '文三路90号',
    project_manager_id: u.pm.id, completion_date: completed, acceptance_date: accepted });
  w.unit = await call(srv, u.admin, 'POST', '/api/v1/equipment', {
    project_id: w.project.id, serial_no: 'NVR-0001', model: 'DS-7816N', name: '网络硬盘录像机' });

  // Jiangsu (320102): a customer and an open ticket no Hangzhou technician may see.
  w.farCustomer = await call(srv, u.admin, 'POST', '/api/v1/customers', customerBody({
    name: '南京金陵电子有限公司', region_code: '320102', address: '中山路1号', phone: '025-83336666',
    contacts: [{ name: '吴刚', phone: '13900002222', title: '主管', is_primary: true }],
    addresses: [{ label: '总部', region_code: '320102', detail: '中山路1号', is_default: true }] }));
  w.farTicket = await call(srv, u.admin, 'POST', '/api/v1/tickets', {
    customer_id: w.farCustomer.id, channel: 'hotline', fault: '南京门禁系统无法开门' });

  // A dealer with one customer of its own; the flow's customer is not the dealer's.
  w.dealer = await call(srv, u.admin, 'POST', '/api/v1/dealers', { name: '西湖安防经销商', region_code: '330106' });
  w.dealerCustomer = await call(srv, u.admin, 'POST', '/api/v1/customers', customerBody({
    name: '西湖区文化中心', dealer_id: w.dealer.id, phone: '0571-87776666', address: '西湖文化广场1号',
    addresses: [{ label: '大楼', region_code: '330106', detail: '西湖文化广场1号', is_default: true }],
    contacts: [{ name: '郑洁', phone: '13700003333', title: '行政', is_primary: true }] }));
  u.dealer = await addUser(srv, 'jxs1', 'dealer', '西湖安防', { dealerId: w.dealer.id });
  return w;
}
