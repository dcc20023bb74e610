// Browser tests of the planner's workflow against a running parity server
// with the demo city: filters and the URL, the neighborhood profile against
// /api/neighborhoods/{id}, the ranking against /api/coverage, the PNG, CSV
// and print exports, and use at tablet width.
// Run: PARITY_URL=http://127.0.0.1:18080 node --test tests/browser/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseCSV } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import {
  launch, openPage, settled, assertCleanLog, serverOrigin, getJSON, screenshot, saveArtifact,
  knownNeighborhoods, composeMapPixels, parseColor, filterQuery, queryOf, TABLET, pagePoint, tileOf,
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

/** Today's local date and a date `days` before it, as YYYY-MM-DD. */
function localDate(offsetDays = 0) {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const nf = (decimals, grouping = true) => new Intl.NumberFormat('en-US', {
  minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: grouping,
});

/** Neighborhood tile requests made since `from` in the log, as query objects. */
function tileQueries(log, from) {
  return log.requests.slice(from)
    .filter((u) => /^\/tiles\/neighborhoods\/\d+\/\d+\/\d+\.geojson$/.test(new URL(u).pathname))
    .map(queryOf);
}

/** The ranking table as shown: header labels and cell texts. */
function tableOf(page) {
  return page.evaluate(() => {
    const t = document.getElementById('ranking-table');
    const head = [...t.tHead.rows[0].cells].map((th) => (th.querySelector('button')
      ? th.querySelector('button').firstChild.textContent : th.textContent));
    const rows = [...t.tBodies[0].rows].map((tr) => [...tr.cells].map((c) => c.textContent));
    const ids = [...t.tBodies[0].rows].map((tr) => tr.dataset.id);
    return { head, rows, ids };
  });
}

// The independent ordering of /api/coverage rows the page must show.
const WORSE = { events_per_1k: 'low', walk_coverage: 'low', access: 'low', need: 'high', gap: 'high', parity_ratio: 'low' };
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const missing = (v) => typeof v !== 'number' || !Number.isFinite(v);
function byValue(key, dir) {
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (missing(x) || missing(y)) return missing(x) === missing(y) ? 0 : missing(x) ? 1 : -1;
    return dir === 'asc' ? x - y : y - x;
  };
}
const byName = (a, b) => collator.compare(a.neighborhood.name, b.neighborhood.name) ||
  collator.compare(String(a.neighborhood.id), String(b.neighborhood.id));

