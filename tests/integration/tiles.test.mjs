// GeoJSON tiles, TileJSON and HTTP behaviour of `parity serve` against a
// real PostGIS. Tile contents are checked against GDAL's own spatial filter
// over the source file, not against parity's earlier output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHARED, freshDatabase, gdal, get, lonLatToTile, parityOk, startServer, tileBounds } from './lib.mjs';

const db = freshDatabase('it_tiles');
let server;
const ATLANTA = path.join(SHARED, 'neighborhoods/atlanta.geojson');
const MADRID = path.join(SHARED, 'non_ascii/madrid.geojson');

before(async () => {
  parityOk(db, ['import', 'boundaries', ATLANTA]);
  server = await startServer(db);
});
after(async () => server && (await server.stop()));

const tileUrl = (z, x, y) => `${server.url}/tiles/neighborhoods/${z}/${x}/${y}.geojson`;

/** Names of the features of `file` whose geometry intersects the tile, by GDAL. */
function gdalNamesInTile(file, z, x, y) {
  const b = tileBounds(z, x, y);
  const csv = gdal('ogr2ogr', ['-f', 'CSV', '/vsistdout/', '-spat', b.west, b.south, b.east, b.north, '-select', 'name', file].map(String));
  return new Set(csv.trim().split('\n').slice(1).map((l) => l.replace(/^"|"$/g, '')));
}

function coordinates(geometry) {
  const out = [];
  const walk = (c) => (typeof c[0] === 'number' ? out.push(c) : c.forEach(walk));
  walk(geometry.coordinates);
  return out;
}

for (const [z, lon, lat] of [[11, -84.39, 33.76], [13, -84.39, 33.76], [14, -84.36, 33.78], [15, -84.4, 33.75]]) {
  test(`tile z${z} near (${lon}, ${lat}) holds exactly the neighborhoods GDAL finds there`, async () => {
    const { x, y } = lonLatToTile(lon, lat, z);
    const r = await get(tileUrl(z, x, y));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/geo+json');
    assert.equal(r.json.type, 'FeatureCollection');
    const names = new Set(r.json.features.map((f) => f.properties.name));
    const expected = gdalNamesInTile(ATLANTA, z, x, y);
    assert.ok(expected.size > 0, 'GDAL finds features in this tile');
    assert.deepEqual([...names].sort(), [...expected].sort());
    // Every coordinate is inside the tile plus its buffer (4/256 of the tile),
    // give or take the rounding to this zoom's decimals.
    const b = tileBounds(z, x, y);
    const padX = ((b.east - b.west) * 4) / 256 + 1e-4;
    const padY = ((b.north - b.south) * 4) / 256 + 1e-4;
    for (const f of r.json.features) {
      assert.equal(f.type, 'Feature');
      assert.match(f.geometry.type, /^(Multi)?Polygon$/);
      assert.equal(typeof f.properties.id, 'string');
      for (const [cx, cy] of coordinates(f.geometry)) {
        assert.ok(cx >= b.west - padX && cx <= b.east + padX, `lon ${cx} outside tile ${z}/${x}/${y}`);
        assert.ok(cy >= b.south - padY && cy <= b.north + padY, `lat ${cy} outside tile ${z}/${x}/${y}`);
      }
    }
  });
}

test('coordinates are rounded to what the zoom can show, and low zooms are simplified', async () => {
  const { x, y } = lonLatToTile(-84.39, 33.76, 10);
  const low = await get(tileUrl(10, x, y));
  // Coordinates only: properties (coverage metrics) carry decimals of their own.
  const geometryText = (r) => r.json.features.map((f) => JSON.stringify(f.geometry)).join();
  const decimals = Math.max(...geometryText(low).match(/-?\d+\.\d+/g).map((n) => n.split('.')[1].length));
  assert.ok(decimals <= 4, `z10 coordinates have ${decimals} decimals`);
  const lowVertices = low.json.features.reduce((n, f) => n + coordinates(f.geometry).length, 0);
  // The same neighborhoods, unsimplified, straight from the file.
  const full = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', ATLANTA]));
  const ids = new Set(low.json.features.map((f) => f.properties.id));
  const fullVertices = full.features
    .filter((f) => ids.has(String(f.properties.cartodb_id)))
    .reduce((n, f) => n + coordinates(f.geometry).length, 0);
  assert.ok(lowVertices < fullVertices * 0.8, `${lowVertices} vertices at z10 vs ${fullVertices} in the file`);
  const high = await get(tileUrl(18, ...Object.values(lonLatToTile(-84.39, 33.76, 18)).slice(1)));
  const highDecimals = Math.max(...geometryText(high).match(/-?\d+\.\d+/g).map((n) => n.split('.')[1].length));
  assert.ok(highDecimals >= 6 && highDecimals <= 7, `z18 has ${highDecimals} decimals`);
});

