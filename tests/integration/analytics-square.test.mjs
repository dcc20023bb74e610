// Coverage metrics of a city small enough to compute by hand: four 2 km
// squares laid out in UTM zone 16N (EPSG:32616, the zone parity picks for a
// city there), two sites at known distances, a few events and incidents.
// Every expected value below is worked out in the comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, gdal, get, parity, parityOk, sql, startServer } from './lib.mjs';

const db = freshDatabase('it_analytics_square');
let server;
let TOKEN; // made with parity token create

//   y (m, EPSG:32616)
//   3702000 +---------+---------+
//           |    A    |    B    |      A: site S1 at its centre (501000, 3701000)
//   3700000 +---------+---------+
//           |    C    |    D    |
//   3698000 +---------+---------+
//                  * S2 (501000, 3697700): 300 m south of C, outside the city
//           500000    502000    504000  x
const square = (x0, y0) => `ST_Multi(ST_Transform(ST_MakeEnvelope(${x0}, ${y0}, ${x0 + 2000}, ${y0 + 2000}, 32616), 4326))`;
const point = (x, y) => `ST_Transform(ST_SetSRID(ST_MakePoint(${x}, ${y}), 32616), 4326)`;

before(async () => {
  sql(db, `
    INSERT INTO neighborhoods (id, name, population, geom) VALUES
      ('A', '=Square, "A"', 1000, ${square(500000, 3700000)}),
      ('B', 'Square B', 2000, ${square(502000, 3700000)}),
      ('C', 'Square C', 500, ${square(500000, 3698000)}),
      ('D', 'Square D', 0, ${square(502000, 3698000)});
    INSERT INTO sites (name, capacity, geom) VALUES
      ('S1', 100, ${point(501000, 3701000)}),
      ('S2', NULL, ${point(501000, 3697700)});
    INSERT INTO partners (name, kind) VALUES ('Square Partner', 'nonprofit');
    INSERT INTO programs (name, partner_id, category) VALUES ('Square Program', 1, 'prevention');
    INSERT INTO events (title, program_id, partner_id, category, starts_at, attendance, geom) VALUES
      ('e1', 1, 1, 'prevention', '2026-10-01 10:00-05', 10, ${point(500500, 3700500)}),
      ('e2', 1, 1, 'prevention', '2026-11-20 10:00-06', 20, ${point(500600, 3700600)}),
      ('e3', 1, 1, 'prevention', '2026-11-25 10:00-06', 30, ${point(500700, 3700700)}),
      ('e4', 1, 1, 'prevention', '2026-11-02 10:00-06', 40, ${point(503000, 3701000)}),
      ('old', 1, 1, 'prevention', '2024-01-01 10:00-06', 50, ${point(501000, 3699000)});
    INSERT INTO incidents (kind, occurred_on, geom)
      SELECT 'robbery', date '2026-06-01' + g, ${point(500100, 3700100)} FROM generate_series(1, 12) g;
    INSERT INTO incidents (kind, occurred_on, geom)
      SELECT 'shooting', date '2026-06-01' + g, ${point(502100, 3700100)} FROM generate_series(1, 3) g;
    INSERT INTO incidents (kind, occurred_on, geom)
      SELECT 'robbery', date '2026-06-01' + g, ${point(502100, 3698100)} FROM generate_series(1, 5) g;
    UPDATE analysis_settings SET value = 'America/Chicago' WHERE key = 'time_zone';
  `);
  TOKEN = parityOk(db, ['token', 'create', 'square']).stdout.trim();
  server = await startServer(db);
});
after(async () => server && (await server.stop()));

