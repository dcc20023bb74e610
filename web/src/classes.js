// Classes of a choropleth: which class a value falls in (the server's
// breaks are each class's upper bound) and the colour of each class.
//
// Palettes are ColorBrewer's (Cynthia Brewer, via d3-scale-chromatic),
// chosen from the colour-blind-safe sets: YlGnBu for supply metrics (more is
// better, darker blue), YlOrBr for need (more is worse, darker brown), and
// PuOr for the diverging gap and parity ratio: orange on the worse side of
// the centre, purple on the better side, a near-white neutral for a class
// that straddles the centre. Diverging colours are placed by each class's
// side of the centre and its rank away from it, so equally far classes on
// either side are equally strong even when the breaks are lopsided.

import {
  schemeYlGnBu, interpolateYlGnBu, schemeYlOrBr, interpolateYlOrBr, interpolatePuOr,
} from 'd3-scale-chromatic';

/** Colours of the two classes the breaks do not cover. */
export const NO_DATA_COLOR = '#d9dcde';
export const SUPPRESSED_COLOR = '#b9bfc4';

/**
 * Index of the class of a value: the first class whose upper bound is at
 * least the value. A tiny tolerance absorbs rounding of the same number in
 * two answers (tiles, breaks). Values above the last bound fall in the last
 * class. -1 for a missing value.
 * @param {*} value
 * @param {number[]} breaks ascending upper bounds
 */
export function classOf(value, breaks) {
  if (typeof value !== 'number' || !Number.isFinite(value) || breaks.length === 0) return -1;
  for (let i = 0; i < breaks.length; i++) {
    const b = breaks[i];
    if (value <= b + 1e-9 * Math.max(1, Math.abs(b))) return i;
  }
  return breaks.length - 1;
}

function sequential(scheme, interpolate, n) {
  if (n >= 3 && n <= 9 && scheme[n]) return scheme[n].slice();
  // Fewer than 3 classes (the breaks collapsed): take them from the ramp.
  return Array.from({ length: n }, (_, i) => interpolate(0.25 + (0.6 * (i + 1)) / (n + 1)));
}

/**
 * The colour of each class.
 * @param {{kind: string, centre?: number, worse: string}} metric see config.METRICS
 * @param {number[]} breaks ascending upper bounds
 * @param {number|null} min the smallest value (lower bound of the first class), if known
 * @returns {string[]} CSS colours, one per class
 */
export function classColors(metric, breaks, min) {
  const n = breaks.length;
  if (n === 0) return [];
  if (metric.kind === 'supply') return sequential(schemeYlGnBu, interpolateYlGnBu, n);
  if (metric.kind === 'need') return sequential(schemeYlOrBr, interpolateYlOrBr, n);

  const centre = metric.centre ?? 0;
  const lower = (i) => (i === 0 ? (Number.isFinite(min) ? min : -Infinity) : breaks[i - 1]);
  /** -1 below the centre, 1 above, 0 straddling it */
  const side = breaks.map((upper, i) => {
    if (upper <= centre) return -1;
    if (lower(i) >= centre) return 1;
    return 0;
  });
  const below = side.filter((s) => s < 0).length;
  const above = side.filter((s) => s > 0).length;
  const m = Math.max(below, above, 1);
  // d3's PuOr runs from dark purple (0) through neutral (0.5) to dark
  // orange (1). The worse side is orange.
  const warmSign = metric.worse === 'high' ? 1 : -1;
  return breaks.map((_, i) => {
    if (side[i] === 0) return '#f2f0ec';
    // Rank away from the centre: 1 for the class next to it.
    const rank = side[i] < 0 ? below - i : i - (n - above) + 1;
    const t = 0.5 + side[i] * warmSign * (0.08 + (0.31 * rank) / m);
    return interpolatePuOr(t);
  });
}