test('an empty tile is an empty FeatureCollection', async () => {
  const r = await get(tileUrl(12, 0, 0));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { type: 'FeatureCollection', features: [] });
});

test('malformed or out-of-range z/x/y get 400 with a JSON error body', async () => {
  for (const p of ['12/4096/0', '12/0/4096', '23/0/0', 'a/0/0', '-1/0/0', '1/0/0x', '01/0/0']) {
    const r = await get(`${server.url}/tiles/neighborhoods/${p}.geojson`);
    assert.equal(r.status, 400, p);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.json.error.status, 400);
    assert.ok(r.json.error.message.length > 10);
  }
});

test('unknown paths and layers get 404 with a JSON error body', async () => {
  for (const p of ['/tiles/nope/1/0/0.geojson', '/tiles/nope.json', '/nope.html', '/api/nope', '/tiles/neighborhoods/1/0/0.png']) {
    const r = await get(server.url + p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found');
  }
  const post = await fetch(`${server.url}/tiles/neighborhoods.json`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('TileJSON 3.0.0 with the URL template, bounds and center of the data', async () => {
  const r = await get(`${server.url}/tiles/neighborhoods.json`);
  assert.equal(r.status, 200);
  const t = r.json;
  assert.equal(t.tilejson, '3.0.0');
  assert.deepEqual(t.tiles, ['/tiles/neighborhoods/{z}/{x}/{y}.geojson']);
  assert.equal(t.minzoom, 0);
  assert.equal(t.maxzoom, 22);
  // GDAL's extent of the same file.
  const info = gdal('ogrinfo', ['-so', '-al', ATLANTA]);
  const m = info.match(/Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/);
  const extent = m.slice(1).map(Number);
  t.bounds.forEach((v, i) => assert.ok(Math.abs(v - extent[i]) < 1e-5, `bounds[${i}] ${v} vs ${extent[i]}`));
  assert.ok(Math.abs(t.center[0] - (extent[0] + extent[2]) / 2) < 1e-5);
  assert.ok(Math.abs(t.center[1] - (extent[1] + extent[3]) / 2) < 1e-5);
  assert.ok(t.center[2] >= 9 && t.center[2] <= 13);
  assert.equal(t.vector_layers[0].id, 'neighborhoods');
});

test("madrid's accents survive the round trip to a tile", async () => {
  const db2 = freshDatabase('it_tiles_madrid');
  parityOk(db2, ['import', 'boundaries', MADRID]);
  const s = await startServer(db2);
  try {
    const seen = new Set();
    for (const [x, y] of [[2006, 1544], [2007, 1544], [2006, 1543], [2007, 1543]]) {
      const r = await get(`${s.url}/tiles/neighborhoods/12/${x}/${y}.geojson`);
      r.json.features.forEach((f) => seen.add(f.properties.name));
    }
    for (const name of ['Pacífico', 'Jerónimos', 'Niño Jesús']) assert.ok(seen.has(name), `${name} in ${[...seen].slice(0, 5)}`);
  } finally {
    await s.stop();
  }
});

test('/healthz answers that the server and its database are up', async () => {
  const r = await get(`${server.url}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok', database: 'up' });
});

test('the page is served with security headers; .. paths are refused', async () => {
  const r = await get(`${server.url}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/..%2fMakefile', '/.hidden']) {
    const bad = await get(server.url + p);
    assert.equal(bad.status, 404, p);
  }
});

test('SIGTERM stops the server cleanly with exit 0', async () => {
  const s = await startServer(db);
  const code = await s.stop('SIGTERM');
  assert.equal(code, 0);
});