test('filters change the URL and the tile requests; the URL reopens the same view; Back undoes', async () => {
  const { page, log } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    // Date preset: the last 90 days, ending today.
    let mark = log.requests.length;
    await page.click('label:has(input[name="window"][value="90"])');
    await settled(page);
    let q = queryOf(page.url());
    assert.equal(q.from, localDate(-89));
    assert.equal(q.to, localDate(0));
    assert.equal(q.window, '90');
    let tiles = tileQueries(log, mark);
    assert.ok(tiles.length > 0, 'neighborhood tiles requested again after the window changed');
    for (const t of tiles) {
      assert.equal(t.from, localDate(-89), 'tiles requested with the new from');
      assert.equal(t.to, localDate(0), 'tiles requested with the new to');
    }

    // Custom dates (each date input changes the window when it changes).
    await page.fill('#date-from', '2026-03-01');
    await settled(page);
    mark = log.requests.length;
    await page.fill('#date-to', '2026-08-31');
    await settled(page);
    q = queryOf(page.url());
    assert.deepEqual([q.from, q.to, q.window], ['2026-03-01', '2026-08-31', undefined]);
    assert.ok(await page.isChecked('input[name="window"][value="custom"]'));
    tiles = tileQueries(log, mark);
    assert.ok(tiles.length > 0 && tiles.every((t) => t.from === '2026-03-01' && t.to === '2026-08-31'),
      'tiles requested with the custom window');

    // Categories: leave out enforcement.
    const categories = (await getJSON(origin, '/api/categories?limit=100')).items.map((c) => c.id).sort();
    assert.ok(categories.includes('enforcement'), 'the demo city has the enforcement category');
    mark = log.requests.length;
    await page.uncheck('#category-list input[value="enforcement"]');
    await settled(page);
    const chosen = categories.filter((c) => c !== 'enforcement');
    q = queryOf(page.url());
    assert.deepEqual(q.category.split(',').sort(), chosen);
    tiles = tileQueries(log, mark);
    assert.ok(tiles.length > 0, 'tiles requested after the categories changed');
    for (const t of tiles) assert.deepEqual(t.category.split(',').sort(), chosen, 'tiles requested with the categories');
    // The analysis is asked for the same filters.
    const cov = log.requests.slice(mark).filter((u) => new URL(u).pathname === '/api/coverage').map(queryOf);
    assert.ok(cov.length > 0 && cov.every((c) => c.from === '2026-03-01' && c.category.split(',').sort().join() === chosen.join()));

    // Partner: the point layers then come from /api/sites and /api/events
    // with partner=.
    await page.check('#layer-sites');
    await settled(page);
    await page.check('#layer-events');
    await settled(page);
    const partners = (await getJSON(origin, '/api/partners?limit=500')).items;
    const partner = partners.find((p) => p.kind === 'nonprofit') || partners[0];
    mark = log.requests.length;
    await page.selectOption('#partner', String(partner.id));
    await settled(page);
    assert.equal(queryOf(page.url()).partner, String(partner.id));
    const siteLists = log.requests.slice(mark).filter((u) => new URL(u).pathname === '/api/sites').map(queryOf);
    assert.ok(siteLists.some((s) => s.partner === String(partner.id) && s.from === '2026-03-01'),
      'sites of the partner asked for');
    const eventLists = log.requests.slice(mark).filter((u) => new URL(u).pathname === '/api/events').map(queryOf);
    assert.ok(eventLists.some((s) => s.partner === String(partner.id) && s.to === '2026-08-31' &&
      s.category.split(',').sort().join() === chosen.join()), 'events of the partner asked for');
    const eventTiles = log.requests.slice(mark).filter((u) => new URL(u).pathname.startsWith('/tiles/events/'));
    assert.deepEqual(eventTiles, [], 'no event tiles while a partner is chosen (the tiles know no partner)');

    // Metric, class method, count; a selected neighborhood; a zoom.
    // So that the click hits the neighborhood, not a site or an event.
    await page.uncheck('#layer-sites');
    await settled(page);
    await page.uncheck('#layer-events');
    await settled(page);
    await page.selectOption('#metric', 'walk_coverage');
    await page.selectOption('#method', 'equal');
    await page.selectOption('#k', '4');
    await settled(page);
    const [known] = await knownNeighborhoods(page, origin);
    await page.mouse.click(known.pt.x, known.pt.y);
    // A single click is known as such only after the double-click delay.
    await page.waitForFunction(() => new URL(window.location.href).searchParams.has('n'));
    await settled(page);
    await page.check('#layer-sites');
    await page.click('.ol-zoom-in');
    await settled(page);
    q = queryOf(page.url());
    assert.equal(q.metric, 'walk_coverage');
    assert.equal(q.method, 'equal');
    assert.equal(q.k, '4');
    assert.equal(q.n, known.feature.properties.id);
    assert.match(q.map, /^\d+\.\d\d\/-?\d+\.\d{5}\/-?\d+\.\d{5}$/);
    const before = await page.evaluate(() => window.parity.state());
    const view = await page.evaluate(() => {
      const v = window.parity.map.getView();
      return { zoom: v.getZoom(), center: v.getCenter() };
    });
    await screenshot(page, 'filtered.png');

    // Reopen the link in a fresh tab: the same state, controls, view, profile.
    const link = page.url();
    const { page: again, log: log2 } = await openPage(browser.context, origin, new URL(link).pathname + new URL(link).search);
    try {
      assert.equal(again.url(), link, 'the reopened page keeps the link as it was');
      const after = await again.evaluate(() => window.parity.state());
      assert.deepEqual(after, before, 'the same state');
      assert.equal(await again.inputValue('#metric'), 'walk_coverage');
      assert.equal(await again.inputValue('#method'), 'equal');
      assert.equal(await again.inputValue('#k'), '4');
      assert.equal(await again.inputValue('#date-from'), '2026-03-01');
      assert.equal(await again.inputValue('#date-to'), '2026-08-31');
      assert.equal(await again.inputValue('#partner'), String(partner.id));
      assert.equal(await again.isChecked('#category-list input[value="enforcement"]'), false);
      assert.equal(await again.isChecked('#layer-sites'), true);
      assert.equal(await again.isChecked('#layer-events'), false);
      assert.equal(await again.locator('#panel-name').textContent(), known.feature.properties.name);
      const view2 = await again.evaluate(() => {
        const v = window.parity.map.getView();
        return { zoom: v.getZoom(), center: v.getCenter() };
      });
      assert.ok(Math.abs(view2.zoom - view.zoom) < 0.006, `zoom ${view2.zoom} vs ${view.zoom}`);
      const res = await again.evaluate(() => window.parity.map.getView().getResolution());
      assert.ok(Math.hypot(view2.center[0] - view.center[0], view2.center[1] - view.center[1]) < 2 * res,
        'the same centre (within two pixels)');
      const t2 = tileQueries(log2, 0);
      assert.ok(t2.length > 0 && t2.every((t) => t.from === '2026-03-01' && t.to === '2026-08-31'),
        'the reopened page asks for the tiles of the link\'s window');
      await screenshot(again, 'reopened.png');
    } finally {
      await again.close();
    }

    // Back undoes one choice at a time: the sites layer, the selection, the
    // class count; Forward redoes.
    await page.goBack();
    await settled(page);
    q = queryOf(page.url());
    assert.equal(q.layers, 'underserved', 'Back hides the sites again');
    assert.equal(q.n, known.feature.properties.id, 'and keeps the selection');
    assert.equal(await page.isChecked('#layer-sites'), false);
    await page.goBack();
    await settled(page);
    assert.equal(queryOf(page.url()).n, undefined, 'Back again removes the selection');
    assert.ok(await page.locator('#panel').isHidden(), 'and closes the profile');
    await page.goBack();
    await settled(page);
    assert.equal(queryOf(page.url()).k, '5', 'Back again restores the class count');
    assert.equal(await page.inputValue('#k'), '5');
    await page.goForward();
    await settled(page);
    assert.equal(queryOf(page.url()).k, '4', 'Forward redoes it');
    assert.equal(await page.inputValue('#k'), '4');
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }
});

