// Faults of the database under a running `parity serve`: down at start,
// gone under load, frozen (accepting connections, answering nothing), and
// restarted under a warm connection pool. The cluster is a private one
// (scripts/pg.sh instance `faults`), so stopping it disturbs no other test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHARED, get, parityOk, sql, startServer } from './lib.mjs';
import { holdLock, lockWaiters, metricValue, parsePrometheus, privateCluster, sleep } from './robust.mjs';

let cluster;
let db;
let token;
const ATLANTA = path.join(SHARED, 'neighborhoods/atlanta.geojson');
// Statement timeout 1 s: the client gives up 2 s after it (db.h), the pool
// wait is 1 s; an answer must come well within these.
const TIMEOUTS = ['--statement-timeout', '1000', '--pool-wait', '1000'];
const BOUND_MS = 1000 + 2000 + 1000 + 1500;

before(() => {
  cluster = privateCluster('faults');
  db = cluster.conninfo;
  parityOk(db, ['db', 'migrate']);
  parityOk(db, ['import', 'boundaries', '--quiet', ATLANTA]);
  token = parityOk(db, ['token', 'create', 'faults']).stdout.trim();
});
after(() => cluster && cluster.destroy());

// A z16 tile of Atlanta that differs on every call (so no cache answers it).
let tileCounter = 0;
function nextTile(url) {
  const i = tileCounter++;
  return `${url}/tiles/neighborhoods/16/${17400 + (i % 60)}/${26210 + (Math.floor(i / 60) % 60)}.geojson`;
}

