// The JSON API (/api/sites, events, programs, partners, categories) and its
// tokens against a real PostGIS and a real `parity serve`, with the demo city
// loaded as `make run` loads it. Every expected answer comes from the demo
// files read through GDAL (or from a separate SQL query), never from the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, loadDemo, parity, parityOk, sql, startServer } from './lib.mjs';
import {
  api, coordinatePairs, demoRows, meters, neighborhoodOf, utcDay,
} from './demo_points.mjs';

const db = freshDatabase('it_api');
const PAGE = 50;
const MAX_PAGE = 500;
let server;
let token;
const events = demoRows('events');
const sites = demoRows('sites');
const programs = demoRows('programs');
const sensitive = sites.filter((s) => s.sensitive === 'true');

before(async () => {
  loadDemo(db); // boundaries, partners, programs, sites, events: what `make run` loads
  token = parityOk(db, ['token', 'create', 'tester']).stdout.trim();
  server = await startServer(db, {
    args: ['--body-limit', '4k', '--page-size', String(PAGE), '--max-page-size', String(MAX_PAGE)],
  });
});
after(async () => server && (await server.stop()));

const url = (p) => `${server.url}${p}`;
const count = (table, where = 'true') => Number(sql(db, `SELECT count(*) FROM ${table} WHERE ${where}`)[0][0]);
const idOf = (table, name) => sql(db, `SELECT id FROM ${table} WHERE name = '${name.replace(/'/g, "''")}'`)[0][0];

/** Every item of a list, following `next` links; checks total and paging on the way. */
async function all(path, opts = {}) {
  const items = [];
  let next = path;
  let total;
  while (next) {
    const r = await api(url(next), opts);
    assert.equal(r.status, 200, `${next}: ${r.text}`);
    total ??= r.json.total;
    assert.equal(r.json.total, total);
    assert.equal(r.json.offset, items.length);
    items.push(...r.json.items);
    assert.ok(r.json.items.length <= r.json.limit);
    next = r.json.next;
  }
  assert.equal(items.length, total, `${path}: total ${total}, items ${items.length}`);
  return items;
}

const externalIds = (items) => items.map((i) => i.external_id).sort();
const partnerOfProgram = Object.fromEntries(programs.map((p) => [p.name, p.partner]));

// ---- tokens ------------------------------------------------------------------

