// The sites and events layers through the tile cache, and as MVT: the demo
// city loaded as `make run` loads it. MVT tiles are decoded with GDAL's MVT
// driver and compared with the GeoJSON tile of the same z/x/y; what a token
// unlocks never leaks through the cache; changes to the points reach the
// cached tiles (LISTEN/NOTIFY).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, gdal, loadDemo, lonLatToTile, parityOk, sql, startServer } from './lib.mjs';
import { demoRows, meters } from './demo_points.mjs';

const db = freshDatabase('it_point_cache');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-point-cache-'));
let server, token;
const events = demoRows('events').map((e) => ({ ...e, lon: +e.lon, lat: +e.lat }));
const sites = demoRows('sites').map((s) => ({ ...s, lon: +s.lon, lat: +s.lat }));
const sensitive = sites.filter((s) => s.sensitive === 'true');

before(async () => {
  loadDemo(db);
  token = parityOk(db, ['token', 'create', 'point-cache']).stdout.trim();
  server = await startServer(db, { args: ['--cache-size', '16M'] });
});
after(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function raw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
const tilePath = (layer, z, x, y, fmt = 'geojson', q = '') => `/tiles/${layer}/${z}/${x}/${y}.${fmt}${q ? `?${q}` : ''}`;
const auth = () => ({ authorization: `Bearer ${token}` });

/** GDAL's reading of an MVT tile (buffer kept), as GeoJSON in lon/lat. */
function decode(body, layer, z, x, y) {
  const file = path.join(tmp, `${layer}-${z}-${x}-${y}.mvt`);
  fs.writeFileSync(file, body);
  return JSON.parse(gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '/vsistdout/', file,
    '-oo', `X=${x}`, '-oo', `Y=${y}`, '-oo', `Z=${z}`, '-oo', 'CLIP=NO', layer]));
}

