// Pointer and keyboard interactions with the map:
// hover → tooltip (a site, event or group of events if one is under the
// pointer, else the neighborhood with its value) and highlight;
// click → a site or event opens the feature card, a group of events zooms in
// on it, a neighborhood is selected (profile); Enter on the focused map
// selects what is under the centre crosshair; Escape clears the selection.

import { neighborhoodInfo } from './layers/neighborhoods.js';
import { describePoint } from './layers/points.js';

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
 * The topmost site or event under a pixel.
 * @returns {{feature: import('ol/Feature.js').FeatureLike, kind: 'sites'|'events'}|null}
 */
export function pointAt(map, pointLayers, pixel) {
  let hit = null;
  map.forEachFeatureAtPixel(
    pixel,
    (feature, layer) => {
      hit = { feature, kind: layer.get('name') };
      return true;
    },
    { layerFilter: (l) => pointLayers.some((p) => p.isLayer(l)) && l.getVisible(), hitTolerance: 3 },
  );
  return hit;
}

/**
 * @param {Object} o
 * @param {import('ol/Map.js').default} o.map
 * @param {ReturnType<typeof import('./layers/neighborhoods.js').createNeighborhoodLayers>} o.layers
 * @param {Array<ReturnType<typeof import('./layers/points.js').createPointLayers>>} o.pointLayers
 * @param {ReturnType<typeof import('./ui/tooltip.js').createTooltip>} o.tooltip
 * @param {ReturnType<typeof import('./ui/card.js').createCard>} o.card
 * @param {(feature: import('ol/Feature.js').FeatureLike) => string} o.valueText the hovered neighborhood's value
 * @param {(id: string|null) => void} o.onSelect
 */
export function wireInteractions({ map, layers, pointLayers, tooltip, card, valueText, onSelect }) {
  const target = /** @type {HTMLElement} */ (map.getTargetElement());
  const panel = document.getElementById('panel');

  /** The map's size less what the profile panel covers on its right. */
  function freeSize() {
    const size = map.getSize();
    if (!size || panel.hidden) return size;
    const m = target.getBoundingClientRect();
    const p = panel.getBoundingClientRect();
    return [Math.max(0, Math.min(size[0], p.left - m.left)), size[1]];
  }

  function hover(pixel) {
    const point = pointAt(map, pointLayers, pixel);
    if (point) {
      const what = describePoint(point.feature, point.kind);
      layers.setHovered(null);
      tooltip.show(pixel, what.title, what.kind === 'cluster' ? 'Click to zoom in' : what.lines[0] || '', freeSize());
      target.classList.add('is-hovering');
      return;
    }
    let value = '';
    let hit = null;
    map.forEachFeatureAtPixel(pixel, (feature) => {
      hit = neighborhoodInfo(feature);
      value = valueText(feature);
      return true;
    }, { layerFilter: (l) => l === layers.base, hitTolerance: 0 });
    if (hit) {
      layers.setHovered(hit.id);
      tooltip.show(pixel, hit.name, value, freeSize());
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
    onSelect(hit ? hit.id : null);
    return hit || null;
  }
  function click(pixel) {
    const point = pointAt(map, pointLayers, pixel);
    if (point) {
      const what = describePoint(point.feature, point.kind);
      if (what.kind === 'cluster') {
        const geom = point.feature.getGeometry();
        const view = map.getView();
        const coord = geom && geom.getFlatCoordinates ? geom.getFlatCoordinates().slice(0, 2) : map.getCoordinateFromPixel(pixel);
        view.animate({ center: coord, zoom: Math.min(view.getMaxZoom(), view.getZoom() + 2), duration: 250 });
        card.hide();
        return;
      }
      card.show(pixel, what, freeSize());
      return;
    }
    card.hide();
    // The profile opens where the tooltip may be; it comes back on the next move.
    tooltip.hide();
    selectAt(pixel);
  }

  map.on('pointermove', (evt) => {
    if (evt.dragging) {
      unhover();
      return;
    }
    hover(evt.pixel);
  });
  map.getViewport().addEventListener('pointerleave', unhover);
  map.on('singleclick', (evt) => click(evt.pixel));

  target.addEventListener('keydown', (evt) => {
    if (evt.target !== target || evt.altKey || evt.ctrlKey || evt.metaKey) return;
    if (evt.key === 'Enter') {
      const size = map.getSize();
      if (size) selectAt([size[0] / 2, size[1] / 2]);
      evt.preventDefault();
    } else if (evt.key === 'Escape') {
      card.hide();
      onSelect(null);
      evt.preventDefault();
    }
  });

  return { selectAt };
}
