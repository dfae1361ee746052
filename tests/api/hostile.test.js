// hostile.test.js — hostile content in every free-text field and every search (issue 7, part 7;
// SPEC L). The payloads are the lists in tests/data/payloads/ (wfuzz XSS.txt, SQL.txt and
// All_attack.txt, the Big List of Naughty Strings, and our own shouhou.txt; README.md there
// names sources and licences), about a thousand strings. bad_input.test.js already proves the
// customer body's malformed JSON, wrong types and a handful of injections; this file is the
// breadth: every resource that takes text.
//
// The rule for a field: a payload is either stored and returned byte for byte, or refused
// with a 4xx naming the field — never a 500, never changed silently. Which one is worked out
// from the field's table (src/api/*.c and src/domain/*.c jfield tables, docs/openapi.yaml):
// a control character other than tab, CR, LF is refused everywhere (\u0000 as 400, the
// others 422 invalid_character), tab/CR/LF are refused in one-line fields, more characters
// than the maximum is 422 field_length; anything else must come back exactly. Fields with a
// format of their own (phones checked by check_phone, e-mails by check_email, codes) may
// refuse more, but whatever they keep must come back exactly too.
//
// Volume (this file runs four times in CI — SQLite and PostgreSQL, normal and ASan — so it
// must stay near 20 s a run; SQLite writes are cheap, each PostgreSQL commit is not, so the
// count of writes is what is kept small):
//  - ALL payloads (997 after removing duplicates) go into one long multi-line field of
//    each resource — customers.note, dealer records' findings, supplier audits' findings,
//    tickets.fault, complaints.facts, visit reports' findings, surveys.note — packed one
//    payload a line into as few bodies as the field's maximum allows. projects.note,
//    equipment.note and quick phrases' text (alike: 500 characters) take a third of the
//    list each, so together they take all of it (SHOUHOU_HOSTILE_FULL=1: each all of it).
//    Each line is the payload followed by a unique tag (zq…), so a search for
//    "payload+tag" has exactly one right answer.
//  - Every other free-text field gets SAMPLE (14 payloads: seven aimed at this stack from
//    shouhou.txt, then an even spread of the whole list), packed the same way (a space
//    between payloads in one-line fields), each body filling every field of its request at
//    once. Then, field by field and alone, what the field must refuse: two control
//    characters in turn (of \u0000 \u0001 ESC DEL BS US), a CR LF / tab / LF, and one
//    character too many; the refusal must name the field and write nothing (the next body
//    reuses the refused one's record and version). Fields with a format (phones, e-mails)
//    also get SAMPLE alone.
//  - Searches: the customer search (q) takes 300 of the packed lines, spread over the whole
//    list; tickets 100, projects and complaints 50, dealers, suppliers and equipment (with
//    the serial_no filter) SAMPLE — each must find exactly the one record
//    (SHOUHOU_HOSTILE_FULL=1: every line). Every other query parameter of every GET in
//    docs/openapi.yaml, and cursor/page/page_size of every sorted list, takes FILTER_SAMPLE
//    (8 payloads) and two control characters: 200, or 400/422 naming the parameter.
//  - Afterwards: every list counts exactly the records this file created, the database has
//    the same tables as before, and the server is healthy.
// SHOUHOU_HOSTILE_TRACE=1 prints how long each part took and the number of requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, customerBody } from './lib/harness.js';
import { sql } from './lib/sql.js';

// ---- payloads ------------------------------------------------------------------------------

const dir = new URL('../data/payloads/', import.meta.url);
const lines = (name) => readFileSync(new URL(name, dir), 'utf8').split('\n').filter((l) => l !== '');
const OURS = lines('shouhou.txt');
const PAYLOADS = [...new Set([...lines('xss.txt'), ...lines('sqli.txt'), ...OURS,
  ...JSON.parse(readFileSync(new URL('blns.json', dir), 'utf8'))])].filter((p) => p !== '');
const spread = (list, n) => Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]);
const SAMPLE = [...new Set([...['<img src=x onerror="window.__xss=1">', "{{constructor.constructor('window.__xss=1')()}}",
  '=HYPERLINK("http://example.com","点我")', "'; DROP TABLE customers; --", "'||(SELECT pg_sleep(5))||'", '%_', '‮عكس‬']
  .map((p) => { assert.ok(OURS.includes(p), p); return p; }), ...spread(PAYLOADS, 7)])];
const FILTER_SAMPLE = [...new Set([...spread(OURS, 4), ...spread(PAYLOADS, 4)])];
// What a line-based file cannot hold: control characters, added here. Each field gets two of
// them in turn (and, if it is one line, a line break or tab), so every one meets many fields.
const CONTROL = ['a\u0000b', 'a\u0001b', '\u001b[31m红色\u001b[0m', 'a\u007fb', 'x\u0008y', 'x\u001fy'];
const BREAKS = ['x\r\nSet-Cookie: a=b', 'x\ty', 'x\ny'];
let turn = 0;
function odd(f) {
  const out = [CONTROL[turn % CONTROL.length], CONTROL[(turn + 1) % CONTROL.length], BREAKS[turn % BREAKS.length], '<'.repeat(f.max + 1)];
  turn++;
  return out;
}

// A unique tag of lower-case letters (search folds case; letters fold to themselves).
let tagCount = 0;
function tag() {
  let n = tagCount++;
  let s = '';
  for (let i = 0; i < 5; i++) { s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26); }
  return `zq${s}`;
}

const chars = (s) => [...s].length;

