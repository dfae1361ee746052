// pg_restart.test.js — PostgreSQL dies under the app and comes back (issue 7 §1, SPEC L).
// The app runs on PostgreSQL under light load (2 clients); the PostgreSQL server is killed
// with SIGKILL — round 1 the postmaster alone (its backends then exit by themselves), round 2
// the postmaster and every backend at once — and started again (crash recovery), while the
// app keeps running: it is never restarted. While PostgreSQL is down (round 1, 1.5 s) every
// request gets a clean 503 with a JSON error (never a 500, never a wait of more than 3 s);
// round 2 starts it again at once, so the app's pool still holds connections that broke
// without the app noticing. Once
// PostgreSQL is back the app answers 2xx again within 5 s, and then every request is a 2xx
// (bursts of parallel requests reach every pooled connection, so a stale one would show);
// writes cut by the outage settle whole or not at all (creations retried with their
// Idempotency-Key make one ticket); every acknowledged write is there; the rows of each
// ticket agree in the database.
//
// Environment: SHOUHOU_BIN, SHOUHOU_TEST_PG, SHOUHOU_TEST_PG_TEMPLATE and
// SHOUHOU_TEST_PG_DIR — the throwaway cluster of scripts/pg.sh, which this test kills and
// starts again with the options it was started with (postmaster.opts), as its owner
// (runuser -u postgres when run as root). It leaves the cluster running, also on failure.
// Optional: SHOUHOU_FAULT_PG_ROUNDS (2), SHOUHOU_FAULT_PG_DOWN_MS (1500).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultServer, makeDatabase, need } from './lib/server.js';
import { Journal } from './lib/journal.js';
import { Load, loadUsers, loadCustomers } from './lib/load.js';
import { pool, reconcile, checkRecords, checkTotal, checkDatabase } from './lib/verify.js';

const ROUNDS = Number(process.env.SHOUHOU_FAULT_PG_ROUNDS || 2);
const DOWN_MS = Number(process.env.SHOUHOU_FAULT_PG_DOWN_MS || 1500);
const CLIENTS = 2;
const MAX_503_MS = 3000; // a clean refusal, not a hang
const BACK_WITHIN_MS = 5000; // from PostgreSQL ready to the app's first 2xx

const pgDir = need('SHOUHOU_TEST_PG_DIR');
const pgReal = realpathSync(pgDir);

function postmasterPid() {
  return Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

// The cluster's processes: every PostgreSQL process works in its data directory, so this
// finds the postmaster, its backends and any orphan of a killed postmaster alike.
function clusterPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try { if (readlinkSync(`/proc/${entry}/cwd`) === pgReal) pids.push(Number(entry)); } catch { /* gone or not ours */ }
  }
  return pids;
}

