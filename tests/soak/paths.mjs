// Writes the soak's request paths, one a line, to the file given: tiles of
// every layer at zooms 10-16 over the extent the server's TileJSON reports
// (so they hold data), the TileJSON documents, /healthz, and API reads of
// every collection the server has. Usage: node paths.mjs URL FILE
import fs from 'node:fs';

const [url, file] = process.argv.slice(2);
const lonLatToTile = (lon, lat, z) => {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
};
const paths = [];
const layers = ['neighborhoods', 'sites', 'events'];
for (const layer of layers) {
  const r = await fetch(`${url}/tiles/${layer}.json`);
  if (r.status !== 200) continue;
  const tj = await r.json();
  const [w, s, e, n] = tj.bounds;
  paths.push(`/tiles/${layer}.json`);
  for (let z = 10; z <= 16; z++) {
    const [x0, y0] = lonLatToTile(w, n, z);
    const [x1, y1] = lonLatToTile(e, s, z);
    // At most 40 tiles a zoom, spread over the extent.
    const all = [];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) all.push([x, y]);
    const step = Math.max(1, Math.floor(all.length / 40));
    for (let i = 0; i < all.length; i += step) paths.push(`/tiles/${layer}/${z}/${all[i][0]}/${all[i][1]}.geojson`);
  }
}
for (const collection of ['sites', 'events', 'programs', 'partners']) {
  const r = await fetch(`${url}/api/${collection}?limit=20`);
  if (r.status === 200) {
    paths.push(`/api/${collection}?limit=20`, `/api/${collection}?limit=50&offset=20`);
  }
}
paths.push('/healthz');
fs.writeFileSync(file, paths.join('\n') + '\n');
console.log(`${paths.length} paths`);