test('clicking a known neighborhood opens a profile whose numbers are the API\'s', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    const [known] = await knownNeighborhoods(page, origin);
    const { id, name } = known.feature.properties;
    await page.mouse.click(known.pt.x, known.pt.y);
    await page.locator('#panel-details').waitFor({ state: 'visible', timeout: 5000 });
    await settled(page);
    await page.locator('#profile-body').waitFor({ state: 'visible', timeout: 5000 });
    const state = await page.evaluate(() => window.parity.state());
    const api = await getJSON(origin, `/api/neighborhoods/${encodeURIComponent(id)}?${filterQuery(state)}`);
    assert.equal(api.neighborhood.id, id);
    assert.equal(await page.locator('#panel-name').textContent(), api.neighborhood.name);
    assert.equal(api.neighborhood.name, name);
    await screenshot(page, 'profile.png');

    // Metrics beside the city's: every number cell is the API's value.
    const rows = await page.$$eval('#profile-metrics tbody tr', (trs) => trs.map((tr) => ({
      key: tr.dataset.key,
      here: tr.cells[1].dataset.value,
      hereText: tr.cells[1].textContent,
      city: tr.cells[2].dataset.value,
      cityText: tr.cells[2].textContent,
      rank: tr.cells[3].dataset.value,
    })));
    assert.ok(rows.length >= 8, `${rows.length} metric rows`);
    const shownPopulation = await page.locator('#panel-population').textContent();
    assert.equal(shownPopulation, nf(0).format(api.metrics.population));
    const decimals = {
      events: 0, attendance: 0, sites: 0, programs: 0, incidents: 0, events_per_1k: 1, walk_coverage: 1,
      access: 2, incident_rate: 1, need: 2, supply: 2, gap: 2, parity_ratio: 2,
    };
    let compared = 0;
    for (const r of rows) {
      for (const [side, raw, text] of [['here', r.here, r.hereText], ['city', r.city, r.cityText]]) {
        const v = side === 'here' ? api.metrics[r.key] : api.city[r.key];
        if (typeof v !== 'number') {
          assert.equal(raw, '', `${r.key} (${side}) has no value in the API`);
          continue;
        }
        assert.equal(Number(raw), v, `${r.key} (${side})`);
        const shown = r.key === 'walk_coverage' ? `${nf(1).format(v * 100)} %` : nf(decimals[r.key]).format(v);
        assert.equal(text, shown.replace(/^-0(\.0+)?$/, (m) => m.slice(1)), `${r.key} (${side}) as written`);
        compared += 1;
      }
      const rank = api.ranks ? api.ranks[r.key] : undefined;
      assert.equal(r.rank, typeof rank === 'number' ? String(rank) : '', `rank of ${r.key}`);
    }
    assert.ok(compared >= 12, `${compared} numbers compared`);

    // Events per month: one bar per month of the API, with its count.
    const bars = await page.$$eval('#profile-months svg rect', (rs) => rs.map((r) => r.querySelector('title').textContent));
    assert.equal(bars.length, api.events_per_month.length);
    api.events_per_month.forEach((m, i) => {
      assert.match(bars[i], new RegExp(`: ${m.events} events?$`), `month ${m.month}`);
    });
    // Category mix: every category of the API with its count.
    const mixLabel = await page.getAttribute('#profile-mix svg', 'aria-label');
    for (const c of api.category_mix) {
      assert.ok(mixLabel.includes(`${c.category} ${c.events}`), `category mix has ${c.category} ${c.events}`);
    }
    // Recent events: the API's, newest first, as many as shown (up to 10).
    const titles = await page.$$eval('#profile-events .event-title', (es) => es.map((e) => e.textContent));
    assert.deepEqual(titles, api.recent_events.slice(0, 10).map((e) => e.title));
    const sites = await page.$$eval('#profile-sites strong', (es) => es.map((e) => e.textContent));
    assert.deepEqual(sites, api.sites.map((s) => s.name));
  } finally {
    await page.close();
  }
});

