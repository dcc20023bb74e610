// Point layers: program sites and events.
//
// Normally both come from the server's GeoJSON tiles (/tiles/sites,
// /tiles/events) with the date window and categories as query parameters.
// Features say what they are in `kind`: sites tiles hold `site`s and, for
// confidential sites, one `sensitive_sites` point per neighborhood with a
// `sensitive_count` (never where they are); events tiles hold `cluster`s
// (`count`, and `categories`: counts per category) at low zoom and single
// `event`s close up.
//
// The tiles know no partner, so when the planner picks one partner the layer
// switches to the JSON API's list for that partner (/api/sites and
// /api/events take `partner`), drawn from a plain vector source; events are
// then clustered in the browser (ol/source/Cluster) so that low zooms stay
// readable. Sensitive sites never come with a location without a token, so
// neither path can show one.

import VectorTileSource from 'ol/source/VectorTile.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorSource from 'ol/source/Vector.js';
import VectorLayer from 'ol/layer/Vector.js';
import Cluster from 'ol/source/Cluster.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { fromLonLat } from 'ol/proj.js';
import { filteredUrls } from './neighborhoods.js';
import { filterParams, getAll } from '../api.js';
import { siteStyle, eventStyle, clusterStyle, confidentialStyle } from '../symbols.js';
import { formatDateTime } from '../format.js';

const refName = (v) => (v && typeof v === 'object' ? v.name : v);
const refId = (v) => (v && typeof v === 'object' ? v.id : undefined);

/**
 * Number of events a feature stands for: `count` on a cluster (tile or
 * browser cluster), 1 for a single event.
 */
export function eventCount(feature) {
  const members = feature.get('features');
  if (Array.isArray(members)) {
    return members.reduce((n, f) => n + eventCount(f), 0);
  }
  const c = feature.get('count');
  return typeof c === 'number' && Number.isFinite(c) ? c : 1;
}

/**
 * Per-category counts of a cluster: a `categories` (or `by_category`)
 * object, or `count_<category>` properties; for browser clusters, counted
 * from the members.
 * @returns {Array<[string, number]>} largest first
 */