// Running: not a zombie.
function running(pid) {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

// Gone: no process of the cluster left, zombies reaped too — PostgreSQL takes a zombie
// postmaster's pid in postmaster.pid for a live one and refuses to start.
async function waitGone(pids, ms) {
  const deadline = Date.now() + ms;
  while (pids.some((p) => existsSync(`/proc/${p}`)) || clusterPids().length) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function postgresRunning() {
  return existsSync(join(pgDir, 'postmaster.pid')) && running(postmasterPid());
}

// Starts the cluster again with the options of its last start (pg_ctl -w: returns once it
// accepts connections, crash recovery done).
function startPostgres() {
  const opts = [...readFileSync(join(pgDir, 'postmaster.opts'), 'utf8').matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const postgres = readFileSync(join(pgDir, 'postmaster.opts'), 'utf8').split(' ')[0];
  const d = opts.indexOf('-D');
  if (d >= 0) opts.splice(d, 2);
  const cmd = [join(dirname(postgres), 'pg_ctl'), '-D', pgDir, '-w', '-t', '60', '-l', join(pgDir, 'server.log'), '-o', opts.join(' '), 'start'];
  const [file, ...args] = process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd;
  execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const API_ERROR_503 = new Set(['database_unavailable', 'database_error', 'commit_failed']);

test('PostgreSQL killed under load and restarted: clean 503s while down, the app reconnects by itself, nothing acknowledged is lost', { timeout: 300_000 }, async () => {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'shouhou-pgrestart-'));
  const db = makeDatabase('postgres', dir, { fileCopy: true });
  const srv = new FaultServer(db, { dir });
  const journal = new Journal();
  const fig = { phases: [], down: [], refusals: 0, slowest503: 0, backMs: [], after: 0, burst: 0 };
  let passed = false;
  try {
    assert.ok(postgresRunning(), `the cluster in ${pgDir} is not running`);
    const users = loadUsers(srv);
    await srv.start();
    const appPid = srv.pid;
    const customers = await loadCustomers(srv, journal, users.admin, CLIENTS, (w) => ({
      name: `重启测试客户${w}号`, kind: 'company', region_code: '330106', address: '文三路90号', phone: '0571-88886666' }));
    const load = new Load({ journal, users, customers, clients: CLIENTS, seed: 7 });

    for (let round = 1; round <= ROUNDS; round++) {
      const everything = round % 2 === 0;
      // Light load, then PostgreSQL dies under it: writes in flight get a 503 (in doubt).
      load.run(srv);
      const loadFrom = Date.now();
      while (Date.now() - loadFrom < 300 || (journal.confirmedTickets().length < 2 && Date.now() - loadFrom < 15000)) await sleep(20);
      assert.ok(journal.confirmedTickets().length >= 2, `round ${round}: tickets acknowledged before the kill`);
      load.unavailableIsDoubt = true;
      const pm = postmasterPid();
      const all = clusterPids();
      assert.ok(all.includes(pm), `round ${round}: the postmaster ${pm} works in ${pgReal}`);
      const downAt = Date.now();
      process.kill(pm, 'SIGKILL');
      if (everything) for (const p of clusterPids()) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      assert.ok(await waitGone(all, 15000), `round ${round}: PostgreSQL processes still there (or not reaped) 15 s after the kill: ${clusterPids()}`);
      const goneAt = Date.now();
      load.halt();
      await load.drain();
      assert.deepEqual(load.failures, [], `round ${round}: load failures`);
      load.unavailableIsDoubt = false;

      // While it is down (round 1; round 2 restarts at once, so that the pool still holds
      // connections that broke unseen): reads, writes, a creation with its key, the health
      // check — each a 503 with a JSON error, quickly.
      const tickets = journal.confirmedTickets();
      const some = tickets[tickets.length - 1];
      let i = 0;
      while (!everything && (Date.now() - goneAt < DOWN_MS || i < 10)) {
        const kind = i++ % 5;
        let res;
        if (kind === 0) res = await srv.req('GET', `/api/v1/tickets/${some.id}`, { token: users.agent.token, timeoutMs: MAX_503_MS });
        else if (kind === 1) res = await srv.req('GET', '/api/v1/tickets?page_size=5', { token: users.dispatcher.token, timeoutMs: MAX_503_MS });
        else if (kind === 2) res = await srv.req('GET', '/api/v1/health', { timeoutMs: MAX_503_MS });
        else {
          const w = kind === 3 ? load.createOp(0, ++load.counter) : load.customerOp(journal.customers.get(customers[1]), ++load.counter);
          if (w.record.pending) continue; // the customer's last write is still in doubt
          journal.begin(w.record, w.op, w.after, { body: w.body });
          res = await srv.req(w.method, w.path, { token: w.token, body: w.body, headers: w.headers, timeoutMs: MAX_503_MS });
          journal.inDoubt(w.record); // a 503 promises nothing: settled after the restart
        }
        assert.equal(res.status, 503, `round ${round}: while PostgreSQL is down: ${res.status} ${res.text.slice(0, 200)}`);
        if (kind !== 2) assert.ok(API_ERROR_503.has(res.body?.error?.code), `round ${round}: error body ${res.text.slice(0, 200)}`);
        fig.refusals++;
        fig.slowest503 = Math.max(fig.slowest503, res.ms);
        await sleep(50);
      }
      assert.ok(srv.alive, 'the app is still running while PostgreSQL is down');

      // PostgreSQL comes back (crash recovery); the app must answer 2xx again by itself.
      const t1 = Date.now();
      startPostgres();
      const upAt = Date.now();
      fig.down.push(upAt - downAt);
      fig.phases.push(`kill→gone ${goneAt - downAt} ms, probes ${t1 - goneAt} ms, pg_ctl start ${upAt - t1} ms`);
      let back = null, last = null;
      while (Date.now() - upAt < BACK_WITHIN_MS) {
        last = await srv.req('GET', `/api/v1/tickets/${some.id}`, { token: users.agent.token, timeoutMs: MAX_503_MS });
        if (last.status === 200) { back = Date.now() - upAt; break; }
        assert.equal(last.status, 503, `round ${round}: after PostgreSQL is back: ${last.text.slice(0, 200)}`);
        fig.after++;
        await sleep(50);
      }
      assert.ok(back !== null, `round ${round}: the app still answers ${last?.status} ${BACK_WITHIN_MS} ms after PostgreSQL was back:\n${srv.log()}`);
      fig.backMs.push(back);
      // Every pooled connection broke with the server: parallel bursts reach them all, and
      // every answer must be a 2xx (a stale connection would answer 503 once).
      for (let b = 0; b < 3; b++) {
        const ids = Array.from({ length: 24 }, (_, k) => tickets[(k * 7 + b) % tickets.length].id);
        const answers = [];
        await pool(ids, 24, async (id) => { answers.push((await srv.req('GET', `/api/v1/tickets/${id}`, { token: users.admin.token })).status); });
        fig.burst += answers.length;
        assert.deepEqual(answers.filter((s) => s !== 200), [], `round ${round}: answers after the app was back`);
      }
      assert.equal(srv.pid, appPid, 'the app was never restarted');
      assert.deepEqual(await reconcile(srv, journal, users), [], `round ${round}: settling the writes in doubt`);
      journal.takeTouched();
      assert.deepEqual(await checkRecords(srv, journal, [...journal.confirmedTickets(), ...journal.customers.values()], users), [], `round ${round}: acknowledged writes`);
      assert.deepEqual(await checkTotal(srv, journal, users), [], `round ${round}: ticket count`);
    }

    // Writes work again, then everything is checked once more, in the database too.
    load.run(srv);
    await sleep(300);
    load.halt();
    await load.drain();
    assert.deepEqual(load.failures, [], 'load after the last restart');
    assert.deepEqual(await checkRecords(srv, journal, [...journal.confirmedTickets(), ...journal.customers.values()], users), [], 'final: acknowledged writes');
    assert.equal(srv.starts, 1, 'the app was started once');
    await srv.stop();
    assert.equal(srv.exits, 0, 'the app never died');
    assert.deepEqual(checkDatabase(db, journal, users), [], 'final: the rows of each ticket agree');

    const s = journal.stats;
    console.log(`pg_restart: PostgreSQL killed ${ROUNDS} times under ${CLIENTS} clients (postmaster alone, then with every backend), ` +
      `down ${fig.down.map((ms) => (ms / 1000).toFixed(1)).join(' / ')} s each; the app (never restarted) answered ${fig.refusals} requests with 503 while it was down, ` +
      `slowest ${fig.slowest503} ms; 2xx again ${fig.backMs.join(' / ')} ms after PostgreSQL was ready (${fig.after} more 503s meanwhile), ` +
      `then ${fig.burst} parallel requests all 2xx; ${s.acked} writes acknowledged and found intact, ${s.inDoubt} in doubt (${s.committed} had committed, ${s.lost} had not; ` +
      `${s.retried} creations retried with their key, ${s.replayed} replayed); elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s (${fig.phases.join('; ')})`);
    passed = true;
  } finally {
    // Leave the cluster running whatever happened, for the tests after this one.
    if (!postgresRunning()) {
      const left = clusterPids();
      for (const p of left) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      await waitGone(left, 15000);
      startPostgres();
    }
    if (srv.alive) await srv.kill9();
    if (passed) {
      db.drop();
      rmSync(dir, { recursive: true, force: true });
    } else {
      console.log(`pg_restart: kept ${dir} (server.log) for a post-mortem`);
    }
  }
});
