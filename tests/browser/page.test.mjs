// Browser tests of the parity page, against a running parity server with the
// demo city loaded. Run: PARITY_URL=http://127.0.0.1:18080 node --test tests/browser/
//
// Drives Debian's /usr/bin/chromium (headless) through playwright-core; no
// browser is downloaded. Screenshots for humans go to tests/artifacts/.
//
// This file: the page loads cleanly, the choropleth draws and its legend is
// the server's breaks, hover and click, keyboard use.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, settled, assertCleanLog, serverOrigin, getJSON, screenshot, saveArtifact,
  knownNeighborhoods, composeMapPixels, parseColor, classByBreaks, filterQuery,
} from './lib.mjs';

let browser;
let origin;

before(async () => {
  origin = serverOrigin();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

/** The legend's classes as the page shows them. */
function legendClasses(page) {
  return page.$$eval('#legend-classes li', (lis) => lis.map((li) => ({
    upper: Number(li.dataset.upper),
    lower: li.dataset.lower === '' ? null : Number(li.dataset.lower),
    color: li.dataset.color,
    text: li.querySelector('.legend-range').textContent,
    count: li.querySelector('.legend-count') ? Number(li.querySelector('.legend-count').textContent) : null,
  })));
}

/** The coverage rows of /api/coverage. */
function rowsOf(coverage) {
  assert.ok(Array.isArray(coverage.neighborhoods), '/api/coverage has a "neighborhoods" list');
  return coverage.neighborhoods;
}

/** Compare the legend with /api/breaks for the page's current state. */
async function assertLegendIsServerBreaks(page) {
  const state = await page.evaluate(() => window.parity.state());
  const q = filterQuery(state);
  q.set('metric', state.metric);
  q.set('method', state.method);
  q.set('k', String(state.k));
  const server = await getJSON(origin, `/api/breaks?${q}`);
  assert.equal(server.metric, state.metric);
  assert.equal(server.method, state.method);
  const shown = await legendClasses(page);
  assert.equal(shown.length, server.breaks.length, `legend has ${shown.length} classes, /api/breaks ${server.breaks.length}`);
  const fmt = (v, decimals) => new Intl.NumberFormat('en-US', {
    minimumFractionDigits: decimals, maximumFractionDigits: decimals,
  }).format(v);
  shown.forEach((c, i) => {
    assert.equal(c.upper, server.breaks[i], `class ${i + 1}'s upper bound`);
    if (i > 0) assert.equal(c.lower, server.breaks[i - 1], `class ${i + 1}'s lower bound`);
    if (Array.isArray(server.counts)) assert.equal(c.count, server.counts[i], `class ${i + 1}'s count`);
    // The range as written: the upper bound, rounded as the page rounds
    // this metric (per cent for walk coverage).
    const decimals = { events_per_1k: 1, walk_coverage: 1, access: 2, need: 2, gap: 2, parity_ratio: 2 }[state.metric];
    const v = state.metric === 'walk_coverage' ? server.breaks[i] * 100 : server.breaks[i];
    assert.ok(c.text.includes(fmt(v, decimals)), `class ${i + 1} "${c.text}" shows ${fmt(v, decimals)}`);
  });
  return { state, server, shown };
}

test('page loads without errors and talks only to its own server', async () => {
  const { page, log } = await openPage(browser.context, origin);
  try {
    await screenshot(page, 'page-loaded.png');
    assert.equal(await page.locator('h1').textContent(), 'parity — neighborhood program coverage');
    assert.equal(await page.getAttribute('html', 'data-parity-state'), 'ready');
    assert.equal(await page.getAttribute('#panel', 'aria-live'), 'polite');
    assert.equal(await page.evaluate(() => document.querySelector('#panel').tagName), 'ASIDE');
    assert.equal(await page.locator('script:not([src])').count(), 0, 'inline <script>');

    const html = await (await fetch(new URL('/', origin))).text();
    assert.doesNotMatch(html, /\sstyle\s*=/i, 'style attribute in index.html');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'inline event handler in index.html');

    await assertCleanLog(page, log, origin);
    const paths = log.requests.map((u) => new URL(u).pathname);
    assert.ok(paths.includes('/tiles/neighborhoods.json'), 'TileJSON requested');
    assert.ok(paths.some((p) => /^\/tiles\/neighborhoods\/\d+\/\d+\/\d+\.geojson$/.test(p)), 'neighborhood tiles requested');
    for (const p of ['/api/coverage', '/api/breaks', '/api/categories', '/api/partners']) {
      assert.ok(paths.includes(p), `${p} requested`);
    }
    // Without parameters the page shows the defaults and writes them into the URL.
    const q = new URL(page.url()).searchParams;
    for (const k of ['metric', 'method', 'k', 'from', 'to', 'map']) assert.ok(q.has(k), `URL has ${k}`);
  } finally {
    await page.close();
  }
});

test('a link with invalid or unknown values opens the defaults for them and says so', async () => {
  const { page, log } = await openPage(browser.context, origin,
    '/?metric=bogus&k=12&from=2026-02-30&to=2026-03-01&category=prevention,no-such-category&partner=999999&layers=sites,nope');
  try {
    await assertCleanLog(page, log, origin);
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('metric'), 'gap', 'the default metric');
    assert.equal(q.get('k'), '5', 'the default class count');
    assert.equal(q.get('window'), '365', 'the default window');
    assert.equal(q.get('category'), 'prevention', 'the unknown category is left out');
    assert.equal(q.get('partner'), null, 'the unknown partner is left out');
    assert.equal(q.get('layers'), 'sites,underserved', 'the default layers');
    const status = await page.locator('#status').textContent();
    for (const word of ['metric', 'k', 'from/to', 'layers', 'category "no-such-category"', 'partner 999999']) {
      assert.ok(status.includes(word), `the status line names ${word}: ${status}`);
    }
    for (const u of log.requests.filter((r) => /\/tiles\/neighborhoods\/\d/.test(r))) {
      assert.equal(new URL(u).searchParams.get('category'), 'prevention', 'tiles asked for the known category only');
    }
  } finally {
    await page.close();
  }
});

