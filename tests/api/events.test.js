// events.test.js — live updates, GET /api/v1/events (src/http/events.c; issue 6: "server-sent
// events refresh the dispatcher board and dashboard live without polling"; docs/web.md "Live
// updates"): authenticated like every route, a hello first, a change event naming the entity
// within seconds of a write — also one made by another node on the same database — entity
// names only, pings and the end of a stream, the bound on open streams, a closed client
// freeing its stream, and a clean stop with streams open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, customerBody } from './lib/harness.js';

const bin = process.env.SHOUHOU_BIN || new URL('../../build/shouhou', import.meta.url).pathname;
let srv, admin, agent, cookie;

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent', { regions: ['330000'], password: 'agent-password-1' });
  const login = await srv.req('POST', '/api/v1/auth/login', { body: { username: agent.username, password: 'agent-password-1' } });
  assert.equal(login.status, 200, login.text);
  cookie = login.headers.get('set-cookie').split(';')[0];
});
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One event block → {event, data, retry, comments}.
function parse(block) {
  const e = { event: 'message', data: null, retry: null, comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) e.comments.push(line.slice(1).trim());
    else if (line.startsWith('event: ')) e.event = line.slice(7);
    else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
    else if (line.startsWith('retry: ')) e.retry = Number(line.slice(7));
  }
  return e;
}