test('token create prints a token once; the database keeps only its SHA-256', () => {
  assert.match(token, /^parity_[A-Za-z0-9_-]{43}$/);
  // PostgreSQL's own sha256() of the printed token is what is stored.
  const [[same, n]] = sql(db, `SELECT token_hash = sha256(convert_to('${token}', 'UTF8')), count(*) OVER ()
                               FROM api_tokens WHERE name = 'tester'`);
  assert.equal(same, 't');
  assert.equal(n, '1');
  const dump = sql(db, 'SELECT * FROM api_tokens').flat().join(' ');
  assert.ok(!dump.includes(token), 'the token itself is nowhere in the table');
  const list = parityOk(db, ['token', 'list']).stdout;
  assert.match(list, /tester\s+\d{4}-\d\d-\d\dT/);
  assert.ok(!list.includes(token) && !/[0-9a-f]{64}/.test(list), 'list shows no token and no hash');
  const again = parity(db, ['token', 'create', 'tester']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
  assert.equal(parity(db, ['token', 'revoke', 'nobody']).status, 1);
});

test('writes without a token, with a bad one or with a revoked one get 401 and change nothing', async () => {
  const body = { name: 'Unauthorized partner', kind: 'faith' };
  const before = count('partners');
  const none = await api(url('/api/partners'), { method: 'POST', body });
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate'), /^Bearer/);
  assert.equal(none.json.error.status, 401);
  assert.equal(none.json.error.code, 'unauthorized');
  const bad = await api(url('/api/partners'), { method: 'POST', body, token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate'), /invalid_token/);
  const basic = await api(url('/api/partners'), { method: 'POST', body, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  assert.equal(basic.status, 401);
  // A second token works, then stops working the moment it is revoked.
  const other = parityOk(db, ['token', 'create', 'short-lived']).stdout.trim();
  const ok = await api(url('/api/partners'), { method: 'POST', body, token: other });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await api(url(`/api/partners/${ok.json.id}`), { method: 'DELETE', token: other })).status, 204);
  assert.match(parityOk(db, ['token', 'revoke', 'short-lived']).stdout, /revoked/);
  const revoked = await api(url('/api/partners'), { method: 'POST', body, token: other });
  assert.equal(revoked.status, 401);
  for (const method of ['PUT', 'PATCH', 'DELETE'])
    assert.equal((await api(url('/api/partners/1'), { method, body: method === 'DELETE' ? undefined : body })).status, 401);
  assert.equal(count('partners'), before);
  // Reads stay open; a read with a revoked token is refused rather than
  // silently answered as public.
  assert.equal((await api(url('/api/partners'))).status, 200);
  assert.equal((await api(url('/api/partners'), { token: other })).status, 401);
  // The server never logs a token.
  assert.ok(!server.log().includes(token) && !server.log().includes(other));
});

// ---- each verb on each collection --------------------------------------------

const lonlat = (lon, lat) => ({ type: 'Point', coordinates: [lon, lat] });
// A point inside N045 and one inside N001 of the demo city (checked below by ray casting).
const P1 = [-86.8, 33.52];
const P2 = [-86.8905, 33.5805];

const CASES = [
  {
    name: 'categories',
    create: () => ({ id: 'youth sports', name: 'Youth sports', description: 'Leagues' }),
    patch: { name: 'Youth sports leagues' },
    replace: (c) => ({ id: c.id, name: 'Youth sports' }),
    dropped: 'description',
    check: (doc) => sql(db, `SELECT name, coalesce(description, '-') FROM categories WHERE id = '${doc.id}'`)[0],
    expect: (doc) => [doc.name, doc.description ?? '-'],
  },
  {
    name: 'partners',
    create: () => ({ name: 'Test Partner', kind: 'business' }),
    patch: { kind: 'nonprofit' },
    replace: () => ({ name: 'Test Partner, renamed', kind: 'community' }),
    check: (doc) => sql(db, `SELECT name, kind FROM partners WHERE id = ${doc.id}`)[0],
    expect: (doc) => [doc.name, doc.kind],
  },
  {
    name: 'programs',
    create: () => ({ name: 'Test Program', category: 'prevention', partner_id: Number(idOf('partners', 'Demo City Police Department')), start_date: '2026-01-01', end_date: '2026-06-30', description: 'x' }),
    patch: { end_date: '2026-12-31' },
    replace: () => ({ name: 'Test Program', category: 'reentry' }),
    dropped: 'partner',
    check: (doc) => sql(db, `SELECT name, category, coalesce(start_date::text, '-'), coalesce(end_date::text, '-') FROM programs WHERE id = ${doc.id}`)[0],
    expect: (doc) => [doc.name, doc.category, doc.start_date ?? '-', doc.end_date ?? '-'],
  },
  {
    name: 'sites',
    create: () => ({ name: 'Test Site', category: 'prevention', capacity: 40, address: '1 Test St', location: lonlat(...P1) }),
    patch: { capacity: 45, location: lonlat(...P2) },
    replace: () => ({ name: 'Test Site', location: lonlat(...P1), program_id: Number(idOf('programs', 'Safe Summer Hoops')) }),
    dropped: 'capacity',
    check: (doc) => sql(db, `SELECT name, coalesce(capacity::text, '-'), ST_X(geom)::text, ST_Y(geom)::text, coalesce(neighborhood_id, '-') FROM sites WHERE id = ${doc.id}`)[0],
    expect: (doc) => [doc.name, doc.capacity === null ? '-' : String(doc.capacity), String(doc.location.coordinates[0]), String(doc.location.coordinates[1]), neighborhoodOf(...doc.location.coordinates)],
  },
  {
    name: 'events',
    create: () => ({ title: 'Test Event', category: 'intervention', starts_at: '2026-03-01T18:00:00-06:00', ends_at: '2026-03-01T20:00:00-06:00', attendance: 30, youth_attendance: 12, hours: 2, location: lonlat(...P1), partner_id: Number(idOf('partners', 'Demo City Police Department')) }),
    patch: { youth_attendance: 30, location: lonlat(...P2) },
    replace: () => ({ title: 'Test Event', category: 'prevention', starts_at: '2026-03-02T00:00:00Z', location: lonlat(...P1) }),
    dropped: 'attendance',
    check: (doc) => sql(db, `SELECT title, category, to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI'), coalesce(youth_attendance::text, '-'), coalesce(neighborhood_id, '-') FROM events WHERE id = ${doc.id}`)[0],
    expect: (doc) => [doc.title, doc.category, new Date(doc.starts_at).toISOString().slice(0, 16), doc.youth_attendance === null ? '-' : String(doc.youth_attendance), neighborhoodOf(...doc.location.coordinates)],
  },
];

test('the test points lie in the neighborhoods ray casting over the GeoJSON says', () => {
  assert.equal(neighborhoodOf(...P1), 'N045');
  assert.equal(neighborhoodOf(...P2), 'N001');
});

for (const c of CASES) {
  test(`${c.name}: POST 201 + Location, GET, HEAD, PATCH, PUT, DELETE 204, then 404`, async () => {
    const before = count(c.name);
    const created = await api(url(`/api/${c.name}`), { method: 'POST', body: c.create(), token });
    assert.equal(created.status, 201, created.text);
    const doc = created.json;
    const location = created.headers.get('location');
    assert.equal(location, `/api/${c.name}/${encodeURIComponent(doc.id)}`);
    assert.equal(count(c.name), before + 1, 'the row is committed when 201 arrives');
    assert.deepEqual(c.check(doc), c.expect(doc));
    for (const [k, v] of Object.entries(c.create())) {
      const answered = doc[k] ?? doc[k.replace(/_id$/, '')]?.id;
      if (k.endsWith('_at')) assert.equal(Date.parse(answered), Date.parse(v), k);
      else assert.deepEqual(answered, v, k);
    }
    if (doc.location) {
      assert.deepEqual(doc.location, c.create().location);
      const nb = neighborhoodOf(...doc.location.coordinates);
      assert.equal(doc.neighborhood.id, nb);
      assert.equal(doc.neighborhood.name, sql(db, `SELECT name FROM neighborhoods WHERE id = '${nb}'`)[0][0]);
    }

    const got = await api(url(location));
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, doc);
    assert.ok(got.headers.get('etag'));
    const head = await fetch(url(location), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await head.text()).length, 0);

    const patched = await api(url(location), { method: 'PATCH', body: c.patch, token });
    assert.equal(patched.status, 200, patched.text);
    for (const [k, v] of Object.entries(c.patch)) assert.deepEqual(patched.json[k], v, k);
    for (const k of Object.keys(c.create())) if (!(k in c.patch) && k !== 'partner_id') assert.deepEqual(patched.json[k], doc[k], `PATCH kept ${k}`);
    assert.deepEqual(c.check(patched.json), c.expect(patched.json));

    const replaced = await api(url(location), { method: 'PUT', body: c.replace(doc), token });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(c.check(replaced.json), c.expect(replaced.json));
    // PUT replaces: a field left out is back to its default (null).
    if (c.dropped) {
      assert.notEqual(patched.json[c.dropped], null);
      assert.equal(replaced.json[c.dropped], null, `PUT cleared ${c.dropped}`);
    }

    const gone = await api(url(location), { method: 'DELETE', token });
    assert.equal(gone.status, 204);
    assert.equal(gone.text, '');
    assert.equal(count(c.name), before);
    assert.equal((await api(url(location))).status, 404);
    assert.equal((await api(url(location), { method: 'DELETE', token })).status, 404);
    assert.equal((await api(url(location), { method: 'PATCH', body: c.patch, token })).status, 404);
  });
}

test('methods a path does not answer get 405 with Allow', async () => {
  const r = await api(url('/api/events'), { method: 'PUT', body: {}, token });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD, POST');
  assert.equal(r.json.error.status, 405);
  const item = await api(url('/api/events/1'), { method: 'POST', body: {}, token });
  assert.equal(item.status, 405);
  assert.match(item.headers.get('allow'), /PATCH/);
});

test('a category id with a space is one path segment', async () => {
  const r = await api(url('/api/categories/community%20engagement'));
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'Community engagement');
  assert.equal((await api(url('/api/categories/Community'))).status, 404);
});

