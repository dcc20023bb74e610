// An index of every neighborhood: id, name and extent, for the search box and
// for "zoom to this neighborhood" from the ranking table, wherever the map
// is looking. Built once from the few neighborhood tiles that cover the
// city's bounds at a low zoom (the same tiles the map reads, so the same
// names and shapes), independent of the analysis endpoints.

import GeoJSON from 'ol/format/GeoJSON.js';
import { createEmpty, extend, isEmpty } from 'ol/extent.js';
import { createXYZ } from 'ol/tilegrid.js';
import { transformExtent } from 'ol/proj.js';

const MAX_TILES = 9;

/**
 * @param {import('./tilejson.js').TileJSON} tj the neighborhoods' TileJSON
 * @param {string[]} templates tile URL templates to read (the map's, with
 *   its filters, so the browser may answer from its cache)
 * @param {AbortSignal} [signal]
 * @returns {Promise<Map<string, {id: string, name: string, extent: number[]}>>}
 */
export async function buildNeighborhoodIndex(tj, templates, signal) {
  const bounds = tj.bounds || [-180, -85, 180, 85];
  const extent = transformExtent(bounds, 'EPSG:4326', 'EPSG:3857');
  const grid = createXYZ({ tileSize: 256, maxZoom: tj.maxzoom, minZoom: tj.minzoom });
  let z = tj.minzoom;
  for (let cand = tj.minzoom; cand <= Math.min(tj.maxzoom, 16); cand++) {
    const r = grid.getTileRangeForExtentAndZ(extent, cand);
    if (r.getWidth() * r.getHeight() > MAX_TILES) break;
    z = cand;
  }
  const range = grid.getTileRangeForExtentAndZ(extent, z);
  const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
  const template = templates[0];
  const urls = [];
  for (let x = range.minX; x <= range.maxX; x++) {
    for (let y = range.minY; y <= range.maxY; y++) {
      urls.push(template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
    }
  }
  const texts = await Promise.all(urls.map(async (url) => {
    const res = await fetch(url, { signal, headers: { Accept: 'application/geo+json, application/json' } });
    if (!res.ok) throw new Error(`${new URL(url).pathname}: HTTP ${res.status}`);
    return res.text();
  }));
  /** @type {Map<string, {id: string, name: string, extent: number[]}>} */
  const index = new Map();
  for (const text of texts) {
    for (const f of format.readFeatures(text)) {
      const id = f.get('id');
      if (id === undefined || id === null) continue;
      const key = String(id);
      if (!index.has(key)) {
        index.set(key, { id: key, name: String(f.get('name') ?? key), extent: createEmpty() });
      }
      const geom = f.getGeometry();
      if (geom) extend(index.get(key).extent, geom.getExtent());
    }
  }
  for (const [key, v] of index) if (isEmpty(v.extent)) index.delete(key);
  return index;
}
