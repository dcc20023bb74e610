// How numbers are written on the page, in exports and on the print sheet
// (en-US: "1,234.5"; shares as "45.2 %"). One formatter per number of
// decimals, built once.

const formats = new Map();
function fmt(decimals, grouping = true) {
  const key = `${decimals}:${grouping}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      useGrouping: grouping,
    }));
  }
  return formats.get(key);
}

export const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** "1,234" (whole numbers: counts, population). */
export function formatCount(v) {
  return isNumber(v) ? fmt(0).format(v) : '—';
}

/**
 * A metric value as shown: `decimals` places, shares as percent.
 * @param {*} v
 * @param {{decimals: number, percent?: boolean}} metric
 * @param {{grouping?: boolean, unit?: boolean}} [opts] grouping: thousands
 *   separators (off for CSV); unit: the " %" suffix of shares
 */
export function formatMetric(v, metric, { grouping = true, unit = true } = {}) {
  if (!isNumber(v)) return '—';
  if (metric.percent) return `${fmt(metric.decimals, grouping).format(v * 100)}${unit ? ' %' : ''}`;
  const s = fmt(metric.decimals, grouping).format(v);
  return s === '-0' || /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

/** Plain number with `decimals` places and no grouping (for CSV). */
export function plainNumber(v, decimals) {
  return isNumber(v) ? fmt(decimals, false).format(v) : '';
}

/** The city's time zone (from the analysis' window), for event times. */
let cityTimeZone;
let dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Write event times in the city's time zone (IANA name, e.g.
 * "America/Chicago"); an unknown name leaves the browser's own.
 * @param {string|null|undefined} tz
 */
export function setCityTimeZone(tz) {
  if (!tz || tz === cityTimeZone) return;
  try {
    dateTimeFormat = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium', timeStyle: 'short', timeZone: tz, timeZoneName: 'short',
    });
    cityTimeZone = tz;
  } catch {
    // Not a zone this browser knows: keep its own.
  }
}

/** "Nov 29, 2025, 7:00 PM CST" for an ISO 8601 time. */
export function formatDateTime(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? String(iso) : dateTimeFormat.format(t);
}
