// `parity import boundaries` against real third-party files (../shared/data)
// and a real PostGIS. Expected counts come from SOURCES.md and ogrinfo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, SHARED, freshDatabase, gdal, parity, parityOk, sql } from './lib.mjs';

const db = freshDatabase('it_boundaries');
const data = (p) => path.join(SHARED, p);
const count = () => Number(sql(db, 'SELECT count(*) FROM neighborhoods')[0][0]);

const FILES = [
  ['neighborhoods/atlanta.geojson', 114, []],
  ['neighborhoods/detroit.geojson', 92, []],
  ['neighborhoods/columbus_oh/columbus.shp', 49, ['--s-srs', 'EPSG:3857']],
  ['projected/virginia_utm17n/vautm17n.shp', 136, []],
  ['invalid/oklahoma-cities.geojson', 43, []],
  ['non_ascii/madrid.geojson', 128, []],
  ['holes/denver.geojson', 78, []],
  ['holes/polygon_holes/Polygon_Holes.shp', 3, []],
  ['large/us-counties.geojson', 3222, []],
];

for (const [file, expected, extra] of FILES) {
  test(`imports ${file}: ${expected} features, all valid MultiPolygons`, () => {
    const r = parityOk(db, ['import', 'boundaries', ...extra, data(file)]);
    assert.match(r.stdout, new RegExp(`read ${expected}, stored ${expected},`));
    assert.equal(count(), expected);
    const [[types, invalid]] = sql(
      db,
      `SELECT string_agg(DISTINCT GeometryType(geom), ','), count(*) FILTER (WHERE NOT ST_IsValid(geom))
       FROM neighborhoods`,
    );
    assert.equal(types, 'MULTIPOLYGON');
    assert.equal(invalid, '0');
  });
}

