// The event-driven HTTP layer: event threads answer cached tiles and health
// at once, requests that wait on the database go to worker threads with
// their connections suspended. Slow requests are made slow by a lock the
// test holds on the table their query reads (no sleep injected into
// parity), and every assertion is about order and completion, never about
// milliseconds, so a loaded machine cannot make these tests fail.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { SHARED, freshDatabase, lonLatToTile, parityOk, sql, startServer } from './lib.mjs';
import { holdLock, metricValue, parsePrometheus, rawHttp, sleep } from './robust.mjs';

const db = freshDatabase('it_http');
let centre; // of the imported neighborhoods, from PostGIS (read before any lock)
before(() => {
  parityOk(db, ['import', 'boundaries', '--quiet', path.join(SHARED, 'neighborhoods/atlanta.geojson')]);
  centre = sql(db, 'SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM neighborhoods) s')[0].map(Number);
});

// Tiles over the middle of Atlanta, one per zoom so each is a distinct key.
function atlantaTile(z) {
  const t = lonLatToTile(centre[0], centre[1], z);
  return `/tiles/neighborhoods/${z}/${t.x}/${t.y}.geojson`;
}

function exited(proc) {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** GET over a keep-alive agent; resolves {status, cache, body, socket}. */
function agentGet(agent, url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          cache: res.headers['x-parity-cache'],
          etag: res.headers.etag,
          body: Buffer.concat(chunks).toString('utf8'),
          socket: req.socket,
        }),
      );
    });
    req.on('error', reject);
  });
}

/** Settles a promise into {settled: true, value} and remembers that it did. */
function track(promise) {
  const t = { settled: false };
  t.promise = promise.then(
    (value) => {
      t.settled = true;
      return value;
    },
    (error) => {
      t.settled = true;
      return { error: String(error) };
    },
  );
  return t;
}

async function metrics(url) {
  return parsePrometheus(await (await fetch(`${url}/metrics`)).text());
}

async function waitForMetric(url, name, value) {
  const deadline = Date.now() + 20_000;
  while (metricValue(await metrics(url), name) !== value) {
    if (Date.now() > deadline) throw new Error(`${name} never reached ${value}`);
    await sleep(20);
  }
}

test('a tile stuck on the database holds no thread and no cached tile back: one event thread, one worker', async () => {
  const server = await startServer(db, { args: ['--event-threads', '1', '--worker-threads', '1'] });
  const cached = atlantaTile(12);
  const slow = atlantaTile(13);
  let lock;
  try {
    const first = await agentGet(undefined, server.url + cached);
    assert.equal(first.status, 200);
    assert.equal(first.cache, 'miss');
    lock = await holdLock(db, 'neighborhoods');
    const stuck = track(agentGet(undefined, server.url + slow));
    // The stuck tile's query was sent without waiting (it waits on the
    // lock); its request holds no thread, not even the one worker.
    await waitForMetric(server.url, 'parity_http_async_pending', 1);
    const atStart = await metrics(server.url);
    assert.equal(metricValue(atStart, 'parity_http_workers_busy'), 0);
    const databaseBefore = metricValue(atStart, 'parity_http_answers_total', { thread: 'database' });
    const eventBefore = metricValue(atStart, 'parity_http_answers_total', { thread: 'event' });
    const workerBefore = metricValue(atStart, 'parity_http_answers_total', { thread: 'worker' });
    // Eight keep-alive clients, five requests each, for the cached tile, a
    // 304 and health: all answered while the stuck request is still
    // waiting.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const clients = [];
    for (let c = 0; c < 8; c++) {
      clients.push(
        (async () => {
          const got = [];
          for (let i = 0; i < 5; i++) got.push(await agentGet(agent, server.url + cached));
          got.push(await agentGet(agent, server.url + cached, { 'If-None-Match': first.etag }));
          got.push(await agentGet(agent, `${server.url}/healthz`));
          return got;
        })(),
      );
    }
    const answers = (await Promise.all(clients)).flat();
    agent.destroy();
    assert.equal(stuck.settled, false, 'the stuck request cannot have finished: the lock is still held');
    assert.equal(answers.length, 8 * 7);
    for (const [i, a] of answers.entries()) {
      if (i % 7 < 5) {
        assert.equal(a.status, 200);
        assert.equal(a.cache, 'hit');
        assert.equal(a.body, first.body);
      } else if (i % 7 === 5) {
        assert.equal(a.status, 304);
      } else {
        assert.equal(a.status, 200);
        assert.equal(JSON.parse(a.body).database, 'up');
      }
    }
    await lock.release();
    lock = null;
    const late = await stuck.promise;
    assert.equal(late.status, 200);
    assert.equal(late.cache, 'miss');
    assert.equal(JSON.parse(late.body).type, 'FeatureCollection');
    // The 56 answers and the first /metrics were made on the event thread,
    // the stuck tile on the database's thread when its answer came; the
    // worker made nothing.
    const atEnd = await metrics(server.url);
    assert.equal(metricValue(atEnd, 'parity_http_answers_total', { thread: 'event' }) - eventBefore, 57);
    assert.equal(metricValue(atEnd, 'parity_http_answers_total', { thread: 'database' }) - databaseBefore, 1);
    assert.equal(metricValue(atEnd, 'parity_http_answers_total', { thread: 'worker' }) - workerBefore, 0);
    assert.equal(metricValue(atEnd, 'parity_http_async_pending'), 0);
    assert.equal(metricValue(atEnd, 'parity_http_workers_busy'), 0);
    assert.equal(metricValue(atEnd, 'parity_http_worker_queue'), 0);
  } finally {
    if (lock) await lock.release();
    await server.stop();
  }
});

