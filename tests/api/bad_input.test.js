// bad_input.test.js — hostile and malformed input against the customer endpoints. Every
// refusal must be a clear error in the one error shape (DESIGN.md "API conventions": 400
// malformed, 404, 413, 415, 422), naming the field where there is one, and must write
// nothing: each test counts the archive (or reads the customer back) before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
});
after(async () => { await srv.stop(); });

// ---- helpers -------------------------------------------------------------------------------

function tag() {
  return 'zb' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body: ${r.text}`);
  assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'field', 'message']);
  if (code !== undefined) assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
  assert.equal(typeof r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 0);
}

const post = (body, headers) => srv.req('POST', '/api/v1/customers', { token: admin.token, body, headers });

async function create(overrides = {}) {
  const r = await post(customerBody(overrides));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function count() {
  const r = await srv.req('GET', '/api/v1/customers?page_size=1', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.body.total;
}

// Runs fn and checks that the number of customers did not change.
async function writesNothing(fn) {
  const n = await count();
  await fn();
  assert.equal(await count(), n, 'nothing was written');
}

// The customer is exactly as it was.
async function unchanged(c) {
  const r = await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, c);
}

// A valid body with raw bytes spliced into the name.
function bodyWithNameBytes(bytes) {
  return Buffer.concat([
    Buffer.from('{"name":"杭州'), Buffer.from(bytes),
    Buffer.from('公司","kind":"company","region_code":"330106"}'),
  ]);
}

// ---- malformed bodies ----------------------------------------------------------------------

const badJson = [
  ['an unclosed object', '{'],
  ['a missing value', '{"name":}'],
  ['a trailing comma', '{"name":"a","kind":"company","region_code":"330106",}'],
  ['single quotes', "{'name':'a'}"],
  ['NaN', '{"name":NaN}'],
  ['a comment', '{"name":"a" /* c */}'],
  ['garbage after the object', JSON.stringify(customerBody()) + ' {}'],
  ['an empty body', ''],
  ['an integer beyond 64 bits', '{"name":"a","kind":"company","region_code":"330106","key_customer":99999999999999999999999}'],
  ['a lone surrogate escape', '{"name":"a\\ud800b","kind":"company","region_code":"330106"}'],
];
for (const [what, body] of badJson) {
  test(`invalid JSON (${what}) is 400 invalid_json and writes nothing`, async () => {
    await writesNothing(async () => assertError(await post(body), 400, 'invalid_json'));
  });
}

const badBytes = [
  ['a 0xFF byte', [0xff]],
  ['a lone continuation byte', [0x80]],
  ['an overlong encoding of /', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['a truncated sequence', [0xe4, 0xb8]],
];
for (const [what, bytes] of badBytes) {
  test(`invalid UTF-8 in the body (${what}) is 400 invalid_utf8 and writes nothing`, async () => {
    await writesNothing(async () => assertError(await post(bodyWithNameBytes(bytes)), 400, 'invalid_utf8'));
  });
}

test('the invalid UTF-8 error says where, not a message ending in a dangling colon', async () => {
  const r = await post(bodyWithNameBytes([0xff]));
  assertError(r, 400, 'invalid_utf8');
  const { field, message } = r.body.error;
  assert.ok(field || !/[:：]\s*$/.test(message), `the message names nothing: "${message}"`);
});

test('a JSON string containing \\u0000 is 400 naming the field, and writes nothing', async () => {
  await writesNothing(async () => {
    const r = await post(JSON.stringify(customerBody({ name: 'a\u0000b' })));
    assertError(r, 400);
    assert.equal(r.body.error.field, 'name', r.text);
    const c = await post(JSON.stringify(customerBody({ contacts: [{ name: '李\u0000娜' }] })));
    assertError(c, 400);
    assert.equal(c.body.error.field, 'contacts[0].name', c.text);
  });
});

const wrongTypes = [
  ['name: 5', { name: 5 }, 'name'],
  ['name: {}', { name: {} }, 'name'],
  ['kind: true', { kind: true }, 'kind'],
  ['region_code as a number', { region_code: 330106 }, 'region_code'],
  ['phone as a number', { phone: 13800001111 }, 'phone'],
  ['note: []', { note: [] }, 'note'],
  ['key_customer: "yes"', { key_customer: 'yes' }, 'key_customer'],
  ['key_customer: 1', { key_customer: 1 }, 'key_customer'],
  ['key_customer: null', { key_customer: null }, 'key_customer'],
  ['contacts: {}', { contacts: {} }, 'contacts'],
  ['contacts: "x"', { contacts: 'x' }, 'contacts'],
  ['a contact that is a string', { contacts: ['x'] }, 'contacts[0]'],
  ['is_primary: "true"', { contacts: [{ name: 'a', is_primary: 'true' }] }, 'contacts[0].is_primary'],
  ['an address that is a number', { addresses: [5] }, 'addresses[0]'],
  ['addresses: {}', { addresses: {} }, 'addresses'],
  ['product_types: "surveillance"', { product_types: 'surveillance' }, 'product_types'],
  ['product_types: [1]', { product_types: [1] }, 'product_types[0]'],
  ['product_types: {}', { product_types: {} }, 'product_types'],
];
for (const [what, overrides, field] of wrongTypes) {
  test(`a wrong type (${what}) is 400 wrong_type naming ${field}, and writes nothing`, async () => {
    await writesNothing(async () => assertError(await post(customerBody(overrides)), 400, 'wrong_type', field));
  });
}

test('wrong types in a PATCH are 400 and change nothing', async () => {
  const c = await create();
  for (const [body, field] of [
    [{ version: '1', note: 'x' }, 'version'],
    [{ version: 1, key_customer: 'yes' }, 'key_customer'],
    [{ version: 1, contacts: {} }, 'contacts'],
    [{ version: 1, name: 5 }, 'name'],
  ]) {
    assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body }), 400, 'wrong_type', field);
  }
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: '{"version":1.0,"note":"x"}' }),
    400, 'wrong_type', 'version');
  await unchanged(c);
});

const unknownFields = [
  ['a top-level field', { nickname: 'x' }, 'nickname'],
  ['a field in a contact', { contacts: [{ name: 'a', nick: 'b' }] }, 'contacts[0].nick'],
  ['a field in an address', { addresses: [{ region_code: '330106', detail: 'd', zip: '310000' }] }, 'addresses[0].zip'],
  ['id', { id: 5 }, 'id'],
  ['version on creation', { version: 1 }, 'version'],
  ['created_at', { created_at: '2020-01-01T00:00:00+08:00' }, 'created_at'],
  ['region_name', { region_name: '北京市' }, 'region_name'],
  ['a differently cased name', { Name: 'x' }, 'Name'],
];
for (const [what, overrides, field] of unknownFields) {
  test(`an unknown field (${what}) is 400 unknown_field naming ${field}, and writes nothing`, async () => {
    await writesNothing(async () => assertError(await post(customerBody(overrides)), 400, 'unknown_field', field));
  });
}

test('a PATCH cannot set id, created_at or region_name (400 unknown_field)', async () => {
  const c = await create();
  for (const k of ['id', 'created_at', 'updated_at', 'region_name', 'deleted_at']) {
    const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, { token: admin.token, body: { version: 1, [k]: 'x' } });
    assertError(r, 400, 'unknown_field', k);
  }
  await unchanged(c);
});

test('duplicate keys are 400 duplicate_key naming the key, and write nothing', async () => {
  await writesNothing(async () => {
    assertError(await post('{"name":"a","name":"b"}'), 400, 'duplicate_key', 'name');
    assertError(await post('{"name":"a","kind":"company","region_code":"330106","kind":"person"}'), 400, 'duplicate_key', 'kind');
    const nested = await post('{"name":"a","kind":"company","region_code":"330106","contacts":[{"name":"x","name":"y"}]}');
    assertError(nested, 400, 'duplicate_key');
    assert.ok(['name', 'contacts[0].name'].includes(nested.body.error.field), nested.text);
  });
  const c = await create();
  assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: '{"version":1,"note":"a","note":"b"}',
  }), 400, 'duplicate_key', 'note');
  await unchanged(c);
});

test('a body that is not an object is 400 and writes nothing', async () => {
  await writesNothing(async () => {
    assertError(await post('[]'), 400, 'body_not_object');
    assertError(await post(JSON.stringify([customerBody()])), 400, 'body_not_object');
    for (const body of ['"text"', '42', 'null', 'true']) {
      const r = await post(body);
      assertError(r, 400);
      assert.ok(['body_not_object', 'invalid_json'].includes(r.body.error.code), r.text);
    }
  });
});

test('deeply nested JSON is 400 and the server keeps working', async () => {
  await writesNothing(async () => {
    assertError(await post('['.repeat(100000)), 400, 'invalid_json');
    assertError(await post(`{"contacts":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400);
  });
  assert.equal((await srv.req('GET', '/api/v1/health')).status, 200);
  await create();
});

