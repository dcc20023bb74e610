// Map setup: the OpenLayers map, its view and controls. No basemap: nothing
// may be loaded from another host, so the map shows the data on a plain
// background. The default 2D canvas renderer is used, so the map can later be
// exported as a PNG (canvas pixels are same-origin, never tainted).

import Map from 'ol/Map.js';
import View from 'ol/View.js';
import { defaults as defaultControls } from 'ol/control/defaults.js';
import ScaleLine from 'ol/control/ScaleLine.js';
import { fromLonLat, transformExtent } from 'ol/proj.js';

/**
 * @param {HTMLElement} target the map's container (focusable, for keyboard pan/zoom)
 * @returns {Map}
 */
export function createMap(target) {
  return new Map({
    target,
    layers: [],
    controls: defaultControls({ attribution: false, rotate: false }).extend([
      new ScaleLine({ units: 'us' }),
    ]),
    view: new View({
      projection: 'EPSG:3857',
      center: [0, 0],
      zoom: 1,
      enableRotation: false,
    }),
  });
}

/**
 * Fit the view to a lon/lat bounding box (or, without one, centre it on a
 * [lon, lat, zoom] point), keeping clear of whatever covers the map's right
 * side (the side panel) so the whole city stays visible.
 * @param {Map} map
 * @param {{bounds?: number[], center?: number[], minzoom: number, maxzoom: number}} tj
 * @param {number[]} padding [top, right, bottom, left] in CSS pixels
 */
export function fitView(map, tj, padding) {
  const view = map.getView();
  view.setMinZoom(Math.max(0, tj.minzoom - 2));
  view.setMaxZoom(Math.min(28, tj.maxzoom + 2));
  if (tj.bounds) {
    const extent = transformExtent(tj.bounds, 'EPSG:4326', 'EPSG:3857');
    view.fit(extent, { padding, size: map.getSize() });
  } else if (tj.center) {
    view.setCenter(fromLonLat(tj.center.slice(0, 2)));
    view.setZoom(Number.isFinite(tj.center[2]) ? tj.center[2] : 12);
  }
}
