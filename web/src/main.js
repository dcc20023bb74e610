// parity — page entry point. Wires map setup (map.js), data layers
// (layers/*), interactions and UI widgets (ui/*) together. New layers
// (program sites, events, coverage) get their own module under layers/ and
// are added in loadLayers().

import { NEIGHBORHOODS_TILEJSON, FIT_PADDING } from './config.js';
import { loadTileJSON } from './tilejson.js';
import { createMap, fitView } from './map.js';
import { createNeighborhoodSource, createNeighborhoodLayers } from './layers/neighborhoods.js';
import { wireInteractions, neighborhoodsAt } from './interactions.js';
import { createStatus } from './ui/status.js';
import { createTooltip } from './ui/tooltip.js';
import { createPanel } from './ui/panel.js';
import { exposeTestHook } from './testhook.js';

/**
 * Padding for fitting the view: keep the data clear of the side panel where
 * it floats over the map's right edge (wide screens) or bottom (narrow ones).
 * @param {HTMLElement} mapEl
 * @param {HTMLElement} panelEl
 * @returns {number[]} [top, right, bottom, left]
 */
function fitPadding(mapEl, panelEl) {
  const pad = [FIT_PADDING, FIT_PADDING, FIT_PADDING, FIT_PADDING];
  const m = mapEl.getBoundingClientRect();
  const p = panelEl.getBoundingClientRect();
  if (p.width > 0 && p.width < m.width * 0.5) {
    pad[1] += Math.max(0, m.right - p.left);
  } else if (p.height > 0 && p.height < m.height * 0.5) {
    pad[2] += Math.max(0, m.bottom - p.top);
  }
  return pad;
}

/**
 * Resolves once the layer's first tiles have loaded and the map has finished
 * rendering them; rejects if tiles only failed.
 * @param {import('ol/Map.js').default} map
 * @param {import('ol/source/VectorTile.js').default} source
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

function start() {
  const doc = document;
  const root = doc.documentElement;
  root.dataset.parityState = 'loading';

  const mapEl = doc.getElementById('map');
  const panelEl = doc.getElementById('panel');
  const status = createStatus(doc.getElementById('status'));
  const tooltip = createTooltip(doc.getElementById('tooltip'));
  const map = createMap(mapEl);

  /** @type {ReturnType<typeof createNeighborhoodLayers>|null} */
  let neighborhoods = null;
  /** @type {ReturnType<typeof wireInteractions>|null} */
  let interactions = null;
  let tileErrors = 0;

  const panel = createPanel(doc, {
    onClose() {
      if (interactions) interactions.clearSelection();
      mapEl.focus();
    },
  });

  // Status line: how many neighborhoods the current view shows.
  function showCount() {
    const extent = map.getView().calculateExtent(map.getSize());
    const ids = new Set(neighborhoods.base.getFeaturesInExtent(extent).map((f) => f.get('id')));
    const text = `${ids.size} neighborhood${ids.size === 1 ? '' : 's'} in view`;
    if (tileErrors > 0) status.error(`${text}; some tiles could not be loaded.`);
    else status.info(text);
  }

  async function loadLayers() {
    const tj = await loadTileJSON(NEIGHBORHOODS_TILEJSON);
    const source = createNeighborhoodSource(tj);
    neighborhoods = createNeighborhoodLayers(source);
    map.addLayer(neighborhoods.base);
    map.addLayer(neighborhoods.highlight);

    source.on('tileloaderror', () => {
      tileErrors += 1;
      status.error('Some neighborhood tiles could not be loaded.');
    });
    // Counted once the view's tiles are in (after moveend they may not be).
    map.on('rendercomplete', () => {
      if (root.dataset.parityState === 'ready') showCount();
    });

    interactions = wireInteractions({ map, layers: neighborhoods, tooltip, panel });
    const rendered = firstRender(map, source);
    fitView(map, tj, fitPadding(mapEl, panelEl));
    await rendered;
  }

  const ready = loadLayers();
  exposeTestHook({
    map,
    ready,
    featuresAt: (pixel) => (neighborhoods ? neighborhoodsAt(map, neighborhoods.base, pixel) : []),
  });
  ready.then(
    () => {
      root.dataset.parityState = 'ready';
      showCount();
    },
    (err) => {
      root.dataset.parityState = 'error';
      status.error(`Could not load the neighborhoods: ${err && err.message ? err.message : err}`);
    },
  );
}

start();