/** Fires requests from `workers` loops until stop(); records every answer. */
function load(url, workers = 4) {
  const results = [];
  let running = true;
  let phase = 'before';
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const started = Date.now();
      const at = phase;
      try {
        const r = await fetch(nextTile(url), { signal: AbortSignal.timeout(20_000) });
        const text = await r.text();
        results.push({ phase: at, status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after'), text });
      } catch (e) {
        results.push({ phase: at, status: 0, ms: Date.now() - started, error: String(e) });
        await sleep(20);
      }
    }
  });
  return {
    results,
    setPhase: (p) => (phase = p),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('database down at start: the server starts, /readyz 503 until it comes, /healthz 200, then it connects by itself', async () => {
  cluster.stop();
  const server = await startServer(db, { args: TIMEOUTS });
  try {
    const health = await get(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok', database: 'down' });
    const ready = await get(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.headers.get('retry-after'), '1');
    assert.equal(ready.json.error.code, 'unavailable');
    const tile = await get(nextTile(server.url));
    assert.equal(tile.status, 503);
    assert.ok(Number(tile.headers.get('retry-after')) >= 1);
    assert.match(tile.json.error.message, /database is not reachable/);

    cluster.start();
    const cameAt = Date.now();
    const readyAt = await waitFor(async () => (await get(`${server.url}/readyz`)).status === 200, 10_000, '/readyz 200');
    assert.ok(readyAt - cameAt < 5000, `ready ${readyAt - cameAt} ms after the database came`);
    assert.equal((await get(nextTile(server.url))).status, 200);
    assert.deepEqual((await get(`${server.url}/healthz`)).json, { status: 'ok', database: 'up' });
    assert.equal(server.proc.exitCode, null);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('the database goes away under load: 503 with Retry-After in bounded time, never 500, and back by itself', async () => {
  const server = await startServer(db, { args: TIMEOUTS });
  const traffic = load(server.url);
  try {
    await sleep(1000);
    traffic.setPhase('down');
    cluster.stop();
    await sleep(2500);
    traffic.setPhase('restarting');
    cluster.start();
    traffic.setPhase('after');
    await waitFor(() => traffic.results.filter((r) => r.phase === 'after' && r.status === 200).length >= 20, 15_000, '200s again');
  } finally {
    await traffic.stop();
  }
  const rs = traffic.results;
  const by = (pred) => rs.filter(pred).length;
  assert.ok(by((r) => r.phase === 'before' && r.status === 200) > 10, 'tiles were served before');
  assert.equal(by((r) => r.status === 0), 0, `connection errors: ${JSON.stringify(rs.find((r) => r.status === 0))}`);
  const bad = rs.filter((r) => r.status !== 200 && r.status !== 503);
  assert.deepEqual(bad.map((r) => `${r.status} ${r.text}`), [], 'only 200 and 503');
  const unavailable = rs.filter((r) => r.status === 503);
  assert.ok(unavailable.length > 5, `${unavailable.length} answers 503 while the database was down`);
  for (const r of unavailable) {
    assert.ok(Number(r.retryAfter) >= 1, 'a 503 says when to retry');
    assert.equal(JSON.parse(r.text).error.status, 503);
  }
  const slowest = Math.max(...rs.map((r) => r.ms));
  assert.ok(slowest < BOUND_MS, `slowest answer ${slowest} ms (bound ${BOUND_MS} ms)`);
  assert.equal(server.proc.exitCode, null, 'the server is still running');
  // /readyz answers from the health monitor's last probe (every 500 ms; a
  // probe begun while the database was down may still be waiting out its
  // connect timeout when the tiles already flow again), so it follows
  // within a bounded time, not at the same instant.
  await waitFor(async () => (await get(`${server.url}/readyz`)).status === 200, 5_000, '/readyz 200 again');
  assert.equal(await server.stop(), 0);
});

test('a frozen database (accepts connections, never answers): 503 within the client deadline, then recovery', async () => {
  const server = await startServer(db, { args: TIMEOUTS });
  try {
    assert.equal((await get(nextTile(server.url))).status, 200); // a pooled connection
    const database = async () =>
      metricValue(parsePrometheus(await (await fetch(`${server.url}/metrics`)).text()), 'parity_http_answers_total', { thread: 'database' });
    const databaseBefore = await database();
    cluster.freeze();
    let answers;
    try {
      answers = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const started = Date.now();
          const r = await fetch(nextTile(server.url), { signal: AbortSignal.timeout(20_000) });
          return { status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after'), body: await r.json() };
        }),
      );
    } finally {
      cluster.thaw();
    }
    for (const a of answers) {
      assert.equal(a.status, 503, JSON.stringify(a.body));
      assert.equal(a.retryAfter, '1');
      assert.ok(a.ms < BOUND_MS, `answered after ${a.ms} ms`);
    }
    // The pooled connection was free, so one of the three sent its query
    // without waiting: the database's thread gave it up at its deadline.
    assert.equal((await database()) - databaseBefore, 1);
    await waitFor(async () => (await get(nextTile(server.url))).status === 200, 15_000, 'a 200 after the thaw');
    assert.equal(server.proc.exitCode, null);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('a restart behind a warm pool: the pooled connections that died are replaced, no request fails', async () => {
  // No reserved connections: the eight tiles below may take all eight.
  const server = await startServer(db, { args: [...TIMEOUTS, '--pool-size', '8', '--pool-reserve', '0', '--statement-timeout', '10000'] });
  try {
    // Eight requests held at once by a lock: eight pooled connections.
    const lock = await holdLock(db, 'neighborhoods');
    const warm = Array.from({ length: 8 }, () => get(nextTile(server.url)));
    await waitFor(() => lockWaiters(db) >= 7, 10_000, 'requests waiting on the lock');
    await lock.release();
    for (const r of await Promise.all(warm)) assert.equal(r.status, 200);

    cluster.stop();
    cluster.start();
    // The database is back: every pooled connection is dead, none may fail.
    const after = await Promise.all(Array.from({ length: 8 }, () => get(nextTile(server.url))));
    assert.deepEqual(after.map((r) => r.status), Array(8).fill(200), after.map((r) => r.text).join('\n'));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('writes while the database goes away and comes back: every 201 is stored, every failure is a 503 that says so', async () => {
  const server = await startServer(db, { args: TIMEOUTS });
  const results = [];
  let running = true;
  let phase = 'before';
  let n = 0;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    while (running) {
      const name = `Fault writer ${w}-${n++}`;
      const started = Date.now();
      const at = phase;
      try {
        const r = await fetch(`${server.url}/api/partners`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name, kind: 'community' }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await r.text();
        results.push({ name, phase: at, status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after'), text });
      } catch (e) {
        results.push({ name, phase: at, status: 0, ms: Date.now() - started, error: String(e) });
      }
      if (results.at(-1).status !== 201) await sleep(20);
    }
  });
  try {
    await sleep(800);
    phase = 'down';
    cluster.stop();
    await sleep(2000);
    cluster.start();
    phase = 'after';
    await waitFor(() => results.filter((r) => r.phase === 'after' && r.status === 201).length >= 20, 15_000, '201s again');
  } finally {
    running = false;
    await Promise.all(writers);
    assert.equal(await server.stop(), 0);
  }
  const stored = new Set(sql(db, "SELECT name FROM partners WHERE name LIKE 'Fault writer %'").map((r) => r[0]));
  const acknowledged = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status !== 201);
  assert.ok(acknowledged.filter((r) => r.phase === 'before').length > 5, 'writes went through before');
  assert.ok(refused.length > 0, 'some writes met the database away');
  for (const r of acknowledged) assert.ok(stored.has(r.name), `acknowledged but missing: ${r.name}`);
  for (const r of refused) {
    assert.equal(r.status, 503, `${r.name}: ${r.status} ${r.text ?? r.error}`);
    assert.ok(Number(r.retryAfter) >= 1);
    assert.ok(r.ms < BOUND_MS, `${r.name} answered after ${r.ms} ms`);
  }
  // Nothing stored that was not asked for, and nothing twice.
  const asked = new Set(results.map((r) => r.name));
  for (const name of stored) assert.ok(asked.has(name), name);
  assert.equal(Number(sql(db, "SELECT count(*) - count(DISTINCT name) FROM partners")[0][0]), 0);
});

test('cached tiles keep being served while the database is down; the rest get 503; after it, fresh tiles again', async () => {
  const server = await startServer(db, { args: TIMEOUTS });
  try {
    const cached = [`${server.url}/tiles/neighborhoods/12/1088/1638.geojson`, `${server.url}/tiles/neighborhoods/12/1088/1638.mvt`];
    const warm = [];
    for (const u of cached) {
      const first = await fetch(u);
      assert.equal(first.status, 200);
      const body = Buffer.from(await first.arrayBuffer());
      const again = await fetch(u);
      assert.equal(again.headers.get('x-parity-cache'), 'hit', 'stored while all is well');
      warm.push({ u, body, etag: first.headers.get('etag') });
    }
    cluster.stop();
    await waitFor(async () => (await get(`${server.url}/readyz`)).status === 503, 5000, '/readyz 503');
    for (let round = 0; round < 3; round++) {
      for (const { u, body, etag } of warm) {
        const r = await fetch(u);
        assert.equal(r.status, 200, `${u} while the database is down`);
        assert.equal(r.headers.get('x-parity-cache'), 'hit');
        assert.equal(r.headers.get('etag'), etag);
        assert.deepEqual(Buffer.from(await r.arrayBuffer()), body);
        const revalidated = await fetch(u, { headers: { 'If-None-Match': etag } });
        assert.equal(revalidated.status, 304);
      }
      await sleep(300);
    }
    const uncached = await get(nextTile(server.url));
    assert.equal(uncached.status, 503);
    assert.equal(uncached.headers.get('retry-after'), '1');
    // A token must be checked against the database: not served from the cache.
    const withToken = await fetch(cached[0], { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(withToken.status, 503);
    cluster.start();
    await waitFor(async () => (await get(`${server.url}/readyz`)).status === 200, 10_000, '/readyz 200');
    // Changes may have been missed while away: the listener's reconnection
    // drops what was stored, so the next answer is made anew.
    await waitFor(async () => {
      const r = await fetch(cached[0]);
      await r.arrayBuffer();
      return r.status === 200 && r.headers.get('x-parity-cache') === 'miss';
    }, 10_000, 'a fresh tile after the restart');
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