// SHOUHOU_HOSTILE_FULL=1: every payload through every search too (a long run, not in CI).
// SHOUHOU_HOSTILE_TRACE=1: how long each part took, on stderr.
const FULL = process.env.SHOUHOU_HOSTILE_FULL === '1';
const trace = process.env.SHOUHOU_HOSTILE_TRACE ? (...a) => console.error(...a) : () => {};

// Serial numbers and models are stored folded, as documented (docs/openapi.yaml, Equipment):
// full-width forms to half-width, the ideographic space to a space, surrounding spaces
// removed, case kept. Every other text field keeps exactly what it was given.
const codeFold = (s) => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
  .replace(/\u3000/g, ' ').replace(/^ +| +$/g, '');
const expected = (f, v) => (f.code ? codeFold(v) : v);

// What the field must do with value: 'keep' it exactly or 'refuse' it naming the field.
function verdict(value, f) {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return 'refuse';
  if (!f.ml && /[\t\n\r]/.test(value)) return 'refuse';
  if (chars(value) > f.max) return 'refuse';
  if (f.code && !codeFold(value)) return 'refuse';
  return 'keep';
}

// Payloads packed one a line (each with its tag) into values of at most max characters.
function pack(list, max) {
  const out = [];
  let cur = [];
  let len = 0;
  for (const p of list) {
    const line = p + tag();
    const n = chars(line);
    if (n > max || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(p)) continue; // alone, below
    if (cur.length && len + 1 + n > max) { out.push(cur); cur = []; len = 0; }
    len += (cur.length ? 1 : 0) + n;
    cur.push(line);
  }
  if (cur.length) out.push(cur);
  return out; // arrays of lines; the value is lines.join('\n')
}

// ---- paths in bodies and answers ----------------------------------------------------------

function parts(path) { return path.replace(/\[(\d+)\]/g, '.$1').split('.'); }
function getPath(o, path) { return parts(path).reduce((x, k) => (x == null ? undefined : x[k]), o); }
function setPath(o, path, v) {
  const ks = parts(path);
  let x = o;
  for (const k of ks.slice(0, -1)) x = x[k];
  x[ks.at(-1)] = v;
}
// Every string anywhere in a JSON value.
function strings(o, out = new Set()) {
  if (typeof o === 'string') out.add(o);
  else if (o && typeof o === 'object') for (const v of Object.values(o)) strings(v, out);
  return out;
}

// ---- the server ----------------------------------------------------------------------------

let srv, admin, agent, dispatcher, tech, head, qc, em, pm;
let base = {};            // records the targets hang off
const created = {};       // list name → how many records this file made
const made = (list, n = 1) => { created[list] = (created[list] || 0) + n; };
let tablesBefore;

const iso = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

async function must(r, status, what) {
  r = await r;
  assert.equal(r.status, status, `${what}: ${r.text.slice(0, 400)}`);
  return r.body;
}
let requests = 0;
let writes = 0;
const call = (user, method, path, body) => {
  if (method !== 'GET') writes++;
  return srv.req(method, path, { token: user.token, body });
};

function tables() {
  const q = srv.db.url.startsWith('sqlite:')
    ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name";
  return sql(srv, q).map((r) => r[0]);
}

// Runs fns with at most n at a time (the server has handler threads to spare; SQLite's
// writer commits them in groups).
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

before(async () => {
  srv = await startServer();
  const req = srv.req.bind(srv);
  srv.req = (...args) => { requests++; return req(...args); };
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'] });
  dispatcher = srv.user('dispatcher', { regions: ['330000'] });
  tech = srv.user('technician', { regions: ['330000'] });
  head = srv.user('department_head', { regions: ['330000'] });
  qc = srv.user('qc', { regions: ['000000'] });
  em = srv.user('engineering_manager', { regions: ['330000'] });
  pm = srv.user('project_manager', { regions: ['330000'] });
  base.customer = await must(call(admin, 'POST', '/api/v1/customers', customerBody()), 201, 'customer');
  made('customers');
  base.dealer = await must(call(admin, 'POST', '/api/v1/dealers', { name: '西湖安防经销商', region_code: '330106' }), 201, 'dealer');
  made('dealers');
  base.supplier = await must(call(admin, 'POST', '/api/v1/suppliers', { name: '海康威视' }), 201, 'supplier');
  made('suppliers');
  base.project = await must(call(admin, 'POST', '/api/v1/projects', {
    customer_id: base.customer.id, name: '华信大厦监控工程', site_region_code: '330106', project_manager_id: pm.id,
    completion_date: day(-60), acceptance_date: day(-50) }), 201, 'project');
  made('projects');
  base.unit = await must(call(admin, 'POST', '/api/v1/equipment', { project_id: base.project.id, serial_no: 'NVR-0001', model: 'DS-7816N' }), 201, 'unit');
  made('equipment');
  tablesBefore = tables();
});
after(async () => { await srv?.stop(); });

// ---- the engine ----------------------------------------------------------------------------

// A target is one request that takes text: fields [{path, max, ml, format}], body() a valid
// body with harmless values, send(body) → response (answers expected 2xx), read(resp) → the
// record as stored (read back with a GET where there is one). find: the value is looked for
// among all strings of what read returns (actions whose text lands in a list or timeline).
async function send(t, body) {
  const r = await t.send(body);
  assert.ok(r.status < 500, `${t.name}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

async function stored(t, r, path, value) {
  const rec = await t.read(r);
  if (t.find) return strings(rec).has(value);
  return getPath(rec, path) === value;
}

// Walks a list's pages until the record with id turns up.
async function findInList(path, id) {
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const r = await must(srv.req('GET', `${path}?page_size=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin.token }), 200, path);
    const hit = r.items.find((x) => x.id === id);
    if (hit || !r.next_cursor) return hit;
    cursor = r.next_cursor;
  }
  return undefined;
}

