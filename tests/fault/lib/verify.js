// verify.js — after a restart: settle the writes a kill left in doubt, compare what the
// server holds with the journal of acknowledged writes (over the API), and check that
// every ticket's rows agree with each other in the database itself (nothing half-written).
//
// API (other fault tests import this file read-only). Each check returns a list of
// problems (strings); an empty list means it passed.
//   pool(items, n, fn) — runs fn over items, n at a time.
//   reconcile(server, journal, users) — every write in doubt is settled: a creation is
//     sent again with its Idempotency-Key (must answer 201, or 200 with the ticket the lost
//     answer was for); any other write is read back and must show either the state last
//     acknowledged (it was lost) or the state it would leave (it committed) — nothing else.
//   checkRecords(server, journal, records, users) — each record, read over the API, shows
//     exactly the state the journal confirmed (its number too, for tickets).
//   checkTotal(server, journal, users) — the ticket list counts exactly the tickets the
//     journal confirmed: no lost creation, no duplicate.
//   checkDatabase(db, journal, users) — one run of sqlite3 / psql; in the database, for every ticket: one 'created'
//     event first; the timeline (ticket_events) and the audit rows name the same actions in
//     the same order; version = 1 + the versioned actions; status, technician and the
//     three deadlines (met, still watched) follow from the events; the outbox holds one
//     "new fault" row for the dispatcher and one "new dispatch" row per assign for the
//     technician, nothing else; appointment and part rows match their events; a closed
//     ticket has exactly one follow-up visit with its audit row and 'created' event; each
//     Idempotency-Key names one ticket whose fault carries the key; the numbers of each day
//     run 1..last of ticket_counters without a gap; the tickets are exactly the journal's,
//     with its numbers and versions; each customer's version = 1 + its audited updates.
//   sqliteIntegrity(db) — PRAGMA integrity_check is 'ok' and PRAGMA foreign_key_check is
//     empty (run it on a stopped server's file).
import { ticketState, customerState, sameState } from './journal.js';

