// parity — page entry point. The state store (state.js) is the one source of
// truth and lives in the URL; this file wires it to the map layers
// (layers/*), the data (api.js) and the widgets (ui/*): every change of the
// state is applied here, whatever caused it (a control, a click on the map,
// a row of the ranking, Back/Forward).

import {
  NEIGHBORHOODS_TILEJSON, SITES_TILEJSON, EVENTS_TILEJSON, API, FIT_PADDING, DATA_NOTE, metricByKey,
  CLASS_METHODS,
} from './config.js';
import { loadTileJSON } from './tilejson.js';
import { createMap, fitView } from './map.js';
import { createNeighborhoodSource, createNeighborhoodLayers, filteredUrls } from './layers/neighborhoods.js';
import { createPointLayers } from './layers/points.js';
import { wireInteractions, neighborhoodsAt } from './interactions.js';
import { parseState, createStore } from './state.js';
import {
  apiIdle, apiBusy, fetchBreaks, fetchCategories, fetchCoverage, fetchPartners, fetchProfile,
} from './api.js';
import { classColors } from './classes.js';
import { formatMetric, setCityTimeZone } from './format.js';
import { formatWindow, today } from './dates.js';
import { buildNeighborhoodIndex } from './nbindex.js';
import { createStatus } from './ui/status.js';
import { createTooltip } from './ui/tooltip.js';
import { createCard } from './ui/card.js';
import { createProfile } from './ui/profile.js';
import { createControls } from './ui/controls.js';
import { createLegend, legendClasses } from './ui/legend.js';
import { createSearch } from './ui/search.js';
import { createRanking, COLUMNS } from './ui/ranking.js';
import { createPrintSheet } from './ui/print.js';
import { briefingCanvas, canvasBlob, renderComplete } from './export/png.js';
import { download } from './export/csv.js';
import { exposeTestHook } from './testhook.js';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj.js';

/**
 * Padding for fitting an extent into the view: keep it clear of the profile
 * panel floating over the map's right side, and of the legend in its lower
 * left corner: beside the legend or above it, whichever leaves the extent
 * larger.
 * @param {HTMLElement} mapEl
 * @param {number[]} extent the extent to fit (EPSG:3857)
 * @returns {number[]} [top, right, bottom, left]
 */
function fitPadding(mapEl, extent) {
  const pad = [FIT_PADDING, FIT_PADDING, FIT_PADDING, FIT_PADDING];
  const m = mapEl.getBoundingClientRect();
  const panel = document.getElementById('panel').getBoundingClientRect();
  if (panel.width > 0 && panel.width < m.width * 0.6) pad[1] += Math.max(0, m.right - panel.left);
  const legend = document.getElementById('legend').getBoundingClientRect();
  if (legend.width > 0 && extent) {
    const ew = extent[2] - extent[0];
    const eh = extent[3] - extent[1];
    const scale = (p) => Math.min((m.width - p[1] - p[3]) / ew, (m.height - p[0] - p[2]) / eh);
    const beside = [pad[0], pad[1], pad[2], FIT_PADDING + Math.max(0, legend.right - m.left)];
    const above = [pad[0], pad[1], FIT_PADDING + Math.max(0, m.bottom - legend.top), pad[3]];
    return scale(beside) >= scale(above) ? beside : above;
  }
  return pad;
}

/**
 * Resolves once the layer's first tiles have loaded and the map has finished
 * rendering them; rejects if tiles only failed.
 */
function firstRender(map, source) {
  return new Promise((resolve, reject) => {
    let loaded = 0;
    let failed = 0;
    source.on('tileloadend', () => { loaded += 1; });
    source.on('tileloaderror', () => { failed += 1; });
    const onRenderComplete = () => {
      if (loaded > 0) {
        map.un('rendercomplete', onRenderComplete);
        resolve();
      } else if (failed > 0) {
        map.un('rendercomplete', onRenderComplete);
        reject(new Error('the neighborhood tiles could not be loaded'));
      }
    };
    map.on('rendercomplete', onRenderComplete);
  });
}

/** The rows of a /api/coverage answer, wherever the server put them. */
function coverageRows(json) {
  if (Array.isArray(json)) return json;
  for (const key of ['rows', 'neighborhoods', 'items', 'data']) {
    if (json && Array.isArray(json[key])) return json[key];
  }
  return [];
}

