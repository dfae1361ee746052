// health.test.js — the public health endpoint and the shape of errors for unknown paths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, driver } from './lib/harness.js';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('health answers ok with the database kind and schema version', async () => {
  const r = await srv.req('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.database, driver);
  assert.ok(r.body.schema_version >= 1);
});

test('an unknown path is a 404 in the error shape, in Chinese by default', async () => {
  const r = await srv.req('GET', '/api/v1/no-such-thing');
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'field', 'message']);
  assert.equal(r.body.error.code, 'not_found');
  assert.equal(r.body.error.message, '访问资源不存在');
});

test('a known path with another method is a 405 naming the allowed methods', async () => {
  const r = await srv.req('DELETE', '/api/v1/health');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
});