// One round: payload p (with a tag per field) into every field that must keep it.
// A body to send: the one a refused request left unused (a refusal writes nothing, so its
// record and version are still good — and reusing them proves it), or a new one.
async function bodyOf(t) {
  const held = t.held;
  t.held = null;
  return held ? structuredClone(held) : t.body();
}

// Answers the request and keeps the body for the next request if it was refused.
async function answer(t, body, base) {
  const r = await send(t, body);
  if (r.status >= 400) t.held = base;
  return r;
}

// One field alone: kept exactly, or refused naming the field, as verdict says (format
// fields: either, but never changed).
async function alone(t, f, v) {
  const body = await bodyOf(t);
  const base = structuredClone(body);
  setPath(body, f.path, v);
  const r = await answer(t, body, base);
  const expect = verdict(v, f);
  if (r.status >= 200 && r.status < 300) {
    if (t.list) made(t.list);
    assert.ok(expect === 'keep', `${t.name}.${f.path} must refuse ${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(await stored(t, r, f.path, expected(f, v)), `${t.name}.${f.path} keeps ${JSON.stringify(v)} exactly`);
    return;
  }
  assert.ok(expect === 'refuse' || f.format, `${t.name}.${f.path} must keep ${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 200)}`);
  assert.ok([400, 422].includes(r.status), `${t.name}.${f.path}: ${r.status} ${r.text.slice(0, 200)}`);
  assert.equal(r.body?.error?.field, t.errorField ? t.errorField(f) : f.path, `${t.name}: the error names the field: ${r.text.slice(0, 200)}`);
}

// The whole list into field f, packed; returns [[tags' lines, response]].
async function batch(t, f, share) {
  const out = [];
  const list = share && !FULL ? PAYLOADS.filter((_, i) => i % share[1] === share[0]) : PAYLOADS;
  await pool(pack(list, f.max), 1, async (chunk) => {
    const body = await bodyOf(t);
    const v = chunk.join('\n');
    setPath(body, f.path, v);
    const r = await send(t, body);
    assert.ok(r.status >= 200 && r.status < 300, `${t.name}.${f.path} batch: ${r.status} ${r.text.slice(0, 300)}`);
    if (t.list) made(t.list);
    assert.ok(await stored(t, r, f.path, v), `${t.name}.${f.path} keeps a batch of ${chunk.length} payloads exactly`);
    out.push([chunk, r]);
  });
  return out;
}

// SAMPLE packed for field f: payload + tag, joined by a line break (multi-line fields) or a
// space, into values of at most f.max characters; a payload the field must refuse alone
// (a tab in a one-line field, too long) is left to alone().
function packFor(f) {
  const sep = f.ml ? '\n' : ' ';
  const out = [];
  let cur = '';
  for (const p of SAMPLE) {
    const v = p + tag();
    if (verdict(v, f) !== 'keep') continue;
    const next = cur ? cur + sep + v : v;
    if (cur && verdict(next, f) !== 'keep') { out.push(cur); cur = v; } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}

// Rounds: round i puts the i-th packed value of every field into one body; the record read
// back must hold each exactly (serial numbers and models: as documented, folded).
async function rounds(t) {
  const fields = t.fields.filter((f) => !f.format);
  const packs = fields.map(packFor);
  for (let i = 0; i < Math.max(0, ...packs.map((x) => x.length)); i++) {
    const body = await bodyOf(t);
    const sent = [];
    fields.forEach((f, j) => { if (packs[j][i]) { setPath(body, f.path, packs[j][i]); sent.push([f.path, expected(f, packs[j][i])]); } });
    const r = await send(t, body);
    assert.ok(r.status >= 200 && r.status < 300, `${t.name} with ${JSON.stringify(sent)}: ${r.status} ${r.text.slice(0, 300)}`);
    if (t.list) made(t.list);
    const rec = await t.read(r);
    const all = t.find ? strings(rec) : null;
    for (const [path, v] of sent) assert.equal(t.find ? (all.has(v) ? v : '(not found)') : getPath(rec, path), v, `${t.name}.${path} keeps the payloads exactly`);
  }
}

async function exercise(t, { all, share } = {}) {
  let t0 = Date.now();
  await rounds(t);
  trace(t.name, 'rounds', Date.now() - t0); t0 = Date.now();
  for (const f of t.fields) {
    for (const v of [...odd(f), ...(f.format ? SAMPLE : [])]) await alone(t, f, v);
  }
  trace(t.name, 'alone', Date.now() - t0); t0 = Date.now();
  if (all) { const x = await batch(t, t.fields.find((f) => f.path === all), share); trace(t.name, 'batch', Date.now() - t0); return x; }
  return [];
}

// Searching for each line of a batch (payload + tag) finds exactly the record holding it.
async function searchEach(path, batches, idOf, { limit } = {}) {
  let pairs = batches.flatMap(([chunk, r]) => chunk.map((line) => [line, idOf(r)]));
  if (limit && !FULL) pairs = spread(pairs, limit);
  let searched = 0;
  const t0 = Date.now();
  await pool(pairs, 2, async ([line, id]) => {
    const r = await srv.req('GET', `${path}${path.includes('?') ? '&' : '?'}q=${encodeURIComponent(line)}`, { token: admin.token });
    assert.ok(r.status === 200 || ([400, 422].includes(r.status) && r.body?.error?.field === 'q'), `${path} q=${JSON.stringify(line)}: ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status !== 200) return;
    searched++;
    assert.deepEqual(r.body.items.map((i) => i.id), [id], `${path} q=${JSON.stringify(line)} finds exactly its record`);
  });
  assert.ok(searched >= pairs.length * 0.95, `${path}: ${searched} of ${pairs.length} searches answered`);
  trace(path, 'search', pairs.length, Date.now() - t0);
}

