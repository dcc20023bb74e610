// The database pool's reserved lane: map requests (tiles, coverage, reads)
// may hold at most --pool-size minus --pool-reserve connections, so however
// many of them are stuck waiting in PostgreSQL, a planner's write still gets
// a connection and is answered at once. Tiles are made to wait for real: a
// psql session holds an exclusive lock on the sites table, which every
// sites tile query needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, loadDemo, lonLatToTile, parity, parityOk, sql, startServer, freshDatabase } from './lib.mjs';
import { api } from './demo_points.mjs';
import { holdLock, lockWaiters, sleep } from './robust.mjs';

const db = freshDatabase('it_pool');
let server;
let token;

before(async () => {
  loadDemo(db);
  token = parityOk(db, ['token', 'create', 'pool-tester']).stdout.trim();
  server = await startServer(db, {
    args: ['--pool-size', '3', '--pool-reserve', '1', '--pool-wait', '15000',
      '--statement-timeout', '60000', '--cache-size', '0'],
  });
});
after(async () => server && (await server.stop()));

async function gauge(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
  assert.ok(m, `/metrics has ${name}`);
  return Number(m[1]);
}

async function until(what, check) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('--pool-reserve is in --help with its default and environment variable; bad values are refused', () => {
  const help = parity(null, ['serve', '--help']).stdout;
  assert.match(help, /--pool-reserve N/);
  assert.match(help, /PARITY_POOL_RESERVE/);
  assert.match(help, /default 2|\(2\)|= 2/);
  const bad = parity(db, ['serve', '--pool-reserve', '-1']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--pool-reserve/);
});

test('tiles stuck in the database leave the reserved connection to a write, which is answered at once', async () => {
  assert.equal(await gauge('parity_db_pool_reserved'), 1);
  const { x, y } = lonLatToTile(-86.8, 33.52, 14);
  // A new connection prepares every query, which would wait on the lock
  // below too: open all three first, while holding another table.
  const warm = await holdLock(db, 'events');
  const opening = [0, 1].map((dx) => get(`${server.url}/tiles/events/14/${x + dx}/${y}.geojson`));
  opening.push(api(`${server.url}/api/partners`, {
    method: 'POST', token, body: { name: 'Warm-up partner', kind: 'faith' },
  }));
  await until('three connections handed out', async () => (await gauge('parity_db_pool_in_use')) === 3);
  await warm.release();
  for (const r of await Promise.all(opening)) assert.ok([200, 201].includes(r.status), r.text);

  const lock = await holdLock(db, 'sites');
  let tiles;
  try {
    // Three distinct tiles (no single-flight sharing) for two bulk slots.
    tiles = [0, 1, 2].map((dx) => get(`${server.url}/tiles/sites/14/${x + dx}/${y}.geojson`));
    await until('two tile queries waiting on the lock', () => lockWaiters(db) === 2);
    // The third tile waits in the pool although a connection is free: that
    // one is reserved.
    await until('a request waiting for the pool', async () => (await gauge('parity_db_pool_waiting')) === 1);
    assert.equal(await gauge('parity_db_pool_in_use_bulk'), 2);
    assert.equal(lockWaiters(db), 2, 'the third tile did not take the reserved connection');

    const before = Number(sql(db, 'SELECT count(*) FROM partners')[0][0]);
    const write = await api(`${server.url}/api/partners`, {
      method: 'POST', token, body: { name: 'Reserved lane partner', kind: 'faith' },
    });
    assert.equal(write.status, 201, write.text);
    // Answered after COMMIT: the row is there while the tiles still wait.
    assert.equal(Number(sql(db, 'SELECT count(*) FROM partners')[0][0]), before + 1);
    assert.equal(lockWaiters(db), 2);
  } finally {
    await lock.release();
  }
  const answers = await Promise.all(tiles);
  for (const r of answers) assert.equal(r.status, 200, r.text);
});
