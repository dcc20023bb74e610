// Coverage analytics on the demo city (data/demo), every metric checked
// against an independent computation: counts by separate PostGIS queries
// (point in polygon with ST_Covers, not parity's placement), residents read
// from indicators.csv here, and the statistics recomputed by the reference
// implementations of analytics-lib.mjs. The planted underserved cluster
// (data/demo/README.md) must come out underserved and as a Gi* hot spot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO, freshDatabase, get, loadDemo, lonLatToTile, parityOk, sql, startServer } from './lib.mjs';
import { e2sfca, empiricalBayes, fisherJenks, giBin, giStar, mean, quantile7, zScores } from './analytics-lib.mjs';

const db = freshDatabase('it_analytics_demo');
let server;
let TOKEN; // made with parity token create
const FROM = '2025-11-29';
const TO = '2026-11-28';
const WINDOW = `from=${FROM}&to=${TO}`;
const TZ = 'America/Chicago';
const CLUSTER = ['N032', 'N033', 'N042', 'N043', 'N044', 'N052', 'N053', 'N054', 'N063', 'N064'];
const SOUTH_EAST = ['N080', 'N087', 'N088', 'N089', 'N090', 'N097', 'N098', 'N099', 'N100'];

// Residents and indicators straight from the file.
const INDICATORS = new Map(
  fs.readFileSync(path.join(DEMO, 'indicators.csv'), 'utf8').trim().split('\n').slice(1).map((line) => {
    const [id, name, population, youth, households, poverty, income, unemployment] = line.split(',');
    return [id, { id, name, population: +population, youth: +youth, households: +households, poverty: +poverty, income: +income, unemployment: +unemployment }];
  }),
);
const IDS = [...INDICATORS.keys()].sort();

/** Runs an independent query returning (id, number) rows as a Map. */
const perNeighborhood = (query) => new Map(sql(db, query).map(([id, v]) => [id, v === '' ? null : Number(v)]));
const localDay = `(e.starts_at AT TIME ZONE '${TZ}')::date`;
const ACTIVE_SITES = `SELECT s.* FROM sites s JOIN programs p ON p.id = s.program_id
                      WHERE (p.start_date IS NULL OR p.start_date <= '${TO}')
                        AND (p.end_date IS NULL OR p.end_date >= '${FROM}')`;

let expected; // the independent computation, filled in before()
let doc; // the token holder's coverage document