// ---- customers -----------------------------------------------------------------------------

const customerFields = [
  { path: 'name', max: 100 }, { path: 'address', max: 200 }, { path: 'responsible_person', max: 50 },
  { path: 'note', max: 500, ml: true }, { path: 'phone', max: 40, format: true },
  { path: 'contacts[0].name', max: 50 }, { path: 'contacts[0].title', max: 50 }, { path: 'contacts[0].email', max: 100, format: true },
  { path: 'contacts[0].phone', max: 40, format: true },
  { path: 'addresses[0].label', max: 50 }, { path: 'addresses[0].detail', max: 200 },
];
const getBody = (path) => async (r) => (await must(srv.req('GET', `${path}/${r.body.id}`, { token: admin.token }), 200, path));

test('customers, their contacts and addresses: every payload kept exactly or refused naming the field, and the search finds exactly each', async () => {
  const t = {
    name: 'customers', list: 'customers', fields: customerFields,
    body: () => customerBody(),
    send: (b) => call(admin, 'POST', '/api/v1/customers', b),
    read: getBody('/api/v1/customers'),
  };
  const batches = await exercise(t, { all: 'note' });
  await searchEach('/api/v1/customers', batches, (r) => r.body.id, { limit: 300 });
  // A change keeps them too.
  const c = await must(call(admin, 'POST', '/api/v1/customers', customerBody()), 201, 'customer');
  made('customers');
  let version = c.version;
  const patch = {
    name: 'customers PATCH', fields: customerFields.filter((f) => !f.path.includes('[')),
    body: () => ({ version }),
    send: async (b) => { const r = await call(admin, 'PATCH', `/api/v1/customers/${c.id}`, b); if (r.status === 200) version = r.body.version; return r; },
    read: () => must(srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token }), 200, 'customer'),
  };
  await exercise(patch);
});

// ---- dealers and suppliers -----------------------------------------------------------------

test('dealers and their records: kept exactly or refused naming the field; the dealer search finds exactly each', async () => {
  const t = {
    name: 'dealers', list: 'dealers',
    fields: [{ path: 'name', max: 100 }, { path: 'contact_person', max: 50 }, { path: 'address', max: 200 },
      { path: 'contract_no', max: 64 }, { path: 'note', max: 500, ml: true }, { path: 'phone', max: 40, format: true }],
    body: () => ({ name: `经销商${tag()}`, region_code: '330106' }),
    send: (b) => call(admin, 'POST', '/api/v1/dealers', b),
    read: getBody('/api/v1/dealers'),
  };
  await exercise(t);
  const d = base.dealer;
  const records = {
    name: 'dealer records', find: true,
    fields: [{ path: 'topic', max: 200 }, { path: 'findings', max: 2000, ml: true }, { path: 'penalty', max: 500, ml: true }],
    body: () => ({ kind: 'supervision', held_on: day(), findings: '巡查' }),
    send: (b) => call(admin, 'POST', `/api/v1/dealers/${d.id}/records`, b),
    read: (r) => findInList(`/api/v1/dealers/${d.id}/records`, r.body.id),
  };
  await exercise(records, { all: 'findings' });
  // The search looks in the names: a sample of names with payloads.
  const named = [];
  for (const p of SAMPLE) {
    const v = p + tag();
    if (verdict(v, { max: 100 }) !== 'keep') continue;
    const r = await must(call(admin, 'POST', '/api/v1/dealers', { name: v, region_code: '330106' }), 201, 'dealer');
    made('dealers');
    named.push([[v], { body: r }]);
  }
  await searchEach('/api/v1/dealers', named, (r) => r.body.id);
});

test('suppliers and their audits: kept exactly or refused naming the field; the supplier search finds exactly each', async () => {
  const t = {
    name: 'suppliers', list: 'suppliers',
    fields: [{ path: 'name', max: 100 }, { path: 'contact_person', max: 50 }, { path: 'address', max: 200 },
      { path: 'supplies', max: 200 }, { path: 'note', max: 500, ml: true },
      { path: 'phone', max: 40, format: true }, { path: 'email', max: 100, format: true }],
    body: () => ({ name: `供应商${tag()}` }),
    send: (b) => call(admin, 'POST', '/api/v1/suppliers', b),
    read: getBody('/api/v1/suppliers'),
  };
  await exercise(t);
  const s = base.supplier;
  const audits = {
    name: 'supplier audits', find: true,
    fields: [{ path: 'findings', max: 2000, ml: true }],
    body: () => ({ audited_on: day(), result: 'passed' }),
    send: (b) => call(admin, 'POST', `/api/v1/suppliers/${s.id}/audits`, b),
    read: (r) => findInList(`/api/v1/suppliers/${s.id}/audits`, r.body.id),
  };
  await exercise(audits, { all: 'findings' });
  const named = [];
  for (const p of SAMPLE) {
    const v = p + tag();
    if (verdict(v, { max: 100 }) !== 'keep') continue;
    const r = await must(call(admin, 'POST', '/api/v1/suppliers', { name: v }), 201, 'supplier');
    made('suppliers');
    named.push([[v], { body: r }]);
  }
  await searchEach('/api/v1/suppliers', named, (r) => r.body.id);
});

