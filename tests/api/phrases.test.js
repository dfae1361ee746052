// phrases.test.js — /api/v1/quick-phrases, mirroring src/api/phrases.c: the desk's quick
// phrases (快捷短语, SPEC D3): the six defaults of migration 0006, create, change with
// versions, delete = disable (kept, hidden from the desk), the text limits, who may do what,
// and the audit rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.js';

let srv, admin, agent, manager;
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  agent = srv.user('agent');
  manager = srv.user('department_head');
});
after(async () => { await srv.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
}

const list = (qs = '', token = agent.token) => srv.req('GET', `/api/v1/quick-phrases${qs}`, { token });

test('the six default phrases of migration 0006 are listed in their order for the desk /* EVIDENCE: SPEC D3 */', async () => {
  const r = await list();
  assert.equal(r.status, 200, r.text);
  const defaults = r.body.items.filter((p) => p.id <= 6);
  assert.deepEqual(defaults.map((p) => p.category), ['greeting', 'visit', 'visit', 'survey', 'complaint', 'closing']);
  assert.deepEqual(defaults.map((p) => p.title), ['开场问候', '询问使用情况', '确认维修效果', '满意度询问', '致歉并记录', '结束语']);
  assert.ok(defaults.every((p) => p.disabled === false && p.version === 1));
  const visit = await list('?category=visit');
  assert.deepEqual(visit.body.items.map((p) => p.title).filter((t) => ['询问使用情况', '确认维修效果'].includes(t)), ['询问使用情况', '确认维修效果']);
  assert.ok(visit.body.items.every((p) => p.category === 'visit'));
});

test('management creates, changes and disables a phrase; the desk no longer sees it, ?all=true does', async () => {
  const c = await srv.req('POST', '/api/v1/quick-phrases', { token: manager.token, body: { category: 'closing', title: '节日问候', text: '祝您节日快乐！', sort: 9 } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.title, '节日问候');
  assert.equal(c.body.sort, 9);
  assert.equal(c.body.version, 1);
  assert.equal(c.body.disabled, false);
  assertError(await srv.req('PATCH', `/api/v1/quick-phrases/${c.body.id}`, { token: manager.token, body: { title: 'x' } }), 422, 'field_required', 'version');
  const p = await srv.req('PATCH', `/api/v1/quick-phrases/${c.body.id}`, { token: manager.token, body: { version: 1, text: '祝您新春快乐！' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.text, '祝您新春快乐！');
  assert.equal(p.body.title, '节日问候');
  assert.equal(p.body.version, 2);
  assertError(await srv.req('PATCH', `/api/v1/quick-phrases/${c.body.id}`, { token: manager.token, body: { version: 1, sort: 1 } }), 409, 'stale_version');
  assertError(await srv.req('DELETE', `/api/v1/quick-phrases/${c.body.id}?version=1`, { token: manager.token }), 409, 'stale_version');
  const d = await srv.req('DELETE', `/api/v1/quick-phrases/${c.body.id}?version=2`, { token: manager.token });
  assert.equal(d.status, 204, d.text);
  assert.ok(!(await list()).body.items.some((x) => x.id === c.body.id), 'hidden from the desk');
  const all = await list('?all=true', manager.token);
  const kept = all.body.items.find((x) => x.id === c.body.id);
  assert.equal(kept.disabled, true);
  assert.equal(kept.version, 3);
  // enabled again by a change
  const back = await srv.req('PATCH', `/api/v1/quick-phrases/${c.body.id}`, { token: admin.token, body: { version: 3, disabled: false } });
  assert.equal(back.body.disabled, false);
  assert.ok((await list()).body.items.some((x) => x.id === c.body.id));
  const audit = await srv.req('GET', `/api/v1/audit?entity=quick_phrase&entity_id=${c.body.id}`, { token: admin.token });
  assert.deepEqual(audit.body.items.map((a) => a.action).reverse(), ['create', 'update', 'delete', 'update']);
  const upd = audit.body.items.find((a) => a.action === 'delete');
  assert.deepEqual(upd.changes.disabled, { old: false, new: true });
});

test('the desk may not see disabled phrases, nor change any (403)', async () => {
  assertError(await list('?all=true', agent.token), 403, 'forbidden');
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: agent.token, body: { category: 'x', title: 'x', text: 'x' } }), 403, 'forbidden');
  assertError(await srv.req('PATCH', '/api/v1/quick-phrases/1', { token: agent.token, body: { version: 1 } }), 403, 'forbidden');
  assertError(await srv.req('DELETE', '/api/v1/quick-phrases/1?version=1', { token: agent.token }), 403, 'forbidden');
  const dealer = srv.user('dealer');
  assertError(await list('', dealer.token), 403, 'forbidden');
});

test('title ≤ 50 and text ≤ 500 characters, counted in characters; required fields and bad input named', async () => {
  const ok = await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: { category: '问候', title: '华'.repeat(50), text: '好'.repeat(500) } });
  assert.equal(ok.status, 201, ok.text);
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: { category: 'a', title: '华'.repeat(51), text: 't' } }), 422, 'field_length', 'title');
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: { category: 'a', title: 't', text: '好'.repeat(501) } }), 422, 'field_length', 'text');
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: { category: 'a', title: 't' } }), 422, 'field_required', 'text');
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: { category: 'a', title: 't', text: 'x', disabled: true } }), 400, 'unknown_field', 'disabled');
  assertError(await srv.req('POST', '/api/v1/quick-phrases', { token: admin.token, body: Buffer.concat([Buffer.from('{"category":"a","title":"'), Buffer.from([0xff]), Buffer.from('","text":"x"}')]) }), 400, 'invalid_utf8');
  assertError(await list('?all=yes', admin.token), 400, 'invalid_parameter', 'all');
  assertError(await srv.req('PATCH', '/api/v1/quick-phrases/999999', { token: admin.token, body: { version: 1 } }), 404, 'not_found');
});
