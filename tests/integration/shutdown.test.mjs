// SIGTERM: stop accepting at once, let the request in flight finish, exit 0
// within a bounded time. The request is made slow by a lock the test holds
// on the table its query reads (no sleep injected into parity).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHARED, freshDatabase, parityOk, startServer } from './lib.mjs';
import { holdLock, lockWaiters, openSocket, sleep } from './robust.mjs';

const db = freshDatabase('it_shutdown');
before(() => parityOk(db, ['import', 'boundaries', '--quiet', path.join(SHARED, 'neighborhoods/atlanta.geojson')]));

const tile = (url) => `${url}/tiles/neighborhoods/12/1088/1638.geojson`;

function exited(proc) {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
}

async function waitForLockWaiters(n) {
  const deadline = Date.now() + 10_000;
  while (lockWaiters(db) < n) {
    if (Date.now() > deadline) throw new Error('the request never reached the lock');
    await sleep(20);
  }
}

test('SIGTERM: new connections are refused at once, the request in flight finishes, exit 0', async () => {
  const server = await startServer(db, { args: ['--shutdown-grace', '15000', '--statement-timeout', '20000'] });
  const lock = await holdLock(db, 'neighborhoods');
  let released = false;
  try {
    const inflight = fetch(tile(server.url)).then(async (r) => ({ status: r.status, body: await r.json() }));
    await waitForLockWaiters(1);
    const exit = exited(server.proc);
    server.proc.kill('SIGTERM');
    await sleep(300);
    const late = await openSocket(server.port);
    late.sock.destroy();
    assert.equal(late.error, 'ECONNREFUSED', 'a connection after SIGTERM is refused');
    await sleep(700);
    assert.equal(server.proc.exitCode, null, 'still running while its request waits');
    const releasedAt = Date.now();
    await lock.release();
    released = true;
    const answer = await inflight;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'FeatureCollection');
    assert.ok(answer.body.features.length > 0);
    const { code, signal, at } = await exit;
    assert.equal(signal, null);
    assert.equal(code, 0, `exit status; the server said:\n${server.log().slice(-3000)}`);
    assert.ok(at - releasedAt < 3000, `exited ${at - releasedAt} ms after its last request could finish`);
  } finally {
    if (!released) await lock.release();
    server.proc.kill('SIGKILL');
  }
});

test('SIGTERM with a request that outlasts the grace period: its connection is cut, exit 0 within grace + statement timeout', async () => {
  // Grace 500 ms; the query would give up at the statement timeout (4 s),
  // long after the grace (so a loaded machine cannot make it answer first).
  const server = await startServer(db, { args: ['--shutdown-grace', '500', '--statement-timeout', '4000'] });
  const lock = await holdLock(db, 'neighborhoods');
  try {
    const inflight = fetch(tile(server.url)).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      (e) => ({ error: e.cause?.code || String(e) }),
    );
    await waitForLockWaiters(1);
    const exit = exited(server.proc);
    const signalledAt = Date.now();
    server.proc.kill('SIGTERM');
    const answer = await inflight;
    // Past the grace the connection is closed: the client learns the
    // request did not complete (never a 200 with a cut body).
    assert.ok(answer.error, `expected a closed connection, got ${JSON.stringify(answer)}`);
    const cutAt = Date.now();
    assert.ok(cutAt - signalledAt >= 450 && cutAt - signalledAt < 3500, `cut after ${cutAt - signalledAt} ms`);
    const { code, at } = await exit;
    assert.equal(code, 0, `exit status; the server said:\n${server.log().slice(-3000)}`);
    // Bound: grace (0.5 s) + statement timeout (4 s) + the client's 2 s grace.
    assert.ok(at - signalledAt < 7500, `exited after ${at - signalledAt} ms`);
  } finally {
    await lock.release();
    server.proc.kill('SIGKILL');
  }
});

test('SIGINT stops it the same way, with nothing in flight at once', async () => {
  const server = await startServer(db);
  const exit = exited(server.proc);
  const at = Date.now();
  server.proc.kill('SIGINT');
  const { code, at: end } = await exit;
  assert.equal(code, 0, `exit status; the server said:\n${server.log().slice(-3000)}`);
  assert.ok(end - at < 2000, `took ${end - at} ms`);
});