test('the ranking table\'s order is /api/coverage\'s for the chosen metric; a row opens its neighborhood', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved');
  try {
    for (const metric of ['gap', 'events_per_1k']) {
      await page.selectOption('#metric', metric);
      await settled(page);
      const state = await page.evaluate(() => window.parity.state());
      const coverage = await getJSON(origin, `/api/coverage?${filterQuery(state)}`);
      const expected = coverage.neighborhoods.slice().sort((a, b) =>
        (b.underserved === true) - (a.underserved === true) ||
        byValue(metric, WORSE[metric] === 'high' ? 'desc' : 'asc')(a, b) || byName(a, b));
      const shown = await tableOf(page);
      assert.equal(shown.ids.length, coverage.neighborhoods.length, 'one row per neighborhood');
      assert.deepEqual(shown.ids, expected.map((r) => String(r.neighborhood.id)), `default order for ${metric}`);
      const underserved = coverage.neighborhoods.filter((r) => r.underserved === true).length;
      assert.ok(underserved > 0, 'the demo city has underserved neighborhoods');
      assert.equal(await page.getAttribute(`#ranking-table th[data-key="${metric}"]`, 'aria-sort'),
        WORSE[metric] === 'high' ? 'descending' : 'ascending');
    }

    // Sort by population with the keyboard: Enter on the header button.
    const state = await page.evaluate(() => window.parity.state());
    const coverage = await getJSON(origin, `/api/coverage?${filterQuery(state)}`);
    await page.focus('#ranking-table th[data-key="population"] button');
    await page.keyboard.press('Enter');
    await settled(page);
    assert.equal(await page.getAttribute('#ranking-table th[data-key="population"]', 'aria-sort'), 'descending');
    assert.equal(queryOf(page.url()).sort, 'population:desc');
    let shown = await tableOf(page);
    assert.deepEqual(shown.ids, coverage.neighborhoods.slice().sort((a, b) => byValue('population', 'desc')(a, b) || byName(a, b))
      .map((r) => String(r.neighborhood.id)));
    await page.keyboard.press('Enter');
    await settled(page);
    assert.equal(await page.getAttribute('#ranking-table th[data-key="population"]', 'aria-sort'), 'ascending');
    shown = await tableOf(page);
    assert.deepEqual(shown.ids, coverage.neighborhoods.slice().sort((a, b) => byValue('population', 'asc')(a, b) || byName(a, b))
      .map((r) => String(r.neighborhood.id)));

    // A row: the map zooms to the neighborhood and its profile opens.
    const zoomBefore = await page.evaluate(() => window.parity.map.getView().getZoom());
    const row = page.locator('#ranking-table tbody tr').nth(4);
    const id = await row.getAttribute('data-id');
    const name = await row.locator('th').textContent();
    await row.click();
    await settled(page);
    assert.equal(queryOf(page.url()).n, id);
    assert.equal(await page.locator('#panel-name').textContent(), name);
    const zoomAfter = await page.evaluate(() => window.parity.map.getView().getZoom());
    assert.ok(zoomAfter > zoomBefore, `the map zoomed in (${zoomBefore} → ${zoomAfter})`);
    // The neighborhood fills a good part of the map left free by the panel and the legend.
    const share = await page.evaluate((nid) => {
      const m = document.getElementById('map').getBoundingClientRect();
      let free = 0;
      let hit = 0;
      for (let y = 4; y < m.height; y += 10) {
        for (let x = 4; x < m.width; x += 10) {
          const el = document.elementFromPoint(m.left + x, m.top + y);
          if (!el || !el.closest('.ol-viewport') || el.closest('.ol-control')) continue;
          free += 1;
          if (window.parity.featuresAt([x, y]).some((f) => f.id === nid)) hit += 1;
        }
      }
      return hit / free;
    }, id);
    assert.ok(share > 0.15, `neighborhood ${id} fills ${(100 * share).toFixed(0)} % of the visible map`);
    await screenshot(page, 'ranking-row.png');
  } finally {
    await page.close();
  }
});

