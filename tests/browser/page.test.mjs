// Browser tests of the parity page, against a running parity server with the
// demo city loaded. Run: PARITY_URL=http://127.0.0.1:18080 node --test tests/browser/
//
// Drives Debian's /usr/bin/chromium (headless) through playwright-core; no
// browser is downloaded. Screenshots for humans go to tests/artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, '..', 'artifacts');
const CHROMIUM = process.env.PARITY_CHROMIUM || '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
const READY_TIMEOUT_MS = 30_000;

const BASE = process.env.PARITY_URL;
let origin;
let context;
let userDataDir;
let tileJSON;

before(async () => {
  assert.ok(BASE, 'PARITY_URL must name the running parity server, e.g. http://127.0.0.1:18080');
  origin = new URL(BASE).origin;
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const res = await fetch(new URL('/tiles/neighborhoods.json', origin));
  assert.equal(res.status, 200, 'GET /tiles/neighborhoods.json');
  tileJSON = await res.json();

  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
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
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
  });
});

after(async () => {
  if (context) await context.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

/**
 * Open the page in a new tab, recording every request, console error, page
 * error and failed response, and wait until the map says it is ready.
 */
async function openPage() {
  const page = await context.newPage();
  const log = { requests: [], consoleErrors: [], pageErrors: [], badResponses: [], failed: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(`${m.text()} @ ${JSON.stringify(m.location())}`);
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e && e.stack ? e.stack : e)));
  page.on('response', (r) => {
    if (r.status() >= 400) log.badResponses.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => log.failed.push(`${r.failure()?.errorText} ${r.url()}`));

  await page.goto(new URL('/', origin).href, { waitUntil: 'load' });
  await page.waitForFunction(() => typeof window.parity === 'object', null, { timeout: READY_TIMEOUT_MS });
  await page.evaluate(
    (ms) => Promise.race([
      window.parity.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`parity.ready not settled after ${ms} ms`)), ms)),
    ]),
    READY_TIMEOUT_MS,
  );
  return { page, log };
}

/** Page coordinates of a map pixel (the map does not fill the page). */
async function pagePoint(page, pixel) {
  const box = await page.locator('#map').boundingBox();
  return { x: box.x + pixel[0], y: box.y + pixel[1] };
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
function tileOf([lon, lat], z) {
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
 * Choose a neighborhood the test knows independently of the page: fetch the
 * server tile under the data's centre at the map's zoom and take the feature
 * whose interior point has the most room around it and is visible on the
 * map (not under the header, panel or controls).
 */
async function knownNeighborhood(page) {
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
    for (const rings of polygonsOf(f.geometry)) {
      const ip = interiorPoint(rings);
      if (ip) candidates.push({ feature: f, lonLat: unmerc(ip.point), clearancePx: ip.clearance / resolution });
    }
  }
  candidates.sort((a, b2) => b2.clearancePx - a.clearancePx);
  for (const c of candidates.slice(0, 20)) {
    if (c.clearancePx < 8) break;
    const pixel = await page.evaluate((ll) => window.parity.pixelFromLonLat(ll), c.lonLat);
    const pt = await pagePoint(page, pixel);
    const onMap = await page.evaluate(([x, y]) => {
      const el = document.elementFromPoint(x, y);
      return Boolean(el && el.closest('.ol-viewport') && !el.closest('.ol-control, .ol-overlay-container'));
    }, [pt.x, pt.y]);
    if (onMap) return { ...c, pixel, pt, tile: url.pathname };
  }
  assert.fail(`no neighborhood of ${url.pathname} has a visible interior point on the map`);
}

/**
 * Compose the map's layer canvases into one (as a PNG export would) and
 * count pixels: painted (alpha > 0) and painted in the neighborhood fill.
 */
async function canvasStats(page) {
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
    let painted = 0;
    let fill = 0;
    // Neighborhood fill: rgba(31, 111, 139, 0.22) in web/src/layers/neighborhoods.js.
    for (let i = 0; i < data.length; i += 4) {
      const a = data[i + 3];
      if (a === 0) continue;
      painted += 1;
      if (Math.abs(data[i] - 31) < 24 && Math.abs(data[i + 1] - 111) < 24 &&
          Math.abs(data[i + 2] - 139) < 24 && a > 30 && a < 90) fill += 1;
    }
    return { w, h, total: w * h, painted, fill, png: out.toDataURL('image/png') };
  });
}

function savePng(name, dataUrl) {
  fs.writeFileSync(path.join(ARTIFACTS, name), Buffer.from(dataUrl.split(',')[1], 'base64'));
}