const WINDOW = 'from=2025-11-29&to=2026-11-28';
const rowsOf = (doc) => new Map(doc.neighborhoods.map((r) => [r.neighborhood.id, r]));
const near = (actual, expected, tol, what) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} (±${tol})`);

test('the analysis works in the local UTM zone, and a square demand point is its centre', () => {
  assert.deepEqual(sql(db, 'SELECT parity_local_srid()'), [['32616']]);
  const centre = sql(db, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_Transform(geom, 32616)) p
                          FROM neighborhoods WHERE id = 'A') x`)[0].map(Number);
  near(centre[0], 501000, 0.01, 'x');
  near(centre[1], 3701000, 0.01, 'y');
  // Queen contiguity of a 2 x 2 grid: every square touches every other
  // (A-D and B-C at a corner only).
  assert.deepEqual(sql(db, 'SELECT a, b FROM neighborhood_links ORDER BY a, b'),
    [['A', 'B'], ['A', 'C'], ['A', 'D'], ['B', 'C'], ['B', 'D'], ['C', 'D']]);
});

test('walk coverage: a circle inside a square, and a circular segment from a site outside the city', async () => {
  const r = await get(`${server.url}/api/coverage?${WINDOW}`);
  assert.equal(r.status, 200);
  const rows = rowsOf(r.json);
  // A: S1's 800 m circle lies wholly inside (1000 m from every edge):
  //    pi 800^2 / 2000^2 = 0.5026548.
  near(rows.get('A').walk_coverage, (Math.PI * 800 * 800) / 4e6, 0.001 * 0.5027, 'A');
  // C: S2 is d = 300 m outside C's south edge; the part of its circle inside C
  //    is a segment: R^2 acos(d/R) - d sqrt(R^2 - d^2)
  //    = 640000 acos(0.375) - 300 sqrt(550000) = 536809.8 m^2 -> 0.1342024.
  const segment = 640000 * Math.acos(0.375) - 300 * Math.sqrt(550000);
  near(rows.get('C').walk_coverage, segment / 4e6, 0.002 * 0.1342, 'C');
  // B and D: S1 is 1000 m from B's edge, 1414 m from D's corner; S2 is
  // 1044 m from D's corner.
  assert.equal(rows.get('B').walk_coverage, 0);
  assert.equal(rows.get('D').walk_coverage, 0);
  // The city: covered area over total area.
  near(r.json.city.walk_coverage, ((Math.PI * 640000 + segment) / 4) / 4e6, 0.001, 'city');
});

test('E2SFCA access by hand, and the supply invariant', async () => {
  const rows = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}`)).json);
  // Demand at the centres. S1 (capacity 100) is 0 m from A (weight 1) and
  // 2000 m or more from the others. S2 (capacity unknown: 1) is 1300 m from C
  // (weight 0.22), 3300 m from A, 2385 m from D. D has no residents.
  //   R1 = 100 / (1000 * 1) = 0.1;  R2 = 1 / (500 * 0.22) = 0.0090909
  //   A_A = 0.1, A_C = 0.0090909 * 0.22 = 0.002, A_B = 0 (per resident);
  // reported per 1,000 residents: 100, 2, 0.
  near(rows.get('A').access, 100, 1e-9, 'A');
  near(rows.get('C').access, 2, 1e-9, 'C');
  assert.equal(rows.get('B').access, 0);
  assert.equal(rows.get('D').access, null);
  // sum P_i A_i = 1000 * 0.1 + 500 * 0.002 = 101 = 100 + 1 (both sites reach demand).
  near(1000 * rows.get('A').access / 1000 + 500 * rows.get('C').access / 1000, 101, 1e-9, 'sum P A');
});

test('counts, days since the last event and rates per 1,000 residents', async () => {
  const doc = (await get(`${server.url}/api/coverage?${WINDOW}`)).json;
  const rows = rowsOf(doc);
  const A = rows.get('A');
  assert.equal(A.events, 3);
  assert.equal(A.attendance, 60);
  assert.equal(A.sites, 1); // S1; S2 lies in no neighborhood
  assert.equal(A.programs, 1);
  assert.equal(A.last_event, '2026-11-25');
  assert.equal(A.days_since_last_event, 3);
  near(A.events_per_1k, 3, 1e-12, 'A events per 1k');
  assert.equal(rows.get('B').events, 1);
  near(rows.get('B').events_per_1k, 0.5, 1e-12, 'B events per 1k');
  // C's only event is from 2024: outside the window, but still its last.
  assert.equal(rows.get('C').events, 0);
  assert.equal(rows.get('C').last_event, '2024-01-01');
  assert.equal(rows.get('D').events_per_1k, null, 'no residents, no rate');
  assert.equal(doc.city.events, 4);
  near(doc.city.events_per_1k, 4 / 3.5, 1e-12, 'city events per 1k');
  // A narrower window and a category with no events.
  const nov = rowsOf((await get(`${server.url}/api/coverage?from=2026-11-01&to=2026-11-21`)).json);
  assert.equal(nov.get('A').events, 1);
  assert.equal(nov.get('A').days_since_last_event, 1);
  const none = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}&category=reentry`)).json);
  assert.equal(none.get('A').events, 0);
  assert.equal(none.get('A').sites, 0, 'a site of no category is in no category\'s count');
});

