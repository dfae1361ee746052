// menus.test.js — GET /api/v1/auth/menus (src/api/menus.c): the web UI's menu tree and routes,
// filtered by the caller's role. The contract table is repeated here (name, path, component,
// action, hidden, group) and the expected answers for several roles are written out by hand
// from src/rules/roles.c; a last test holds every role's answer against the permissions
// /auth/me reports, so the table and the matrix cannot drift apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

// [group, name, path, component, action, hidden] — the contract's table, in its order.
const TABLE = [
  [null, 'home', '/index', 'home/index', 'self', false],
  [null, 'dashboard', '/dashboard', 'dashboard/index', 'kpi:read', false],
  ['service', 'ticket_intake', '/tickets/new', 'tickets/intake', 'ticket:create', false],
  ['service', 'tickets', '/tickets', 'tickets/index', 'ticket:read', false],
  ['service', 'dispatch', '/dispatch', 'dispatch/index', 'ticket:dispatch', false],
  ['service', 'my_tickets', '/my/tickets', 'tickets/mine', 'ticket:field', false],
  ['service', 'ticket_detail', '/tickets/:id', 'tickets/detail', 'ticket:read', true],
  ['visits', 'visit_calls', '/visits/calls', 'visits/calls', 'visit:write', false],
  ['visits', 'visits', '/visits', 'visits/index', 'visit:read', false],
  ['visits', 'visit_detail', '/visits/:id', 'visits/detail', 'visit:read', true],
  ['visits', 'surveys', '/surveys', 'surveys/index', 'visit:read', false],
  ['visits', 'survey_detail', '/surveys/:id', 'surveys/detail', 'visit:read', true],
  ['visits', 'quick_phrases', '/quick-phrases', 'visits/phrases', 'visit:read', false],
  ['visits', 'kpi_visits', '/kpi/visits', 'kpi/visits', 'kpi:read', false],
  ['complaints', 'complaints', '/complaints', 'complaints/index', 'complaint:read', false],
  ['complaints', 'complaint_detail', '/complaints/:id', 'complaints/detail', 'complaint:read', true],
  ['complaints', 'complaint_categories', '/complaint-categories', 'complaints/categories', 'setting:write', false],
  ['archive', 'customers', '/customers', 'customers/index', 'customer:read', false],
  ['archive', 'customer_detail', '/customers/:id', 'customers/detail', 'customer:read', true],
  ['archive', 'dealers', '/dealers', 'dealers/index', 'dealer:read', false],
  ['archive', 'dealer_detail', '/dealers/:id', 'dealers/detail', 'dealer:read', true],
  ['archive', 'suppliers', '/suppliers', 'suppliers/index', 'supplier:read', false],
  ['archive', 'supplier_detail', '/suppliers/:id', 'suppliers/detail', 'supplier:read', true],
  ['archive', 'projects', '/projects', 'projects/index', 'project:read', false],
  ['archive', 'project_detail', '/projects/:id', 'projects/detail', 'project:read', true],
  ['archive', 'equipment', '/equipment', 'equipment/index', 'project:read', false],
  ['archive', 'equipment_detail', '/equipment/:id', 'equipment/detail', 'project:read', true],
  ['archive', 'warranty_cards', '/warranty-cards', 'warranty/cards', 'project:read', false],
  ['system', 'users', '/system/users', 'system/users', 'user:read', false],
  ['system', 'settings', '/system/settings', 'system/settings', 'setting:read', false],
  ['system', 'calendar', '/system/calendar', 'system/calendar', 'calendar:write', false],
  ['system', 'imports', '/system/imports', 'system/imports', 'import', false],
  ['system', 'audit', '/system/audit', 'system/audit', 'audit:read', false],
  [null, 'notifications', '/notifications', 'notifications/index', 'self', true],
  [null, 'profile', '/profile', 'profile/index', 'self', true],
];
const GROUP_ICONS = { service: 'Tools', visits: 'PhoneFilled', complaints: 'ChatLineSquare', archive: 'Files', system: 'Setting' };

let srv;
const tokens = {};
const ROLES = ['agent', 'dispatcher', 'technician', 'engineering_manager', 'project_manager', 'qc', 'warehouse',
  'finance', 'department_head', 'vice_gm', 'gm', 'dealer', 'customer', 'admin'];