// ---- media type and size -------------------------------------------------------------------

test('Content-Type text/plain is 415 and writes nothing', async () => {
  const body = JSON.stringify(customerBody());
  await writesNothing(async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'application/merge-patch+json', 'multipart/form-data; boundary=x']) {
      assertError(await post(body, { 'Content-Type': type }), 415, 'unsupported_media_type');
    }
  });
});

test('a body without a Content-Type is 415', async () => {
  await writesNothing(async () => {
    const res = await fetch(`${srv.base}/api/v1/customers`, {
      method: 'POST', headers: { Authorization: `Bearer ${admin.token}` },
      body: new TextEncoder().encode(JSON.stringify(customerBody())),
    });
    assert.equal(res.status, 415);
    assert.equal((await res.json()).error.code, 'unsupported_media_type');
  });
});

test('application/json with a charset parameter, in any case, is accepted', async () => {
  const n = await count();
  const r = await post(JSON.stringify(customerBody()), { 'Content-Type': 'Application/JSON; charset=utf-8' });
  assert.equal(r.status, 201, r.text);
  assert.equal(await count(), n + 1);
});

test('a PATCH as text/plain is 415 and changes nothing', async () => {
  const c = await create();
  const r = await srv.req('PATCH', `/api/v1/customers/${c.id}`, {
    token: admin.token, body: JSON.stringify({ version: 1, note: 'x' }), headers: { 'Content-Type': 'text/plain' },
  });
  assertError(r, 415, 'unsupported_media_type');
  await unchanged(c);
});