test('small incident counts: suppressed for the public, shown to a token', async () => {
  // Incidents: A 12, B 3, C 0, D 5; the threshold is 10.
  const pub = await get(`${server.url}/api/coverage?${WINDOW}`);
  const rows = rowsOf(pub.json);
  assert.equal(rows.get('A').incidents, 12);
  assert.equal(rows.get('A').suppressed, false);
  for (const id of ['B', 'C', 'D']) {
    assert.equal(rows.get(id).suppressed, true, id);
    assert.equal(rows.get(id).incidents, null, id);
    assert.equal(rows.get(id).incident_rate, null, id);
    assert.equal(rows.get(id).incident_rate_raw, null, id);
  }
  assert.equal(pub.json.city.incidents, 20);
  assert.equal(pub.json.city.suppressed, 3);
  assert.match(pub.headers.get('cache-control'), /public/);

  const priv = await get(`${server.url}/api/coverage?${WINDOW}`, { Authorization: `Bearer ${TOKEN}` });
  assert.equal(priv.status, 200);
  assert.match(priv.headers.get('cache-control'), /private/);
  const all = rowsOf(priv.json);
  assert.deepEqual(['A', 'B', 'C', 'D'].map((id) => all.get(id).incidents), [12, 3, 0, 5]);
  assert.ok(['A', 'B', 'C', 'D'].every((id) => all.get(id).suppressed === false));
  // Raw rates per 1,000: A 12, B 1.5, C 0.
  near(all.get('B').incident_rate_raw, 1.5, 1e-12, 'B raw rate');

  // A wrong token is refused, not quietly treated as public.
  const wrong = await get(`${server.url}/api/coverage?${WINDOW}`, { Authorization: 'Bearer nope' });
  assert.equal(wrong.status, 401);
  // The threshold is a setting; 0 turns suppression off.
  parityOk(db, ['settings', 'set', 'suppress_below', '0']);
  const off = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}`)).json);
  assert.equal(off.get('B').incidents, 3);
  parityOk(db, ['settings', 'reset', 'suppress_below']);
  // Only one small count: the next smallest is hidden too, or the city total
  // minus the others would give it away (A 12 and B 30 stay visible after
  // moving B's incidents up: C 0 is the one small count, D 5 -> 25).
  sql(db, `UPDATE incidents SET geom = ${point(502100, 3698100)} WHERE kind = 'shooting'`);
  sql(db, `INSERT INTO incidents (kind, occurred_on, geom)
           SELECT 'robbery', date '2026-07-01' + g, ${point(502100, 3700100)} FROM generate_series(1, 30) g`);
  sql(db, `INSERT INTO incidents (kind, occurred_on, geom)
           SELECT 'robbery', date '2026-07-01' + g, ${point(502100, 3698100)} FROM generate_series(1, 17) g`);
  const one = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}`)).json);
  // Now A 12, B 30, C 0, D 5 + 3 + 17 = 25: only C is below 10, so A (12,
  // the next smallest) is suppressed as well.
  assert.equal(one.get('C').suppressed, true);
  assert.equal(one.get('A').suppressed, true);
  assert.equal(one.get('B').incidents, 30);
  assert.equal(one.get('D').incidents, 25);
});