test('requests queue for a busy worker and are all answered, in order on each connection', async () => {
  // One database connection: the first uncached tile takes it (its query
  // sent without waiting), so the API reads that follow go to the one
  // worker, which waits for the connection while the rest queue for it.
  const server = await startServer(db, {
    args: ['--event-threads', '1', '--worker-threads', '1', '--pool-size', '1', '--pool-reserve', '0', '--pool-wait', '60000'],
  });
  const cached = atlantaTile(12);
  let lock;
  try {
    const warm = await agentGet(undefined, server.url + cached);
    assert.equal(warm.status, 200);
    lock = await holdLock(db, 'neighborhoods');
    // Pipelined on one connection: an uncached tile (stuck at the
    // database), then the cached tile and /healthz (fast). HTTP/1.1
    // answers in request order, so the fast ones must wait behind the slow
    // one here.
    const slowTarget = atlantaTile(14);
    const pipelined = track(
      rawHttp(
        server.port,
        [
          `GET ${slowTarget} HTTP/1.1\r\nHost: x\r\n\r\n` +
            `GET ${cached} HTTP/1.1\r\nHost: x\r\n\r\n` +
            'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        ],
        { timeoutMs: 60_000 },
      ),
    );
    await waitForMetric(server.url, 'parity_http_async_pending', 1);
    // Three API reads on their own connections: no connection is free, so
    // the one worker runs one (waiting for the connection) and two queue
    // (/metrics is answered on the event thread, so it can tell while the
    // worker waits).
    const queued = ['/api/partners', '/api/programs', '/api/sites'].map((p) => track(agentGet(undefined, server.url + p)));
    await waitForMetric(server.url, 'parity_http_worker_queue', 2);
    const m = await metrics(server.url);
    assert.equal(metricValue(m, 'parity_http_workers_busy'), 1, 'one worker, so one request running');
    const hit = await rawHttp(server.port, [`GET ${cached} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assert.equal(hit.status, 200, 'cached tiles are answered while the worker is stuck');
    assert.equal(hit.headers['x-parity-cache'], 'hit');
    assert.equal(pipelined.settled, false);
    assert.ok(queued.every((q) => !q.settled), 'queued requests wait for the worker');
    await lock.release();
    lock = null;
    const raw = (await pipelined.promise).raw;
    const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [200, 200, 200]);
    const caches = [...raw.matchAll(/X-Parity-Cache: (\w+)/gi)].map((m) => m[1]);
    assert.deepEqual(caches, ['miss', 'hit'], 'the slow answer first, then the cached one');
    assert.ok(raw.indexOf('"FeatureCollection"') < raw.indexOf('"database"'), '/healthz answered last');
    for (const q of queued) {
      const a = await q.promise;
      assert.equal(a.status, 200, a.body);
      assert.ok(Array.isArray(JSON.parse(a.body).items), a.body);
    }
  } finally {
    if (lock) await lock.release();
    await server.stop();
  }
});

/**
 * A server with one pooled database connection, taken by an uncached tile
 * (zoom z) stuck on a lock the test holds on the neighborhoods; resolves
 * {server, lock, stuck}, and stops the server if it cannot.
 */
async function oneConnectionStuck(poolWaitMs, z) {
  const server = await startServer(db, {
    args: ['--event-threads', '1', '--worker-threads', '1', '--pool-size', '1', '--pool-reserve', '0', '--pool-wait', String(poolWaitMs)],
  });
  let lock;
  try {
    // Opens the one connection (a worker's job); then tiles go without one.
    assert.equal((await agentGet(undefined, server.url + atlantaTile(10))).status, 200);
    lock = await holdLock(db, 'neighborhoods');
    const stuck = track(agentGet(undefined, server.url + atlantaTile(z)));
    await waitForMetric(server.url, 'parity_http_async_pending', 1);
    return { server, lock, stuck };
  } catch (error) {
    if (lock) await lock.release();
    await server.stop();
    throw error;
  }
}

test('uncached tiles past the pool wait in line holding no thread, and past the pool wait get 503', async () => {
  let { server, lock, stuck } = await oneConnectionStuck(60_000, 14);
  try {
    const before = await metrics(server.url);
    // Three more uncached tiles, no connection free: in line for the next
    // one, holding neither a worker nor an event thread.
    const inLine = [15, 16, 11].map((z) => track(agentGet(undefined, server.url + atlantaTile(z))));
    await waitForMetric(server.url, 'parity_db_pool_waiting', 3);
    const m = await metrics(server.url);
    assert.equal(metricValue(m, 'parity_http_async_pending'), 4);
    assert.equal(metricValue(m, 'parity_http_workers_busy'), 0);
    assert.equal(metricValue(m, 'parity_http_worker_queue'), 0);
    assert.ok(![stuck, ...inLine].some((t) => t.settled));
    await lock.release();
    lock = null;
    for (const t of [stuck, ...inLine]) {
      const a = await t.promise;
      assert.equal(a.status, 200, a.body);
      assert.equal(a.cache, 'miss');
      assert.equal(JSON.parse(a.body).type, 'FeatureCollection');
    }
    const after = await metrics(server.url);
    const made = (mm, thread) => metricValue(mm, 'parity_http_answers_total', { thread });
    assert.equal(made(after, 'database') - made(before, 'database'), 4, 'all four made when their queries were answered');
    assert.equal(made(after, 'worker') - made(before, 'worker'), 0);
    assert.equal(metricValue(after, 'parity_db_pool_waiting'), 0);
  } finally {
    if (lock) await lock.release();
    await server.stop();
  }

  // The same line with a short pool wait: the tile behind the stuck one
  // is answered 503 once the wait is over, while the stuck one goes on.
  ({ server, lock, stuck } = await oneConnectionStuck(1000, 13));
  try {
    const late = await agentGet(undefined, server.url + atlantaTile(12));
    assert.equal(late.status, 503, late.body);
    assert.match(JSON.parse(late.body).error.message, /the server is busy; try again shortly/);
    assert.equal(stuck.settled, false);
    await lock.release();
    lock = null;
    assert.equal((await stuck.promise).status, 200);
    // Nothing was kept of the failed fill: asked again, the tile is made.
    const again = await agentGet(undefined, server.url + atlantaTile(12));
    assert.equal(again.status, 200);
    assert.equal(again.cache, 'miss');
  } finally {
    if (lock) await lock.release();
    await server.stop();
  }
});

test('a tile in line for a connection gets one even when the busy connection breaks and none is left open', async () => {
  const held = await oneConnectionStuck(60_000, 13);
  const { server, stuck } = held;
  let { lock } = held;
  try {
    const inLine = track(agentGet(undefined, server.url + atlantaTile(12)));
    await waitForMetric(server.url, 'parity_db_pool_waiting', 1);
    // The one connection's backend is ended: its tile fails and the
    // connection is closed, so the slot is free with no open connection
    // to hand to the tile in line. The health probe's next turn opens one,
    // and its release hands it to the line.
    sql(db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'parity' AND wait_event_type = 'Lock'`);
    const failed = await stuck.promise;
    assert.equal(failed.status, 503, failed.body);
    await lock.release();
    lock = null;
    const a = await inLine.promise;
    assert.equal(a.status, 200, a.body);
    assert.equal(a.cache, 'miss');
    assert.equal(JSON.parse(a.body).type, 'FeatureCollection');
  } finally {
    if (lock) await lock.release();
    await server.stop();
  }
});

test('64 keep-alive clients on one event thread: every answer whole', async () => {
  const server = await startServer(db, { args: ['--event-threads', '1', '--worker-threads', '2'] });
  try {
    const targets = [11, 12, 13, 14, 15].map(atlantaTile);
    // The expected body of each tile, made once by a client of its own.
    const expected = new Map();
    for (const t of targets) expected.set(t, (await agentGet(undefined, server.url + t)).body);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const sockets = new Set();
    const jobs = [];
    for (let c = 0; c < 64; c++) {
      jobs.push(
        (async () => {
          for (let i = 0; i < 10; i++) {
            const t = targets[(c + i) % targets.length];
            const a = await agentGet(agent, server.url + t, i % 2 ? { 'Accept-Encoding': 'identity' } : {});
            sockets.add(a.socket);
            assert.equal(a.status, 200);
            assert.equal(a.body, expected.get(t));
          }
        })(),
      );
    }
    await Promise.all(jobs);
    const m = await metrics(server.url);
    agent.destroy();
    assert.ok(sockets.size > 1 && sockets.size <= 64, `connections reused (${sockets.size} for 640 requests)`);
    assert.equal(metricValue(m, 'parity_http_connections_refused_total'), 0);
    assert.ok(metricValue(m, 'parity_http_answers_total', { thread: 'event' }) >= 640, 'the hits came from the event thread');
  } finally {
    await server.stop();
  }
});

test('SIGTERM with requests on and queued for the only worker: all of them are answered, exit 0', async () => {
  const server = await startServer(db, { args: ['--event-threads', '1', '--worker-threads', '1', '--shutdown-grace', '60000'] });
  let lock = await holdLock(db, 'neighborhoods');
  try {
    const running = track(agentGet(undefined, server.url + atlantaTile(12)));
    await waitForMetric(server.url, 'parity_http_workers_busy', 1);
    const waiting = [13, 14].map((z) => track(agentGet(undefined, server.url + atlantaTile(z))));
    await waitForMetric(server.url, 'parity_http_worker_queue', 2);
    const exit = exited(server.proc);
    server.proc.kill('SIGTERM');
    await sleep(300);
    assert.equal(running.settled, false);
    await lock.release();
    lock = null;
    for (const t of [running, ...waiting]) {
      const a = await t.promise;
      assert.equal(a.status, 200, JSON.stringify(a).slice(0, 200));
      assert.equal(JSON.parse(a.body).type, 'FeatureCollection');
    }
    assert.equal((await exit).code, 0);
  } finally {
    if (lock) await lock.release();
    server.proc.kill('SIGKILL');
  }
});

test('--event-threads and --worker-threads: settings and bad values; the Date header', async () => {
  const server = await startServer(db, { args: ['--event-threads', '3', '--worker-threads', '5'] });
  try {
    const r = await fetch(`${server.url}/healthz`);
    assert.equal(r.status, 200);
    // The Date header (made by parity, not libmicrohttpd): the IMF-fixdate
    // that JavaScript writes for the same instant, and about now.
    const date = r.headers.get('date');
    assert.equal(new Date(date).toUTCString(), date);
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 60_000, date);
  } finally {
    await server.stop();
  }
  assert.match(server.log(), /event=server\.start .*event_threads=3 worker_threads=5/);
  const bad = await startServer(db, { args: ['--event-threads', '65'] }).then(
    () => null,
    (e) => String(e),
  );
  assert.match(bad, /--event-threads/);
});
