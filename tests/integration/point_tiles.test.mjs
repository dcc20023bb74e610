// The sites and events tile layers (GeoJSON tiles, TileJSON) against a real
// PostGIS and a real `parity serve`, with the demo city loaded as `make run`
// loads it. Expected counts come from the demo CSV files read through GDAL
// and tile bounds computed here from the published Web Mercator formulas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, get, loadDemo, lonLatToTile, parityOk, startServer, tileBounds } from './lib.mjs';
import { api, coordinatePairs, demoRows, meters, neighborhoodOf, utcDay } from './demo_points.mjs';

const db = freshDatabase('it_point_tiles');
let server;
let token;
const events = demoRows('events').map((e) => ({ ...e, lon: +e.lon, lat: +e.lat }));
const sites = demoRows('sites').map((s) => ({ ...s, lon: +s.lon, lat: +s.lat }));
const programs = demoRows('programs');
const sensitive = sites.filter((s) => s.sensitive === 'true');

before(async () => {
  loadDemo(db); // boundaries, partners, programs, sites, events: what `make run` loads
  token = parityOk(db, ['token', 'create', 'tiles']).stdout.trim();
  server = await startServer(db);
});
after(async () => server && (await server.stop()));

const tile = (layer, z, x, y, query = '') => `${server.url}/tiles/${layer}/${z}/${x}/${y}.geojson${query ? `?${query}` : ''}`;

/** Web Mercator y in meters of a latitude, for the half-open tile test. */
const mercatorY = (lat) => 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
/** Whether (lon, lat) lies in tile z/x/y: x in [west, east), y in (south, north]. */
function inTile(lon, lat, z, x, y) {
  const b = tileBounds(z, x, y);
  const my = mercatorY(lat);
  return lon >= b.west && lon < b.east && my > mercatorY(b.south) && my <= mercatorY(b.north);
}

/** The tile of the highest zoom that holds every one of points. */
function coveringTile(points) {
  for (let z = 16; z >= 0; z--) {
    const ts = new Set(points.map((p) => JSON.stringify(lonLatToTile(p.lon, p.lat, z))));
    if (ts.size === 1) return JSON.parse([...ts][0]);
  }
  throw new Error('no covering tile');
}

const matches = (e, { categories, from, to }) =>
  (!categories || categories.includes(e.category)) && (!from || utcDay(e.start_time) >= from) && (!to || utcDay(e.start_time) <= to);
const query = ({ categories, from, to }) =>
  [categories && categories.map((c) => `category=${encodeURIComponent(c)}`).join('&'), from && `from=${from}`, to && `to=${to}`].filter(Boolean).join('&');

const FILTERS = [
  {},
  { categories: ['prevention'] },
  { categories: ['reentry', 'community engagement'], from: '2026-01-01' },
  { from: '2026-03-01', to: '2026-05-31' },
  { categories: ['intervention'], to: '2026-02-15' },
];

test('TileJSON for sites and events', async () => {
  for (const layer of ['sites', 'events']) {
    const r = await get(`${server.url}/tiles/${layer}.json`);
    assert.equal(r.status, 200);
    assert.equal(r.json.tilejson, '3.0.0');
    assert.deepEqual(r.json.tiles, [`/tiles/${layer}/{z}/{x}/{y}.geojson`]);
    assert.equal(r.json.vector_layers[0].id, layer);
    assert.ok(r.json.vector_layers[0].fields.kind);
    // The bounds hold every demo point of the layer.
    const [w, s, e, n] = r.json.bounds;
    for (const p of layer === 'sites' ? sites : events.filter((ev) => neighborhoodOf(ev.lon, ev.lat)))
      assert.ok(p.lon >= w && p.lon <= e && p.lat >= s && p.lat <= n);
  }
  assert.ok((await get(`${server.url}/tiles/events.json`)).json.vector_layers[0].fields.categories);
});

