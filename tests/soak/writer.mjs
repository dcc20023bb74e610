// The soak's writer: API writes during the whole run, through the database
// restart, remembering what each was answered; then reads the database to
// check that every acknowledged write (201) is there.
//
//   node writer.mjs probe URL           exit 0 when the server takes writes
//   node writer.mjs run URL DB SECONDS OUT.json
// The token comes from SOAK_TOKEN. Each write is an event with a unique
// external_id (source 'soak-writer'); 4 writers, one request at a time each.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const [cmd, url, db, seconds, out] = process.argv.slice(2);
const token = process.env.SOAK_TOKEN;

if (cmd === 'probe') {
  const r = await fetch(`${url}/api/events?limit=1`).catch(() => null);
  process.exit(r && r.status === 200 && token ? 0 : 1);
}
if (cmd !== 'run') {
  console.error('usage: writer.mjs probe URL | run URL DB SECONDS OUT.json');
  process.exit(2);
}

const deadline = Date.now() + Number(seconds) * 1000;
const results = [];
let next = 0;
async function writer(w) {
  while (Date.now() < deadline) {
    const id = `soak-${process.pid}-${w}-${next++}`;
    const body = {
      title: `Soak write ${id}`,
      category: 'community engagement',
      starts_at: '2026-06-01T10:00:00Z',
      attendance: 5,
      location: { type: 'Point', coordinates: [-86.8 + (next % 100) * 0.001, 33.5 + (next % 77) * 0.001] },
      source: 'soak-writer',
      external_id: id,
    };
    const started = Date.now();
    try {
      const r = await fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      await r.arrayBuffer();
      results.push({ id, status: r.status, ms: Date.now() - started });
      if (r.status !== 201) await new Promise((res) => setTimeout(res, 50));
    } catch (e) {
      results.push({ id, status: 0, ms: Date.now() - started, error: String(e.cause?.code || e) });
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}
await Promise.all([0, 1, 2, 3].map(writer));

// The database is back by now (the soak restarts it at half time); wait
// for it, then read what is stored.
let stored;
for (let i = 0; ; i++) {
  try {
    stored = new Set(
      execFileSync('psql', [db, '-X', '-A', '-t', '-c', "SELECT external_id FROM events WHERE source = 'soak-writer'"], { encoding: 'utf8' })
        .split('\n').filter(Boolean),
    );
    break;
  } catch (e) {
    if (i > 60) throw e;
    await new Promise((res) => setTimeout(res, 500));
  }
}
const acknowledged = results.filter((r) => r.status === 201);
const refused = results.filter((r) => r.status >= 300 || (r.status > 0 && r.status < 200));
const unanswered = results.filter((r) => r.status === 0);
const summary = {
  attempted: results.length,
  acknowledged: acknowledged.length,
  acknowledged_missing: acknowledged.filter((r) => !stored.has(r.id)).length,
  refused: refused.length,
  refused_by_status: refused.reduce((m, r) => ((m[r.status] = (m[r.status] || 0) + 1), m), {}),
  refused_present: refused.filter((r) => stored.has(r.id)).length,
  unanswered: unanswered.length,
  unanswered_present: unanswered.filter((r) => stored.has(r.id)).length,
  unanswered_absent: unanswered.filter((r) => !stored.has(r.id)).length,
  failed_without_error: results.filter((r) => r.status >= 200 && r.status < 300 && r.status !== 201).length,
  stored_not_attempted: [...stored].filter((id) => !results.some((r) => r.id === id)).length,
  p99_ms: results.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(results.length * 0.99)] ?? 0,
};
fs.writeFileSync(out, JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