test('the map draws a choropleth whose legend is the server\'s breaks', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    const { state, server, shown } = await assertLegendIsServerBreaks(page);
    await screenshot(page, 'map-drawn.png');

    // The canvas is not blank: the class colours of the legend fill much of it.
    const pixels = await composeMapPixels(page);
    saveArtifact('map-canvas.png', Buffer.from(pixels.png.split(',')[1], 'base64'));
    const data = Buffer.from(pixels.rgba, 'base64');
    const colours = shown.map((c) => parseColor(c.color));
    const perClass = colours.map(() => 0);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted += 1;
      const k = colours.findIndex(([r, g, b]) => Math.abs(data[i] - r) <= 2 &&
        Math.abs(data[i + 1] - g) <= 2 && Math.abs(data[i + 2] - b) <= 2);
      if (k >= 0) perClass[k] += 1;
    }
    const total = pixels.w * pixels.h;
    assert.ok(painted / total > 0.15, `only ${(100 * painted / total).toFixed(1)} % of the map is painted`);
    const classed = perClass.reduce((a, b) => a + b, 0);
    assert.ok(classed / total > 0.10, `only ${(100 * classed / total).toFixed(1)} % of the map has a class colour`);
    assert.ok(perClass.filter((n) => n > 50).length >= Math.min(3, shown.length),
      `class colours on the map: ${perClass.join(', ')} pixels`);

    // Each neighborhood on the map is in the class its /api/coverage value
    // falls in by the server's breaks.
    const coverage = await getJSON(origin, `/api/coverage?${filterQuery(state)}`);
    const byId = new Map(rowsOf(coverage).map((r) => [String(r.neighborhood.id), r]));
    const seen = await page.evaluate(() => {
      const [w, h] = window.parity.map.getSize();
      const out = {};
      for (let y = 6; y < h; y += 14) {
        for (let x = 6; x < w; x += 14) {
          const c = window.parity.classAt([x, y]);
          if (c && !(c.id in out)) out[c.id] = c.cls;
        }
      }
      return out;
    });
    const ids = Object.keys(seen);
    assert.ok(ids.length >= 50, `only ${ids.length} neighborhoods found on the map`);
    for (const id of ids) {
      const row = byId.get(id);
      assert.ok(row, `neighborhood ${id} is in /api/coverage`);
      let expected = classByBreaks(row[state.metric], server.breaks);
      if (expected < 0) expected = row.suppressed === true ? -2 : -1;
      assert.equal(seen[id], expected, `class of ${id} (${state.metric} = ${row[state.metric]})`);
    }

    // Another class method and count: the legend follows the server again.
    await page.selectOption('#method', 'jenks');
    await settled(page);
    await page.selectOption('#k', '7');
    await settled(page);
    const again = await assertLegendIsServerBreaks(page);
    assert.equal(again.state.method, 'jenks');
    assert.equal(again.state.k, 7);
    assert.ok(again.shown.length >= 3, 'a Jenks legend with classes');
    await screenshot(page, 'map-jenks-7.png');

    // A sequential metric.
    await page.selectOption('#metric', 'events_per_1k');
    await settled(page);
    await assertLegendIsServerBreaks(page);
    await screenshot(page, 'map-events-per-1k.png');
  } finally {
    await page.close();
  }
});