/** Web Mercator metres of lon/lat. */
const mercator = ([lon, lat]) => [6378137 * lon * Math.PI / 180,
  6378137 * Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360))];

/**
 * A point of `items` (API records with a GeoJSON location) with no other
 * point of `others` within `px` pixels at zoom z.
 */
function isolated(items, others, z, px) {
  const res = 2 * Math.PI * 6378137 / 256 / 2 ** z;
  const at = (r) => mercator(r.location.coordinates);
  return items.find((a) => {
    const pa = at(a);
    return others.every((b) => b === a || Math.hypot(at(b)[0] - pa[0], at(b)[1] - pa[1]) / res > px);
  });
}

test('hover and click tell what a program site, an event and a group of events are', async () => {
  const window365 = `from=${localDate(-364)}&to=${localDate(0)}`;
  const events = (await getJSON(origin, `/api/events?limit=1000&${window365}`)).items.filter((e) => e.location);
  const sites = (await getJSON(origin, '/api/sites?limit=1000')).items.filter((x) => x.location);
  const z = 16;
  const everything = [...events, ...sites];
  const event = isolated(events, everything, z, 24);
  const site = isolated(sites, everything, z, 24);
  assert.ok(event && site, 'the demo city has an isolated event and site');

  // A single event, close up: its title in the tooltip and on the card.
  const [lon, lat] = event.location.coordinates;
  let { page, log } = await openPage(browser.context, origin,
    `/?layers=sites,events&${window365}&map=${z}.00/${lat.toFixed(5)}/${lon.toFixed(5)}`);
  try {
    let px = await page.evaluate((ll) => window.parity.pixelFromLonLat(ll), [lon, lat]);
    let pt = await pagePoint(page, px);
    await page.mouse.move(pt.x - 30, pt.y - 30);
    await page.mouse.move(pt.x, pt.y, { steps: 3 });
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#tooltip .tt-name').textContent(), event.title);
    assert.equal(await page.locator('#tooltip .tt-detail').textContent(), `Event · ${event.category}`);
    await page.mouse.click(pt.x, pt.y);
    await page.locator('#feature-card').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#feature-card-title').textContent(), event.title);
    const lines = await page.$$eval('#feature-card-lines li', (ls) => ls.map((l) => l.textContent));
    assert.ok(lines.includes(`Program: ${event.program.name}`), lines.join(' | '));
    assert.ok(lines.includes(`Attendance: ${event.attendance.toLocaleString('en-US')}`), lines.join(' | '));
    assert.equal(queryOf(page.url()).n, undefined, 'clicking an event selects no neighborhood');
    await screenshot(page, 'event-card.png');
    await page.click('#feature-card-close');
    assert.ok(await page.locator('#feature-card').isHidden());
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }

  // A program site: its name and category.
  const [slon, slat] = site.location.coordinates;
  ({ page, log } = await openPage(browser.context, origin,
    `/?layers=sites,events&${window365}&map=${z}.00/${slat.toFixed(5)}/${slon.toFixed(5)}`));
  try {
    const px = await page.evaluate((ll) => window.parity.pixelFromLonLat(ll), [slon, slat]);
    const pt = await pagePoint(page, px);
    await page.mouse.move(pt.x - 30, pt.y - 30);
    await page.mouse.move(pt.x, pt.y, { steps: 3 });
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#tooltip .tt-name').textContent(), site.name);
    assert.equal(await page.locator('#tooltip .tt-detail').textContent(), `Program site · ${site.category}`);
    await page.mouse.click(pt.x, pt.y);
    await page.locator('#feature-card').waitFor({ state: 'visible', timeout: 5000 });
    const lines = await page.$$eval('#feature-card-lines li', (ls) => ls.map((l) => l.textContent));
    assert.ok(lines.includes(`Program: ${site.program.name}`), lines.join(' | '));
  } finally {
    await page.close();
  }

  // A group of events at the city's zoom: the server's cluster under it,
  // counted in the tooltip; a click zooms in.
  ({ page, log } = await openPage(browser.context, origin, `/?layers=events&${window365}`));
  try {
    const zoom = await page.evaluate(() => window.parity.map.getView().getZoom());
    const tz = Math.floor(zoom);
    const tj = await getJSON(origin, '/tiles/neighborhoods.json');
    const b = tj.bounds;
    const [tx, ty] = tileOf([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], tz);
    const tile = await getJSON(origin, `/tiles/events/${tz}/${tx}/${ty}.geojson?${window365}`);
    const clusters = tile.features.filter((f) => f.properties.kind === 'cluster' && f.properties.count >= 5);
    const res = await page.evaluate(() => window.parity.map.getView().getResolution());
    const far = clusters.find((c) => clusters.every((o) => o === c ||
      Math.hypot(...[0, 1].map((i) => mercator(o.geometry.coordinates)[i] - mercator(c.geometry.coordinates)[i])) / res > 50));
    assert.ok(far, 'a cluster of at least 5 events apart from the others');
    const px = await page.evaluate((ll) => window.parity.pixelFromLonLat(ll), far.geometry.coordinates);
    const pt = await pagePoint(page, px);
    const onMap = await page.evaluate(([x, y]) => Boolean(document.elementFromPoint(x, y).closest('.ol-viewport')), [pt.x, pt.y]);
    assert.ok(onMap, 'the cluster is not under the legend');
    await page.mouse.move(pt.x - 40, pt.y - 40);
    await page.mouse.move(pt.x, pt.y, { steps: 3 });
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#tooltip .tt-name').textContent(), `${far.properties.count.toLocaleString('en-US')} events`);
    await page.mouse.click(pt.x, pt.y);
    await page.waitForFunction((z0) => window.parity.map.getView().getZoom() > z0 + 1.9, zoom);
    await settled(page);
    await screenshot(page, 'cluster-zoomed.png');
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }
});