test('a low-zoom tile over the whole city: cluster counts add up to the matching events', async () => {
  const cover = coveringTile(events);
  assert.ok(cover.z < 14 && cover.z >= 6, `covering tile at z${cover.z}`);
  for (const f of FILTERS) {
    const expected = events.filter((e) => matches(e, f)).length;
    const perCategory = {};
    for (const e of events.filter((ev) => matches(ev, f))) perCategory[e.category] = (perCategory[e.category] ?? 0) + 1;
    const r = await get(tile('events', cover.z, cover.x, cover.y, query(f)));
    assert.equal(r.status, 200, r.text);
    const clusters = r.json.features;
    assert.ok(clusters.length > 0 && clusters.length <= 16, `${clusters.length} clusters`);
    assert.ok(clusters.every((c) => c.properties.kind === 'cluster'));
    const sum = clusters.reduce((n, c) => n + c.properties.count, 0);
    assert.equal(sum, expected, `filters ${JSON.stringify(f)}`);
    const categories = {};
    for (const c of clusters) {
      const own = Object.values(c.properties.categories).reduce((a, b) => a + b, 0);
      assert.equal(own, c.properties.count, 'a cluster counts its categories');
      for (const [k, v] of Object.entries(c.properties.categories)) categories[k] = (categories[k] ?? 0) + v;
    }
    assert.deepEqual(categories, perCategory);
  }
});

test('at z12 every event is in exactly one cluster of exactly one tile', async () => {
  const z = 12;
  const xs = events.map((e) => lonLatToTile(e.lon, e.lat, z));
  const tiles = new Map(xs.map((t) => [`${t.x}/${t.y}`, t]));
  assert.ok(tiles.size > 4);
  let total = 0;
  for (const t of tiles.values()) {
    const r = await get(tile('events', z, t.x, t.y));
    const b = tileBounds(z, t.x, t.y);
    const expected = events.filter((e) => inTile(e.lon, e.lat, z, t.x, t.y)).length;
    const sum = r.json.features.reduce((n, c) => n + c.properties.count, 0);
    assert.equal(sum, expected, `tile ${z}/${t.x}/${t.y}`);
    for (const c of r.json.features) {
      const [lon, lat] = c.geometry.coordinates;
      assert.ok(lon >= b.west - 1e-3 && lon <= b.east + 1e-3 && lat >= b.south - 1e-3 && lat <= b.north + 1e-3, 'cluster in its tile');
    }
    total += sum;
  }
  assert.equal(total, events.length);
});

test('from zoom 14 single events with their properties, filtered', async () => {
  const e = events[1234];
  const partnerOf = Object.fromEntries(programs.map((p) => [p.name, p.partner]));
  for (const z of [14, 16]) {
    const t = lonLatToTile(e.lon, e.lat, z);
    for (const f of [{}, { categories: [e.category], from: utcDay(e.start_time), to: utcDay(e.start_time) }, { categories: ['enforcement', 'reentry'] }]) {
      const r = await get(tile('events', z, t.x, t.y, query(f)));
      assert.equal(r.status, 200);
      const expected = events.filter((ev) => inTile(ev.lon, ev.lat, z, t.x, t.y) && matches(ev, f));
      assert.equal(r.json.features.length, expected.length, `z${z} ${JSON.stringify(f)}`);
      assert.ok(r.json.features.every((x) => x.properties.kind === 'event' && x.properties.count === undefined));
      assert.deepEqual(r.json.features.map((x) => x.properties.title).sort(), expected.map((ev) => ev.title).sort());
    }
    const r = await get(tile('events', z, t.x, t.y));
    const feature = r.json.features.find((x) => x.properties.title === e.title && meters(x.geometry.coordinates, [e.lon, e.lat]) < 1);
    assert.ok(feature, 'the event is in its tile');
    const p = feature.properties;
    assert.equal(p.category, e.category);
    assert.equal(Date.parse(p.starts_at), Date.parse(e.start_time));
    assert.equal(Date.parse(p.ends_at), Date.parse(e.end_time));
    assert.equal(p.attendance, Number(e.attendance));
    assert.equal(p.youth_attendance, Number(e.youth_attendance));
    assert.equal(p.program ?? '', e.program);
    assert.equal(p.partner ?? '', e.partner || partnerOf[e.program] || '');
    assert.equal(p.source, undefined, 'bookkeeping fields only with a token');
  }
});

