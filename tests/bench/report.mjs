// Prints the benchmark's results as Markdown: per server the median of its
// rounds (and their spread); per comparison the median of the round-by-round
// ratios (round r of one side ran right after round r of the other, so each
// ratio compares two runs under the same conditions); and the observations
// that are not rates (memory, the 100-client stampede).
// usage: node report.mjs RESULTS_TSV NOTES_TSV MACHINE_MD
import fs from 'node:fs';

const [resultsFile, notesFile, machineFile] = process.argv.slice(2);
const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
const rounds = lines(resultsFile).map(([dataset, name, format, round, rps, p50, p99, errors, bytes, cpu]) => ({
  dataset, name, format, round: Number(round), rps: Number(rps), p50: Number(p50), p99: Number(p99),
  errors: Number(errors), bytes: bytes === '' ? null : Number(bytes), cpu: cpu ? Number(cpu) : null,
}));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

// Group the rounds of each (dataset, server, format); the median round by
// requests/s stands for the group.
const groups = new Map();
for (const r of rounds) {
  const key = `${r.dataset}\t${r.name}\t${r.format}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const summary = [...groups.values()].map((rs) => {
  const sorted = [...rs].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  const cpus = rs.map((r) => r.cpu).filter((c) => c !== null);
  return {
    ...middle,
    rounds: rs,
    cpu: cpus.length ? Number(median(cpus).toFixed(1)) : null,
    n: rs.length,
    min: sorted[0].rps,
    max: sorted.at(-1).rps,
    errors: rs.reduce((n, r) => n + r.errors, 0),
  };
});
const find = (dataset, name, format) => summary.find((r) => r.dataset === dataset && r.name === name && r.format === format);

const out = ['## Conditions', '', fs.readFileSync(machineFile, 'utf8').trim(), '', '## Results', ''];
out.push('| data | server | format | requests/s (median) | rounds: min-max | p50 ms | p99 ms | errors | bytes/answer | server CPU µs/answer |');
out.push('|---|---|---|---:|---|---:|---:|---:|---:|---:|');
for (const r of summary) {
  out.push(`| ${r.dataset} | ${r.name} | ${r.format} | ${r.rps} | ${r.n}: ${r.min}-${r.max} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.bytes ?? ''} | ${r.cpu ?? ''} |`);
}

// The median of round-by-round ratios a/b (pairs of adjacent runs), and
// their spread.
function ratio(a, b) {
  if (!a || !b) return null;
  const rs = a.rounds.map((ra) => {
    const rb = b.rounds.find((x) => x.round === ra.round);
    return rb && rb.rps ? ra.rps / rb.rps : null;
  }).filter((x) => x !== null);
  if (!rs.length) return null;
  return `${median(rs).toFixed(2)} (${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)})`;
}
out.push('', '## Ratios (median of round-by-round ratios, and their range)', '',
  '| data | comparison | format | ratio | goal |', '|---|---|---|---:|---|');
for (const dataset of [...new Set(summary.map((r) => r.dataset))]) {
  for (const format of ['geojson', 'mvt']) {
    const warm = find(dataset, 'parity, warm cache', format);
    const nginx = find(dataset, 'nginx, static files', format);
    const off = find(dataset, 'parity, cache off', format);
    const pgb = find(dataset, 'pgbench, same SQL', format);
    // MapServer serving the same properties as parity's tiles is the
    // comparison; with 3 fields it is the reference of earlier runs (less
    // work than parity does, so not held to the goal).
    const msName = format === 'mvt' ? 'MapServer 8, MVT' : 'MapServer 8, OGC API Features';
    const ms = find(dataset, `${msName}, same properties`, format);
    const msBasic = find(dataset, `${msName}, 3 fields (reference)`, format);
    if (warm && nginx) {
      out.push(`| ${dataset} | parity warm cache / nginx static files | ${format} | ${ratio(warm, nginx)} | >= 0.8 |`);
      if (warm.cpu && nginx.cpu)
        out.push(`| ${dataset} | CPU per answer: nginx / parity (1 = as lean as nginx) | ${format} | ${(nginx.cpu / warm.cpu).toFixed(2)} | |`);
    }
    if (off && pgb) out.push(`| ${dataset} | parity cache off / pgbench, same SQL | ${format} | ${ratio(off, pgb)} | >= 0.9 |`);
    // The database with as many connections as parity's pool: where
    // parity's lead over pgbench comes from, when it has one.
    const pgbPool = find(dataset, "pgbench, same SQL, parity's pool concurrency", format);
    if (off && pgbPool) out.push(`| ${dataset} | parity cache off / pgbench, same SQL, parity's pool concurrency (reference) | ${format} | ${ratio(off, pgbPool)} | |`);
    if (off && ms) out.push(`| ${dataset} | parity cache off / ${ms.name} | ${format} | ${ratio(off, ms)} | >= 3 |`);
    if (warm && ms) out.push(`| ${dataset} | parity warm cache / ${ms.name} | ${format} | ${(warm.rps / ms.rps).toFixed(2)} (medians) | >= 3 |`);
    if (off && msBasic) out.push(`| ${dataset} | parity cache off / ${msBasic.name}: parity does more work here | ${format} | ${ratio(off, msBasic)} | |`);
  }
}

out.push('', '## Other observations', '');
for (const [dataset, what, text] of lines(notesFile)) out.push(`- ${dataset}, ${what}: ${text}`);
process.stdout.write(out.join('\n') + '\n');
