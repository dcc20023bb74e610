// Bad input and who may do what: SQL-injection strings in every parameter
// and path segment (never 500, the database unchanged), `..` in every
// spelling (404), invalid UTF-8 (400), the CORS allow-list, security
// headers, and secrets that must never reach the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, get, loadDemo, parity, sql, startServer } from './lib.mjs';
import { dbChecksum, rawHttp } from './robust.mjs';

const db = freshDatabase('it_security');
let server;

before(async () => {
  loadDemo(db);
  // The demo city fills partners, programs, sites and events; a row in the
  // other tables too, so a successful injection anywhere would show.
  sql(db, `INSERT INTO partners (name, kind) VALUES ('Test partner', 'nonprofit');
    INSERT INTO programs (name, partner_id, category) SELECT 'Test program', id, 'prevention' FROM partners WHERE name = 'Test partner';
    INSERT INTO api_tokens (name, token_hash) VALUES ('test', sha256('not-a-real-token'));`);
  const [counts] = sql(db, `SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM programs),
    (SELECT count(*) FROM sites), (SELECT count(*) FROM events), (SELECT count(*) FROM neighborhoods),
    (SELECT count(*) FROM api_tokens)`);
  assert.ok(counts.every((n) => Number(n) > 0), `rows in every table: ${counts}`);
  server = await startServer(db);
});
after(async () => server && (await server.stop()));

// Each holds at least one character no name, date or number of parity may
// hold (a quote, ';', '$', a bracket, a backslash, '%'), so each must be
// refused; a phrase of letters and spaces ("a OR b") is a legitimate
// category name and reaches PostgreSQL only as a bound parameter.
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE neighborhoods; --",
  '1; DELETE FROM sites',
  "2026-01-01'::date; TRUNCATE events; --",
  '") OR 1=1 --',
  "1 UNION SELECT token_hash FROM api_tokens --'",
  "'||pg_sleep(10)||'",
  '$1',
  '{"a","b"}',
  'a","b',
  'a}',
  '%27%20OR%201=1',
  "\\'; SELECT 1; --",
  '\u2018 OR 1=1 --',
  '\u0000',
  '1/0',
  '../../etc/passwd',
];

const TILE = '/tiles/neighborhoods/12/1088/1638.geojson';

/** Every place a request carries text into parity, and what must come back. */
function* attacks() {
  for (const s of INJECTIONS) {
    const e = encodeURIComponent(s);
    for (const param of ['from', 'to', 'category']) yield [`${TILE}?${param}=${e}`, [400]];
    yield [`${TILE}?from=2026-01-01&to=${e}`, [400]];
    yield [`${TILE}?category=prevention&category=${e}`, [400]];
    yield [`/tiles/${e}/12/1088/1638.geojson`, [404, 400]];
    yield [`/tiles/${e}.json`, [404, 400]];
    yield [`/tiles/neighborhoods/${e}/1088/1638.geojson`, [400, 404]];
    yield [`/tiles/neighborhoods/12/${e}/1638.geojson`, [400, 404]];
    yield [`/tiles/neighborhoods/12/1088/${e}.geojson`, [400, 404]];
    yield [`/tiles/neighborhoods/12/1088/1638.${e}`, [404, 400]];
    yield [`/api/${e}`, [404, 400]];
    yield [`/api/sites/${e}`, [404, 400]];
    yield [`/${e}`, [404, 400]];
    // Coverage analytics: window and categories, the metric, method and
    // number of classes of the breaks, a neighborhood's id, the CSV form.
    for (const param of ['from', 'to', 'category']) {
      yield [`/api/coverage?${param}=${e}`, [400]];
      yield [`/api/coverage.csv?${param}=${e}`, [400]];
      yield [`/api/neighborhoods/N001?${param}=${e}`, [400]];
    }
    yield [`/api/coverage?${e}=1`, [400]];
    yield [`/api/breaks?metric=${e}`, [400]];
    yield [`/api/breaks?metric=gap&method=${e}`, [400]];
    yield [`/api/breaks?metric=gap&k=${e}`, [400]];
    yield [`/api/neighborhoods/${e}`, [404, 400]];
  }
}

