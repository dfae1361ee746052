// journal.js — the record of every write the server acknowledged (a 2xx), and of the one
// write per client that was in flight when the server (or its database) died.
//
// The load generator's clients each own their tickets and customer, and send one request
// at a time, so each record has at most one write whose outcome is unknown. The journal
// keeps, per record, the state last confirmed (acknowledged by a 2xx, or read back after a
// restart) and that pending write with the state it would leave.
//
// API (other fault tests import this file read-only):
//   ticketState(ticketJson) → the compared part of a ticket: version, status,
//     technician_id, diagnosis, labour_fen, appointment start times (epoch seconds,
//     sorted), part names (sorted). Two states are equal when deepStrictEqual.
//   customerState(customerJson) → { version, note }.
//   new Journal()
//     .tickets: Map Idempotency-Key → { key, worker, id, number, state, pending, touched }
//       (id/number/state null until the creation is confirmed)
//     .customers: Map id → { id, worker, state, pending, touched }
//     .begin(record, op, after, extra) — a write is about to be sent; after: the state it
//       leaves if it commits (null for a creation).
//     .ack(record, state) — the server answered 2xx: state is now confirmed and counted.
//     .inDoubt(record) — the connection died before an answer: keep the pending write.
//     .settle(record, committed, state) — a pending write resolved after a restart.
//     .pending() → the records with a write in doubt.
//     .confirmedTickets() → the ticket records whose creation is confirmed.
//     .takeTouched() → the records acknowledged since the last take.
//     .takeRecent() → of those, per client the ticket and the customer it had a write
//       acknowledged for last: the writes closest to a kill (the cheap check per cycle).
//     .stats: acked (2xx answers), inDoubt (writes cut by a kill), committed / lost (how
//       those resolved), retried (creations re-sent with their key), replayed (of those,
//       the ones the server had committed: 200 with the first ticket), byOp (acks per op).
import { isDeepStrictEqual } from 'node:util';

export function ticketState(t) {
  return {
    version: t.version,
    status: t.status,
    technician_id: t.technician_id ?? null,
    diagnosis: t.diagnosis,
    labour_fen: t.labour_fen,
    appointments: (t.appointments || []).map((a) => Date.parse(a.starts_at) / 1000).sort((a, b) => a - b),
    parts: (t.parts || []).map((p) => p.name).sort(),
  };
}

export function customerState(c) {
  return { version: c.version, note: c.note };
}

export const sameState = isDeepStrictEqual;

export class Journal {
  constructor() {
    this.tickets = new Map();
    this.customers = new Map();
    this.stats = { acked: 0, inDoubt: 0, committed: 0, lost: 0, retried: 0, replayed: 0, byOp: {} };
    this.touched = new Set();
    this.recent = new Map();
  }

  begin(record, op, after, extra = {}) {
    if (record.pending) throw new Error(`journal: ${op} on a record that already has ${record.pending.op} in doubt`);
    record.pending = { op, after, ...extra };
  }

  ack(record, state) {
    this.stats.acked++;
    this.stats.byOp[record.pending.op] = (this.stats.byOp[record.pending.op] || 0) + 1;
    record.state = state;
    record.pending = null;
    this.touched.add(record);
    this.recent.set(`${record.key === undefined ? 'customer' : 'ticket'} ${record.worker}`, record);
  }

  inDoubt(record) {
    this.stats.inDoubt++;
    record.pending.doubt = true;
  }

  settle(record, committed, state) {
    if (committed) this.stats.committed++; else this.stats.lost++;
    record.state = state;
    record.pending = null;
    this.touched.add(record);
  }

  pending() {
    return [...this.tickets.values(), ...this.customers.values()].filter((r) => r.pending);
  }

  confirmedTickets() {
    return [...this.tickets.values()].filter((r) => r.state);
  }

  takeTouched() {
    const t = [...this.touched];
    this.touched.clear();
    this.recent.clear();
    return t;
  }

  takeRecent() {
    const t = [...this.recent.values()];
    this.recent.clear();
    this.touched.clear();
    return t;
  }
}