const cityExtent = (tj) => (tj.bounds ? transformExtent(tj.bounds, 'EPSG:4326', 'EPSG:3857') : null);
const filtersOf = (s) => ({ from: s.from, to: s.to, categories: s.categories });
const filterKey = (s) => JSON.stringify([s.from, s.to, s.categories]);
const errText = (err) => (err && err.message ? err.message : String(err));
const isAbort = (err) => err && err.name === 'AbortError';

function start() {
  const doc = document;
  const root = doc.documentElement;
  root.dataset.parityState = 'loading';

  // problems: what the link named that is not valid (shown in the status line).
  const { state: initial, problems } = parseState(window.location.search);
  const store = createStore(window, initial);

  const mapEl = doc.getElementById('map');
  const status = createStatus(doc.getElementById('status'));
  const tooltip = createTooltip(doc.getElementById('tooltip'));
  const map = createMap(mapEl);
  const controls = createControls(doc, store);
  const legend = createLegend(doc);
  const printSheet = createPrintSheet(doc);
  const buttons = {
    png: /** @type {HTMLButtonElement} */ (doc.getElementById('export-png')),
    csv: /** @type {HTMLButtonElement} */ (doc.getElementById('export-csv')),
    print: /** @type {HTMLButtonElement} */ (doc.getElementById('print-city')),
  };

  /** @type {ReturnType<typeof createNeighborhoodLayers>|null} */
  let neighborhoods = null;
  /** @type {Array<ReturnType<typeof createPointLayers>>} */
  const pointLayers = [];
  /** @type {Record<string, ReturnType<typeof createPointLayers>>} */
  const points = {};
  /** @type {Map<string, {id: string, name: string, extent: number[]}>} */
  let index = new Map();
  let tileErrors = 0;
  let pendingTiles = 0;
  const tileWaiters = [];
  const tileLoading = (d) => {
    pendingTiles += d;
    if (pendingTiles <= 0) {
      pendingTiles = 0;
      for (const r of tileWaiters.splice(0)) r();
    }
  };

  // ---- analysis data: the latest answer of each kind ----
  /** @type {{key: string, rows: Object[], city: Object|null, asOf: string|null}|null} */
  let coverage = null;
  /** @type {{key: string, json: Object}|null} */
  let breaks = null;
  /** @type {import('./ui/legend.js').LegendModel|null} */
  let legendModel = null;
  // The city is fitted again once the legend has its size, unless the link
  // gave a view or the planner has moved the map since.
  let refitPending = !initial.view && !initial.selected;
  const controllers = {};
  const restart = (kind) => {
    if (controllers[kind]) controllers[kind].abort();
    controllers[kind] = new AbortController();
    return controllers[kind].signal;
  };
  const partners = new Map();

  function breaksKey(s) {
    return JSON.stringify([s.from, s.to, s.categories, s.metric, s.method, s.k]);
  }

  /** Colours, map classes and legend from the current breaks (+ coverage for the minimum). */
  function applyClasses() {
    const s = store.get();
    if (!neighborhoods || !breaks || breaks.key !== breaksKey(s)) return;
    const m = metricByKey(s.metric);
    const ub = Array.isArray(breaks.json.breaks) ? breaks.json.breaks.filter(Number.isFinite) : [];
    let min = Number.isFinite(breaks.json.min) ? breaks.json.min : null;
    if (min === null && coverage && coverage.key === filterKey(s)) {
      const vals = coverage.rows.map((r) => r[s.metric]).filter(Number.isFinite);
      if (vals.length) min = Math.min(...vals);
    }
    const colors = classColors(m, ub, min);
    neighborhoods.setClasses(s.metric, ub, colors);
    legendModel = {
      metric: m,
      method: s.method,
      classes: legendClasses({ breaks: ub, counts: breaks.json.counts }, colors, min, m),
      underserved: s.layers.underserved,
      hotspots: s.layers.hotspots,
      siteCategories: s.layers.sites && points.sites
        ? (controls.categories.length ? controls.categories : []).filter((c) => s.categories.length === 0 || s.categories.includes(c))
        : [],
      events: s.layers.events && Boolean(points.events),
      eventCategories: (controls.categories.length ? controls.categories : [])
        .filter((c) => s.categories.length === 0 || s.categories.includes(c)),
    };
    legend.render(legendModel);
    if (refitPending) {
      refitPending = false;
      fitView(map, tileJSON, fitPadding(mapEl, cityExtent(tileJSON)));
    }
  }

  async function loadBreaks() {
    const s = store.get();
    const key = breaksKey(s);
    if (breaks && breaks.key === key) {
      applyClasses();
      return;
    }
    const signal = restart('breaks');
    legend.render(null);
    try {
      const json = await fetchBreaks(filtersOf(s), s.metric, s.method, s.k, signal);
      if (signal.aborted) return;
      breaks = { key, json };
      applyClasses();
    } catch (err) {
      if (isAbort(err)) return;
      legend.render(null);
      doc.getElementById('legend-metric').textContent = `Class breaks unavailable: ${errText(err)}`;
      status.error(`Could not load the class breaks: ${errText(err)}`);
    }
  }

  async function loadCoverage() {
    const s = store.get();
    const key = filterKey(s);
    if (coverage && coverage.key === key) {
      renderRanking();
      return;
    }
    const signal = restart('coverage');
    ranking.showMessage('Loading the ranking…');
    try {
      const json = await fetchCoverage(filtersOf(s), signal);
      if (signal.aborted) return;
      coverage = { key, rows: coverageRows(json), city: json.city ?? json.totals ?? null, asOf: json.as_of ?? null };
      setCityTimeZone(json.window && json.window.time_zone);
      renderRanking();
      applyClasses();
      showCount();
      buttons.csv.disabled = false;
    } catch (err) {
      if (isAbort(err)) return;
      coverage = null;
      buttons.csv.disabled = true;
      ranking.showMessage(`The ranking could not be loaded: ${errText(err)}`);
    }
  }

  function renderRanking() {
    const s = store.get();
    if (!coverage || coverage.key !== filterKey(s)) return;
    ranking.render(coverage.rows, s.metric, s.sort);
    ranking.setSelected(s.selected);
  }

  async function loadProfile() {
    const s = store.get();
    const id = s.selected;
    const signal = restart('profile');
    if (id === null) {
      profile.clear();
      return;
    }
    const known = index.get(id);
    const row = coverage && coverage.rows.find((r) => String(r.neighborhood?.id) === id);
    profile.show({
      id,
      name: known ? known.name : row ? String(row.neighborhood.name) : id,
      population: row && Number.isFinite(row.population) ? row.population : null,
    });
    try {
      const json = await fetchProfile(id, filtersOf(s), signal);
      if (signal.aborted) return;
      profile.fill(json);
    } catch (err) {
      if (isAbort(err)) return;
      profile.error(err.status === 404 ? `No neighborhood ${id}.` : `The profile could not be loaded: ${errText(err)}`);
    }
  }

  // ---- the map view ----
  function zoomTo(id) {
    const known = index.get(id);
    if (!known) return;
    refitPending = false;
    map.getView().fit(known.extent, {
      padding: fitPadding(mapEl, known.extent),
      maxZoom: 15,
      duration: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 300,
    });
  }
  function viewState() {
    const view = map.getView();
    const c = view.getCenter();
    const z = view.getZoom();
    if (!c || !Number.isFinite(z)) return null;
    const [lon, lat] = toLonLat(c);
    return { center: [Number(lon.toFixed(5)), Number(lat.toFixed(5))], zoom: Number(z.toFixed(2)) };
  }
  function applyView(v) {
    if (!v) return;
    const view = map.getView();
    view.setCenter(fromLonLat(v.center));
    view.setZoom(v.zoom);
  }

  // ---- widgets ----
  const select = (id, { zoom = false } = {}) => {
    store.set({ selected: id });
    if (id !== null && zoom) zoomTo(id);
  };
  const profile = createProfile(doc, {
    onClose() {
      select(null);
      mapEl.focus();
    },
    onZoom() {
      const id = store.get().selected;
      if (id) zoomTo(id);
    },
    onPrint: () => printNow('neighborhood'),
  });
  const card = createCard(doc, { onClose: () => mapEl.focus() });
  const search = createSearch(doc, { onSelect: (id) => select(id, { zoom: true }) });
  const ranking = createRanking(doc, {
    onSort: (sort) => store.set({ sort }),
    onSelect: (id) => select(id, { zoom: true }),
  });

  function showCount() {
    if (!neighborhoods || root.dataset.parityState !== 'ready') return;
    const extent = map.getView().calculateExtent(map.getSize());
    const ids = new Set(neighborhoods.base.getFeaturesInExtent(extent).map((f) => f.get('id')));
    let text = `${ids.size} neighborhood${ids.size === 1 ? '' : 's'} in view`;
    const s = store.get();
    if (coverage && coverage.key === filterKey(s)) {
      const n = coverage.rows.filter((r) => r.underserved === true).length;
      text += ` · ${n} underserved citywide`;
    }
    if (problems.length) text += ` · Left out of the link (not valid here): ${problems.join(', ')}`;
    if (tileErrors > 0) status.error(`${text}; some tiles could not be loaded.`);
    else if (problems.length) status.error(text);
    else status.info(text);
  }

  function valueText(feature) {
    const s = store.get();
    const m = metricByKey(s.metric);
    const v = feature.get(s.metric);
    if (typeof v === 'number' && Number.isFinite(v)) return `${m.short.replace(/ %$/, '')}: ${formatMetric(v, m)}`;
    return feature.get('suppressed') === true ? `${m.short}: suppressed` : `${m.short}: no data`;
  }

  // ---- exports ----
  function describeFilters(s) {
    const cats = s.categories.length ? s.categories.join(', ') : 'all categories';
    const partner = s.partner ? `partner ${partners.get(s.partner) || s.partner} (sites and events)` : '';
    return [formatWindow(s.from, s.to), cats, partner].filter(Boolean).join(' · ');
  }
  function dataNote() {
    const asOf = coverage && coverage.asOf ? `Data as of ${new Date(coverage.asOf).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}. ` : '';
    return `${asOf}${DATA_NOTE} Made with parity on ${formatWindow(today(), today()).split(' – ')[0]}.`;
  }
  /** The briefing canvas of the map as it is drawn now. */
  function briefing(bands) {
    const s = store.get();
    const m = metricByKey(s.metric);
    const method = CLASS_METHODS.find((c) => c.key === s.method).label;
    const sel = s.selected && index.get(s.selected) ? ` · selected: ${index.get(s.selected).name}` : '';
    return briefingCanvas(map, {
      title: `${m.label} by neighborhood`,
      subtitle: `${describeFilters(s)} · ${method}, ${s.k} classes${sel}`,
      note: dataNote(),
      legend: legendModel,
      bands,
    });
  }
  /** The briefing PNG, once the map has rendered without hover effects. */
  async function briefingBlob(bands = true) {
    neighborhoods.setHovered(null);
    tooltip.hide();
    await renderComplete(map);
    return canvasBlob(briefing(bands));
  }
  async function exportPng() {
    const s = store.get();
    buttons.png.disabled = true;
    try {
      download(await briefingBlob(), `parity-${s.metric}-${s.from}-to-${s.to}.png`);
      status.info('Map exported as PNG.');
    } catch (err) {
      status.error(`The map could not be exported: ${errText(err)}`);
    } finally {
      buttons.png.disabled = false;
    }
  }
  function exportCsv() {
    const s = store.get();
    download(new Blob([ranking.csv()], { type: 'text/csv;charset=utf-8' }),
      `parity-ranking-${s.metric}-${s.from}-to-${s.to}.csv`);
    status.info('Ranking exported as CSV.');
  }
  let printing = null;
  let printRequested = false;
  /** The state the print sheet was made for (by a print button). */
  let printedState = null;
  /** What the print sheet shows besides the map. */
  function printContent(kind) {
    const s = store.get();
    const m = metricByKey(s.metric);
    const prof = kind === 'neighborhood' ? profile.current : null;
    let rankingRows;
    if (kind === 'city' && coverage) {
      const shown = [...doc.querySelectorAll('#ranking-table tbody tr[data-id]')].slice(0, 15);
      const keep = ['rank', 'name', 'population', 'events', s.metric, 'underserved'];
      const idx = keep.map((k) => COLUMNS.findIndex((c) => c.key === k)).filter((i) => i >= 0);
      rankingRows = {
        head: idx.map((i) => COLUMNS[i].label),
        rows: shown.map((tr) => idx.map((i) => tr.cells[i].textContent)),
      };
    }
    return {
      kind,
      title: kind === 'neighborhood' && prof ? `${prof.name} — neighborhood profile` : `${m.label} by neighborhood`,
      subtitle: `${describeFilters(s)}${kind === 'neighborhood' ? ` · map: ${m.label}` : ''}`,
      note: dataNote(),
      ranking: rankingRows,
      profile: prof,
    };
  }
  async function preparePrint(kind) {
    const blob = await briefingBlob(false);
    await printSheet.prepare({ ...printContent(kind), map: blob });
    printedState = JSON.stringify(store.get());
  }
  async function printNow(kind) {
    try {
      printing = preparePrint(kind);
      await printing;
      printRequested = true;
      window.print();
    } catch (err) {
      status.error(`Could not prepare the print layout: ${errText(err)}`);
    } finally {
      printRequested = false;
    }
  }
  // Printing from the browser's menu: the city sheet of what the map shows
  // now, made at once (the print cannot wait for anything).
  window.addEventListener('beforeprint', () => {
    if (printRequested || !neighborhoods || printedState === JSON.stringify(store.get())) return;
    try {
      const kind = store.get().selected && profile.current ? 'neighborhood' : 'city';
      printSheet.prepare({ ...printContent(kind), map: briefing(false).toDataURL('image/png') });
      printedState = null;
    } catch (err) {
      status.error(`Could not prepare the print layout: ${errText(err)}`);
    }
  });
  buttons.png.addEventListener('click', exportPng);
  buttons.csv.addEventListener('click', exportCsv);
  buttons.print.addEventListener('click', () => printNow('city'));

  // ---- applying state changes ----
  function applyLayers(s) {
    if (!neighborhoods) return;
    neighborhoods.hotspots.setVisible(s.layers.hotspots);
    neighborhoods.setUnderserved(s.layers.underserved);
    const f = { ...filtersOf(s), partner: s.partner };
    if (points.sites) points.sites.update(f, s.layers.sites);
    if (points.events) points.events.update(f, s.layers.events);
  }

  store.subscribe((s, changed, cause) => {
    if (!neighborhoods) return;
    const filters = changed.has('from') || changed.has('to') || changed.has('categories');
    if (filters) {
      neighborhoods.source.setUrls(filteredUrls(tileJSON.tiles, filtersOf(s)));
      loadCoverage();
      if (s.selected !== null) loadProfile();
    }
    if (filters || changed.has('metric') || changed.has('method') || changed.has('k')) loadBreaks();
    if (filters || changed.has('layers') || changed.has('partner')) {
      applyLayers(s);
      applyClasses();
    }
    if (!filters && (changed.has('metric') || changed.has('sort'))) renderRanking();
    if (changed.has('selected')) {
      neighborhoods.setSelected(s.selected);
      ranking.setSelected(s.selected);
      const known = s.selected ? index.get(s.selected) : null;
      search.showSelected(known ? known.name : '');
      if (!filters) loadProfile();
      if (s.selected !== null && cause !== 'ui') ranking.revealSelected();
    }
    if (changed.has('view') && cause === 'history') applyView(s.view);
    showCount();
  });

  /** @type {import('./tilejson.js').TileJSON} */
  let tileJSON = null;
  /** The point layers being set up (settled() waits for them). */
  const pointLoads = [];

  async function loadPointLayer(kind, url, apiPath) {
    const box = /** @type {HTMLInputElement} */ (doc.getElementById(`layer-${kind}`));
    try {
      const tj = await loadTileJSON(url);
      const p = createPointLayers({
        kind,
        tileJSON: tj,
        apiPath,
        onError: (err) => status.error(`The ${kind} layer: ${errText(err)}`),
      });
      for (const layer of p.layers) {
        map.addLayer(layer);
        const src = layer.getSource();
        src.on('tileloadstart', () => tileLoading(1));
        src.on(['tileloadend', 'tileloaderror'], () => tileLoading(-1));
      }
      points[kind] = p;
      pointLayers.push(p);
      applyLayers(store.get());
      applyClasses(); // the legend's symbol key
    } catch (err) {
      box.disabled = true;
      box.closest('label').classList.add('is-unavailable');
      box.closest('label').title = `Not available: ${errText(err)}`;
    }
  }

  async function loadLayers() {
    // The lists come first: a link may name a category or partner the
    // server no longer knows, which the tiles and lists would refuse.
    const [tj, cats, parts] = await Promise.all([
      loadTileJSON(NEIGHBORHOODS_TILEJSON),
      fetchCategories().then(({ items }) => items, (err) => {
        status.error(`The categories could not be loaded: ${errText(err)}`);
        return null;
      }),
      fetchPartners().then(({ items }) => items, (err) => {
        status.error(`The partners could not be loaded: ${errText(err)}`);
        return null;
      }),
    ]);
    tileJSON = tj;
    const patch = {};
    if (cats) {
      const list = cats.map((c) => ({ id: String(c.id), name: String(c.name ?? c.id) }));
      controls.setCategories(list);
      const known = new Set(list.map((c) => c.id));
      const chosen = store.get().categories;
      const keep = chosen.filter((c) => known.has(c));
      if (keep.length !== chosen.length) {
        problems.push(...chosen.filter((c) => !known.has(c)).map((c) => `category "${c}"`));
        patch.categories = keep.length === known.size ? [] : keep;
      }
    }
    if (parts) {
      for (const p of parts) partners.set(String(p.id), String(p.name));
      controls.setPartners(parts);
      const chosen = store.get().partner;
      if (chosen !== null && !partners.has(chosen)) {
        problems.push(`partner ${chosen}`);
        patch.partner = null;
      }
    }
    if (Object.keys(patch).length) store.set(patch, { history: 'replace', cause: 'link' });
    const s = store.get();
    const source = createNeighborhoodSource(tileJSON, filtersOf(s));
    neighborhoods = createNeighborhoodLayers(source);
    map.addLayer(neighborhoods.base);
    map.addLayer(neighborhoods.hotspots);
    map.addLayer(neighborhoods.highlight);
    neighborhoods.highlight.setZIndex(10);
    neighborhoods.setSelected(s.selected);

    source.on('tileloadstart', () => tileLoading(1));
    source.on(['tileloadend', 'tileloaderror'], () => tileLoading(-1));
    source.on('tileloaderror', () => {
      tileErrors += 1;
      status.error('Some neighborhood tiles could not be loaded.');
    });
    map.on('rendercomplete', () => showCount());

    for (const type of ['pointerdown', 'wheel', 'keydown']) {
      mapEl.addEventListener(type, () => { refitPending = false; }, { passive: true });
    }
    wireInteractions({
      map,
      layers: neighborhoods,
      pointLayers,
      tooltip,
      card,
      valueText,
      onSelect: (id) => select(id),
    });
    const rendered = firstRender(map, source);
    fitView(map, tileJSON, fitPadding(mapEl, cityExtent(tileJSON)));
    if (s.view) applyView(s.view);
    applyLayers(s);
    loadBreaks();
    loadCoverage();
    loadProfile();
    pointLoads.push(loadPointLayer('sites', SITES_TILEJSON, API.sites),
      loadPointLayer('events', EVENTS_TILEJSON, API.events));
    buildNeighborhoodIndex(tileJSON, filteredUrls(tileJSON.tiles, filtersOf(s))).then((idx) => {
      index = idx;
      search.setEntries(idx.values());
      const sel = store.get().selected;
      if (sel) {
        search.showSelected(idx.get(sel) ? idx.get(sel).name : '');
        if (!store.get().view) zoomTo(sel);
      }
    }, (err) => status.error(`The neighborhood list could not be loaded: ${errText(err)}`));
    await rendered;
  }

  const ready = loadLayers();

  /** Resolves once nothing is loading and the map has drawn what it shows. */
  async function settled() {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    await Promise.all(pointLoads);
    for (let i = 0; i < 100; i++) {
      await apiIdle();
      if (printing) await printing.catch(() => {});
      if (pendingTiles > 0) {
        await new Promise((r) => tileWaiters.push(r));
        continue;
      }
      if (map.getView().getAnimating()) {
        await sleep(50);
        continue;
      }
      await renderComplete(map);
      await sleep(50);
      if (pendingTiles === 0 && !apiBusy() && !map.getView().getAnimating()) return;
    }
  }

  exposeTestHook({
    map,
    ready,
    featuresAt: (pixel) => (neighborhoods ? neighborhoodsAt(map, neighborhoods.base, pixel) : []),
    settled,
    state: () => JSON.parse(JSON.stringify(store.get())),
    classAt: (pixel) => {
      let c = null;
      if (neighborhoods) {
        map.forEachFeatureAtPixel(pixel, (f) => {
          c = { id: String(f.get('id')), cls: neighborhoods.featureClass(f) };
          return true;
        }, { layerFilter: (l) => l === neighborhoods.base });
      }
      return c;
    },
  });
  ready.then(
    () => {
      root.dataset.parityState = 'ready';
      buttons.png.disabled = false;
      buttons.print.disabled = false;
      store.set({ view: viewState() }, { history: 'replace', cause: 'map' });
      map.on('moveend', () => store.set({ view: viewState() }, { history: 'replace', cause: 'map' }));
      showCount();
    },
    (err) => {
      root.dataset.parityState = 'error';
      status.error(`Could not load the neighborhoods: ${errText(err)}`);
    },
  );
}

start();
