// load.js — a bounded load generator: N clients over HTTP, each sending one request at a
// time, that create service tickets (with an Idempotency-Key), walk them through the
// workflow and change their customer, journaling every write the server acknowledges.
//
// Each client owns its customer and the tickets it created, so it always knows the version
// and status it acts on: any answer but a 2xx is a failure of the product (recorded in
// load.failures), never an expected conflict. The writes, by role:
//   create       agent       POST /tickets, Idempotency-Key k-<client>-<n>, fault "kill9 <key>"
//   assign       dispatcher  POST /tickets/{id}/assign {technician_id, version}   new → assigned
//   appointment  technician  POST /tickets/{id}/appointments {starts_at}          no version
//   arrive       technician  POST /tickets/{id}/arrive {version}                 assigned → on_site
//   record       technician  POST /tickets/{id}/record {diagnosis, labour_fen, version}
//                (the dispatcher while the ticket is new: a technician sees only theirs)
//   part         technician  POST /tickets/{id}/parts {name, quantity, unit_price_fen}
//   clear        technician  POST /tickets/{id}/clear {version}                  on_site → cleared
//   close        dispatcher  POST /tickets/{id}/close {outcome: no_fault, version} cleared → closed
//   customer     admin       PATCH /customers/{id} {note, version}
//
// API (other fault tests import this file read-only):
//   new Load({ journal, users: { admin, agent, dispatcher, technician }, customers: [id per
//     client], clients = customers.length, seed, maxOpen = 5 })
//   load.run(server) — the clients start sending to server (a FaultServer) until halted.
//   load.active — Int32Array on a SharedArrayBuffer; [0] counts the requests sent and not
//     yet answered (pass it as killAfter's probe).
//   load.halt() — synchronous: no client starts another request; requests already sent
//     finish or die with the connection. A client also stops by itself once
//     server.killed is true (a kill from FaultServer.killAfter).
//   await load.drain() — waits for every client; a request cut by the kill is marked in
//     doubt in the journal. Returns the number of acknowledged writes of this run.
//   load.unavailableIsDoubt — when true (the database is being killed), a 503 marks the
//     write in doubt and stops its client instead of being a failure; load.unavailable
//     counts them.
//   load.failures — strings: any non-2xx answer, a timeout, a connection lost while the
//     server was meant to be up, or an answer unlike the state the write should leave.
//   load.createOp(client, n), load.ticketOp(ticketRecord, op, n), load.customerOp(
//     customerRecord, n) → one write as { record, op, after, token, method, path, body,
//     headers, expect } (n: a number unique in the run, e.g. ++load.counter); createOp
//     also adds the new record to the journal. A test may send such a write itself:
//     journal.begin(w.record, w.op, w.after, {body}) before, then ack / inDoubt.
//   rng(seed) — the seeded generator (mulberry32) the load uses; exported for the tests.
//   loadUsers(srv) — the four users the load acts as (admin; agent and dispatcher of
//     330000; technician of 330100), made through srv.user before the server starts.
//   await loadCustomers(srv, journal, admin, n, bodyOf) — n customers (bodyOf(w) for client
//     w) made over the API and put in the journal; returns their ids, one per client.
import { ticketState, customerState, sameState } from './journal.js';

export function loadUsers(srv) {
  return {
    admin: srv.user('admin'),
    agent: srv.user('agent', { regions: ['330000'] }),
    dispatcher: srv.user('dispatcher', { regions: ['330000'] }),
    technician: srv.user('technician', { regions: ['330100'] }),
  };
}

export async function loadCustomers(srv, journal, admin, n, bodyOf) {
  const ids = [];
  for (let w = 0; w < n; w++) {
    const r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: bodyOf(w) });
    if (r.status !== 201) throw new Error(`customer ${w}: ${r.status} ${r.text}`);
    journal.customers.set(r.body.id, { id: r.body.id, worker: w, state: customerState(r.body), pending: null });
    ids.push(r.body.id);
  }
  return ids;
}

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sorted = (a) => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

export class Load {
  constructor({ journal, users, customers, clients = customers.length, seed = 1, maxOpen = 5 }) {
    if (customers.length < clients) throw new Error('one customer per client');
    this.journal = journal;
    this.users = users;
    this.customers = customers;
    this.clients = clients;
    this.random = rng(seed);
    this.maxOpen = maxOpen;
    this.counter = 0;
    this.failures = [];
    this.owned = Array.from({ length: clients }, () => []);
    this.halted = true;
    this.unavailableIsDoubt = false;
    this.unavailable = 0;
    // [0]: requests sent and not answered yet; shared, so a killer thread can read it.
    this.active = new Int32Array(new SharedArrayBuffer(4));
    this.workers = [];
  }

  run(server) {
    this.server = server;
    this.halted = false;
    this.ackedAtStart = this.journal.stats.acked;
    this.workers = Array.from({ length: this.clients }, (_, w) => this.client(w));
  }

  halt() { this.halted = true; }

  async drain() {
    await Promise.all(this.workers);
    this.workers = [];
    return this.journal.stats.acked - this.ackedAtStart;
  }

  async client(w) {
    while (!this.halted && !this.server.killed && this.failures.length === 0) {
      const op = this.pick(w);
      const ok = await this.send(op);
      if (!ok) return;
    }
  }