before(async () => {
  loadDemo(db);
  TOKEN = parityOk(db, ['token', 'create', 'analytics']).stdout.trim();
  server = await startServer(db);
  doc = (await get(`${server.url}/api/coverage?${WINDOW}`, { Authorization: `Bearer ${TOKEN}` })).json;

  const events = perNeighborhood(`SELECT n.id, count(e.id) FROM neighborhoods n LEFT JOIN events e
      ON ST_Covers(n.geom, e.geom) AND ${localDay} BETWEEN '${FROM}' AND '${TO}' GROUP BY n.id`);
  const attendance = perNeighborhood(`SELECT n.id, coalesce(sum(e.attendance), 0) FROM neighborhoods n LEFT JOIN events e
      ON ST_Covers(n.geom, e.geom) AND ${localDay} BETWEEN '${FROM}' AND '${TO}' GROUP BY n.id`);
  const incidents = perNeighborhood(`SELECT n.id, count(i.id) FROM neighborhoods n LEFT JOIN incidents i
      ON ST_Covers(n.geom, i.geom) AND i.occurred_on BETWEEN '${FROM}' AND '${TO}' GROUP BY n.id`);
  const sites = perNeighborhood(`SELECT n.id, count(s.id) FROM neighborhoods n LEFT JOIN (${ACTIVE_SITES}) s
      ON ST_Covers(n.geom, s.geom) GROUP BY n.id`);
  const programs = perNeighborhood(`SELECT n.id, count(DISTINCT x.program_id) FROM neighborhoods n LEFT JOIN (
        SELECT e.program_id, e.geom FROM events e WHERE ${localDay} BETWEEN '${FROM}' AND '${TO}'
        UNION ALL SELECT s.program_id, s.geom FROM (${ACTIVE_SITES}) s) x ON ST_Covers(n.geom, x.geom) GROUP BY n.id`);
  const lastEvent = new Map(sql(db, `SELECT n.id, max(${localDay})::text FROM neighborhoods n LEFT JOIN events e
      ON ST_Covers(n.geom, e.geom) AND ${localDay} <= '${TO}' GROUP BY n.id`).map(([id, d]) => [id, d || null]));
  // E2SFCA pairs: each neighborhood's point on surface to every active site,
  // in the UTM zone of the city (16N), capacity 1 when unknown.
  const pairs = sql(db, `SELECT n.id, s.id, coalesce(s.capacity, 1),
        ST_Distance(ST_PointOnSurface(ST_Transform(n.geom, 32616)), ST_Transform(s.geom, 32616))
      FROM neighborhoods n CROSS JOIN (${ACTIVE_SITES}) s`).map(([d, s, size, distance]) => ({
    demand: d, population: INDICATORS.get(d).population, supply: s, size: +size, distance: +distance,
  }));
  const ZONES = [[400, 1], [800, 0.68], [1600, 0.22]];
  const access = e2sfca(pairs, ZONES);
  // Queen contiguity by ST_Touches (the demo's polygons tile without overlaps).
  const neighbors = new Map(IDS.map((id) => [id, new Set()]));
  for (const [a, b] of sql(db, 'SELECT a.id, b.id FROM neighborhoods a JOIN neighborhoods b ON a.id < b.id AND ST_Touches(a.geom, b.geom)')) {
    neighbors.get(a).add(b);
    neighbors.get(b).add(a);
  }

  const pop = IDS.map((id) => INDICATORS.get(id).population);
  const eb = empiricalBayes(IDS.map((id) => incidents.get(id)), pop).map((r) => r * 1000);
  const perK = IDS.map((id, i) => (events.get(id) * 1000) / pop[i]);
  const need = zScores(eb);
  const supply = zScores(perK);
  const gap = need.map((n, i) => n - supply[i]);
  // Need share: residents times the need level (the rate over the city's
  // mean rate), over the city's total; event share: events over all events.
  const meanRate = mean(eb);
  const mass = pop.map((p, i) => (p * eb[i]) / meanRate);
  const totalMass = mass.reduce((a, b) => a + b, 0);
  const totalEvents = IDS.reduce((a, id) => a + events.get(id), 0);
  const cut = quantile7(need, 0.5);
  const gi = giStar(new Map(IDS.map((id, i) => [id, gap[i]])), neighbors);
  expected = new Map(
    IDS.map((id, i) => [id, {
      population: pop[i],
      youth_population: INDICATORS.get(id).youth,
      events: events.get(id),
      attendance: attendance.get(id),
      sites: sites.get(id),
      programs: programs.get(id),
      last_event: lastEvent.get(id),
      days_since_last_event: lastEvent.get(id) ? (Date.parse(TO) - Date.parse(lastEvent.get(id))) / 86400000 : null,
      events_per_1k: perK[i],
      events_per_1k_youth: (events.get(id) * 1000) / INDICATORS.get(id).youth,
      access: (access.get(id) ?? 0) * 1000,
      incidents: incidents.get(id),
      incident_rate_raw: (incidents.get(id) * 1000) / pop[i],
      incident_rate: eb[i],
      need: need[i],
      supply: supply[i],
      gap: gap[i],
      need_share: mass[i] / totalMass,
      event_share: events.get(id) / totalEvents,
      parity_ratio: events.get(id) / totalEvents / (mass[i] / totalMass),
      underserved: gap[i] >= 1 && need[i] > cut,
      gi_z: gi.get(id),
      gi_bin: giBin(gi.get(id)),
    }]),
  );
});
after(async () => server && (await server.stop()));