test('the PNG export is a real PNG of the map\'s size with the legend drawn', async () => {
  const { page, log } = await openPage(browser.context, origin, '/?layers=underserved,sites');
  try {
    await page.mouse.move(1, 1);
    await settled(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    assert.match(download.suggestedFilename(), /^parity-gap-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.png$/);
    const bytes = await (async () => {
      const chunks = [];
      for await (const c of await download.createReadStream()) chunks.push(c);
      return Buffer.concat(chunks);
    })();
    saveArtifact('export.png', bytes);

    // Signature and IHDR (the first chunk): width and height of the map.
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(bytes.readUInt32BE(8), 13, 'IHDR length');
    assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
    const size = await page.evaluate(() => window.parity.map.getSize());
    const ratio = await page.evaluate(() => window.devicePixelRatio);
    assert.equal(bytes.readUInt32BE(16), Math.round(size[0] * ratio), 'PNG width = map width');
    assert.equal(bytes.readUInt32BE(20), Math.round(size[1] * ratio), 'PNG height = map height');

    // The legend's swatches: pixels of every class colour where the map
    // itself (composed without the briefing's overlays) has another colour.
    const png = PNG.sync.read(bytes);
    const base = await composeMapPixels(page);
    const raw = Buffer.from(base.rgba, 'base64');
    assert.equal(png.width, base.w);
    const classes = await page.$$eval('#legend-classes li', (lis) => lis.map((li) => li.dataset.color));
    assert.ok(classes.length >= 3);
    for (const css of classes) {
      const [r, g, b] = parseColor(css);
      let drawn = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const is = (d, j) => Math.abs(d[j] - r) <= 1 && Math.abs(d[j + 1] - g) <= 1 && Math.abs(d[j + 2] - b) <= 1;
        if (is(png.data, i) && !is(raw, i)) drawn += 1;
      }
      assert.ok(drawn >= 150, `legend swatch of ${css}: ${drawn} pixels drawn over the map`);
    }
    // A title band across the top: mostly near-white.
    let light = 0;
    for (let x = 0; x < png.width; x++) {
      const i = (4 * png.width + x) * 4;
      if (png.data[i] > 235 && png.data[i + 1] > 235 && png.data[i + 2] > 235) light += 1;
    }
    assert.ok(light / png.width > 0.9, 'a light title band at the top');
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }
});

