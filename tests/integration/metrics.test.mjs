// /metrics in Prometheus text format, parsed here by an independent parser
// (robust.mjs), and the access log: counters move by exactly the requests
// made, one log line per request with what an operator needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHARED, freshDatabase, get, parityOk, sql, startServer } from './lib.mjs';
import { metricValue, parsePrometheus, sleep } from './robust.mjs';

const db = freshDatabase('it_metrics');
let server;
let token;

before(async () => {
  parityOk(db, ['import', 'boundaries', '--quiet', path.join(SHARED, 'neighborhoods/atlanta.geojson')]);
  token = parityOk(db, ['token', 'create', 'metrics']).stdout.trim();
  server = await startServer(db, { args: ['--pool-size', '5'] });
});
after(async () => server && (await server.stop()));

async function scrape() {
  const r = await fetch(`${server.url}/metrics`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(await r.text());
}

const requests = (m, route, status) => metricValue(m, 'parity_http_requests_total', { route, status: String(status) });
const histogramCount = (m, route) => metricValue(m, 'parity_http_request_duration_seconds_count', { route });

test('counters move by exactly the requests made, by route kind and status', async () => {
  const before = await scrape();
  const tiles = ['12/1088/1638', '13/2176/3276', '14/4352/6552'];
  for (const t of tiles) assert.equal((await get(`${server.url}/tiles/neighborhoods/${t}.geojson`)).status, 200);
  assert.equal((await get(`${server.url}/tiles/neighborhoods/23/0/0.geojson`)).status, 400);
  assert.equal((await get(`${server.url}/tiles/neighborhoods/1/0/0.geojson?from=soon`)).status, 400);
  assert.equal((await get(`${server.url}/tiles/neighborhoods.json`)).status, 200);
  assert.equal((await get(`${server.url}/nope.html`)).status, 404);
  assert.equal((await get(`${server.url}/healthz`)).status, 200);
  assert.equal((await get(`${server.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${server.url}/healthz`, { method: 'DELETE' })).status, 405);
  const post = (body, auth) => fetch(`${server.url}/api/partners`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...auth },
  });
  assert.equal((await post({ name: 'Metrics partner', kind: 'faith' }, { authorization: `Bearer ${token}` })).status, 201);
  assert.equal((await post({ name: 'Metrics partner 2', kind: 'faith' }, {})).status, 401);
  assert.equal((await get(`${server.url}/api/partners?limit=0`)).status, 400);
  const after = await scrape();
  const delta = (route, status) => requests(after, route, status) - requests(before, route, status);
  assert.equal(delta('tile', 200), 3);
  assert.equal(delta('tile', 400), 2);
  assert.equal(delta('tilejson', 200), 1);
  assert.equal(delta('static', 404), 1);
  assert.equal(delta('healthz', 200), 2);
  assert.equal(delta('healthz', 405), 1);
  assert.equal(delta('metrics', 200), 1, 'the first scrape, counted once it was answered');
  assert.equal(delta('api', 201), 1);
  assert.equal(delta('api', 401), 1);
  assert.equal(delta('api', 400), 1);
  // The histogram counts the same requests; buckets are cumulative.
  assert.equal(histogramCount(after, 'tile') - histogramCount(before, 'tile'), 5);
  assert.equal(histogramCount(after, 'healthz') - histogramCount(before, 'healthz'), 3);
  const buckets = after.samples.filter((s) => s.name === 'parity_http_request_duration_seconds_bucket' && s.labels.route === 'tile');
  assert.ok(buckets.length >= 10);
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(Number(buckets[i].labels.le) > Number(buckets[i - 1].labels.le) || buckets[i].labels.le === '+Inf');
    assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
  }
  assert.equal(buckets.at(-1).labels.le, '+Inf');
  assert.equal(buckets.at(-1).value, histogramCount(after, 'tile'));
  assert.ok(metricValue(after, 'parity_http_request_duration_seconds_sum', { route: 'tile' }) >
    metricValue(before, 'parity_http_request_duration_seconds_sum', { route: 'tile' }));
  // Tiles made by the database are cache misses.
  const answers = (m, cache) => metricValue(m, 'parity_http_cache_answers_total', { cache });
  assert.equal(answers(after, 'miss') - answers(before, 'miss'), 3);
  assert.equal(after.types.parity_http_requests_total, 'counter');
  assert.equal(after.types.parity_http_request_duration_seconds, 'histogram');
});