before(async () => {
  srv = await startServer();
  const admin = srv.user('admin');
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(c.status, 201, c.text);
  for (const role of ROLES)
    tokens[role] = role === 'admin' ? admin.token : srv.user(role, { customerId: role === 'customer' ? c.body.id : undefined }).token;
});
after(async () => { await srv.stop(); });

const menusOf = async (role) => {
  const r = await srv.req('GET', '/api/v1/auth/menus', { token: tokens[role] });
  assert.equal(r.status, 200, r.text);
  return r.body;
};
// The menu as a compact outline: top-level names, a group as "group[child,child]".
const outline = (menus) => menus.map((m) => (m.children ? `${m.name}[${m.children.map((c) => c.name).join(',')}]` : m.name));
const routeNames = (body) => body.routes.map((r) => r.name);

test('a technician gets its field work, not the dashboard, users or settings', async () => {
  // technician (roles.c): ticket:read, ticket:field, visit:read, visit:write, complaint:read,
  // customer/dealer/supplier/project:read, self; not ticket:create, ticket:dispatch, kpi:read,
  // setting:*, user:*, import, audit, calendar:write.
  const b = await menusOf('technician');
  assert.equal(b.home, '/index');
  assert.deepEqual(outline(b.menus), [
    'home',
    'service[tickets,my_tickets]',
    'visits[visit_calls,visits,surveys,quick_phrases]',
    'complaints[complaints]',
    'archive[customers,dealers,suppliers,projects,equipment,warranty_cards]',
  ]);
  assert.deepEqual(routeNames(b), ['home', 'tickets', 'my_tickets', 'ticket_detail', 'visit_calls', 'visits',
    'visit_detail', 'surveys', 'survey_detail', 'quick_phrases', 'complaints', 'complaint_detail', 'customers',
    'customer_detail', 'dealers', 'dealer_detail', 'suppliers', 'supplier_detail', 'projects', 'project_detail',
    'equipment', 'equipment_detail', 'warranty_cards', 'notifications', 'profile']);
  for (const n of ['users', 'settings', 'dashboard', 'dispatch', 'ticket_intake', 'kpi_visits'])
    assert.ok(!routeNames(b).includes(n), n);
  // The pages it may not open are named, so the UI answers 403 (not 404) for them: exactly
  // the table's rows missing above, in the table's order.
  assert.deepEqual(b.forbidden, ['/dashboard', '/tickets/new', '/dispatch', '/kpi/visits', '/complaint-categories',
    '/system/users', '/system/settings', '/system/calendar', '/system/imports', '/system/audit']);
  assert.equal(b.menus.find((m) => m.name === 'visits').title, 'menu.group_visits');
  assert.equal(b.menus.find((m) => m.name === 'visits').children.find((c) => c.name === 'visits').title, 'menu.visits');
});

test('an admin gets every route, with the system group', async () => {
  // admin is in every row of the matrix (MANAGERS or named alone).
  const b = await menusOf('admin');
  assert.deepEqual(routeNames(b), TABLE.map((t) => t[1]));
  assert.deepEqual(outline(b.menus), [
    'home', 'dashboard',
    'service[ticket_intake,tickets,dispatch,my_tickets]',
    'visits[visit_calls,visits,surveys,quick_phrases,kpi_visits]',
    'complaints[complaints,complaint_categories]',
    'archive[customers,dealers,suppliers,projects,equipment,warranty_cards]',
    'system[users,settings,calendar,imports,audit]',
  ]);
  const system = b.menus.find((m) => m.name === 'system');
  assert.deepEqual(system, {
    name: 'system', title: 'menu.group_system', icon: 'Setting', children: [
      { name: 'users', title: 'menu.users', icon: system.children[0].icon, path: '/system/users' },
      ...system.children.slice(1),
    ],
  });
  assert.ok(!('path' in system) && !('component' in system), 'groups have no path or component');
});