test('sites tile: public sites with their properties, sensitive ones only as counts', async () => {
  const cover = coveringTile(sites);
  const r = await get(tile('sites', cover.z, cover.x, cover.y));
  assert.equal(r.status, 200);
  const points = r.json.features.filter((f) => f.properties.kind === 'site');
  const counts = r.json.features.filter((f) => f.properties.kind === 'sensitive_sites');
  assert.deepEqual(points.map((f) => f.properties.name).sort(), sites.filter((s) => s.sensitive !== 'true').map((s) => s.name).sort());
  for (const f of points) {
    const s = sites.find((x) => x.name === f.properties.name);
    assert.equal(f.properties.category, s.category);
    assert.equal(f.properties.program ?? '', s.program);
    assert.equal(f.properties.capacity ?? '', s.capacity === '' ? '' : Number(s.capacity));
    assert.equal(f.properties.sensitive, undefined);
  }
  // One point per neighborhood holding sensitive sites, inside that
  // neighborhood (ray casting over the GeoJSON), with nothing but the count.
  const expected = {};
  for (const s of sensitive) expected[neighborhoodOf(s.lon, s.lat)] = (expected[neighborhoodOf(s.lon, s.lat)] ?? 0) + 1;
  assert.deepEqual(Object.fromEntries(counts.map((f) => [f.properties.neighborhood, f.properties.sensitive_count])), expected);
  for (const f of counts) {
    assert.deepEqual(Object.keys(f.properties).sort(), ['kind', 'neighborhood', 'neighborhood_name', 'sensitive_count']);
    assert.equal(neighborhoodOf(...f.geometry.coordinates), f.properties.neighborhood);
  }
  // Filters apply to the counts too.
  const intervention = await get(tile('sites', cover.z, cover.x, cover.y, 'category=intervention'));
  const n = intervention.json.features.filter((f) => f.properties.kind === 'sensitive_sites').reduce((a, f) => a + f.properties.sensitive_count, 0);
  assert.equal(n, sensitive.filter((s) => s.category === 'intervention').length);
  assert.ok(intervention.json.features.filter((f) => f.properties.kind === 'site').every((f) => f.properties.category === 'intervention'));
});

test("a sensitive site's coordinates appear in no public tile at any zoom; a token shows it", async () => {
  const near = (text) => coordinatePairs(text).filter((p) => sensitive.some((s) => meters(p, [s.lon, s.lat]) < 1));
  const named = (text) => sensitive.filter((s) => text.includes(s.name) || text.includes(s.address));
  for (const s of sensitive) {
    for (let z = 0; z <= 22; z++) {
      const t = lonLatToTile(s.lon, s.lat, z);
      for (const [dx, dy] of z >= 12 ? [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]] : [[0, 0]]) {
        for (const layer of ['sites', 'events', 'neighborhoods']) {
          for (const q of ['', `category=${encodeURIComponent(s.category)}`]) {
            if (layer === 'neighborhoods' && q) continue;
            const r = await get(tile(layer, z, t.x + dx, t.y + dy, q));
            assert.equal(r.status, 200);
            assert.deepEqual(near(r.text), [], `${layer} ${z}/${t.x + dx}/${t.y + dy} ${q}`);
            assert.deepEqual(named(r.text), [], `${layer} ${z}/${t.x + dx}/${t.y + dy}`);
          }
        }
      }
      const privileged = await get(tile('sites', z, t.x, t.y), { authorization: `Bearer ${token}` });
      assert.equal(privileged.headers.get('cache-control'), 'private, no-store');
      const mine = privileged.json.features.find((f) => f.properties.name === s.name);
      assert.ok(mine, `z${z}: the token holder sees ${s.name}`);
      assert.equal(mine.properties.sensitive, true);
      // Rounded to the zoom's decimals (a tenth of a pixel): within 20 m at z10, 0.1 m at z16.
      if (z >= 10) assert.ok(meters(mine.geometry.coordinates, [s.lon, s.lat]) < 20 / 2 ** (z - 10) + 0.05, `z${z}`);
    }
  }
  // A bad token is refused, not answered as public.
  const t = lonLatToTile(sensitive[0].lon, sensitive[0].lat, 15);
  const bad = await get(tile('sites', 15, t.x, t.y), { authorization: 'Bearer parity_not-a-token' });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate'), /Bearer/);
});

