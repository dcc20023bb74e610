// Helpers for the browser tests: Debian's Chromium driven by playwright-core
// (no browser download), pages that record every request, console message
// and CSP violation, and geometry to find a point well inside a
// neighborhood from the server's own tiles (independent of the page).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(HERE, '..', 'artifacts');
const CHROMIUM = process.env.PARITY_CHROMIUM || '/usr/bin/chromium';
export const LAPTOP = { width: 1280, height: 800 };
export const TABLET = { width: 768, height: 1024 };
const READY_TIMEOUT_MS = 30_000;

/** The server under test. */
export function serverOrigin() {
  const base = process.env.PARITY_URL;
  assert.ok(base, 'PARITY_URL must name the running parity server, e.g. http://127.0.0.1:18080');
  return new URL(base).origin;
}

/** GET a JSON document from the server (not through the page). */
export async function getJSON(origin, pathAndQuery) {
  const res = await fetch(new URL(pathAndQuery, origin));
  const text = await res.text();
  assert.equal(res.status, 200, `GET ${pathAndQuery}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A Chromium with its own profile; `close()` removes the profile. */
export async function launch(viewport = LAPTOP) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Open a page of the server in a new tab, recording every request, console
 * error, page error, failed response and CSP violation, and wait until the
 * map says it is ready and everything has loaded.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} origin
 * @param {string} [pathAndQuery]
 * @param {{viewport?: {width: number, height: number}, stubPrint?: boolean}} [opts]
 *   stubPrint: replace window.print (the browser's print dialog, which never
 *   returns in headless Chromium) with a counter in window.__printed
 */
export async function openPage(context, origin, pathAndQuery = '/', { viewport, stubPrint = false } = {}) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const log = {
    requests: [], consoleErrors: [], pageErrors: [], badResponses: [], failed: [], csp: [],
  };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(`${m.text()} @ ${JSON.stringify(m.location())}`);
    if (/Content Security Policy/i.test(m.text())) log.csp.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e && e.stack ? e.stack : e)));
  page.on('response', (r) => {
    if (r.status() >= 400) log.badResponses.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => log.failed.push(`${r.failure()?.errorText} ${r.url()}`));
  // Passive observers only: CSP violations as the page sees them.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (stubPrint) {
    await page.addInitScript(() => {
      window.__printed = 0;
      window.print = () => { window.__printed += 1; };
    });
  }
  await page.goto(new URL(pathAndQuery, origin).href, { waitUntil: 'load' });
  await page.waitForFunction(() => typeof window.parity === 'object', null, { timeout: READY_TIMEOUT_MS });
  await page.evaluate(
    (ms) => Promise.race([
      window.parity.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`parity.ready not settled after ${ms} ms`)), ms)),
    ]),
    READY_TIMEOUT_MS,
  );
  await settled(page);
  return { page, log };
}

/** Wait until the page has nothing loading and the map has rendered. */
export async function settled(page) {
  await page.evaluate(
    (ms) => Promise.race([
      window.parity.settled(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`parity.settled() not done after ${ms} ms`)), ms)),
    ]),
    READY_TIMEOUT_MS,
  );
}

/** Assert the recorded log is clean: same origin only, no errors. */
export async function assertCleanLog(page, log, origin) {
  await page.waitForTimeout(200); // late console messages
  const foreign = log.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') &&
    new URL(u).origin !== origin);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.ok(log.requests.every((u) => u.startsWith('data:') || u.startsWith('blob:') ||
    new URL(u).hostname === '127.0.0.1'), 'every request goes to 127.0.0.1');
  assert.deepEqual(log.pageErrors, [], 'page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.csp, [], 'CSP messages');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
  assert.deepEqual(log.badResponses, [], 'responses with status >= 400');
  assert.deepEqual(log.failed.filter((f) => !f.startsWith('net::ERR_ABORTED')), [], 'failed requests');
}

/** Page coordinates of a map pixel (the map does not fill the page). */
export async function pagePoint(page, pixel) {
  const box = await page.locator('#map').boundingBox();
  return { x: box.x + pixel[0], y: box.y + pixel[1] };
}

export function screenshot(page, name) {
  return page.screenshot({ path: path.join(ARTIFACTS, name) });
}

export function saveArtifact(name, data) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, name), data);
}

/** The page's query parameters as a plain object. */
export function queryOf(url) {
  return Object.fromEntries(new URL(url).searchParams);
}

/** Filters of a page state as the API's query string. */
export function filterQuery(state) {
  const q = new URLSearchParams({ from: state.from, to: state.to });
  if (state.categories.length) q.set('category', state.categories.join(','));
  return q;
}

// ---- geometry helpers (lon/lat → Web Mercator metres) ----

const R = 6378137;
const merc = ([lon, lat]) => [
  (R * lon * Math.PI) / 180,
  R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
];
const unmerc = ([x, y]) => [
  (x / R) * (180 / Math.PI),
  (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI),
];

/** Tile x, y at zoom z containing lon/lat. */
export function tileOf([lon, lat], z) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/** Polygons (arrays of rings, in metres) of a GeoJSON geometry. */
function polygonsOf(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates]
    : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polys.map((rings) => rings.map((ring) => ring.map(merc)));
}

/** Even-odd ray casting over all rings (so holes count as outside). */
function inside([px, py], rings) {
  let odd = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

function distanceToBoundary([px, py], rings) {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j];
      const [bx, by] = ring[i];
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      best = Math.min(best, Math.hypot(px - (ax + t * dx), py - (ay + t * dy)));
    }
  }
  return best;
}

/**
 * A point well inside a polygon: on a few horizontal scanlines, the middle of
 * the widest inside interval; the one farthest from the boundary wins.
 * @returns {{point: number[], clearance: number}|null} metres
 */
function interiorPoint(rings) {
  const ys = rings[0].map((p) => p[1]);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  let best = null;
  for (let k = 1; k <= 9; k++) {
    const y = minY + ((maxY - minY) * k) / 10;
    const xs = [];
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const p = [(xs[i] + xs[i + 1]) / 2, y];
      if (!inside(p, rings)) continue;
      const clearance = distanceToBoundary(p, rings);
      if (!best || clearance > best.clearance) best = { point: p, clearance };
    }
  }
  return best;
}

/**
 * Choose neighborhoods the test knows independently of the page: fetch the
 * server tile under the data's centre at the map's zoom and take features
 * whose interior point has the most room around it and is visible on the
 * map (not under the header, panel, legend or controls).
 * @returns {Promise<Array<{feature: Object, lonLat: number[], pixel: number[], pt: {x: number, y: number}, tile: string}>>}
 */
export async function knownNeighborhoods(page, origin, { count = 1, skip = [] } = {}) {
  const tileJSON = await getJSON(origin, '/tiles/neighborhoods.json');
  const zoom = await page.evaluate(() => window.parity.map.getView().getZoom());
  const resolution = await page.evaluate(() => window.parity.map.getView().getResolution());
  const b = tileJSON.bounds;
  const centre = b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : tileJSON.center.slice(0, 2);
  const z = Math.max(tileJSON.minzoom ?? 0, Math.min(tileJSON.maxzoom ?? 22, Math.floor(zoom)));
  const [tx, ty] = tileOf(centre, z);
  const url = new URL(`/tiles/neighborhoods/${z}/${tx}/${ty}.geojson`, origin);
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url.pathname}`);
  const fc = await res.json();
  assert.equal(fc.type, 'FeatureCollection');
  assert.ok(fc.features.length > 0, `${url.pathname} has no features`);

  const candidates = [];
  for (const f of fc.features) {
    if (skip.includes(f.properties.id)) continue;
    for (const rings of polygonsOf(f.geometry)) {
      const ip = interiorPoint(rings);
      if (ip) candidates.push({ feature: f, lonLat: unmerc(ip.point), clearancePx: ip.clearance / resolution });
    }
  }
  candidates.sort((a, b2) => b2.clearancePx - a.clearancePx);
  const out = [];
  for (const c of candidates.slice(0, 40)) {
    if (c.clearancePx < 8) break;
    if (out.some((o) => o.feature.properties.id === c.feature.properties.id)) continue;
    const pixel = await page.evaluate((ll) => window.parity.pixelFromLonLat(ll), c.lonLat);
    const pt = await pagePoint(page, pixel);
    const onMap = await page.evaluate(([x, y]) => {
      const el = document.elementFromPoint(x, y);
      return Boolean(el && el.closest('.ol-viewport') && !el.closest('.ol-control, .ol-overlay-container'));
    }, [pt.x, pt.y]);
    if (onMap) out.push({ ...c, pixel, pt, tile: url.pathname });
    if (out.length >= count) return out;
  }
  assert.fail(`only ${out.length} neighborhoods of ${url.pathname} have a visible interior point on the map`);
}