test('the CSV export is the ranking table', async () => {
  const { page } = await openPage(browser.context, origin, '/?layers=underserved&metric=parity_ratio');
  try {
    await page.click('#ranking-table th[data-key="walk_coverage"] button');
    await settled(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.match(download.suggestedFilename(), /^parity-ranking-parity_ratio-.*\.csv$/);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    saveArtifact('ranking.csv', text);
    const csv = parseCSV(text, { relax_column_count: false });
    const table = await tableOf(page);
    assert.equal(csv.length, table.rows.length + 1, 'one CSV line per table row, plus the header');
    assert.deepEqual(csv[0], table.head, 'the same columns');
    const numeric = table.head.map((_, i) => i).filter((i) => table.rows.every((r) => /^(-?[\d,]+(\.\d+)?|—)$/.test(r[i])));
    assert.ok(numeric.length >= 8, 'numeric columns found');
    table.rows.forEach((row, r) => {
      const expected = row.map((cell, i) => {
        if (cell === '—') return '';
        return numeric.includes(i) ? cell.replace(/,/g, '') : cell;
      });
      assert.deepEqual(csv[r + 1], expected, `row ${r + 1}`);
    });
  } finally {
    await page.close();
  }
});

test('print: one A4 and one Letter page for the city and for a neighborhood', async () => {
  const { page, log } = await openPage(browser.context, origin, '/?layers=underserved,sites', { stubPrint: true });
  try {
    // Printing from the browser's menu (no button): the sheet of the city is
    // made on the spot, with the map as an image.
    const menu = await page.pdf({ format: 'A4', printBackground: true });
    saveArtifact('print-menu-A4.pdf', menu);
    assert.equal((menu.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, 'one page');
    assert.equal((menu.toString('latin1').match(/\/Subtype\s*\/Image/g) || []).length, 1, 'the map image is printed');
    assert.match(await page.locator('#print-title').textContent(), /by neighborhood$/);

    for (const kind of ['city', 'neighborhood']) {
      if (kind === 'neighborhood') {
        await page.locator('#ranking-table tbody tr').first().click();
        await settled(page);
        await page.locator('#profile-body').waitFor({ state: 'visible', timeout: 5000 });
        await page.click('#print-neighborhood');
      } else {
        await page.click('#print-city');
      }
      await settled(page);
      await page.waitForFunction((n) => window.__printed === n, kind === 'city' ? 1 : 2);
      assert.equal(await page.evaluate(() => document.body.dataset.print), kind);
      assert.ok(await page.evaluate(() => document.getElementById('print-map').naturalWidth > 0), 'the map image loaded');
      const title = await page.locator('#print-title').textContent();
      if (kind === 'neighborhood') assert.match(title, /— neighborhood profile$/);
      else assert.match(title, /by neighborhood$/);
      await page.emulateMedia({ media: 'print' });
      for (const format of ['A4', 'Letter']) {
        const pdf = await page.pdf({ format, printBackground: true });
        saveArtifact(`print-${kind}-${format}.pdf`, pdf);
        const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || [];
        assert.equal(pages.length, 1, `${kind} on ${format}: ${pages.length} pages`);
      }
      await page.setViewportSize({ width: 794, height: 1123 });
      await screenshot(page, `print-${kind}.png`);
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1280, height: 800 });
      await settled(page);
    }
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }
});

