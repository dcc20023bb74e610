// `parity import partners|programs|sites|events` against real files (the
// demo city, ../shared/data) and a real PostGIS. Expected values come from
// GDAL reading the same files (ogr2ogr), from a point-in-polygon computed
// here over GDAL's lon/lat output, from SOURCES.md / data/demo/README.md, and
// from hand calculations written below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { BIN, DEMO, SHARED, freshDatabase, gdal, parity, parityOk, sql, ROOT } from './lib.mjs';

const data = (p) => path.join(SHARED, p);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-points-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const demoDb = freshDatabase('it_points_demo');
const geoDb = freshDatabase('it_points_geo');

// ---- independent point-in-polygon (ray casting), over GDAL's lon/lat ------

function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

function polygons(geometry) {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Prepares features for pip(): bbox, polygons, area (degrees², like ST_Area on 4326). */
function indexPolygons(features, idOf) {
  return features.map((f) => {
    const polys = polygons(f.geometry);
    let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity, area = 0;
    for (const p of polys) {
      for (const [x, y] of p[0]) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
      area += ringArea(p[0]) - p.slice(1).reduce((sum, r) => sum + ringArea(r), 0);
    }
    return { id: String(idOf(f)), polys, w, s, e, n, area };
  });
}

/** The id of the smallest polygon containing (x, y) (holes excluded), or null. */
function pip(index, x, y) {
  let best = null;
  for (const f of index) {
    if (x < f.w || x > f.e || y < f.s || y > f.n) continue;
    const inside = f.polys.some((p) => inRing(x, y, p[0]) && !p.slice(1).some((hole) => inRing(x, y, hole)));
    if (inside && (!best || f.area < best.area || (f.area === best.area && f.id < best.id))) best = f;
  }
  return best ? best.id : null;
}

const geojson = (args) => JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', ...args]));
const demoCsv = (name) =>
  geojson(['/vsistdout/', path.join(DEMO, name), '-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat',
    '-oo', 'KEEP_GEOM_COLUMNS=NO']).features;

/** Writes a CSV file (fields with commas, quotes or newlines are quoted). */
function writeCsv(name, header, rows) {
  const cell = (v) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n');
  return file;
}

/** Every neighborhood assignment of the stored points, as {kind:external_id -> id or null}. */
function assignments(db) {
  const out = new Map();
  for (const [kind, id, nbhd, x, y] of sql(db, `SELECT 'site', external_id, coalesce(neighborhood_id, ''), ST_X(geom), ST_Y(geom) FROM sites
      UNION ALL SELECT 'event', external_id, coalesce(neighborhood_id, ''), ST_X(geom), ST_Y(geom) FROM events`))
    out.set(`${kind}:${id}`, { nbhd: nbhd || null, x: Number(x), y: Number(y) });
  return out;
}

const EVENT_HEADER = ['event_id', 'title', 'program', 'category', 'start_time', 'end_time', 'attendance', 'youth_attendance', 'lon', 'lat'];
const countSource = (db, table, source) => Number(sql(db, `SELECT count(*) FROM ${table} WHERE source = '${source}'`)[0][0]);

// ---- the demo city -----------------------------------------------------------

test('the demo city loads completely: 28 partners, 41 programs, 60 sites, 3000 events, 2 outside', () => {
  const out = execFileSync(path.join(ROOT, 'scripts', 'load-demo.sh'), [demoDb], {
    encoding: 'utf8', env: { ...process.env, PARITY_BIN: BIN },
  });
  const [[partners, programs, sites, events]] = sql(demoDb,
    'SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM programs), (SELECT count(*) FROM sites), (SELECT count(*) FROM events)');
  assert.deepEqual([partners, programs, sites, events], ['28', '41', '60', '3000']);
  // data/demo/README.md: exactly E0976 and E2009 are in no neighborhood.
  const outside = sql(demoDb, 'SELECT external_id FROM events WHERE neighborhood_id IS NULL ORDER BY 1').flat();
  assert.deepEqual(outside, ['E0976', 'E2009']);
  assert.equal(sql(demoDb, 'SELECT count(*) FROM sites WHERE neighborhood_id IS NULL')[0][0], '0');
  // The summary names them by file line: find the lines in the file itself.
  const lines = fs.readFileSync(path.join(DEMO, 'events.csv'), 'utf8').split('\n');
  const lineOf = (id) => lines.findIndex((l) => l.startsWith(`${id},`)) + 1;
  assert.equal(lineOf('E0976'), 977);
  assert.match(out, new RegExp(`outside every neighborhood \\(stored without one\\): line ${lineOf('E0976')} \\(E0976\\), line ${lineOf('E2009')} \\(E2009\\)\\n`));
  assert.match(out, /events\.csv: read 3000, stored 3000 \(new 3000, updated 0\), rejected 0, outside every neighborhood 2, /);
  // README: the sensitive sites and the sites of unknown capacity.
  assert.deepEqual(sql(demoDb, 'SELECT external_id FROM sites WHERE sensitive ORDER BY 1').flat(), ['S027', 'S031', 'S040', 'S041', 'S042']);
  assert.deepEqual(sql(demoDb, 'SELECT external_id FROM sites WHERE capacity IS NULL ORDER BY 1').flat(), ['S035', 'S051', 'S055', 'S057']);
  assert.deepEqual(sql(demoDb, 'SELECT DISTINCT source FROM events UNION ALL SELECT DISTINCT source FROM sites').flat(), ['events.csv', 'sites.csv']);
});

test('every demo event is stored as GDAL reads events.csv (title, program, partner, times, counts, point)', () => {
  const expected = new Map(demoCsv('events.csv').map((f) => [f.properties.event_id, f]));
  const rows = sql(demoDb, `SELECT e.external_id, e.title, pr.name, pa.name, e.category, extract(epoch FROM e.starts_at),
      extract(epoch FROM e.ends_at), e.attendance, e.youth_attendance, e.hours, ST_X(e.geom), ST_Y(e.geom)
    FROM events e LEFT JOIN programs pr ON pr.id = e.program_id LEFT JOIN partners pa ON pa.id = e.partner_id`);
  assert.equal(rows.length, expected.size);
  for (const [id, title, program, partner, category, start, end, attendance, youth, hours, x, y] of rows) {
    const f = expected.get(id);
    const p = f.properties;
    assert.deepEqual([title, program, partner, category], [p.title, p.program, p.partner, p.category], id);
    assert.equal(Number(start), Date.parse(p.start_time) / 1000, `${id} start ${p.start_time}`);
    assert.equal(Number(end), Date.parse(p.end_time) / 1000, `${id} end ${p.end_time}`);
    assert.deepEqual([Number(attendance), Number(youth), Number(hours)], [Number(p.attendance), Number(p.youth_attendance), Number(p.hours)], id);
    assert.ok(Math.abs(Number(x) - f.geometry.coordinates[0]) < 1e-9 && Math.abs(Number(y) - f.geometry.coordinates[1]) < 1e-9, id);
  }
  // programs.csv and partners.csv as GDAL reads them
  const programs = new Map(demoCsv('programs.csv').map((f) => [f.properties.name, f.properties]));
  for (const [name, partner, category, start, end] of sql(demoDb, `SELECT p.name, pa.name, p.category, p.start_date, coalesce(p.end_date::text, '')
      FROM programs p LEFT JOIN partners pa ON pa.id = p.partner_id`)) {
    const e = programs.get(name);
    assert.deepEqual([partner, category, start, end], [e.partner, e.category, e.start_date, e.end_date], name);
  }
  const partners = new Map(demoCsv('partners.csv').map((f) => [f.properties.name, f.properties.kind]));
  for (const [name, kind] of sql(demoDb, 'SELECT name, kind FROM partners')) assert.equal(kind, partners.get(name), name);
});

test('each demo site and event lies in the neighborhood an independent point-in-polygon finds', () => {
  const index = indexPolygons(geojson(['/vsistdout/', path.join(DEMO, 'neighborhoods.geojson')]).features, (f) => f.properties.nbhd_id);
  const stored = assignments(demoDb);
  assert.equal(stored.size, 3060);
  let inside = 0;
  for (const [key, p] of stored) {
    assert.equal(p.nbhd, pip(index, p.x, p.y), key);
    if (p.nbhd) inside++;
  }
  assert.equal(inside, 3058);
});

test('re-importing boundaries places every point again (a shifted set, then the original)', () => {
  const original = JSON.parse(fs.readFileSync(path.join(DEMO, 'neighborhoods.geojson'), 'utf8'));
  const shifted = structuredClone(original);
  const shift = (c) => (typeof c[0] === 'number' ? [c[0] + 0.0123, c[1] - 0.0071] : c.map(shift));
  for (const f of shifted.features) f.geometry.coordinates = shift(f.geometry.coordinates);
  const file = path.join(tmp, 'shifted.geojson');
  fs.writeFileSync(file, JSON.stringify(shifted));
  const before = assignments(demoDb);
  parityOk(demoDb, ['import', 'boundaries', file]);
  const index = indexPolygons(shifted.features, (f) => f.properties.nbhd_id);
  const after = assignments(demoDb);
  let changed = 0, outside = 0;
  for (const [key, p] of after) {
    assert.equal(p.nbhd, pip(index, p.x, p.y), key);
    if (p.nbhd !== before.get(key).nbhd) changed++;
    if (!p.nbhd) outside++;
  }
  assert.ok(changed > 1000, `only ${changed} points changed neighborhood`);
  assert.ok(outside > 2, `${outside} outside`);
  parityOk(demoDb, ['import', 'boundaries', path.join(DEMO, 'neighborhoods.geojson')]);
  assert.deepEqual(assignments(demoDb), before);
});

// ---- bad rows --------------------------------------------------------------------

const GOOD = (id, extra = {}) => ({
  event_id: id, title: `Good ${id}`, program: 'Safe Summer Hoops', category: '', start_time: '2026-03-14T10:00:00-05:00',
  end_time: '2026-03-14T12:00:00-05:00', attendance: 10, youth_attendance: 2, lon: -86.8, lat: 33.52, ...extra,
});
const asRow = (o) => EVENT_HEADER.map((k) => o[k]);

test('one bad row refuses the whole file: nothing stored, the row named by line and reason', () => {
  const file = writeCsv('onebad.csv', EVENT_HEADER,
    [GOOD('O1'), GOOD('O2'), GOOD('O3', { start_time: '2026-02-30T10:00:00-05:00' }), GOOD('O4')].map(asRow));
  const before = sql(demoDb, 'SELECT count(*), max(updated_at) FROM events');
  const r = parity(demoDb, ['import', 'events', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /onebad\.csv: 1 bad row of 4; nothing stored\. Fix it, or pass --skip-invalid/);
  // O3 is the third data row: line 4 of the file (line 1 is the header).
  assert.match(r.stderr, /\n  line 4 \(O3\): start_time '2026-02-30T10:00:00-05:00' is not a day of the calendar\n/);
  assert.equal(countSource(demoDb, 'events', 'onebad.csv'), 0);
  assert.deepEqual(sql(demoDb, 'SELECT count(*), max(updated_at) FROM events'), before);
  assert.ok(!fs.existsSync(path.join(ROOT, 'onebad.rejects.csv')));
});

test('--skip-invalid stores the good rows and writes each bad one, with its reason, to the reject file', () => {
  const rows = [
    [GOOD('K1'), null],
    [GOOD('K2', { lat: 95 }), /^longitude -86\.8, latitude 95 is off the globe/],
    [GOOD('K3', { start_time: '2026-13-01' }), /^start_time '2026-13-01' has no month 1\.\.12$/],
    [GOOD('K4', { program: '', category: 'magic' }), /^unknown category 'magic' \(known: community engagement, enforcement, intervention, prevention, reentry\)$/],
    [GOOD('K5', { program: 'Nope Program' }), /^unknown program 'Nope Program'/],
    [GOOD('K6', { attendance: 10, youth_attendance: 20 }), /^youth_attendance 20 is more than attendance 10$/],
    [GOOD('K7', { attendance: -1, youth_attendance: 0 }), /^attendance '-1' is negative$/],
    [GOOD('K8', { lon: 'abc' }), /^lon 'abc' is not a number$/],
    [GOOD('K9', { lon: '', lat: '' }), /^no coordinates \(lon and lat are empty\)$/],
    [GOOD('K1', { title: 'again' }), /^id 'K1' is also on line 2$/],
    [GOOD('K10', { end_time: '2026-03-14T09:00:00-05:00' }), /^end_time '2026-03-14T09:00:00-05:00' is before start_time/],
    [GOOD('K11', { attendance: '12.5' }), /^attendance '12\.5' is not a whole number$/],
    [GOOD('K12', { lon: -86.75, lat: 33.53 }), null],
  ];
  const file = writeCsv('mixed.csv', EVENT_HEADER, rows.map(([o]) => asRow(o)));
  const rejects = path.join(tmp, 'mixed-rejects.csv');
  const r = parityOk(demoDb, ['import', 'events', '--skip-invalid', '--reject-file', rejects, file]);
  assert.match(r.stdout, /read 13, stored 2 \(new 2, updated 0\), rejected 11, outside every neighborhood 0/);
  assert.match(r.stdout, new RegExp(`wrote the bad rows to ${rejects.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.deepEqual(sql(demoDb, "SELECT external_id, title FROM events WHERE source = 'mixed.csv' ORDER BY 1"), [['K1', 'Good K1'], ['K12', 'Good K12']]);
  // The reject file, read by GDAL: the original columns, line and reason.
  const got = geojson(['/vsistdout/', rejects]).features.map((f) => f.properties);
  const bad = rows.map(([o, reason], i) => ({ o, reason, line: i + 2 })).filter((b) => b.reason);
  assert.equal(got.length, bad.length);
  assert.deepEqual(Object.keys(got[0]), [...EVENT_HEADER, 'line', 'reason']);
  bad.forEach((b, i) => {
    assert.equal(got[i].event_id, b.o.event_id);
    assert.equal(got[i].title, b.o.title);
    assert.equal(got[i].lat, String(b.o.lat));
    assert.equal(Number(got[i].line), b.line, b.o.event_id);
    assert.match(got[i].reason, b.reason, b.o.event_id);
  });
  // Without --reject-file it goes to BASENAME.rejects.csv in the current directory.
  const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  const d = spawnSync(BIN, ['--db', demoDb, 'import', 'events', '--skip-invalid', file], { cwd, encoding: 'utf8' });
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /read 13, stored 2 \(new 0, updated 2\), rejected 11/);
  assert.match(d.stdout, /wrote the bad rows to mixed\.rejects\.csv/);
  assert.equal(geojson(['/vsistdout/', path.join(cwd, 'mixed.rejects.csv')]).features.length, 11);
});

test('unknown category and unknown program are named in the error', () => {
  const file = writeCsv('unknown.csv', EVENT_HEADER, [GOOD('U1', { program: '', category: 'Bowling' }), GOOD('U2', { program: 'Midnight Chess' })].map(asRow));
  const r = parity(demoDb, ['import', 'events', file]);
  assert.equal(r.status, 1);
  const known = sql(demoDb, "SELECT string_agg(id, ', ' ORDER BY id) FROM categories")[0][0];
  assert.match(r.stderr, new RegExp(`line 2 \\(U1\\): unknown category 'Bowling' \\(known: ${known}\\)`));
  assert.match(r.stderr, /line 3 \(U2\): unknown program 'Midnight Chess' \(programs are imported first/);
  const c = parity(demoDb, ['import', 'events', '--category', 'bowling', file]);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /--category: unknown category 'bowling'/);
  assert.equal(countSource(demoDb, 'events', 'unknown.csv'), 0);
});

test('the same file imported twice does not duplicate; a changed value is updated', () => {
  const rows = ['R1', 'R2', 'R3', 'R4', 'R5'].map((id) => GOOD(id));
  const file = writeCsv('repeat.csv', EVENT_HEADER, rows.map(asRow));
  let r = parityOk(demoDb, ['import', 'events', file]);
  assert.match(r.stdout, /read 5, stored 5 \(new 5, updated 0\)/);
  r = parityOk(demoDb, ['import', 'events', file]);
  assert.match(r.stdout, /read 5, stored 5 \(new 0, updated 5\)/);
  assert.equal(countSource(demoDb, 'events', 'repeat.csv'), 5);
  rows[2].attendance = 42;
  rows[2].lon = -86.75;
  writeCsv('repeat.csv', EVENT_HEADER, rows.map(asRow));
  parityOk(demoDb, ['import', 'events', file]);
  assert.equal(countSource(demoDb, 'events', 'repeat.csv'), 5);
  const [[attendance, x, nbhd]] = sql(demoDb, "SELECT attendance, ST_X(geom), neighborhood_id FROM events WHERE source = 'repeat.csv' AND external_id = 'R3'");
  assert.equal(attendance, '42');
  assert.equal(Number(x), -86.75);
  // The moved point is placed again by the database.
  const index = indexPolygons(geojson(['/vsistdout/', path.join(DEMO, 'neighborhoods.geojson')]).features, (f) => f.properties.nbhd_id);
  assert.equal(nbhd, pip(index, -86.75, 33.52));
  // Another --source is another set of rows.
  parityOk(demoDb, ['import', 'events', '--source', 'repeat-copy', file]);
  assert.equal(countSource(demoDb, 'events', 'repeat-copy'), 5);
  // Without an id column, ids come from the feature ids: still no duplicates.
  const noid = writeCsv('noid.csv', ['title', 'category', 'start_time', 'lon', 'lat'],
    [['A', 'prevention', '2026-01-02', -86.8, 33.5], ['B', 'reentry', '2026-01-03', -86.79, 33.51], ['C', 'enforcement', '2026-01-04', -86.78, 33.52]]);
  r = parityOk(demoDb, ['import', 'events', noid]);
  assert.match(r.stdout, /no id column: ids are 'fid:N'/);
  parityOk(demoDb, ['import', 'events', noid]);
  assert.deepEqual(sql(demoDb, "SELECT external_id, title FROM events WHERE source = 'noid.csv' ORDER BY 1"),
    [['fid:1', 'A'], ['fid:2', 'B'], ['fid:3', 'C']]);
});

test('dates: ISO 8601 with offsets and plain dates; --date-format; --timezone for times without offset', () => {
  const epoch = (source) => sql(demoDb, `SELECT external_id, extract(epoch FROM starts_at) FROM events WHERE source = '${source}' ORDER BY 1`)
    .map(([id, e]) => [id, Number(e)]);
  const iso = writeCsv('iso.csv', ['event_id', 'title', 'category', 'start_time', 'lon', 'lat'], [
    ['I1', 'offset', 'prevention', '2026-03-14T10:00:00-05:00', -86.8, 33.5],
    ['I2', 'plain date', 'prevention', '2026-03-14', -86.8, 33.5],
    ['I3', 'zulu', 'prevention', '2026-03-14T10:00:00Z', -86.8, 33.5],
    ['I4', 'fraction', 'prevention', '2026-03-14 10:00:00.250+05:30', -86.8, 33.5],
  ]);
  parityOk(demoDb, ['import', 'events', iso]);
  assert.deepEqual(epoch('iso.csv'), [
    ['I1', Date.UTC(2026, 2, 14, 15, 0) / 1000],
    ['I2', Date.UTC(2026, 2, 14) / 1000],
    ['I3', Date.UTC(2026, 2, 14, 10, 0) / 1000],
    ['I4', Date.UTC(2026, 2, 14, 4, 30, 0, 250) / 1000],
  ]);
  const us = writeCsv('us.csv', ['event_id', 'title', 'category', 'when', 'lon', 'lat'], [
    ['D1', 'spring', 'prevention', '03/14/2026 10:05', -86.8, 33.5],
    ['D2', 'winter', 'prevention', '1/10/2026 9:00', -86.8, 33.5],
  ]);
  let r = parityOk(demoDb, ['import', 'events', '--date-field', 'when', '--date-format', '%m/%d/%Y %H:%M', us]);
  assert.match(r.stdout, /start from 'when'\n/);
  assert.deepEqual(epoch('us.csv'), [['D1', Date.UTC(2026, 2, 14, 10, 5) / 1000], ['D2', Date.UTC(2026, 0, 10, 9, 0) / 1000]]);
  // Chicago: CDT (UTC-5) from 2026-03-08, CST (UTC-6) in January.
  parityOk(demoDb, ['import', 'events', '--date-field', 'when', '--date-format', '%m/%d/%Y %H:%M', '--timezone', 'America/Chicago', '--source', 'us-chicago', us]);
  assert.deepEqual(epoch('us-chicago'), [['D1', Date.UTC(2026, 2, 14, 15, 5) / 1000], ['D2', Date.UTC(2026, 0, 10, 15, 0) / 1000]]);
  // A value that does not match the format, and an ISO file read with the wrong format.
  const bad = writeCsv('baddate.csv', ['event_id', 'title', 'category', 'when', 'lon', 'lat'], [
    ['X1', 'ok', 'prevention', '03/14/2026 10:05', -86.8, 33.5],
    ['X2', 'bad', 'prevention', '13/45/2026 10:00', -86.8, 33.5],
  ]);
  r = parity(demoDb, ['import', 'events', '--date-field', 'when', '--date-format', '%m/%d/%Y %H:%M', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 3 \(X2\): when '13\/45\/2026 10:00' does not match --date-format '%m\/%d\/%Y %H:%M'/);
  r = parity(demoDb, ['import', 'events', us]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /has no start column; pass --date-field/);
  r = parity(demoDb, ['import', 'events', '--date-field', 'when', us]);
  assert.match(r.stderr, /when '03\/14\/2026 10:05' is not an ISO 8601 date or time .* pass --date-format/);
  r = parity(demoDb, ['import', 'events', '--date-field', 'when', '--timezone', 'Mars/Olympus', '--date-format', '%m/%d/%Y %H:%M', us]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--timezone 'Mars\/Olympus' is not a time zone/);
});

test('partners and programs: upserted by name; unknown kind, partner or category is a bad row', () => {
  const partners = writeCsv('partners2.csv', ['name', 'kind'], [['Demo City Police Department', 'Law Enforcement'], ['Corner Store Coalition', 'business']]);
  let r = parityOk(demoDb, ['import', 'partners', partners]);
  assert.match(r.stdout, /read 2, stored 2 \(new 1, updated 1\), rejected 0/);
  assert.equal(sql(demoDb, 'SELECT count(*) FROM partners')[0][0], '29');
  const badKind = writeCsv('partners3.csv', ['name', 'kind'], [['Somebody', 'alien']]);
  r = parity(demoDb, ['import', 'partners', badKind]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 2 \(Somebody\): unknown kind 'alien' \(known: law enforcement, government agency, nonprofit, business, faith, community\)/);
  const programs = writeCsv('programs2.csv', ['name', 'partner', 'category', 'description', 'start_date', 'end_date'], [
    ['Corner Store Lights', 'Corner Store Coalition', 'prevention', 'Porch lights', '2026-01-05', ''],
    ['Ghost Program', 'Nobody Inc', 'prevention', '', '2026-01-05', ''],
    ['Backwards', 'Corner Store Coalition', 'prevention', '', '2026-02-05', '2026-01-05'],
    ['Odd Category', 'Corner Store Coalition', 'juggling', '', '', ''],
  ]);
  r = parity(demoDb, ['import', 'programs', programs]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 3 \(Ghost Program\): unknown partner 'Nobody Inc'/);
  assert.match(r.stderr, /line 4 \(Backwards\): end_date '2026-01-05' is before start_date '2026-02-05'/);
  assert.match(r.stderr, /line 5 \(Odd Category\): unknown category 'juggling'/);
  r = parityOk(demoDb, ['import', 'programs', '--skip-invalid', '--reject-file', path.join(tmp, 'p.csv'), programs]);
  assert.match(r.stdout, /read 4, stored 1 \(new 1, updated 0\), rejected 3/);
  assert.deepEqual(sql(demoDb, "SELECT p.category, pa.name, p.start_date, p.end_date IS NULL FROM programs p JOIN partners pa ON pa.id = p.partner_id WHERE p.name = 'Corner Store Lights'"),
    [['prevention', 'Corner Store Coalition', '2026-01-05', 't']]);
});

test('a killed import (SIGKILL) leaves the data exactly as before', async () => {
  const n = 60000;
  const lines = [EVENT_HEADER.join(',')];
  for (let i = 1; i <= n; i++) lines.push(`Z${i},Bulk ${i},Safe Summer Hoops,,2026-04-01T10:00:00-05:00,,${i % 50},0,${(-86.85 + (i % 997) * 0.0001).toFixed(6)},${(33.47 + (i % 991) * 0.0001).toFixed(6)}`);
  const file = path.join(tmp, 'bulk.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const snapshot = () => sql(demoDb, `SELECT count(*), md5(string_agg(external_id || source || title || starts_at || coalesce(neighborhood_id, '') || ST_AsText(geom), ',' ORDER BY source, external_id)),
      (SELECT version FROM data_versions WHERE layer = 'events') FROM events`);
  const before = snapshot();
  const proc = spawn(BIN, ['--db', demoDb, 'import', 'events', file], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  // Kill it once its transaction has written rows.
  let writing = false;
  for (let i = 0; i < 300 && !writing; i++) {
    const [[busy]] = sql(demoDb, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'parity' AND datname = current_database() AND backend_xid IS NOT NULL");
    writing = busy !== '0';
    if (!writing) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(writing, 'the import never started writing');
  proc.kill('SIGKILL');
  const { signal } = await exited;
  assert.equal(signal, 'SIGKILL', 'the import finished before it could be killed');
  for (let i = 0; i < 100; i++) {
    const [[busy]] = sql(demoDb, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'parity' AND datname = current_database()");
    if (busy === '0') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(snapshot(), before);
  assert.equal(countSource(demoDb, 'events', 'bulk.csv'), 0);
  // The lock died with it: the next import runs.
  const small = writeCsv('after-kill.csv', EVENT_HEADER, [asRow(GOOD('AK1'))]);
  parityOk(demoDb, ['import', 'events', small]);
});

// ---- real third-party files in projected CRSs -------------------------------------

test('Arizona crimes (287) and schools (8) in state-plane feet land in Tempe/Phoenix, where GDAL puts them', () => {
  let r = parityOk(geoDb, ['import', 'events', '--category', 'enforcement', '--date', '2026-01-15', data('points/arizona_state_plane/crimes.shp')]);
  assert.match(r.stdout, /points from the layer's geometry, CRS NAD_1983_StatePlane_Arizona_Central/);
  assert.match(r.stdout, /read 287, stored 287 \(new 287, updated 0\), rejected 0, outside every neighborhood 287/);
  r = parityOk(geoDb, ['import', 'sites', '--category', 'prevention', data('points/arizona_state_plane/schools.shp')]);
  assert.match(r.stdout, /read 8, stored 8 \(new 8, updated 0\), rejected 0/);
  for (const [table, layer, count] of [['events', 'crimes', 287], ['sites', 'schools', 8]]) {
    const rows = sql(geoDb, `SELECT external_id, ST_X(geom), ST_Y(geom), category FROM ${table} WHERE source = '${layer}.shp'`);
    assert.equal(rows.length, count);
    // SOURCES.md: about -111.841..-111.822 lon, 33.407..33.423 lat.
    for (const [id, x, y] of rows) {
      assert.ok(Number(x) > -111.8415 && Number(x) < -111.8215, `${id} lon ${x}`);
      assert.ok(Number(y) > 33.4065 && Number(y) < 33.4235, `${id} lat ${y}`);
    }
    const gj = geojson(['-t_srs', 'EPSG:4326', '-preserve_fid', '/vsistdout/', data(`points/arizona_state_plane/${layer}.shp`)]);
    const byId = new Map(rows.map(([id, x, y]) => [id, [Number(x), Number(y)]]));
    for (const f of gj.features) {
      const [x, y] = byId.get(`fid:${f.id}`);
      assert.ok(Math.abs(x - f.geometry.coordinates[0]) < 1e-9 && Math.abs(y - f.geometry.coordinates[1]) < 1e-9, `fid ${f.id}`);
    }
  }
  const [[title, cat, start]] = sql(geoDb, "SELECT title, category, extract(epoch FROM starts_at) FROM events WHERE source = 'crimes.shp' AND external_id = 'fid:0'");
  assert.deepEqual([title, cat, Number(start)], ['crimes fid:0', 'enforcement', Date.UTC(2026, 0, 15) / 1000]);
});

test('Virginia points (UTM 17N) in Virginia counties: each neighborhood equals an independent point-in-polygon', () => {
  let r = parityOk(geoDb, ['import', 'boundaries', data('projected/virginia_utm17n/vautm17n.shp')]);
  assert.match(r.stdout, /ids from field 'POLY_ID'/);
  r = parityOk(geoDb, ['import', 'events', '--category', 'prevention', '--date', '2026-02-01', '--source', 'va', data('projected/virginia_utm17n/vautm17n_points.shp')]);
  assert.match(r.stdout, /id from 'ID' \(guessed\)/);
  assert.match(r.stdout, /read 200, stored 200 \(new 200, updated 0\)/);
  const counties = indexPolygons(geojson(['-t_srs', 'EPSG:4326', '/vsistdout/', data('projected/virginia_utm17n/vautm17n.shp')]).features, (f) => f.properties.POLY_ID);
  const points = geojson(['-t_srs', 'EPSG:4326', '/vsistdout/', data('projected/virginia_utm17n/vautm17n_points.shp')]).features;
  const stored = new Map(sql(geoDb, "SELECT external_id, coalesce(neighborhood_id, ''), ST_X(geom), ST_Y(geom) FROM events WHERE source = 'va'")
    .map(([id, n, x, y]) => [id, { n: n || null, x: Number(x), y: Number(y) }]));
  assert.equal(points.length, 200);
  let inside = 0;
  for (const f of points) {
    const s = stored.get(String(f.properties.ID));
    const [x, y] = f.geometry.coordinates;
    assert.ok(Math.abs(s.x - x) < 1e-9 && Math.abs(s.y - y) < 1e-9, `point ${f.properties.ID}`);
    const expected = pip(counties, x, y);
    assert.equal(s.n, expected, `point ${f.properties.ID}`);
    if (expected) inside++;
  }
  assert.ok(inside >= 150, `only ${inside} of 200 points in a county`);
  const outside = 200 - inside;
  assert.match(r.stdout, new RegExp(`outside every neighborhood ${outside}, `));
  // Re-importing other boundaries re-places them all: in Atlanta, no Virginia point has a neighborhood.
  parityOk(geoDb, ['import', 'boundaries', data('neighborhoods/atlanta.geojson')]);
  assert.equal(sql(geoDb, "SELECT count(neighborhood_id) FROM events WHERE source = 'va'")[0][0], '0');
  parityOk(geoDb, ['import', 'boundaries', data('projected/virginia_utm17n/vautm17n.shp')]);
  assert.equal(sql(geoDb, "SELECT count(neighborhood_id) FROM events WHERE source = 'va'")[0][0], String(inside));
});

test('GeoPackage in Web Mercator, WKT columns, and files without a CRS', () => {
  // The demo sites as a GeoPackage in EPSG:3857, made by GDAL.
  const gpkg = path.join(tmp, 'sites3857.gpkg');
  gdal('ogr2ogr', ['-f', 'GPKG', gpkg, path.join(DEMO, 'sites.csv'), '-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat',
    '-oo', 'KEEP_GEOM_COLUMNS=NO', '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:3857', '-nln', 'sites']);
  const r = parityOk(demoDb, ['import', 'sites', '--source', 'gpkg', gpkg]);
  assert.match(r.stdout, /points from the layer's geometry, CRS WGS 84 \/ Pseudo-Mercator/);
  assert.match(r.stdout, /read 60, stored 60 \(new 60, updated 0\), rejected 0, outside every neighborhood 0/);
  const diff = sql(demoDb, `SELECT count(*), max(ST_Distance(a.geom, b.geom)), count(*) FILTER (WHERE a.neighborhood_id IS DISTINCT FROM b.neighborhood_id)
      FROM sites a JOIN sites b USING (external_id) WHERE a.source = 'gpkg' AND b.source = 'sites.csv'`)[0];
  assert.equal(diff[0], '60');
  assert.ok(Number(diff[1]) < 1e-9, `moved by ${diff[1]} degrees`);
  assert.equal(diff[2], '0');
  assert.equal(sql(demoDb, "SELECT count(*) FROM sites WHERE source = 'gpkg' AND sensitive")[0][0], '5');

  // A WKT column has no CRS in a CSV: refused until --s-srs names it.
  const wkt = writeCsv('wkt.csv', ['id', 'name', 'category', 'wkt'], [['W1', 'Corner', 'prevention', 'POINT (-86.8 33.52)'], ['W2', 'Line', 'prevention', 'LINESTRING (0 0, 1 1)']]);
  let w = parity(demoDb, ['import', 'sites', wkt]);
  assert.equal(w.status, 1);
  assert.match(w.stderr, /wkt\.csv has no CRS .*--s-srs/);
  w = parity(demoDb, ['import', 'sites', '--s-srs', 'EPSG:4326', '--skip-invalid', '--reject-file', path.join(tmp, 'wkt-rejects.csv'), wkt]);
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stdout, /points from WKT column 'wkt' \(guessed\)/);
  assert.match(w.stdout, /line 3 \(W2\): the geometry is a LINE ?STRING, not a point/i);
  assert.deepEqual(sql(demoDb, "SELECT ST_AsText(geom) FROM sites WHERE source = 'wkt.csv'"), [['POINT(-86.8 33.52)']]);

  // A shapefile without its .prj is refused, naming --s-srs; nothing is stored.
  for (const ext of ['shp', 'shx', 'dbf']) fs.copyFileSync(data(`points/arizona_state_plane/schools.${ext}`), path.join(tmp, `noprj.${ext}`));
  const n = parity(demoDb, ['import', 'sites', '--category', 'prevention', path.join(tmp, 'noprj.shp')]);
  assert.equal(n.status, 1);
  assert.match(n.stderr, /noprj\.shp has no CRS .*Pass --s-srs EPSG:XXXX/);
  assert.equal(countSource(demoDb, 'sites', 'noprj.shp'), 0);
  // Projected numbers in lon/lat columns are off the globe, with a hint.
  const feet = writeCsv('feet.csv', ['id', 'name', 'category', 'x', 'y'], [['F1', 'School', 'prevention', 727082.05, 879863.26]]);
  const f = parity(demoDb, ['import', 'sites', feet]);
  assert.match(f.stderr, /line 2 \(F1\): longitude 727082\.05, latitude 879863\.26 is off the globe .*pass --s-srs/);
});

test('column flags: a named field must exist; half a coordinate pair is refused; guesses are printed', () => {
  const file = writeCsv('flags.csv', ['code', 'label', 'category', 'when', 'easting', 'lat'], [['C1', 'One', 'prevention', '2026-01-01', -86.8, 33.5]]);
  let r = parity(demoDb, ['import', 'events', '--name-field', 'nope', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--name-field 'nope': no such field; the fields are: code, label, category, when, easting, lat/);
  r = parity(demoDb, ['import', 'events', '--date-field', 'when', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /has a latitude column 'lat' but no longitude column; pass --x-field/);
  r = parity(demoDb, ['import', 'events', '--x-field', 'easting', '--date-field', 'when', file]);
  assert.match(r.stderr, /--x-field and --y-field go together/);
  r = parityOk(demoDb, ['import', 'events', '--x-field', 'easting', '--y-field', 'lat', '--id-field', 'code', '--name-field', 'label', '--date-field', 'when', file]);
  assert.match(r.stdout, /points from columns 'easting', 'lat', CRS WGS 84 \(taken as lon\/lat without --s-srs\)/);
  assert.match(r.stdout, /id from 'code', title from 'label', category from 'category' \(guessed\), start from 'when'/);
  assert.deepEqual(sql(demoDb, "SELECT external_id, title FROM events WHERE source = 'flags.csv'"), [['C1', 'One']]);
  r = parity(demoDb, ['import', 'sites', '--partner-field', 'label', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--partner-field'/);
  for (const kind of ['partners', 'programs', 'sites', 'events']) {
    const h = parity(null, ['import', kind, '--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, new RegExp(`usage: parity import ${kind} FILE`));
  }
  assert.match(parity(null, ['import', 'sites', '--help']).stdout, /read as EPSG:4326 longitude\/latitude/);
  assert.match(parity(null, ['import', '--help']).stdout, /events FILE/);
});