test('a dealer gets only what customer/dealer/project:read and ticket:read/create allow', async () => {
  // dealer: customer:read, dealer:read, project:read, ticket:read, ticket:create, self; no
  // supplier:read, visit:*, complaint:*, kpi:read — so no visits or complaints group.
  const b = await menusOf('dealer');
  assert.deepEqual(outline(b.menus), [
    'home',
    'service[ticket_intake,tickets]',
    'archive[customers,dealers,projects,equipment,warranty_cards]',
  ]);
  assert.deepEqual(routeNames(b), ['home', 'ticket_intake', 'tickets', 'ticket_detail', 'customers', 'customer_detail',
    'dealers', 'dealer_detail', 'projects', 'project_detail', 'equipment', 'equipment_detail', 'warranty_cards',
    'notifications', 'profile']);
});

test('a customer has no dealers; finance and an engineering manager get parts of groups', async () => {
  // customer: as the dealer, without dealer:read.
  assert.deepEqual(outline((await menusOf('customer')).menus), [
    'home', 'service[ticket_intake,tickets]', 'archive[customers,projects,equipment,warranty_cards]',
  ]);
  // finance: staff reads; no visit:write (calls), no kpi:read, no setting:read.
  assert.deepEqual(outline((await menusOf('finance')).menus), [
    'home', 'service[tickets]', 'visits[visits,surveys,quick_phrases]', 'complaints[complaints]',
    'archive[customers,dealers,suppliers,projects,equipment,warranty_cards]',
  ]);
  // engineering manager: kpi:read, setting:read and import, but not user:read, calendar:write,
  // audit:read, setting:write (the complaint categories).
  assert.deepEqual(outline((await menusOf('engineering_manager')).menus), [
    'home', 'dashboard', 'service[ticket_intake,tickets,dispatch,my_tickets]',
    'visits[visit_calls,visits,surveys,quick_phrases,kpi_visits]', 'complaints[complaints]',
    'archive[customers,dealers,suppliers,projects,equipment,warranty_cards]', 'system[settings,imports]',
  ]);
});

test('hidden routes are only routes; items carry title keys, icons and paths', async () => {
  const b = await menusOf('admin');
  const items = b.menus.flatMap((m) => (m.children ? m.children : [m]));
  const hidden = TABLE.filter((t) => t[5]).map((t) => t[1]);
  for (const it of items) {
    assert.ok(!hidden.includes(it.name), `${it.name} is hidden`);
    assert.equal(it.title, `menu.${it.name}`);
    assert.match(it.icon, /^[A-Z][A-Za-z]+$/);
    assert.equal(it.path, TABLE.find((t) => t[1] === it.name)[2]);
  }
  assert.deepEqual(b.menus[0], { name: 'home', title: 'menu.home', icon: 'HomeFilled', path: '/index' });
  assert.deepEqual(b.menus.find((m) => m.name === 'service').children[0],
    { name: 'ticket_intake', title: 'menu.ticket_intake', icon: 'Phone', path: '/tickets/new' });
  for (const g of b.menus.filter((m) => m.children))
    assert.equal(g.icon, GROUP_ICONS[g.name]);
  for (const [i, r] of b.routes.entries()) {
    const [, name, path, component, , hidden2] = TABLE[i];
    assert.deepEqual(r, { name, path, component, title: `menu.${name}`, hidden: hidden2 });
  }
});

test('for every role, the routes are exactly the rows whose action /auth/me permits', async () => {
  for (const role of ROLES) {
    const me = await srv.req('GET', '/api/v1/auth/me', { token: tokens[role] });
    const perms = new Set(me.body.user.permissions);
    const b = await menusOf(role);
    const rows = TABLE.filter((t) => perms.has(t[4]));
    assert.deepEqual(routeNames(b), rows.map((t) => t[1]), role);
    // The menu: visible rows in order, grouped; a group only with a permitted visible child.
    const expect = [];
    for (const [group, name, , , , hidden] of rows) {
      if (hidden) continue;
      if (!group) { expect.push(name); continue; }
      const last = expect[expect.length - 1];
      if (Array.isArray(last) && last[0] === group) last[1].push(name);
      else expect.push([group, [name]]);
    }
    assert.deepEqual(outline(b.menus), expect.map((e) => (Array.isArray(e) ? `${e[0]}[${e[1].join(',')}]` : e)), role);
  }
});

test('the menus take no query parameters and need credentials', async () => {
  assert.equal((await srv.req('GET', '/api/v1/auth/menus?x=1', { token: tokens.agent })).status, 400);
  assert.equal((await srv.req('GET', '/api/v1/auth/menus')).status, 401);
});