// Sends raw bytes on a fresh connection and returns everything the server answers.
function raw(text) {
  return new Promise((resolve) => {
    const s = net.connect(Number(new URL(srv.base).port), '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve(out); }, 5000);
    s.on('data', (d) => { out += d; });
    s.on('end', () => { clearTimeout(timer); resolve(out); });
    s.on('error', (e) => { clearTimeout(timer); resolve(out || `ERROR ${e.code}`); });
    s.write(text);
  });
}

test('a declared body over 1 MiB with Expect: 100-continue is answered 413 before any of it is sent, and nothing is written', async () => {
  const c = await create();
  await writesNothing(async () => {
    for (const [method, path] of [['POST', '/api/v1/customers'], ['PATCH', `/api/v1/customers/${c.id}`]]) {
      for (const length of [1024 * 1024 + 1, 2 * 1024 * 1024]) {
        const answer = await raw(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\n`
          + `Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`);
        assert.match(answer, /^HTTP\/1\.1 413 /, `${method} ${length}: ${answer.slice(0, 100)}`);
        assert.match(answer, /"code":"too_large"/);
      }
    }
  });
  await unchanged(c);
});

test('a 2 MiB body is 413: the client gets to read the answer (ten tries), and nothing is written', async () => {
  const big = JSON.stringify(customerBody({ note: 'x'.repeat(2 * 1024 * 1024) }));
  await writesNothing(async () => {
    const outcomes = [];
    for (let i = 0; i < 10; i++) {
      try {
        const r = await post(big);
        outcomes.push(r.status === 413 && r.body?.error?.code === 'too_large' ? 'ok' : `${r.status} ${r.text.slice(0, 80)}`);
      } catch (e) {
        outcomes.push(`connection failed: ${e.cause?.code ?? e.message}`);
      }
    }
    assert.deepEqual(outcomes, Array(10).fill('ok'));
  });
});

test('a 2 MiB chunked body is 413 too (not a dropped connection)', async () => {
  const n = await count();
  const chunk = new Uint8Array(256 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream({
    pull(ctl) {
      if (sent >= 8) { ctl.close(); return; }
      sent++;
      ctl.enqueue(chunk);
    },
  });
  let status;
  let code;
  try {
    const res = await fetch(`${srv.base}/api/v1/customers`, {
      method: 'POST', duplex: 'half', body: stream,
      headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
    });
    status = res.status;
    code = (await res.json()).error?.code;
  } catch (e) {
    status = `connection failed: ${e.cause?.code ?? e.message}`;
  }
  assert.equal(status, 413);
  assert.equal(code, 'too_large');
  assert.equal(await count(), n);
  assert.equal((await srv.req('GET', '/api/v1/health')).status, 200);
});

test('two Content-Length headers are 400 and write nothing', async () => {
  const body = JSON.stringify(customerBody());
  await writesNothing(async () => {
    const answer = await raw(`POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\n`
      + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Length: 2\r\n`
      + `Connection: close\r\n\r\n${body}`);
    assert.match(answer, /^HTTP\/1\.1 400 /);
  });
});

// ---- the id in the path --------------------------------------------------------------------

const badIds = ['abc', '0', '-1', '01', '1.5', '1e3', '+1', '0x1', '9007199254740992', '9007199254740993',
  '99999999999999999999', '9223372036854775808', '1%20OR%201=1', '1;DROP%20TABLE%20customers'];
test('an id that is not a number, or 0, or at least 2^53 is 404 on every customer route', async () => {
  const c = await create();
  await writesNothing(async () => {
    for (const id of badIds) {
      assertError(await srv.req('GET', `/api/v1/customers/${id}`, { token: admin.token }), 404, 'not_found');
      assertError(await srv.req('GET', `/api/v1/customers/${id}/history`, { token: admin.token }), 404, 'not_found');
      assertError(await srv.req('PATCH', `/api/v1/customers/${id}`, { token: admin.token, body: { version: 1, note: id } }),
        404, 'not_found');
      assertError(await srv.req('DELETE', `/api/v1/customers/${id}?version=1`, { token: admin.token }), 404, 'not_found');
    }
  });
  await unchanged(c);
});

test('the largest safe id (2^53 - 1) is a well-formed id that is simply not found', async () => {
  assertError(await srv.req('GET', '/api/v1/customers/9007199254740991', { token: admin.token }), 404, 'not_found');
});

// ---- query parameters ----------------------------------------------------------------------

test('unknown query parameters are 400 unknown_parameter naming the parameter, on every customer route', async () => {
  const c = await create();
  const t = admin.token;
  await writesNothing(async () => {
    assertError(await srv.req('GET', '/api/v1/customers?foo=1', { token: t }), 400, 'unknown_parameter', 'foo');
    assertError(await srv.req('GET', '/api/v1/customers?Q=abc', { token: t }), 400, 'unknown_parameter', 'Q');
    assertError(await srv.req('GET', '/api/v1/customers?limit=5', { token: t }), 400, 'unknown_parameter', 'limit');
    assertError(await srv.req('GET', '/api/v1/customers?foo', { token: t }), 400, 'unknown_parameter', 'foo');
    assertError(await srv.req('GET', `/api/v1/customers/${c.id}?expand=contacts`, { token: t }), 400, 'unknown_parameter', 'expand');
    assertError(await srv.req('GET', `/api/v1/customers/${c.id}/history?entity=user`, { token: t }), 400, 'unknown_parameter', 'entity');
    assertError(await srv.req('POST', '/api/v1/customers?dry_run=1', { token: t, body: customerBody() }), 400, 'unknown_parameter', 'dry_run');
    assertError(await srv.req('PATCH', `/api/v1/customers/${c.id}?force=1`, { token: t, body: { version: 1, note: 'x' } }),
      400, 'unknown_parameter', 'force');
    assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1&force=1`, { token: t }), 400, 'unknown_parameter', 'force');
  });
  await unchanged(c);
});

test('repeated query parameters are 400 duplicate_parameter', async () => {
  const c = await create();
  const t = admin.token;
  assertError(await srv.req('GET', '/api/v1/customers?q=a&q=b', { token: t }), 400, 'duplicate_parameter', 'q');
  assertError(await srv.req('GET', '/api/v1/customers?page=1&page=1', { token: t }), 400, 'duplicate_parameter', 'page');
  assertError(await srv.req('GET', '/api/v1/customers?sort=name&sort=-name', { token: t }), 400, 'duplicate_parameter', 'sort');
  assertError(await srv.req('GET', '/api/v1/customers?region_code=330000&region_code=320000', { token: t }),
    400, 'duplicate_parameter', 'region_code');
  assertError(await srv.req('GET', `/api/v1/customers/${c.id}/history?page_size=1&page_size=2`, { token: t }),
    400, 'duplicate_parameter', 'page_size');
  assertError(await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1&version=1`, { token: t }), 400, 'duplicate_parameter', 'version');
  await unchanged(c);
});

test('page_size above 100, or not a positive number, is 400 invalid_parameter', async () => {
  for (const v of ['101', '0', '-1', 'abc', '1e2', '', '10.5', '99999999999999999999']) {
    assertError(await srv.req('GET', `/api/v1/customers?page_size=${v}`, { token: admin.token }), 400, 'invalid_parameter', 'page_size');
  }
  for (const v of ['0', '-1', 'abc', '']) {
    assertError(await srv.req('GET', `/api/v1/customers?page=${v}`, { token: admin.token }), 400, 'invalid_parameter', 'page');
  }
  assert.equal((await srv.req('GET', '/api/v1/customers?page_size=100', { token: admin.token })).status, 200);
});

test('page 101 of 100 rows goes past the 10 000-row window: 422 page_window_exceeded', async () => {
  assertError(await srv.req('GET', '/api/v1/customers?page=101&page_size=100', { token: admin.token }), 422, 'page_window_exceeded', 'page');
  assertError(await srv.req('GET', '/api/v1/customers?page=501', { token: admin.token }), 422, 'page_window_exceeded', 'page');
  const last = await srv.req('GET', '/api/v1/customers?page=100&page_size=100', { token: admin.token });
  assert.equal(last.status, 200, last.text);
  assert.deepEqual(last.body.items, []);
});

test('invalid UTF-8 in a query parameter is 400 invalid_utf8 naming it', async () => {
  assertError(await srv.req('GET', '/api/v1/customers?q=%FF', { token: admin.token }), 400, 'invalid_utf8', 'q');
  assertError(await srv.req('GET', '/api/v1/customers?q=%C0%AF', { token: admin.token }), 400, 'invalid_utf8', 'q');
});

test('a NUL byte in a query parameter is refused, not cut off', async () => {
  const c = await create();
  assertError(await srv.req('GET', '/api/v1/customers?region_code=330106%00zzz', { token: admin.token }), 400, undefined, 'region_code');
  assertError(await srv.req('GET', '/api/v1/customers?key_customer=true%00zzz', { token: admin.token }), 400, undefined, 'key_customer');
  const del = await srv.req('DELETE', `/api/v1/customers/${c.id}?version=1%00zzz`, { token: admin.token });
  assertError(del, 400, undefined, 'version');
  await unchanged(c);
});

test('an over-long query value is refused naming it, with a code that says so', async () => {
  const r = await srv.req('GET', `/api/v1/customers?q=${'a'.repeat(5000)}`, { token: admin.token });
  assert.ok(r.status === 400 || r.status === 422, r.text);
  assert.equal(r.body.error.field, 'q', r.text);
  assert.notEqual(r.body.error.code, 'invalid_utf8', `plain ASCII is not invalid UTF-8: ${r.text}`);
});

test('too many query parameters are 400', async () => {
  const qs = Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&');
  assertError(await srv.req('GET', `/api/v1/customers?${qs}`, { token: admin.token }), 400);
});

// ---- injection -----------------------------------------------------------------------------

const hostile = {
  name: '<script>alert(1)</script>',
  address: "'; DROP TABLE customers; --",
  note: '" OR 1=1 --',
  responsible_person: '${7*7}{{7*7}}<%= 7*7 %>',
  contacts: [{ name: "Robert'); DROP TABLE customer_contacts;--", phone: '', title: '<b>经理</b>', email: 'a"b@x.com', is_primary: true }],
  addresses: [{ label: '<img src=x onerror=alert(1)>', region_code: '330106', detail: "1' OR '1'='1", is_default: true }],
};

test('XSS and SQL-injection strings are stored and returned verbatim, and the table still works', async () => {
  const n = await count();
  const r = await post(customerBody(hostile));
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(!r.text.includes('<script>') || r.text.includes('"<script>alert(1)</script>"'));
  const g = await srv.req('GET', `/api/v1/customers/${r.body.id}`, { token: admin.token });
  assert.equal(g.status, 200);
  for (const k of ['name', 'address', 'note', 'responsible_person']) assert.equal(g.body[k], hostile[k], k);
  assert.equal(g.body.contacts[0].name, hostile.contacts[0].name);
  assert.equal(g.body.contacts[0].title, hostile.contacts[0].title);
  assert.equal(g.body.contacts[0].email, hostile.contacts[0].email);
  assert.equal(g.body.addresses[0].label, hostile.addresses[0].label);
  assert.equal(g.body.addresses[0].detail, hostile.addresses[0].detail);
  assert.equal(await count(), n + 1);
  // The tables are all still there and work.
  await create();
  assert.equal(await count(), n + 2);
  const again = await srv.req('GET', `/api/v1/customers/${r.body.id}`, { token: admin.token });
  assert.deepEqual(again.body.contacts, g.body.contacts);
});

test('injection strings as search text find exactly what contains them', async () => {
  const t = tag();
  const c = await create({ name: `${t}<script>alert(1)</script>`, note: `${t}" OR 1=1 --`, address: `${t}'; DROP TABLE customers; --` });
  const plain = await create({ name: `${t}普通` });
  for (const q of [`${t}<script>`, `${t}" OR 1=1 --`, `${t}'; DROP TABLE customers; --`]) {
    const r = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((i) => i.id), [c.id], q);
  }
  for (const q of ["' OR '1'='1", '" OR 1=1 --', "x'); DELETE FROM customers; --", '%', '%%', '_']) {
    const r = await srv.req('GET', `/api/v1/customers?q=${encodeURIComponent(`${t}${q}`)}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.body.items.some((i) => i.id === plain.id), `q=${q} is not a wildcard`);
  }
  const all = await srv.req('GET', `/api/v1/customers?q=${t}`, { token: admin.token });
  assert.equal(all.body.total, 2);
});

test('injection through filters and sort is refused, not executed', async () => {
  const n = await count();
  const t = admin.token;
  const enc = encodeURIComponent;
  assertError(await srv.req('GET', `/api/v1/customers?sort=${enc('name; DROP TABLE customers')}`, { token: t }), 400, 'invalid_parameter', 'sort');
  assertError(await srv.req('GET', `/api/v1/customers?sort=${enc('name,id')}`, { token: t }), 400, 'invalid_parameter', 'sort');
  assertError(await srv.req('GET', `/api/v1/customers?region_code=${enc("330106' OR '1'='1")}`, { token: t }), 400, 'invalid_parameter', 'region_code');
  assertError(await srv.req('GET', `/api/v1/customers?customer_group=${enc("x' OR 1=1--")}`, { token: t }), 400, 'invalid_parameter', 'customer_group');
  assertError(await srv.req('GET', `/api/v1/customers?product_type=${enc('%')}`, { token: t }), 400, 'invalid_parameter', 'product_type');
  assertError(await srv.req('GET', `/api/v1/customers?key_customer=${enc('1 OR 1=1')}`, { token: t }), 400, 'invalid_parameter', 'key_customer');
  // A well-formed cursor carrying SQL is only a value.
  const cursor = Buffer.from(JSON.stringify({ s: 'name', v: "' OR 1=1 --", i: 1 })).toString('base64url');
  const r = await srv.req('GET', `/api/v1/customers?sort=name&cursor=${cursor}`, { token: t });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.every((i) => Buffer.compare(Buffer.from(i.name), Buffer.from("' OR 1=1 --")) >= 0));
  assert.equal(await count(), n);
});

// ---- hostile values that are valid ---------------------------------------------------------

test('names are measured in characters: 100 emoji are accepted verbatim and 101 are too long', async () => {
  const name = '😀'.repeat(100);
  const r = await post(customerBody({ name }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, name);
  await writesNothing(async () => assertError(await post(customerBody({ name: '😀'.repeat(101) })), 422, 'field_length', 'name'));
});

test('a name beginning with U+10FFFF is still found by a -name cursor walk', async () => {
  const r = await post(customerBody({ name: '\u{10FFFF}末尾' }));
  if (r.status !== 201) {
    // Refusing the noncharacter outright is also fine, as long as it is a clear error.
    assertError(r, r.status);
    return;
  }
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 500; i++) {
    const p = await srv.req('GET', `/api/v1/customers?sort=-name&page_size=50&cursor=${encodeURIComponent(cursor)}`, { token: admin.token });
    assert.equal(p.status, 200, p.text);
    seen.push(...p.body.items.map((c) => c.id));
    if (!p.body.next_cursor) break;
    cursor = p.body.next_cursor;
  }
  assert.equal(seen.length, await count(), 'the walk visits every customer');
  assert.ok(seen.includes(r.body.id));
  assert.equal(seen[0], r.body.id, 'it sorts last by name, so first in -name');
});

test('an empty Idempotency-Key never turns a new customer into a replay of another', async () => {
  const t = tag();
  const first = await post(customerBody({ name: `${t}一` }), { 'Idempotency-Key': '' });
  const second = await post(customerBody({ name: `${t}二` }), { 'Idempotency-Key': '' });
  for (const r of [first, second]) assert.ok([201, 400].includes(r.status), r.text);
  if (second.status !== 400) {
    assert.equal(second.status, 201, `the second create was answered as a replay: ${second.text}`);
    assert.equal(second.body.name, `${t}二`);
  }
});

test('malformed Authorization headers are 401 and write nothing', async () => {
  await writesNothing(async () => {
    for (const auth of ['Basic YWRtaW46YWRtaW4=', 'Bearer ', 'Bearer x'.repeat(100), admin.token]) {
      const r = await srv.req('POST', '/api/v1/customers', { body: customerBody(), headers: { Authorization: auth } });
      assertError(r, 401);
    }
  });
});

test('the server is healthy after all of this', async () => {
  const h = await srv.req('GET', '/api/v1/health');
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'ok');
  const c = await create();
  assert.equal((await srv.req('GET', `/api/v1/customers/${c.id}`, { token: admin.token })).status, 200);
});