test('at tablet width every control is reachable with the keyboard; nothing leaves the server', async () => {
  const { page, log } = await openPage(browser.context, origin, '/?layers=sites,events,underserved,hotspots',
    { viewport: TABLET });
  try {
    await screenshot(page, 'tablet.png');
    // The symbol key of the sites layer: one symbol per category, and the
    // confidential sites' count.
    const categories = (await getJSON(origin, '/api/categories?limit=100')).items.map((c) => c.id);
    const key = await page.$$eval('#key-sites li', (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(key.slice(0, -1).sort(), categories.slice().sort(), 'a site symbol per category');
    assert.match(key[key.length - 1], /^confidential/);
    assert.ok(await page.locator('#key-events li').count() > categories.length, 'event symbols and groups');
    const mapBox = await page.locator('#map').boundingBox();
    assert.ok(mapBox.width >= 400 && mapBox.height >= 350, `map ${mapBox.width}x${mapBox.height} at tablet width`);
    // Tab through the page and note every control focused, visibly.
    const wanted = ['search-input', 'date-from', 'date-to', 'partner', 'metric', 'method', 'k',
      'layer-sites', 'layer-events', 'layer-hotspots', 'layer-underserved', 'export-png', 'export-csv',
      'print-city', 'map', 'ranking-toggle'];
    const reached = new Set();
    const problems = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        const shown = el.matches('input[type="radio"]') ? el.nextElementSibling : el;
        const outline = getComputedStyle(shown).outlineStyle !== 'none' || cs.outlineStyle !== 'none';
        return {
          id: el.id || el.name || el.textContent.trim().slice(0, 20),
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
            r.top < window.innerHeight && r.left < window.innerWidth,
          outline,
          label: el.labels && el.labels.length ? el.labels[0].textContent.trim()
            : el.getAttribute('aria-label') || el.textContent.trim(),
        };
      });
      if (!f) continue;
      reached.add(f.id);
      if (!f.visible) problems.push(`${f.id} focused off screen`);
      if (!f.outline) problems.push(`${f.id} focused without an outline`);
      if (!f.label) problems.push(`${f.id} has no label`);
    }
    for (const id of wanted) assert.ok(reached.has(id), `${id} reachable with Tab at tablet width`);
    assert.ok(reached.has('window'), 'the date presets are reachable');
    assert.deepEqual(problems, []);

    // Zoom in far enough for single events and hover one of them.
    await page.evaluate(() => {
      const v = window.parity.map.getView();
      v.setZoom(v.getZoom() + 3);
    });
    await settled(page);
    await screenshot(page, 'tablet-zoomed.png');
    await assertCleanLog(page, log, origin);
  } finally {
    await page.close();
  }
});