/**
 * Compose the map's layer canvases into one (as the page's PNG export
 * does) in the page; returns the pixels' RGBA bytes (base64) and size.
 */
export async function composeMapPixels(page) {
  return page.evaluate(() => {
    const map = window.parity.map;
    const [w, h] = map.getSize();
    const out = document.createElement('canvas');
    out.width = w;
    out.height = h;
    const ctx = out.getContext('2d', { willReadFrequently: true });
    for (const canvas of map.getViewport().querySelectorAll('.ol-layer canvas, canvas.ol-layer')) {
      if (canvas.width === 0) continue;
      const opacity = canvas.parentNode.style.opacity || canvas.style.opacity;
      ctx.globalAlpha = opacity === '' ? 1 : Number(opacity);
      const m = canvas.style.transform.match(/^matrix\(([^(]*)\)$/);
      const matrix = m ? m[1].split(',').map(Number) : [canvas.width / w, 0, 0, canvas.height / h, 0, 0];
      ctx.setTransform(...matrix);
      ctx.drawImage(canvas, 0, 0);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const data = ctx.getImageData(0, 0, w, h).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { w, h, rgba: btoa(bin), png: out.toDataURL('image/png') };
  });
}

/** "#rrggbb" or "rgb(r, g, b)" → [r, g, b]. */
export function parseColor(css) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i], 16));
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (rgb) return [1, 2, 3].map((i) => Number(rgb[i]));
  throw new Error(`not a colour: ${css}`);
}

/**
 * The class of a value by the API's contract: breaks are upper bounds; the
 * first class whose bound is at least the value (values above the last bound
 * fall in the last class); -1 without a value.
 */
export function classByBreaks(value, breaks) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return -1;
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i] + 1e-9 * Math.max(1, Math.abs(breaks[i]))) return i;
  return breaks.length - 1;
}