/** Properties comparable across formats: MVT carries categories as JSON text, GDAL adds mvt_id. */
function normal(props) {
  const out = { ...props };
  delete out.mvt_id;
  if (typeof out.categories === 'string') out.categories = JSON.parse(out.categories);
  for (const k of Object.keys(out)) if (out[k] === null) delete out[k];
  return JSON.stringify(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** Asserts the MVT tile holds the GeoJSON tile's features: same properties, points within a pixel. */
async function sameAsGeoJSON(layer, z, x, y, q = '', headers = {}) {
  const g = await raw(server.url + tilePath(layer, z, x, y, 'geojson', q), headers);
  const m = await raw(server.url + tilePath(layer, z, x, y, 'mvt', q), headers);
  assert.equal(g.status, 200);
  assert.equal(m.status, 200);
  assert.equal(m.headers['content-type'], 'application/vnd.mapbox-vector-tile');
  const geojson = JSON.parse(g.body).features;
  const decoded = m.body.length ? decode(m.body, layer, z, x, y).features : [];
  assert.deepEqual(decoded.map((f) => normal(f.properties)).sort(), geojson.map((f) => normal(f.properties)).sort(), `${layer} ${z}/${x}/${y} ${q}`);
  // A pixel of a 256-pixel tile, in meters at this latitude, is the MVT grid's coarsest step.
  const pixel = (40075016.686 * Math.cos((geojson[0]?.geometry.coordinates[1] ?? 0) * Math.PI / 180)) / (256 * 2 ** z);
  // (Two clusters may carry equal properties, so match each to any twin.)
  for (const f of geojson) {
    const key = normal(f.properties);
    const twin = decoded.some((d) => normal(d.properties) === key && meters(d.geometry.coordinates, f.geometry.coordinates) < pixel);
    assert.ok(twin, `${layer} z${z} ${q}: ${key} at ${f.geometry.coordinates}`);
  }
  return geojson;
}

test('sites MVT: the same sites and sensitive-site counts as GeoJSON, with and without a token', async () => {
  const s = sensitive[0];
  for (const z of [11, 13, 15]) {
    const { x, y } = lonLatToTile(s.lon, s.lat, z);
    const pub = await sameAsGeoJSON('sites', z, x, y);
    assert.ok(pub.some((f) => f.properties.kind === 'sensitive_sites'), `z${z}: a count where a sensitive site is`);
    const mine = await sameAsGeoJSON('sites', z, x, y, '', auth());
    assert.ok(mine.some((f) => f.properties.name === s.name && f.properties.sensitive === true));
    await sameAsGeoJSON('sites', z, x, y, `category=${encodeURIComponent(s.category)}`);
  }
});

test('events MVT: clusters (categories as JSON text) below z14, single events from z14, as in GeoJSON', async () => {
  const e = events[1234];
  for (const z of [10, 12, 14, 16]) {
    const { x, y } = lonLatToTile(e.lon, e.lat, z);
    const features = await sameAsGeoJSON('events', z, x, y);
    assert.ok(features.length > 0);
    assert.ok(features.every((f) => f.properties.kind === (z < 14 ? 'cluster' : 'event')));
    await sameAsGeoJSON('events', z, x, y, 'category=prevention&from=2026-03-01');
    await sameAsGeoJSON('events', z, x, y, '', auth());
  }
});

test('a cached public tile is never what a token holder gets, nor the other way round', async () => {
  const s = sensitive[1];
  const { x, y } = lonLatToTile(s.lon, s.lat, 16);
  const p = tilePath('sites', 16, x, y);
  await raw(server.url + p);
  const pub = await raw(server.url + p);
  assert.equal(pub.headers['x-parity-cache'], 'hit');
  assert.ok(!pub.body.toString().includes(s.name));
  assert.equal(pub.headers['cache-control'], 'public, max-age=60');
  const mine = await raw(server.url + p, auth());
  assert.equal(mine.headers['x-parity-cache'], 'miss', 'its own entry');
  assert.ok(mine.body.toString().includes(s.name));
  assert.equal(mine.headers['cache-control'], 'private, no-store');
  const again = await raw(server.url + p, auth());
  assert.equal(again.headers['x-parity-cache'], 'hit');
  assert.ok(again.body.equals(mine.body));
  assert.equal(again.headers['cache-control'], 'private, no-store');
  assert.ok((await raw(server.url + p)).body.equals(pub.body), 'the public entry is untouched');
  // A bad token is refused even though both answers are cached.
  const bad = await raw(server.url + p, { authorization: 'Bearer parity_not-a-token' });
  assert.equal(bad.status, 401);
  // Revoking the token takes effect at once, cached tile or not.
  const t2 = parityOk(db, ['token', 'create', 'short-lived']).stdout.trim();
  assert.equal((await raw(server.url + p, { authorization: `Bearer ${t2}` })).headers['x-parity-cache'], 'hit');
  parityOk(db, ['token', 'revoke', 'short-lived']);
  assert.equal((await raw(server.url + p, { authorization: `Bearer ${t2}` })).status, 401);
});

test('an unknown category is 400 every time, a known one is cached', async () => {
  const { x, y } = lonLatToTile(events[0].lon, events[0].lat, 12);
  for (let i = 0; i < 2; i++) {
    const r = await raw(server.url + tilePath('events', 12, x, y, 'geojson', 'category=astrology'));
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error.message, /no category named astrology/);
  }
  const q = 'category=reentry';
  assert.equal((await raw(server.url + tilePath('events', 12, x, y, 'geojson', q))).headers['x-parity-cache'], 'miss');
  assert.equal((await raw(server.url + tilePath('events', 12, x, y, 'geojson', q))).headers['x-parity-cache'], 'hit');
  // The normalized filters are the key: order and case of categories do not matter.
  const both = await raw(server.url + tilePath('events', 12, x, y, 'geojson', 'category=reentry,prevention'));
  const swapped = await raw(server.url + tilePath('events', 12, x, y, 'geojson', 'category=Prevention&category=reentry'));
  assert.equal(swapped.headers['x-parity-cache'], 'hit');
  assert.ok(swapped.body.equals(both.body));
});

test('a new event and a moved site reach their cached tiles', async () => {
  const e = events[10];
  const { x, y } = lonLatToTile(e.lon, e.lat, 16);
  const p = tilePath('events', 16, x, y);
  await raw(server.url + p);
  assert.equal((await raw(server.url + p)).headers['x-parity-cache'], 'hit');
  sql(db, `INSERT INTO events (title, category, starts_at, geom) VALUES ('Cache test cookout', 'prevention', '2026-11-20T17:00:00Z', ST_SetSRID(ST_MakePoint(${e.lon}, ${e.lat}), 4326))`);
  const deadline = Date.now() + 3000;
  let seen;
  do {
    seen = await raw(server.url + p);
  } while (!seen.body.toString().includes('Cache test cookout') && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 20)), true));
  assert.ok(seen.body.toString().includes('Cache test cookout'), 'the new event is in its tile');

  const s = sites.find((x) => x.sensitive !== 'true');
  const t = lonLatToTile(s.lon, s.lat, 16);
  const sp = tilePath('sites', 16, t.x, t.y);
  await raw(server.url + sp);
  assert.ok((await raw(server.url + sp)).body.toString().includes(s.name));
  // Move it about a kilometre east: it leaves this tile.
  sql(db, `UPDATE sites SET geom = ST_SetSRID(ST_MakePoint(${s.lon + 0.01}, ${s.lat}), 4326) WHERE name = '${s.name.replace(/'/g, "''")}'`);
  const until = Date.now() + 3000;
  let body;
  do {
    body = (await raw(server.url + sp)).body.toString();
  } while (body.includes(s.name) && Date.now() < until && (await new Promise((r) => setTimeout(r, 20)), true));
  assert.ok(!body.includes(s.name), 'the moved site left its old tile');
});
