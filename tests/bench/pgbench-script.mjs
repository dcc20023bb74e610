// Writes a pgbench script that runs a tile query of sql/queries for a
// uniformly random tile of the benchmark's list, exactly as parity runs it
// (with -M prepared the query is a prepared statement with the same five
// parameters). The tile is chosen by a balanced tree of \if on a random
// index, so choosing costs a few comparisons, not a table lookup.
//
// usage: node pgbench-script.mjs TILES_TSV QUERY_SQL MAX_FEATURES > script.sql
import fs from 'node:fs';

const [tilesFile, queryFile, maxFeatures] = process.argv.slice(2);
if (!maxFeatures) {
  console.error('usage: node pgbench-script.mjs TILES_TSV QUERY_SQL MAX_FEATURES');
  process.exit(2);
}
const tiles = fs.readFileSync(tilesFile, 'utf8').trim().split('\n').map((l) => l.split('\t').slice(0, 4));
// $1..$5 become parameters as parity sends them; for layers with filters,
// $6..$8 (from, to, categories) and $9 (privileged) are what parity sends
// for a request without filters or token: NULL and false, written as
// literals because a pgbench variable cannot hold SQL NULL.
const names = ['z', 'x', 'y', 'decimals', 'max_features'];
const fixed = { 6: 'NULL', 7: 'NULL', 8: 'NULL', 9: 'false' };
const query = fs.readFileSync(queryFile, 'utf8')
  .split('\n').filter((l) => !/^\s*--/.test(l)).join('\n')
  .replace(/\$([1-9])\b/g, (_, n) => (n <= 5 ? `:${names[n - 1]}` : fixed[n]))
  .trim();

const out = [`\\set max_features ${Number(maxFeatures)}`, `\\set i random(0, ${tiles.length - 1})`];
function tree(lo, hi, depth) {
  const pad = '  '.repeat(depth);
  if (lo === hi) {
    const [z, x, y, d] = tiles[lo];
    out.push(`${pad}\\set z ${z}`, `${pad}\\set x ${x}`, `${pad}\\set y ${y}`, `${pad}\\set decimals ${d}`);
    return;
  }
  const mid = Math.floor((lo + hi) / 2);
  out.push(`${pad}\\if :i <= ${mid}`);
  tree(lo, mid, depth + 1);
  out.push(`${pad}\\else`);
  tree(mid + 1, hi, depth + 1);
  out.push(`${pad}\\endif`);
}
tree(0, tiles.length - 1, 0);
out.push(query.endsWith(';') ? query : `${query};`);
process.stdout.write(out.join('\n') + '\n');