// Opens a stream; events arrive in .events as they come. next(pred, ms) waits for the first
// event after the ones already taken that satisfies pred; ended(ms) waits for the end.
async function open(base, headers = {}) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/events`, { headers, signal: ctrl.signal });
  const s = { res, events: [], taken: 0, done: false, wake: null, close: () => ctrl.abort() };
  const poke = () => { if (s.wake) s.wake(); };
  if (res.status === 200) {
    (async () => {
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let i;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            s.events.push(parse(buffer.slice(0, i)));
            buffer = buffer.slice(i + 2);
            poke();
          }
        }
      } catch { /* aborted */ }
      s.done = true;
      poke();
    })();
  } else {
    s.text = await res.text();
    s.done = true;
  }
  s.next = async (pred = () => true, ms = 3000) => {
    const until = Date.now() + ms;
    for (;;) {
      while (s.taken < s.events.length) {
        const e = s.events[s.taken++];
        if (pred(e)) return e;
      }
      if (s.done) return null;
      const left = until - Date.now();
      if (left <= 0) return null;
      await new Promise((r) => { s.wake = r; setTimeout(r, left); });
    }
  };
  s.ended = async (ms) => {
    const until = Date.now() + ms;
    while (!s.done && Date.now() < until) await new Promise((r) => { s.wake = r; setTimeout(r, 50); });
    return s.done;
  };
  return s;
}

const isChange = (name) => (e) => e.event === 'change' && e.data.entities.includes(name);

test('without a session or token: 401 in the error shape; a query parameter is a 400', async () => {
  for (const [headers, code] of [[{}, 'unauthenticated'], [{ Authorization: 'Bearer shh_wrong' }, 'invalid_token'], [{ Cookie: 'shouhou_session=nope' }, null]]) {
    const s = await open(srv.base, headers);
    assert.equal(s.res.status, 401, JSON.stringify(headers));
    assert.match(s.res.headers.get('content-type'), /^application\/json/);
    if (code) assert.equal(JSON.parse(s.text).error.code, code);
  }
  const q = await srv.req('GET', '/api/v1/events?since=1', { token: admin.token });
  assert.equal(q.status, 400);
  assert.equal(q.body.error.field, 'since');
});

test('a session gets a hello, then a change naming "customer" within 3 s of a customer made through the API', async () => {
  const s = await open(srv.base, { Cookie: cookie });
  assert.equal(s.res.status, 200);
  assert.equal(s.res.headers.get('content-type'), 'text/event-stream');
  assert.equal(s.res.headers.get('cache-control'), 'no-store');
  assert.equal(s.res.headers.get('x-accel-buffering'), 'no');
  assert.equal(s.res.headers.get('x-content-type-options'), 'nosniff');
  const hello = await s.next();
  assert.equal(hello.event, 'hello');
  assert.equal(hello.retry, 3000);
  assert.deepEqual(Object.keys(hello.data), ['seq']);
  assert.ok(Number.isInteger(hello.data.seq));
  const started = Date.now();
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '实时更新客户' }) });
  assert.equal(made.status, 201);
  const change = await s.next(isChange('customer'), 3000);
  assert.ok(change, `no change event within 3 s: ${JSON.stringify(s.events)}`);
  assert.ok(Date.now() - started <= 3000);
  // Names only: no id, no value, nothing that could cross a region.
  assert.deepEqual(Object.keys(change.data).sort(), ['entities', 'seq']);
  for (const name of change.data.entities) assert.match(name, /^[a-z0-9_]+$/);
  assert.ok(!JSON.stringify(change).includes('实时更新客户'));
  assert.ok(change.data.seq > hello.data.seq);
  s.close();
});

test('a Bearer token works the same; two streams both get the change, with one sequence number', async () => {
  const a = await open(srv.base, { Authorization: `Bearer ${admin.token}` });
  const b = await open(srv.base, { Cookie: cookie });
  assert.equal(a.res.status, 200);
  assert.equal(b.res.status, 200);
  assert.equal((await a.next()).event, 'hello');
  assert.equal((await b.next()).event, 'hello');
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '两路客户' }) });
  assert.equal(made.status, 201);
  const ea = await a.next(isChange('customer'));
  const eb = await b.next(isChange('customer'));
  assert.ok(ea && eb, 'both streams hear of the change');
  assert.equal(ea.data.seq, eb.data.seq);
  a.close();
  b.close();
});

test('a sign-in is no change; the next real change names only what changed', async () => {
  const s = await open(srv.base, { Authorization: `Bearer ${admin.token}` });
  assert.equal((await s.next()).event, 'hello');
  const login = await srv.req('POST', '/api/v1/auth/login', { body: { username: agent.username, password: 'agent-password-1' } });
  assert.equal(login.status, 200);
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '登录之后' }) });
  assert.equal(made.status, 201);
  const change = await s.next((e) => e.event === 'change');
  assert.deepEqual(change.data.entities, ['customer']);
  s.close();
});

test('HEAD answers the stream headers without opening a stream', async () => {
  const r = await fetch(`${srv.base}/api/v1/events`, { method: 'HEAD', headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/event-stream');
});

test('a client that goes away frees its stream within seconds, and the server keeps answering', async () => {
  const leaver = srv.user('agent', { regions: ['330000'] });
  const s = await open(srv.base, { Authorization: `Bearer ${leaver.token}` });
  assert.equal((await s.next()).event, 'hello');
  s.close();
  // The stream's connection was suspended (libmicrohttpd would not notice the hang-up): the
  // watcher finds it and the request completes, writing its log line.
  const line = new RegExp(`route=/api/v1/events .*status=200 .*user=${leaver.username} `);
  let freed = false;
  for (let i = 0; i < 60 && !freed; i++) {
    await sleep(100);
    freed = line.test(readFileSync(srv.logPath, 'utf8'));
  }
  assert.ok(freed, 'the stream of a closed client was not released');
  assert.equal((await srv.req('GET', '/api/v1/health')).status, 200);
});

test('at most 200 streams: the next is a 503 with Retry-After; closing them frees the places', async () => {
  const many = srv.user('dispatcher', { regions: ['330000'] });
  const auth = { Authorization: `Bearer ${many.token}` };
  const streams = await Promise.all(Array.from({ length: 200 }, () => open(srv.base, auth)));
  assert.deepEqual([...new Set(streams.map((s) => s.res.status))], [200]);
  const extra = await open(srv.base, auth);
  assert.equal(extra.res.status, 503);
  assert.equal(JSON.parse(extra.text).error.code, 'unavailable');
  assert.ok(Number(extra.res.headers.get('retry-after')) > 0);
  // Every one of the 200 is live: a change reaches them all.
  await Promise.all(streams.map((s) => s.next((e) => e.event === 'hello')));
  const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '二百路客户' }) });
  assert.equal(made.status, 201);
  const heard = await Promise.all(streams.map((s) => s.next(isChange('customer'), 5000)));
  assert.equal(heard.filter(Boolean).length, 200);
  for (const s of streams) s.close();
  // Each closed stream completes (its log line), and its place is free again.
  const line = new RegExp(`route=/api/v1/events .*status=200 .*user=${many.username} `, 'g');
  let released = 0;
  for (let i = 0; i < 100 && released < 200; i++) {
    await sleep(100);
    released = (readFileSync(srv.logPath, 'utf8').match(line) || []).length;
  }
  assert.equal(released, 200, 'every closed stream was released');
  const again = await open(srv.base, auth);
  assert.equal(again.res.status, 200, 'closed streams gave their places back');
  again.close();
});

test('a change made on another node reaches this node\'s streams (the audit table is the source)', async () => {
  const other = await srv.startNode();
  try {
    const s = await open(other.base, { Authorization: `Bearer ${admin.token}` });
    assert.equal(s.res.status, 200);
    assert.equal((await s.next()).event, 'hello');
    const made = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: '另一节点客户' }) });
    assert.equal(made.status, 201);
    assert.ok(await s.next(isChange('customer'), 3000), 'the other node heard of the change');
    // While the stream is open the other node stops: it ends the stream and exits cleanly.
    const code = await other.stop();
    assert.equal(code, 0, other.log());
    assert.ok(await s.ended(3000), 'the stream ended with the server');
  } finally {
    await other.stop();
  }
});

test('pings keep an idle stream alive, and a stream ends after its lifetime (then the browser reconnects)', async () => {
  const quick = await srv.startNode({ SHOUHOU_EVENTS_PING_SECONDS: '1', SHOUHOU_EVENTS_LIFETIME_SECONDS: '4' });
  try {
    const started = Date.now();
    const s = await open(quick.base, { Authorization: `Bearer ${admin.token}` });
    assert.equal((await s.next()).event, 'hello');
    const ping = await s.next((e) => e.comments.includes('ping'), 3000);
    assert.ok(ping, 'a ": ping" comment');
    assert.equal(ping.event, 'message');
    assert.equal(ping.data, null, 'a comment only: EventSource dispatches nothing');
    assert.ok(await s.ended(6000), 'the stream ended');
    const took = Date.now() - started;
    assert.ok(took >= 3500 && took < 7000, `ended after ${took} ms`);
    await sleep(200);
    assert.match(quick.log(), /route=\/api\/v1\/events .*status=200 duration_ms=\d+/);
    assert.doesNotMatch(quick.log(), /route=\/api\/v1\/events .*aborted=true/, 'a clean end, not an abort');
  } finally {
    assert.equal(await quick.stop(), 0);
  }
});