// ---- projects and equipment ----------------------------------------------------------------

test('projects and equipment units: kept exactly or refused naming the field; the searches find exactly each', async () => {
  const projects = {
    name: 'projects', list: 'projects',
    fields: [{ path: 'name', max: 100 }, { path: 'site_address', max: 200 }, { path: 'note', max: 500, ml: true }],
    body: () => ({ customer_id: base.customer.id, name: '工程', site_region_code: '330106' }),
    send: (b) => call(admin, 'POST', '/api/v1/projects', b),
    read: getBody('/api/v1/projects'),
  };
  // projects.note, equipment.note and quick phrases' text are alike (500 characters, one
  // line a payload): in CI each takes a third of the list, so together they take it all.
  const pb = await exercise(projects, { all: 'note', share: [0, 3] });
  await searchEach('/api/v1/projects', pb, (r) => r.body.id, { limit: 50 });
  const units = {
    name: 'equipment', list: 'equipment',
    fields: [{ path: 'serial_no', max: 64, code: true }, { path: 'model', max: 100, code: true }, { path: 'name', max: 100 },
      { path: 'batch', max: 64 }, { path: 'install_site', max: 200 }, { path: 'note', max: 500, ml: true }],
    body: () => ({ project_id: base.project.id, serial_no: `SN-${tag()}`, model: 'DS-7816N' }),
    send: (b) => call(admin, 'POST', '/api/v1/equipment', b),
    read: getBody('/api/v1/equipment'),
  };
  await exercise(units, { all: 'note', share: [1, 3] });
  // Serial numbers with payloads: found by the search and by the serial_no filter.
  const named = [];
  for (const p of SAMPLE) {
    const v = p + tag();
    if (verdict(v, { max: 64 }) !== 'keep') continue;
    const r = await must(call(admin, 'POST', '/api/v1/equipment', { project_id: base.project.id, serial_no: v, model: v.slice(0, 100) }), 201, 'unit');
    made('equipment');
    named.push([[v], { body: r }]);
    const f = await srv.req('GET', `/api/v1/equipment?serial_no=${encodeURIComponent(v)}`, { token: admin.token });
    assert.ok(f.status === 200 || ([400, 422].includes(f.status) && f.body?.error?.field === 'serial_no'), f.text.slice(0, 200));
    if (f.status === 200) assert.deepEqual(f.body.items.map((i) => i.id), [r.id], `serial_no=${JSON.stringify(v)}`);
  }
  await searchEach('/api/v1/equipment', named, (r) => r.body.id);
});

// ---- tickets -------------------------------------------------------------------------------

const ticketBody = () => ({ customer_id: base.customer.id, fault: '录像机无法开机' });
async function newTicket() {
  const t = await must(call(agent, 'POST', '/api/v1/tickets', ticketBody()), 201, 'ticket');
  made('tickets');
  return t;
}
const ticketRead = (id) => async () => {
  const [t, tl] = await Promise.all([
    must(srv.req('GET', `/api/v1/tickets/${id}`, { token: admin.token }), 200, 'ticket'),
    must(srv.req('GET', `/api/v1/tickets/${id}/timeline`, { token: admin.token }), 200, 'timeline')]);
  return [t, tl];
};

test('tickets: the fault and contact fields kept exactly or refused naming the field; the ticket search finds exactly each', async () => {
  const t = {
    name: 'tickets', list: 'tickets',
    fields: [{ path: 'fault', max: 2000, ml: true }, { path: 'contact_name', max: 50 }, { path: 'contact_phone', max: 40 },
      { path: 'site_address', max: 200 }],
    body: ticketBody,
    send: (b) => call(agent, 'POST', '/api/v1/tickets', b),
    read: getBody('/api/v1/tickets'),
  };
  const batches = await exercise(t, { all: 'fault' });
  await searchEach('/api/v1/tickets', batches, (r) => r.body.id, { limit: 100 });
});

