// records.js — one record of every kind that has an `{id}` route, made through the API in one
// region, for the access tests (csrf_all.test.js, isolation.test.js): a customer (with its
// contact and address), a dealer, a supplier, a project, a unit, a ticket with a photo, a
// return visit, a complaint with a notice to a department, a survey and a quick phrase. The
// names of the regional records carry `tag`, so a list or an export that leaks one is found by
// searching for it; the company-wide ones (supplier, survey, phrase: every region sees them by
// design) carry `globalTag` instead.
import assert from 'node:assert/strict';

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const localDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);

async function made(r, status = 201) {
  assert.equal(r.status, status, r.text);
  return r.body;
}

// Uploads a file in a multipart form (the attachment routes), as the web UI does.
export async function upload(srv, path, { token, cookie, csrf } = {}) {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(srv.base + path, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = null; }
  return { status: res.status, body, text };
}

// Makes the records as `token` (a user whose grants cover `region`, a county code such as
// 330106). `responsible` is a staff user of the region the complaint's notice goes to.
// Returns the ids by kind, and the records themselves.
export async function makeRecords(srv, token, { region, tag, globalTag = '公司', responsible }) {
  const post = async (path, body) => made(await srv.req('POST', path, { token, body }));
  const dealer = await post('/api/v1/dealers', { name: `${tag}经销商`, region_code: region });
  const customer = await post('/api/v1/customers', {
    name: `${tag}客户有限公司`, kind: 'company', region_code: region, address: `${tag}路1号`,
    phone: '0571-88886666', responsible_person: '王伟', customer_group: 'enterprise',
    product_types: ['surveillance'], key_customer: false, dealer_id: dealer.id,
    contacts: [{ name: `${tag}联系人`, phone: '13800001111', title: '经理', is_primary: true }],
    addresses: [{ label: '机房', region_code: region, detail: `${tag}路1号3楼`, is_default: true }],
  });
  const supplier = await post('/api/v1/suppliers', { name: `${globalTag}供应商`, region_code: region, contact_person: '吴海', phone: '0574-87651234', supplies: '电机', outsourced: true });
  // Accepted two months ago: in warranty, so the planner gives it visits.
  const project = await post('/api/v1/projects', {
    customer_id: customer.id, name: `${tag}监控工程`, site_region_code: region, site_address: `${tag}路1号`,
    completion_date: localDay(Date.now() - 70 * 86400e3), acceptance_date: localDay(Date.now() - 60 * 86400e3),
  });
  const equipment = await post('/api/v1/equipment', { project_id: project.id, serial_no: `SN-${tag}`, model: 'DS-7816N', name: `${tag}录像机` });
  const ticket = await post('/api/v1/tickets', { customer_id: customer.id, equipment_id: equipment.id, channel: 'hotline', fault: `${tag}录像机无法录像` });
  const attachment = await made(await upload(srv, `/api/v1/tickets/${ticket.id}/attachments`, { token }));
  await made(await srv.req('POST', '/api/v1/visits/plan', { token, body: { project_id: project.id } }), 200);
  const visits = await made(await srv.req('GET', `/api/v1/visits?project_id=${project.id}&page_size=100`, { token }), 200);
  assert.ok(visits.items.length > 0, 'the project has planned visits');
  const visit = visits.items[0];
  let complaint = await post('/api/v1/complaints', {
    customer_id: customer.id, channel: 'hotline', complainant: `${tag}投诉人`, phone: '13800001111',
    facts: `${tag}安装孔距比图纸大`, demand: '补发合格零件', category: 'dimension_tolerance', severity: 'major',
    ticket_id: ticket.id, occurred_on: localDay(Date.now() - 2 * 86400e3),
  });
  complaint = await made(await srv.req('POST', `/api/v1/complaints/${complaint.id}/assign`, { token, body: {
    version: complaint.version, departments: [{ department: 'quality', responsible_id: responsible.id }] } }), 200);
  const survey = await post('/api/v1/surveys', { name: `${globalTag}调查`, starts_on: '2027-09-01', ends_on: '2027-09-30', questions: [{ text: '总体打几分?', kind: 'score' }] });
  const phrase = await post('/api/v1/quick-phrases', { category: 'closing', title: `${globalTag}问候`, text: '祝您节日快乐！' });
  const ids = {
    customer: customer.id, dealer: dealer.id, supplier: supplier.id, project: project.id, equipment: equipment.id,
    ticket: ticket.id, attachment: attachment.id, visit: visit.id, complaint: complaint.id,
    assignment: complaint.assignments[0].id, survey: survey.id, phrase: phrase.id,
  };
  return { ids, customer, dealer, supplier, project, equipment, ticket, attachment, visit, complaint, survey, phrase };
}
