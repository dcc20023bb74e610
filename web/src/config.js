// Where the page finds its data, and what it knows about the metrics it can
// map. All URLs are relative to the page, so the page only ever talks to the
// server that served it (the server's Content-Security-Policy is
// `default-src 'self'` anyway).

/** TileJSON 3.0.0 documents of the tile layers. */
export const NEIGHBORHOODS_TILEJSON = 'tiles/neighborhoods.json';
export const SITES_TILEJSON = 'tiles/sites.json';
export const EVENTS_TILEJSON = 'tiles/events.json';

/** JSON API (see the server's README for the shapes). */
export const API = Object.freeze({
  categories: 'api/categories',
  partners: 'api/partners',
  events: 'api/events',
  sites: 'api/sites',
  coverage: 'api/coverage',
  breaks: 'api/breaks',
  neighborhood: (id) => `api/neighborhoods/${encodeURIComponent(id)}`,
});

/** Padding (CSS px) kept around the data bounds when the view is fitted. */
export const FIT_PADDING = 24;

/** Largest page the API lists are asked for. */
export const PAGE_LIMIT = 500;

/**
 * The metrics the map can be coloured by. `kind` picks the palette:
 * 'supply' (sequential, more is better), 'need' (sequential, more is worse)
 * or 'diverging' (centred at `centre`; `worse` says which side is bad, and
 * that side gets the warm colours). `worse` also orders the ranking table:
 * the worst neighborhoods first. `percent` metrics are shares 0..1 shown as
 * percentages.
 */
export const METRICS = Object.freeze([
  {
    key: 'events_per_1k', label: 'Events per 1,000 residents', short: 'Events / 1k',
    kind: 'supply', worse: 'low', decimals: 1,
    help: 'Program events in the window per 1,000 residents.',
  },
  {
    key: 'walk_coverage', label: 'Walk coverage', short: 'Walk cov. %',
    kind: 'supply', worse: 'low', decimals: 1, percent: true,
    help: 'Share of the neighborhood within a ten-minute walk (800 m) of a program site.',
  },
  {
    key: 'access', label: 'Access (E2SFCA per 1,000)', short: 'Access',
    kind: 'supply', worse: 'low', decimals: 2,
    help: 'Enhanced two-step floating catchment access to program supply, per 1,000 residents.',
  },
  {
    key: 'need', label: 'Need (z-score)', short: 'Need',
    kind: 'need', worse: 'high', decimals: 2,
    help: 'Mean z-score of the need measures (smoothed incident rate and indicators).',
  },
  {
    key: 'gap', label: 'Gap (need − supply)', short: 'Gap',
    kind: 'diverging', centre: 0, worse: 'high', decimals: 2,
    help: 'Need minus supply, in z-scores. Above 0: less supply than need.',
  },
  {
    key: 'parity_ratio', label: 'Parity ratio', short: 'Parity',
    kind: 'diverging', centre: 1, worse: 'low', decimals: 2,
    help: "Share of the city's events divided by share of the city's need. 1 = parity; below 1: less than its share.",
  },
]);

export const METRIC_KEYS = METRICS.map((m) => m.key);
export const metricByKey = (key) => METRICS.find((m) => m.key === key) || null;

export const CLASS_METHODS = Object.freeze([
  { key: 'quantile', label: 'Quantile', short: 'Quantile' },
  { key: 'equal', label: 'Equal interval', short: 'Equal interval' },
  { key: 'jenks', label: 'Natural breaks (Jenks)', short: 'Natural breaks' },
]);
export const MIN_CLASSES = 3;
export const MAX_CLASSES = 9;

/** Date window presets, in days ending today (inclusive). */
export const WINDOW_PRESETS = Object.freeze([30, 90, 365]);

/** What the page shows when the URL says nothing. */
export const DEFAULTS = Object.freeze({
  metric: 'gap',
  method: 'quantile',
  k: 5,
  preset: 365,
  layers: Object.freeze({ sites: true, events: false, hotspots: false, underserved: true }),
});

export const LAYER_KEYS = Object.freeze(['sites', 'events', 'hotspots', 'underserved']);

/** Small print on the exported map and the print sheet. */
export const DATA_NOTE = 'Program data: task-force partners. Incident counts below the '
  + 'suppression threshold are withheld; confidential sites are counted, never placed.';