test('the coverage cache: one miss, then one hit, in its own counters and the answers\' cache state', async () => {
  const before = await scrape();
  const first = await get(`${server.url}/api/coverage?from=2026-01-01&to=2026-03-31`);
  assert.equal(first.status, 200);
  const second = await get(`${server.url}/api/coverage?from=2026-01-01&to=2026-03-31`);
  assert.equal(second.text, first.text);
  const after = await scrape();
  const delta = (name) => metricValue(after, name) - metricValue(before, name);
  assert.equal(delta('parity_coverage_cache_misses_total'), 1);
  assert.equal(delta('parity_coverage_cache_hits_total'), 1);
  const answers = (m, cache) => metricValue(m, 'parity_http_cache_answers_total', { cache });
  assert.equal(answers(after, 'hit') - answers(before, 'hit'), 1);
  assert.equal(answers(after, 'miss') - answers(before, 'miss'), 1);
  assert.ok(metricValue(after, 'parity_coverage_cache_bytes') >= first.text.length);
});

test('gauges: pool, database, data versions (read back from PostgreSQL), connections, memory', async () => {
  let m = await scrape();
  assert.equal(metricValue(m, 'parity_db_pool_size'), 5);
  assert.ok(metricValue(m, 'parity_db_pool_in_use') >= 0 && metricValue(m, 'parity_db_pool_in_use') <= 5);
  assert.equal(metricValue(m, 'parity_db_pool_waiting'), 0);
  assert.equal(metricValue(m, 'parity_database_up'), 1);
  // Every layer's version as PostgreSQL has it, within the monitor's period.
  const versionsMatch = (scraped) =>
    sql(db, 'SELECT layer, version FROM data_versions').every(
      ([layer, version]) => metricValue(scraped, 'parity_data_version', { layer }) === Number(version));
  for (let i = 0; !versionsMatch(m); i++) {
    assert.ok(i < 30, 'the data versions reached /metrics');
    await sleep(100);
    m = await scrape();
  }
  // A change in the database shows within the monitor's period.
  sql(db, "UPDATE neighborhoods SET name = name || '' WHERE id = (SELECT min(id) FROM neighborhoods)");
  const [[version]] = sql(db, "SELECT version FROM data_versions WHERE layer = 'neighborhoods'");
  const deadline = Date.now() + 3000;
  while (metricValue((m = await scrape()), 'parity_data_version', { layer: 'neighborhoods' }) !== Number(version)) {
    assert.ok(Date.now() < deadline, 'the data version reached /metrics');
    await sleep(100);
  }
  assert.ok(metricValue(m, 'parity_http_connections_open') >= 1);
  assert.equal(metricValue(m, 'parity_http_connections_refused_total', { limit: 'connections' }), 0);
  assert.equal(m.types.parity_http_connections_refused_total, 'counter');
  const rss = metricValue(m, 'process_resident_memory_bytes');
  assert.ok(rss > 2 ** 20 && rss < 4 * 2 ** 30, `rss ${rss}`);
  // The same number the kernel reports for the process.
  const { readFileSync } = await import('node:fs');
  const kernel = Number(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
  assert.ok(Math.abs(kernel - rss) < 16 * 2 ** 20, `VmRSS ${kernel} vs ${rss}`);
});

test('one access-log line per request: method, path, status, bytes, ms, cache, route', async () => {
  const s = await startServer(db);
  const made = [
    ['GET', '/tiles/neighborhoods/12/1088/1638.geojson', 200],
    ['GET', '/tiles/neighborhoods/99/0/0.geojson', 400],
    ['HEAD', '/index.html', 200],
    ['GET', '/nope', 404],
    ['POST', '/healthz', 405],
  ];
  // startServer's own GET /healthz probes are logged too, and the last one's
  // line may reach this process after startServer returns: leave them out.
  const access = () => s.log().split('\n').filter((l) => l.includes('event=http.access') && !/method=GET path=\/healthz /.test(l));
  const before = access().length;
  const sizes = [];
  for (const [method, target] of made) {
    const r = await fetch(s.url + target, { method });
    // The log counts the bytes sent: the Content-Length, which for a gzip
    // answer (fetch asks for gzip) is less than the body fetch hands back.
    await r.arrayBuffer();
    sizes.push(method === 'HEAD' ? null : Number(r.headers.get('content-length')));
  }
  await s.stop();
  const lines = access().slice(before);
  assert.equal(lines.length, made.length);
  made.forEach(([method, target, status], i) => {
    const kv = Object.fromEntries([...lines[i].matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [m[1], m[2]]));
    assert.equal(kv.method, method);
    assert.equal(kv.path, target);
    assert.equal(Number(kv.status), status);
    if (sizes[i] !== null) assert.equal(Number(kv.bytes), sizes[i], `${target} bytes`);
    assert.match(kv.ms, /^\d+\.\d{2}$/);
    assert.ok(['hit', 'miss', 'wait', '-'].includes(kv.cache));
    assert.ok(kv.route);
  });
  assert.equal(lines[0].match(/cache=(\S+)/)[1], 'miss');
  assert.equal(lines[0].match(/route=(\S+)/)[1], 'tile');
});
