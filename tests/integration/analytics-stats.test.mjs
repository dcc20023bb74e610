// The statistics of the coverage analysis, run in PostGIS exactly as the
// server runs them (parity_e2sfca, parity_gi_star, parity_eb_rates, called by
// parity_coverage), against published test vectors and hand calculations
// written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, sql } from './lib.mjs';

const db = freshDatabase('it_analytics_stats');

const near = (actual, expected, tol, what) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} (±${tol})`);

/** Rows of "id<TAB>value" as a map id -> number. */
const byId = (rows) => new Map(rows.map(([id, v]) => [id, Number(v)]));

/** A SQL array of parity_fca_pair rows. */
function pairsSql(pairs) {
  return `ARRAY[${pairs
    .map((p) => `ROW('${p.demand}', ${p.population}, '${p.supply}', ${p.size}, ${p.distance})::parity_fca_pair`)
    .join(',')}]::parity_fca_pair[]`;
}

test('2SFCA published vector: binary catchment (cost < 61), three places', () => {
  // Populations {100, 50, 10} and supplies {15, 20, 100} at points 1-3;
  // costs self 1, 1-3 40, 2-3 40, 1-2 80 (symmetric). Published: A =
  // {0.761364, 0.958333, 1.094697}, population-weighted mean 0.84375.
  const P = { 1: 100, 2: 50, 3: 10 };
  const S = { 1: 15, 2: 20, 3: 100 };
  const cost = (a, b) => (a === b ? 1 : a + b === 4 ? 40 : a + b === 5 ? 40 : 80);
  const pairs = [];
  for (const i of [1, 2, 3])
    for (const j of [1, 2, 3])
      pairs.push({ demand: `p${i}`, population: P[i], supply: `s${j}`, size: S[j], distance: cost(i, j) });
  // Integer costs below 61 are costs of at most 60: one zone, weight 1.
  const A = byId(sql(db, `SELECT demand, access FROM parity_e2sfca(${pairsSql(pairs)}, '{60}', '{1}')`));
  near(A.get('p1'), 0.761364, 5e-7, 'A1');
  near(A.get('p2'), 0.958333, 5e-7, 'A2');
  near(A.get('p3'), 1.094697, 5e-7, 'A3');
  const mean = (A.get('p1') * 100 + A.get('p2') * 50 + A.get('p3') * 10) / 160;
  near(mean, 0.84375, 1e-12, 'population-weighted mean');
});

test('E2SFCA zone weights: 0-400 m 1.00, 400-800 m 0.68, 800-1600 m 0.22, none beyond', () => {
  const rows = sql(
    db,
    `SELECT d, parity_zone_weight(d, '{400,800,1600}', '{1,0.68,0.22}')
     FROM unnest('{0,399.9,400,400.1,800,800.1,1600,1600.1,5000}'::float8[]) d ORDER BY d`,
  );
  assert.deepEqual(
    rows.map(([, w]) => Number(w)),
    [1, 1, 1, 0.68, 0.68, 0.22, 0.22, 0, 0],
  );
});

test('E2SFCA invariant on random data: sum of P_i A_i equals the supply that reaches any demand', () => {
  // A seeded generator, so a failure can be replayed.
  let seed = 20261128;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let round = 0; round < 5; round++) {
    const demands = Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, pop: Math.floor(rand() * 5000) + (i % 7 === 0 ? 0 : 1) }));
    const supplies = Array.from({ length: 12 }, (_, j) => ({ id: `s${j}`, size: 1 + Math.floor(rand() * 300) }));
    const pairs = [];
    for (const d of demands)
      for (const s of supplies)
        if (rand() < 0.4) pairs.push({ demand: d.id, population: d.pop, supply: s.id, size: s.size, distance: Math.round(rand() * 2500 * 10) / 10 });
    const zones = `'{400,800,1600}', '{1,0.68,0.22}'`;
    const A = byId(sql(db, `SELECT demand, access FROM parity_e2sfca(${pairsSql(pairs)}, ${zones})`));
    const weight = (d) => (d <= 400 ? 1 : d <= 800 ? 0.68 : d <= 1600 ? 0.22 : 0);
    // Supplies that reach some demand with residents (a weight above 0).
    const reaching = new Set(pairs.filter((p) => weight(p.distance) > 0 && p.population > 0).map((p) => p.supply));
    const supplied = supplies.filter((s) => reaching.has(s.id)).reduce((t, s) => t + s.size, 0);
    const used = demands.reduce((t, d) => t + d.pop * (A.get(d.id) ?? 0), 0);
    assert.ok(reaching.size > 0 && reaching.size < supplies.length + 1);
    near(used, supplied, 1e-6 * supplied, `round ${round}: sum P_i A_i`);
  }
});

test('Gi* published vector: distance band d <= 15, self included', () => {
  // Points (10,10), (20,10), (40,10), (15,20), (30,20), (30,30);
  // y = [2, 3, 3.2, 5, 8, 7]. Published z = [-1.39727626, -0.28917762,
  // 0.65064964, -0.28917762, 1.23452088, 2.02424331]. The neighbors are
  // found here, by plain distance, not by parity.
  const pts = [[10, 10], [20, 10], [40, 10], [15, 20], [30, 20], [30, 30]];
  const y = [2, 3, 3.2, 5, 8, 7];
  const links = [];
  for (let i = 0; i < pts.length; i++)
    for (let j = i + 1; j < pts.length; j++)
      if (Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]) <= 15) links.push(`ROW('${i}','${j}')::parity_link`);
  const values = y.map((v, i) => `ROW('${i}', ${v})::parity_value`).join(',');
  const z = byId(sql(db, `SELECT id, z FROM parity_gi_star(ARRAY[${values}], ARRAY[${links.join(',')}])`));
  const expected = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331];
  expected.forEach((e, i) => near(z.get(String(i)), e, 5e-8, `z${i + 1}`));
});

test('Gi*: links given twice or in both directions count once; NULL values drop out', () => {
  const values = `ARRAY[ROW('a',1)::parity_value, ROW('b',2)::parity_value, ROW('c',4)::parity_value, ROW('d',NULL)::parity_value]`;
  const once = byId(sql(db, `SELECT id, z FROM parity_gi_star(${values}, ARRAY[ROW('a','b')::parity_link])`));
  const twice = byId(sql(db, `SELECT id, z FROM parity_gi_star(${values},
      ARRAY[ROW('a','b')::parity_link, ROW('b','a')::parity_link, ROW('a','b')::parity_link, ROW('b','d')::parity_link])`));
  // By hand: n = 3, mean 7/3, S = sqrt((1+4+16)/3 - 49/9) = sqrt(14/9).
  // a: W = 2 (a, b), sum = 3: z = (3 - 14/3) / (S sqrt((3*2 - 4)/2)).
  const S = Math.sqrt(14 / 9);
  near(once.get('a'), (3 - 14 / 3) / (S * Math.sqrt(1)), 1e-12, 'z(a)');
  // c: alone (W = 1): z = (4 - 7/3) / (S sqrt((3 - 1)/2)).
  near(once.get('c'), (4 - 7 / 3) / S, 1e-12, 'z(c)');
  for (const id of ['a', 'b', 'c']) near(twice.get(id), once.get(id), 1e-12, `z(${id}) with repeated links`);
  assert.equal(twice.has('d'), false);
});

test('empirical Bayes (global, Marshall 1991) on a small table, by hand', () => {
  // area  x   n     r = x/n
  // A     2   1000  0.002
  // B     30  1000  0.030
  // C     5   100   0.050
  // b = 37/2100 = 0.0176190; nbar = 2100/3 = 700
  // s2 = [1000 (0.002-b)^2 + 1000 (0.03-b)^2 + 100 (0.05-b)^2] / 2100
  //    = (0.243953 + 0.153288 + 0.104853) / 2100 = 2.390924e-4
  // a = s2 - b/nbar = 2.390924e-4 - 2.517007e-5 = 2.139223e-4
  // EB_i = b + a/(a + b/n_i) (r_i - b):
  //   A: C = 0.923904 -> 0.0176190 - 0.923904 * 0.0156190 = 0.0031881
  //   B: same C       -> 0.0176190 + 0.923904 * 0.0123810 = 0.0290577
  //   C: C = 0.548359 -> 0.0176190 + 0.548359 * 0.0323810 = 0.0353757
  const rows = sql(db, `SELECT id, rate, raw_rate FROM parity_eb_rates(ARRAY[
      ROW('A', 2, 1000)::parity_rate_input, ROW('B', 30, 1000)::parity_rate_input,
      ROW('C', 5, 100)::parity_rate_input, ROW('empty', 3, 0)::parity_rate_input])`);
  const rate = new Map(rows.map(([id, r, raw]) => [id, { r: Number(r), raw: Number(raw) }]));
  near(rate.get('A').r, 0.0031881, 5e-7, 'EB A');
  near(rate.get('B').r, 0.0290577, 5e-7, 'EB B');
  near(rate.get('C').r, 0.0353757, 5e-7, 'EB C');
  near(rate.get('C').raw, 0.05, 1e-15, 'raw C');
  assert.equal(rate.has('empty'), false, 'an area without residents has no rate');
  // When the rates vary less than chance alone would make them (a < 0),
  // every area gets the city rate: x = {1, 20, 9}, n = {100, 1000, 300}:
  // b = 30/1400, s2 = 2.653061e-5 < b/nbar = 4.591837e-5.
  const flat = sql(db, `SELECT rate FROM parity_eb_rates(ARRAY[ROW('A',1,100)::parity_rate_input,
      ROW('B',20,1000)::parity_rate_input, ROW('C',9,300)::parity_rate_input])`);
  for (const [r] of flat) near(Number(r), 30 / 1400, 1e-15, 'EB with a = 0');
});

test('settings are validated by the database, whoever changes them', () => {
  const bad = [
    ['walk_radius_m', '-5'],
    ['access_zones', '800:1,400:0.5'],
    ['access_zones', '400:1.5'],
    ['access_supply', 'visits'],
    ['need_measures', 'no_such_indicator'],
    ['need_measures', 'incident_rate,,'],
    ['supply_measure', 'sites'],
    ['underserved_need_quantile', '1.5'],
    ['suppress_below', 'ten'],
    ['time_zone', 'Mars/Olympus'],
  ];
  for (const [key, value] of bad)
    assert.throws(() => sql(db, `UPDATE analysis_settings SET value = '${value}' WHERE key = '${key}'`), undefined, `${key}=${value}`);
  sql(db, `UPDATE analysis_settings SET value = '300:1,900:0.5' WHERE key = 'access_zones'`);
  assert.deepEqual(sql(db, `SELECT value FROM analysis_settings WHERE key = 'access_zones'`), [['300:1,900:0.5']]);
  assert.throws(() => sql(db, `DELETE FROM analysis_settings`));
});
