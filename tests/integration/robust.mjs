// Helpers for the robustness tests (faults, limits, bad input, metrics):
// raw HTTP over a socket (for what fetch() cannot do: slow senders, huge
// headers, half-open connections), a private PostgreSQL cluster that a test
// may stop, freeze and restart without disturbing the others, a checksum
// of every table, and an independent parser of Prometheus' text format.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT, sql } from './lib.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `parts` (strings or Buffers) to 127.0.0.1:port, waiting `gapMs`
 * between them, then reads until the server closes or `timeoutMs` passes.
 * Resolves {status, headers, body, raw, closed, error, ms, sent}: closed is
 * true when the server ended the connection, sent how many parts went out.
 */
export function rawHttp(port, parts, { gapMs = 0, timeoutMs = 10_000, keepOpen = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let error = null;
    let closed = false;
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = raw.match(/^HTTP\/1\.[01] (\d{3})/);
      const split = raw.indexOf('\r\n\r\n');
      const headers = {};
      if (split > 0) {
        for (const line of raw.slice(0, split).split('\r\n').slice(1)) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
      }
      const body = split > 0 ? Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8') : '';
      if (!keepOpen) sock.destroy();
      resolve({ status: m ? Number(m[1]) : null, headers, body, raw, closed, error, ms: Date.now() - started, sent, sock });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e) => {
      error = e.code || String(e);
      closed = true;
      finish();
    });
    sock.on('end', () => {
      closed = true;
      finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('connect', async () => {
      for (const p of parts) {
        if (done || sock.destroyed) break;
        sock.write(p);
        sent++;
        if (gapMs) await sleep(gapMs);
      }
    });
  });
}

/** Opens a TCP connection and resolves once it is connected (or failed). */
export function openSocket(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => resolve({ sock, error: null }));
    sock.on('error', (e) => resolve({ sock, error: e.code || String(e) }));
  });
}

const PG = path.join(ROOT, 'scripts', 'pg.sh');

/**
 * A PostgreSQL cluster of its own (scripts/pg.sh instance `name`), so a test
 * can stop, freeze and restart it. Returns {conninfo, stop(), start(),
 * freeze(), thaw(), destroy()}.
 */
export function privateCluster(name) {
  execFileSync(PG, ['destroy', name], { stdio: 'ignore' });
  const conninfo = execFileSync(PG, ['start', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n')
    .pop();
  const dataDir = path.join(ROOT, 'var', 'pg', name, 'data');
  // The postmaster and every process it started (by parent pid, from /proc).
  const pids = () => {
    const master = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === master) children.push(Number(entry));
      } catch {}
    }
    return [master, ...children];
  };
  let frozen = [];
  return {
    conninfo,
    stop: () => execFileSync(PG, ['stop', name], { stdio: 'ignore' }),
    start: () => execFileSync(PG, ['start', name], { stdio: 'ignore' }),
    /** SIGSTOP the whole cluster: it accepts connections but never answers. */
    freeze() {
      frozen = pids();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {}
      }
      frozen = [];
    },
    destroy() {
      this.thaw();
      execFileSync(PG, ['destroy', name], { stdio: 'ignore' });
    },
  };
}

/**
 * A checksum of every row of every table of the public schema and, unless
 * {sequences: false}, of the sequences (which advance even in a transaction
 * that rolls back, so a killed import may move them without changing data).
 */
export function dbChecksum(db, { sequences = true } = {}) {
  const tables = sql(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").map((r) => r[0]);
  const out = {};
  const query = tables
    .map((t) => `SELECT '${t}', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${t}" x`)
    .join(' UNION ALL ');
  for (const [t, n, sum] of sql(db, query)) out[t] = `${n}:${sum}`;
  if (sequences) {
    for (const [seq, value] of sql(db, "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")) {
      out[`seq:${seq}`] = value;
    }
  }
  return out;
}

/**
 * Parses Prometheus' text exposition format (version 0.0.4) into
 * {types: {family: type}, samples: [{name, labels, value}]}, checking the
 * grammar as it goes (throws on a malformed line).
 */
export function parsePrometheus(text) {
  const types = {};
  const helps = {};
  const samples = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleRe = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
  const labelRe = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = line.match(new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`)))) {
      if (types[m[1]]) throw new Error(`TYPE given twice for ${m[1]}`);
      types[m[1]] = m[2];
      continue;
    }
    if ((m = line.match(new RegExp(`^# HELP (${name}) (.*)$`)))) {
      if (helps[m[1]]) throw new Error(`HELP given twice for ${m[1]}`);
      helps[m[1]] = m[2];
      continue;
    }
    if (line.startsWith('#')) continue;
    m = line.match(sampleRe);
    if (!m) throw new Error(`malformed sample line: ${line}`);
    const labels = {};
    let rest = m[2] ?? '';
    while (rest.length) {
      const l = rest.match(labelRe);
      if (!l) throw new Error(`malformed labels in: ${line}`);
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      rest = rest.slice(l[0].length);
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  // Every sample belongs to a declared family (histograms: _bucket/_sum/_count).
  for (const s of samples) {
    const family = s.name.replace(/_(bucket|sum|count)$/, '');
    if (!types[s.name] && !(types[family] === 'histogram')) throw new Error(`sample ${s.name} has no TYPE`);
  }
  return { types, samples };
}

/** The value of the sample `name` whose labels include `labels` (0 when absent). */
export function metricValue(parsed, name, labels = {}) {
  const hits = parsed.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hits.reduce((sum, s) => sum + s.value, 0);
}

/**
 * Holds `LOCK TABLE table IN ACCESS EXCLUSIVE MODE` in a psql session of its
 * own until release(): queries that read the table wait on it, which makes a
 * request as slow as the test wants without touching parity's code.
 */
export async function holdLock(db, table) {
  const { spawn } = await import('node:child_process');
  const psql = spawn('psql', [db, '-X', '-q', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  psql.stdout.on('data', (d) => (out += d));
  psql.stderr.on('data', (d) => (out += d));
  psql.stdin.write(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE;\n\\echo locked\n`);
  const deadline = Date.now() + 10_000;
  while (!out.includes('locked')) {
    if (Date.now() > deadline || psql.exitCode !== null) throw new Error(`could not lock ${table}: ${out}`);
    await sleep(20);
  }
  return {
    release() {
      return new Promise((resolve) => {
        psql.once('exit', resolve);
        psql.stdin.end('COMMIT;\n');
      });
    },
  };
}

/** How many sessions of `db` wait on a lock (for the lock-held tests). */
export function lockWaiters(db) {
  return Number(sql(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")[0][0]);
}
