// `parity import indicators` and `parity import incidents` against real files
// (the demo city, converted by GDAL to other formats and CRSs) and a real
// PostGIS. Expected values come from GDAL reading the same files and from
// separate PostGIS queries; nothing is compared with parity's own earlier
// output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO, freshDatabase, gdal, get, parity, parityOk, sql, startServer } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-analytics-import-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const db = freshDatabase('it_analytics_import');
const INDICATORS = path.join(DEMO, 'indicators.csv');
const INCIDENTS = path.join(DEMO, 'incidents.csv');

before(() => {
  parityOk(db, ['import', 'boundaries', '--quiet', path.join(DEMO, 'neighborhoods.geojson')]);
});

/** Rows of a CSV file as read by GDAL (its own CSV parser). */
const gdalRows = (file) =>
  JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', file])).features.map((f) => f.properties);

const csvFile = (name, text) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

const indicatorValues = () =>
  new Map(sql(db, 'SELECT neighborhood_id || \'/\' || name, value FROM indicators').map(([k, v]) => [k, Number(v)]));

test('indicators: every numeric column of the demo file, matched by id, equal to what GDAL reads', () => {
  const r = parityOk(db, ['import', 'indicators', INDICATORS, '--key', 'id']);
  assert.match(r.stdout, /matched by id from 'nbhd_id' \(guessed/);
  assert.match(r.stdout, /6 imported: population, youth_population, households, households_poverty, median_income, unemployment_rate/);
  assert.match(r.stdout, /left out: name \(text\)/);
  assert.match(r.stdout, /stored 600 values for 100 neighborhoods, rejected 0/);
  const stored = indicatorValues();
  assert.equal(stored.size, 600);
  for (const row of gdalRows(INDICATORS))
    for (const k of ['population', 'youth_population', 'households', 'households_poverty', 'median_income', 'unemployment_rate'])
      assert.equal(stored.get(`${row.nbhd_id}/${k}`), Number(row[k]), `${row.nbhd_id} ${k}`);
  assert.deepEqual(sql(db, "SELECT source, source_field FROM indicator_columns WHERE name = 'median_income'"), [['indicators.csv', 'median_income']]);
  // The residents the analysis uses are the indicator's.
  assert.deepEqual(sql(db, "SELECT population FROM parity_coverage(NULL, NULL, NULL, false) WHERE id = 'N098'"), [['3680']]);
});

test('indicators: matched by name (case aside), from a GeoPackage with typed columns and odd field names', () => {
  const gpkg = path.join(tmp, 'poverty.gpkg');
  // GDAL writes a typed table; the field names get spaces and capitals.
  gdal('ogr2ogr', ['-f', 'GPKG', gpkg, INDICATORS, '-oo', 'AUTODETECT_TYPE=YES', '-nln', 'need', '-dialect', 'sqlite',
    '-sql', 'SELECT upper(name) AS "Neighborhood Name", households_poverty AS "Households in Poverty", households AS "HH Total" FROM indicators']);
  const r = parityOk(db, ['import', 'indicators', gpkg, '--key', 'name', '--key-field', 'Neighborhood Name']);
  assert.match(r.stdout, /households_in_poverty \(from 'Households in Poverty'\), hh_total \(from 'HH Total'\)/);
  const stored = indicatorValues();
  for (const row of gdalRows(INDICATORS)) {
    assert.equal(stored.get(`${row.nbhd_id}/households_in_poverty`), Number(row.households_poverty));
    assert.equal(stored.get(`${row.nbhd_id}/hh_total`), Number(row.households));
    // Indicators not in this file keep their values.
    assert.equal(stored.get(`${row.nbhd_id}/median_income`), Number(row.median_income));
  }
});

test('indicators: rows that match no neighborhood are named and nothing is stored; --skip-invalid stores the rest', () => {
  const before = indicatorValues();
  const file = csvFile('bad-names.csv', 'name,unemployment_rate\nFlint Station,99\nNowhere Heights,5\nCañada,98\nAtlantis,7\n');
  const r = parity(db, ['import', 'indicators', file, '--key', 'name']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /2 bad rows of 4; nothing stored/);
  assert.match(r.stderr, /line 3 \(Nowhere Heights\): 'Nowhere Heights' is no neighborhood's name/);
  assert.match(r.stderr, /line 5 \(Atlantis\): 'Atlantis' is no neighborhood's name/);
  assert.deepEqual(indicatorValues(), before, 'nothing changed');

  const ok = parityOk(db, ['import', 'indicators', file, '--key', 'name', '--skip-invalid']);
  assert.match(ok.stdout, /skipped 2 bad rows/);
  assert.match(ok.stdout, /98 neighborhoods have no row in the file/);
  const after = indicatorValues();
  assert.equal(after.get('N001/unemployment_rate'), 99);
  assert.equal(after.get('N015/unemployment_rate'), 98); // Cañada, UTF-8 name
  // The file replaced the whole indicator: neighborhoods it does not name have none now.
  assert.equal(after.has('N002/unemployment_rate'), false);
  parityOk(db, ['import', 'indicators', INDICATORS]);
});

test('indicators: duplicates, values that are not numbers, reserved names and bad usage are refused', () => {
  const before = indicatorValues();
  const dup = parity(db, ['import', 'indicators', csvFile('dup.csv', 'id,rate\nN001,1\nN002,2\nN001,3\n')]);
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /line 4 \(N001\): neighborhood N001 is also on line 2/);
  const text = parity(db, ['import', 'indicators', csvFile('text.csv', 'id,rate\nN001,1.5\nN002,n/a\nN003,\n')]);
  assert.equal(text.status, 1);
  assert.match(text.stderr, /line 3 \(N002\): rate is not a number/);
  const reserved = parity(db, ['import', 'indicators', csvFile('reserved.csv', 'id,Need,rate\nN001,1,2\n')]);
  assert.equal(reserved.status, 2);
  assert.match(reserved.stderr, /indicator 'need' would clash with the coverage metric/);
  const negative = parity(db, ['import', 'indicators', csvFile('neg.csv', 'id,population\nN001,-5\n')]);
  assert.equal(negative.status, 1);
  assert.match(negative.stderr, /population -5 is negative/);
  const nokey = parity(db, ['import', 'indicators', csvFile('nokey.csv', 'zone,rate\nN001,1\n')]);
  assert.equal(nokey.status, 2);
  assert.match(nokey.stderr, /no id column .* pass --key-field \(the fields are: zone, rate\)/);
  const textOnly = parity(db, ['import', 'indicators', INDICATORS, '--columns', 'name']);
  assert.equal(textOnly.status, 2);
  assert.match(textOnly.stderr, /--columns 'name' is not numeric/);
  const badKey = parity(db, ['import', 'indicators', INDICATORS, '--key', 'code']);
  assert.equal(badKey.status, 2);
  assert.deepEqual(indicatorValues(), before, 'nothing changed');
  // A blank cell stores no value; --columns picks columns.
  parityOk(db, ['import', 'indicators', csvFile('blank.csv', 'id,rate,other\nN001,1.5,7\nN003,,8\n'), '--columns', 'rate']);
  assert.deepEqual(sql(db, "SELECT neighborhood_id, value FROM indicators WHERE name = 'rate' ORDER BY 1"), [['N001', '1.5']]);
  assert.deepEqual(sql(db, "SELECT count(*) FROM indicators WHERE name = 'other'"), [['0']]);
});

test('incidents: the demo file; counts per neighborhood equal an independent point-in-polygon', () => {
  const r = parityOk(db, ['import', 'incidents', '--quiet', INCIDENTS]);
  assert.match(r.stdout, /id from 'incident_id' \(guessed\), kind from 'kind' \(guessed\), date from 'date' \(guessed\)/);
  assert.match(r.stdout, /read 1500, stored 1500 \(new 1500, updated 0\), rejected 0, outside every neighborhood 0/);
  // Kinds as README.md counts them.
  assert.deepEqual(sql(db, 'SELECT kind, count(*) FROM incidents GROUP BY 1 ORDER BY 1'),
    [['aggravated assault', '721'], ['homicide', '37'], ['robbery', '480'], ['shooting', '262']]);
  // Each file row is where GDAL puts it, in the neighborhood PostGIS finds for the file's coordinates.
  const placed = sql(db, `SELECT count(*) FROM incidents i JOIN neighborhoods n ON ST_Covers(n.geom, ST_SetSRID(ST_MakePoint(ST_X(i.geom), ST_Y(i.geom)), 4326))
                          WHERE n.id = i.neighborhood_id`);
  assert.deepEqual(placed, [['1500']]);
  const file = gdalRows(INCIDENTS);
  const stored = new Map(sql(db, 'SELECT external_id, occurred_on::text, ST_X(geom), ST_Y(geom) FROM incidents').map(([id, d, x, y]) => [id, { d, x: +x, y: +y }]));
  for (const row of file) {
    const s = stored.get(row.incident_id);
    assert.equal(s.d, row.date, row.incident_id);
    assert.ok(Math.abs(s.x - Number(row.lon)) < 1e-9 && Math.abs(s.y - Number(row.lat)) < 1e-9, row.incident_id);
  }
  // README: fewer than 10 incidents in N060 (2).
  assert.deepEqual(sql(db, "SELECT count(*) FROM incidents WHERE neighborhood_id = 'N060'"), [['2']]);
  // Importing again updates instead of adding copies.
  assert.match(parityOk(db, ['import', 'incidents', '--quiet', INCIDENTS]).stdout, /new 0, updated 1500/);
});

test('incidents: any format and CRS (GeoPackage in Alabama West state plane), reprojected back to the same places', () => {
  const gpkg = path.join(tmp, 'incidents-stateplane.gpkg');
  gdal('ogr2ogr', ['-f', 'GPKG', gpkg, INCIDENTS, '-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat',
    '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:26930', '-nln', 'incidents', '-sql', "SELECT incident_id AS case_number, date AS incident_date, kind AS offense FROM incidents WHERE incident_id <= 'I0100'"]);
  const other = freshDatabase('it_analytics_import_sp');
  parityOk(other, ['import', 'boundaries', '--quiet', path.join(DEMO, 'neighborhoods.geojson')]);
  const r = parityOk(other, ['import', 'incidents', '--quiet', gpkg]);
  assert.match(r.stdout, /the layer's geometry, CRS NAD83 \/ Alabama West/);
  assert.match(r.stdout, /id from 'case_number' \(guessed\), kind from 'offense' \(guessed\), date from 'incident_date' \(guessed\)/);
  assert.match(r.stdout, /stored 100/);
  const original = new Map(gdalRows(INCIDENTS).map((row) => [row.incident_id, row]));
  for (const [id, x, y, nid] of sql(other, 'SELECT external_id, ST_X(geom), ST_Y(geom), neighborhood_id FROM incidents')) {
    const row = original.get(id);
    assert.ok(Math.abs(Number(x) - Number(row.lon)) < 1e-7 && Math.abs(Number(y) - Number(row.lat)) < 1e-7, id);
    assert.deepEqual(sql(db, `SELECT neighborhood_id FROM incidents WHERE external_id = '${id}'`), [[nid]]);
  }
});

test('incidents: bad rows (date, coordinates, kind) are named and refuse the file; points outside the city are listed', () => {
  const file = csvFile('bad-incidents.csv', [
    'incident_id,date,kind,lon,lat',
    'X1,2026-02-30,shooting,-86.8,33.52',
    'X2,2026-03-01,robbery,-86.8,',
    'X3,2026-03-01,,-86.8,33.52',
    'X4,2026-03-01,rob<b>ery,-86.8,33.52',
    'X5,2026-03-01T23:30:00-06:00,Robbery,-86.8,33.52',
    'X6,2026-03-02,shooting,-80.0,30.0',
  ].join('\n') + '\n');
  const count = () => sql(db, "SELECT count(*) FROM incidents WHERE source = 'bad-incidents.csv'")[0][0];
  const r = parity(db, ['import', 'incidents', '--quiet', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /4 bad rows of 6; nothing stored/);
  assert.match(r.stderr, /line 2 \(X1\): date '2026-02-30'/);
  assert.match(r.stderr, /line 3 \(X2\): no coordinate \(lat is empty\)/);
  assert.match(r.stderr, /line 4 \(X3\): no kind/);
  assert.match(r.stderr, /line 5 \(X4\): kind 'rob<b>ery' is not a kind/);
  assert.equal(count(), '0');
  const ok = parityOk(db, ['import', 'incidents', '--quiet', '--skip-invalid', '--reject-file', path.join(tmp, 'rejects.csv'), file]);
  assert.match(ok.stdout, /outside every neighborhood \(stored without one\): line 7 \(X6\)/);
  assert.equal(count(), '2');
  // A time with an offset counts as the date it happened on there.
  assert.deepEqual(sql(db, "SELECT kind, occurred_on::text FROM incidents WHERE external_id = 'X5'"), [['robbery', '2026-03-01']]);
  assert.equal(gdalRows(path.join(tmp, 'rejects.csv')).length, 4);
  sql(db, "DELETE FROM incidents WHERE source = 'bad-incidents.csv'");
  const nokind = parity(db, ['import', 'incidents', csvFile('nokind.csv', 'id,date,lon,lat\n1,2026-01-01,-86.8,33.52\n')]);
  assert.equal(nokind.status, 2);
  assert.match(nokind.stderr, /no kind column; pass --kind-field, or --kind VALUE/);
  parityOk(db, ['import', 'incidents', '--quiet', '--kind', 'Shooting', '--source', 'nokind', csvFile('nokind.csv', 'id,date,lon,lat\n1,2026-01-01,-86.8,33.52\n')]);
  assert.deepEqual(sql(db, "SELECT kind FROM incidents WHERE source = 'nokind'"), [['shooting']]);
  sql(db, "DELETE FROM incidents WHERE source = 'nokind'");
});

test('incident points are never published: not in tiles, coverage, CSV, profiles or any API path', async () => {
  const server = await startServer(db);
  try {
    // Six decimals of a few incidents' coordinates, as the file writes them.
    const coords = gdalRows(INCIDENTS).slice(0, 40).flatMap((row) => [row.lon, row.lat]);
    const texts = [];
    for (const p of ['/api/coverage', '/api/coverage.csv', '/api/neighborhoods/N042', '/api/neighborhoods',
      '/tiles/neighborhoods/11/527/820.geojson', '/tiles/neighborhoods/12/1055/1641.geojson'])
      texts.push((await get(`${server.url}${p}`)).text);
    for (const c of coords) for (const t of texts) assert.ok(!t.includes(c), `${c} appears in an answer`);
    assert.equal((await get(`${server.url}/api/incidents`)).status, 404);
    assert.equal((await get(`${server.url}/tiles/incidents.json`)).status, 404);
  } finally {
    await server.stop();
  }
});
