// Prints the benchmark's results as Markdown: per comparison the median of
// its rounds (and their spread), the ratios the goals are about, and the
// observations that are not rates (memory, the 100-client stampede).
// usage: node report.mjs RESULTS_TSV NOTES_TSV MACHINE_MD
import fs from 'node:fs';

const [resultsFile, notesFile, machineFile] = process.argv.slice(2);
const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
const rounds = lines(resultsFile).map(([dataset, name, format, round, rps, p50, p99, errors, bytes]) => ({
  dataset, name, format, round: Number(round), rps: Number(rps), p50: Number(p50), p99: Number(p99),
  errors: Number(errors), bytes: bytes === '' ? null : Number(bytes),
}));

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
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...median,
    n: rs.length,
    min: sorted[0].rps,
    max: sorted.at(-1).rps,
    errors: rs.reduce((n, r) => n + r.errors, 0),
  };
});
const find = (dataset, name, format) => summary.find((r) => r.dataset === dataset && r.name === name && r.format === format);

const out = ['## Conditions', '', fs.readFileSync(machineFile, 'utf8').trim(), '', '## Results', ''];
out.push('| data | server | format | requests/s (median) | rounds: min-max | p50 ms | p99 ms | errors | bytes/answer |');
out.push('|---|---|---|---:|---|---:|---:|---:|---:|');
for (const r of summary) {
  out.push(`| ${r.dataset} | ${r.name} | ${r.format} | ${r.rps} | ${r.n}: ${r.min}-${r.max} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.bytes ?? ''} |`);
}

const ratio = (a, b) => (a && b && b.rps ? (a.rps / b.rps).toFixed(2) : 'n/a');
out.push('', '## Ratios (of medians)', '', '| data | comparison | format | ratio | goal |', '|---|---|---|---:|---|');
for (const dataset of [...new Set(summary.map((r) => r.dataset))]) {
  for (const format of ['geojson', 'mvt']) {
    const warm = find(dataset, 'parity, warm cache', format);
    const nginx = find(dataset, 'nginx, static files', format);
    const off = find(dataset, 'parity, cache off', format);
    const pgb = find(dataset, 'pgbench, same SQL', format);
    const ms = find(dataset, format === 'mvt' ? 'MapServer 8, MVT' : 'MapServer 8, OGC API Features', format);
    if (warm && nginx) out.push(`| ${dataset} | parity warm cache / nginx static files | ${format} | ${ratio(warm, nginx)} | >= 0.8 |`);
    if (off && pgb) out.push(`| ${dataset} | parity cache off / pgbench, same SQL | ${format} | ${ratio(off, pgb)} | >= 0.9 |`);
    if (off && ms) out.push(`| ${dataset} | parity cache off / ${ms.name} | ${format} | ${ratio(off, ms)} | >= 3 |`);
    if (warm && ms) out.push(`| ${dataset} | parity warm cache / ${ms.name} | ${format} | ${ratio(warm, ms)} | >= 3 |`);
  }
}

out.push('', '## Other observations', '');
for (const [dataset, what, text] of lines(notesFile)) out.push(`- ${dataset}, ${what}: ${text}`);
process.stdout.write(out.join('\n') + '\n');