// ---- validation ----------------------------------------------------------------

test('a 400 names each bad field, and nothing is written', async () => {
  const before = count('events');
  const r = await api(url('/api/events'), {
    method: 'POST',
    token,
    body: {
      title: '',
      category: 'Not A Category!',
      starts_at: '2026-03-01 18:00',
      ends_at: '2026-02-30T10:00:00Z',
      attendance: -3,
      youth_attendance: 'many',
      hours: 1e9,
      location: { type: 'Point', coordinates: [33.52, -186.8] },
      program_id: 0,
      partner_id: 'seven',
      neighborhood: { id: 'N001' },
      colour: 'red',
    },
  });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_request');
  assert.deepEqual(Object.keys(r.json.error.fields).sort(), [
    'attendance', 'category', 'colour', 'ends_at', 'hours', 'location', 'neighborhood', 'partner_id',
    'program_id', 'starts_at', 'title', 'youth_attendance',
  ]);
  assert.match(r.json.error.fields.colour, /not a field/);
  assert.match(r.json.error.fields.neighborhood, /read-only/);
  assert.match(r.json.error.fields.location, /longitude/);
  for (const field of Object.keys(r.json.error.fields)) assert.ok(r.json.error.message.includes(field));
  // Required fields, each named.
  const empty = await api(url('/api/events'), { method: 'POST', token, body: {} });
  assert.deepEqual(Object.keys(empty.json.error.fields).sort(), ['category', 'location', 'starts_at', 'title']);
  // Cross-field rules.
  const order = await api(url('/api/events'), {
    method: 'POST', token,
    body: { title: 't', category: 'prevention', starts_at: '2026-03-01T18:00:00-06:00', ends_at: '2026-03-01T23:00:00Z', attendance: 5, youth_attendance: 6, location: lonlat(...P1) },
  });
  assert.deepEqual(order.json.error.fields, { ends_at: 'must not be before starts_at', youth_attendance: 'must not be more than attendance' });
  // Not JSON, not an object, wrong content type.
  for (const [body, type] of [['{"title": ', 'application/json'], ['[1, 2]', 'application/json'], ['title=x', 'application/x-www-form-urlencoded']]) {
    const bad = await api(url('/api/events'), { method: 'POST', token, body, headers: { 'content-type': type } });
    assert.equal(bad.status, 400, body);
    assert.ok(bad.json.error.message.length > 10);
  }
  assert.equal(count('events'), before);
});