test('a ticket\'s work: appointments, delays, promises, escalations, parts, loans, records, handover, receipts, cancel reasons keep every payload or refuse it naming the field', async () => {
  const open = await newTicket();
  const later = (d) => iso(Date.now() + d * 86400e3);
  const on = (path, body, fields, who = admin, { id = open.id } = {}) => ({
    name: `tickets/${path}`, find: true, fields, body,
    send: (b) => call(who, 'POST', `/api/v1/tickets/${id}/${path}`, b),
    read: ticketRead(id),
  });
  const versioned = (extra) => async () => ({ ...extra, version: (await ticketRead(open.id)())[0].version });
  // Assigned: the dispatch's notes, appointments, delays, promises, escalations.
  await must(call(dispatcher, 'POST', `/api/v1/tickets/${open.id}/assign`, { technician_id: tech.id, version: open.version }), 200, 'assign');
  await exercise(on('assign', versioned({ technician_id: tech.id }), [{ path: 'note', max: 500, ml: true }], dispatcher));
  await exercise(on('handover', versioned({ handler_id: agent.id }), [{ path: 'note', max: 500, ml: true }], admin));
  await exercise(on('appointments', () => ({ starts_at: later(1) }), [{ path: 'agreed_with', max: 100 }, { path: 'note', max: 500, ml: true }]));
  let slot = 0; // delays may not overlap: each one an hour of its own
  const hour = () => { slot++; return { from: iso(Date.now() + 86400e3 + slot * 7200e3), to: iso(Date.now() + 86400e3 + slot * 7200e3 + 3600e3) }; };
  await exercise(on('delays', () => ({ party: 'customer', ...hour() }), [{ path: 'reason', max: 500, ml: true }]));
  await exercise(on('promises', () => ({ due_at: later(1), note: '回电' }), [{ path: 'note', max: 500, ml: true }]));
  await exercise(on('escalate', () => ({ reason: '客户要求' }), [{ path: 'reason', max: 1000, ml: true }]));
  // On site: the record, parts, loans; then the paper receipt.
  await must(call(tech, 'POST', `/api/v1/tickets/${open.id}/arrive`, await versioned({})()), 200, 'arrive');
  await exercise(on('record', versioned({}), [{ path: 'diagnosis', max: 2000, ml: true }, { path: 'work_done', max: 2000, ml: true },
    { path: 'test_result', max: 1000, ml: true }, { path: 'extra_work', max: 1000, ml: true }, { path: 'consumables_reason', max: 500, ml: true }], tech));
  await exercise(on('parts', () => ({ name: '硬盘', quantity: 1, unit_price_fen: 100 }), [{ path: 'name', max: 100 }, { path: 'part_no', max: 64 },
    { path: 'faulty_serial', max: 64 }, { path: 'replacement_serial', max: 64 }], tech));
  await exercise(on('loans', () => ({ spare_serial: `SP-${tag()}`, spare_model: 'DS' }), [{ path: 'spare_serial', max: 64 },
    { path: 'spare_model', max: 100 }, { path: 'note', max: 500, ml: true }], tech));
  // Paper receipts (one a ticket) and cancel reasons: each on a ticket of its own.
  let target;
  await exercise({
    name: 'tickets/receipt', find: true,
    fields: [{ path: 'receipt_no', max: 64 }, { path: 'signed_by', max: 100 }, { path: 'note', max: 1000, ml: true }],
    body: async () => { target = await newTicket(); return { returned_on: day() }; },
    send: (b) => call(admin, 'POST', `/api/v1/tickets/${target.id}/receipt`, b),
    read: async () => ticketRead(target.id)(),
  });
  await exercise({
    name: 'tickets/cancel', find: true, fields: [{ path: 'reason', max: 500, ml: true }],
    body: async () => { target = await newTicket(); return { version: target.version }; },
    send: (b) => call(agent, 'POST', `/api/v1/tickets/${target.id}/cancel`, b),
    read: async () => ticketRead(target.id)(),
  });
});

// ---- complaints ----------------------------------------------------------------------------

const complaintBody = () => ({ customer_id: base.customer.id, channel: 'hotline', facts: '立柱尺寸不对', category: 'delivery', severity: 'minor' });

test('complaints through every step: facts, demands, instructions, answers, callback and archive notes kept exactly or refused naming the field', async () => {
  const t = {
    name: 'complaints', list: 'complaints',
    fields: [{ path: 'complainant', max: 50 }, { path: 'phone', max: 40 }, { path: 'facts', max: 2000, ml: true },
      { path: 'demand', max: 1000, ml: true }],
    body: complaintBody,
    send: (b) => call(agent, 'POST', '/api/v1/complaints', b),
    read: getBody('/api/v1/complaints'),
  };
  const batches = await exercise(t, { all: 'facts' });
  await searchEach('/api/v1/complaints', batches, (r) => r.body.id, { limit: 50 });
  // Each later step on a fresh complaint brought to it.
  const readC = (id) => () => must(srv.req('GET', `/api/v1/complaints/${id}`, { token: admin.token }), 200, 'complaint');
  const fresh = async () => { const c = await must(call(agent, 'POST', '/api/v1/complaints', complaintBody()), 201, 'complaint'); made('complaints'); return c; };
  const assign = (c, instructions = '请核对') => must(call(agent, 'POST', `/api/v1/complaints/${c.id}/assign`, {
    version: c.version, departments: [{ department: 'quality', responsible_id: qc.id, instructions }] }), 200, 'assign');
  const answer = { root_cause: '旧图纸', corrective_action: '补发', preventive_action: '通知供应商' };
  const answered = async () => { let c = await assign(await fresh()); c = await must(call(qc, 'POST', `/api/v1/complaints/${c.id}/assignments/${c.assignments[0].id}/answer`, answer), 200, 'answer'); return c; };
  let c;
  await exercise({
    name: 'complaints/assign', find: true, fields: [{ path: 'departments[0].instructions', max: 1000, ml: true }],
    body: async () => { c = await fresh(); return { version: c.version, departments: [{ department: 'quality', responsible_id: qc.id }] }; },
    send: (b) => call(agent, 'POST', `/api/v1/complaints/${c.id}/assign`, b), read: () => readC(c.id)(),
    errorField: (f) => f.path,
  });
  await exercise({
    name: 'complaints/answer', find: true,
    fields: ['root_cause', 'corrective_action', 'preventive_action'].map((path) => ({ path, max: 2000, ml: true })),
    body: async () => { c = await assign(await fresh()); return { ...answer }; },
    send: (b) => call(qc, 'POST', `/api/v1/complaints/${c.id}/assignments/${c.assignments[0].id}/answer`, b), read: () => readC(c.id)(),
  });
  await exercise({
    name: 'complaints/callback', find: true, fields: [{ path: 'note', max: 500, ml: true }],
    body: async () => { c = await answered(); return { version: c.version, satisfied: true }; },
    send: (b) => call(agent, 'POST', `/api/v1/complaints/${c.id}/callback`, b), read: () => readC(c.id)(),
  });
  await exercise({
    name: 'complaints/archive', find: true, fields: [{ path: 'note', max: 500, ml: true }],
    body: async () => { c = await answered(); c = await must(call(agent, 'POST', `/api/v1/complaints/${c.id}/callback`, { version: c.version, satisfied: true }), 200, 'callback'); return { version: c.version }; },
    send: (b) => call(agent, 'POST', `/api/v1/complaints/${c.id}/archive`, b), read: () => readC(c.id)(),
  });
  await exercise({
    name: 'complaint-categories', find: true,
    fields: [{ path: 'label_zh', max: 50 }, { path: 'label_en', max: 80 }],
    body: () => ({ code: tag(), label_zh: '类别' }),
    send: (b) => call(admin, 'POST', '/api/v1/complaint-categories', b),
    read: async (r) => r.body,
  });
});