const rowsOf = (d) => new Map(d.neighborhoods.map((r) => [r.neighborhood.id, r]));
const close = (a, b, tol) => a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));

/** Every neighborhood's value of each metric equals the independent one. */
function checkAll(rows, metrics, tol = 1e-9) {
  for (const metric of metrics)
    for (const id of IDS) {
      const got = rows.get(id)[metric];
      const want = expected.get(id)[metric];
      assert.ok(close(got, want, tol), `${metric} of ${id}: ${got}, expected ${want}`);
    }
}

test('the demo city: 100 neighborhoods, as_of, settings and indicators in the document', () => {
  assert.equal(doc.neighborhoods.length, 100);
  assert.match(doc.as_of, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const newest = sql(db, `SELECT to_char(max(changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM data_versions WHERE layer <> 'tokens'`)[0][0];
  assert.equal(doc.as_of, newest);
  assert.deepEqual(doc.window, { from: FROM, to: TO, categories: null, time_zone: TZ });
  assert.deepEqual(doc.indicators, ['households', 'households_poverty', 'median_income', 'unemployment_rate']);
  const N098 = rowsOf(doc).get('N098');
  assert.equal(N098.neighborhood.name, "Miller's Bend");
  assert.equal(N098.households_poverty, INDICATORS.get('N098').poverty);
  assert.equal(N098.unemployment_rate, INDICATORS.get('N098').unemployment);
  assert.match(doc.warnings.join(' '), /2 event\(s\) of the window lie in no neighborhood/);
});

test('counts: events, attendance, sites, programs, days since the last event (independent SQL)', () => {
  checkAll(rowsOf(doc), ['population', 'youth_population', 'events', 'attendance', 'sites', 'programs', 'last_event', 'days_since_last_event']);
  const rows = rowsOf(doc);
  // README: no events at all in N053; none after 2026-08-01 in N001, N037, N042, N064.
  assert.equal(rows.get('N053').events, 0);
  assert.equal(rows.get('N053').days_since_last_event, null);
  for (const id of ['N001', 'N037', 'N042', 'N064']) assert.ok(rows.get(id).days_since_last_event > 119, id);
  assert.equal(doc.city.events, 2998);
  assert.equal(doc.city.events_outside, 2);
});

test('events per 1,000 residents and per 1,000 youth', () => {
  checkAll(rowsOf(doc), ['events_per_1k', 'events_per_1k_youth']);
});

test('walk coverage within 800 m, against geography buffers (a second method)', () => {
  // PostGIS geography buffers (each in its own best projection) instead of
  // the analysis's UTM zone: the shares agree to well under a percent.
  const geog = perNeighborhood(`SELECT n.id, ST_Area(ST_Intersection(n.geom, u.g)::geography) / ST_Area(n.geom::geography)
      FROM neighborhoods n, (SELECT ST_Union(ST_Buffer(s.geom::geography, 800, 'quad_segs=32')::geometry) g
                             FROM (${ACTIVE_SITES}) s) u`);
  const rows = rowsOf(doc);
  for (const id of IDS) assert.ok(Math.abs(rows.get(id).walk_coverage - geog.get(id)) < 0.005, `${id}: ${rows.get(id).walk_coverage} vs ${geog.get(id)}`);
  assert.ok(rows.get('N028').walk_coverage > 0.9);
  assert.equal(rows.get('N043').walk_coverage, 0);
  // The city: area-weighted.
  const areas = perNeighborhood('SELECT id, ST_Area(geom::geography) FROM neighborhoods');
  const city = IDS.reduce((a, id) => a + geog.get(id) * areas.get(id), 0) / IDS.reduce((a, id) => a + areas.get(id), 0);
  assert.ok(Math.abs(doc.city.walk_coverage - city) < 0.003);
});

test('E2SFCA access per 1,000 residents (site capacity, 1 when unknown)', () => {
  checkAll(rowsOf(doc), ['access']);
  // The population-weighted mean of access is the supply reaching demand per
  // 1,000 residents (the E2SFCA invariant).
  const rows = rowsOf(doc);
  const weighted = IDS.reduce((a, id) => a + rows.get(id).access * rows.get(id).population, 0) / IDS.reduce((a, id) => a + rows.get(id).population, 0);
  assert.ok(close(doc.city.access, weighted, 1e-9));
});

test('incidents and their empirical Bayes rate per 1,000 residents', () => {
  checkAll(rowsOf(doc), ['incidents', 'incident_rate_raw', 'incident_rate']);
  // Smoothing pulls the small neighborhoods (README: N010, N060, N091, N095)
  // toward the city rate more than the large ones.
  const rows = rowsOf(doc);
  const city = doc.city.incident_rate;
  for (const id of ['N010', 'N060', 'N091', 'N095'])
    assert.ok(Math.abs(rows.get(id).incident_rate - city) < Math.abs(rows.get(id).incident_rate_raw - city), id);
});

test('need, supply, gap, shares, parity ratio, underserved and Gi*', () => {
  checkAll(rowsOf(doc), ['need', 'supply', 'gap', 'need_share', 'event_share', 'parity_ratio', 'underserved', 'gi_z', 'gi_bin'], 1e-7);
  const rows = rowsOf(doc);
  assert.equal(rows.get('N043').gi_label, rows.get('N043').gi_bin === 3 ? 'hot spot 99%' : rows.get('N043').gi_label);
  assert.equal(doc.city.underserved, IDS.filter((id) => expected.get(id).underserved).length);
});

test('the planted cluster comes out underserved, with the Gi* hot spot on it', () => {
  const rows = rowsOf(doc);
  const underserved = CLUSTER.filter((id) => rows.get(id).underserved);
  assert.ok(underserved.length >= 8, `underserved in the cluster: ${underserved}`);
  // The ten largest gaps are mostly the cluster's.
  const byGap = [...IDS].sort((a, b) => rows.get(b).gap - rows.get(a).gap).slice(0, 10);
  assert.ok(byGap.filter((id) => CLUSTER.includes(id)).length >= 7, `largest gaps: ${byGap}`);
  // Hot spot: significant at 95% or more on most of the cluster, and the
  // city's strongest Gi* z lies in it.
  const hot = CLUSTER.filter((id) => rows.get(id).gi_bin >= 2);
  assert.ok(hot.length >= 6, `hot at 95%: ${hot}`);
  const top = [...IDS].sort((a, b) => rows.get(b).gi_z - rows.get(a).gi_z)[0];
  assert.ok(CLUSTER.includes(top), `strongest hot spot ${top}`);
  // The well-off south-east: below-average need on the whole and no hot spot
  // (a small neighborhood there can still have a high incident rate).
  assert.ok(mean(SOUTH_EAST.map((id) => rows.get(id).need)) < 0);
  for (const id of SOUTH_EAST) assert.ok(rows.get(id).gi_bin <= 0, id);
  // Parity: the cluster gets a small fraction of its share of events.
  for (const id of CLUSTER) assert.ok(rows.get(id).parity_ratio < 0.2, `${id} parity ${rows.get(id).parity_ratio}`);
});

test('public answers suppress incident counts below 10; the token sees them', async () => {
  const pub = await get(`${server.url}/api/coverage?${WINDOW}`);
  const rows = rowsOf(pub.json);
  // README: fewer than 10 incidents in N010 N060 N087 N090 N091 N095 N099.
  const small = ['N010', 'N060', 'N087', 'N090', 'N091', 'N095', 'N099'];
  assert.deepEqual(IDS.filter((id) => rows.get(id).suppressed), small);
  for (const id of small) {
    assert.equal(rows.get(id).incidents, null);
    assert.equal(rows.get(id).incident_rate, null);
    assert.equal(rowsOf(doc).get(id).incidents, expected.get(id).incidents);
    assert.equal(rowsOf(doc).get(id).suppressed, false);
  }
  // Everything else is the same in both answers.
  assert.equal(rows.get('N042').gap, rowsOf(doc).get('N042').gap);
  assert.equal(pub.json.city.incidents, 1500);
  // CSV too.
  const csv = (await get(`${server.url}/api/coverage.csv?${WINDOW}`)).text.split('\r\n');
  const header = csv[0].split(',');
  const line = csv.find((l) => l.startsWith('N060,')).split(',');
  assert.equal(line[header.indexOf('incidents')], '');
  assert.equal(line[header.indexOf('suppressed')], 'true');
});

test('other settings: need from incidents, poverty and income; supply from access to events', async () => {
  parityOk(db, ['settings', 'set', 'need_measures', 'incident_rate,households_poverty/households,-median_income']);
  parityOk(db, ['settings', 'set', 'supply_measure', 'access']);
  parityOk(db, ['settings', 'set', 'access_supply', 'events']);
  try {
    const d = (await get(`${server.url}/api/coverage?${WINDOW}`, { Authorization: `Bearer ${TOKEN}` })).json;
    const rows = rowsOf(d);
    assert.equal(d.settings.need_measures, 'incident_rate,households_poverty/households,-median_income');
    // Access with each event of the window (in the city or not) as a supply
    // of 1 at its own place.
    const pairs = sql(db, `WITH n AS MATERIALIZED (SELECT id, ST_PointOnSurface(ST_Transform(geom, 32616)) AS p FROM neighborhoods),
        e AS MATERIALIZED (SELECT e.id, ST_Transform(e.geom, 32616) AS p FROM events e WHERE ${localDay} BETWEEN '${FROM}' AND '${TO}')
        SELECT n.id, e.id, ST_Distance(n.p, e.p) FROM n JOIN e ON ST_DWithin(n.p, e.p, 1600)`)
      .map(([dm, s, distance]) => ({ demand: dm, population: INDICATORS.get(dm).population, supply: s, size: 1, distance: +distance }));
    const access = e2sfca(pairs, [[400, 1], [800, 0.68], [1600, 0.22]]);
    const acc = IDS.map((id) => (access.get(id) ?? 0) * 1000);
    for (const [i, id] of IDS.entries()) assert.ok(close(rows.get(id).access, acc[i], 1e-9), `access ${id}`);
    // need = mean of three z-scores; the income z is reversed.
    const rate = IDS.map((id) => expected.get(id).incident_rate);
    const poverty = IDS.map((id) => INDICATORS.get(id).poverty / INDICATORS.get(id).households);
    const income = IDS.map((id) => INDICATORS.get(id).income);
    const [zr, zp, zi] = [zScores(rate), zScores(poverty), zScores(income)];
    const need = IDS.map((_, i) => (zr[i] + zp[i] - zi[i]) / 3);
    const supply = zScores(acc);
    // need level: each measure over its mean (income: 1/income over the mean of 1/income).
    const inv = income.map((x) => 1 / x);
    const level = IDS.map((_, i) => (rate[i] / mean(rate) + poverty[i] / mean(poverty) + inv[i] / mean(inv)) / 3);
    const mass = IDS.map((id, i) => INDICATORS.get(id).population * level[i]);
    const total = mass.reduce((a, b) => a + b, 0);
    const cut = quantile7(need, 0.5);
    for (const [i, id] of IDS.entries()) {
      const r = rows.get(id);
      assert.ok(close(r.need, need[i], 1e-9), `need ${id}: ${r.need} vs ${need[i]}`);
      assert.ok(close(r.supply, supply[i], 1e-9), `supply ${id}`);
      assert.ok(close(r.need_share, mass[i] / total, 1e-9), `need share ${id}`);
      assert.equal(r.underserved, need[i] - supply[i] >= 1 && need[i] > cut, `underserved ${id}`);
    }
    const underserved = CLUSTER.filter((id) => rows.get(id).underserved);
    assert.ok(underserved.length >= 8, `cluster underserved with poverty and income: ${underserved}`);
    // With poverty and income in need, the well-off south-east is never underserved.
    for (const id of SOUTH_EAST) assert.equal(rows.get(id).underserved, false, id);
  } finally {
    for (const key of ['need_measures', 'supply_measure', 'access_supply']) parityOk(db, ['settings', 'reset', key]);
  }
  const again = (await get(`${server.url}/api/coverage?${WINDOW}`, { Authorization: `Bearer ${TOKEN}` })).json;
  assert.deepEqual(again.neighborhoods, doc.neighborhoods, 'reset settings give the first answer back');
});

test('class breaks: quantile, equal interval and exact Fisher-Jenks over a metric', async () => {
  const gaps = doc.neighborhoods.map((r) => r.gap);
  const jenks = (await get(`${server.url}/api/breaks?${WINDOW}&metric=gap&method=jenks&k=5`)).json;
  assert.equal(jenks.metric, 'gap');
  assert.equal(jenks.method, 'jenks');
  assert.equal(jenks.k, 5);
  const want = fisherJenks(gaps, 5);
  jenks.breaks.forEach((b, i) => assert.ok(close(b, want[i], 1e-9), `jenks break ${i}: ${b} vs ${want[i]}`));
  assert.equal(jenks.counts.reduce((a, b) => a + b, 0), 100);
  const counts = want.map((b, i) => gaps.filter((g) => g <= b && (i === 0 || g > want[i - 1])).length);
  assert.deepEqual(jenks.counts, counts);

  const perK = doc.neighborhoods.map((r) => r.events_per_1k);
  const q = (await get(`${server.url}/api/breaks?${WINDOW}&metric=events_per_1k&method=quantile&k=4`)).json;
  [0.25, 0.5, 0.75, 1].forEach((p, i) => assert.ok(close(q.breaks[i], quantile7(perK, p), 1e-9), `quantile ${p}`));
  const eq = (await get(`${server.url}/api/breaks?${WINDOW}&metric=median_income&method=equal&k=3`)).json;
  const incomes = IDS.map((id) => INDICATORS.get(id).income);
  const lo = Math.min(...incomes);
  const hi = Math.max(...incomes);
  [1, 2, 3].forEach((c, i) => assert.ok(close(eq.breaks[i], lo + ((hi - lo) * c) / 3, 1e-9)));

  // Suppressed values are not classified for the public.
  const inc = (await get(`${server.url}/api/breaks?${WINDOW}&metric=incidents&method=quantile&k=3`)).json;
  assert.equal(inc.n, 93);
  assert.equal(inc.missing, 7);
  for (const [query, re] of [
    ['metric=gap&k=2', /k: a whole number from 3 to 9/],
    ['metric=gap&k=10', /k: a whole number from 3 to 9/],
    ['metric=gap&method=natural', /method: quantile, equal or jenks/],
    ['metric=name', /not a numeric metric; use one of: .*gap/],
    ['method=jenks', /metric:/],
  ]) {
    const r = await get(`${server.url}/api/breaks?${query}`);
    assert.equal(r.status, 400, query);
    assert.match(r.json.error.message, re);
  }
});

test('a neighborhood profile: its metrics beside the city, category mix, months, sites, recent events', async () => {
  const p = (await get(`${server.url}/api/neighborhoods/N044?${WINDOW}`)).json;
  const pub = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}`)).json);
  assert.deepEqual(p.metrics, pub.get('N044'));
  assert.deepEqual(p.neighborhood, { id: 'N044', name: 'Flint Crest' });
  assert.equal(p.city.events, 2998);
  assert.equal(p.of, 100);
  assert.equal(p.ranks.gap, 1 + IDS.filter((id) => expected.get(id).gap > expected.get('N044').gap).length);
  const mix = new Map(sql(db, `SELECT e.category, count(*) FROM events e JOIN neighborhoods n ON n.id = 'N044' AND ST_Covers(n.geom, e.geom)
      WHERE ${localDay} BETWEEN '${FROM}' AND '${TO}' GROUP BY 1`).map(([c, n]) => [c, +n]));
  for (const m of p.category_mix) assert.equal(m.events, mix.get(m.category) ?? 0, m.category);
  assert.equal(p.category_mix.length, 5);
  assert.deepEqual(p.events_per_month.map((m) => m.month), ['2025-11', '2025-12', ...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)]);
  assert.equal(p.events_per_month.reduce((a, m) => a + m.events, 0), expected.get('N044').events);
  assert.equal(p.recent_events.length, Math.min(10, expected.get('N044').events));
  const dates = p.recent_events.map((e) => e.date);
  assert.deepEqual(dates, [...dates].sort().reverse());
  assert.equal(p.sites.length, expected.get('N044').sites);

  // A neighborhood with a confidential site: the public sees how many, not which.
  const [nid] = sql(db, `SELECT n.id FROM neighborhoods n JOIN sites s ON ST_Covers(n.geom, s.geom) WHERE s.name = 'Family Safety Shelter (confidential)'`)[0];
  const open = (await get(`${server.url}/api/neighborhoods/${nid}?${WINDOW}`)).json;
  assert.ok(open.sensitive_sites >= 1);
  assert.ok(open.sites.every((s) => !s.sensitive));
  assert.ok(!JSON.stringify(open).includes('Family Safety Shelter'));
  const priv = (await get(`${server.url}/api/neighborhoods/${nid}?${WINDOW}`, { Authorization: `Bearer ${TOKEN}` })).json;
  assert.ok(priv.sites.some((s) => s.sensitive && s.name === 'Family Safety Shelter (confidential)'));

  assert.equal((await get(`${server.url}/api/neighborhoods/N999?${WINDOW}`)).status, 404);
  const list = (await get(`${server.url}/api/neighborhoods`)).json.neighborhoods;
  assert.equal(list.length, 100);
  assert.deepEqual(list[0], { id: 'N001', name: 'Flint Station', population: 3172 });
});

// How tiles round a number (docs/metrics.md, "In tiles"), written here
// independently of the database's parity_tile_number: the metrics the page
// colours by keep 10 significant digits, other non-integers 4, and a whole
// part is never rounded.
const MAPPED = ['events_per_1k', 'walk_coverage', 'access', 'need', 'gap', 'parity_ratio'];
function tileNumber(key, v) {
  if (typeof v !== 'number' || Number.isInteger(v)) return v;
  const digits = MAPPED.includes(key) ? 10 : 4;
  if (Math.abs(v) >= 10 ** digits) return Math.sign(v) * Math.round(Math.abs(v));
  return Number(v.toPrecision(digits));
}

test('the neighborhood tiles carry the metrics of the window and categories, rounded for the map', async () => {
  const { x, y } = lonLatToTile(-86.85, 33.52, 12);
  const tile = (await get(`${server.url}/tiles/neighborhoods/12/${x}/${y}.geojson?${WINDOW}`)).json;
  const pub = rowsOf((await get(`${server.url}/api/coverage?${WINDOW}`)).json);
  assert.ok(tile.features.length > 5);
  let rounded = 0;
  for (const f of tile.features) {
    const row = pub.get(f.id);
    // Every key of the coverage row that has a value (indicators included),
    // and nothing else; the tile's value is the row's, rounded.
    const want = { id: row.neighborhood.id, name: row.neighborhood.name };
    for (const [k, v] of Object.entries(row)) if (k !== 'neighborhood' && v !== null) want[k] = tileNumber(k, v);
    assert.deepEqual(f.properties, want, f.id);
    for (const k of Object.keys(want)) if (want[k] !== row[k] && k in row) rounded++;
    // The mapped metrics stay within the page's class-break tolerance
    // (web/src/classes.js: 1e-9 relative) of the exact value.
    for (const k of MAPPED) if (typeof row[k] === 'number') assert.ok(close(f.properties[k], row[k], 1e-9), `${f.id} ${k}`);
    // Suppressed counts are absent from public tiles.
    if (row.suppressed) assert.equal(f.properties.incidents, undefined, f.id);
  }
  assert.ok(rounded > tile.features.length * 5, `numbers rounded: ${rounded}`);
  // area_km2 from an independent PostGIS query (area in the local UTM
  // zone, 16N for the demo city), to 4 significant digits.
  const areas = new Map(sql(db, `SELECT id, ST_Area(ST_Transform(geom, 32616)) / 1e6 FROM neighborhoods`).map(([id, a]) => [id, +a]));
  for (const f of tile.features) assert.equal(f.properties.area_km2, Number(areas.get(f.id).toPrecision(4)), f.id);
  // Another window gives other numbers.
  const spring = (await get(`${server.url}/tiles/neighborhoods/12/${x}/${y}.geojson?from=2026-03-01&to=2026-05-31&category=prevention`)).json;
  const springRows = rowsOf((await get(`${server.url}/api/coverage?from=2026-03-01&to=2026-05-31&category=prevention`)).json);
  for (const f of spring.features) assert.equal(f.properties.events, springRows.get(f.id).events);
  assert.notDeepEqual(spring.features.map((f) => f.properties.events), tile.features.map((f) => f.properties.events));
});

test('answers come within interactive time and are cached until the data changes', async (t) => {
  const time = async (url, headers) => {
    const t0 = performance.now();
    const r = await get(url, headers);
    assert.equal(r.status, 200);
    return { ms: performance.now() - t0, r };
  };
  // A window not asked for yet: computed; then the same again: cached.
  const cold = await time(`${server.url}/api/coverage?from=2026-02-01&to=2026-10-31`);
  const warm = await time(`${server.url}/api/coverage?from=2026-02-01&to=2026-10-31`);
  const profile = await time(`${server.url}/api/neighborhoods/N053?from=2026-02-01&to=2026-10-31`);
  const tile = await time(`${server.url}/tiles/neighborhoods/11/${lonLatToTile(-86.8, 33.52, 11).x}/${lonLatToTile(-86.8, 33.52, 11).y}.geojson?from=2026-02-01&to=2026-10-31`);
  t.diagnostic(`timing (demo city, 100 neighborhoods): coverage computed ${cold.ms.toFixed(0)} ms, cached ${warm.ms.toFixed(1)} ms, profile ${profile.ms.toFixed(0)} ms, z11 tile ${tile.ms.toFixed(0)} ms`);
  assert.ok(cold.ms < 3000, `computed in ${cold.ms} ms`);
  assert.ok(warm.ms < 200, `cached in ${warm.ms} ms`);
  assert.equal(warm.r.text, cold.r.text);
  // A change to the data is seen at once (the cache is keyed by data version).
  parityOk(db, ['settings', 'set', 'walk_radius_m', '400']);
  try {
    const after400 = (await get(`${server.url}/api/coverage?from=2026-02-01&to=2026-10-31`)).json;
    assert.equal(after400.settings.walk_radius_m, '400');
    const before = rowsOf(cold.r.json);
    const now = rowsOf(after400);
    assert.ok(IDS.every((id) => now.get(id).walk_coverage <= before.get(id).walk_coverage + 1e-12));
    assert.ok(now.get('N028').walk_coverage < before.get('N028').walk_coverage);
  } finally {
    parityOk(db, ['settings', 'reset', 'walk_radius_m']);
  }
});
