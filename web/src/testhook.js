// A small, read-only hook for browser tests (and curious humans in the
// devtools console): `window.parity`.
//
//   parity.map                  the ol/Map (for getPixelFromCoordinate etc.)
//   parity.ready                Promise: resolves once the first neighborhood
//                               tiles have loaded and been rendered; rejects
//                               if the TileJSON or every tile failed to load
//   parity.settled()            Promise: resolves once no API request and no
//                               tile is loading, no animation runs, and the
//                               map has rendered
//   parity.state()              a copy of the page's state (what the URL says)
//   parity.featuresAt([x, y])   distinct neighborhoods drawn at a map pixel:
//                               [{id, name, population|null}], topmost first
//   parity.classAt([x, y])      {id, cls} of the neighborhood at a pixel: its
//                               choropleth class (0-based; -1 no data,
//                               -2 suppressed), or null
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
 * @param {() => Promise<void>} o.settled
 * @param {() => Object} o.state
 * @param {(pixel: number[]) => ({id: string, cls: number}|null)} o.classAt
 */
export function exposeTestHook({ map, ready, featuresAt, settled, state, classAt }) {
  const px = (pixel) => [Number(pixel[0]), Number(pixel[1])];
  const hook = Object.freeze({
    map,
    ready,
    settled,
    state,
    featuresAt: (pixel) => featuresAt(px(pixel)),
    classAt: (pixel) => classAt(px(pixel)),
    pixelFromLonLat: (lonLat) => {
      const p = map.getPixelFromCoordinate(fromLonLat([Number(lonLat[0]), Number(lonLat[1])]));
      return p ? [p[0], p[1]] : null;
    },
  });
  Object.defineProperty(window, 'parity', { value: hook, writable: false, configurable: false });
}