// ---- visits --------------------------------------------------------------------------------

test('visits: call notes, move and cancel reasons, reports and defects kept exactly or refused naming the field', async () => {
  await must(call(admin, 'PUT', '/api/v1/settings/calls.hours', { value: '00:00-24:00', version: 0 }), 200, 'calls.hours');
  // A project accepted long ago has visits to plan; each test step takes the next one.
  const p = await must(call(admin, 'POST', '/api/v1/projects', { customer_id: base.customer.id, name: '回访工程', site_region_code: '330106',
    project_manager_id: pm.id, completion_date: day(-400), acceptance_date: day(-360) }), 201, 'project');
  made('projects');
  await must(call(em, 'POST', '/api/v1/visits/plan', { project_id: p.id }), 200, 'plan');
  const visits = (await must(srv.req('GET', `/api/v1/visits?project_id=${p.id}&page_size=100`, { token: admin.token }), 200, 'visits')).items;
  assert.ok(visits.length >= 6, `visits planned: ${visits.length}`);
  const readV = (id) => () => must(srv.req('GET', `/api/v1/visits/${id}`, { token: admin.token }), 200, 'visit');
  const first = visits[0];
  await exercise({
    name: 'visits/calls', find: true, fields: [{ path: 'note', max: 500, ml: true }],
    body: () => ({ duration_seconds: 5, result: 'busy' }),
    send: (b) => call(agent, 'POST', `/api/v1/visits/${first.id}/calls`, b), read: readV(first.id),
  });
  const v2 = visits[1];
  await exercise({
    name: 'visits/move', find: true, fields: [{ path: 'reason', max: 500, ml: true }],
    body: async () => ({ planned_date: day(1), version: (await readV(v2.id)()).version }),
    send: (b) => call(em, 'POST', `/api/v1/visits/${v2.id}/move`, b), read: readV(v2.id),
  });
  // Reports: one a visit; ALL payloads go through findings, packed.
  let left = visits.slice(2).map((v) => v.id);
  let vid;
  const reportT = {
    name: 'visits/report', find: true, list: 'tickets', // each report's defect opens a ticket
    fields: [{ path: 'findings', max: 4000, ml: true }, { path: 'opinion', max: 2000, ml: true },
      { path: 'unfinished_items', max: 2000, ml: true }, { path: 'defects[0].description', max: 2000, ml: true }],
    body: async () => {
      if (!left.length) {
        const q = await must(call(admin, 'POST', '/api/v1/projects', { customer_id: base.customer.id, name: `回访工程${tag()}`, site_region_code: '330106',
          project_manager_id: pm.id, completion_date: day(-400), acceptance_date: day(-360) }), 201, 'project');
        made('projects');
        await must(call(em, 'POST', '/api/v1/visits/plan', { project_id: q.id }), 200, 'plan');
        left = (await must(srv.req('GET', `/api/v1/visits?project_id=${q.id}&page_size=100`, { token: admin.token }), 200, 'visits')).items.map((v) => v.id);
      }
      vid = left.shift();
      return { version: (await readV(vid)()).version, method: 'phone', score: 5, satisfied: true, partial: true, unfinished_items: '待补', defects: [{ description: '录像机报警' }] };
    },
    send: (b) => call(pm, 'POST', `/api/v1/visits/${vid}/report`, b), read: () => readV(vid)(),
  };
  await exercise(reportT, { all: 'findings' });
  const v3 = visits.at(-1);
  const cancelled = await must(srv.req('GET', `/api/v1/visits/${v3.id}`, { token: admin.token }), 200, 'visit');
  if (cancelled.status === 'planned') {
    await alone({
      name: 'visits/cancel', find: true, fields: [], body: async () => ({ version: (await readV(v3.id)()).version }),
      send: (b) => call(em, 'POST', `/api/v1/visits/${v3.id}/cancel`, b), read: readV(v3.id),
    }, { path: 'reason', max: 500, ml: true }, `${SAMPLE[0]}${tag()}`);
  }
});

// ---- phrases, surveys, settings, users, calendar -------------------------------------------

