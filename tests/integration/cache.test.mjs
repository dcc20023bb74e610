// The tile cache, HTTP caching and MVT against a real PostGIS and two real
// `parity serve` processes on one database. What the database ran is counted
// from PostgreSQL's own statement log (log_min_duration_statement = 0 for
// this test's database), not from parity; gzip is undone with Node's zlib;
// MVT tiles are decoded with GDAL's MVT driver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, SHARED, WEB_ROOT, freshDatabase, gdal, lonLatToTile, parity, parityOk, sql, startServer } from './lib.mjs';

const db = freshDatabase('it_cache');
const ATLANTA = path.join(SHARED, 'neighborhoods/atlanta.geojson');
const DETROIT = path.join(SHARED, 'neighborhoods/detroit.geojson');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-cache-'));
let a, b;

/** The PostgreSQL server log of the test cluster (scripts/pg.sh keeps it next to the data directory). */
function serverLog() {
  const [[dataDir]] = sql(db, "SELECT setting FROM pg_settings WHERE name = 'data_directory'");
  return path.join(path.dirname(dataDir), 'log');
}

/** How many times PostgreSQL logged running the named query with these first three parameters. */
function executions(logText, query, z, x, y) {
  // With log_min_duration_statement = 0 each execution is one
  // "execute NAME: ..." entry followed by its "DETAIL:  parameters: ..." line.
  const re = new RegExp(`execute ${query}: [\\s\\S]*?DETAIL:  parameters: \\$1 = '${z}', \\$2 = '${x}', \\$3 = '${y}',`, 'g');
  return (logText.match(re) || []).length;
}