test('unknown references are 400 naming the field; taken names and referenced records are 409', async () => {
  const before = [count('events'), count('sites'), count('programs'), count('partners')];
  const event = { title: 't', category: 'prevention', starts_at: '2026-03-01T18:00:00Z', location: lonlat(...P1) };
  const cases = [
    ['events', { ...event, category: 'gardening' }, 'category', /not a known category/],
    ['events', { ...event, program_id: 999999 }, 'program_id', /no program/],
    ['events', { ...event, partner_id: 999999 }, 'partner_id', /no partner/],
    ['sites', { name: 's', program_id: 999999, location: lonlat(...P1) }, 'program_id', /no program/],
    ['programs', { name: 'p', category: 'nope' }, 'category', /not a known category/],
    ['programs', { name: 'p', category: 'prevention', partner_id: 424242 }, 'partner_id', /no partner/],
  ];
  for (const [collection, body, field, reason] of cases) {
    const r = await api(url(`/api/${collection}`), { method: 'POST', token, body });
    assert.equal(r.status, 400, `${collection} ${field}: ${r.text}`);
    assert.deepEqual(Object.keys(r.json.error.fields), [field]);
    assert.match(r.json.error.fields[field], reason);
  }
  // A PATCH that breaks a rule with a stored value is a 400 on that rule's field.
  const id = sql(db, "SELECT id FROM events WHERE attendance >= 10 AND youth_attendance >= 5 ORDER BY id LIMIT 1")[0][0];
  const patch = await api(url(`/api/events/${id}`), { method: 'PATCH', token, body: { attendance: 1 } });
  assert.equal(patch.status, 400);
  assert.deepEqual(Object.keys(patch.json.error.fields), ['youth_attendance']);
  const taken = await api(url('/api/partners'), { method: 'POST', token, body: { name: 'Demo City Police Department', kind: 'business' } });
  assert.equal(taken.status, 409);
  assert.deepEqual(Object.keys(taken.json.error.fields), ['name']);
  const dup = await api(url('/api/categories'), { method: 'POST', token, body: { id: 'prevention', name: 'again' } });
  assert.equal(dup.status, 409);
  assert.deepEqual(Object.keys(dup.json.error.fields), ['id']);
  const used = await api(url(`/api/partners/${idOf('partners', 'Demo City Police Department')}`), { method: 'DELETE', token });
  assert.equal(used.status, 409);
  assert.match(used.json.error.message, /still referenced/);
  assert.equal((await api(url('/api/categories/prevention'), { method: 'DELETE', token })).status, 409);
  assert.deepEqual([count('events'), count('sites'), count('programs'), count('partners')], before);
});

