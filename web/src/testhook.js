// A small, read-only hook for browser tests (and curious humans in the
// devtools console): `window.parity`.
//
//   parity.map                  the ol/Map (for getPixelFromCoordinate etc.)
//   parity.ready                Promise: resolves once the first neighborhood
//                               tiles have loaded and been rendered; rejects
//                               if the TileJSON or every tile failed to load
//   parity.featuresAt([x, y])   distinct neighborhoods drawn at a map pixel:
//                               [{id, name, population|null}], topmost first
//   parity.pixelFromLonLat([lon, lat])
//                               the map pixel [x, y] of a lon/lat position
//
// <html data-parity-state="loading|ready|error"> mirrors `ready`.
// Nothing here changes the page; tests use real pointer and keyboard input.

import { fromLonLat } from 'ol/proj.js';

/**
 * @param {Object} o
 * @param {import('ol/Map.js').default} o.map
 * @param {Promise<void>} o.ready
 * @param {(pixel: number[]) => Array<{id: string, name: string, population: number|null}>} o.featuresAt
 */
export function exposeTestHook({ map, ready, featuresAt }) {
  const hook = Object.freeze({
    map,
    ready,
    featuresAt: (pixel) => featuresAt([Number(pixel[0]), Number(pixel[1])]),
    pixelFromLonLat: (lonLat) => {
      const px = map.getPixelFromCoordinate(fromLonLat([Number(lonLat[0]), Number(lonLat[1])]));
      return px ? [px[0], px[1]] : null;
    },
  });
  Object.defineProperty(window, 'parity', { value: hook, writable: false, configurable: false });
}
