// The neighborhoods: a choropleth from the server's GeoJSON XYZ tiles, whose
// features carry the coverage metrics for the requested date window and
// categories as properties (so a filter change re-requests the tiles with
// new from/to/category, and a metric change only re-styles them).
//
// Why a VectorTile source + layer (and not ol/source/Vector with a tile
// loading strategy): the server clips every polygon to its tile plus a small
// buffer, so one neighborhood arrives as several pieces. A plain Vector source
// would hold all those pieces as separate, overlapping features, and their
// outlines would draw the clip lines across the neighborhood (visible seams),
// and semi-transparent fills would be darker where the buffers overlap.
// The VectorTile layer instead renders each tile's features clipped to that
// tile's own extent: the buffer (and with it the clip line, which lies in the
// buffer) is cut away, so fills meet seamlessly and only true neighborhood
// boundaries get an outline.
//
// Layers on the one source: `base` (class fills, boundaries, underserved
// outlines), `hotspots` (hatching of Getis-Ord Gi* hot and cold spots,
// optional), and `highlight` ('vector' render mode, cheap to re-render on
// every hover: only the hovered and the selected neighborhood, matched by
// `id` across all the tiles it appears in).

import VectorTileSource from 'ol/source/VectorTile.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import { classOf, NO_DATA_COLOR, SUPPRESSED_COLOR } from '../classes.js';
import { suppressedTile, hotspotTile, fillPattern, hotspotClass } from '../patterns.js';
import { filterParams } from '../api.js';

/** Outline colours, also used by the legend and the export. */
export const OUTLINES = Object.freeze({
  boundary: 'rgba(255, 255, 255, 0.85)',
  underserved: '#7f1d1d',
  underservedWidth: 3,
});
/** Fill while the class breaks are not known yet. */
const PENDING_FILL = '#e4e7e9';

/**
 * Tile URL templates with the filters as query parameters.
 * @param {string[]} templates
 * @param {{from: string, to: string, categories: string[]}} filters
 */
export function filteredUrls(templates, filters) {
  const query = filterParams(filters).toString();
  return templates.map((t) => `${t}${t.includes('?') ? '&' : '?'}${query}`);
}

/**
 * @param {import('../tilejson.js').TileJSON} tj
 * @param {{from: string, to: string, categories: string[]}} filters
 * @returns {VectorTileSource}
 */
export function createNeighborhoodSource(tj, filters) {
  return new VectorTileSource({
    format: new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }),
    urls: filteredUrls(tj.tiles, filters),
    minZoom: tj.minzoom,
    maxZoom: tj.maxzoom,
    // Standard 256 px XYZ tiles: zoom level z is requested at the resolution
    // the server simplifies it for.
    tileSize: 256,
    wrapX: false,
  });
}

const boundaryStroke = new Stroke({ color: OUTLINES.boundary, width: 0.8 });
const underservedStyle = new Style({
  stroke: new Stroke({ color: OUTLINES.underserved, width: OUTLINES.underservedWidth }),
  zIndex: 3,
});
const hoverStyle = new Style({
  fill: new Fill({ color: 'rgba(255, 255, 255, 0.28)' }),
  stroke: new Stroke({ color: '#1d2a33', width: 1.75 }),
  zIndex: 1,
});
const selectedStyles = [
  new Style({ stroke: new Stroke({ color: '#ffffff', width: 6 }), zIndex: 2 }),
  new Style({ stroke: new Stroke({ color: '#111a20', width: 3 }), zIndex: 3 }),
];

/**
 * The layers showing neighborhoods, the choropleth's classes, and which
 * neighborhood is hovered and which selected (by `id` property).
 * @param {VectorTileSource} source
 */
export function createNeighborhoodLayers(source) {
  let metricKey = null;
  /** @type {number[]} */
  let breaks = [];
  /** @type {Style[]} */
  let classStyles = [];
  let showUnderserved = true;
  const pendingStyle = new Style({ fill: new Fill({ color: PENDING_FILL }), stroke: boundaryStroke });
  const noDataStyle = new Style({ fill: new Fill({ color: NO_DATA_COLOR }), stroke: boundaryStroke });
  const suppressedStyle = new Style({
    fill: new Fill({ color: fillPattern(suppressedTile(SUPPRESSED_COLOR)) }),
    stroke: boundaryStroke,
  });

  /** Class index of a feature: >= 0 a class, -1 no data, -2 suppressed. */
  function featureClass(feature) {
    const c = classOf(feature.get(metricKey), breaks);
    if (c >= 0) return c;
    return feature.get('suppressed') === true ? -2 : -1;
  }

  const base = new VectorTileLayer({
    source,
    renderMode: 'hybrid',
    properties: { name: 'neighborhoods' },
    style(feature) {
      let fill;
      if (!metricKey || classStyles.length === 0) fill = pendingStyle;
      else {
        const c = featureClass(feature);
        fill = c >= 0 ? classStyles[c] : c === -2 ? suppressedStyle : noDataStyle;
      }
      return showUnderserved && feature.get('underserved') === true ? [fill, underservedStyle] : fill;
    },
  });

  const hotspotStyles = new Map();
  const hotspots = new VectorTileLayer({
    source,
    renderMode: 'hybrid',
    visible: false,
    properties: { name: 'hotspots' },
    style(feature) {
      const h = hotspotClass(feature.get('gi_bin'));
      if (!h) return undefined;
      const key = `${h.type}:${h.level}`;
      if (!hotspotStyles.has(key)) {
        hotspotStyles.set(key, new Style({ fill: new Fill({ color: fillPattern(hotspotTile(h.type, h.level)) }) }));
      }
      return hotspotStyles.get(key);
    },
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
      if (id === selectedId) return selectedStyles;
      if (id === hoveredId) return hoverStyle;
      return undefined;
    },
  });

  return {
    base,
    hotspots,
    highlight,
    source,
    /**
     * Colour by a metric with these class breaks and colours.
     * @param {string} key property name
     * @param {number[]} upperBounds
     * @param {string[]} colors one per class
     */
    setClasses(key, upperBounds, colors) {
      metricKey = key;
      breaks = upperBounds.slice();
      classStyles = colors.map((color) => new Style({ fill: new Fill({ color }), stroke: boundaryStroke }));
      base.changed();
    },
    /** Class index of a feature (-1 no data, -2 suppressed). */
    featureClass,
    /** @param {boolean} on */
    setUnderserved(on) {
      if (on === showUnderserved) return;
      showUnderserved = on;
      base.changed();
    },
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