test('page loads without errors and talks only to its own server', async () => {
  const { page, log } = await openPage();
  try {
    await page.screenshot({ path: path.join(ARTIFACTS, 'page-loaded.png') });
    assert.equal(await page.locator('h1').textContent(), 'parity — neighborhood program coverage');
    assert.equal(await page.getAttribute('html', 'data-parity-state'), 'ready');
    assert.equal(await page.getAttribute('#panel', 'aria-live'), 'polite');
    assert.equal(await page.evaluate(() => document.querySelector('#panel').tagName), 'ASIDE');
    assert.equal(await page.locator('script:not([src])').count(), 0, 'inline <script>');

    const html = await (await fetch(new URL('/', origin))).text();
    assert.doesNotMatch(html, /\sstyle\s*=/i, 'style attribute in index.html');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'inline event handler in index.html');

    await page.waitForTimeout(300); // late console messages
    const foreign = log.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(log.consoleErrors, [], 'console errors');
    assert.deepEqual(log.badResponses, [], 'responses with status >= 400');
    assert.deepEqual(log.failed.filter((f) => !f.startsWith('net::ERR_ABORTED')), [], 'failed requests');

    assert.ok(log.requests.some((u) => new URL(u).pathname === '/tiles/neighborhoods.json'), 'TileJSON requested');
    assert.ok(log.requests.some((u) => /^\/tiles\/neighborhoods\/\d+\/\d+\/\d+\.geojson$/.test(new URL(u).pathname)),
      'neighborhood tiles requested');
  } finally {
    await page.close();
  }
});

test('map draws the demo neighborhoods', async () => {
  const { page } = await openPage();
  try {
    const stats = await canvasStats(page);
    savePng('map-canvas.png', stats.png);
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-drawn.png') });
    assert.ok(stats.painted / stats.total > 0.15,
      `only ${(100 * stats.painted / stats.total).toFixed(1)} % of the map canvas is painted`);
    assert.ok(stats.fill / stats.total > 0.10,
      `only ${(100 * stats.fill / stats.total).toFixed(1)} % of the map canvas has the neighborhood fill`);

    const ids = await page.evaluate(() => {
      const [w, h] = window.parity.map.getSize();
      const seen = new Set();
      for (let y = 4; y < h; y += 12) {
        for (let x = 4; x < w; x += 12) {
          for (const f of window.parity.featuresAt([x, y])) seen.add(f.id);
        }
      }
      return [...seen];
    });
    assert.ok(ids.length >= 50, `only ${ids.length} distinct neighborhoods found on the map`);
    assert.ok(ids.every((id) => typeof id === 'string' && id !== ''), 'every neighborhood has an id');

    const status = await page.locator('#status').textContent();
    assert.match(status, /^\d+ neighborhoods? in view/);
  } finally {
    await page.close();
  }
});

test('hover names a known neighborhood in the tooltip; click shows it in the panel', async () => {
  const { page } = await openPage();
  try {
    const known = await knownNeighborhood(page);
    const { id, name, population } = known.feature.properties;
    const where = `${known.tile} feature ${id} at pixel ${known.pixel.map(Math.round)}`;

    assert.ok(await page.locator('#tooltip').isHidden(), 'tooltip hidden before hovering');
    await page.mouse.move(known.pt.x - 20, known.pt.y - 20);
    await page.mouse.move(known.pt.x, known.pt.y, { steps: 4 });
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#tooltip').textContent(), name, `tooltip over ${where}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });

    await page.mouse.click(known.pt.x, known.pt.y);
    await page.locator('#panel-details').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), name, `panel after clicking ${where}`);
    const expectedPopulation = typeof population === 'number'
      ? new Intl.NumberFormat('en-US').format(population) : 'not recorded';
    assert.equal(await page.locator('#panel-population').textContent(), expectedPopulation);
    await page.screenshot({ path: path.join(ARTIFACTS, 'selected.png') });

    // Moving off the map hides the tooltip; the selection stays.
    await page.mouse.move(2, 2);
    await page.locator('#tooltip').waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), name);
  } finally {
    await page.close();
  }
});

test('keyboard: focus is visible, Enter selects at the crosshair, the close button clears', async () => {
  const { page } = await openPage();
  try {
    // Tab from the top of the page until the map has focus.
    let active = '';
    for (let i = 0; i < 10 && active !== 'map'; i++) {
      await page.keyboard.press('Tab');
      active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    }
    assert.equal(active, 'map', 'the map is reachable with Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focused map shows a focus outline');
    assert.ok(await page.locator('#crosshair').isVisible(), 'crosshair shown while the map has keyboard focus');

    const centre = await page.evaluate(() => {
      const [w, h] = window.parity.map.getSize();
      return window.parity.featuresAt([w / 2, h / 2])[0] || null;
    });
    assert.ok(centre, 'a neighborhood lies under the centre of the fitted view');
    await page.keyboard.press('Enter');
    await page.locator('#panel-details').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), centre.name);
    await page.screenshot({ path: path.join(ARTIFACTS, 'keyboard-selected.png') });

    // Tab on to the panel's close button (past the zoom buttons).
    for (let i = 0; i < 10 && active !== 'panel-close'; i++) {
      await page.keyboard.press('Tab');
      active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    }
    assert.equal(active, 'panel-close', 'the close button is reachable with Tab');
    assert.equal(await page.getAttribute('#panel-close', 'aria-label'), 'Clear the selected neighborhood');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none',
      'focused close button shows a focus outline');
    await page.keyboard.press('Enter');
    await page.locator('#panel-details').waitFor({ state: 'hidden', timeout: 5000 });
    assert.ok(await page.locator('#panel-empty').isVisible());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'map', 'focus returns to the map');
  } finally {
    await page.close();
  }
});