export async function pool(items, n, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const show = (x) => JSON.stringify(x);

export async function reconcile(server, journal, users) {
  const problems = [];
  await pool(journal.pending(), 8, async (r) => {
    const p = r.pending;
    if (!p.doubt) {
      problems.push(`${p.op} on ${r.key ?? r.id} is pending but was never cut by a kill`);
      return;
    }
    if (p.op === 'create') {
      journal.stats.retried++;
      const res = await server.req('POST', '/api/v1/tickets', { token: users.agent.token, body: p.body, headers: { 'Idempotency-Key': r.key } });
      if ((res.status !== 201 && res.status !== 200) || res.body?.fault !== p.body.fault) {
        problems.push(`retry of create ${r.key} → ${res.status} ${res.text.slice(0, 300)}`);
        return;
      }
      const s = ticketState(res.body);
      // A replay (200) returns the ticket the lost answer was for; nobody acted on it since.
      if (s.version !== 1 || s.status !== 'new') problems.push(`retry of create ${r.key} returned a changed ticket ${show(s)}`);
      if (res.status === 200) journal.stats.replayed++;
      r.id = res.body.id;
      r.number = res.body.number;
      journal.settle(r, res.status === 200, s);
      return;
    }
    const customer = p.op === 'customer';
    const res = await server.req('GET', customer ? `/api/v1/customers/${r.id}` : `/api/v1/tickets/${r.id}`, { token: users.admin.token });
    if (res.status !== 200) {
      problems.push(`GET ${customer ? 'customer' : 'ticket'} ${r.id} after the restart → ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const s = (customer ? customerState : ticketState)(res.body);
    if (sameState(s, r.state)) journal.settle(r, false, r.state);
    else if (sameState(s, p.after)) journal.settle(r, true, p.after);
    else problems.push(`${p.op} on ${customer ? 'customer' : 'ticket'} ${r.id} was in doubt; the server shows ${show(s)}, neither the acknowledged ${show(r.state)} nor the pending ${show(p.after)}`);
  });
  return problems;
}

export async function checkRecords(server, journal, records, users) {
  const problems = [];
  await pool(records.filter((r) => r.state), 8, async (r) => {
    const customer = r.key === undefined;
    const res = await server.req('GET', customer ? `/api/v1/customers/${r.id}` : `/api/v1/tickets/${r.id}`, { token: users.admin.token });
    if (res.status !== 200) {
      problems.push(`GET ${customer ? 'customer' : 'ticket'} ${r.id} → ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const s = (customer ? customerState : ticketState)(res.body);
    if (!sameState(s, r.state)) problems.push(`${customer ? 'customer' : 'ticket'} ${r.id}: acknowledged ${show(r.state)}, server shows ${show(s)}`);
    if (!customer && res.body.number !== r.number) problems.push(`ticket ${r.id}: acknowledged number ${r.number}, server shows ${res.body.number}`);
  });
  return problems;
}

export async function checkTotal(server, journal, users) {
  const res = await server.req('GET', '/api/v1/tickets?page_size=1', { token: users.admin.token });
  const want = journal.confirmedTickets().length;
  if (res.status !== 200) return [`GET /api/v1/tickets → ${res.status}`];
  if (res.body.total_is_lower_bound) return res.body.total <= want ? [] : [`list total ${res.body.total}+ > ${want} tickets`];
  return res.body.total === want ? [] : [`the list counts ${res.body.total} tickets, the journal confirmed ${want}`];
}

// The actions that save the ticket under its version (ticket_require_version).
const VERSIONED = new Set(['assign', 'record', 'arrive', 'clear', 'close', 'cancel']);
const STATUS_AFTER = { assign: 'assigned', arrive: 'on_site', clear: 'cleared', close: 'closed', cancel: 'cancelled' };

function groupBy(rows, keyCol = 0) {
  const m = new Map();
  for (const r of rows) {
    const k = r[keyCol];
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(r);
  }
  return m;
}

export function checkDatabase(db, journal, users) {
  const problems = [];
  const bad = (msg) => { if (problems.length < 50) problems.push(msg); };
  const [ticketRows, eventRows, auditRows, deadlineRows, outboxRows, appointmentRows, partRows, visitRows,
    visitAuditRows, visitEventRows, keys, counterRows, customerRows, customerAuditRows] = db.queries([
    'SELECT id, number, status, version, coalesce(technician_id, 0), fault FROM tickets ORDER BY id',
    'SELECT ticket_id, kind FROM ticket_events ORDER BY id',
    "SELECT entity_id, action FROM audit WHERE entity = 'ticket' ORDER BY id",
    `SELECT ticket_id, stage, seq, CASE WHEN met_at IS NULL THEN 0 ELSE 1 END,
       CASE WHEN next_check_at IS NULL THEN 0 ELSE 1 END FROM ticket_deadlines ORDER BY ticket_id, stage`,
    'SELECT ticket_id, user_id, subject FROM outbox WHERE ticket_id IS NOT NULL ORDER BY id',
    'SELECT ticket_id, count(*) FROM ticket_appointments GROUP BY ticket_id',
    'SELECT ticket_id, count(*) FROM ticket_parts GROUP BY ticket_id',
    "SELECT ticket_id, id FROM visits WHERE kind = 'followup' AND ticket_id IS NOT NULL",
    "SELECT entity_id, count(*) FROM audit WHERE entity = 'visit' AND action = 'create' GROUP BY entity_id",
    "SELECT visit_id, count(*) FROM visit_events WHERE kind = 'created' GROUP BY visit_id",
    "SELECT key, body, user_id FROM idempotency_keys WHERE route = 'ticket.create'",
    'SELECT day, last FROM ticket_counters',
    'SELECT id, version, note FROM customers',
    "SELECT entity_id, action FROM audit WHERE entity = 'customer' ORDER BY id",
  ]);
  const tickets = ticketRows;
  const events = groupBy(eventRows);
  const audits = groupBy(auditRows);
  const deadlines = groupBy(deadlineRows);
  const outbox = groupBy(outboxRows);
  const appointments = new Map(appointmentRows);
  const parts = new Map(partRows);
  const visits = groupBy(visitRows);
  const visitAudit = new Map(visitAuditRows);
  const visitEvents = new Map(visitEventRows);
  const counters = new Map(counterRows);
  const dispatcher = String(users.dispatcher.id), technician = String(users.technician.id);

  const byId = new Map(tickets.map((t) => [t[0], t]));
  for (const [id, number, status, version, tech] of tickets) {
    const kinds = (events.get(id) || []).map((e) => e[1]);
    const actions = (audits.get(id) || []).map((a) => a[1]);
    const where = `ticket ${id} (${number})`;
    if (kinds[0] !== 'created' || kinds.filter((k) => k === 'created').length !== 1) bad(`${where}: events ${show(kinds)} do not start with exactly one 'created'`);
    const expectAudit = kinds.map((k) => (k === 'created' ? 'create' : k));
    if (!sameState(actions, expectAudit)) bad(`${where}: events ${show(kinds)} but audit ${show(actions)}`);
    const count = (k) => kinds.filter((x) => x === k).length;
    const wantVersion = 1 + kinds.filter((k) => VERSIONED.has(k)).length;
    if (Number(version) !== wantVersion) bad(`${where}: version ${version}, its events make ${wantVersion}`);
    let wantStatus = 'new';
    for (const k of kinds) if (STATUS_AFTER[k]) wantStatus = STATUS_AFTER[k];
    if (status !== wantStatus) bad(`${where}: status ${status}, its events make ${wantStatus}`);
    if (tech !== (count('assign') ? technician : '0')) bad(`${where}: technician ${tech} after ${count('assign')} assigns`);
    // The three stages: met once arrived (on site) or cleared (all three); watched while
    // unmet on an open ticket.
    const closed = status === 'closed' || status === 'cancelled';
    const met = { onsite: count('arrive') + count('clear') > 0, clear: count('clear') > 0, substitute: count('clear') > 0 };
    const dl = deadlines.get(id) || [];
    const stages = dl.map((d) => `${d[1]}/${d[2]}`).sort();
    if (!sameState(stages, ['clear/0', 'onsite/0', 'substitute/0'])) bad(`${where}: deadlines ${show(stages)}`);
    for (const [, stage, , isMet, watched] of dl) {
      if ((isMet === '1') !== met[stage]) bad(`${where}: ${stage} met=${isMet} after events ${show(kinds)}`);
      const wantWatched = !closed && !met[stage];
      if ((watched === '1') !== wantWatched) bad(`${where}: ${stage} watched=${watched}, expected ${wantWatched}`);
    }
    // Notifications written in the same units: the new fault to the region's dispatcher,
    // each dispatch to the technician; nothing else for these tickets.
    const notes = outbox.get(id) || [];
    const newFault = notes.filter((o) => o[2].includes('新报修待派工'));
    const dispatched = notes.filter((o) => o[2].includes('新派工'));
    if (newFault.length !== 1 || newFault[0][1] !== dispatcher) bad(`${where}: ${newFault.length} 'new fault' outbox rows (want 1 for the dispatcher)`);
    if (dispatched.length !== count('assign') || dispatched.some((o) => o[1] !== technician)) bad(`${where}: ${dispatched.length} 'new dispatch' outbox rows for ${count('assign')} assigns`);
    if (notes.length !== newFault.length + dispatched.length) bad(`${where}: unexpected outbox rows ${show(notes.map((o) => o[2]))}`);
    if (Number(appointments.get(id) || 0) !== count('appointment')) bad(`${where}: ${appointments.get(id) || 0} appointments, ${count('appointment')} events`);
    if (Number(parts.get(id) || 0) !== count('part')) bad(`${where}: ${parts.get(id) || 0} parts, ${count('part')} events`);
    const v = visits.get(id) || [];
    if (v.length !== count('close')) bad(`${where}: ${v.length} follow-up visits after ${count('close')} closes`);
    for (const [, vid] of v)
      if (visitAudit.get(vid) !== '1' || visitEvents.get(vid) !== '1') bad(`${where}: follow-up visit ${vid} has ${visitAudit.get(vid) || 0} audit rows and ${visitEvents.get(vid) || 0} events`);
  }

  // Idempotency keys: one per ticket, each naming the ticket whose fault carries it.
  const keyed = new Map();
  for (const [key, body, user] of keys) {
    const t = byId.get(body);
    if (user !== String(users.agent.id)) continue;
    if (!t) bad(`Idempotency-Key ${key} names ticket ${body}, which does not exist`);
    else if (t[5] !== `kill9 ${key}`) bad(`Idempotency-Key ${key} names ticket ${body} of fault ${t[5]}`);
    if (keyed.has(body)) bad(`ticket ${body} has two keys: ${keyed.get(body)} and ${key}`);
    keyed.set(body, key);
  }
  for (const [id] of tickets) if (!keyed.has(id)) bad(`ticket ${id} has no Idempotency-Key row`);
  const faults = new Map();
  for (const t of tickets) faults.set(t[5], (faults.get(t[5]) || 0) + 1);
  for (const [f, n] of faults) if (n > 1) bad(`${n} tickets for one request: ${f}`);

  // Numbers: SH-YYYYMMDD-NNNN, each day 1..last with no gap and no number twice.
  const seqs = new Map();
  for (const [, number] of tickets) {
    const m = number.match(/^SH-(\d{8})-(\d{4,})$/);
    if (!m) { bad(`malformed number ${number}`); continue; }
    if (!seqs.has(m[1])) seqs.set(m[1], []);
    seqs.get(m[1]).push(Number(m[2]));
  }
  for (const [day, list] of seqs) {
    list.sort((a, b) => a - b);
    const last = Number(counters.get(day));
    if (list.length !== last || list.some((s, i) => s !== i + 1)) bad(`day ${day}: counter at ${last}, numbers ${list.length} with gaps or repeats`);
  }

  // The tickets are exactly the journal's.
  const confirmed = journal.confirmedTickets();
  if (confirmed.length !== tickets.length) bad(`${tickets.length} tickets in the database, the journal confirmed ${confirmed.length}`);
  for (const r of confirmed) {
    const t = byId.get(String(r.id));
    if (!t) bad(`acknowledged ticket ${r.id} (${r.number}) is missing from the database`);
    else if (t[1] !== r.number || Number(t[3]) !== r.state.version || t[2] !== r.state.status) bad(`ticket ${r.id}: database ${t[1]} v${t[3]} ${t[2]}, journal ${r.number} v${r.state.version} ${r.state.status}`);
  }

  // Customers: version = 1 + audited updates, and as the journal confirmed.
  const custRows = new Map(customerRows.map((c) => [c[0], c]));
  const custAudit = groupBy(customerAuditRows);
  for (const c of journal.customers.values()) {
    const row = custRows.get(String(c.id));
    const actions = (custAudit.get(String(c.id)) || []).map((a) => a[1]);
    const updates = actions.filter((a) => a === 'update').length;
    if (!row) { bad(`customer ${c.id} is missing`); continue; }
    if (actions[0] !== 'create' || Number(row[1]) !== 1 + updates) bad(`customer ${c.id}: version ${row[1]} with audit ${show(actions)}`);
    if (Number(row[1]) !== c.state.version || row[2] !== c.state.note) bad(`customer ${c.id}: database v${row[1]} ${row[2]}, journal ${show(c.state)}`);
  }
  return problems;
}

export function sqliteIntegrity(db) {
  const problems = [];
  const [icRows, fk] = db.queries(['PRAGMA integrity_check', 'PRAGMA foreign_key_check']);
  const ic = icRows.map((r) => r[0]);
  if (!sameState(ic, ['ok'])) problems.push(`integrity_check: ${ic.slice(0, 10).join('; ')}`);
  if (fk.length) problems.push(`foreign_key_check: ${fk.slice(0, 10).map((r) => r.join(',')).join('; ')}`);
  return problems;
}