test('hover names a known neighborhood in the tooltip; click opens it in the panel', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    const [known] = await knownNeighborhoods(page, origin);
    const { id, name, population } = known.feature.properties;
    const where = `${known.tile} feature ${id} at pixel ${known.pixel.map(Math.round)}`;

    assert.ok(await page.locator('#tooltip').isHidden(), 'tooltip hidden before hovering');
    await page.mouse.move(known.pt.x - 20, known.pt.y - 20);
    await page.mouse.move(known.pt.x, known.pt.y, { steps: 4 });
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#tooltip .tt-name').textContent(), name, `tooltip over ${where}`);
    assert.match(await page.locator('#tooltip .tt-detail').textContent(), /^Gap: (-?\d+\.\d\d|no data|suppressed)$/);
    await screenshot(page, 'hover.png');

    await page.mouse.click(known.pt.x, known.pt.y);
    await page.locator('#panel-details').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), name, `panel after clicking ${where}`);
    const expectedPopulation = typeof population === 'number'
      ? new Intl.NumberFormat('en-US').format(population) : 'not recorded';
    assert.equal(await page.locator('#panel-population').textContent(), expectedPopulation);
    assert.equal(new URL(page.url()).searchParams.get('n'), id, 'the selection is in the URL');
    await settled(page);
    await screenshot(page, 'selected.png');

    // Moving off the map hides the tooltip; the selection stays.
    await page.mouse.move(2, 2);
    await page.locator('#tooltip').waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), name);
  } finally {
    await page.close();
  }
});

test('keyboard: focus is visible, Enter selects at the crosshair, the close button clears', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    // The first Tab reaches the skip link, which leads to the map.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the map');
    await page.keyboard.press('Enter');
    let active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (active !== 'map') {
      // Following the link moves the sequential focus start; Tab once more.
      await page.keyboard.press('Tab');
      active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    }
    assert.equal(active, 'map', 'the skip link leads to the map');
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
    await settled(page);
    await screenshot(page, 'keyboard-selected.png');

    // Tab on to the panel's close button (past the map's own controls).
    for (let i = 0; i < 12 && active !== 'panel-close'; i++) {
      await page.keyboard.press('Tab');
      active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    }
    assert.equal(active, 'panel-close', 'the close button is reachable with Tab');
    assert.equal(await page.getAttribute('#panel-close', 'aria-label'), 'Clear the selected neighborhood');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none',
      'focused close button shows a focus outline');
    await page.keyboard.press('Enter');
    await page.locator('#panel').waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(new URL(page.url()).searchParams.get('n'), null, 'no selection in the URL');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'map', 'focus returns to the map');

    // The search box: type, arrow down, Enter selects.
    await page.focus('#search-input');
    await page.keyboard.type(centre.name.slice(0, 4));
    await page.locator('#search-list').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.getAttribute('#search-input', 'aria-expanded'), 'true');
    const options = await page.$$eval('#search-list [role="option"]', (os) => os.map((o) => o.textContent));
    const at = options.indexOf(centre.name);
    assert.ok(at >= 0, `"${centre.name}" is offered for "${centre.name.slice(0, 4)}" (${options.join(', ')})`);
    for (let i = 0; i <= at; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => {
      const id = document.getElementById('search-input').getAttribute('aria-activedescendant');
      return id && document.getElementById(id).textContent;
    }), centre.name, 'aria-activedescendant names the highlighted option');
    await page.keyboard.press('Enter');
    await page.locator('#panel-details').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#panel-name').textContent(), centre.name);
    assert.equal(new URL(page.url()).searchParams.get('n'), centre.id);
  } finally {
    await page.close();
  }
});