test('a body past --body-limit gets 413 and writes nothing', async () => {
  const before = count('programs');
  const big = { name: 'Big', category: 'prevention', description: 'x'.repeat(5000) };
  const r = await api(url('/api/programs'), { method: 'POST', token, body: big });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
  assert.match(r.json.error.message, /4096/);
  // Just under the limit is fine.
  const fits = await api(url('/api/programs'), { method: 'POST', token, body: { ...big, description: 'x'.repeat(3900) } });
  assert.equal(fits.status, 201, fits.text);
  assert.equal(count('programs'), before + 1);
  assert.equal((await api(url(`/api/programs/${fits.json.id}`), { method: 'DELETE', token })).status, 204);
});

// ---- lists: paging and filters --------------------------------------------------

test('paging: default and largest page size, total, offset and next links cover every event once', async () => {
  const first = await api(url('/api/events'));
  assert.equal(first.status, 200);
  assert.equal(first.json.limit, PAGE);
  assert.equal(first.json.items.length, PAGE);
  assert.equal(first.json.total, events.length);
  assert.equal(first.json.next, `/api/events?limit=${PAGE}&offset=${PAGE}`);
  const ids = sql(db, 'SELECT id FROM events ORDER BY id').map((r) => Number(r[0]));
  const page = await api(url('/api/events?offset=120&limit=7'));
  assert.deepEqual(page.json.items.map((e) => e.id), ids.slice(120, 127));
  assert.equal((await api(url(`/api/events?limit=${MAX_PAGE}`))).json.items.length, MAX_PAGE);
  for (const bad of [`limit=${MAX_PAGE + 1}`, 'limit=0', 'limit=-1', 'offset=-1', 'limit=ten', 'offset=1.5']) {
    const r = await api(url(`/api/events?${bad}`));
    assert.equal(r.status, 400, bad);
    assert.match(r.json.error.message, /limit|offset/);
  }
  const last = await api(url(`/api/events?offset=${events.length - 3}&limit=10`));
  assert.equal(last.json.items.length, 3);
  assert.equal(last.json.next, null);
  const beyond = await api(url(`/api/events?offset=${events.length + 10}`));
  assert.deepEqual(beyond.json.items, []);
  const everything = await all(`/api/events?limit=${MAX_PAGE}`);
  assert.deepEqual(externalIds(everything), events.map((e) => e.event_id).sort());
});

test('event filters: bbox, date window, categories, neighborhood, partner, program, combined', async () => {
  const box = [-86.85, 33.48, -86.76, 33.55];
  const inBox = (e) => e.lon >= box[0] && e.lat >= box[1] && e.lon <= box[2] && e.lat <= box[3];
  const police = 'Demo City Police Department';
  const program = programs.find((p) => events.some((e) => e.program === p.name)).name;
  const cases = [
    [`bbox=${box.join(',')}`, inBox],
    ['from=2026-03-01&to=2026-03-31', (e) => utcDay(e.start_time) >= '2026-03-01' && utcDay(e.start_time) <= '2026-03-31'],
    ['from=2026-11-01', (e) => utcDay(e.start_time) >= '2026-11-01'],
    ['to=2025-12-15', (e) => utcDay(e.start_time) <= '2025-12-15'],
    ['category=reentry', (e) => e.category === 'reentry'],
    ['category=prevention&category=community%20engagement', (e) => ['prevention', 'community engagement'].includes(e.category)],
    ['category=prevention,intervention', (e) => ['prevention', 'intervention'].includes(e.category)],
    ['neighborhood=N045', (e) => neighborhoodOf(+e.lon, +e.lat) === 'N045'],
    [`partner=${idOf('partners', police)}`, (e) => e.partner === police || partnerOfProgram[e.program] === police],
    [`program=${idOf('programs', program)}`, (e) => e.program === program],
    [`category=prevention,reentry&from=2026-01-01&to=2026-06-30&bbox=${box.join(',')}`,
      (e) => ['prevention', 'reentry'].includes(e.category) && utcDay(e.start_time) >= '2026-01-01' && utcDay(e.start_time) <= '2026-06-30' && inBox(e)],
  ];
  for (const [query, keep] of cases) {
    const expected = events.filter(keep).map((e) => e.event_id).sort();
    assert.ok(expected.length > 0 && expected.length < events.length, `${query} selects some events`);
    const got = await all(`/api/events?${query}&limit=${MAX_PAGE}`);
    assert.deepEqual(externalIds(got), expected, query);
  }
  // Each event carries its neighborhood, by ray casting over the GeoJSON.
  const sample = await api(url('/api/events?limit=40&offset=500'));
  for (const e of sample.json.items) assert.equal(e.neighborhood?.id ?? null, neighborhoodOf(...e.location.coordinates));
});

