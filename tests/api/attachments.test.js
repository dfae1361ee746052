// attachments.test.js — photos and documents on a ticket (SPEC C4; DESIGN.md "Data
// conventions"): multipart upload checked before anything is stored — size against the
// setting attachments.max_bytes, type by the bytes themselves, the file name reduced to a
// plain name — kept in the database with its SHA-256, served back byte for byte with
// Content-Disposition and nosniff, listed on the ticket and its timeline, and visible
// exactly when the ticket is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, tech, outsider, ticket;

// The smallest valid PNG (1×1) and a PDF header: what the server recognises by content.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  tech = srv.user('technician', { regions: ['330000'] });
  outsider = srv.user('technician', { regions: ['330000'] });
  const c = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody() });
  assert.equal(c.status, 201, c.text);
  let r = await srv.req('POST', '/api/v1/tickets', { token: admin.token, body: { customer_id: c.body.id, fault: '摄像头画面模糊' } });
  assert.equal(r.status, 201, r.text);
  r = await srv.req('POST', `/api/v1/tickets/${r.body.id}/assign`, { token: admin.token, body: { technician_id: tech.id, version: r.body.version } });
  assert.equal(r.status, 200, r.text);
  ticket = r.body;
});
after(async () => { await srv.stop(); });

function upload(token, { name = 'photo.png', type = 'image/png', data = PNG, kind, id = ticket.id } = {}) {
  const form = new FormData();
  form.append('file', new Blob([data], { type }), name);
  if (kind) form.append('kind', kind);
  return fetch(`${srv.base}/api/v1/tickets/${id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
    .then(async (res) => ({ status: res.status, body: await res.json().catch(() => null) }));
}

test('a photo goes in, comes back byte for byte, inline, nosniff, with its SHA-256', async () => {
  const r = await upload(tech.token, { name: '现场照片.png' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.name, '现场照片.png');
  assert.equal(r.body.content_type, 'image/png');
  assert.equal(r.body.size, PNG.length);
  assert.equal(r.body.sha256, createHash('sha256').update(PNG).digest('hex'));
  const res = await fetch(`${srv.base}/api/v1/attachments/${r.body.id}`, { headers: { Authorization: `Bearer ${tech.token}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-disposition'), /^inline; filename="[^"/\\]*"; filename\*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87\.png$/);
  const t = await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: tech.token });
  assert.ok(t.body.attachments.some((a) => a.id === r.body.id && a.kind === 'photo'));
  const tl = await srv.req('GET', `/api/v1/tickets/${ticket.id}/timeline`, { token: tech.token });
  assert.equal(tl.body.items.at(-1).kind, 'attachment');
});

test('a document (PDF) is served as a download, not inline', async () => {
    const r = await upload(tech.token, { name: '责任界定确认书.pdf', type: 'application/pdf', data: PDF });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.kind, 'document', 'without a kind a PDF is a document');
  const res = await fetch(`${srv.base}/api/v1/attachments/${r.body.id}`, { headers: { Authorization: `Bearer ${tech.token}` } });
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /^attachment; /);
});

test('a name that tries to leave its folder is reduced to a plain file name', async () => {
  for (const [name, want] of [['../../etc/passwd.png', 'passwd.png'], ['..\\..\\boot.png', 'boot.png'], ['C:\\照片\\a.png', 'a.png']]) {
    const r = await upload(tech.token, { name });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, want, name);
  }
});

test('wrong types are refused before anything is stored', async () => {
  // A script that claims to be a photo: the bytes decide.
  let r = await upload(tech.token, { name: 'x.png', type: 'image/png', data: Buffer.from('<script>alert(1)</script>') });
  assert.equal(r.status, 415);
  assert.equal(r.body.error.code, 'file_type_not_allowed');
  // A real PNG declared as a PDF.
  r = await upload(tech.token, { name: 'x.pdf', type: 'application/pdf', data: PNG });
  assert.equal(r.status, 415);
  assert.equal(r.body.error.code, 'file_type_mismatch');
  r = await upload(tech.token, { kind: 'virus' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'kind');
  // JSON instead of a form.
    const j = await srv.req('POST', `/api/v1/tickets/${ticket.id}/attachments`, { token: tech.token, body: { file: 'x' } });
  assert.equal(j.status, 415);
  assert.equal(j.body.error.code, 'not_multipart');
  const t = await srv.req('GET', `/api/v1/tickets/${ticket.id}`, { token: tech.token });
  assert.ok(t.body.attachments.every((a) => a.content_type === 'image/png' || a.content_type === 'application/pdf'));
});

test('too large for the setting: 413 naming the limit', async () => {
  const s = await srv.req('GET', '/api/v1/settings', { token: admin.token });
  const list = s.body.items || s.body;
  const row = list.find((x) => x.key === 'attachments.max_bytes');
  const put = await srv.req('PUT', '/api/v1/settings/attachments.max_bytes', { token: admin.token, body: { value: 2048, version: row.version } });
  assert.equal(put.status, 200, put.text);
  const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
  const r = await upload(tech.token, { data: big });
  assert.equal(r.status, 413);
    assert.equal(r.body.error.code, 'file_too_large');
  assert.equal(r.body.error.field, 'file');
  assert.ok(r.body.error.message.includes('2048'), r.body.error.message);
});

test('visibility is the ticket\'s: another technician gets 404 on upload and download', async () => {
  const mine = await upload(tech.token);
  assert.equal(mine.status, 201);
  assert.equal((await upload(outsider.token)).status, 404);
  const res = await fetch(`${srv.base}/api/v1/attachments/${mine.body.id}`, { headers: { Authorization: `Bearer ${outsider.token}` } });
  assert.equal(res.status, 404);
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/${mine.body.id}`)).status, 401);
});
