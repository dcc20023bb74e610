// Fetching and checking a TileJSON 3.0.0 document.

/**
 * Resolve a tile URL template against the TileJSON document's URL (relative
 * templates are relative to the TileJSON, as the spec says). `new URL()`
 * would percent-encode the `{z}`/`{x}`/`{y}` braces, so they are swapped for
 * plain tokens while resolving and put back afterwards.
 * @param {string} template e.g. "/tiles/neighborhoods/{z}/{x}/{y}.geojson"
 * @param {string} base absolute URL of the TileJSON document
 * @returns {string}
 */
export function resolveTileTemplate(template, base) {
  const placeholders = [];
  const guarded = template.replace(/\{[^{}]*\}/g, (m) => {
    placeholders.push(m);
    return `__parity_ph_${placeholders.length - 1}__`;
  });
  const href = new URL(guarded, base).href;
  return href.replace(/__parity_ph_(\d+)__/g, (_, i) => placeholders[Number(i)]);
}

/**
 * @typedef {Object} TileJSON
 * @property {string[]} tiles absolute tile URL templates
 * @property {number} minzoom
 * @property {number} maxzoom
 * @property {number[]|undefined} bounds [west, south, east, north] in degrees
 * @property {number[]|undefined} center [lon, lat, zoom]
 */

/**
 * Fetch a TileJSON document, validate the parts the page uses, and resolve
 * its tile templates to absolute URLs.
 * @param {string} url
 * @returns {Promise<TileJSON>}
 */
export async function loadTileJSON(url) {
  const absolute = new URL(url, document.baseURI).href;
  const response = await fetch(absolute, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  const doc = await response.json();
  if (!doc || !Array.isArray(doc.tiles) || doc.tiles.length === 0 ||
      !doc.tiles.every((t) => typeof t === 'string')) {
    throw new Error(`${url}: no "tiles" URL templates`);
  }
  const zoom = (v, fallback) => (Number.isFinite(v) ? Math.max(0, Math.min(30, v)) : fallback);
  const bounds = Array.isArray(doc.bounds) && doc.bounds.length === 4 &&
    doc.bounds.every(Number.isFinite) && doc.bounds[0] < doc.bounds[2] && doc.bounds[1] < doc.bounds[3]
    ? doc.bounds : undefined;
  const center = Array.isArray(doc.center) && doc.center.length >= 2 &&
    doc.center.every(Number.isFinite) ? doc.center : undefined;
  return {
    ...doc,
    tiles: doc.tiles.map((t) => resolveTileTemplate(t, absolute)),
    minzoom: zoom(doc.minzoom, 0),
    maxzoom: zoom(doc.maxzoom, 22),
    bounds,
    center,
  };
}
