// Helpers for the API and point-tile tests: the demo city's partners,
// programs, sites and events loaded by plain SQL (psql \copy, not parity's
// importer), the same files read back through GDAL as the independent
// source of expected answers, point-in-polygon over the neighborhoods
// GeoJSON, and a small HTTP client for the JSON API.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO, gdal } from './lib.mjs';

export const NEIGHBORHOODS = path.join(DEMO, 'neighborhoods.geojson');

/** Loads data/demo partners, programs, sites and events into db with SQL. */
export function loadDemoPoints(db) {
  const file = (name) => path.join(DEMO, name).replace(/'/g, "''");
  const script = `
    CREATE TEMP TABLE p_in (name text, kind text);
    \\copy p_in FROM '${file('partners.csv')}' CSV HEADER
    INSERT INTO partners (name, kind) SELECT name, kind FROM p_in;
    CREATE TEMP TABLE pr_in (name text, partner text, category text, description text,
                             start_date date, end_date date);
    \\copy pr_in FROM '${file('programs.csv')}' CSV HEADER
    INSERT INTO programs (name, partner_id, category, description, start_date, end_date)
    SELECT i.name, p.id, i.category, i.description, i.start_date, i.end_date
    FROM pr_in i LEFT JOIN partners p ON p.name = i.partner;
    CREATE TEMP TABLE s_in (site_id text, name text, program text, category text, address text,
                            capacity int, sensitive bool, lon float8, lat float8);
    \\copy s_in FROM '${file('sites.csv')}' CSV HEADER
    INSERT INTO sites (name, program_id, category, address, capacity, sensitive, geom,
                       source, external_id)
    SELECT i.name, p.id, i.category, i.address, i.capacity, i.sensitive,
           ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326), 'demo', i.site_id
    FROM s_in i LEFT JOIN programs p ON p.name = i.program;
    CREATE TEMP TABLE e_in (event_id text, title text, program text, partner text, category text,
                            start_time timestamptz, end_time timestamptz, attendance int,
                            youth_attendance int, hours numeric, lon float8, lat float8);
    \\copy e_in FROM '${file('events.csv')}' CSV HEADER
    INSERT INTO events (title, program_id, partner_id, category, starts_at, ends_at, attendance,
                        youth_attendance, hours, geom, source, external_id)
    SELECT i.title, p.id, pa.id, i.category, i.start_time, i.end_time, i.attendance,
           i.youth_attendance, i.hours, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326),
           'demo', i.event_id
    FROM e_in i LEFT JOIN programs p ON p.name = i.program
    LEFT JOIN partners pa ON pa.name = i.partner;`;
  execFileSync('psql', [db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], {
    input: script,
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
}

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