test('site, program and partner filters', async () => {
  const publicSites = sites.filter((s) => s.sensitive !== 'true');
  const programOf = Object.fromEntries(programs.map((p) => [p.name, p]));
  const box = [-86.9, 33.5, -86.8, 33.6];
  const cases = [
    ['category=reentry', (s) => s.category === 'reentry'],
    // Sites whose program runs at some time in the window (or have none).
    ['from=2010-01-01&to=2016-12-31', (s) => !s.program || ((programOf[s.program].start_date || '0') <= '2016-12-31' && (programOf[s.program].end_date || '9') >= '2010-01-01')],
    [`bbox=${box.join(',')}`, (s) => s.lon >= box[0] && s.lat >= box[1] && s.lon <= box[2] && s.lat <= box[3]],
    [`neighborhood=${neighborhoodOf(+publicSites[3].lon, +publicSites[3].lat)}`,
      (s) => neighborhoodOf(+s.lon, +s.lat) === neighborhoodOf(+publicSites[3].lon, +publicSites[3].lat)],
  ];
  for (const [query, keep] of cases) {
    const expected = publicSites.filter(keep).map((s) => s.site_id).sort();
    assert.ok(expected.length > 0 && expected.length < publicSites.length, query);
    assert.deepEqual(externalIds(await all(`/api/sites?${query}`)), expected, query);
  }
  const partner = 'Demo City Parks and Recreation';
  const byPartner = programs.filter((p) => p.partner === partner).map((p) => p.name).sort();
  const got = await all(`/api/programs?partner=${idOf('partners', partner)}`);
  assert.deepEqual(got.map((p) => p.name).sort(), byPartner);
  const active = (p, from, to) => (!p.start_date || p.start_date <= to) && (!p.end_date || p.end_date >= from);
  const window = programs.filter((p) => p.category === 'prevention' && active(p, '2026-01-01', '2026-03-31')).map((p) => p.name).sort();
  assert.deepEqual((await all('/api/programs?category=prevention&from=2026-01-01&to=2026-03-31')).map((p) => p.name).sort(), window);
  const partnersOf = [...new Set(programs.filter((p) => p.category === 'reentry').map((p) => p.partner))].sort();
  assert.deepEqual((await all('/api/partners?category=reentry')).map((p) => p.name).sort(), partnersOf);
});

test('bad filter values are 400 with the parameter named', async () => {
  const cases = [
    ['/api/events?from=2026-02-30', /from/], ['/api/events?to=yesterday', /to/],
    ['/api/events?from=2026-05-01&to=2026-04-01', /after/], ['/api/events?category=Bad!', /category/],
    ['/api/events?category=gardening', /no category named gardening/], ['/api/events?bbox=1,2,3', /bbox/],
    ['/api/events?bbox=10,10,5,20', /bbox/], ['/api/events?neighborhood=N999', /no neighborhood/],
    ['/api/events?partner=abc', /partner/], ['/api/events?program=999999', /no program/],
    ['/api/partners?bbox=1,2,3,4', /unknown parameter 'bbox'/], ['/api/events?colour=red', /unknown parameter/],
    ['/api/events/1?limit=2', /unknown parameter/],
  ];
  for (const [path, message] of cases) {
    const r = await api(url(path));
    assert.equal(r.status, 400, path);
    assert.match(r.json.error.message, message, path);
  }
});

