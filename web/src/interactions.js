// Pointer and keyboard interactions with the neighborhoods layer:
// hover → highlight + tooltip, click → select + side panel,
// Enter on the focused map → select what is under the centre crosshair,
// Escape → clear the selection.

import { neighborhoodInfo } from './layers/neighborhoods.js';

/**
 * Distinct neighborhoods under a map pixel, topmost first.
 * @param {import('ol/Map.js').default} map
 * @param {import('ol/layer/VectorTile.js').default} layer
 * @param {number[]} pixel
 * @returns {Array<{id: string, name: string, population: number|null}>}
 */
export function neighborhoodsAt(map, layer, pixel) {
  const seen = new Set();
  const out = [];
  map.forEachFeatureAtPixel(
    pixel,
    (feature) => {
      const info = neighborhoodInfo(feature);
      if (!seen.has(info.id)) {
        seen.add(info.id);
        out.push(info);
      }
    },
    { layerFilter: (l) => l === layer, hitTolerance: 0 },
  );
  return out;
}

/**
 * @param {Object} o
 * @param {import('ol/Map.js').default} o.map
 * @param {ReturnType<typeof import('./layers/neighborhoods.js').createNeighborhoodLayers>} o.layers
 * @param {ReturnType<typeof import('./ui/tooltip.js').createTooltip>} o.tooltip
 * @param {ReturnType<typeof import('./ui/panel.js').createPanel>} o.panel
 */
export function wireInteractions({ map, layers, tooltip, panel }) {
  const target = /** @type {HTMLElement} */ (map.getTargetElement());

  function hover(pixel) {
    const [hit] = neighborhoodsAt(map, layers.base, pixel);
    if (hit) {
      layers.setHovered(hit.id);
      tooltip.show(pixel, hit.name, map.getSize());
      target.classList.add('is-hovering');
    } else {
      unhover();
    }
  }
  function unhover() {
    layers.setHovered(null);
    tooltip.hide();
    target.classList.remove('is-hovering');
  }
  function selectAt(pixel) {
    const [hit] = neighborhoodsAt(map, layers.base, pixel);
    if (hit) {
      layers.setSelected(hit.id);
      panel.show(hit);
    } else {
      clearSelection();
    }
    return hit || null;
  }
  function clearSelection() {
    layers.setSelected(null);
    panel.clear();
  }

  map.on('pointermove', (evt) => {
    if (evt.dragging) {
      unhover();
      return;
    }
    hover(evt.pixel);
  });
  map.getViewport().addEventListener('pointerleave', unhover);
  map.on('singleclick', (evt) => selectAt(evt.pixel));

  target.addEventListener('keydown', (evt) => {
    if (evt.target !== target || evt.altKey || evt.ctrlKey || evt.metaKey) return;
    if (evt.key === 'Enter') {
      const size = map.getSize();
      if (size) selectAt([size[0] / 2, size[1] / 2]);
      evt.preventDefault();
    } else if (evt.key === 'Escape') {
      clearSelection();
      evt.preventDefault();
    }
  });

  return { selectAt, clearSelection };
}
