// Every importer killed (SIGKILL) at many moments of its run (before it
// connects, while GDAL reads, while rows are written, about when it
// commits), and once at a moment made certain: inside its transaction,
// waiting for a lock the test holds on the table it writes. The database
// is either exactly as before (a checksum of every
// row of every table; sequences aside, which PostgreSQL advances even in a
// transaction that rolls back) or holds the whole import, never part of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, SHARED, conninfo, freshDatabase, loadDemo, sql } from './lib.mjs';
import { dbChecksum, holdLock, lockWaiters, sleep } from './robust.mjs';

const template = 'it_kill_template';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-kill-'));
let base;

before(() => {
  const db = freshDatabase(template);
  loadDemo(db);
  base = dbChecksum(db, { sequences: false });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let clones = 0;
/** A copy of the demo database (CREATE DATABASE ... TEMPLATE). */
function clone() {
  const name = `it_kill_${clones++}`;
  sql(conninfo('parity'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  sql(conninfo('parity'), `CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`);
  return conninfo(name);
}
function drop(db) {
  sql(conninfo('parity'), `DROP DATABASE IF EXISTS ${db.match(/dbname=(\S+)/)[1]} WITH (FORCE)`);
}

function write(name, header, rows) {
  const file = path.join(tmp, name);
  const cell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  fs.writeFileSync(file, [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n');
  return file;
}

const N = 2000;
const point = (i) => [(-86.89 + (i % 389) * 0.0005).toFixed(6), (33.46 + (i % 251) * 0.0005).toFixed(6)];
const KINDS = {
  events: {
    file: () => write('kill-events.csv',
      ['event_id', 'title', 'program', 'partner', 'category', 'start_time', 'end_time', 'attendance', 'youth_attendance', 'hours', 'lon', 'lat'],
      Array.from({ length: N }, (_, i) => [`K${i}`, `Killed import ${i}`, 'Safe Summer Hoops', '', 'prevention',
        '2026-04-01T10:00:00-05:00', '', i % 40, 0, '1.5', ...point(i)])),
    table: 'events',
    committed: (db) => Number(sql(db, "SELECT count(*) FROM events WHERE source = 'kill-events.csv'")[0][0]),
    expected: N,
  },
  sites: {
    file: () => write('kill-sites.csv', ['site_id', 'name', 'program', 'category', 'address', 'capacity', 'sensitive', 'lon', 'lat'],
      Array.from({ length: N }, (_, i) => [`KS${i}`, `Killed site ${i}`, 'Safe Summer Hoops', 'prevention', `${i} Main St`, i % 300, i % 7 === 0, ...point(i)])),
    table: 'sites',
    committed: (db) => Number(sql(db, "SELECT count(*) FROM sites WHERE source = 'kill-sites.csv'")[0][0]),
    expected: N,
  },
  partners: {
    file: () => write('kill-partners.csv', ['name', 'kind'], Array.from({ length: 2000 }, (_, i) => [`Killed Partner ${i}`, 'nonprofit'])),
    table: 'partners',
    committed: (db) => Number(sql(db, "SELECT count(*) FROM partners WHERE name LIKE 'Killed Partner %'")[0][0]),
    expected: 2000,
  },
  programs: {
    file: () => write('kill-programs.csv', ['name', 'partner', 'category', 'description', 'start_date', 'end_date'],
      Array.from({ length: 2000 }, (_, i) => [`Killed Program ${i}`, 'Demo City Parks and Recreation', 'prevention', 'x', '2025-01-01', ''])),
    table: 'programs',
    committed: (db) => Number(sql(db, "SELECT count(*) FROM programs WHERE name LIKE 'Killed Program %'")[0][0]),
    expected: 2000,
  },
  incidents: {
    table: 'incidents',
    file: () => write('kill-incidents.csv', ['incident_id', 'date', 'kind', 'lon', 'lat'],
      Array.from({ length: N }, (_, i) => [`KI${i}`, '2026-03-01', 'burglary', ...point(i)])),
    committed: (db) => Number(sql(db, "SELECT count(*) FROM incidents WHERE source = 'kill-incidents.csv'")[0][0]),
    expected: N,
  },
  indicators: {
    table: 'indicators',
    args: ['--key', 'id'],
    file: () => {
      const ids = sql(conninfo(template), 'SELECT id FROM neighborhoods ORDER BY id').map((r) => r[0]);
      return write('kill-indicators.csv', ['nbhd_id', 'kill_metric'], ids.map((id, i) => [id, i * 1.5]));
    },
    committed: (db) => Number(sql(db, "SELECT count(*) FROM indicators WHERE name = 'kill_metric'")[0][0]),
    expected: null, // every neighborhood of the demo (read in the test)
  },
  boundaries: {
    file: () => path.join(SHARED, 'neighborhoods/detroit.geojson'),
    table: 'neighborhoods',
    committed: (db) => Number(sql(db, 'SELECT count(*) FROM neighborhoods')[0][0]) === 92 ? 1 : 0,
    expected: 1,
  },
};

/** Runs the import, and kills it after killAfterMs unless that is null. */
const importArgs = (kind, file) => ['import', kind, ...(KINDS[kind].args ?? ['--quiet']), file];

async function run(db, kind, file, killAfterMs) {
  const proc = spawn(BIN, ['--db', db, ...importArgs(kind, file)], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  if (killAfterMs !== null) {
    await sleep(killAfterMs);
    proc.kill('SIGKILL');
  }
  const result = await exited;
  await settle(db);
  return result;
}

/** Waits until the server has noticed the closed connection and rolled back. */
async function settle(db) {
  for (let i = 0; i < 200; i++) {
    const [[busy]] = sql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'parity' AND datname = current_database()");
    if (busy === '0') return;
    await sleep(25);
  }
  throw new Error('the killed import is still connected');
}

for (const [kind, k] of Object.entries(KINDS)) {
  test(`import ${kind} killed inside its transaction and at 6 moments of its run: all of it or none of it`, async () => {
    const file = k.file();
    k.expected ??= Number(sql(conninfo(template), 'SELECT count(*) FROM neighborhoods')[0][0]);
    // A full run first: how long it takes, and what it stores.
    const full = clone();
    const started = Date.now();
    const done = await run(full, kind, file, null);
    const duration = Date.now() - started;
    assert.equal(done.code, 0, `${kind} import of the test file succeeds`);
    assert.equal(k.committed(full), k.expected);
    drop(full);
    // Certain: inside its transaction, waiting on the table it writes.
    {
      const db = clone();
      const lock = await holdLock(db, k.table);
      let released = false;
      try {
        const proc = spawn(BIN, ['--db', db, ...importArgs(kind, file)], { stdio: 'ignore' });
        const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
        for (let i = 0; i < 600 && lockWaiters(db) === 0 && proc.exitCode === null; i++) await sleep(25);
        assert.equal(lockWaiters(db), 1, `the ${kind} import reached its write of ${k.table}`);
        proc.kill('SIGKILL');
        assert.equal((await exited).signal, 'SIGKILL');
        // Its backend goes on once the lock is free, then finds the client gone.
        await lock.release();
        released = true;
        await settle(db);
        assert.equal(k.committed(db), 0);
        assert.deepEqual(dbChecksum(db, { sequences: false }), base, `${kind} killed inside its transaction`);
      } finally {
        if (!released) await lock.release();
        drop(db);
      }
    }
    let before = 0;
    let whole = 0;
    for (let i = 0; i < 6; i++) {
      const db = clone();
      // From the start to just past the end of a normal run.
      const delay = Math.round((duration * 1.1 * i) / 5);
      const { signal } = await run(db, kind, file, delay);
      const n = k.committed(db);
      if (n === 0) {
        assert.deepEqual(dbChecksum(db, { sequences: false }), base, `${kind} killed after ${delay} ms: every table as before`);
        before++;
      } else {
        assert.equal(n, k.expected, `${kind} killed after ${delay} ms: the whole import or none`);
        whole++;
      }
      if (signal !== 'SIGKILL') assert.equal(n, k.expected, 'an import that finished stored everything');
      drop(db);
    }
    // Which moments fell before the commit depends on the machine's speed;
    // the first (at 0 ms) always does.
    assert.ok(before >= 1, `${before} of 6 kills before the commit, ${whole} after (a run takes ${duration} ms)`);
  });
}