// ---- sensitive sites ------------------------------------------------------------

test('sensitive sites: no public answer holds their location; counted per neighborhood; a token shows them', async () => {
  assert.equal(sensitive.length, 5);
  const near = (text) => coordinatePairs(text).filter((p) => sensitive.some((s) => meters(p, [+s.lon, +s.lat]) < 1));
  const secret = (text) => sensitive.filter((s) => text.includes(s.name) || text.includes(s.address));
  const paths = ['/api/sites', `/api/sites?limit=${MAX_PAGE}`, '/api/events?limit=500', '/api/programs', '/api/partners', '/api/categories'];
  for (const s of sensitive) {
    const d = 0.0005;
    paths.push(`/api/sites?bbox=${+s.lon - d},${+s.lat - d},${+s.lon + d},${+s.lat + d}`);
    paths.push(`/api/sites?neighborhood=${neighborhoodOf(+s.lon, +s.lat)}`);
    paths.push(`/api/sites?category=${encodeURIComponent(s.category)}`);
  }
  const ids = sql(db, "SELECT id FROM sites WHERE sensitive ORDER BY id").map((r) => r[0]);
  for (const id of ids) paths.push(`/api/sites/${id}`);
  for (const path of paths) {
    const r = await api(url(path));
    assert.ok(r.status === 200 || r.status === 404, path);
    assert.deepEqual(near(r.text), [], `${path} holds a sensitive site's coordinates`);
    assert.deepEqual(secret(r.text).map((s) => s.name), [], `${path} names a sensitive site`);
  }
  for (const id of ids) assert.equal((await api(url(`/api/sites/${id}`))).status, 404);

  // Counted per neighborhood, whole neighborhoods even for a tiny box.
  const list = await api(url(`/api/sites?limit=${MAX_PAGE}`));
  assert.equal(list.json.total, sites.length - sensitive.length);
  assert.equal(list.json.sensitive_sites.total, sensitive.length);
  const perNeighborhood = {};
  for (const s of sensitive) perNeighborhood[neighborhoodOf(+s.lon, +s.lat)] = (perNeighborhood[neighborhoodOf(+s.lon, +s.lat)] ?? 0) + 1;
  assert.deepEqual(Object.fromEntries(list.json.sensitive_sites.by_neighborhood.map((b) => [b.neighborhood.id, b.count])), perNeighborhood);
  const s = sensitive[0];
  const tiny = await api(url(`/api/sites?bbox=${+s.lon - 1e-5},${+s.lat - 1e-5},${+s.lon + 1e-5},${+s.lat + 1e-5}`));
  const nb = neighborhoodOf(+s.lon, +s.lat);
  assert.deepEqual(tiny.json.sensitive_sites.by_neighborhood.map((b) => [b.neighborhood.id, b.count]), [[nb, perNeighborhood[nb]]]);
  assert.equal(tiny.json.total, 0);

  // With a token: every site, sensitive ones where they are; answers are private.
  const privileged = await api(url(`/api/sites?limit=${MAX_PAGE}`), { token });
  assert.equal(privileged.json.total, sites.length);
  assert.equal(privileged.headers.get('cache-control'), 'private, no-store');
  for (const t of sensitive) {
    const item = privileged.json.items.find((i) => i.external_id === t.site_id);
    assert.equal(item.sensitive, true);
    assert.ok(meters(item.location.coordinates, [+t.lon, +t.lat]) < 0.05);
  }
  assert.equal((await api(url(`/api/sites/${ids[0]}`), { token })).status, 200);
});

// ---- injection -------------------------------------------------------------------

const INJECTIONS = [
  "' OR '1'='1", "1; DROP TABLE events; --", "'); DELETE FROM sites; --", '1 UNION SELECT token_hash FROM api_tokens',
  "N001' OR 'x'='x", '$1', '1)::text; SELECT pg_sleep(10); --', '%00', '\\x27',
];