test('CSV: RFC 4180 quoting, formula guard, the same columns and values as the JSON', async () => {
  const json = (await get(`${server.url}/api/coverage?${WINDOW}`)).json;
  const r = await get(`${server.url}/api/coverage.csv?${WINDOW}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  // The name =Square, "A" is quoted, its quotes doubled, and guarded.
  assert.ok(r.text.includes(`A,"'=Square, ""A""",`), r.text.split('\r\n')[1]);
  assert.ok(r.text.endsWith('\r\n'));
  // GDAL reads the CSV back (its own parser); every value matches the JSON.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-csv-'));
  const file = path.join(dir, 'coverage.csv');
  fs.writeFileSync(file, r.text);
  const back = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', file]));
  fs.rmSync(dir, { recursive: true });
  assert.equal(back.features.length, 4);
  const header = r.text.split('\r\n')[0].split(',');
  const keys = Object.keys(json.neighborhoods[0]).filter((k) => k !== 'neighborhood');
  assert.deepEqual(header, ['neighborhood_id', 'neighborhood_name', ...keys]);
  for (const f of back.features) {
    const row = json.neighborhoods.find((n) => n.neighborhood.id === f.properties.neighborhood_id);
    assert.equal(f.properties.neighborhood_name, row.neighborhood.name.startsWith('=') ? `'${row.neighborhood.name}` : row.neighborhood.name);
    for (const k of keys) {
      const csv = f.properties[k];
      const want = row[k];
      if (want === null) assert.equal(csv, '', k);
      else if (typeof want === 'number') near(Number(csv), want, 1e-12 * Math.max(1, Math.abs(want)), k);
      else assert.equal(csv, String(want), k);
    }
  }
  // Accept: text/csv on the plain path gives CSV too.
  const negotiated = await get(`${server.url}/api/coverage?${WINDOW}`, { Accept: 'text/csv' });
  assert.equal(negotiated.text, r.text);
  assert.match(negotiated.headers.get('vary'), /Accept/);
});

test('parity report coverage prints what the API answers', async () => {
  const csv = parityOk(db, ['report', 'coverage', '--from', '2025-11-29', '--to', '2026-11-28']);
  assert.equal(csv.stdout, (await get(`${server.url}/api/coverage.csv?${WINDOW}`)).text);
  const json = parityOk(db, ['report', 'coverage', '--from', '2025-11-29', '--to', '2026-11-28', '--format', 'json', '--category', 'prevention']);
  assert.deepEqual(JSON.parse(json.stdout), (await get(`${server.url}/api/coverage?${WINDOW}&category=prevention`)).json);
  const bad = parity(db, ['report', 'coverage', '--from', '2026-02-30']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /from: '2026-02-30' is not a date/);
});

test('bad requests get clear errors', async () => {
  for (const [q, re] of [
    ['from=2026-13-01', /from: '2026-13-01' is not a date/],
    ['from=2026-02-01&to=2026-01-01', /after to/],
    ['window=30', /unknown parameter 'window'/],
    ['category=prevention,sport', /category: no category named .*sport/],
  ]) {
    const r = await get(`${server.url}/api/coverage?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.json.error.message, re);
  }
  assert.equal((await get(`${server.url}/api/coverage.xml`)).status, 404);
  assert.equal((await get(`${server.url}/api/coverage/A`)).status, 404);
  const post = await fetch(`${server.url}/api/coverage`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
});
