// Helpers for the API and point-tile tests: the demo city's files read
// through GDAL as the independent source of expected answers,
// point-in-polygon over the neighborhoods GeoJSON, and a small HTTP client
// for the JSON API.
import fs from 'node:fs';
import path from 'node:path';
import { DEMO, gdal } from './lib.mjs';

export const NEIGHBORHOODS = path.join(DEMO, 'neighborhoods.geojson');

/** The rows of data/demo/NAME.csv, read by GDAL: an array of property objects (strings). */
export function demoRows(name) {
  const json = gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', path.join(DEMO, `${name}.csv`)]);
  return JSON.parse(json).features.map((f) => f.properties);
}

/** The UTC calendar day (YYYY-MM-DD) of an ISO 8601 time with offset. */
export const utcDay = (iso) => new Date(iso).toISOString().slice(0, 10);

function inRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inGeometry(lon, lat, g) {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polygons.some((rings) => inRing(lon, lat, rings[0]) && !rings.slice(1).some((r) => inRing(lon, lat, r)));
}

let neighborhoods;
/** The nbhd_id of the demo neighborhood holding (lon, lat) by ray casting, or null. */
export function neighborhoodOf(lon, lat) {
  neighborhoods ??= JSON.parse(fs.readFileSync(NEIGHBORHOODS, 'utf8')).features;
  const hit = neighborhoods.find((f) => inGeometry(lon, lat, f.geometry));
  return hit ? hit.properties.nbhd_id : null;
}

/** Calls the API: {status, headers, text, json}. body is JSON-encoded. */
export async function api(url, { method = 'GET', body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  if (token) h.authorization = `Bearer ${token}`;
  const r = await fetch(url, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, headers: r.headers, text, json };
}

/** Every [x, y] number pair in text (GeoJSON coordinates, wherever they are). */
export function coordinatePairs(text) {
  const num = '(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)';
  const re = new RegExp(`\\[\\s*${num}\\s*,\\s*${num}\\s*\\]`, 'g');
  return [...text.matchAll(re)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Distance in meters between two lon/lat points (equirectangular; fine at 1 m scale). */
export function meters([lon1, lat1], [lon2, lat2]) {
  const r = 6371008.8;
  const x = ((lon2 - lon1) * Math.PI) / 180 * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const y = ((lat2 - lat1) * Math.PI) / 180;
  return r * Math.hypot(x, y);
}