before(async () => {
  parityOk(db, ['import', 'boundaries', ATLANTA]);
  // Log every statement of this database (new sessions pick it up).
  const name = db.match(/dbname=(\S+)/)[1];
  sql(db, `ALTER DATABASE ${name} SET log_min_duration_statement = 0`);
  a = await startServer(db, { args: ['--cache-size', '16M'] });
  b = await startServer(db, { args: ['--cache-size', '16M'] });
  await waitForListeners(2);
});
after(async () => {
  await a?.stop();
  await b?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Waits until n parity listeners are connected to this database. */
async function waitForListeners(n, exclude = []) {
  const name = db.match(/dbname=(\S+)/)[1];
  for (let i = 0; i < 200; i++) {
    const pids = sql(db, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND application_name = 'parity listener' AND query LIKE 'LISTEN%'`).map((r) => r[0]);
    if (pids.filter((p) => !exclude.includes(p)).length >= n) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('parity listeners did not connect');
}

/** A raw GET (no automatic decompression): {status, headers, body: Buffer}. */
function raw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const DOWNTOWN = [-84.39, 33.76];
const tilePath = (z, fmt = 'geojson', [lon, lat] = DOWNTOWN) => {
  const { x, y } = lonLatToTile(lon, lat, z);
  return { z, x, y, path: `/tiles/neighborhoods/${z}/${x}/${y}.${fmt}` };
};

/** Polls url on server until its JSON passes check (the notice may take a few ms); returns the answers seen. */
async function until(server, p, check, ms = 3000) {
  const seen = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await raw(server.url + p);
    seen.push(r.headers['x-parity-cache']);
    if (check(JSON.parse(r.body))) return seen;
    if (Date.now() > deadline) throw new Error(`no change seen on ${server.url}${p} within ${ms} ms (${seen.join(',')})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Requests p until X-Parity-Cache says state (or 3 s pass); returns the last state. */
async function untilState(server, p, state) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const got = (await raw(server.url + p)).headers['x-parity-cache'];
    if (got === state || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a cache hit returns exactly the bytes the database made', async () => {
  const t = tilePath(13);
  const first = await raw(a.url + t.path);
  assert.equal(first.status, 200);
  assert.equal(first.headers['x-parity-cache'], 'miss');
  const second = await raw(a.url + t.path);
  assert.equal(second.headers['x-parity-cache'], 'hit');
  assert.ok(second.body.equals(first.body));
  assert.equal(second.headers.etag, first.headers.etag);
  // The same query run by psql straight from sql/queries, outside parity.
  const text = fs.readFileSync(path.join(ROOT, 'sql/queries/tile_neighborhoods.sql'), 'utf8');
  const [[expected]] = sql(db, `PREPARE t(int, int, int, int, int, date, date, text[], boolean) AS ${text.replace(/;\s*$/, '')};\nEXECUTE t(${t.z}, ${t.x}, ${t.y}, 5, 20000, NULL, NULL, NULL, false)`);
  assert.equal(second.body.toString('utf8'), expected);
  assert.ok(JSON.parse(expected).features.length > 3);
});

test('the cache is keyed by tile, format and the normalized filters', async () => {
  const t = tilePath(14);
  assert.equal((await raw(a.url + t.path)).headers['x-parity-cache'], 'miss');
  // A neighbour tile and the MVT of the same tile are other entries.
  const other = `/tiles/neighborhoods/14/${t.x + 1}/${t.y}.geojson`;
  assert.equal((await raw(a.url + other)).headers['x-parity-cache'], 'miss');
  assert.equal((await raw(a.url + tilePath(14, 'mvt').path)).headers['x-parity-cache'], 'miss');
  // Neighborhood tiles carry metrics of a window and categories: another
  // window is another entry, the same filters written otherwise are not.
  const window = await raw(`${a.url}${t.path}?from=2026-01-01&to=2026-06-30&category=reentry,prevention`);
  assert.equal(window.headers['x-parity-cache'], 'miss');
  const same = await raw(`${a.url}${t.path}?category=Prevention&to=2026-06-30&category=reentry&from=2026-01-01`);
  assert.equal(same.headers['x-parity-cache'], 'hit');
  assert.ok(same.body.equals(window.body));
  assert.equal((await raw(a.url + t.path)).headers['x-parity-cache'], 'hit');
  // A bad filter is refused before the cache, an unknown category when the tile is made.
  assert.equal((await raw(`${a.url}${t.path}?from=2026-13-01`)).status, 400);
  assert.equal((await raw(`${a.url}${t.path}?category=astrology`)).status, 400);
});

test('a matching If-None-Match gets 304 with no body; the gzip variant has its own ETag', async () => {
  const t = tilePath(12);
  const plain = await raw(a.url + t.path);
  const etag = plain.headers.etag;
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  const again = await raw(a.url + t.path, { 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  assert.equal((await raw(a.url + t.path, { 'If-None-Match': `"other", W/${etag}` })).status, 304);
  assert.equal((await raw(a.url + t.path, { 'If-None-Match': '"other"' })).status, 200);

  const gz = await raw(a.url + t.path, { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.notEqual(gz.headers.etag, etag, 'the gzip variant is another representation (RFC 9110 8.8.3)');
  assert.equal(gz.headers.etag, etag.replace(/"$/, '-gz"'));
  assert.equal((await raw(a.url + t.path, { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag })).status, 304);
  // The identity ETag does not validate the gzip variant.
  assert.equal((await raw(a.url + t.path, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status, 200);
  // The other server made its own copy from the same data: same ETag.
  assert.equal((await raw(b.url + t.path, { 'If-None-Match': etag })).status, 304);
});

test('gzip is sent only when accepted and decompresses to the plain body', async () => {
  for (const fmt of ['geojson', 'mvt']) {
    const t = tilePath(13, fmt);
    const plain = await raw(a.url + t.path);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.headers.vary, /Accept-Encoding/);
    for (const ae of ['gzip', 'br;q=1.0, gzip;q=0.5', 'deflate, *']) {
      const gz = await raw(a.url + t.path, { 'Accept-Encoding': ae });
      assert.equal(gz.headers['content-encoding'], 'gzip', ae);
      assert.match(gz.headers.vary, /Accept-Encoding/);
      assert.ok(gz.body.length < plain.body.length, `${fmt}: ${gz.body.length} < ${plain.body.length}`);
      assert.ok(zlib.gunzipSync(gz.body).equals(plain.body), `${fmt} ${ae}`);
    }
    for (const ae of ['gzip;q=0', 'identity', 'br', '*;q=0', 'gzip;q=0.000, *']) {
      const r = await raw(a.url + t.path, { 'Accept-Encoding': ae });
      assert.equal(r.headers['content-encoding'], undefined, ae);
      assert.ok(r.body.equals(plain.body), ae);
    }
  }
  // API-style answers (TileJSON here) are compressed too.
  const tj = await raw(`${a.url}/tiles/neighborhoods.json`, { 'Accept-Encoding': 'gzip' });
  const tjPlain = await raw(`${a.url}/tiles/neighborhoods.json`);
  assert.ok(tjPlain.body.length >= 256, 'TileJSON is big enough to be worth compressing');
  assert.equal(tj.headers['content-encoding'], 'gzip');
  assert.ok(zlib.gunzipSync(tj.body).equals(tjPlain.body));
  assert.equal(tj.headers.etag, tjPlain.headers.etag.replace(/"$/, '-gz"'));
});

test('50 concurrent misses of one tile run the query once (counted in the PostgreSQL log)', async () => {
  const t = tilePath(11, 'geojson', [-84.42, 33.8]);
  const log = serverLog();
  const before = fs.readFileSync(log, 'utf8').length;
  const answers = await Promise.all(Array.from({ length: 50 }, () => raw(a.url + t.path)));
  assert.ok(answers.every((r) => r.status === 200));
  assert.ok(answers.every((r) => r.body.equals(answers[0].body)));
  const states = answers.map((r) => r.headers['x-parity-cache']);
  assert.equal(states.filter((s) => s === 'miss').length, 1, states.join(','));
  assert.equal(states.filter((s) => s === 'wait' || s === 'hit').length, 49);
  // PostgreSQL flushes its log line by line; give it a moment.
  let count = 0;
  for (let i = 0; i < 50 && count === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    count = executions(fs.readFileSync(log, 'utf8').slice(before), 'tile_neighborhoods', t.z, t.x, t.y);
  }
  assert.equal(count, 1);
  // The log really does record each execution: the other server runs it once more.
  await raw(b.url + t.path);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(executions(fs.readFileSync(log, 'utf8').slice(before), 'tile_neighborhoods', t.z, t.x, t.y), 2);
});

test('an UPDATE by SQL reaches both servers: the next answers carry the new name', async () => {
  const t = tilePath(13);
  for (const s of [a, b]) {
    await raw(s.url + t.path);
    assert.equal((await raw(s.url + t.path)).headers['x-parity-cache'], 'hit');
  }
  const [[id, name]] = sql(db, `SELECT id, name FROM neighborhoods WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${DOWNTOWN}), 4326))`);
  sql(db, `UPDATE neighborhoods SET name = 'Renamed ${id}' WHERE id = '${id}'`);
  const renamed = (fc) => fc.features.some((f) => f.properties.id === id && f.properties.name === `Renamed ${id}`);
  for (const s of [a, b]) {
    const seen = await until(s, t.path, renamed);
    assert.equal(seen.at(-1), 'miss', 'the new content came from the database');
  }
  sql(db, `UPDATE neighborhoods SET name = '${name.replace(/'/g, "''")}' WHERE id = '${id}'`);
  for (const s of [a, b]) await until(s, t.path, (fc) => !renamed(fc));
});

test('re-importing the boundaries reaches both servers', async () => {
  const t = tilePath(12);
  for (const s of [a, b]) {
    const r = JSON.parse((await raw(s.url + t.path)).body);
    assert.ok(r.features.length > 0);
  }
  parityOk(db, ['import', 'boundaries', DETROIT]);
  for (const s of [a, b]) await until(s, t.path, (fc) => fc.features.length === 0);
  parityOk(db, ['import', 'boundaries', ATLANTA]);
  for (const s of [a, b]) await until(s, t.path, (fc) => fc.features.length > 0);
});

test('a new event drops the neighborhood tiles (they depend on events) in both servers', async () => {
  const t = tilePath(15);
  for (const s of [a, b]) {
    await raw(s.url + t.path);
    assert.equal((await raw(s.url + t.path)).headers['x-parity-cache'], 'hit');
  }
  sql(db, `INSERT INTO events (title, category, starts_at, geom) VALUES ('Block party', 'community engagement', '2026-11-01', ST_SetSRID(ST_MakePoint(${DOWNTOWN}), 4326))`);
  for (const s of [a, b]) assert.equal(await untilState(s, t.path, 'miss'), 'miss');
});

test('a change of the analysis settings drops the neighborhood tiles (their metrics read them)', async () => {
  const t = tilePath(14, 'geojson', [-84.42, 33.8]);
  for (const s of [a, b]) {
    await raw(s.url + t.path);
    assert.equal((await raw(s.url + t.path)).headers['x-parity-cache'], 'hit');
  }
  parityOk(db, ['settings', 'set', 'walk_radius_m', '400']);
  try {
    for (const s of [a, b]) assert.equal(await untilState(s, t.path, 'miss'), 'miss');
  } finally {
    parityOk(db, ['settings', 'reset', 'walk_radius_m']);
  }
});

test("a daily tile's midnight is asked of the database once, and again after the analysis settings change", async () => {
  // Neighborhood tiles count days to today, so each is kept until the
  // city's next midnight; the server asks PostgreSQL for it
  // (tile_valid_until) when it does not know it, not on every fill, and
  // forgets it when the time zone may have changed.
  const s = await startServer(db, { args: ['--cache-size', '16M'] });
  const log = serverLog();
  const start = fs.readFileSync(log, 'utf8').length;
  const asked = () => (fs.readFileSync(log, 'utf8').slice(start).match(/execute tile_valid_until: /g) || []).length;
  const settled = async (want) => {
    for (let i = 0; i < 50 && asked() < want; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // and nothing more arrives
    return asked();
  };
  const tiles = [12, 13, 14, 15].map((z) => tilePath(z, 'geojson', [-84.36, 33.75]));
  try {
    for (const t of tiles) assert.equal((await raw(s.url + t.path)).headers['x-parity-cache'], 'miss');
    assert.equal(await settled(1), 1, 'four fills, one question');
    parityOk(db, ['settings', 'set', 'time_zone', 'America/New_York']);
    // The notice drops the tiles; the fill after it asks again, once.
    assert.equal(await untilState(s, tiles[0].path, 'miss'), 'miss');
    assert.equal((await raw(s.url + tiles[1].path)).headers['x-parity-cache'], 'miss');
    assert.equal(await settled(2), 2, 'asked again after the change, once');
  } finally {
    parityOk(db, ['settings', 'reset', 'time_zone']);
    await s.stop();
  }
});

test('the neighborhood tiles of one window share one computation of their metrics', async () => {
  const q = 'from=2026-02-01';
  const request = '2026-02-01||*|false'; // how parity_tile_metrics names it (migration 0006)
  const madeAt = () => sql(db, `SELECT made_at FROM tile_metrics_state WHERE request = '${request}'`).map((r) => r[0]);
  const tiles = [[0, 0], [1, 0], [0, 1], [1, 1], [-1, 0], [0, -1]].map(([dx, dy]) => {
    const { x, y } = lonLatToTile(...DOWNTOWN, 14);
    return `/tiles/neighborhoods/14/${x + dx}/${y + dy}.geojson?${q}`;
  });
  for (const p of tiles.slice(0, 3)) assert.equal((await raw(a.url + p)).headers['x-parity-cache'], 'miss');
  const first = madeAt();
  assert.equal(first.length, 1, 'one computation kept for the window');
  for (const p of tiles.slice(3)) assert.equal((await raw(b.url + p)).headers['x-parity-cache'], 'miss');
  assert.deepEqual(madeAt(), first, 'the other tiles, on either server, read it');
  // New data: the next tile of the window computes again.
  sql(db, `INSERT INTO events (title, category, starts_at, geom) VALUES ('Memo test', 'prevention', '2026-03-01', ST_SetSRID(ST_MakePoint(${DOWNTOWN}), 4326))`);
  const fresh = `/tiles/neighborhoods/13/${lonLatToTile(...DOWNTOWN, 13).x}/${lonLatToTile(...DOWNTOWN, 13).y}.geojson?${q}`;
  const r = JSON.parse((await raw(a.url + fresh)).body);
  assert.notDeepEqual(madeAt(), first);
  // And its numbers are the coverage answer's (the API computes on its own).
  const coverage = JSON.parse((await raw(`${a.url}/api/coverage?${q}`)).body);
  const rows = new Map(coverage.neighborhoods.map((n) => [n.neighborhood.id, n]));
  for (const f of r.features) assert.equal(f.properties.events ?? 0, rows.get(f.id).events ?? 0, f.id);
  assert.ok(r.features.some((f) => f.properties.events > 0));
});

test('tiles of a window already computed take no lock: another session holding it does not hold them up', async () => {
  const q = 'from=2026-03-01';
  const request = '2026-03-01||*|false';
  const { x, y } = lonLatToTile(...DOWNTOWN, 15);
  const tileAt = (dx, dy) => `/tiles/neighborhoods/15/${x + dx}/${y + dy}.geojson?${q}`;
  assert.equal((await raw(a.url + tileAt(0, 0))).headers['x-parity-cache'], 'miss');
  const [[made]] = sql(db, `SELECT made_at FROM tile_metrics_state WHERE request = '${request}'`);
  // Another session takes the lock parity_tile_metrics computes under
  // (migration 0006) and keeps it for 20 s.
  const holder = spawn('psql', [db, '-X', '-q', '-c',
    `SELECT pg_advisory_lock(hashtext('parity_tile_metrics'), hashtext('${request}')); SELECT pg_sleep(20)`]);
  try {
    const name = db.match(/dbname=(\S+)/)[1];
    for (let i = 0; i < 100 && sql(db, `SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND s.datname = '${name}' AND s.query LIKE '%${request}%pg_sleep%'`).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    // New tiles of the same window (misses: the database is asked) answer
    // at once, from the kept metrics, on both servers.
    for (const [s, dx, dy] of [[a, 1, 0], [b, 0, 1], [a, -1, 0]]) {
      const t0 = performance.now();
      const r = await raw(s.url + tileAt(dx, dy));
      const ms = performance.now() - t0;
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-parity-cache'], 'miss');
      assert.ok(ms < 3000, `answered in ${ms.toFixed(0)} ms while another session held the lock`);
      assert.ok(JSON.parse(r.body).features.length > 0);
    }
    assert.deepEqual(sql(db, `SELECT made_at FROM tile_metrics_state WHERE request = '${request}'`), [[made]], 'not recomputed');
  } finally {
    // The backend sleeps on after its client is gone: end it.
    holder.kill();
    sql(db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE '%${request}%pg_sleep(20)%' AND pid <> pg_backend_pid()`);
  }
});

test('while another session recomputes a window, its tiles answer at once with the previous metrics and are not kept', async () => {
  const q = 'from=2026-03-02';
  const request = '2026-03-02||*|false';
  const [[home]] = sql(db, `SELECT id FROM neighborhoods WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(${DOWNTOWN}), 4326))`);
  const tileOf = (z) => {
    const { x, y } = lonLatToTile(...DOWNTOWN, z);
    return `/tiles/neighborhoods/${z}/${x}/${y}.geojson?${q}`;
  };
  const eventsOf = (r) => JSON.parse(r.body).features.find((f) => f.id === home).properties.events ?? 0;
  assert.equal((await raw(a.url + tileOf(12))).headers['x-parity-cache'], 'miss');
  const [[kept]] = sql(db, `SELECT coalesce(properties->>'events', '0') FROM tile_metrics WHERE request = '${request}' AND id = '${home}'`);
  // A new event in the window: the kept metrics are of an older state now.
  sql(db, `INSERT INTO events (title, category, starts_at, geom) VALUES ('Stale test', 'prevention', '2026-03-05', ST_SetSRID(ST_MakePoint(${DOWNTOWN}), 4326))`);
  // Another session is recomputing them: it holds their lock.
  const holder = spawn('psql', [db, '-X', '-q', '-c',
    `SELECT pg_advisory_lock(hashtext('parity_tile_metrics'), hashtext('${request}')); SELECT pg_sleep(20)`]);
  let released = false;
  try {
    const name = db.match(/dbname=(\S+)/)[1];
    for (let i = 0; i < 100 && sql(db, `SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND s.datname = '${name}' AND s.query LIKE '%${request}%pg_sleep%'`).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    // A tile never asked for before: made now, from the previous metrics,
    // without waiting for the lock; and made again on the next request.
    for (let i = 0; i < 2; i++) {
      const r = await raw(a.url + tileOf(16));
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-parity-cache'], 'miss', 'a stale tile is not kept');
      assert.equal(eventsOf(r), Number(kept), 'the previous metrics');
    }
  } finally {
    // The backend sleeps on after its client is gone: end it.
    holder.kill();
    sql(db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE '%${request}%pg_sleep(20)%' AND pid <> pg_backend_pid()`);
    released = true;
  }
  assert.ok(released);
  // Once the lock is free the tile is made from the new state and kept.
  let fresh;
  for (let i = 0; i < 100; i++) {
    fresh = await raw(a.url + tileOf(16));
    if (eventsOf(fresh) === Number(kept) + 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(eventsOf(fresh), Number(kept) + 1, 'the new event counts once the recompute is done');
  assert.equal((await raw(a.url + tileOf(16))).headers['x-parity-cache'], 'hit');
});

test('a lost listener connection drops everything once it is back', async () => {
  const t = tilePath(16);
  await raw(a.url + t.path);
  assert.equal((await raw(a.url + t.path)).headers['x-parity-cache'], 'hit');
  const name = db.match(/dbname=(\S+)/)[1];
  const old = sql(db, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND application_name = 'parity listener'`).map((r) => r[0]);
  assert.equal(old.length, 2);
  sql(db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (${old.join(',')})`);
  await waitForListeners(2, old);
  // Whether the request lands before or after the reconnect's drop, it
  // cannot be answered from what was stored before the connection broke.
  assert.equal((await raw(a.url + t.path)).headers['x-parity-cache'], 'miss');
  // And the cache works again afterwards.
  assert.equal(await untilState(a, t.path, 'hit'), 'hit');
});

test('MVT tiles decode with GDAL to the same features and properties as the GeoJSON tile', async () => {
  for (const z of [11, 13, 15]) {
    const g = tilePath(z);
    const m = tilePath(z, 'mvt');
    const mvt = await raw(a.url + m.path);
    assert.equal(mvt.status, 200);
    assert.equal(mvt.headers['content-type'], 'application/vnd.mapbox-vector-tile');
    const file = path.join(tmp, `${z}.mvt`);
    fs.writeFileSync(file, mvt.body);
    const decoded = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '/vsistdout/', file,
      // CLIP=NO: keep the tile's 64-unit buffer, as the GeoJSON tile keeps its 4/256.
      '-oo', `X=${m.x}`, '-oo', `Y=${m.y}`, '-oo', `Z=${m.z}`, '-oo', 'CLIP=NO', 'neighborhoods']));
    const geojson = JSON.parse((await raw(a.url + g.path)).body);
    // Every property, the coverage metrics included: numbers travel as
    // doubles in MVT, so they are compared to 1e-9 relative.
    assert.ok(geojson.features.length > 0);
    assert.equal(decoded.features.length, geojson.features.length, `z${z}`);
    const wanted = new Map(geojson.features.map((f) => [f.properties.id, f.properties]));
    for (const f of decoded.features) {
      const got = { ...f.properties };
      delete got.mvt_id;
      for (const k of Object.keys(got)) if (got[k] === null) delete got[k];
      const want = wanted.get(got.id);
      assert.ok(want, `z${z}: ${got.id} is in the GeoJSON tile`);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `z${z} ${got.id}`);
      for (const [k, v] of Object.entries(want)) {
        if (typeof v === 'number') assert.ok(Math.abs(got[k] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `z${z} ${got.id} ${k}: ${got[k]} vs ${v}`);
        else assert.deepEqual(got[k], v, `z${z} ${got.id} ${k}`);
      }
    }
    // Geometry: each feature's bounds agree within a couple of pixels of a 256-pixel tile.
    const { west, east } = (() => { const n = 2 ** z; return { west: (m.x / n) * 360 - 180, east: ((m.x + 1) / n) * 360 - 180 }; })();
    const pixel = (east - west) / 256;
    const bbox = (geom) => {
      const pts = [];
      const walk = (c) => (typeof c[0] === 'number' ? pts.push(c) : c.forEach(walk));
      walk(geom.coordinates);
      return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
    };
    const byId = new Map(geojson.features.map((f) => [f.properties.id, bbox(f.geometry)]));
    for (const f of decoded.features) {
      const want = byId.get(f.properties.id);
      bbox(f.geometry).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 2 * pixel, `z${z} ${f.properties.id} bbox[${i}] ${v} vs ${want[i]}`));
    }
  }
});

test('TileJSON announces the MVT tiles and the layer fields', async () => {
  const r = JSON.parse((await raw(`${a.url}/tiles/neighborhoods.json`)).body);
  assert.deepEqual(r.mvt_tiles, ['/tiles/neighborhoods/{z}/{x}/{y}.mvt']);
  const fields = r.vector_layers[0].fields;
  for (const [k, v] of Object.entries({ id: 'String', name: 'String', population: 'Number', underserved: 'Boolean', gi_label: 'String' }))
    assert.equal(fields[k], v, k);
});

test('--cache-size 0 stores nothing: every request runs the query', async () => {
  const c = await startServer(db, { args: ['--cache-size', '0'] });
  try {
    const t = tilePath(13);
    const states = [];
    for (let i = 0; i < 3; i++) states.push((await raw(c.url + t.path)).headers['x-parity-cache']);
    assert.deepEqual(states, ['miss', 'miss', 'miss']);
  } finally {
    await c.stop();
  }
});

test('a bad --cache-size is refused with a message naming the setting', () => {
  const r = parity(db, ['serve', '--cache-size', 'lots']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--cache-size/);
});

test("the page's files are gzipped once for clients that take gzip, with ETags and 304", async () => {
  const index = await raw(`${a.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /^text\/html/);
  assert.match(index.headers['content-security-policy'], /default-src 'self'/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  const html = fs.readFileSync(path.join(WEB_ROOT, 'index.html'));
  assert.ok(index.body.equals(html), 'the bytes of the file');
  const gz = await raw(`${a.url}/`, { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(zlib.gunzipSync(gz.body).equals(html));
  assert.equal(gz.headers.etag, index.headers.etag.replace(/"$/, '-gz"'));
  assert.equal((await raw(`${a.url}/`, { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag })).status, 304);
  assert.equal((await raw(`${a.url}/`, { 'If-None-Match': index.headers.etag })).status, 304);
});

test('/metrics reports the tile cache: fills, hits, waits, bytes against the bound', async () => {
  const c = await startServer(db, { args: ['--cache-size', '8M'] });
  try {
    const t = tilePath(13);
    for (let i = 0; i < 3; i++) await raw(c.url + t.path);
    const text = (await raw(`${c.url}/metrics`)).body.toString();
    const value = (name) => Number((text.match(new RegExp(`^${name} (\\S+)$`, 'm')) || [])[1]);
    assert.equal(value('parity_cache_fills_total'), 1);
    assert.equal(value('parity_cache_hits_total'), 2);
    assert.equal(value('parity_cache_entries'), 1);
    assert.equal(value('parity_cache_max_bytes'), 8 * 1024 * 1024);
    assert.ok(value('parity_cache_bytes') > 0);
  } finally {
    await c.stop();
  }
});
