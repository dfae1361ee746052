// diskfull.test.js — the SQLite database on a full filesystem (issue 7 part 2, SPEC L):
// writes fail with a clean 503 disk_full and a log line, reads keep working, nothing of a
// failed write is left behind (its audit, timeline, deadline and outbox rows and its ticket
// number included), a checkpoint on the full disk harms nothing, and once space is freed the
// same server process writes again and the file passes PRAGMA integrity_check. Then with the
// server's own log on the full disk: it still answers, stops cleanly, refuses to start while
// the disk is full (exit 3, "disk_full") and starts once space is freed.
//
// The filesystem is a tmpfs with a size limit, mounted by the test (CI runs as root; a
// refused mount FAILS the test, it is never skipped). tmpfs rather than a loop-mounted ext4
// image: no mkfs, no loop device (often missing in containers), no blocks reserved for root
// (the server runs as root) or delayed allocation to make "full" a moving target; tmpfs
// answers ENOSPC to the first write that needs a page it cannot have, which is what SQLite
// sees on any full volume (write(2) fails with ENOSPC → SQLITE_FULL). What tmpfs does not
// show: fsync is a no-op there, so this is about space, not durability (kill9.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, writeSync, closeSync, unlinkSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDatabase, FaultServer, need } from './lib/server.js';

const PAGE = 4096;