test('quick phrases, surveys, settings, users\' names and calendar day names keep every payload or refuse it naming the field', async () => {
  await exercise({
    name: 'quick-phrases',
    fields: [{ path: 'title', max: 50 }, { path: 'text', max: 500, ml: true }],
    body: () => ({ category: 'closing', title: '结束语', text: '感谢来电' }),
    send: (b) => call(admin, 'POST', '/api/v1/quick-phrases', b),
    read: async (r) => (await must(srv.req('GET', '/api/v1/quick-phrases?all=true', { token: admin.token }), 200, 'phrases')).items.find((i) => i.id === r.body.id),
  }, { all: 'text', share: [2, 3] });
  await exercise({
    name: 'surveys', list: 'surveys',
    fields: [{ path: 'name', max: 100 }, { path: 'note', max: 1000, ml: true }, { path: 'questions[0].text', max: 200, ml: true }],
    body: () => ({ name: '满意度调查', starts_on: day(), ends_on: day(30), questions: [{ text: '您满意吗?', kind: 'text' }] }),
    send: (b) => call(head, 'POST', '/api/v1/surveys', b),
    read: getBody('/api/v1/surveys'),
  }, { all: 'note' });
  const versions = {};
  for (const [key, max] of [['company.name', 100], ['company.service_department', 50], ['company.service_hotline', 40]]) {
    await exercise({
      name: `settings/${key}`, fields: [{ path: 'value', max, format: key.endsWith('hotline') }],
      body: () => ({ version: versions[key] || 0 }),
      send: async (b) => { const r = await call(admin, 'PUT', `/api/v1/settings/${key}`, b); if (r.status === 200) versions[key] = r.body.version; return r; },
      read: async (r) => r.body,
    });
  }
  await exercise({
    name: 'users', fields: [{ path: 'display_name', max: 50 }, { path: 'email', max: 254, format: true }, { path: 'phone', max: 40, format: true }],
    body: () => ({ username: tag(), display_name: '王芳', role: 'agent', regions: ['330000'] }),
    send: (b) => call(admin, 'POST', '/api/v1/users', b),
    read: getBody('/api/v1/users'),
  });
  // Days of 2005 (the loaded calendar's past; no ticket here counts them).
  const days = [];
  for (let d = 0; d < 300; d++) days.push(new Date(Date.UTC(2005, 0, 1 + d)).toISOString().slice(0, 10));
  let at;
  await exercise({
    name: 'calendar/days', find: true, fields: [{ path: 'name', max: 50 }],
    body: () => { at = days.shift(); return { workday: false }; },
    send: (b) => call(admin, 'PUT', `/api/v1/calendar/days/${at}`, b),
    read: () => must(srv.req('GET', `/api/v1/calendar/days/${at}`, { token: admin.token }), 200, 'calendar day'),
  });
});

// ---- filters -------------------------------------------------------------------------------

// Every GET with query parameters in docs/openapi.yaml, with the parameters to try.
function listParams() {
  const text = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
  const out = [];
  let path = null;
  let inGet = false;
  let name = null;
  for (const line of text.split('\n')) {
    let m = line.match(/^  (\/api\/v1\/[^:]*):\s*$/);
    if (m) { path = m[1]; inGet = false; continue; }
    m = line.match(/^    (get|post|put|patch|delete|parameters):/);
    if (m) { inGet = m[1] === 'get'; continue; }
    m = line.match(/^\s+- name:\s*([A-Za-z_]+)/);
    if (m) { name = m[1]; continue; }
    if (/^\s+in:\s*query/.test(line) && inGet && name && path && !path.includes('{')) out.push([path, name]);
    if (/^\s+in:/.test(line)) name = null;
  }
  return out;
}

test('every filter and search parameter of every list takes the payloads: 200, or 400/422 naming the parameter', async () => {
  const params = listParams();
  assert.ok(params.length >= 60, `query parameters found in docs/openapi.yaml: ${params.length}`);
  const skip = new Set(['format']); // exports answer files; their filters are the lists' own
  const jobs = [];
  for (const [path, name] of params) {
    if (skip.has(name) || path.endsWith('/export') || path === '/api/v1/events') continue;
    for (const p of [...FILTER_SAMPLE, 'a\u0001b', 'x\ty']) jobs.push([path, name, p]);
    // The paging parameters of a sorted list (shared components in the document).
    if (name === 'sort') for (const paging of ['cursor', 'page', 'page_size']) for (const p of spread(FILTER_SAMPLE, 4)) jobs.push([path, paging, p]);
  }
  await pool(jobs, 4, async ([path, name, p]) => {
    const r = await srv.req('GET', `${path}?${name}=${encodeURIComponent(p)}`, { token: admin.token });
    assert.ok(r.status === 200 || ([400, 422].includes(r.status) && r.body?.error?.field === name),
      `${path}?${name}=${JSON.stringify(p)}: ${r.status} ${r.text.slice(0, 200)}`);
  });
});

// ---- the database afterwards ---------------------------------------------------------------

test('afterwards every list counts exactly what this file made, every table is still there, and the server is healthy', async () => {
  for (const [list, n] of Object.entries(created)) {
    const path = list === 'surveys' ? '/api/v1/surveys?page_size=1' : `/api/v1/${list}?page_size=1`;
    const r = await must(srv.req('GET', path, { token: admin.token }), 200, list);
    assert.equal(r.total, n, `${list}: ${n} made`);
  }
  assert.deepEqual(tables(), tablesBefore);
  trace('requests', requests, 'writes', writes);
  const h = await must(srv.req('GET', '/api/v1/health'), 200, 'health');
  assert.equal(h.status, 'ok');
  await must(call(admin, 'POST', '/api/v1/customers', customerBody()), 201, 'a customer after all this');
});