export function clusterCategories(feature) {
  const counts = new Map();
  const add = (k, n) => counts.set(k, (counts.get(k) || 0) + n);
  const members = feature.get('features');
  if (Array.isArray(members)) {
    for (const m of members) {
      for (const [k, n] of clusterCategories(m)) add(k, n);
    }
  } else {
    const obj = feature.get('categories') || feature.get('by_category');
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      for (const [k, n] of Object.entries(obj)) if (Number.isFinite(n)) add(k, n);
    } else if (Array.isArray(obj)) {
      for (const e of obj) if (e && Number.isFinite(e.count)) add(String(e.category ?? e.name), e.count);
    }
    for (const k of feature.getKeys ? feature.getKeys() : Object.keys(feature.getProperties())) {
      const m = /^count_(.+)$/.exec(k);
      if (m && Number.isFinite(feature.get(k))) add(m[1].replace(/_/g, ' '), feature.get(k));
    }
    if (counts.size === 0 && typeof feature.get('category') === 'string') add(feature.get('category'), eventCount(feature));
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** A group of events (a tile's cluster, or a browser cluster of several). */
function isCluster(feature) {
  const members = feature.get('features');
  if (Array.isArray(members)) return members.length > 1;
  return feature.get('kind') === 'cluster';
}

/** The one category of a cluster that has only one, else null. */
function soleCategory(feature) {
  const cats = clusterCategories(feature);
  return cats.length === 1 ? cats[0][0] : null;
}

/**
 * What a point feature is, for the tooltip and the feature card.
 * @returns {{kind: 'site'|'event'|'cluster', title: string, lines: string[], count?: number}}
 */
export function describePoint(feature, kind) {
  if (kind === 'sites' && feature.get('kind') === 'sensitive_sites') {
    const n = Number(feature.get('sensitive_count')) || 0;
    const where = feature.get('neighborhood_name') || feature.get('neighborhood') || 'this neighborhood';
    return {
      kind: 'site',
      title: `${n} confidential site${n === 1 ? '' : 's'}`,
      lines: [`In ${where}; the location is not shown.`],
    };
  }
  if (kind === 'events') {
    const n = eventCount(feature);
    const members = feature.get('features');
    if (isCluster(feature)) {
      return {
        kind: 'cluster',
        title: `${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'}`,
        lines: clusterCategories(feature).map(([c, k]) => `${c}: ${k.toLocaleString('en-US')}`),
        count: n,
      };
    }
    const f = Array.isArray(members) ? members[0] : feature;
    const when = f.get('starts_at');
    const lines = [];
    if (f.get('category')) lines.push(`Event · ${f.get('category')}`);
    if (when) lines.push(formatDateTime(when));
    const program = refName(f.get('program'));
    const partner = refName(f.get('partner'));
    if (program) lines.push(`Program: ${program}`);
    if (partner) lines.push(`Partner: ${partner}`);
    if (Number.isFinite(f.get('attendance'))) lines.push(`Attendance: ${f.get('attendance').toLocaleString('en-US')}`);
    return { kind: 'event', title: String(f.get('title') ?? 'Event'), lines };
  }
  const lines = [];
  if (feature.get('category')) lines.push(`Program site · ${feature.get('category')}`);
  const program = refName(feature.get('program'));
  const partner = refName(feature.get('partner'));
  if (program) lines.push(`Program: ${program}`);
  if (partner) lines.push(`Partner: ${partner}`);
  if (feature.get('address')) lines.push(String(feature.get('address')));
  if (Number.isFinite(feature.get('capacity'))) lines.push(`Capacity: ${feature.get('capacity').toLocaleString('en-US')}`);
  return { kind: 'site', title: String(feature.get('name') ?? 'Program site'), lines };
}

/** An API item ({location: GeoJSON Point, ...}) as a map feature. */
function itemFeature(item) {
  const loc = item.location;
  if (!loc || loc.type !== 'Point' || !Array.isArray(loc.coordinates)) return null;
  const { location, ...props } = item;
  const f = new Feature({ ...props, geometry: new Point(fromLonLat(loc.coordinates.slice(0, 2))) });
  f.set('partner_id', refId(item.partner));
  return f;
}

/**
 * @param {Object} o
 * @param {'sites'|'events'} o.kind
 * @param {import('../tilejson.js').TileJSON} o.tileJSON
 * @param {string} o.apiPath
 * @param {(err: Error) => void} [o.onError]
 */
export function createPointLayers({ kind, tileJSON, apiPath, onError }) {

  const style = kind === 'sites'
    ? (feature) => (feature.get('kind') === 'sensitive_sites'
      ? confidentialStyle(Number(feature.get('sensitive_count')) || 0)
      : siteStyle(String(feature.get('category') ?? '')))
    : (feature) => {
      const members = feature.get('features');
      if (Array.isArray(members) && members.length === 1) return eventStyle(String(members[0].get('category') ?? ''));
      if (isCluster(feature)) {
        const n = eventCount(feature);
        // A "cluster" of one event is drawn as the event.
        const sole = n === 1 ? soleCategory(feature) : null;
        return sole ? eventStyle(sole) : clusterStyle(n);
      }
      return eventStyle(String(feature.get('category') ?? ''));
    };

  const tileSource = new VectorTileSource({
    format: new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }),
    urls: tileJSON.tiles,
    minZoom: tileJSON.minzoom,
    maxZoom: tileJSON.maxzoom,
    tileSize: 256,
    wrapX: false,
  });
  tileSource.on('tileloaderror', () => onError && onError(new Error(`some ${kind} tiles could not be loaded`)));
  const tileLayer = new VectorTileLayer({
    source: tileSource,
    style,
    renderMode: 'hybrid',
    visible: false,
    zIndex: kind === 'sites' ? 20 : 15,
    properties: { name: kind },
  });

  const listSource = new VectorSource();
  const apiLayer = new VectorLayer({
    source: kind === 'events' ? new Cluster({ source: listSource, distance: 36, minDistance: 8 }) : listSource,
    style,
    visible: false,
    zIndex: kind === 'sites' ? 20 : 15,
    properties: { name: kind },
  });

  let controller = null;
  let current = '';

  return {
    layers: [tileLayer, apiLayer],
    /**
     * Show the layer for these filters (or hide it).
     * @param {{from: string, to: string, categories: string[], partner: string|null}} f
     * @param {boolean} visible
     */
    update(f, visible) {
      const key = JSON.stringify([f.from, f.to, f.categories, f.partner]);
      tileLayer.setVisible(visible && !f.partner);
      apiLayer.setVisible(visible && Boolean(f.partner));
      if (!visible || key === current) return;
      current = key;
      if (controller) controller.abort();
      controller = null;
      if (!f.partner) {
        listSource.clear();
        tileSource.setUrls(filteredUrls(tileJSON.tiles, f));
        return;
      }
      const q = filterParams(f);
      q.set('partner', f.partner);
      controller = new AbortController();
      const ctl = controller;
      getAll(apiPath, q, { signal: ctl.signal }).then(
        ({ items }) => {
          if (ctl.signal.aborted) return;
          listSource.clear();
          listSource.addFeatures(items.map(itemFeature).filter(Boolean));
        },
        (err) => {
          if (!ctl.signal.aborted && onError) onError(err);
        },
      );
    },
    /** The layer currently shown (for hit tests). */
    isLayer: (layer) => layer === tileLayer || layer === apiLayer,
  };
}