// Writes a file until the filesystem refuses more (ENOSPC), in shrinking chunks so that not
// even one page is left; returns the bytes written.
function fill(path) {
  const fd = openSync(path, 'w');
  let total = 0;
  try {
    for (const chunk of [1 << 20, 64 << 10, PAGE, 512]) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          const n = writeSync(fd, buf);
          total += n;
          if (n < chunk) break;
        } catch (e) {
          if (e.code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

function count(db, sql) {
  return Number(db.query(sql)[0][0]);
}

// Rows of everything a write leaves behind, to compare before and after a failed write.
function footprint(db) {
  return {
    customers: count(db, 'SELECT count(*) FROM customers'),
    tickets: count(db, 'SELECT count(*) FROM tickets'),
    ticket_events: count(db, 'SELECT count(*) FROM ticket_events'),
    deadlines: count(db, 'SELECT count(*) FROM ticket_deadlines'),
    audit: count(db, 'SELECT count(*) FROM audit'),
    outbox: count(db, 'SELECT count(*) FROM outbox'),
    idempotency: count(db, 'SELECT count(*) FROM idempotency_keys'),
    counter: count(db, "SELECT coalesce(max(last), 0) FROM ticket_counters WHERE day = '20261120'"),
  };
}

const customer = (name) => ({
  name, kind: 'company', region_code: '330106', address: '文三路90号', phone: '0571-88886666',
  customer_group: 'enterprise', product_types: ['surveillance'],
  contacts: [{ name: '李娜', phone: '13800001111', is_primary: true }],
});

// Runs fn(work, mnt, sizeKiB) with mnt a fresh tmpfs of the template's size plus 3 MiB (room
// for the -wal, where each commit appends whole pages, the -shm and the writes before the
// filler) and work a directory on the ordinary disk; unmounts and removes both after.
async function withSmallFilesystem(fn) {
  const template = statSync(need('SHOUHOU_TEST_SQLITE_TEMPLATE')).size;
  const sizeKiB = Math.ceil(template / 1024) + 3072;
  const work = mkdtempSync(join(tmpdir(), 'shouhou-diskfull-'));
  const mnt = join(work, 'small');
  mkdirSync(mnt);
  try {
    // No try/catch around the mount: a refused mount fails the test (CI runs as root).
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', mnt], { stdio: 'pipe' });
    try {
      await fn(work, mnt, sizeKiB);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test('SQLite on a full disk: clean 503 disk_full, reads work, nothing half-written, writes resume without a restart', (t) => withSmallFilesystem(async (work, mnt, sizeKiB) => {
  let srv = null;
  try {
    const db = makeDatabase('sqlite', mnt);
    srv = new FaultServer(db, { dir: work }); // the log lives outside the small filesystem
    const admin = srv.user('admin');
    const agent = srv.user('agent', { regions: ['330000'] });
    srv.user('dispatcher', { regions: ['330000'] }); // so a new ticket writes an outbox row
    await srv.start();
    const pid = srv.pid;

    // Before the disk fills: a customer and the day's first ticket.
    let r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customer('满盘前客户') });
    assert.equal(r.status, 201, r.text);
    const before = r.body;
    const ticketBody = { customer_id: before.id, channel: 'hotline', fault: '满盘测试：录像机报警',
      called_at: '2026-11-20T09:00:00+08:00' };
    r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: ticketBody, headers: { 'Idempotency-Key': 'df-1' } });
    assert.equal(r.status, 201, r.text);
    const firstTicket = r.body;
    assert.equal(firstTicket.number, 'SH-20261120-0001');

    // Twenty more customers, so that the WAL holds pages past the end of the database file:
    // a checkpoint must then grow the file, which it cannot do on the full disk.
    for (let i = 0; i < 20; i++) {
      r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customer(`满盘前客户${i}号`) });
      assert.equal(r.status, 201, r.text);
    }
    const pages = count(db, 'PRAGMA page_count');
    const fileSize = statSync(db.path).size;
    assert.ok(pages * PAGE > fileSize, `the WAL adds no page to the file (${pages} pages, ${fileSize} bytes)`);

    // Fill the filesystem.
    const filler = join(mnt, 'filler');
    const filled = fill(filler);
    assert.ok(filled > 0, 'the filler wrote nothing: the filesystem was full before the test');
    assert.equal(fill(join(mnt, 'more')), 0, 'the filesystem is not full');
    const full = footprint(db);

    // Writes until the server refuses: SQLite may first reuse WAL space it already holds.
    // Every answer is 201 or a clean 503; no 500, no dropped connection.
    const acked = [], refused = [];
    for (let i = 0; i < 200 && refused.length < 5; i++) {
      const name = `满盘客户${String(i).padStart(3, '0')}`;
      r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customer(name) });
      if (r.status === 201) { acked.push({ name, id: r.body.id }); continue; }
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'disk_full', r.text);
      assert.equal(r.body.error.message, '磁盘空间已满, 无法保存', r.text);
      refused.push(name);
    }
    assert.equal(refused.length, 5, `the server took 200 writes on a full disk: ${JSON.stringify(acked)}`);
    // A ticket on the full disk: number, timeline, deadlines, audit, outbox and key all or nothing.
    r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: ticketBody, headers: { 'Idempotency-Key': 'df-2' } });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error.code, 'disk_full', r.text);
    // An action on an existing ticket (a timeline event and an audit row) fails cleanly too.
    r = await srv.req('POST', `/api/v1/tickets/${firstTicket.id}/escalate`, { token: agent.token, body: { reason: '客户要求换新' } });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error.code, 'disk_full', r.text);

    // Nothing half-written: only the acknowledged customers (each with its one audit row)
    // were added; the refused ones are absent entirely, the ticket left no trace.
    const after = footprint(db);
    assert.deepEqual(after, { ...full, customers: full.customers + acked.length, audit: full.audit + acked.length });
    for (const name of refused)
      assert.equal(count(db, `SELECT count(*) FROM customers WHERE name = '${name}'`), 0, name);
    for (const { name } of acked)
      assert.equal(count(db, `SELECT count(*) FROM customers WHERE name = '${name}'`), 1, name);

    // Reads keep working: lists, details, a search.
    r = await srv.req('GET', '/api/v1/customers?page_size=100', { token: admin.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, full.customers + acked.length);
    r = await srv.req('GET', `/api/v1/customers/${before.id}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.name, '满盘前客户');
    r = await srv.req('GET', '/api/v1/customers?q=满盘前客户3号', { token: admin.token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((c) => c.name), ['满盘前客户3号']);
    r = await srv.req('GET', `/api/v1/tickets/${firstTicket.id}`, { token: agent.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.number, 'SH-20261120-0001');
    r = await srv.req('GET', '/api/v1/tickets', { token: agent.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, 1);

    // A checkpoint on the full disk (another process, as a backup tool would; the server's
    // own automatic checkpoint after a commit runs the same code and ignores the failure):
    // it must grow the file and cannot, and it leaves the database whole.
    let checkpoint = '';
    assert.throws(() => db.query('PRAGMA wal_checkpoint(TRUNCATE)'), (e) => {
      checkpoint = String(e.stderr).trim();
      return /database or disk is full/.test(checkpoint);
    });
    assert.deepEqual(db.query('PRAGMA integrity_check'), [['ok']]);
    assert.deepEqual(footprint(db), after);

    // The log names the condition (SQLITE_FULL is 13), and the server is still the same process.
    const log = srv.log(); // its last 60 lines: the refusals above are among them
    assert.match(log, /level=error msg=sqlite_error code=13 error=disk_full message="database or disk is full"/, log.slice(-2000));
    assert.ok(srv.alive, `the server died on the full disk:\n${srv.log()}`);
    assert.equal(srv.pid, pid);

    // Space freed: the same process writes again, and the day's next ticket number is 0002
    // (the refused ticket took no number).
    unlinkSync(filler);
    unlinkSync(join(mnt, 'more'));
    r = await srv.req('POST', '/api/v1/customers', { token: admin.token, body: customer('空间恢复后客户') });
    assert.equal(r.status, 201, r.text);
    r = await srv.req('POST', '/api/v1/tickets', { token: agent.token, body: ticketBody, headers: { 'Idempotency-Key': 'df-2' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.number, 'SH-20261120-0002');
    assert.equal(count(db, "SELECT count(*) FROM outbox WHERE subject LIKE '%SH-20261120-0002%'"), 1);
    r = await srv.req('POST', `/api/v1/tickets/${firstTicket.id}/escalate`, { token: agent.token, body: { reason: '客户要求换新' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(count(db, `SELECT count(*) FROM ticket_events WHERE ticket_id = ${firstTicket.id} AND kind = 'escalate'`), 1);
    assert.equal(srv.pid, pid);
    assert.deepEqual(db.query('PRAGMA wal_checkpoint(TRUNCATE)'), [['0', '0', '0']]);
    assert.deepEqual(db.query('PRAGMA integrity_check'), [['ok']]);

    // A clean stop (exit 0), then the file alone (no -wal) is whole and holds everything.
    await srv.stop();
    srv = null;
    assert.equal(existsSync(`${db.path}-wal`), false, 'the -wal was not checkpointed and removed at exit');
    assert.deepEqual(db.query('PRAGMA integrity_check'), [['ok']]);
    assert.equal(count(db, 'SELECT count(*) FROM customers'), full.customers + acked.length + 1);
    assert.equal(count(db, "SELECT last FROM ticket_counters WHERE day = '20261120'"), 2);
    t.diagnostic(`filler ${filled} bytes; ${acked.length} writes acknowledged on the full disk before the first refusal; checkpoint on the full disk: ${checkpoint}`);
  } finally {
    if (srv) await srv.stop().catch(() => {});
  }
}));

test('the log on the full disk too: the server answers; a start on the full disk fails naming disk_full, and works once space is freed', () => withSmallFilesystem(async (work, mnt) => {
  const db = makeDatabase('sqlite', mnt);
  const onFull = new FaultServer(db, { dir: mnt }); // stderr goes to the filesystem that fills
  const again = new FaultServer(db, { dir: work }); // the second start logs to the ordinary disk
  try {
    const admin = onFull.user('admin');
    await onFull.start();
    let r = await onFull.req('POST', '/api/v1/customers', { token: admin.token, body: customer('满盘日志客户') });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id;
    const fillers = [];
    const fillUp = () => { const f = join(mnt, `filler${fillers.length}`); fillers.push(f); return fill(f); };
    fillUp();
    assert.equal(fill(join(mnt, 'more')), 0, 'the filesystem is not full');
    // Its log lines cannot be written now: the server answers all the same.
    for (let i = 0; i < 3; i++) {
      r = await onFull.req('POST', '/api/v1/customers', { token: admin.token, body: customer(`满盘日志客户${i}`) });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'disk_full', r.text);
      r = await onFull.req('GET', `/api/v1/customers/${id}`, { token: admin.token });
      assert.equal(r.status, 200, r.text);
    }
    assert.ok(onFull.alive, 'the server died with its log on a full disk');
    // SIGTERM on the full disk: a clean exit (stop() throws unless the status is 0). The
    // closing checkpoint needed no new page, so it removed the -wal and the -shm (and freed
    // their space: fill it again).
    await onFull.stop();
    assert.equal(existsSync(`${db.path}-wal`), false);
    assert.equal(existsSync(`${db.path}-shm`), false);
    fillUp();
    // A start on the full disk: WAL mode must make the -shm, which it cannot; the server
    // exits 3 at once and says why.
    await assert.rejects(again.start(), /server exited 3 at start/);
    assert.match(again.log(), /level=error msg=sqlite_pragma_failed error=disk_full/, again.log());
    assert.match(again.log(), /cannot open the database: disk_full \(db\)/, again.log());
    // Space freed: it starts, reads and writes.
    for (const f of [...fillers, join(mnt, 'more')]) unlinkSync(f);
    await again.start();
    r = await again.req('GET', `/api/v1/customers/${id}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    r = await again.req('POST', '/api/v1/customers', { token: admin.token, body: customer('空间恢复后日志客户') });
    assert.equal(r.status, 201, r.text);
    await again.stop();
    assert.deepEqual(db.query('PRAGMA integrity_check'), [['ok']]);
    assert.deepEqual(db.query("SELECT name FROM customers WHERE name LIKE '%日志客户%' ORDER BY id"), [['满盘日志客户'], ['空间恢复后日志客户']]);
  } finally {
    await onFull.stop().catch(() => {});
    await again.stop().catch(() => {});
  }
}));
