// Low-zoom tiles of a big boundary file stay small: the 3,222 US counties
// at national zooms. Which counties a tile must hold is worked out here
// from GDAL's reading of the source file (its spatial filter, and bounds
// reprojected to Web Mercator by GDAL/PROJ), not from parity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SHARED, freshDatabase, gdal, lonLatToTile, parityOk, startServer, tileBounds } from './lib.mjs';

const COUNTIES = path.join(SHARED, 'large/us-counties.geojson');
const db = freshDatabase('it_lowzoom');
let server, capped;
const CAP = 40;

before(async () => {
  parityOk(db, ['import', 'boundaries', COUNTIES]);
  server = await startServer(db);
  capped = await startServer(db, { args: ['--max-features', String(CAP)] });
});
after(async () => {
  await server?.stop();
  await capped?.stop();
});

function fetchBytes(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const WORLD = 40075016.685578488; // meters around the equator in EPSG:3857

/**
 * The counties GDAL finds in tile z/x/y with their Web Mercator bounds'
 * larger side, largest first (ties by id): [{id, size}].
 */
function gdalCounties(z, x, y) {
  const b = tileBounds(z, x, y);
  const fc = JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:3857', '-spat', b.west, b.south, b.east, b.north,
    '-select', 'id', '/vsistdout/', COUNTIES].map(String)));
  return fc.features.map((f) => {
    const pts = [];
    const walk = (c) => (typeof c[0] === 'number' ? pts.push(c) : c.forEach(walk));
    walk(f.geometry.coordinates);
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const size = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    return { id: String(f.id ?? f.properties.id), size }; // GDAL writes the id field as the feature id
  }).sort((p, q) => q.size - p.size || (p.id < q.id ? -1 : 1));
}

test('national tiles (z0-z4) of the 3,222 counties stay well under 1 MB', async () => {
  const sizes = {};
  for (let z = 0; z <= 4; z++) {
    // The tiles covering the conterminous United States.
    const nw = lonLatToTile(-125, 49.5, z);
    const se = lonLatToTile(-66.9, 24.5, z);
    let largest = 0;
    for (let x = nw.x; x <= se.x; x++) {
      for (let y = nw.y; y <= se.y; y++) {
        const r = await fetchBytes(`${server.url}/tiles/neighborhoods/${z}/${x}/${y}.geojson`);
        assert.equal(r.status, 200);
        largest = Math.max(largest, r.body.length);
      }
    }
    sizes[z] = largest;
  }
  console.log(`largest plain GeoJSON tile by zoom: ${JSON.stringify(sizes)}`);
  // Each county also carries its coverage metrics (about 170 bytes).
  for (let z = 0; z <= 4; z++) assert.ok(sizes[z] < 1_000_000, `z${z}: ${sizes[z]} bytes`);
  assert.ok(sizes[0] < 200_000, `z0: ${sizes[0]} bytes`);
});

for (const [z, lon, lat] of [[0, -100, 40], [3, -90, 38], [5, -87, 33.5]]) {
  test(`z${z}: exactly the counties at least a pixel across that GDAL finds in the tile`, async () => {
    const { x, y } = lonLatToTile(lon, lat, z);
    const pixel = WORLD / (256 * 2 ** z);
    const found = gdalCounties(z, x, y);
    const expected = found.filter((c) => c.size >= pixel * 1.001).map((c) => c.id);
    const borderline = new Set(found.filter((c) => Math.abs(c.size - pixel) <= pixel * 0.001).map((c) => c.id));
    const r = await fetchBytes(`${server.url}/tiles/neighborhoods/${z}/${x}/${y}.geojson`);
    const got = JSON.parse(r.body).features.map((f) => f.properties.id).filter((id) => !borderline.has(id));
    assert.deepEqual(got.sort(), expected.filter((id) => !borderline.has(id)).sort());
    if (z === 0) assert.ok(found.length > 3000 && expected.length < found.length / 4, `${expected.length} of ${found.length} kept at z0`);
  });
}

test(`--max-features ${CAP} keeps the ${CAP} largest counties of a crowded tile, and says so`, async () => {
  const z = 5;
  const { x, y } = lonLatToTile(-87, 33.5, z);
  const found = gdalCounties(z, x, y);
  const expected = found.map((c) => c.id);
  assert.ok(expected.length > CAP * 2, `${expected.length} counties in the tile`);
  // What the tile had before the cap: the counties at least a pixel across
  // (GDAL's sizes; those within its reprojection noise of a pixel may go
  // either way).
  const pixel = WORLD / (256 * 2 ** z);
  const surely = found.filter((c) => c.size >= pixel * 1.001).length;
  const maybe = found.filter((c) => c.size >= pixel * 0.999).length;
  for (const fmt of ['geojson', 'mvt']) {
    const r = await fetchBytes(`${capped.url}/tiles/neighborhoods/${z}/${x}/${y}.${fmt}`);
    assert.equal(r.status, 200);
    const m = /^(\d+) of (\d+)$/.exec(r.headers['x-parity-truncated'] ?? '');
    assert.ok(m, `${fmt}: X-Parity-Truncated ${r.headers['x-parity-truncated']}`);
    assert.equal(Number(m[1]), CAP, fmt);
    assert.ok(Number(m[2]) >= surely && Number(m[2]) <= maybe, `${fmt}: total ${m[2]}, GDAL: ${surely}-${maybe}`);
    if (fmt === 'mvt') {
      const file = path.join(os.tmpdir(), `parity-lowzoom-${process.pid}.mvt`);
      fs.writeFileSync(file, r.body);
      const info = gdal('ogrinfo', ['-ro', '-so', '-oo', `X=${x}`, '-oo', `Y=${y}`, '-oo', `Z=${z}`, file, 'neighborhoods']);
      fs.rmSync(file);
      assert.match(info, new RegExp(`Feature Count: ${CAP}\\n`));
      continue;
    }
    const got = JSON.parse(r.body).features.map((f) => f.properties.id);
    assert.equal(got.length, CAP);
    // The CAP largest by GDAL's measure; allow a swap at the cut-off where
    // two sizes differ by less than the reprojection's noise.
    const inTop = got.filter((id) => expected.slice(0, CAP + 2).includes(id)).length;
    assert.ok(inTop === CAP, `${inTop} of ${CAP} among GDAL's largest`);
  }
});