test('tile filters are typed and validated: 400 on a bad value, never 500', async () => {
  const t = lonLatToTile(-86.8, 33.52, 12);
  const bad = [
    'category=Prevention!', 'category=gardening', 'category=a,,b', 'category=,', 'from=2026-02-30', 'to=tomorrow',
    'from=2026-05-01&to=2026-04-01', `category=${'x'.repeat(60)}`,
    ...["' OR '1'='1", '1; DROP TABLE events; --', "prevention') OR ('1'='1", '1 UNION SELECT token_hash FROM api_tokens']
      .flatMap((inj) => [`category=${encodeURIComponent(inj)}`, `from=${encodeURIComponent(inj)}`, `to=${encodeURIComponent(inj)}`]),
  ];
  for (const layer of ['sites', 'events']) {
    for (const q of bad) {
      const r = await get(tile(layer, 12, t.x, t.y, q));
      assert.equal(r.status, 400, `${layer} ?${q}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.status, 400);
    }
    assert.equal((await get(`${server.url}/tiles/${layer}/23/0/0.geojson`)).status, 400);
    assert.equal((await get(`${server.url}/tiles/${layer}/3/9/0.geojson`)).status, 400);
    assert.equal((await get(tile(layer, 12, t.x, t.y, 'category=prevention,reentry&from=2026-01-01&to=2026-12-31'))).status, 200);
  }
  // The database is as it was.
  const list = await api(`${server.url}/api/events?limit=1`);
  assert.equal(list.json.total, events.length);
});

test('--max-features caps single events and sites, and X-Parity-Truncated says how many the tile had', async () => {
  const small = await startServer(db, { args: ['--max-features', '2'] });
  try {
    const url = (layer, z, x, y, q = '') => `${small.url}/tiles/${layer}/${z}/${x}/${y}.geojson${q ? `?${q}` : ''}`;
    // The z14 tile with the most events (counted here from the CSV).
    const perTile = new Map();
    for (const e of events) {
      const t = lonLatToTile(e.lon, e.lat, 14);
      const k = `${t.x}/${t.y}`;
      perTile.set(k, (perTile.get(k) ?? 0) + 1);
    }
    const [busiest, n] = [...perTile].sort((a, b) => b[1] - a[1])[0];
    const [x, y] = busiest.split('/').map(Number);
    assert.ok(n > 2, `${n} events in the busiest z14 tile`);
    for (const fmt of ['geojson', 'mvt']) {
      const r = await get(url('events', 14, x, y).replace('.geojson', `.${fmt}`));
      assert.equal(r.headers.get('x-parity-truncated'), `2 of ${n}`, fmt);
    }
    assert.equal((await get(url('events', 14, x, y))).json.features.length, 2);
    // Filtered: the total counts what matches.
    const f = { categories: ['prevention'] };
    const matching = events.filter((e) => inTile(e.lon, e.lat, 14, x, y) && matches(e, f)).length;
    const r = await get(url('events', 14, x, y, query(f)));
    assert.equal(r.headers.get('x-parity-truncated') ?? undefined, matching > 2 ? `2 of ${matching}` : undefined);
    // Clusters are never capped; the uncapped server says nothing.
    const low = lonLatToTile(events[0].lon, events[0].lat, 12);
    assert.equal((await get(url('events', 12, low.x, low.y))).headers.get('x-parity-truncated'), null);
    assert.equal((await get(tile('events', 14, x, y))).headers.get('x-parity-truncated'), null);
    // Sites: the public ones, or all of them with a token.
    const cover = coveringTile(sites);
    const pub = sites.filter((s) => s.sensitive !== 'true').length;
    assert.equal((await get(url('sites', cover.z, cover.x, cover.y))).headers.get('x-parity-truncated'), `2 of ${pub}`);
    const priv = await get(url('sites', cover.z, cover.x, cover.y), { Authorization: `Bearer ${token}` });
    assert.equal(priv.headers.get('x-parity-truncated'), `2 of ${sites.length}`);
    assert.equal(priv.json.features.filter((s) => s.properties.kind === 'site').length, 2);
  } finally {
    await small.stop();
  }
});
