// surveys.test.js — /api/v1/surveys, mirroring src/api/surveys.c: satisfaction survey
// campaigns (SPEC D4): the campaign months of the setting survey.campaign_months (unset: 422),
// questions, targets (by id and by filter, within the caller's regions, duplicates skipped),
// draft → open → closed, one response per target with every required question answered, and
// the results per question worked out by hand below. /* EVIDENCE: SPEC D4 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, customerBody } from './lib/harness.js';

let srv, admin, head, agent330, head330;
const cust = {};
before(async () => {
  srv = await startServer();
  admin = srv.user('admin');
  head = srv.user('department_head');
  agent330 = srv.user('agent', { regions: ['330000'] });
  head330 = srv.user('department_head', { regions: ['330000'] });
  const make = async (key, over) => {
    const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customerBody({ name: `客户${key}`, ...over }) });
    assert.equal(r.status, 201, r.text);
    cust[key] = r.body;
  };
  await make('A', { key_customer: true });                                                          // 杭州, enterprise
  await make('B', { customer_group: 'school', product_types: ['perimeter_alarm'] });               // 杭州
  await make('C', { region_code: '110101', key_customer: true, customer_group: 'government', addresses: [] });
  await make('E', { region_code: '440305', customer_group: 'hospital', addresses: [] });
  await make('F', { region_code: '440305', customer_group: 'hospital', addresses: [] });
  await make('G', { region_code: '440305', customer_group: 'other', addresses: [] });             // never a target
});
after(async () => { await srv.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.equal(r.body.error.code, code, `code: ${r.text}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `field: ${r.text}`);
}

const questions = [
  { text: '您对我们的服务总体打几分?', kind: 'score' },
  { text: '技术人员是否按约定时间上门?', kind: 'yes_no', required: true },
  { text: '您还有什么意见或建议?', kind: 'text', required: false },
];
const post = (path, body, token = head.token) => srv.req('POST', path, { token, body });
const get = (path, token = head.token) => srv.req('GET', path, { token });

test('without dates a campaign needs survey.campaign_months: 422 setting_unset until an administrator sets it, then it runs over those months', async () => {
  assertError(await post('/api/v1/surveys', { name: '年度满意度调查', questions }), 422, 'setting_unset', 'survey.campaign_months');
  const set = await srv.req('PUT', '/api/v1/settings/survey.campaign_months', { token: admin.token, body: { value: '7,6', version: 0 } });
  assert.equal(set.status, 200, set.text);
  const y27 = await post('/api/v1/surveys', { name: '2027年度调查', year: 2027, questions });
  assert.equal(y27.status, 201, y27.text);
  // months 6 and 7, in either order: from 1 June to 31 July
  assert.equal(y27.body.starts_on, '2027-06-01');
  assert.equal(y27.body.ends_on, '2027-07-31');
  assert.equal(y27.body.status, 'draft');
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const now = await post('/api/v1/surveys', { name: '本年度调查', questions });
  assert.equal(now.body.starts_on, `${year}-06-01`);
  assert.equal(now.body.ends_on, `${year}-07-31`);
  const set2 = await srv.req('PUT', '/api/v1/settings/survey.campaign_months', { token: admin.token, body: { value: '2', version: set.body.version } });
  assert.equal(set2.status, 200, set2.text);
  const leap = await post('/api/v1/surveys', { name: '2028年2月调查', year: 2028, questions });
  assert.equal(leap.body.starts_on, '2028-02-01');
  assert.equal(leap.body.ends_on, '2028-02-29'); // 2028 is a leap year
  // several campaigns in one year are allowed; explicit dates need no setting
  const own = await post('/api/v1/surveys', { name: '秋季回访调查', starts_on: '2027-09-01', ends_on: '2027-09-30', questions });
  assert.equal(own.status, 201);
  assert.equal(own.body.starts_on, '2027-09-01');
});

test('a campaign is checked: questions, kinds, both dates or neither, end not before start', async () => {
  const base = { name: '调查', starts_on: '2026-06-01', ends_on: '2026-07-31' };
  assertError(await post('/api/v1/surveys', { ...base, questions: [] }), 422, 'field_required', 'questions');
  assertError(await post('/api/v1/surveys', { ...base }), 422, 'field_required', 'questions');
  assertError(await post('/api/v1/surveys', { ...base, questions: [questions[0], { text: '?', kind: 'stars' }] }), 422, 'invalid_choice', 'questions[1].kind');
  assertError(await post('/api/v1/surveys', { ...base, questions: [{ kind: 'score' }] }), 422, 'field_required', 'questions[0].text');
  assertError(await post('/api/v1/surveys', { ...base, questions: 'q' }), 400, 'wrong_type', 'questions');
  assertError(await post('/api/v1/surveys', { name: '调查', starts_on: '2026-06-01', questions }), 422, 'field_required', 'ends_on');
  assertError(await post('/api/v1/surveys', { ...base, ends_on: '2026-05-31', questions }), 422, 'end_before_start', 'ends_on');
  assertError(await post('/api/v1/surveys', { ...base, starts_on: '2026-02-30', questions }), 422, 'invalid_date', 'starts_on');
  assertError(await post('/api/v1/surveys', { ...base, questions }, srv.user('agent').token), 403, 'forbidden');
  assertError(await get('/api/v1/surveys/999999'), 404, 'not_found');
});

test('a survey from draft to closed: targets, responses, results per question worked out by hand', async () => {
  const s = await post('/api/v1/surveys', { name: '2026年度客户满意度调查', starts_on: '2026-06-01', ends_on: '2026-07-31', note: '上半年使用情况', questions });
  assert.equal(s.status, 201, s.text);
  const [q1, q2, q3] = s.body.questions;
  assert.deepEqual(s.body.questions.map((q) => [q.ordinal, q.kind, q.required]), [[1, 'score', true], [2, 'yes_no', true], [3, 'text', false]]);
  const id = s.body.id;

  // targets: by id (a repeat adds nothing), by region, by key customer, by group
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [cust.A.id] })).body, { added: 1 });
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [cust.A.id, cust.A.id] })).body, { added: 0 });
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { region_code: '330000' })).body, { added: 1 }); // B (A already)
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { key_only: true })).body, { added: 1 });        // C (A already)
  assertError(await post(`/api/v1/surveys/${id}/targets`, {}), 422, 'field_required', 'customer_ids');
  assertError(await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [999999] }), 422, 'unknown_customer', 'customer_ids[0]');
  // a manager of Zhejiang cannot target a customer in Guangdong
  assertError(await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [cust.A.id, cust.E.id] }, head330.token), 422, 'unknown_customer', 'customer_ids[1]');
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { customer_group: 'hospital' }, head330.token)).body, { added: 0 });

  let t = await get(`/api/v1/surveys/${id}/targets`);
  assert.deepEqual(t.body.items.map((x) => x.customer_name), ['客户A', '客户B', '客户C']);
  assert.equal(t.body.total, 3);
  assert.equal(t.body.items[0].phone, '0571-88886666');
  assert.equal(t.body.items[0].contact_phone, '13800001111');
  assert.ok(t.body.items.every((x) => x.status === 'pending'));
  t = await get(`/api/v1/surveys/${id}/targets`, agent330.token); // the desk of Zhejiang sees its own
  assert.deepEqual(t.body.items.map((x) => x.customer_name), ['客户A', '客户B']);

  // not open yet
  assertError(await post(`/api/v1/surveys/${id}/responses`, { customer_id: cust.A.id, declined: true }, agent330.token), 409, 'survey_not_open', 'status');
  const renamed = await srv.req('PATCH', `/api/v1/surveys/${id}`, { token: head.token, body: { version: 1, name: '2026年度满意度调查' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.body.version, 2);
  assertError(await post(`/api/v1/surveys/${id}/open`, { version: 1 }), 409, 'stale_version');
  const opened = await post(`/api/v1/surveys/${id}/open`, { version: 2 });
  assert.equal(opened.body.status, 'open');
  assertError(await srv.req('PATCH', `/api/v1/surveys/${id}`, { token: head.token, body: { version: 3, note: 'x' } }), 409, 'survey_not_draft', 'status');
  assertError(await post(`/api/v1/surveys/${id}/open`, { version: 3 }), 409, 'survey_not_draft');
  // targets may still be added while open: E and F by group
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { customer_group: 'hospital' })).body, { added: 2 });

  const respond = (customer, body, token = admin.token) => post(`/api/v1/surveys/${id}/responses`, { customer_id: customer.id, ...body }, token);
  const A = await respond(cust.A, { answers: [{ question_id: q1.id, score: 5 }, { question_id: q2.id, yes: true }, { question_id: q3.id, text: '服务很好' }] }, agent330.token);
  assert.equal(A.status, 201, A.text);
  assert.equal(A.body.status, 'answered');
  assertError(await respond(cust.A, { declined: true }), 409, 'already_answered', 'customer_id');
  assertError(await respond(cust.G, { declined: true }), 422, 'not_a_target', 'customer_id');
  // the desk of Zhejiang cannot answer for a customer in Guangdong
  assertError(await respond(cust.E, { declined: true }, agent330.token), 422, 'not_a_target', 'customer_id');
  assertError(await respond(cust.B, { answers: [{ question_id: q1.id, score: 3 }] }), 422, 'field_required', `answers[question_id=${q2.id}]`);
  assertError(await respond(cust.B, { answers: [{ question_id: q1.id, score: 6 }] }), 422, 'out_of_range', 'answers[0].score');
  assertError(await respond(cust.B, { answers: [{ question_id: q1.id, text: '3分' }] }), 422, 'field_not_applicable', 'answers[0].text');
  assertError(await respond(cust.B, { answers: [{ question_id: q2.id }] }), 422, 'field_required', 'answers[0].yes');
  assertError(await respond(cust.B, { answers: [{ question_id: 999999, score: 3 }] }), 422, 'unknown_question', 'answers[0].question_id');
  assertError(await respond(cust.B, { answers: [{ question_id: q1.id, score: 3 }, { question_id: q1.id, score: 4 }] }), 422, 'duplicate', 'answers[1].question_id');
  assertError(await respond(cust.B, { declined: true, answers: [{ question_id: q1.id, score: 3 }] }), 422, 'field_not_applicable', 'answers');
  assert.equal((await respond(cust.B, { answers: [{ question_id: q1.id, score: 3 }, { question_id: q2.id, yes: false }] })).status, 201);
  assert.equal((await respond(cust.C, { declined: true })).body.status, 'declined');
  assert.equal((await respond(cust.E, { answers: [{ question_id: q2.id, yes: true }, { question_id: q1.id, score: 4 }] })).status, 201);
  assert.equal((await respond(cust.F, { answers: [{ question_id: q1.id, score: 5 }, { question_id: q2.id, yes: true }, { question_id: q3.id, text: '希望响应再快一些' }] })).status, 201);

  const g = await get(`/api/v1/surveys/${id}`);
  assert.deepEqual(g.body.progress, { targets: 5, pending: 0, answered: 4, declined: 1 });
  const r = await get(`/api/v1/surveys/${id}/results`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.satisfied_min_score, 4);
  const [r1, r2, r3] = r.body.questions;
  // Q1 scores A 5, B 3, E 4, F 5: 4 answers, sum 17, 17 / 4 = 4.25 → 4.3 (half up) = 43
  // tenths; satisfied (≥ 4): A, E, F = 3 of 4 → 750 ‰.
  assert.equal(r1.count, 4);
  assert.deepEqual(r1.distribution, { 1: 0, 2: 0, 3: 1, 4: 1, 5: 2 });
  assert.equal(r1.average_tenths, 43);
  assert.equal(r1.satisfied, 3);
  assert.equal(r1.satisfied_permille, 750);
  // Q2: yes A, E, F; no B → 3 of 4 = 750 ‰.
  assert.deepEqual([r2.count, r2.yes, r2.no, r2.yes_permille], [4, 3, 1, 750]);
  // Q3: the two texts (newest first; both answers may fall in the same second).
  assert.equal(r3.count, 2);
  assert.deepEqual(r3.answers.map((a) => a.text).sort(), ['希望响应再快一些', '服务很好'].sort());
  assert.equal(r3.answers_capped, false);
  // In the Zhejiang desk's scope only A and B count: scores 5, 3 → 40 tenths, 1 of 2 → 500 ‰.
  const z = await get(`/api/v1/surveys/${id}/results`, agent330.token);
  assert.deepEqual([z.body.questions[0].count, z.body.questions[0].average_tenths, z.body.questions[0].satisfied_permille], [2, 40, 500]);
  assert.deepEqual(z.body.progress, { targets: 2, pending: 0, answered: 2, declined: 0 }); // C (declined) is in Beijing

  // closing ends the answers and the targets
  assertError(await post(`/api/v1/surveys/${id}/close`, { version: 2 }), 409, 'stale_version');
  const closed = await post(`/api/v1/surveys/${id}/close`, { version: 3 });
  assert.equal(closed.body.status, 'closed');
  assertError(await post(`/api/v1/surveys/${id}/close`, { version: 4 }), 409, 'survey_not_open');
  assertError(await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [cust.G.id] }), 409, 'survey_closed');
  assertError(await respond(cust.G, { declined: true }), 409, 'survey_not_open');

  const list = await get('/api/v1/surveys?status=closed');
  assert.ok(list.body.items.some((x) => x.id === id));
  assert.ok(list.body.items.every((x) => x.status === 'closed'));
  const audit = await srv.req('GET', `/api/v1/audit?entity=survey&entity_id=${id}`, { token: admin.token });
  const actions = audit.body.items.map((a) => a.action).reverse();
  assert.deepEqual(actions.filter((a) => a !== 'targets'), ['create', 'update', 'open', 'response', 'response', 'response', 'response', 'response', 'close']);
  assert.equal(actions.filter((a) => a === 'targets').length, 6);
});

test('a draft survey\'s questions are replaced as a whole', async () => {
  const s = await post('/api/v1/surveys', { name: '问题替换', starts_on: '2026-06-01', ends_on: '2026-06-30', questions });
  const p = await srv.req('PATCH', `/api/v1/surveys/${s.body.id}`, { token: head.token, body: { version: 1, questions: [{ text: '是否满意?', kind: 'yes_no' }] } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.body.questions.map((q) => [q.ordinal, q.text, q.kind, q.required]), [[1, '是否满意?', 'yes_no', true]]);
  assertError(await srv.req('PATCH', `/api/v1/surveys/${s.body.id}`, { token: head.token, body: { version: 2, year: 2027 } }), 422, 'field_not_applicable', 'year');
  assertError(await srv.req('PATCH', `/api/v1/surveys/${s.body.id}`, { token: head.token, body: { version: 2, ends_on: '2026-05-01' } }), 422, 'end_before_start', 'ends_on');
});

test('campaign months across the year end: 12,1 runs from December into the next January, not over the whole year', async () => {
  const all = await get('/api/v1/settings', admin.token);
  assert.equal(all.status, 200, all.text);
  const items = all.body.items || all.body;
  let { version } = items.find((x) => x.key === 'survey.campaign_months');
  const months = async (value) => {
    const r = await srv.req('PUT', '/api/v1/settings/survey.campaign_months', { token: admin.token, body: { value, version } });
    assert.equal(r.status, 200, r.text);
    version = r.body.version;
  };
  const dates = async (year) => {
    const r = await post('/api/v1/surveys', { name: `跨年调查${year}`, year, questions });
    return r.status === 201 ? [r.body.starts_on, r.body.ends_on] : r;
  };
  // 12 then 1: the two adjacent months of the cycle — 2026-12-01 to 2027-01-31 (31 days)
  await months('12,1');
  assert.deepEqual(await dates(2026), ['2026-12-01', '2027-01-31']);
  // 1,11,12 (any order): November to January; February of a leap year ends on the 29th
  await months('1,11,12');
  assert.deepEqual(await dates(2026), ['2026-11-01', '2027-01-31']);
  await months('2,12');
  assert.deepEqual(await dates(2027), ['2027-12-01', '2028-02-29']);
  // the gaps tie (3..9 skips 4-8, 9..3 skips 10-2, five months each): the run inside the year
  await months('3,9');
  assert.deepEqual(await dates(2026), ['2026-03-01', '2026-09-30']);
  // a campaign starting in December 9999 would end in the year 10000
  await months('12,1');
  assertError(await dates(9999), 422, 'out_of_range', 'year');
  await months('6,7');
  assert.deepEqual(await dates(2026), ['2026-06-01', '2026-07-31']);
});

test('rates round down and averages round half up, worked by hand; one response per target even when sent at once', async () => {
  const s = await post('/api/v1/surveys', { name: '取整', starts_on: '2026-06-01', ends_on: '2026-06-30', questions: questions.slice(0, 2) });
  assert.equal(s.status, 201, s.text);
  const [q1, q2] = s.body.questions;
  const id = s.body.id;
  assert.deepEqual((await post(`/api/v1/surveys/${id}/targets`, { customer_ids: [cust.A.id, cust.B.id, cust.E.id] })).body, { added: 3 });
  assert.equal((await post(`/api/v1/surveys/${id}/open`, { version: 1 })).status, 200);
  // Eight identical responses for A at the same moment: exactly one is recorded.
  const body = { customer_id: cust.A.id, answers: [{ question_id: q1.id, score: 5 }, { question_id: q2.id, yes: true }] };
  const at_once = await Promise.all(Array.from({ length: 8 }, () => post(`/api/v1/surveys/${id}/responses`, body, admin.token)));
  assert.deepEqual(at_once.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409], at_once.map((r) => r.text).join('\n'));
  assert.ok(at_once.filter((r) => r.status === 409).every((r) => r.body.error.code === 'already_answered'));
  const answer = async (c, score, yes) => assert.equal((await post(`/api/v1/surveys/${id}/responses`, { customer_id: c.id, answers: [{ question_id: q1.id, score }, { question_id: q2.id, yes }] }, admin.token)).status, 201);
  await answer(cust.B, 4, false);
  await answer(cust.E, 3, false);
  const r = await get(`/api/v1/surveys/${id}/results`);
  assert.equal(r.status, 200, r.text);
  const [r1, r2] = r.body.questions;
  // Q1: 5, 4, 3 → sum 12, 12 / 3 = 4.0 → 40 tenths; satisfied (≥ 4) 2 of 3 → 666.7 → 666 ‰
  // (rounded down, never up to 667).
  assert.deepEqual([r1.count, r1.average_tenths, r1.satisfied, r1.satisfied_permille], [3, 40, 2, 666]);
  // Q2: yes 1 of 3 → 333.3 → 333 ‰.
  assert.deepEqual([r2.count, r2.yes, r2.no, r2.yes_permille], [3, 1, 2, 333]);
  // exactly one answer row per question for A
  assert.deepEqual(r1.distribution, { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 });
  assert.deepEqual((await get(`/api/v1/surveys/${id}`)).body.progress, { targets: 3, pending: 0, answered: 3, declined: 0 });
});
