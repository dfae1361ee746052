// isolation.test.js — region, dealer and customer isolation proven by guessing ids (issue 7 part
// 6; SPEC L; DESIGN.md "API conventions": 404 for a record that is missing **or outside the
// caller's regions** — never reveal existence; "Regions": a dealer user sees the customers and
// units linked to their dealer, nothing else). Records of every kind that has an `{id}` route are
// made in Zhejiang (330106); then an administrator granted only Beijing (110000), a dealer user of
// another dealership and a customer-portal user of another customer call EVERY route with a path
// parameter — read, change, delete, actions — with those ids and their neighbours (id-1, id+1,
// id+1000): each answer must be exactly the answer for an id that exists nowhere (404 not_found
// where the caller may use the route at all), and nothing may be written. The routes come from
// the binary (`shouhou routes`); a route with a parameter this file does not know fails the test,
// naming it, so its author has to say here whether it is regional. The request bodies are the
// role matrix's (data/matrix*.json), which reach the record lookup. Lists, searches and exports
// never return another region's rows either. /* EVIDENCE: SPEC L */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startServer } from './lib/harness.js';
import { tableNames, writeFingerprint } from './lib/sql.js';
import { makeRecords } from './lib/records.js';

// Each resource (the path segment after /api/v1/) that has a route with a path parameter, and
// how the product scopes it. regional: by the caller's region grants, a dealer user's dealership
// and a customer user's customer (the ids to guess are records.ids[id], and [aid] for a second
// parameter); own: the caller's own rows only; company: every region sees them by design (the
// reason is given); public: no caller at all.
const RESOURCES = {
  customers: { scope: 'regional', id: 'customer' },
  dealers: { scope: 'regional', id: 'dealer' },
  projects: { scope: 'regional', id: 'project' },
  equipment: { scope: 'regional', id: 'equipment' },
  tickets: { scope: 'regional', id: 'ticket' },
  attachments: { scope: 'regional', id: 'attachment' },
  visits: { scope: 'regional', id: 'visit' },
  complaints: { scope: 'regional', id: 'complaint', aid: 'assignment' },
  notifications: { scope: 'own' },
  suppliers: { scope: 'company', why: 'src/domain/supplier.h: one supplier serves the whole company' },
  'quick-phrases': { scope: 'company', why: 'src/domain/phrase.h: phrases are company-wide' },
  surveys: { scope: 'company', why: 'src/domain/survey.h: a campaign is company-wide; its targets are scoped (the list sweep checks them)' },
  users: { scope: 'company', why: "the administrator's (user:read, user:write); grants are what they edit" },
  settings: { scope: 'company', why: 'one rulebook per installation' },
  'complaint-categories': { scope: 'company', why: 'one category tree per installation' },
  calendar: { scope: 'company', why: 'one work calendar per installation' },
  ical: { scope: 'public', why: 'a secret URL (tests/api/ical.test.js)' },
  '{path}': { scope: 'public', why: 'the web files' },
};
const resourceOf = (route) => (route.path.startsWith('/api/v1/') ? route.path.split('/')[3] : route.path.split('/')[1]);

// The list routes whose rows are company-wide by design, left out of the list sweep (with why).
const COMPANY_LISTS = {
  '/api/v1/audit': "the administrator's audit trail covers the whole installation (audit:read)",
};

