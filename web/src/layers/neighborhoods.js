// The neighborhoods layer: polygons from the server's GeoJSON XYZ tiles.
//
// Why a VectorTile source + layer (and not ol/source/Vector with a tile
// loading strategy): the server clips every polygon to its tile plus a small
// buffer, so one neighborhood arrives as several pieces. A plain Vector source
// would hold all those pieces as separate, overlapping features, and their
// outlines would draw the clip lines across the neighborhood (visible seams),
// and the semi-transparent fill would be darker where the buffers overlap.
// The VectorTile layer instead renders each tile's features clipped to that
// tile's own extent: the buffer (and with it the clip line, which lies in the
// buffer) is cut away, so fills meet seamlessly and only true neighborhood
// boundaries get an outline. OpenLayers' VectorTile source reads GeoJSON tiles
// with its default loader: the GeoJSON format turns lon/lat (EPSG:4326) into
// the view's EPSG:3857.
//
// Hover/selection highlighting uses a second VectorTile layer on the same
// source in 'vector' render mode whose style draws only the highlighted id
// (the pattern of OpenLayers' vector tile selection example): cheap to
// re-render on every hover change, and it matches a neighborhood across all
// the tiles it appears in, since it compares the `id` property.

import VectorTileSource from 'ol/source/VectorTile.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Fill, Stroke, Style } from 'ol/style.js';

/** Colours of the neighborhood layer; tests and later layers may reuse them. */
export const COLORS = Object.freeze({
  fill: 'rgba(31, 111, 139, 0.22)',
  stroke: 'rgba(22, 66, 88, 0.85)',
  hoverFill: 'rgba(242, 169, 0, 0.35)',
  hoverStroke: 'rgba(168, 102, 0, 1)',
  selectedFill: 'rgba(194, 65, 12, 0.30)',
  selectedStroke: 'rgba(154, 52, 18, 1)',
});

const baseStyle = new Style({
  fill: new Fill({ color: COLORS.fill }),
  stroke: new Stroke({ color: COLORS.stroke, width: 1.25 }),
});
const hoverStyle = new Style({
  fill: new Fill({ color: COLORS.hoverFill }),
  stroke: new Stroke({ color: COLORS.hoverStroke, width: 2 }),
  zIndex: 1,
});
const selectedStyle = new Style({
  fill: new Fill({ color: COLORS.selectedFill }),
  stroke: new Stroke({ color: COLORS.selectedStroke, width: 3 }),
  zIndex: 2,
});

/**
 * @param {import('../tilejson.js').TileJSON} tj
 * @returns {VectorTileSource}
 */
export function createNeighborhoodSource(tj) {
  return new VectorTileSource({
    format: new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }),
    urls: tj.tiles,
    minZoom: tj.minzoom,
    maxZoom: tj.maxzoom,
    // Standard 256 px XYZ tiles: zoom level z is requested at the resolution
    // the server simplifies it for.
    tileSize: 256,
    wrapX: false,
  });
}

/**
 * The layers showing neighborhoods, plus the state of which one is hovered
 * and which is selected (by `id` property).
 * @param {VectorTileSource} source
 */
export function createNeighborhoodLayers(source) {
  const base = new VectorTileLayer({
    source,
    style: baseStyle,
    renderMode: 'hybrid',
    properties: { name: 'neighborhoods' },
  });

  let hoveredId = null;
  let selectedId = null;
  const highlight = new VectorTileLayer({
    source,
    renderMode: 'vector',
    properties: { name: 'neighborhoods-highlight' },
    style(feature) {
      const id = feature.get('id');
      if (id === undefined || id === null) return undefined;
      if (id === selectedId) return selectedStyle;
      if (id === hoveredId) return hoverStyle;
      return undefined;
    },
  });

  return {
    base,
    highlight,
    /** @param {string|null} id */
    setHovered(id) {
      if (id === hoveredId) return;
      hoveredId = id;
      highlight.changed();
    },
    /** @param {string|null} id */
    setSelected(id) {
      if (id === selectedId) return;
      selectedId = id;
      highlight.changed();
    },
    getSelected: () => selectedId,
  };
}

/**
 * Plain properties of a neighborhood feature (what the UI shows).
 * @param {import('ol/Feature.js').FeatureLike} feature
 * @returns {{id: string, name: string, population: number|null}}
 */
export function neighborhoodInfo(feature) {
  const id = feature.get('id');
  const name = feature.get('name');
  const population = feature.get('population');
  return {
    id: id === undefined || id === null ? '' : String(id),
    name: typeof name === 'string' && name !== '' ? name : '(unnamed)',
    population: typeof population === 'number' && Number.isFinite(population) ? population : null,
  };
}