function snapshot() {
  return sql(db, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM sites), (SELECT count(*) FROM programs),
                         (SELECT count(*) FROM partners), (SELECT count(*) FROM categories), (SELECT count(*) FROM api_tokens),
                         (SELECT md5(string_agg(id || title || category || starts_at, ',' ORDER BY id)) FROM events),
                         (SELECT md5(string_agg(id || name || coalesce(category, ''), ',' ORDER BY id)) FROM sites)`)[0];
}

test('SQL injection strings in every parameter get 400 or 404, never 500, and change nothing', async () => {
  const before = snapshot();
  const params = {
    sites: ['bbox', 'from', 'to', 'category', 'neighborhood', 'partner', 'program', 'limit', 'offset'],
    events: ['bbox', 'from', 'to', 'category', 'neighborhood', 'partner', 'program', 'limit', 'offset'],
    programs: ['from', 'to', 'category', 'neighborhood', 'partner', 'limit', 'offset'],
    partners: ['category', 'limit', 'offset'],
    categories: ['limit', 'offset'],
  };
  for (const [collection, names] of Object.entries(params)) {
    for (const inj of INJECTIONS) {
      for (const name of [...names, `${inj}`]) {
        const r = await api(url(`/api/${collection}?${encodeURIComponent(name)}=${encodeURIComponent(inj)}`));
        assert.equal(r.status, 400, `/api/${collection}?${name}=${inj}: ${r.status} ${r.text}`);
      }
      const item = await api(url(`/api/${collection}/${encodeURIComponent(inj)}`));
      assert.equal(item.status, 404, `/api/${collection}/${inj}`);
      for (const method of ['PATCH', 'DELETE']) {
        const w = await api(url(`/api/${collection}/${encodeURIComponent(inj)}`), { method, token, body: method === 'PATCH' ? {} : undefined });
        assert.equal(w.status, 404, `${method} /api/${collection}/${inj}`);
      }
    }
  }
  // Typed body fields refuse them by name.
  for (const inj of INJECTIONS) {
    const r = await api(url('/api/events'), {
      method: 'POST', token,
      body: { title: 't', category: inj, starts_at: inj, program_id: inj, location: lonlat(...P1) },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(Object.keys(r.json.error.fields).sort(), ['category', 'program_id', 'starts_at']);
  }
  assert.deepEqual(snapshot(), before);
  // Free text is stored as written, verbatim.
  for (const inj of INJECTIONS) {
    const r = await api(url('/api/partners'), { method: 'POST', token, body: { name: `Partner ${inj}`, kind: 'faith' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, `Partner ${inj}`);
    assert.equal(sql(db, `SELECT name FROM partners WHERE id = ${r.json.id}`)[0][0], `Partner ${inj}`);
    assert.equal((await api(url(`/api/partners/${r.json.id}`), { method: 'DELETE', token })).status, 204);
  }
  assert.deepEqual(snapshot(), before);
});

// ---- concurrent writers -------------------------------------------------------------

test('8 clients creating 500 events each lose nothing: every 201 is in the database', { timeout: 240_000 }, async () => {
  const before = count('events');
  const started = Date.now();
  const clients = await Promise.all(Array.from({ length: 8 }, async (_, c) => {
    const ids = [];
    for (let i = 0; i < 500; i++) {
      const r = await api(url('/api/events'), {
        method: 'POST', token,
        body: {
          title: `Load ${c}-${i}`, category: 'prevention', starts_at: '2026-05-01T12:00:00Z',
          location: lonlat(-86.85 + c * 0.01, 33.47 + i * 0.0002), source: 'load-test', external_id: `${c}-${i}`,
        },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.id);
    }
    return ids;
  }));
  const seconds = (Date.now() - started) / 1000;
  const answered = clients.flat().sort((a, b) => a - b);
  assert.equal(answered.length, 4000);
  assert.equal(new Set(answered).size, 4000);
  const stored = sql(db, "SELECT id FROM events WHERE source = 'load-test' ORDER BY id").map((r) => Number(r[0]));
  assert.deepEqual(stored, answered);
  assert.equal(count('events'), before + 4000);
  // Each client's titles landed with the ids it was given.
  const [[mismatch]] = sql(db, "SELECT count(*) FROM events WHERE source = 'load-test' AND title <> 'Load ' || external_id");
  assert.equal(mismatch, '0');
  assert.ok(seconds < 180, `4,000 POSTs took ${seconds} s`);
  console.log(`# 4000 concurrent POSTs in ${seconds.toFixed(1)} s`);
});