test('SQL-injection strings in every parameter and path segment: 400 or 404, never 500, the database unchanged', async () => {
  const before = dbChecksum(db);
  let n = 0;
  for (const [target, allowed] of attacks()) {
    const started = Date.now();
    const r = await get(server.url + target);
    n++;
    assert.ok(allowed.includes(r.status), `${target}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.headers.get('content-type'), 'application/json', target);
    assert.equal(r.json.error.status, r.status, target);
    assert.ok(Date.now() - started < 2000, `${target} took ${Date.now() - started} ms`);
  }
  // Headers parity reads, too: If-None-Match and Origin are matched, never
  // run; a token that is not one is refused (401), never looked up as text.
  for (const s of INJECTIONS.filter((x) => !/[\u0000\u2018]/.test(x))) {
    let r = await get(server.url + TILE, { 'If-None-Match': s, Origin: s });
    assert.equal(r.status, 200);
    r = await get(server.url + TILE, { Authorization: `Bearer ${s}` });
    assert.equal(r.status, 401, `Authorization: Bearer ${s}`);
    assert.equal(r.json.error.code, 'unauthorized');
    n += 2;
  }
  assert.ok(n > 450, `${n} requests`);
  assert.deepEqual(dbChecksum(db), before, 'every table as it was');
  assert.equal((await get(`${server.url}/readyz`)).status, 200);
  assert.doesNotMatch(server.log(), /level=error/, 'no query failed on the way');
});

test('SQL-injection strings in imported rows are stored as text, nothing else changes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-inject-'));
  try {
    const names = INJECTIONS.filter((x) => !x.includes('\u0000'));
    const quote = (v) => `"${v.replace(/"/g, '""')}"`;
    const lines = ['site_id,name,program,category,address,lon,lat'];
    names.forEach((n, i) => lines.push([`INJ${i}`, quote(n), 'Test program', 'prevention', quote(n), '-86.8', '33.5'].join(',')));
    const file = path.join(dir, 'inject.csv');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const before = dbChecksum(db);
    const r = parity(db, ['import', 'sites', '--quiet', file]);
    assert.equal(r.status, 0, r.stderr);
    const after = dbChecksum(db);
    for (const t of Object.keys(before)) {
      if (!['sites', 'data_versions', 'seq:sites_id_seq'].includes(t)) assert.equal(after[t], before[t], t);
    }
    const stored = sql(db, "SELECT name, address FROM sites WHERE source = 'inject.csv' ORDER BY external_id COLLATE \"C\"");
    const expected = names.map((n, i) => [`INJ${i}`, n]).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, n]) => [n, n]);
    assert.deepEqual(stored, expected);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const ESCAPES = [
  '/../parity',
  '/../../Makefile',
  '/%2e%2e/parity',
  '/%2E%2E/parity',
  '/%2e%2e%2fparity',
  '/..%2fparity',
  '/.%2e/parity',
  '/%2e./parity',
  '/%252e%252e/parity',
  '/%252e%252e%252fparity',
  '/..\\parity',
  '/%5c..%5cparity',
  '/..%5cparity',
  '/%2e%2e%5cparity',
  '/index.html/../../parity',
  '/./../parity',
  '//../parity',
  '/....//parity',
  '/..;/parity',
  '/%2e%2e/%2e%2e/Makefile',
  '/%c0%ae%c0%ae/parity',
  '/.git/config',
  '/%2egit/config',
  '/index.html%00.png',
];

