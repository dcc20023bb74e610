// The page's whole state, and its home in the URL's query string, so that a
// copied link reopens exactly the same view and back/forward step through
// the planner's choices.
//
//   ?metric=gap&method=quantile&k=5          what colours the map
//   &from=2025-11-30&to=2026-11-28&window=365 date window (window: the preset
//                                            it came from, if any)
//   &category=prevention,reentry             categories (absent: all)
//   &partner=12                              partner id (absent: all)
//   &n=N045                                  selected neighborhood
//   &layers=sites,underserved                layers shown (absent: defaults)
//   &sort=gap:desc                           ranking table order (absent: default)
//   &map=12.50/33.52010/-86.80000            zoom/lat/lon (absent: fit the city)
//
// A window is always written as explicit dates, so a link to "the last 90
// days" shows the same days when it is opened later; `window` only says
// which preset button was used.
//
// Choices (filters, metric, selection, layers, sort) push a history entry;
// moving the map replaces the current one, so Back undoes a choice rather
// than every pan.

import {
  METRIC_KEYS, CLASS_METHODS, MIN_CLASSES, MAX_CLASSES, WINDOW_PRESETS, DEFAULTS, LAYER_KEYS,
} from './config.js';
import { validDate, presetWindow, today } from './dates.js';

const METHOD_KEYS = CLASS_METHODS.map((m) => m.key);
const ID_RE = /^[^\s/?#&=,][^/?#&=,]{0,63}$/u;
const CATEGORY_RE = /^[a-z0-9 _-]{1,48}$/;

/**
 * @typedef {Object} ViewState
 * @property {number[]} center [lon, lat]
 * @property {number} zoom
 *
 * @typedef {Object} State
 * @property {string} metric
 * @property {string} method
 * @property {number} k
 * @property {string} from "YYYY-MM-DD"
 * @property {string} to
 * @property {number|null} preset the preset (days) the window came from
 * @property {string[]} categories sorted; empty = every category
 * @property {string|null} partner partner id
 * @property {string|null} selected neighborhood id
 * @property {{sites: boolean, events: boolean, hotspots: boolean, underserved: boolean}} layers
 * @property {{key: string, dir: 'asc'|'desc'}|null} sort
 * @property {ViewState|null} view null: fit the whole city
 */

/** The state when the URL says nothing. */
export function defaultState(now = today()) {
  const w = presetWindow(DEFAULTS.preset, now);
  return {
    metric: DEFAULTS.metric,
    method: DEFAULTS.method,
    k: DEFAULTS.k,
    from: w.from,
    to: w.to,
    preset: DEFAULTS.preset,
    categories: [],
    partner: null,
    selected: null,
    layers: { ...DEFAULTS.layers },
    sort: null,
    view: null,
  };
}

/**
 * Reads a state from a query string; anything missing or invalid takes its
 * default (and is named in `problems`, for the status line).
 * @param {string} search e.g. location.search
 * @param {string} [now] today's date
 * @returns {{state: State, problems: string[]}}
 */
export function parseState(search, now = today()) {
  const q = new URLSearchParams(search);
  const s = defaultState(now);
  const problems = [];
  const bad = (name) => problems.push(name);

  const metric = q.get('metric');
  if (metric !== null) {
    if (METRIC_KEYS.includes(metric)) s.metric = metric; else bad('metric');
  }
  const method = q.get('method');
  if (method !== null) {
    if (METHOD_KEYS.includes(method)) s.method = method; else bad('method');
  }
  const k = q.get('k');
  if (k !== null) {
    const n = Number(k);
    if (/^\d$/.test(k) && n >= MIN_CLASSES && n <= MAX_CLASSES) s.k = n; else bad('k');
  }

  const win = q.get('window');
  const preset = win !== null && WINDOW_PRESETS.includes(Number(win)) ? Number(win) : null;
  if (win !== null && preset === null) bad('window');
  const from = q.get('from');
  const to = q.get('to');
  if (from !== null || to !== null) {
    if (validDate(from) && validDate(to) && from <= to) {
      s.from = from;
      s.to = to;
      s.preset = preset;
    } else {
      bad('from/to');
    }
  } else if (preset !== null) {
    Object.assign(s, presetWindow(preset, now));
    s.preset = preset;
  }

  const category = q.get('category');
  if (category !== null) {
    const names = category.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
    if (names.length > 0 && names.every((c) => CATEGORY_RE.test(c))) {
      s.categories = [...new Set(names)].sort();
    } else {
      bad('category');
    }
  }
  const partner = q.get('partner');
  if (partner !== null) {
    if (/^[1-9]\d{0,17}$/.test(partner)) s.partner = partner; else bad('partner');
  }
  const selected = q.get('n');
  if (selected !== null) {
    if (ID_RE.test(selected)) s.selected = selected; else bad('n');
  }
  const layers = q.get('layers');
  if (layers !== null) {
    const names = layers.split(',').filter(Boolean);
    if (names.every((l) => LAYER_KEYS.includes(l))) {
      for (const key of LAYER_KEYS) s.layers[key] = names.includes(key);
    } else {
      bad('layers');
    }
  }
  const sort = q.get('sort');
  if (sort !== null) {
    const m = /^([a-z0-9_]{1,32}):(asc|desc)$/.exec(sort);
    if (m) s.sort = { key: m[1], dir: /** @type {'asc'|'desc'} */ (m[2]) }; else bad('sort');
  }
  const map = q.get('map');
  if (map !== null) {
    const parts = map.split('/').map(Number);
    if (parts.length === 3 && parts.every(Number.isFinite) && parts[0] >= 0 && parts[0] <= 24 &&
        Math.abs(parts[1]) <= 85.06 && Math.abs(parts[2]) <= 180) {
      s.view = { zoom: parts[0], center: [parts[2], parts[1]] };
    } else {
      bad('map');
    }
  }
  return { state: s, problems };
}

/**
 * The query string of a state ("?..."), with parameters in a fixed order.
 * @param {State} s
 * @returns {string}
 */
export function serializeState(s) {
  const parts = [
    ['metric', s.metric],
    ['method', s.method],
    ['k', String(s.k)],
    ['from', s.from],
    ['to', s.to],
  ];
  if (s.preset !== null) parts.push(['window', String(s.preset)]);
  if (s.categories.length > 0) parts.push(['category', s.categories.join(',')]);
  if (s.partner !== null) parts.push(['partner', s.partner]);
  if (s.selected !== null) parts.push(['n', s.selected]);
  parts.push(['layers', LAYER_KEYS.filter((l) => s.layers[l]).join(',')]);
  if (s.sort) parts.push(['sort', `${s.sort.key}:${s.sort.dir}`]);
  if (s.view) {
    const [lon, lat] = s.view.center;
    parts.push(['map', `${s.view.zoom.toFixed(2)}/${lat.toFixed(5)}/${lon.toFixed(5)}`]);
  }
  // Commas, slashes and colons are legal in a query and easier to read.
  return `?${parts.map(([k, v]) => `${k}=${encodeURIComponent(v)
    .replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':')}`).join('&')}`;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The state store: one State, mirrored in the URL.
 * @param {Window} win
 * @param {State} initial
 */
export function createStore(win, initial) {
  let state = initial;
  /** @type {Array<(s: State, changed: Set<string>, cause: string) => void>} */
  const listeners = [];

  function notify(prev, cause) {
    const changed = new Set(Object.keys(state).filter((k) => !same(state[k], prev[k])));
    if (changed.size === 0) return;
    for (const fn of listeners) fn(state, changed, cause);
  }

  win.addEventListener('popstate', () => {
    const prev = state;
    const { state: next } = parseState(win.location.search);
    // A history entry without a view keeps the map where it is.
    state = { ...next, view: next.view || prev.view };
    notify(prev, 'history');
  });

  return {
    /** @returns {State} */
    get: () => state,
    /**
     * Change part of the state.
     * @param {Partial<State>} patch
     * @param {{history?: 'push'|'replace', cause?: string}} [opts]
     */
    set(patch, { history = 'push', cause = 'ui' } = {}) {
      const prev = state;
      state = { ...state, ...patch };
      const url = serializeState(state);
      if (url !== win.location.search) {
        if (history === 'push') win.history.pushState(null, '', url);
        else win.history.replaceState(null, '', url);
      }
      notify(prev, cause);
    },
    /** Write the current state into the URL without a new history entry. */
    syncUrl() {
      const url = serializeState(state);
      if (url !== win.location.search) win.history.replaceState(null, '', url);
    },
    /** @param {(s: State, changed: Set<string>, cause: string) => void} fn */
    subscribe(fn) {
      listeners.push(fn);
    },
  };
}