test('other formats through GDAL: GeoPackage, FlatGeobuf, KML of the same layer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-formats-'));
  try {
    for (const [driver, ext] of [['GPKG', 'gpkg'], ['FlatGeobuf', 'fgb'], ['KML', 'kml']]) {
      const out = path.join(dir, `denver.${ext}`);
      gdal('ogr2ogr', ['-f', driver, out, data('holes/denver.geojson')]);
      const r = parityOk(db, ['import', 'boundaries', out]);
      assert.match(r.stdout, /read 78, stored 78,/, driver);
      assert.equal(count(), 78, driver);
      const [[name]] = sql(db, "SELECT name FROM neighborhoods WHERE name = 'Capitol Hill'");
      assert.equal(name, 'Capitol Hill', driver);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('projected files land in lon/lat where they belong', () => {
  parityOk(db, ['import', 'boundaries', data('projected/virginia_utm17n/vautm17n.shp')]);
  const [[w, s, e, n]] = sql(
    db,
    'SELECT ST_XMin(x), ST_YMin(x), ST_XMax(x), ST_YMax(x) FROM (SELECT ST_Extent(geom) x FROM neighborhoods) t',
  ).map((r) => r.map(Number));
  // SOURCES.md: Virginia is about -83.7..-75.2 lon, 36.5..39.5 lat.
  assert.ok(w > -83.8 && w < -83.5, `west ${w}`);
  assert.ok(e > -75.4 && e < -75.1, `east ${e}`);
  assert.ok(s > 36.4 && s < 36.7, `south ${s}`);
  assert.ok(n > 39.3 && n < 39.6, `north ${n}`);
  // Independent check: GDAL reprojects Fairfax's first vertex to the same place.
  const gj = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-where', "NAME = 'Fairfax'",
    '/vsistdout/', data('projected/virginia_utm17n/vautm17n.shp')]));
  assert.equal(gj.features.length, 1);
  const g = gj.features[0].geometry;
  const [gx, gy] = g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];
  const [[px, py]] = sql(db, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_StartPoint(ST_ExteriorRing(ST_GeometryN(geom, 1))) p
    FROM neighborhoods WHERE name = 'Fairfax') t`).map((r) => r.map(Number));
  assert.ok(Math.abs(px - gx) < 1e-7 && Math.abs(py - gy) < 1e-7, `(${px}, ${py}) vs GDAL (${gx}, ${gy})`);
});

test('a file without a CRS is refused with a message naming --s-srs, and nothing changes', () => {
  parityOk(db, ['import', 'boundaries', data('neighborhoods/atlanta.geojson')]);
  const r = parity(db, ['import', 'boundaries', data('neighborhoods/columbus_oh/columbus.shp')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no CRS/);
  assert.match(r.stderr, /--s-srs/);
  assert.equal(count(), 114);
});

test("oklahoma-cities' invalid polygons are repaired, counted and named", () => {
  const r = parityOk(db, ['import', 'boundaries', data('invalid/oklahoma-cities.geojson')]);
  // SOURCES.md: 26 invalid geometries (self-intersections).
  assert.match(r.stdout, /repaired 26 invalid geometries: .*Tulsa/);
  assert.match(r.stdout, /stored 43, repaired 26, refused 0/);
  const [[invalid]] = sql(db, 'SELECT count(*) FROM neighborhoods WHERE NOT ST_IsValid(geom)');
  assert.equal(invalid, '0');
});

test("atlanta's one invalid polygon (Virginia-Highland) is repaired", () => {
  const r = parityOk(db, ['import', 'boundaries', data('neighborhoods/atlanta.geojson')]);
  assert.match(r.stdout, /repaired 1 invalid geometry: Virginia-Highland/);
});

test('holes survive: as many interior rings and parts as GDAL reads', () => {
  parityOk(db, ['import', 'boundaries', data('holes/polygon_holes/Polygon_Holes.shp')]);
  const gj = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', data('holes/polygon_holes/Polygon_Holes.shp')]));
  let holes = 0;
  let polygons = 0;
  for (const f of gj.features) {
    for (const p of f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) {
      polygons += 1;
      holes += p.length - 1;
    }
  }
  const [[rings, parts]] = sql(
    db,
    'SELECT sum(ST_NumInteriorRings((d).geom)), count(*) FROM (SELECT ST_Dump(geom) d FROM neighborhoods) t',
  );
  assert.equal(Number(rings), holes);
  assert.equal(Number(parts), polygons);
  assert.ok(holes >= 3);
});

test('all source attributes are kept as JSONB and non-ASCII text is intact', () => {
  parityOk(db, ['import', 'boundaries', data('non_ascii/madrid.geojson')]);
  const names = sql(db, "SELECT name FROM neighborhoods WHERE name IN ('Pacífico','Niño Jesús','Jerónimos') ORDER BY 1");
  assert.deepEqual(names.flat(), ['Jerónimos', 'Niño Jesús', 'Pacífico']);
  const [[keys]] = sql(
    db,
    "SELECT string_agg(k, ',' ORDER BY k) FROM (SELECT jsonb_object_keys(attributes) k FROM neighborhoods WHERE name = 'Pacífico') t",
  );
  assert.equal(keys, 'cartodb_id,created_at,name,updated_at');
  parityOk(db, ['import', 'boundaries', data('large/us-counties.geojson')]);
  // "Doña Ana" is stored in the file as a \u00f1 escape.
  const [[dona, fips]] = sql(db, "SELECT name, id FROM neighborhoods WHERE name LIKE 'Do%a Ana'");
  assert.equal(dona, 'Doña Ana');
  assert.equal(fips, '35013');
});

test('guesses the name field and says so; honours --name-field and --id-field', () => {
  let r = parityOk(db, ['import', 'boundaries', data('large/us-counties.geojson')]);
  assert.match(r.stdout, /names from field 'NAME' \(guessed/);
  assert.match(r.stdout, /ids from field 'id'/);
  const [[name]] = sql(db, "SELECT name FROM neighborhoods WHERE id = '01073'");
  assert.equal(name, 'Jefferson');
  r = parityOk(db, ['import', 'boundaries', '--name-field', 'GEO_ID', '--id-field', 'GEO_ID',
    data('large/us-counties.geojson')]);
  assert.doesNotMatch(r.stdout, /guessed/);
  const [[id]] = sql(db, "SELECT id FROM neighborhoods WHERE name = '0500000US01073'");
  assert.equal(id, '0500000US01073');
  r = parity(db, ['import', 'boundaries', '--name-field', 'nope', data('large/us-counties.geojson')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--name-field 'nope': no such field; the fields are: id, GEO_ID, STATE/);
});

test('population comes from the guessed or given field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-pop-'));
  try {
    const out = path.join(dir, 'with_pop.geojson');
    gdal('ogr2ogr', ['-f', 'GeoJSON', out, data('holes/denver.geojson'), '-dialect', 'sqlite', '-sql',
      'SELECT name, cartodb_id * 100 AS residents, geometry FROM denver']);
    let r = parityOk(db, ['import', 'boundaries', out]);
    assert.doesNotMatch(r.stdout, /population from/);
    assert.equal(sql(db, 'SELECT count(population) FROM neighborhoods')[0][0], '0');
    r = parityOk(db, ['import', 'boundaries', '--population-field', 'residents', out]);
    assert.match(r.stdout, /population from field 'residents'/);
    const [[sum]] = sql(db, 'SELECT sum(population) FROM neighborhoods');
    const [[expected]] = sql(db, "SELECT sum((attributes->>'residents')::int) FROM neighborhoods");
    assert.equal(sum, expected);
    assert.ok(Number(sum) > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed import (points, not polygons) leaves the previous set untouched', () => {
  parityOk(db, ['import', 'boundaries', data('neighborhoods/detroit.geojson')]);
  const before = sql(db, 'SELECT id, name, md5(ST_AsBinary(geom)) FROM neighborhoods ORDER BY id');
  const r = parity(db, ['import', 'boundaries', data('points/arizona_state_plane/crimes.shp')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no polygons \(287 features refused\)/);
  assert.deepEqual(sql(db, 'SELECT id, name, md5(ST_AsBinary(geom)) FROM neighborhoods ORDER BY id'), before);
  const missing = parity(db, ['import', 'boundaries', data('nope.geojson')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nope\.geojson: No such file/);
  assert.deepEqual(sql(db, 'SELECT id, name, md5(ST_AsBinary(geom)) FROM neighborhoods ORDER BY id'), before);
});

test('an import killed mid-way (SIGKILL) leaves the previous set exactly as it was', async () => {
  parityOk(db, ['import', 'boundaries', data('neighborhoods/detroit.geojson')]);
  const before = sql(db, 'SELECT id, name, md5(ST_AsBinary(geom)) FROM neighborhoods ORDER BY id');
  for (const delay of [150, 400, 700]) {
    const proc = spawn(BIN, ['--db', db, 'import', 'boundaries', data('large/us-counties.geojson')], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, delay));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    // The server notices the closed connection and rolls back.
    for (let i = 0; i < 50; i++) {
      const [[busy]] = sql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'parity' AND datname = current_database() AND pid <> pg_backend_pid()");
      if (busy === '0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(sql(db, 'SELECT id, name, md5(ST_AsBinary(geom)) FROM neighborhoods ORDER BY id'), before, `killed after ${delay} ms`);
  }
});

test('every import is recorded', () => {
  const [[n]] = sql(db, 'SELECT count(*) FROM boundary_imports');
  assert.ok(Number(n) >= 10);
});

test('--help of every subcommand', () => {
  for (const args of [['--help'], ['db', 'migrate', '--help'], ['import', 'boundaries', '--help'], ['serve', '--help']]) {
    const r = parity(null, args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /usage: parity/);
  }
  assert.match(parity(null, ['serve', '--help']).stdout, /--listen HOST:PORT .*default 127\.0\.0\.1:8080/);
});

test('db migrate twice changes nothing', () => {
  const r = parityOk(db, ['db', 'migrate']);
  assert.match(r.stdout, /0 migrations applied/);
});