  // The next write of client w: a ticket action valid for the ticket's status, a new
  // ticket, or a change of the client's customer.
  pick(w) {
    const r = this.random;
    const n = ++this.counter;
    this.owned[w] = this.owned[w].filter((t) => !(t.state && t.state.status === 'closed'));
    const mine = this.owned[w].filter((t) => t.state && !t.pending);
    const customer = this.journal.customers.get(this.customers[w]);
    if (r() < 0.08 && !customer.pending) return this.customerOp(customer, n);
    if (mine.length === 0 || (mine.length < this.maxOpen && r() < 0.3)) return this.createOp(w, n);
    const t = mine[Math.floor(r() * mine.length)];
    const choices = {
      new: ['assign', 'assign', 'record'],
      assigned: ['appointment', 'arrive', 'arrive', 'record', 'part'],
      on_site: ['record', 'part', 'clear', 'clear'],
      cleared: ['close', 'close', 'record'],
    }[t.state.status];
    return this.ticketOp(t, choices[Math.floor(r() * choices.length)], n);
  }

  createOp(w, n) {
    const key = `k-${w}-${n}`;
    const record = { key, worker: w, id: null, number: null, state: null, pending: null };
    this.journal.tickets.set(key, record);
    this.owned[w].push(record);
    return {
      record, op: 'create', after: null, token: this.users.agent.token, method: 'POST', path: '/api/v1/tickets',
      body: { customer_id: this.customers[w], fault: `kill9 ${key}`, channel: 'hotline' },
      headers: { 'Idempotency-Key': key }, expect: [201],
    };
  }

  customerOp(c, n) {
    const note = `备注 ${n}`;
    return {
      record: c, op: 'customer', after: { version: c.state.version + 1, note },
      token: this.users.admin.token, method: 'PATCH', path: `/api/v1/customers/${c.id}`,
      body: { version: c.state.version, note }, expect: [200], state: customerState,
    };
  }

  ticketOp(t, op, n) {
    const s = t.state;
    const { dispatcher, technician } = this.users;
    const bumped = { ...s, version: s.version + 1 };
    const path = `/api/v1/tickets/${t.id}`;
    const base = { record: t, op, token: technician.token, method: 'POST', expect: [200], state: ticketState };
    switch (op) {
      case 'assign':
        return { ...base, token: dispatcher.token, path: `${path}/assign`, body: { technician_id: technician.id, version: s.version },
          after: { ...bumped, status: 'assigned', technician_id: technician.id } };
      case 'appointment': {
        // Whole seconds, a day ahead, distinct per write (n).
        const at = Math.floor(Date.now() / 1000) + 86400 + n;
        return { ...base, path: `${path}/appointments`, body: { starts_at: new Date(at * 1000).toISOString().replace('.000Z', 'Z'), agreed_with: '李娜' },
          after: { ...s, appointments: sorted([...s.appointments, at]) } };
      }
      case 'arrive':
        return { ...base, path: `${path}/arrive`, body: { version: s.version }, after: { ...bumped, status: 'on_site' } };
      case 'record': {
        const diagnosis = `诊断 ${n}`, labour = 100 * (n % 500);
        // The technician sees the ticket once it is theirs; before, the dispatcher records.
        return { ...base, token: s.technician_id ? technician.token : dispatcher.token, path: `${path}/record`, body: { diagnosis, labour_fen: labour, version: s.version },
          after: { ...bumped, diagnosis, labour_fen: labour } };
      }
      case 'part': {
        const name = `配件 ${n}`;
        return { ...base, path: `${path}/parts`, body: { name, quantity: 1, unit_price_fen: 1000 },
          after: { ...s, parts: sorted([...s.parts, name]) } };
      }
      case 'clear':
        return { ...base, path: `${path}/clear`, body: { version: s.version }, after: { ...bumped, status: 'cleared' } };
      case 'close':
        return { ...base, token: dispatcher.token, path: `${path}/close`, body: { outcome: 'no_fault', version: s.version },
          after: { ...bumped, status: 'closed' } };
      default:
        throw new Error(`unknown op ${op}`);
    }
  }

  // Sends one write; journals its outcome. Returns false when the client must stop.
  async send(o) {
    const { journal } = this;
    journal.begin(o.record, o.op, o.after, o.op === 'create' ? { body: o.body } : {});
    let res;
    Atomics.add(this.active, 0, 1);
    try {
      res = await this.server.req(o.method, o.path, { token: o.token, body: o.body, headers: o.headers });
    } catch (e) {
      Atomics.sub(this.active, 0, 1);
      if (e.network && (this.halted || this.server.killed)) {
        journal.inDoubt(o.record);
        return false;
      }
      this.failures.push(`${o.op} ${o.path}: ${e.message} (server ${this.server.alive ? 'up' : 'down'})`);
      return false;
    }
    Atomics.sub(this.active, 0, 1);
    if (res.status === 503 && this.unavailableIsDoubt) {
      // The database went away under this write: it may or may not have committed.
      journal.inDoubt(o.record);
      this.unavailable++;
      return false;
    }
    if (!o.expect.includes(res.status)) {
      this.failures.push(`${o.op} ${o.path} → ${res.status} ${res.text.slice(0, 300)}`);
      return false;
    }
    if (o.op === 'create') {
      const t = res.body;
      if (t.fault !== o.body.fault || t.status !== 'new' || t.version !== 1) {
        this.failures.push(`create ${o.record.key} answered ${res.text.slice(0, 300)}`);
        return false;
      }
      o.record.id = t.id;
      o.record.number = t.number;
      journal.ack(o.record, ticketState(t));
      return true;
    }
    const got = o.state(res.body);
    if (!sameState(got, o.after)) {
      this.failures.push(`${o.op} ${o.path} answered ${JSON.stringify(got)}, expected ${JSON.stringify(o.after)}`);
      return false;
    }
    journal.ack(o.record, got);
    return true;
  }
}
