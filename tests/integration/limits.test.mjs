// Every limit of `parity serve`: its default and setting, and the clear
// answer when it is hit. Raw sockets where fetch() cannot misbehave enough
// (huge headers, slow senders, idle connections).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { SHARED, freshDatabase, gdal, get, lonLatToTile, parity, parityOk, startServer, tileBounds } from './lib.mjs';
import { openSocket, rawHttp, sleep } from './robust.mjs';

const db = freshDatabase('it_limits');
const ATLANTA = path.join(SHARED, 'neighborhoods/atlanta.geojson');
let server;
let slow; // short idle and request timeouts: only for the tests of those

before(async () => {
  parityOk(db, ['import', 'boundaries', '--quiet', ATLANTA]);
  server = await startServer(db, {
    args: ['--body-limit', '2k', '--header-limit', '4k', '--max-zoom', '16', '--max-features', '3'],
  });
  slow = await startServer(db, { args: ['--idle-timeout', '2', '--request-timeout', '3'] });
});
after(async () => {
  if (server) await server.stop();
  if (slow) await slow.stop();
});

const GET = (target, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;

test('every limit has a default, a setting and an environment variable in --help; bad values are refused', () => {
  const help = parity(null, ['serve', '--help']).stdout;
  for (const [flag, def, env] of [
    ['--body-limit SIZE', '1M', 'PARITY_BODY_LIMIT'],
    ['--header-limit SIZE', '16k', 'PARITY_HEADER_LIMIT'],
    ['--connection-limit N', '1000', 'PARITY_CONNECTION_LIMIT'],
    ['--per-client-limit N', '128', 'PARITY_PER_CLIENT_LIMIT'],
    ['--idle-timeout S', '30', 'PARITY_IDLE_TIMEOUT_S'],
    ['--request-timeout S', '60', 'PARITY_REQUEST_TIMEOUT_S'],
    ['--statement-timeout MS', '5000', 'PARITY_STATEMENT_TIMEOUT_MS'],
    ['--max-zoom Z', '22', 'PARITY_MAX_ZOOM'],
    ['--max-features N', '20000', 'PARITY_MAX_FEATURES'],
    ['--page-size N', '100', 'PARITY_PAGE_SIZE'],
    ['--max-page-size N', '1000', 'PARITY_MAX_PAGE_SIZE'],
  ]) {
    const line = help.split('\n').find((l) => l.trimStart().startsWith(flag));
    assert.ok(line, `${flag} in --help`);
    assert.match(line, new RegExp(`\\(default ${def}\\) \\[env ${env}\\]`), line);
  }
  for (const [args, message] of [
    [['--max-zoom', '23'], /--max-zoom \(from --max-zoom\) must be between 0 and 22, not 23/],
    [['--body-limit', '12Q'], /--body-limit .* takes a size such as 64M/],
    [['--connection-limit', '0'], /--connection-limit .* must be between 1 and/],
  ]) {
    const r = parity(db, ['serve', '--listen', '127.0.0.1:0', ...args], { timeout: 10_000 });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  const env = parity(db, ['serve', '--listen', '127.0.0.1:0'], { env: { PARITY_MAX_FEATURES: 'many' }, timeout: 10_000 });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /--max-features \(from PARITY_MAX_FEATURES\) takes a whole number, not 'many'/);
});

test('--body-limit: an announced body past it gets 413 before it is sent; a streamed one after', async () => {
  // 2k limit: 2049 bytes announced. The server answers without reading it.
  const announced = await rawHttp(server.port, [
    'POST /api/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2049\r\n\r\n',
  ]);
  assert.equal(announced.status, 413);
  assert.equal(announced.headers['content-type'], 'application/json');
  assert.equal(announced.headers.connection, 'close');
  assert.equal(JSON.parse(announced.body).error.message, 'request body is larger than the limit of 2048 bytes');
  // Chunked, no length: read (not kept) to the end, then refused.
  const chunk = 'x'.repeat(1500);
  const streamed = await rawHttp(server.port, [
    'POST /api/anything HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    `${(1500).toString(16)}\r\n${chunk}\r\n`,
    `${(1500).toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
  ]);
  assert.equal(streamed.status, 413);
  assert.match(JSON.parse(streamed.body).error.message, /larger than the limit of 2048 bytes/);
  // At the limit exactly, the body reaches the handler (which has no such collection).
  const r = await fetch(`${server.url}/api/nope`, { method: 'POST', body: '{"a":"' + 'y'.repeat(2040) + '"}' });
  assert.equal(r.status, 404);
});

test('--header-limit: headers past it get a JSON 431; far past it libmicrohttpd still answers 431 or 414', async () => {
  const over = await rawHttp(server.port, [GET('/healthz', `X-Filler: ${'a'.repeat(5000)}\r\n`)]);
  assert.equal(over.status, 431);
  const body = JSON.parse(over.body);
  assert.equal(body.error.status, 431);
  assert.match(body.error.message, /the limit is 4096/);
  const under = await rawHttp(server.port, [GET('/healthz', `X-Filler: ${'a'.repeat(3000)}\r\n`)]);
  assert.equal(under.status, 200);
  const huge = await rawHttp(server.port, [GET('/healthz', `X-Filler: ${'a'.repeat(64000)}\r\n`)]);
  assert.equal(huge.status, 431);
  const longUrl = await rawHttp(server.port, [GET(`/healthz?q=${'a'.repeat(64000)}`)]);
  assert.ok([414, 431].includes(longUrl.status), `long URL: ${longUrl.status}`);
  const longQuery = await rawHttp(server.port, [GET(`/healthz?q=${'a'.repeat(5000)}`)]);
  assert.equal(longQuery.status, 431);
});

test('--connection-limit: the connection past it gets 503 with Retry-After, then room again', async () => {
  const s = await startServer(db, { args: ['--connection-limit', '3', '--per-client-limit', '0'] });
  try {
    const held = [];
    for (let i = 0; i < 3; i++) held.push((await openSocket(s.port)).sock);
    await sleep(100);
    const refused = await rawHttp(s.port, [GET('/healthz')]);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers.connection, 'close');
    assert.match(JSON.parse(refused.body).error.message, /too many open connections \(at most 3\)/);
    assert.ok(refused.closed);
    held.forEach((sock) => sock.destroy());
    await sleep(200);
    assert.equal((await rawHttp(s.port, [GET('/healthz')])).status, 200);
  } finally {
    await s.stop();
  }
});

test('--per-client-limit: one address past it gets 429; another address is still served', async () => {
  const s = await startServer(db, { args: ['--per-client-limit', '2'] });
  try {
    const held = [];
    for (let i = 0; i < 2; i++) held.push((await openSocket(s.port)).sock);
    await sleep(100);
    const refused = await rawHttp(s.port, [GET('/healthz')]);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.match(JSON.parse(refused.body).error.message, /too many connections from your address \(at most 2/);
    // The same server, from 127.0.0.2 (another loopback address).
    const other = await new Promise((resolve) => {
      const sock = net.connect({ port: s.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let data = '';
      sock.on('connect', () => sock.write(GET('/healthz')));
      sock.on('data', (d) => (data += d));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    assert.match(other, /^HTTP\/1\.1 200/);
    held.forEach((sock) => sock.destroy());
  } finally {
    await s.stop();
  }
});

test('--idle-timeout: a connection that sends nothing is closed after it', async () => {
  const started = Date.now();
  const idle = await rawHttp(slow.port, [], { timeoutMs: 8000 });
  const ms = Date.now() - started;
  assert.ok(idle.closed, 'closed by the server');
  assert.ok(ms >= 1500 && ms < 5000, `closed after ${ms} ms (idle timeout 2 s)`);
  // A keep-alive connection after its answer: the same.
  const t0 = Date.now();
  const kept = await rawHttp(slow.port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], { timeoutMs: 8000 });
  assert.equal(kept.status, 200);
  assert.ok(kept.closed && Date.now() - t0 >= 1500, 'kept open until the idle timeout');
});

test('--request-timeout: slow headers (a byte every 0.4 s, under the idle timeout) get 408 and are closed', async () => {
  const bytes = [...GET('/healthz', `X-Slow: ${'s'.repeat(40)}\r\n`)];
  const started = Date.now();
  const r = await rawHttp(slow.port, bytes, { gapMs: 400, timeoutMs: 15_000 });
  const ms = Date.now() - started;
  assert.equal(r.status, 408);
  assert.match(JSON.parse(r.body).error.message, /did not arrive within 3 s/);
  assert.ok(r.closed);
  assert.ok(ms >= 2900 && ms < 5000, `closed after ${ms} ms`);
  assert.ok(r.sent < bytes.length, 'closed before the client finished');
});

test('--request-timeout: a slow body gets 408 and is closed', async () => {
  const head = 'POST /api/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
  const started = Date.now();
  const r = await rawHttp(slow.port, [head, ...'{"a":"'.concat('b'.repeat(92), '"}')], { gapMs: 400, timeoutMs: 15_000 });
  assert.equal(r.status, 408);
  assert.ok(r.closed);
  assert.ok(Date.now() - started < 5000);
});

test('--max-zoom: tiles above it get 400 saying so, and TileJSON advertises it', async () => {
  const { x, y } = lonLatToTile(-84.39, 33.76, 17);
  const r = await get(`${server.url}/tiles/neighborhoods/17/${x}/${y}.geojson`);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.message, 'zoom 17 is above the maximum zoom 16');
  const t = lonLatToTile(-84.39, 33.76, 16);
  assert.equal((await get(`${server.url}/tiles/neighborhoods/16/${t.x}/${t.y}.geojson`)).status, 200);
  assert.equal((await get(`${server.url}/tiles/neighborhoods.json`)).json.maxzoom, 16);
});

test('--max-features: a crowded tile keeps the cap\'s worth of its neighborhoods and says so in X-Parity-Truncated, one within it keeps all', async () => {
  let capped = 0;
  let whole = 0;
  for (const z of [10, 13, 15, 16]) {
    const { x, y } = lonLatToTile(-84.39, 33.76, z);
    const b = tileBounds(z, x, y);
    // GDAL finds the neighborhoods in the tile, independently.
    const csv = gdal('ogr2ogr', ['-f', 'CSV', '/vsistdout/', '-spat', b.west, b.south, b.east, b.north, '-select', 'name', ATLANTA].map(String));
    const expected = new Set(csv.trim().split('\n').slice(1).map((l) => l.replace(/^"|"$/g, '')));
    const r = await get(`${server.url}/tiles/neighborhoods/${z}/${x}/${y}.geojson`);
    assert.equal(r.status, 200, `z${z}`);
    const names = r.json.features.map((f) => f.properties.name);
    assert.equal(names.length, Math.min(3, expected.size), `z${z}: ${expected.size} in the tile`);
    for (const n of names) assert.ok(expected.has(n), `${n} is in tile z${z}`);
    // The tile says when the cap left features out, and how many it had;
    // the same from the cache, and for MVT.
    const truncated = expected.size > 3 ? `3 of ${expected.size}` : undefined;
    assert.equal(r.headers.get('x-parity-truncated') ?? undefined, truncated, `z${z}`);
    const again = await get(`${server.url}/tiles/neighborhoods/${z}/${x}/${y}.geojson`);
    assert.equal(again.headers.get('x-parity-cache'), 'hit');
    assert.equal(again.headers.get('x-parity-truncated') ?? undefined, truncated, `z${z}, cached`);
    const mvt = await get(`${server.url}/tiles/neighborhoods/${z}/${x}/${y}.mvt`);
    assert.equal(mvt.headers.get('x-parity-truncated') ?? undefined, truncated, `z${z}, MVT`);
    if (expected.size > 3) capped++;
    else whole++;
  }
  assert.ok(capped > 0 && whole > 0, `capped ${capped}, whole ${whole}`);
});

test('--max-page-size: a larger limit gets 400 naming it; --page-size is the default', async () => {
  const s = await startServer(db, { args: ['--page-size', '2', '--max-page-size', '3'] });
  try {
    const first = await get(`${s.url}/api/categories`);
    assert.equal(first.status, 200);
    assert.equal(first.json.limit, 2);
    assert.equal(first.json.items.length, 2);
    assert.equal((await get(`${s.url}/api/categories?limit=3`)).json.items.length, 3);
    const over = await get(`${s.url}/api/categories?limit=4`);
    assert.equal(over.status, 400);
    assert.equal(over.json.error.message, 'limit: a whole number from 1 to 3');
  } finally {
    await s.stop();
  }
});

test('up to 64 query parameters are all read (the 17th on moves off the request state)', async () => {
  // The parameter that matters comes last, after 63 others: an invalid
  // limit there must still be seen and named.
  const filler = Array.from({ length: 63 }, () => 'offset=0').join('&');
  const bad = await get(`${server.url}/api/categories?${filler}&limit=0`);
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /^limit: /);
  const fine = await get(`${server.url}/api/categories?${filler}&limit=1`);
  assert.equal(fine.status, 200);
  assert.equal(fine.json.items.length, 1);
});

test('more than 64 query parameters get 400', async () => {
  const q = Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&');
  const r = await get(`${server.url}/healthz?${q}`);
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /too many query parameters \(at most 64\)/);
});