test('`..` and its encodings in static paths: 404 (400 when not even UTF-8), and never the file', async () => {
  for (const target of ESCAPES) {
    // Raw, so no client normalizes the path first.
    const r = await rawHttp(server.port, [`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    const expected = /%c0|%00/.test(target) ? 400 : 404;
    assert.equal(r.status, expected, `${target}: ${r.status}`);
    assert.equal(r.headers['content-type'], 'application/json', target);
    assert.doesNotMatch(r.body, /ELF|parity - build|\[core\]/, target);
  }
  assert.equal((await rawHttp(server.port, ['GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])).status, 200);
});

test('links out of the web root and FIFOs in it are never followed or waited on', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-webroot-'));
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'index.html'), '<!doctype html><title>ok</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the web root');
  fs.symlinkSync('..', path.join(dir, 'web', 'up'));
  fs.symlinkSync('../secret.txt', path.join(dir, 'web', 'secret.txt'));
  execFileSync('mkfifo', [path.join(dir, 'web', 'pipe.js')]);
  const s = await startServer(db, { args: ['--web-root', path.join(dir, 'web')] });
  try {
    assert.equal((await get(`${s.url}/index.html`)).status, 200);
    for (const target of ['/up/secret.txt', '/secret.txt', '/up/web/index.html']) {
      const r = await get(s.url + target);
      assert.equal(r.status, 404, target);
      assert.doesNotMatch(r.text, /outside the web root/);
    }
    const started = Date.now();
    assert.equal((await get(`${s.url}/pipe.js`)).status, 404);
    assert.ok(Date.now() - started < 2000);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid UTF-8 in the path, a query parameter or a body: 400 saying so', async () => {
  for (const target of ['/%ff', '/tiles/%c3%28.json', '/index%ed%a0%80.html', `${TILE}?category=%ff`,
    `${TILE}?from=%c0%af`, '/healthz?unused=%fe', '/healthz?%ff=1', '/tiles/neighborhoods.json?x=%f4%90%80%80']) {
    const r = await get(server.url + target);
    assert.equal(r.status, 400, target);
    assert.match(r.json.error.message, /not valid UTF-8/, target);
  }
  const body = Buffer.from('{"name":"\xff"}', 'latin1');
  const r = await fetch(`${server.url}/api/sites`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.message, 'the request body is not valid UTF-8 (at byte 9)');
  // An unknown field with a long name of two-byte characters is named in
  // the 400, cut at a character boundary: the answer stays valid UTF-8.
  const token = parity(db, ['token', 'create', 'utf8-cut']).stdout.trim();
  const long = 'a' + 'é'.repeat(40);
  const cut = await fetch(`${server.url}/api/partners`, {
    method: 'POST',
    body: JSON.stringify({ [long]: 1, name: 'x', kind: 'faith' }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  });
  assert.equal(cut.status, 400);
  const bytes = new Uint8Array(await cut.arrayBuffer());
  const answer = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  assert.deepEqual(Object.values(answer.error.fields), ['is not a field of this record']);
  assert.ok(long.startsWith(Object.keys(answer.error.fields)[0]));
  // Valid UTF-8 passes.
  assert.equal((await get(`${server.url}/healthz?note=${encodeURIComponent('Niño Jesús')}`)).status, 200);
});

test('CORS: by default no other origin may read answers; with --cors-origins only the listed ones', async () => {
  const other = 'https://maps.example.org';
  let r = await get(`${server.url}/tiles/neighborhoods.json`, { Origin: other });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  let pre = await fetch(`${server.url}${TILE}`, { method: 'OPTIONS', headers: { Origin: other, 'Access-Control-Request-Method': 'GET' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);

  const bad = parity(db, ['serve', '--listen', '127.0.0.1:0', '--cors-origins', 'maps.example.org'], { timeout: 10_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--cors-origins: 'maps\.example\.org' is not an origin; write scheme:\/\/host\[:port\]/);

  const s = await startServer(db, { args: ['--cors-origins', `${other}, http://localhost:9000`] });
  try {
    r = await get(`${s.url}/tiles/neighborhoods.json`, { Origin: other });
    assert.equal(r.headers.get('access-control-allow-origin'), other);
    assert.match(r.headers.get('vary'), /Origin/);
    r = await get(`${s.url}${TILE}`, { Origin: 'http://localhost:9000' });
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:9000');
    for (const o of ['https://evil.example', 'https://maps.example.org.evil.example', 'null', 'http://maps.example.org']) {
      r = await get(`${s.url}/tiles/neighborhoods.json`, { Origin: o });
      assert.equal(r.headers.get('access-control-allow-origin'), null, o);
    }
    pre = await fetch(`${s.url}/api/sites`, {
      method: 'OPTIONS',
      headers: { Origin: other, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), other);
    assert.match(pre.headers.get('access-control-allow-methods'), /\bPOST\b/);
    assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
    assert.match(pre.headers.get('access-control-allow-headers'), /Content-Type/);
    assert.equal(pre.headers.get('access-control-max-age'), '600');
    pre = await fetch(`${s.url}${TILE}`, { method: 'OPTIONS', headers: { Origin: other, 'Access-Control-Request-Method': 'GET' } });
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, HEAD, OPTIONS');
    pre = await fetch(`${s.url}/api/sites`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.equal(pre.headers.get('access-control-allow-methods'), null);
  } finally {
    await s.stop();
  }
});

test('security headers on every answer; the page has a CSP with no inline script and no other host', async () => {
  for (const target of ['/', '/index.html', TILE, '/tiles/neighborhoods.json', '/nope.html', '/healthz', '/metrics', `${TILE}?from=x`]) {
    const r = await get(server.url + target);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', target);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', target);
  }
  const page = await get(`${server.url}/`);
  const csp = page.headers.get('content-security-policy');
  assert.ok(csp, 'the page has a Content-Security-Policy');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['script-src'], ["'self'"]);
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
  for (const [name, sources] of Object.entries(directives)) {
    for (const src of sources) {
      assert.ok(["'self'", "'none'", 'data:', 'blob:'].includes(src), `${name} allows ${src}`);
    }
  }
  // The page itself has no inline script or handler attribute to need one.
  assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/i);
  assert.doesNotMatch(page.text, /\son[a-z]+\s*=/i);
});

test('secrets never reach the log: the conninfo password, Authorization tokens, query strings', async () => {
  const password = 'Sup3r-Secret-PW-7731';
  const token = 'tok-SECRET-5512-abcdef';
  // serve's own --db (after the global one) carries the password.
  const s = await startServer(db, { args: ['--db', `${db} password=${password}`] });
  try {
    await get(`${s.url}${TILE}`, { Authorization: `Bearer ${token}` });
    await fetch(`${s.url}/api/sites`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${token}` } });
    await get(`${s.url}/healthz?access_token=${token}`);
    await get(`${s.url}/nope?token=${token}`);
  } finally {
    await s.stop();
  }
  assert.match(s.log(), /event=http\.access/);
  assert.doesNotMatch(s.log(), new RegExp(password));
  assert.doesNotMatch(s.log(), new RegExp(token));
  // A database that cannot be reached, named by a URL with a password: the
  // errors name the socket, not the password.
  const url = `postgresql://postgres:${password}@/parity?host=/nonexistent-socket-dir`;
  const down = await startServer(url);
  try {
    assert.equal((await get(`${down.url}${TILE}`)).status, 503);
  } finally {
    await down.stop();
  }
  assert.match(down.log(), /event=db\.state state=down/);
  assert.doesNotMatch(down.log(), new RegExp(password));
  const cli = parity(url, ['db', 'migrate']);
  assert.notEqual(cli.status, 0);
  assert.match(cli.stderr, /nonexistent-socket-dir/);
  assert.doesNotMatch(cli.stderr + cli.stdout, new RegExp(password));
});