const matrix = { routes: {} };
for (const f of readdirSync(new URL('./data/', import.meta.url)).filter((n) => /^matrix(_.+)?\.json$/.test(n)))
  Object.assign(matrix.routes, JSON.parse(readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8')).routes);
// Bodies for routes whose matrix row does not reach the record lookup (it tests the role only).
const BODIES = {
  'POST /api/v1/dealers/{id}/records': { kind: 'training', held_on: '2026-11-20', topic: '维修培训' },
};

const MISSING = 9_000_000; // an id no record has

let srv, routes, adminA, adminB, qc, records1, records2, dealerUser, customerUser, tables;

before(async () => {
  srv = await startServer();
  routes = JSON.parse(srv.cli(['routes']));
  adminA = srv.user('admin', { regions: ['330000'] }); // Zhejiang
  adminB = srv.user('admin', { regions: ['110000'] }); // Beijing: the same role, another region
  qc = srv.user('qc', { regions: ['330000'] }); // the complaints' notices go to them
  // Two of everything in Zhejiang (so a guessed neighbour is often a real record), each
  // customer linked to its own dealership.
  records1 = await makeRecords(srv, adminA.token, { region: '330106', tag: '甲一', responsible: qc });
  records2 = await makeRecords(srv, adminA.token, { region: '330106', tag: '甲二', responsible: qc });
  // A dealer user of the second dealership, a customer user of the second customer: the first
  // set is someone else's to both.
  dealerUser = srv.user('dealer');
  const got = await srv.req('GET', `/api/v1/users/${dealerUser.id}`, { token: adminA.token });
  const bound = await srv.req('PATCH', `/api/v1/users/${dealerUser.id}`, { token: adminA.token, body: { dealer_id: records2.ids.dealer, version: got.body.version } });
  assert.equal(bound.status, 200, bound.text);
  customerUser = srv.user('customer', { customerId: records2.ids.customer });
  tables = tableNames(srv);
});
after(async () => { await srv.stop(); });

// The newest audit row and every table's row count (lib/sql.js): a refused request writes none of it.
const fingerprint = () => writeFingerprint(srv, tables);

const withParams = () => routes.filter((r) => r.path.includes('{'));
const regional = () => withParams().filter((r) => RESOURCES[resourceOf(r)]?.scope === 'regional');

// The request a route gets: the matrix row's query string, body and type, at `path`.
function request(route, id, aid) {
  const key = `${route.method} ${route.path}`;
  const row = matrix.routes[key];
  assert.ok(row, `${key} has a matrix row`);
  const query = (row.request.path || '').includes('?') ? row.request.path.slice(row.request.path.indexOf('?')) : '';
  const path = route.path.replace('{id}', String(id)).replace('{aid}', String(aid)) + query;
  const headers = row.request.type ? { 'Content-Type': row.request.type } : {};
  return { path, body: BODIES[key] ?? row.request.body, headers };
}

async function call(user, route, id, aid) {
  const q = request(route, id, aid);
  const r = await srv.req(route.method, q.path, { token: user.token, body: q.body, headers: q.headers });
  return { status: r.status, code: r.body?.error?.code ?? null, field: r.body?.error?.field ?? null };
}

// The ids to guess for a route: the first set's records and their neighbours. For a route with
// a second parameter ({aid}), the pairs of a real parent with its real child and with guesses.
function guesses(route, set) {
  const res = RESOURCES[resourceOf(route)];
  const id = set.ids[res.id];
  const ids = [...new Set([id, id - 1, id + 1, id + 1000])].filter((n) => n >= 1);
  if (!route.path.includes('{aid}')) return ids.map((i) => [i, undefined]);
  const aid = set.ids[res.aid];
  return [[id, aid], [id, aid + 1], [id + 1, aid], [id - 1 >= 1 ? id - 1 : id, aid + 1000]];
}

// Sweeps every regional route for `user`: each guess must be answered exactly as an id that
// exists nowhere, and nothing is written. Returns how many answers were 404.
async function sweep(user, visible) {
  const before = fingerprint();
  const leaks = [];
  let notFound = 0;
  for (const route of regional()) {
    const missing = await call(user, route, MISSING, MISSING);
    for (const [id, aid] of guesses(route, records1)) {
      // A record the caller may see (the second set, for the dealer and customer users) is
      // skipped: its answer rightly differs.
      if (visible(route, id)) continue;
      const got = await call(user, route, id, aid);
      if (got.status !== missing.status || got.code !== missing.code || got.field !== missing.field)
        leaks.push(`${route.method} ${route.path} id=${id}${aid ? ` aid=${aid}` : ''}: ${JSON.stringify(got)}, a missing id: ${JSON.stringify(missing)}`);
      if (got.status === 404) notFound++;
    }
    if (missing.status !== 403 && missing.status !== 404)
      leaks.push(`${route.method} ${route.path}: a missing id answers ${JSON.stringify(missing)}, not 404 (give the route a body in BODIES that reaches the lookup)`);
  }
  assert.deepEqual(leaks, [], 'answers that tell a record outside the caller\'s scope from a missing one');
  assert.deepEqual(fingerprint(), before, 'a request outside the caller\'s scope wrote something');
  return notFound;
}

// Whether a guessed id is the second set's record of the route's own kind (the dealer and
// customer users may see those).
const ownSecond = (route, id) => records2.ids[RESOURCES[resourceOf(route)].id] === id;

test('every route with a path parameter is classified here, and the regional ones have a matrix row', () => {
  const unknown = withParams().filter((r) => !RESOURCES[resourceOf(r)]).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(unknown, [], 'routes with a path parameter isolation.test.js does not know: add their resource to RESOURCES');
  const params = regional().flatMap((r) => [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])).filter((p) => p !== 'id' && p !== 'aid');
  assert.deepEqual(params, [], 'regional routes with a parameter other than {id} and {aid}');
  assert.ok(regional().length >= 50, `${regional().length} regional routes`); // 57 when this was written
});

test('the ids are real: the Zhejiang administrator finds every record through every regional GET route', async () => {
  const refused = [];
  for (const route of regional().filter((r) => r.method === 'GET')) {
    for (const set of [records1, records2]) {
      const [[id, aid]] = guesses(route, set);
      const got = await call(adminA, route, id, aid);
      // 200, or a state the record is in (a warranty card not issued yet is a 409): never a 404.
      if (got.status === 404 || got.status >= 500) refused.push(`${route.path} id=${id}: ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(refused, []);
});

test('an administrator granted only Beijing gets 404 not_found for every Zhejiang id and its neighbours, on every route, and writes nothing', async () => {
  const notFound = await sweep(adminB, () => false);
  // Every guess of every regional route was a 404 (the administrator may use all of them).
  const expected = regional().reduce((n, r) => n + guesses(r, records1).length, 0);
  assert.equal(notFound, expected);
  // What the Beijing administrator makes in Beijing they do see: the 404s are the scope's.
  const own = await srv.req('POST', '/api/v1/customers', { token: adminB.token, body: { name: '北京东城客户', kind: 'company', region_code: '110101', phone: '010-66668888', customer_group: 'enterprise', product_types: ['surveillance'], key_customer: false } });
  assert.equal(own.status, 201, own.text);
  assert.equal((await srv.req('GET', `/api/v1/customers/${own.body.id}`, { token: adminB.token })).status, 200);
});

test("a dealer user gets the answer of a missing id for another dealership's records, and sees its own", async () => {
  await sweep(dealerUser, ownSecond);
  for (const [path, id] of [['customers', records2.ids.customer], ['equipment', records2.ids.equipment], ['tickets', records2.ids.ticket], ['dealers', records2.ids.dealer]]) {
    const r = await srv.req('GET', `/api/v1/${path}/${id}`, { token: dealerUser.token });
    assert.equal(r.status, 200, `its own ${path}/${id}: ${r.text}`);
  }
  for (const [path, id] of [['customers', records1.ids.customer], ['equipment', records1.ids.equipment], ['tickets', records1.ids.ticket], ['dealers', records1.ids.dealer], ['projects', records1.ids.project]]) {
    const r = await srv.req('GET', `/api/v1/${path}/${id}`, { token: dealerUser.token });
    assert.equal(r.status, 404, `another dealership's ${path}/${id}: ${r.text}`);
    assert.equal(r.body.error.code, 'not_found');
  }
});

test("a customer-portal user gets the answer of a missing id for another customer's records, and sees its own", async () => {
  await sweep(customerUser, (route, id) => ownSecond(route, id) && resourceOf(route) !== 'dealers');
  for (const [path, id] of [['customers', records2.ids.customer], ['projects', records2.ids.project], ['equipment', records2.ids.equipment], ['tickets', records2.ids.ticket]]) {
    const r = await srv.req('GET', `/api/v1/${path}/${id}`, { token: customerUser.token });
    assert.equal(r.status, 200, `its own ${path}/${id}: ${r.text}`);
  }
  for (const [path, id] of [['customers', records1.ids.customer], ['projects', records1.ids.project], ['equipment', records1.ids.equipment], ['tickets', records1.ids.ticket]]) {
    const r = await srv.req('GET', `/api/v1/${path}/${id}`, { token: customerUser.token });
    assert.equal(r.status, 404, `another customer's ${path}/${id}: ${r.text}`);
  }
});

test("another user's notification is a 404 like a missing one, and marking it read changes nothing", async () => {
  const theirs = (await srv.req('GET', '/api/v1/notifications?page_size=100', { token: qc.token })).body.items;
  assert.ok(theirs.length > 0, 'the complaint notices told the qc user');
  const id = theirs[0].id;
  const before = fingerprint();
  for (const who of [adminB, adminA, dealerUser, customerUser]) {
    const r = await srv.req('POST', `/api/v1/notifications/${id}/read`, { token: who.token });
    const missing = await srv.req('POST', `/api/v1/notifications/${MISSING}/read`, { token: who.token });
    assert.equal(r.status, 404, r.text);
    assert.deepEqual(r.body, missing.body);
  }
  assert.deepEqual(fingerprint(), before);
  // Its owner may (so the 404s above were not for a wrong id).
  const own = await srv.req('POST', `/api/v1/notifications/${id}/read`, { token: qc.token });
  assert.ok(own.status === 200 || own.status === 204, own.text);
});

// Every list route (a GET without a path parameter), plain, searched for the other side's tag,
// and as CSV where it exports: the body must not name a record the caller may not see.
async function listLeaks(user, hidden) {
  const leaks = [];
  const lists = routes.filter((r) => r.method === 'GET' && !r.path.includes('{') && r.path.startsWith('/api/v1/') && r.path !== '/api/v1/events' && !(r.path in COMPANY_LISTS));
  assert.ok(lists.length >= 35, `${lists.length} list routes`);
  for (const route of lists) {
    const variants = [`?q=${encodeURIComponent(hidden)}`, '?page_size=100'];
    if (route.path.endsWith('/export')) variants.push('?format=csv', `?format=csv&q=${encodeURIComponent(hidden)}`);
    for (const v of variants) {
      const r = await srv.req('GET', route.path + v, { token: user.token });
      if (r.text.includes(hidden)) leaks.push(`${route.path}${v}: ${r.status} names ${hidden}`);
    }
  }
  return leaks;
}

test('lists, searches and exports never show another region, dealership or customer', async () => {
  // The Zhejiang administrator does find the tags (the check can see a leak) ...
  const seen = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent('甲一')}`, { token: adminA.token });
  assert.equal(seen.body.total, 1);
  const csv = await srv.req('GET', '/api/v1/tickets/export?format=csv', { token: adminA.token });
  assert.ok(csv.text.includes('甲一'), 'the Zhejiang export names the ticket');
  // ... and the others do not.
  assert.deepEqual(await listLeaks(adminB, '甲一'), [], 'the Beijing administrator');
  assert.deepEqual(await listLeaks(adminB, '甲二'), [], 'the Beijing administrator');
  assert.deepEqual(await listLeaks(dealerUser, '甲一'), [], 'the dealer user of the other dealership');
  assert.deepEqual(await listLeaks(customerUser, '甲一'), [], 'the customer user of the other customer');
});
