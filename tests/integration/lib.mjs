// Helpers for the integration tests: each test file gets a database of its
// own inside the private test cluster (PARITY_TEST_DB names the cluster's
// `parity` database), runs the real `parity` binary against it, and speaks
// HTTP to a real `parity serve` on a free port.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.PARITY_BIN || path.join(ROOT, 'build', 'parity');
export const WEB_ROOT = process.env.PARITY_WEB_ROOT || path.join(ROOT, 'build', 'web');
export const SHARED = process.env.PARITY_SHARED_DATA || path.resolve(ROOT, '..', 'shared', 'data');
export const DEMO = path.join(ROOT, 'data', 'demo');
const CLUSTER = process.env.PARITY_TEST_DB;

/** The conninfo of database `name` in the test cluster. */
export function conninfo(name) {
  if (!CLUSTER) throw new Error('PARITY_TEST_DB is not set (run the tests with make test)');
  return CLUSTER.replace(/dbname=\S+/, `dbname=${name}`);
}

/** Runs SQL with psql; returns the rows as arrays of strings (unaligned, tab-separated). */
export function sql(db, query, params = {}) {
  const args = [db, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1'];
  for (const [k, v] of Object.entries(params)) args.push('-v', `${k}=${v}`);
  const out = execFileSync('psql', [...args, '-c', query], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** A fresh, migrated database named after the test file; returns its conninfo. */
export function freshDatabase(name, { migrate = true } = {}) {
  const safe = name.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  sql(conninfo('parity'), `DROP DATABASE IF EXISTS ${safe} WITH (FORCE)`);
  sql(conninfo('parity'), `CREATE DATABASE ${safe}`);
  const db = conninfo(safe);
  if (migrate) {
    const r = parity(db, ['db', 'migrate']);
    if (r.status !== 0) throw new Error(`migrate failed: ${r.stderr}`);
  }
  return db;
}

/** Runs the parity binary; returns {status, stdout, stderr}. */
export function parity(db, args, opts = {}) {
  const r = spawnSync(BIN, db ? ['--db', db, ...args] : args, {
    encoding: 'utf8',
    timeout: opts.timeout ?? 300_000,
    env: { ...process.env, ...(opts.env || {}) },
    input: opts.input,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** Runs parity and throws with its stderr unless it exits 0. */
export function parityOk(db, args, opts) {
  const r = parity(db, args, opts);
  if (r.status !== 0) throw new Error(`parity ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

/** Loads the demo city into db (the same script `make run` uses). */
export function loadDemo(db) {
  execFileSync(path.join(ROOT, 'scripts', 'load-demo.sh'), [db], {
    encoding: 'utf8',
    env: { ...process.env, PARITY_BIN: BIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Servers still running when the test file's process exits (a test that
// failed before stopping its server) are killed with it, so none outlives
// its file (tests/run.sh runs node with --test-force-exit).
const running = new Set();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

/**
 * Starts `parity serve` on a free port; resolves once /healthz answers.
 * Returns {url, port, proc, log(), stop()}.
 */
export async function startServer(db, { args = [], env = {}, logFile, detached = false } = {}) {
  const port = await freePort();
  const out = logFile ? fs.openSync(logFile, 'a') : 'pipe';
  const proc = spawn(
    BIN,
    ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web-root', WEB_ROOT, ...args],
    { stdio: ['ignore', out, out], env: { ...process.env, ...env }, detached },
  );
  // A detached server is meant to outlive this process (demo-server.mjs
  // starts the browser tests' server and exits): not killed with it.
  if (!detached) {
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
  }
  let log = '';
  if (!logFile) {
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`parity serve exited ${proc.exitCode}: ${log}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`parity serve did not answer on ${url}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    proc,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      return new Promise((resolve) => {
        proc.once('exit', (code) => resolve(code));
        proc.kill(signal);
      });
    },
  };
}

/** GETs a URL; returns {status, headers, text, json?}. */
export async function get(url, headers = {}) {
  const r = await fetch(url, { headers });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, headers: r.headers, text, json };
}

/** Runs ogrinfo/ogr2ogr-style GDAL tools; returns stdout. */
export function gdal(tool, args) {
  return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/** Web Mercator tile bounds in lon/lat, computed here from the published formulas. */
export function tileBounds(z, x, y) {
  const n = 2 ** z;
  const lon = (i) => (i / n) * 360 - 180;
  const lat = (j) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return { west: lon(x), east: lon(x + 1), north: lat(y), south: lat(y + 1) };
}

export function lonLatToTile(lon, lat, z) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}
