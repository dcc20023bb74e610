#!/usr/bin/env node
// Deterministic generator for the parity demo city.
//
// Everything this script writes is SYNTHETIC. "Demo City" is an invented city
// placed near 33.52 N, 86.80 W so that maps look familiar; no real
// neighborhood boundaries, people, incidents, partners or programs are used.
//
// Usage:  node data/demo/generate.mjs
// Writes (next to this script): neighborhoods.geojson, partners.csv,
// programs.csv, sites.csv, events.csv, indicators.csv, incidents.csv and
// README.md. Output is byte-for-byte identical on every run: randomness comes
// from seeded mulberry32 streams, all dates are relative to the fixed ANCHOR
// date, and only IEEE-754 basic arithmetic (+ - * / sqrt) is used on random
// values (no Math.sin/cos/log/exp), so results do not depend on the libm.
// Only Node.js built-ins are used.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- constants

const SEED = 'parity-demo-city-v1';
const ANCHOR = '2026-11-28'; // fixed "today" of the demo; events cover the 365 days ending here
const WINDOW_DAYS = 365;
const DARK_DAYS = 120; // "dark" neighborhoods get no events in the last DARK_DAYS days (covers any 90-day window)

const CENTER_LON = -86.8;
const CENTER_LAT = 33.52;
const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 92.807; // 111.320 * cos(33.52 deg), hard-coded on purpose

const COLS = 10; // west -> east
const ROWS = 10; // north -> south in ids, south -> north in geometry
const CELL_W = 1.8; // km, city is 18 km wide
const CELL_H = 1.4; // km, city is 14 km tall
const X0 = -(COLS * CELL_W) / 2;
const Y0 = -(ROWS * CELL_H) / 2;

const N_EVENTS = 3000; // including the 2 deliberately outside the city
const N_INCIDENTS = 1500;
const N_SITES = 60;
const POINT_MARGIN_KM = 0.003; // points stay >= 3 m away from any neighborhood boundary
const PINNED_PER_NBHD = 8; // minimum events per served neighborhood (see buildEvents)
const SENSITIVE_BUFFER_KM = 0.3; // no event within 300 m of a sensitive site

// Planted patterns, addressed as [col, rowFromTop]; col 0 = west, row 0 = north.
const CLUSTER = [
  [1, 3], [2, 3],
  [1, 4], [2, 4], [3, 4],
  [1, 5], [2, 5], [3, 5],
  [2, 6], [3, 6],
];
const CLUSTER_NO_EVENTS = [[2, 5]]; // no events at all in 12 months
const DARK = [[1, 4], [3, 6], [0, 0], [6, 3]]; // events earlier in the year, none in the last DARK_DAYS days
const HOTSPOT_NE = [[7, 1], [8, 1], [7, 2], [8, 2]]; // high incidents, but well served
const HOTSPOT_S = [[5, 7], [6, 7]]; // moderate incidents, moderately served
const AFFLUENT = [[6, 8], [7, 8], [8, 8], [9, 8], [6, 9], [7, 9], [8, 9], [9, 9], [9, 7]];
const SMALL_POP = [[9, 0], [0, 9], [4, 9], [9, 5]]; // population under 800
// Exclaves: the south-west corner of cell `from` is cut off along a line and
// given to the neighborhood of cell `to` (two cells further west, so the
// exclave does not touch its owner). Both owners become MultiPolygons.
const EXCLAVES = [
  { from: [5, 1], to: [3, 1] },
  { from: [8, 6], to: [6, 6] },
];

// ---------------------------------------------------------------- PRNG

function fnv1a(str) {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(str, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  // One independent stream per purpose, so tweaking one part of the city does
  // not reshuffle everything else.
  constructor(stream) {
    this.next = mulberry32(fnv1a(`${SEED}/${stream}`));
  }
  float() { return this.next(); }
  range(a, b) { return a + (b - a) * this.next(); }
  int(a, b) { return a + Math.floor(this.next() * (b - a + 1)); }
  pick(arr) { return arr[Math.floor(this.next() * arr.length)]; }
  chance(p) { return this.next() < p; }
  normal() { // Irwin-Hall approximation of N(0,1): arithmetic only
    let s = 0;
    for (let k = 0; k < 12; k++) s += this.next();
    return s - 6;
  }
  weighted(items, weights) {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let k = 0; k < items.length; k++) {
      r -= weights[k];
      if (r < 0) return items[k];
    }
    for (let k = items.length - 1; k >= 0; k--) if (weights[k] > 0) return items[k];
    throw new Error('weighted(): all weights are zero');
  }
}

// ---------------------------------------------------------------- helpers

const round6 = (v) => Math.round(v * 1e6) / 1e6;
const fmt6 = (v) => v.toFixed(6);
const pad = (n, w) => String(n).padStart(w, '0');
const cellKey = ([c, r]) => `${c},${r}`;
const inSet = (list) => { const s = new Set(list.map(cellKey)); return (c, r) => s.has(`${c},${r}`); };
const isCluster = inSet(CLUSTER);
const isNoEvents = inSet(CLUSTER_NO_EVENTS);
const isDark = inSet(DARK);
const isHotNE = inSet(HOTSPOT_NE);
const isHotS = inSet(HOTSPOT_S);
const isAffluent = inSet(AFFLUENT);
const isSmall = inSet(SMALL_POP);

function toLonLat(xKm, yKm) {
  return [round6(CENTER_LON + xKm / KM_PER_DEG_LON), round6(CENTER_LAT + yKm / KM_PER_DEG_LAT)];
}

function assert(cond, msg) {
  if (!cond) throw new Error(`generator self-check failed: ${msg}`);
}

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header, rows) {
  const lines = [header.join(',')];
  for (const row of rows) lines.push(header.map((h) => csvField(row[h])).join(','));
  return lines.join('\n') + '\n';
}

// dates (day numbers = days since 1970-01-01, calendar dates in local time)
const DAY_MS = 86400000;
const dayNum = (iso) => { const [y, m, d] = iso.split('-').map(Number); return Date.UTC(y, m - 1, d) / DAY_MS; };
const isoDay = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const weekday = (n) => new Date(n * DAY_MS).getUTCDay(); // 0 = Sunday
const monthOf = (n) => new Date(n * DAY_MS).getUTCMonth() + 1;
const yearOf = (n) => new Date(n * DAY_MS).getUTCFullYear();
function nthSunday(year, month, nth) {
  let d = Date.UTC(year, month - 1, 1) / DAY_MS;
  while (weekday(d) !== 0) d++;
  return d + 7 * (nth - 1);
}
// America/Chicago UTC offset for a local wall-clock time on day n at or after
// 03:00 (all events start >= 07:00 and end before midnight): CDT from the 2nd
// Sunday of March to the 1st Sunday of November (US rule since 2007), else CST.
function chicagoOffset(n) {
  const y = yearOf(n);
  return n >= nthSunday(y, 3, 2) && n < nthSunday(y, 11, 1) ? '-05:00' : '-06:00';
}
function localTime(n, minutes) {
  return `${isoDay(n)}T${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}:00${chicagoOffset(n)}`;
}

const ANCHOR_DAY = dayNum(ANCHOR);
const FIRST_DAY = ANCHOR_DAY - (WINDOW_DAYS - 1); // 2025-11-29
const DARK_FROM = ANCHOR_DAY - (DARK_DAYS - 1);

// ---------------------------------------------------------------- geometry

function ringArea(ring) { // signed shoelace area in degrees^2, > 0 for counter-clockwise
  let a = 0;
  for (let k = 0; k + 1 < ring.length; k++) a += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  return a / 2;
}

function pointInRing(x, y, ring) {
  let inside = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a];
    const [xb, yb] = ring[b];
    if ((ya > y) !== (yb > y) && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}

function segDistKm(px, py, [ax, ay], [bx, by]) {
  const X = (lon) => lon * KM_PER_DEG_LON;
  const Y = (lat) => lat * KM_PER_DEG_LAT;
  const dx = X(bx) - X(ax), dy = Y(by) - Y(ay);
  const qx = X(px) - X(ax), qy = Y(py) - Y(ay);
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : (qx * dx + qy * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const ex = qx - t * dx, ey = qy - t * dy;
  return Math.sqrt(ex * ex + ey * ey);
}

function ringDistKm(x, y, ring) {
  let d = Infinity;
  for (let k = 0; k + 1 < ring.length; k++) d = Math.min(d, segDistKm(x, y, ring[k], ring[k + 1]));
  return d;
}

const orient = (a, b, c) => {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
};
const onSeg = (a, b, p) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) &&
  Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
function segmentsIntersect(p1, p2, p3, p4) {
  const d1 = orient(p3, p4, p1), d2 = orient(p3, p4, p2), d3 = orient(p1, p2, p3), d4 = orient(p1, p2, p4);
  if (d1 !== d2 && d3 !== d4) return true;
  if (d1 === 0 && onSeg(p3, p4, p1)) return true;
  if (d2 === 0 && onSeg(p3, p4, p2)) return true;
  if (d3 === 0 && onSeg(p1, p2, p3)) return true;
  if (d4 === 0 && onSeg(p1, p2, p4)) return true;
  return false;
}
const same = (a, b) => a[0] === b[0] && a[1] === b[1];

// Jittered lattice: vertex (i, j), i = 0..COLS west->east, j = 0..ROWS south->north.
function buildLattice() {
  const rng = new Rng('lattice');
  const V = [];
  for (let i = 0; i <= COLS; i++) {
    V.push([]);
    for (let j = 0; j <= ROWS; j++) {
      const bx = i === 0 || i === COLS, by = j === 0 || j === ROWS;
      let jx = bx ? 0.08 : 0.18, jy = by ? 0.08 : 0.18;
      if (bx && by) { jx = 0.05; jy = 0.05; }
      V[i].push([X0 + i * CELL_W + rng.range(-jx, jx) * CELL_W, Y0 + j * CELL_H + rng.range(-jy, jy) * CELL_H]);
    }
  }
  return V; // in km
}

// Each lattice edge is subdivided once (2-4 segments, jittered midpoints);
// both neighbors read the same points, in opposite order.
function buildEdges(Vkm, forceFour) {
  const rng = new Rng('edges');
  const E = new Map();
  const make = (key, a, b, horizontal) => {
    const k = forceFour.has(key) ? 4 : rng.int(2, 4);
    const pts = [];
    for (let m = 1; m < k; m++) {
      const t = m / k + rng.range(-0.08, 0.08) / k;
      const x = a[0] + t * (b[0] - a[0]);
      const y = a[1] + t * (b[1] - a[1]);
      const off = rng.range(-0.07, 0.07);
      pts.push(horizontal ? toLonLat(x, y + off * CELL_H) : toLonLat(x + off * CELL_W, y));
    }
    E.set(key, pts);
  };
  for (let j = 0; j <= ROWS; j++) for (let i = 0; i < COLS; i++) make(`h${i},${j}`, Vkm[i][j], Vkm[i + 1][j], true);
  for (let i = 0; i <= COLS; i++) for (let j = 0; j < ROWS; j++) make(`v${i},${j}`, Vkm[i][j], Vkm[i][j + 1], false);
  return E;
}

function buildGeometry() {
  const Vkm = buildLattice();
  const V = Vkm.map((col) => col.map(([x, y]) => toLonLat(x, y)));
  const forceFour = new Set();
  for (const ex of EXCLAVES) {
    const i = ex.from[0], j = ROWS - 1 - ex.from[1];
    forceFour.add(`h${i},${j}`);
    forceFour.add(`v${i},${j}`);
  }
  const E = buildEdges(Vkm, forceFour);
  const rev = (a) => a.slice().reverse();
  const cellRing = (i, j) => [
    V[i][j], ...E.get(`h${i},${j}`),
    V[i + 1][j], ...E.get(`v${i + 1},${j}`),
    V[i + 1][j + 1], ...rev(E.get(`h${i},${j + 1}`)),
    V[i][j + 1], ...rev(E.get(`v${i},${j}`)),
    V[i][j],
  ];
  const rings = new Map(); // "c,r" (rowFromTop) -> list of rings owned
  for (let j = 0; j < ROWS; j++) for (let i = 0; i < COLS; i++) rings.set(`${i},${ROWS - 1 - j}`, [cellRing(i, j)]);

  const rng = new Rng('exclaves');
  for (const ex of EXCLAVES) {
    const i = ex.from[0], j = ROWS - 1 - ex.from[1];
    const bottom = E.get(`h${i},${j}`); // 3 points, west -> east
    const left = E.get(`v${i},${j}`); // 3 points, south -> north
    const Q = bottom[1], P = left[1];
    const M = [round6((P[0] + Q[0]) / 2 + rng.range(-0.05, 0.05) * (Q[0] - P[0])),
      round6((P[1] + Q[1]) / 2 + rng.range(-0.05, 0.05) * (P[1] - Q[1]))];
    const piece = [V[i][j], bottom[0], Q, M, P, left[0], V[i][j]];
    const main = [
      Q, bottom[2], V[i + 1][j], ...E.get(`v${i + 1},${j}`),
      V[i + 1][j + 1], ...rev(E.get(`h${i},${j + 1}`)),
      V[i][j + 1], left[2], P, M, Q,
    ];
    rings.set(cellKey(ex.from), [main]);
    rings.get(cellKey(ex.to)).push(piece);
  }

  // outer boundary of the city (for the outside-the-city test points)
  const outer = [];
  for (let i = 0; i < COLS; i++) outer.push(V[i][0], ...E.get(`h${i},0`));
  for (let j = 0; j < ROWS; j++) outer.push(V[COLS][j], ...E.get(`v${COLS},${j}`));
  for (let i = COLS; i > 0; i--) outer.push(V[i][ROWS], ...rev(E.get(`h${i - 1},${ROWS}`)));
  for (let j = ROWS; j > 0; j--) outer.push(V[0][j], ...rev(E.get(`v0,${j - 1}`)));
  outer.push(V[0][0]);

  checkGeometry(rings, outer);
  return { rings, outer, V };
}

function checkGeometry(rings, outer) {
  let sum = 0;
  const segs = new Map();
  for (const [key, list] of rings) {
    for (const ring of list) {
      assert(ring.length >= 4, `${key}: ring too short`);
      assert(same(ring[0], ring[ring.length - 1]), `${key}: ring not closed`);
      for (let k = 0; k + 1 < ring.length; k++) assert(!same(ring[k], ring[k + 1]), `${key}: repeated vertex`);
      const a = ringArea(ring);
      assert(a > 0, `${key}: ring is not counter-clockwise`);
      sum += a;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [p, q] = [ring[k], ring[k + 1]];
        const id = [p.join(' '), q.join(' ')].sort().join('|');
        segs.set(id, (segs.get(id) || 0) + 1);
      }
    }
  }
  // every segment is used by one ring (city boundary) or two rings (shared edge)
  const list = [...segs.keys()].map((id) => id.split('|').map((s) => s.split(' ').map(Number)));
  for (const n of segs.values()) assert(n === 1 || n === 2, 'segment used more than twice');
  const boundarySegs = [...segs.values()].filter((n) => n === 1).length;
  assert(boundarySegs === outer.length - 1, `boundary has ${boundarySegs} segments, outer ring ${outer.length - 1}`);
  // planar: no two segments meet except at a shared end point
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      const [p1, p2] = list[a], [p3, p4] = list[b];
      const shared = [p1, p2].filter((p) => same(p, p3) || same(p, p4)).length;
      if (shared === 2) throw new Error('duplicate segment');
      if (shared === 1) {
        const pa = same(p1, p3) || same(p1, p4) ? p2 : p1; // far end of a
        const pb = same(p3, p1) || same(p3, p2) ? p4 : p3; // far end of b
        const s = same(p1, p3) || same(p1, p4) ? p1 : p2;
        assert(!(orient(s, pa, pb) === 0 && (onSeg(s, pa, pb) || onSeg(s, pb, pa))), 'collinear overlapping segments');
        continue;
      }
      assert(!segmentsIntersect(p1, p2, p3, p4), `segments cross: ${list[a]} / ${list[b]}`);
    }
  }
  const outerArea = ringArea(outer);
  assert(outerArea > 0, 'outer ring orientation');
  assert(Math.abs(sum - outerArea) < 1e-12, `area sum ${sum} != city area ${outerArea}`);
}

// ---------------------------------------------------------------- names

const NAME_FIRST = ['Oak', 'Cedar', 'Maple', 'Pine', 'Elm', 'Willow', 'Birch', 'Hickory', 'Laurel', 'Magnolia',
  'Dogwood', 'Ash', 'Holly', 'Juniper', 'Poplar', 'Chestnut', 'Walnut', 'Cypress', 'Sassafras', 'Iron', 'Copper',
  'Slate', 'Flint', 'Granite', 'Quarry', 'Mill', 'Spring', 'Fair', 'Lark', 'Wren', 'Heron', 'Fox', 'Deer', 'Clover',
  'Briar', 'Fern', 'Ivy', 'Amber', 'Silver', 'Cotton', 'Orchard', 'Harbor', 'Bridge', 'Bell', 'Crown', 'Liberty',
  'Pecan', 'Sweetgum', 'Redbud', 'Tupelo', 'Bramble', 'Hawthorn', 'Linden', 'Sumac'];
const NAME_SECOND = ['Ridge', 'Hill', 'Heights', 'Park', 'Grove', 'Hollow', 'Valley', 'Glen', 'Terrace', 'Gardens',
  'Crest', 'Point', 'Crossing', 'Village', 'Woods', 'Meadows', 'Field', 'Springs', 'Bend', 'Court', 'Landing',
  'Square', 'Commons', 'Row', 'Run', 'Dale', 'Brook', 'Creek', 'Place', 'Station'];
const NAME_PREFIX = ['North', 'South', 'East', 'West', 'Upper', 'Lower', 'Old'];
// Names that exercise UTF-8 and quoting (apostrophe).
const SPECIAL_NAMES = ['Cañada', 'Bellevüe Park', 'Rosé Hill', 'Peña Gardens', "Miller's Bend"];
const COMMUNITY_NAMES = ['Northgate', 'Millbrook', 'Cedar Valley', 'Riverside Flats', 'Foundry Row', 'Sycamore Bend',
  'Lakeshore', 'Piedmont Hills', 'Harmony', 'Union Hill', 'Crossroads', 'Meadowlands', 'Kettle Creek', 'Summit',
  'Pinecrest', 'Old Town', 'Westbrook', 'Ironbridge', 'Southfork', 'Highpoint', 'Greenway', 'Brookhaven', 'Eastgate'];

function makeNames(count) {
  const rng = new Rng('names');
  const used = new Set(SPECIAL_NAMES.map((s) => s.toLowerCase()));
  const generated = [];
  while (generated.length < count - SPECIAL_NAMES.length) {
    let name = `${rng.pick(NAME_FIRST)} ${rng.pick(NAME_SECOND)}`;
    if (rng.chance(0.18)) name = `${rng.pick(NAME_PREFIX)} ${name}`;
    if (used.has(name.toLowerCase())) continue;
    used.add(name.toLowerCase());
    generated.push(name);
  }
  // put the special names at seeded positions
  const slots = new Set();
  while (slots.size < SPECIAL_NAMES.length) slots.add(rng.int(0, count - 1));
  const sortedSlots = [...slots].sort((a, b) => a - b);
  const out = [];
  let g = 0, s = 0;
  for (let k = 0; k < count; k++) out.push(sortedSlots.includes(k) ? SPECIAL_NAMES[s++] : generated[g++]);
  return out;
}

// Communities: 23 contiguous groups of cells grown from spread-out seeds.
function makeCommunities() {
  const rng = new Rng('communities');
  const n = COMMUNITY_NAMES.length;
  const cells = [];
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) cells.push([c, r]);
  const seeds = [0];
  while (seeds.length < n) { // farthest-point sampling on integer grid distances
    let best = -1, bestD = -1;
    for (let k = 0; k < cells.length; k++) {
      let d = Infinity;
      for (const s of seeds) {
        const dx = cells[k][0] - cells[s][0], dy = cells[k][1] - cells[s][1];
        d = Math.min(d, dx * dx + dy * dy);
      }
      if (d > bestD) { bestD = d; best = k; }
    }
    seeds.push(best);
  }
  const owner = new Array(cells.length).fill(-1);
  const members = seeds.map((s, g) => { owner[s] = g; return [s]; });
  const nbrs = (k) => {
    const [c, r] = cells[k];
    return [[c - 1, r], [c + 1, r], [c, r - 1], [c, r + 1]]
      .filter(([x, y]) => x >= 0 && y >= 0 && x < COLS && y < ROWS).map(([x, y]) => y * COLS + x);
  };
  let left = cells.length - seeds.length;
  while (left > 0) {
    const order = members.map((m, g) => g).sort((a, b) => members[a].length - members[b].length || a - b);
    for (const g of order) {
      const frontier = [...new Set(members[g].flatMap(nbrs))].filter((k) => owner[k] === -1).sort((a, b) => a - b);
      if (frontier.length === 0) continue;
      const k = rng.pick(frontier);
      owner[k] = g;
      members[g].push(k);
      left--;
      break;
    }
  }
  // name communities in reading order of their seed
  return owner.map((g) => COMMUNITY_NAMES[g]);
}

// ---------------------------------------------------------------- neighborhoods

function buildNeighborhoods(geom) {
  const names = makeNames(COLS * ROWS);
  const communities = makeCommunities();
  const rngPop = new Rng('population');
  const rngInd = new Rng('indicators');
  const list = [];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      const idx = r * COLS + c;
      let population;
      if (isSmall(c, r)) population = Math.round(rngPop.range(320, 780));
      else if (isCluster(c, r)) population = Math.round(rngPop.range(3000, 6500));
      else population = Math.round(1800 + 10000 * rngPop.float() * rngPop.float() * rngPop.range(0.6, 1.25));
      population = Math.max(300, Math.min(12000, population));
      const youthShare = isCluster(c, r) ? rngPop.range(0.24, 0.29) : rngPop.range(0.16, 0.28);
      const youth_population = Math.round(population * youthShare);
      const households = Math.round(population / rngPop.range(2.1, 2.9));

      let pov;
      if (isCluster(c, r)) pov = rngInd.range(0.36, 0.5);
      else if (isHotNE(c, r)) pov = rngInd.range(0.26, 0.34);
      else if (isHotS(c, r)) pov = rngInd.range(0.2, 0.28);
      else if (isAffluent(c, r)) pov = rngInd.range(0.03, 0.07);
      else if (CLUSTER.some(([x, y]) => Math.abs(x - c) <= 1 && Math.abs(y - r) <= 1)) pov = rngInd.range(0.22, 0.3);
      else pov = rngInd.range(0.09, 0.21);
      const households_poverty = Math.round(households * pov);
      let income = 84000 - 125000 * pov + rngInd.range(-6000, 6000) + (isAffluent(c, r) ? 30000 : 0);
      income = Math.max(17000, Math.min(150000, Math.round(income / 100) * 100));
      const unemployment = Math.max(1.5, 2.5 + 28 * pov + rngInd.range(-1.5, 1.5));

      const parts = geom.rings.get(`${c},${r}`);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const ring of parts) for (const [x, y] of ring) {
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      list.push({
        nbhd_id: `N${pad(idx + 1, 3)}`, name: names[idx], community: communities[idx],
        population, youth_population, households, households_poverty, median_income: income,
        unemployment_rate: unemployment.toFixed(1),
        c, r, parts, bbox: [minX, minY, maxX, maxY],
        cluster: isCluster(c, r), noEvents: isNoEvents(c, r), dark: isDark(c, r),
      });
    }
  }
  for (const n of list) {
    assert(n.population >= 300 && n.population <= 12000, 'population range');
    assert(n.youth_population >= 0.15 * n.population && n.youth_population <= 0.3 * n.population, 'youth share');
  }
  return list;
}

// Which neighborhood holds (lon, lat)? Returns null outside the city and
// 'edge' when the point is within POINT_MARGIN_KM of a boundary.
function locate(nbhds, x, y) {
  for (const n of nbhds) {
    const [a, b, c, d] = n.bbox;
    if (x < a || x > c || y < b || y > d) continue;
    for (const ring of n.parts) {
      if (pointInRing(x, y, ring)) return ringDistKm(x, y, ring) < POINT_MARGIN_KM ? 'edge' : n;
    }
  }
  for (const n of nbhds) for (const ring of n.parts) if (ringDistKm(x, y, ring) < POINT_MARGIN_KM) return 'edge';
  return null;
}

function randomPointIn(rng, nbhds, n) {
  const [a, b, c, d] = n.bbox;
  for (let tries = 0; tries < 10000; tries++) {
    const x = round6(rng.range(a, c)), y = round6(rng.range(b, d));
    if (locate(nbhds, x, y) === n) return [x, y];
  }
  throw new Error(`could not place a point in ${n.nbhd_id}`);
}

function geojson(nbhds) {
  const features = nbhds.map((n) => {
    const geometry = n.parts.length === 1
      ? { type: 'Polygon', coordinates: [n.parts[0]] }
      : { type: 'MultiPolygon', coordinates: n.parts.map((ring) => [ring]) };
    const properties = {
      nbhd_id: n.nbhd_id, name: n.name, community: n.community,
      population: n.population, youth_population: n.youth_population, households: n.households,
    };
    return JSON.stringify({ type: 'Feature', properties, geometry });
  });
  const head = {
    type: 'FeatureCollection',
    name: 'neighborhoods',
    title: 'Demo City (synthetic)',
    description: 'SYNTHETIC demo data for parity: an invented city near 33.52 N, 86.80 W. ' +
      'Not real Birmingham (or any other) data. Generated by data/demo/generate.mjs.',
    synthetic: true,
  };
  const headJson = JSON.stringify(head);
  return `${headJson.slice(0, -1)},\n"features": [\n${features.join(',\n')}\n]}\n`;
}

// ---------------------------------------------------------------- partners & programs

const PARTNERS = [
  ['Demo City Police Department', 'law enforcement'],
  ["Demo County Sheriff's Office", 'law enforcement'],
  ["U.S. Attorney's Office, Demo District", 'law enforcement'],
  ['Demo City Parks and Recreation', 'government agency'],
  ["Demo City Mayor's Office of Public Safety", 'government agency'],
  ['Demo County Health Department', 'government agency'],
  ['Demo City Public Schools', 'government agency'],
  ['Demo State Board of Pardons and Paroles', 'government agency'],
  ['Demo County Workforce Board', 'government agency'],
  ['Safe Streets Demo City', 'nonprofit'],
  ['Youth Forward Alliance', 'nonprofit'],
  ['Second Chance Reentry Network', 'nonprofit'],
  ['Hope, Health & Housing Coalition', 'nonprofit'],
  ['Family Safety Center of Demo County', 'nonprofit'],
  ['Cure the Block Initiative', 'nonprofit'],
  ['Demo Metro Opportunity League', 'nonprofit'],
  ['Southside Grocers Cooperative', 'business'],
  ['Ironworks Barber Collective', 'business'],
  ['Demo Regional Chamber of Commerce', 'business'],
  ['Northstar Credit Union', 'business'],
  ['Greater Hope Baptist Church', 'faith'],
  ['St. Brigid Catholic Parish', 'faith'],
  ['Masjid An-Nur', 'faith'],
  ["Interfaith Ministers' Alliance", 'faith'],
  ['The "Open Door" Fellowship', 'faith'],
  ['Neighborhood Associations Council', 'community'],
  ['Mothers United for Peace', 'community'],
  ['Demo Block Captains Network', 'community'],
];
const PARTNER_NAMES = new Set(PARTNERS.map(([n]) => n));

// Event templates. start = possible start hours (local), dur = duration range
// in hours (15-minute steps), att = attendance range, youth = share of youth.
// days: weekday | sat | weekend | any | school (weekday, not June/July).
const T = {
  hoops: { title: 'Youth basketball night', days: 'weekday', start: [18, 18.5, 19], dur: [2, 3], att: [15, 80], youth: [0.75, 0.95] },
  cleanup: { title: 'Park clean-up at {park}', days: 'sat', start: [8, 9], dur: [2, 3], att: [8, 60], youth: [0.1, 0.4] },
  tutoring: { title: 'After-school tutoring', days: 'school', start: [15.5, 16], dur: [1.5, 2], att: [6, 30], youth: [0.85, 1] },
  art: { title: 'Teen art workshop', days: 'any', start: [14, 16, 17], dur: [1.5, 2.5], att: [6, 25], youth: [0.8, 1] },
  conflict: { title: 'Conflict resolution class', days: 'school', start: [10, 13, 15.5], dur: [1, 1.5], att: [10, 35], youth: [0.8, 1] },
  mentoring: { title: 'Mentoring session', days: 'weekday', start: [16, 17, 18], dur: [1, 2], att: [4, 20], youth: [0.5, 0.7] },
  jobsYouth: { title: 'Summer youth jobs orientation', days: 'weekday', months: [3, 4, 5, 6, 7], start: [10, 16], dur: [2, 3], att: [20, 90], youth: [0.85, 1] },
  safePassage: { title: 'Safe Passage walk to school', days: 'school', start: [7, 7.25], dur: [1, 1.5], att: [5, 25], youth: [0, 0.2] },
  outreach: { title: 'Violence interruption outreach walk', days: 'any', start: [17, 18, 19, 20], dur: [2, 3], att: [4, 15], youth: [0, 0.2] },
  mediation: { title: 'Mediation session', days: 'any', start: [11, 15, 18], dur: [1, 2], att: [2, 8], youth: [0, 0.5] },
  vigil: { title: 'Peace vigil', days: 'any', start: [18, 18.5, 19], dur: [1, 1.5], att: [20, 150], youth: [0.1, 0.3] },
  hospital: { title: 'Hospital-based intervention follow-up', days: 'weekday', start: [10, 13, 14], dur: [1, 2], att: [1, 6], youth: [0, 0.5] },
  victimDropIn: { title: 'Victim services drop-in hours', days: 'weekday', start: [9, 13], dur: [3, 4], att: [2, 15], youth: [0, 0.2] },
  griefGroup: { title: 'Support group for families of homicide victims', days: 'weekday', start: [18, 18.5], dur: [1.5, 2], att: [5, 20], youth: [0, 0.1] },
  cpMeeting: { title: 'Community-police meeting', days: 'weekday', start: [18, 18.5], dur: [1.5, 2], att: [12, 90], youth: [0, 0.1] },
  coffee: { title: 'Coffee with a Cop', days: 'weekday', start: [8, 9], dur: [1.5, 2], att: [10, 45], youth: [0, 0.05] },
  watch: { title: 'Neighborhood watch training', days: 'any', start: [10, 18], dur: [1.5, 2.5], att: [8, 40], youth: [0, 0.05] },
  buyback: { title: 'Gun buyback', days: 'sat', start: [9, 10], dur: [4, 6], att: [20, 120], youth: [0, 0] },
  callIn: { title: 'Focused deterrence call-in', days: 'weekday', start: [10, 14], dur: [1.5, 2], att: [10, 40], youth: [0, 0.15] },
  problemProperty: { title: 'Problem property walk-through', days: 'weekday', start: [10, 14], dur: [1, 2], att: [4, 18], youth: [0, 0] },
  warrant: { title: 'Warrant resolution day', days: 'sat', start: [9], dur: [5, 6], att: [30, 160], youth: [0, 0.05] },
  bizWatch: { title: 'Business watch meeting', days: 'weekday', start: [8, 12], dur: [1, 1.5], att: [6, 30], youth: [0, 0] },
  expunge: { title: 'Expungement clinic', days: 'any', start: [10, 13], dur: [3, 4], att: [10, 70], youth: [0, 0.05] },
  jobReady: { title: 'Job readiness workshop', days: 'weekday', start: [10, 13, 18], dur: [2, 3], att: [6, 30], youth: [0, 0.3] },
  reentryFair: { title: 'Reentry resource fair', days: 'sat', start: [10], dur: [4, 5], att: [40, 200], youth: [0, 0.1] },
  license: { title: "Driver's license restoration clinic", days: 'weekday', start: [9, 13], dur: [3, 4], att: [8, 40], youth: [0, 0.1] },
  peer: { title: 'Peer support circle', days: 'weekday', start: [17.5, 18], dur: [1.5, 2], att: [5, 20], youth: [0, 0.1] },
  barber: { title: 'Barbershop talk: "Put the guns down"', days: 'sat', start: [11, 13], dur: [1.5, 2], att: [8, 35], youth: [0.3, 0.6] },
  finance: { title: 'Financial empowerment night', days: 'weekday', start: [18], dur: [1.5, 2], att: [8, 40], youth: [0, 0.25] },
  tenant: { title: 'Tenant rights workshop', days: 'weekday', start: [18], dur: [1.5, 2], att: [8, 50], youth: [0, 0.05] },
  assembly: { title: 'School assembly: conflict resolution', days: 'school', start: [9, 13], dur: [1, 1.5], att: [80, 400], youth: [0.9, 0.98] },
  blockParty: { title: 'Block party', days: 'sat', start: [12, 14, 15], dur: [3, 5], att: [50, 300], youth: [0.3, 0.5] },
  prayerWalk: { title: 'Prayer walk', days: 'weekend', start: [9, 10, 17], dur: [1, 2], att: [10, 60], youth: [0.05, 0.25] },
  peaceWalk: { title: 'Peace walk', days: 'sat', start: [10, 17], dur: [1, 2], att: [15, 120], youth: [0.1, 0.35] },
  assoc: { title: 'Neighborhood association meeting', days: 'weekday', start: [18, 18.5, 19], dur: [1.5, 2], att: [8, 60], youth: [0, 0.05] },
  resourceFair: { title: 'Resource fair, food & health screenings', days: 'sat', start: [10], dur: [3, 4], att: [40, 250], youth: [0.2, 0.4] },
  townHall: { title: 'Town hall: "Safe Streets" listening session', days: 'weekday', start: [18, 18.5], dur: [2, 2.5], att: [30, 200], youth: [0, 0.15] },
  garden: { title: 'Community garden workday', days: 'sat', start: [8, 9], dur: [2, 3], att: [6, 35], youth: [0.1, 0.4] },
  backToSchool: { title: 'Back-to-school giveaway', days: 'sat', months: [7, 8], start: [10], dur: [3, 4], att: [80, 400], youth: [0.5, 0.7] },
  meal: { title: 'Community meal', days: 'weekend', start: [12, 17], dur: [2, 3], att: [30, 150], youth: [0.15, 0.35] },
  coatDrive: { title: 'Winter coat & blanket drive', days: 'sat', start: [10], dur: [3, 4], att: [40, 180], youth: [0.2, 0.4] },
};

// Programs. sites = number of fixed sites; siteName uses {N} = name of the
// neighborhood the site is in; sensitive = names of confidential sites.
// weight = relative event volume per active day.
const PROGRAMS = [
  { name: 'Safe Summer Hoops', partner: 'Demo City Parks and Recreation', category: 'prevention', start: '2019-06-01', end: '',
    description: 'Late-evening basketball leagues for ages 14-24 in city recreation centers, with mentors on site.',
    weight: 3, sites: 5, siteName: '{N} Recreation Center', cap: [80, 250], t: ['hoops', 'art'] },
  { name: 'Clean Parks, Safe Parks', partner: 'Demo City Parks and Recreation', category: 'community engagement', start: '2021-03-15', end: '',
    description: 'Volunteer clean-ups, lighting audits and small repairs in neighborhood parks.',
    weight: 2.2, sites: 5, siteName: '{N} Park Pavilion', cap: [30, 120], t: ['cleanup', 'garden'] },
  { name: 'After-School Safe Havens', partner: 'Demo City Public Schools', category: 'prevention', start: '2020-08-10', end: '',
    description: 'Supervised homework help, arts and snacks from 3 to 6 pm on school days.',
    weight: 3, sites: 5, siteName: '{N} Middle School', cap: [40, 120], t: ['tutoring', 'art', 'conflict'] },
  { name: 'Youth Forward Mentoring', partner: 'Youth Forward Alliance', category: 'prevention', start: '2018-01-08', end: '',
    description: 'One-to-one and group mentoring for youth referred by schools, courts and families.',
    weight: 2.4, sites: 4, siteName: '{N} Youth Center', cap: [20, 60], t: ['mentoring', 'art'] },
  { name: 'Summer Youth Jobs', partner: 'Demo County Workforce Board', category: 'prevention', start: '2017-05-01', end: '',
    description: 'Paid summer work placements for 16-21 year olds; orientations run March through July.',
    weight: 0.8, sites: 1, siteName: '{N} Career Center', cap: [50, 150], t: ['jobsYouth', 'jobReady'] },
  { name: 'Safe Passage', partner: 'Demo City Public Schools', category: 'prevention', start: '2022-08-08', end: '',
    description: 'Trained adult volunteers posted along walking routes to and from schools.',
    weight: 1.4, sites: 0, t: ['safePassage'] },
  { name: 'Neighborhood Youth Jobs Pilot', partner: 'Demo Metro Opportunity League', category: 'prevention', start: '2024-06-01', end: '2026-02-28',
    description: 'Two-year pilot of job coaching for young adults; funding ended in February 2026.',
    weight: 0.5, sites: 1, siteName: '{N} Opportunity Center', cap: [20, 40], clusterSite: true, t: ['jobReady', 'mentoring'] },
  { name: 'Street Outreach Initiative', partner: 'Safe Streets Demo City', category: 'intervention', start: '2022-01-10', end: '',
    description: 'Credible messengers mediate disputes, prevent retaliation and connect young adults to services.',
    weight: 2.6, sites: 3, siteName: '{N} Outreach Hub', cap: [10, 30], t: ['outreach', 'mediation', 'vigil'] },
  { name: 'Hospital Violence Intervention', partner: 'Demo County Health Department', category: 'intervention', start: '2021-09-01', end: '',
    description: 'Bedside and follow-up support for people treated for violent injuries.',
    weight: 1.1, sites: 1, siteName: '{N} Health Center', cap: [15, 40], t: ['hospital'] },
  { name: 'Family Safety Advocacy', partner: 'Family Safety Center of Demo County', category: 'intervention', start: '2016-03-01', end: '',
    description: 'Advocacy, safety planning and court accompaniment for survivors of domestic violence.',
    weight: 1.4, sites: 2, siteName: '{N} Family Safety Office', sensitive: ['Family Safety Shelter (confidential)'], cap: [10, 40], t: ['victimDropIn'] },
  { name: 'Cure the Block', partner: 'Cure the Block Initiative', category: 'intervention', start: '2023-04-17', end: '',
    description: 'Public-health approach to gun violence: interrupt, treat, and change norms.',
    weight: 2, sites: 3, siteName: '{N} Cure the Block Office', cap: [10, 30], t: ['outreach', 'vigil'] },
  { name: 'Conflict Mediation Line', partner: 'Safe Streets Demo City', category: 'intervention', start: '2024-01-02', end: '',
    description: 'On-call mediators meet families and neighbors where disputes are brewing.',
    weight: 0.9, sites: 0, t: ['mediation'] },
  { name: 'Victim Companion Program', partner: 'Family Safety Center of Demo County', category: 'intervention', start: '2019-10-01', end: '',
    description: 'Counseling and peer support for families who lost someone to violence.',
    weight: 0.8, sites: 1, sensitive: ['Confidential Counseling Office'], cap: [10, 25], t: ['griefGroup', 'victimDropIn'] },
  { name: 'Community Policing Partnership', partner: 'Demo City Police Department', category: 'enforcement', start: '2015-01-01', end: '',
    description: 'Precinct-level meetings where residents set priorities with their officers.',
    weight: 3, sites: 5, siteName: '{N} Police Precinct', cap: [40, 120], t: ['cpMeeting', 'coffee', 'watch'] },
  { name: 'Neighborhood Watch Academy', partner: 'Demo City Police Department', category: 'enforcement', start: '2018-02-01', end: '',
    description: 'Eight-hour training for block watch volunteers, offered across the city.',
    weight: 0.8, sites: 0, t: ['watch'] },
  { name: 'Focused Deterrence Call-Ins', partner: "U.S. Attorney's Office, Demo District", category: 'enforcement', start: '2022-05-01', end: '',
    description: 'Group violence intervention: a joint message from law enforcement, service providers and community, plus an offer of help.',
    weight: 0.3, sites: 1, siteName: '{N} Justice Center', cap: [40, 80], t: ['callIn'] },
  { name: 'Gun Buyback Days', partner: "Demo County Sheriff's Office", category: 'enforcement', start: '2023-01-01', end: '',
    description: 'No-questions-asked firearm turn-in days with gift cards, held at rotating locations.',
    weight: 0.15, sites: 0, t: ['buyback'] },
  { name: 'Warrant Resolution Days', partner: "Demo County Sheriff's Office", category: 'enforcement', start: '2026-05-01', end: '',
    description: 'Resolve outstanding minor warrants without arrest, with court staff on site.',
    weight: 0.35, sites: 0, t: ['warrant'] },
  { name: 'Problem Property Task Team', partner: "Demo City Mayor's Office of Public Safety", category: 'enforcement', start: '2020-07-01', end: '',
    description: 'Code enforcement, police and residents walk blighted and nuisance properties together.',
    weight: 0.9, sites: 0, t: ['problemProperty'] },
  { name: 'Lights On Business Watch', partner: 'Demo Regional Chamber of Commerce', category: 'enforcement', start: '2021-11-01', end: '',
    description: 'Merchants share camera footage policies, lighting upgrades and a phone tree with the precinct.',
    weight: 0.5, sites: 0, t: ['bizWatch'] },
  { name: 'Second Chance Reentry Services', partner: 'Second Chance Reentry Network', category: 'reentry', start: '2014-06-01', end: '',
    description: 'Housing, case management, IDs and job placement for people coming home from prison or jail.',
    weight: 2, sites: 4, siteName: '{N} Reentry Resource Center', cap: [20, 60],
    sensitive: ['Transitional Housing Residence A (confidential)', 'Transitional Housing Residence B (confidential)'],
    t: ['jobReady', 'peer', 'license'] },
  { name: 'Clean Slate Expungement Clinics', partner: 'Second Chance Reentry Network', category: 'reentry', start: '2021-02-01', end: '',
    description: 'Volunteer attorneys help clear or seal eligible records; bring any court papers you have.',
    weight: 0.9, sites: 0, t: ['expunge'] },
  { name: 'Reentry Day Reporting', partner: 'Demo State Board of Pardons and Paroles', category: 'reentry', start: '2019-04-01', end: '',
    description: 'Structured day programming and supervision check-ins for people on parole.',
    weight: 0.9, sites: 1, sensitive: ['Day Reporting Center (confidential)'], cap: [30, 60], t: ['peer', 'jobReady'] },
  { name: 'Fair Chance Hiring', partner: 'Demo Regional Chamber of Commerce', category: 'reentry', start: '2022-03-01', end: '',
    description: 'Employers pledge to consider applicants with records; quarterly hiring fairs.',
    weight: 0.8, sites: 2, siteName: '{N} Business Incubator', cap: [60, 200], t: ['jobReady', 'reentryFair'] },
  { name: 'Fresh Start Grocery Jobs', partner: 'Southside Grocers Cooperative', category: 'reentry', start: '2023-09-01', end: '',
    description: 'Paid apprenticeships in co-op grocery stores for returning citizens.',
    weight: 0.6, sites: 1, siteName: '{N} Market', cap: [10, 25], t: ['jobReady'] },
  { name: 'Open Door Reentry Circle', partner: 'The "Open Door" Fellowship', category: 'reentry', start: '2020-01-05', end: '',
    description: 'Weekly "welcome home" circle and meal for returning citizens and their families.',
    weight: 0.7, sites: 1, siteName: 'Open Door Fellowship Hall', fixedName: true, cap: [40, 120], t: ['peer', 'meal'] },
  { name: 'Barbershop Conversations', partner: 'Ironworks Barber Collective', category: 'prevention', start: '2022-02-01', end: '',
    description: 'Barbers host candid conversations about conflict, respect and staying safe.',
    weight: 1.1, sites: 4, siteName: '{N} Barbershop', cap: [8, 20], t: ['barber'] },
  { name: 'Financial Empowerment Nights', partner: 'Northstar Credit Union', category: 'prevention', start: '2021-01-12', end: '',
    description: 'Budgeting, credit repair and second-chance checking accounts.',
    weight: 0.6, sites: 1, siteName: '{N} Credit Union Branch', cap: [20, 50], t: ['finance'] },
  { name: 'Housing Stability, Safety & You', partner: 'Hope, Health & Housing Coalition', category: 'prevention', start: '2022-10-01', end: '',
    description: 'Eviction prevention, tenant rights and emergency rental help.',
    weight: 0.8, sites: 1, siteName: '{N} Housing Resource Office', cap: [15, 40], t: ['tenant'] },
  { name: 'Violence-Free Schools Assemblies', partner: 'Demo City Public Schools', category: 'prevention', start: '2023-08-07', end: '',
    description: 'Assemblies and classroom sessions on conflict resolution and reporting threats.',
    weight: 0.6, sites: 0, t: ['assembly'] },
  { name: 'Greater Hope Youth Ministry', partner: 'Greater Hope Baptist Church', category: 'prevention', start: '2010-09-01', end: '',
    description: 'Open gym, tutoring and mentoring at the church family life center.',
    weight: 1.2, sites: 1, siteName: 'Greater Hope Family Life Center', fixedName: true, cap: [100, 300], t: ['mentoring', 'meal', 'hoops'] },
  { name: 'St. Brigid Community Table', partner: 'St. Brigid Catholic Parish', category: 'community engagement', start: '2012-11-01', end: '',
    description: 'Weekend community meals and quarterly resource fairs, open to all.',
    weight: 1, sites: 1, siteName: 'St. Brigid Parish Hall', fixedName: true, cap: [80, 200], t: ['meal', 'resourceFair'] },
  { name: 'An-Nur Neighborhood Care', partner: 'Masjid An-Nur', category: 'community engagement', start: '2017-03-01', end: '',
    description: 'Food pantry, garden and health screenings, open to all neighbors.',
    weight: 0.8, sites: 1, siteName: 'Masjid An-Nur Community Room', fixedName: true, cap: [50, 150], t: ['meal', 'resourceFair', 'garden'] },
  { name: 'Interfaith Prayer Walks', partner: "Interfaith Ministers' Alliance", category: 'community engagement', start: '2016-06-01', end: '',
    description: 'Clergy and congregations walk blocks that recently saw violence, and follow up with families.',
    weight: 1.4, sites: 0, t: ['prayerWalk', 'vigil'] },
  { name: 'Block Captains', partner: 'Demo Block Captains Network', category: 'community engagement', start: '2019-03-01', end: '',
    description: 'Resident captains organize their block, share information and host gatherings.',
    weight: 1.8, sites: 0, t: ['assoc', 'blockParty', 'watch'] },
  { name: 'Neighborhood Association Forums', partner: 'Neighborhood Associations Council', category: 'community engagement', start: '2008-01-01', end: '',
    description: 'Monthly association meetings with city departments on the agenda.',
    weight: 1.6, sites: 5, siteName: '{N} Community Center', cap: [60, 200], t: ['assoc', 'townHall'] },
  { name: 'Mothers United Peace Walks', partner: 'Mothers United for Peace', category: 'community engagement', start: '2018-05-01', end: '',
    description: 'Mothers who lost children to violence lead peace walks and vigils.',
    weight: 0.9, sites: 0, t: ['peaceWalk', 'vigil'] },
  { name: 'Safe Streets Town Halls', partner: "Demo City Mayor's Office of Public Safety", category: 'community engagement', start: '2025-01-15', end: '',
    description: 'Citywide listening sessions on the "Safe Streets" plan.',
    weight: 0.35, sites: 0, t: ['townHall'] },
  { name: 'Health & Safety Fairs', partner: 'Demo County Health Department', category: 'community engagement', start: '2018-04-01', end: '',
    description: 'Screenings, vaccines, lock boxes and gun locks, back-to-school supplies.',
    weight: 0.7, sites: 0, t: ['resourceFair', 'backToSchool'] },
  { name: 'Winter Warmth Drive', partner: 'Demo Block Captains Network', category: 'community engagement', start: '2025-11-01', end: '2026-01-31',
    description: 'Seasonal coat, blanket and space-heater drive.',
    weight: 1.2, sites: 0, t: ['coatDrive', 'meal'] },
  { name: 'Credible Messenger Fellowship', partner: 'Cure the Block Initiative', category: 'intervention', start: '2027-01-04', end: '',
    description: 'Planned paid fellowship for outreach workers; starts after the demo anchor date, so it has no events yet.',
    weight: 0, sites: 0, t: [] },
];

// ---------------------------------------------------------------- sites

const STREETS = ['Oak Ave', 'Cedar St', 'Magnolia Ave', 'Church St', 'Park Pl', 'Front St', 'Spring St', 'Valley Rd',
  'Lakeview Dr', 'Mill Rd', 'Center St', 'Highland Ave', 'Furnace St', 'Railroad Ave', 'Pine St', 'Washington Blvd',
  'Walnut St', 'Riverside Dr', '3rd Ave N', '5th Ave S', '12th St W', '19th St N', 'Martin Luther King Jr Dr', 'Tuxedo Ave',
  'Ridge Rd', 'Garden St', 'Dogwood Ln', 'Commerce Blvd', 'Union St', 'Quarry Rd'];

function serviceWeight(n) { // how strongly a neighborhood attracts programs and events
  if (n.cluster) return 0.04;
  if (isHotNE(n.c, n.r)) return 1.8;
  if (isHotS(n.c, n.r)) return 1.1;
  if (n.dark) return 2.5; // busy until the dark period starts
  return n.baseService;
}

function buildSites(nbhds) {
  const rng = new Rng('sites');
  for (const n of nbhds) n.baseService = rng.range(0.9, 1.5);
  const sites = [];
  const names = new Set();
  const candidates = nbhds.filter((n) => !n.cluster && !n.dark && !n.noEvents);
  const weights = candidates.map((n) => serviceWeight(n) * (0.6 + n.population / 6000));
  for (const p of PROGRAMS) {
    const sensitive = p.sensitive || [];
    for (let k = 0; k < p.sites; k++) {
      const isSensitive = k >= p.sites - sensitive.length;
      let n, name;
      for (let tries = 0; ; tries++) {
        assert(tries < 1000, 'site naming');
        n = p.clusterSite ? rng.pick(nbhds.filter((m) => m.cluster && !m.noEvents && !m.dark)) : rng.weighted(candidates, weights);
        name = isSensitive ? sensitive[k - (p.sites - sensitive.length)]
          : p.fixedName ? p.siteName : p.siteName.replace('{N}', n.name);
        if (!names.has(name)) break;
      }
      names.add(name);
      const [lon, lat] = randomPointIn(rng, nbhds, n);
      let address = `${rng.int(1, 99) * 100 + rng.int(0, 99)} ${rng.pick(STREETS)}`;
      if (rng.chance(0.12)) address += `, Suite ${rng.int(1, 4)}${pad(rng.int(0, 20), 2)}`;
      const capacity = rng.int(p.cap[0], p.cap[1]);
      sites.push({ name, program: p, nbhd: n, address, capacity, sensitive: isSensitive, lon, lat });
    }
  }
  assert(sites.length === N_SITES, `expected ${N_SITES} sites, got ${sites.length}`);
  assert(sites.filter((s) => s.sensitive).length === 5, 'five sensitive sites');
  // a few sites with unknown capacity (empty field)
  const publicIdx = sites.map((s, k) => (s.sensitive ? -1 : k)).filter((k) => k >= 0);
  const blank = new Set();
  while (blank.size < 4) blank.add(rng.pick(publicIdx));
  for (const k of blank) sites[k].capacity = '';
  // ids follow program order
  return sites.map((s, k) => ({ ...s, site_id: `S${pad(k + 1, 3)}` }));
}

// ---------------------------------------------------------------- events

function activeRange(p) {
  const from = Math.max(FIRST_DAY, dayNum(p.start));
  const to = Math.min(ANCHOR_DAY, p.end ? dayNum(p.end) : ANCHOR_DAY);
  return [from, to];
}

function dayOk(tpl, d) {
  const wd = weekday(d), m = monthOf(d);
  if (tpl.months && !tpl.months.includes(m)) return false;
  switch (tpl.days) {
    case 'weekday': return wd >= 1 && wd <= 5;
    case 'school': return wd >= 1 && wd <= 5 && m !== 6 && m !== 7;
    case 'sat': return wd === 6;
    case 'weekend': return wd === 0 || wd === 6;
    default: return true;
  }
}

function quarterHours(rng, [a, b]) { // random value in [a, b] hours, in 15-minute steps
  return rng.int(Math.round(a * 4), Math.round(b * 4)) * 15; // minutes
}

function buildEvents(nbhds, sites, geom) {
  const rng = new Rng('events');
  const active = PROGRAMS.filter((p) => p.weight > 0 && p.t.length > 0);
  const progWeights = active.map((p) => { const [a, b] = activeRange(p); return b < a ? 0 : p.weight * (b - a + 1); });
  const scatterPool = nbhds.filter((n) => !n.noEvents);
  const scatterWeights = scatterPool.map((n) => serviceWeight(n) * (0.5 + n.population / 6000));
  const publicSites = new Map(active.map((p) => [p, sites.filter((s) => s.program === p && !s.sensitive)]));
  const partnerList = PARTNERS.map(([n]) => n);

  const events = [];
  const sensitiveSites = sites.filter((s) => s.sensitive);
  const nearSensitive = (x, y) => sensitiveSites.some((s) =>
    segDistKm(x, y, [s.lon, s.lat], [s.lon, s.lat]) < SENSITIVE_BUFFER_KM);
  const place = (p, day) => {
    const own = publicSites.get(p);
    for (let tries = 0; tries < 500; tries++) {
      const u = rng.float();
      let x, y, mode;
      if (own.length && u < 0.5) { // at the site itself
        const s = rng.pick(own);
        [x, y, mode] = [s.lon, s.lat, 'site'];
      } else if (own.length && u < 0.8) { // nearby (outreach, block events)
        const s = rng.pick(own);
        x = round6(s.lon + (rng.normal() * 0.35) / KM_PER_DEG_LON);
        y = round6(s.lat + (rng.normal() * 0.35) / KM_PER_DEG_LAT);
        mode = 'near';
      } else {
        const n = rng.weighted(scatterPool, scatterWeights);
        [x, y] = randomPointIn(rng, nbhds, n);
        mode = 'scatter';
      }
      const n = locate(nbhds, x, y);
      if (n === null || n === 'edge') continue;
      if (nearSensitive(x, y)) continue;
      if (n.noEvents) continue;
      if (n.dark && day >= DARK_FROM) continue;
      if (n.cluster && mode === 'near' && !rng.chance(0.1)) continue;
      return [x, y, n];
    }
    throw new Error(`could not place an event for ${p.name}`);
  };

  const makeEvent = (p) => {
    const [from, to] = activeRange(p);
    let tpl, day;
    for (let tries = 0; ; tries++) {
      assert(tries < 5000, `no valid day for ${p.name}`);
      tpl = T[rng.pick(p.t)];
      day = rng.int(from, to);
      if (dayOk(tpl, day)) break;
    }
    const start = Math.round(rng.pick(tpl.start) * 60);
    const dur = quarterHours(rng, tpl.dur);
    const attendance = rng.int(tpl.att[0], tpl.att[1]);
    const youth = Math.min(attendance, Math.round(attendance * rng.range(tpl.youth[0], tpl.youth[1])));
    const partner = rng.chance(0.1) ? rng.pick(partnerList.filter((q) => q !== p.partner)) : p.partner;
    return { p, tpl, day, start, dur, attendance, youth, partner };
  };

  // Some events are pinned to neighborhoods so that chance cannot blur the
  // planted pattern: one per underserved neighborhood (except the no-event
  // one; before the dark period if it is dark) and PINNED_PER_NBHD per other
  // neighborhood (before the dark period if it is dark), so every served
  // neighborhood has clearly more events than any underserved one.
  const pinned = [];
  for (const n of nbhds) {
    if (n.noEvents) continue;
    else if (n.cluster) pinned.push(n);
    else for (let k = 0; k < PINNED_PER_NBHD; k++) pinned.push(n);
  }
  for (const n of pinned) {
    let p, ev;
    do {
      p = rng.weighted(active, progWeights);
      ev = makeEvent(p);
    } while (n.dark && ev.day >= DARK_FROM);
    let x, y;
    do [x, y] = randomPointIn(rng, nbhds, n); while (nearSensitive(x, y));
    events.push({ ...ev, lon: x, lat: y, nbhd: n });
  }
  while (events.length < N_EVENTS - 2) {
    const p = rng.weighted(active, progWeights);
    const ev = makeEvent(p);
    const [x, y, n] = place(p, ev.day);
    events.push({ ...ev, lon: x, lat: y, nbhd: n });
  }

  // Exactly two events just outside the city limits (county fairground and a
  // suburban church lot): they exercise "point in no neighborhood" reporting.
  const outside = [
    { program: 'Gun Buyback Days', at: geom.V[0][5], dx: -0.6, dy: 0 },
    { program: 'Fair Chance Hiring', at: geom.V[6][0], dx: 0, dy: -0.5 },
  ];
  for (const o of outside) {
    const p = PROGRAMS.find((q) => q.name === o.program);
    const ev = makeEvent(p);
    const x = round6(o.at[0] + o.dx / KM_PER_DEG_LON), y = round6(o.at[1] + o.dy / KM_PER_DEG_LAT);
    assert(locate(nbhds, x, y) === null, 'outside event is inside the city');
    assert(!pointInRing(x, y, geom.outer) && ringDistKm(x, y, geom.outer) > 0.2, 'outside event too close to the city');
    events.push({ ...ev, lon: x, lat: y, nbhd: null, outside: true });
  }

  events.forEach((e, k) => { e.seq = k; });
  events.sort((a, b) => a.day - b.day || a.start - b.start || a.seq - b.seq);
  return events.map((e, k) => {
    const park = e.nbhd ? (e.nbhd.name.endsWith('Park') ? e.nbhd.name : `${e.nbhd.name} Park`) : 'the county fairground';
    return {
      ...e,
      event_id: `E${pad(k + 1, 4)}`,
      title: e.tpl.title.replace('{park}', park),
      program: e.p.name,
      category: e.p.category,
      start_time: localTime(e.day, e.start),
      end_time: localTime(e.day, e.start + e.dur),
      attendance: e.attendance,
      youth_attendance: e.youth,
      hours: (e.dur / 60).toFixed(2),
    };
  });
}

// ---------------------------------------------------------------- incidents

const MONTH_WEIGHT = [0, 0.8, 0.75, 0.85, 0.95, 1.1, 1.25, 1.3, 1.25, 1.1, 1, 0.9, 0.85]; // index = month

function buildIncidents(nbhds) {
  const rng = new Rng('incidents');
  // Counts per neighborhood are allocated, not sampled, so that the planted
  // pattern is exact: only the small-population neighborhoods and a few
  // quiet south-east ones have fewer than 10 incidents.
  const affluent = nbhds.filter((n) => isAffluent(n.c, n.r));
  const quiet = new Set([affluent[1], affluent[4], affluent[7]]);
  const floor = new Map();
  const count = new Map();
  for (const n of nbhds) {
    let k, f;
    if (isSmall(n.c, n.r)) [k, f] = [rng.int(1, 6), null];
    else if (quiet.has(n)) [k, f] = [rng.int(2, 8), null];
    else if (n.cluster) [k, f] = [rng.int(30, 40), 28];
    else if (isHotNE(n.c, n.r)) [k, f] = [rng.int(26, 32), 24];
    else if (isHotS(n.c, n.r)) [k, f] = [rng.int(18, 22), 16];
    else if (isAffluent(n.c, n.r)) [k, f] = [rng.int(10, 13), null];
    else [k, f] = [10 + Math.round((n.population / 1500) * rng.range(0.7, 1.3)), 10];
    count.set(n, k);
    if (f !== null) floor.set(n, f);
  }
  const adjustable = [...floor.keys()];
  let diff = N_INCIDENTS - [...count.values()].reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const n = rng.pick(adjustable);
    if (diff > 0) { count.set(n, count.get(n) + 1); diff--; }
    else if (count.get(n) > floor.get(n)) { count.set(n, count.get(n) - 1); diff++; }
  }
  const days = [];
  const dayW = [];
  for (let d = FIRST_DAY; d <= ANCHOR_DAY; d++) { days.push(d); dayW.push(MONTH_WEIGHT[monthOf(d)]); }
  const out = [];
  for (const n of nbhds) for (let k = 0; k < count.get(n); k++) {
    const [lon, lat] = randomPointIn(rng, nbhds, n);
    const day = rng.weighted(days, dayW);
    const kind = rng.weighted(['aggravated assault', 'robbery', 'shooting', 'homicide'],
      n.cluster ? [46, 26, 23, 5] : [52, 31, 15, 2]);
    out.push({ day, kind, lon, lat, nbhd: n, seq: out.length });
  }
  out.sort((a, b) => a.day - b.day || a.seq - b.seq);
  return out.map((e, k) => ({ ...e, incident_id: `I${pad(k + 1, 4)}`, date: isoDay(e.day) }));
}

// ---------------------------------------------------------------- README

function readme(ctx) {
  const { nbhds, sites, events, incidents } = ctx;
  const byId = (list) => list.map((n) => `${n.nbhd_id} ${n.name}`).join(', ');
  const cluster = nbhds.filter((n) => n.cluster);
  const evCount = new Map(nbhds.map((n) => [n, 0]));
  const evRecent = new Map(nbhds.map((n) => [n, 0]));
  const incCount = new Map(nbhds.map((n) => [n, 0]));
  for (const e of events) if (e.nbhd) { evCount.set(e.nbhd, evCount.get(e.nbhd) + 1); if (e.day >= DARK_FROM) evRecent.set(e.nbhd, evRecent.get(e.nbhd) + 1); }
  for (const i of incidents) incCount.set(i.nbhd, incCount.get(i.nbhd) + 1);
  const clusterEvents = cluster.reduce((s, n) => s + evCount.get(n), 0);
  const clusterIncidents = cluster.reduce((s, n) => s + incCount.get(n), 0);
  const multi = nbhds.filter((n) => n.parts.length > 1);
  const exclaveText = EXCLAVES.map((ex) => {
    const to = nbhds.find((n) => n.c === ex.to[0] && n.r === ex.to[1]);
    const from = nbhds.find((n) => n.c === ex.from[0] && n.r === ex.from[1]);
    return `- **${to.nbhd_id} ${to.name}** is a MultiPolygon: its main cell plus a small detached exclave ` +
      `cut from the south-west corner of ${from.nbhd_id} ${from.name} (which stays a Polygon). ` +
      'The exclave does not touch the rest of its neighborhood.';
  }).join('\n');
  const nonAscii = nbhds.filter((n) => /[^\x00-\x7f]/.test(n.name));
  const small = nbhds.filter((n) => n.population < 800);
  const fewInc = nbhds.filter((n) => incCount.get(n) < 10);
  const dark = nbhds.filter((n) => n.dark);
  const none = nbhds.filter((n) => n.noEvents);
  const outside = events.filter((e) => e.outside);
  const sensitive = sites.filter((s) => s.sensitive);
  const unknownCap = sites.filter((s) => s.capacity === '');
  const others = nbhds.filter((n) => !n.cluster);
  const perNbhd = (count, list) => (list.reduce((s, n) => s + count.get(n), 0) / list.length).toFixed(1);
  const countBy = (list, f) => { const m = new Map(); for (const x of list) m.set(f(x), (m.get(f(x)) || 0) + 1); return m; };
  const kinds = countBy(incidents, (i) => i.kind);
  const cats = countBy(events, (e) => e.category);
  const commSizes = [...countBy(nbhds, (n) => n.community).values()].sort((a, b) => a - b);

  return `# Demo City — synthetic demo data

**Everything in this directory is SYNTHETIC.** "Demo City" is an invented city
placed near 33.52 N, 86.80 W (roughly where Birmingham, Alabama is) so that
maps look familiar. It is **not** real Birmingham data — or real data about
any place. The neighborhoods are a jittered grid, and all names, people
counts, incomes, incidents, partners, programs, sites, addresses and events are
made up by a seeded random generator. Any resemblance to real places,
organizations or addresses is coincidental. The task force it imitates is
modelled on Birmingham's Safe Neighborhoods Task Force (police, agencies,
nonprofits, businesses and faith groups), but none of its data is used.

The GeoJSON says so too: its FeatureCollection has the foreign members
\`"title": "Demo City (synthetic)"\`, \`"description"\` and \`"synthetic": true\`
(GDAL ignores them, apart from showing \`description\` as layer metadata; the
top-level \`"name"\` is \`neighborhoods\` because GDAL uses it as the layer
name).

## Regenerating

\`\`\`sh
node data/demo/generate.mjs
\`\`\`

rewrites every file in this directory, **including this README** (edit the
template in \`generate.mjs\`, not this file). It needs Node.js 18+ and no
packages. The output is byte-for-byte identical on every run:

- randomness comes from mulberry32 streams seeded from the fixed string
  \`${SEED}\` (one stream per purpose: lattice, edges, names, events, ...);
- all time data is relative to the fixed **anchor date ${ANCHOR}** (constant
  \`ANCHOR\` in the generator; treat it as "today" for the demo). Events and
  incidents cover the 12 months ${isoDay(FIRST_DAY)} .. ${isoDay(ANCHOR_DAY)} (inclusive);
- only basic floating-point arithmetic is applied to random numbers, and
  all coordinates are rounded to 6 decimals before any check, so what is
  checked is exactly what is written.

The generator checks its own output and stops with an error if a check fails:
rings closed and counter-clockwise, no two boundary segments of the whole
city cross or overlap, every segment shared by at most two rings, the areas
of all rings add up to the area of the city outline, every site, incident and
event (but two) lies inside exactly one neighborhood at least
${POINT_MARGIN_KM * 1000} m from its boundary.

## Files

All CSV files are RFC 4180 (fields containing a comma or a double quote are
quoted, quotes doubled), UTF-8 without BOM, with a header row and LF line
endings. Empty field = unknown / not applicable. Coordinates are WGS 84
longitude/latitude (EPSG:4326) with 6 decimals.

| file | rows | what |
|---|---:|---|
| \`neighborhoods.geojson\` | ${nbhds.length} features | neighborhood polygons |
| \`indicators.csv\` | ${nbhds.length} | need indicators per neighborhood |
| \`partners.csv\` | ${PARTNERS.length} | task-force partners |
| \`programs.csv\` | ${PROGRAMS.length} | programs run by partners |
| \`sites.csv\` | ${sites.length} | fixed program sites |
| \`events.csv\` | ${events.length} | program events in the 12 months before the anchor |
| \`incidents.csv\` | ${incidents.length} | violent incidents in the same 12 months |

### neighborhoods.geojson

RFC 7946 FeatureCollection, one Feature per neighborhood, ordered by
\`nbhd_id\`. The city is about 18 km x 14 km. Neighborhoods come from a
${COLS} x ${ROWS} lattice of cells (\`N001\` is the north-west cell, ids run
west to east, then north to south, \`N${pad(COLS * ROWS, 3)}\` is south-east).
Every lattice vertex is jittered once and every lattice edge is split into
2-4 segments with jittered intermediate points, computed once per edge, so
neighbors share edges with identical vertex coordinates (in reverse order).
The polygons tile the city with no gaps and no overlaps. Exterior rings are
counter-clockwise; there are no holes. Because the layer mixes Polygon and
MultiPolygon, GDAL reports its geometry type as "Unknown (any)"; use
\`-nlt PROMOTE_TO_MULTI\` when loading it into a typed table.

| property | type | meaning |
|---|---|---|
| \`nbhd_id\` | string | \`N001\` .. \`N${pad(COLS * ROWS, 3)}\` |
| \`name\` | string | unique invented name (UTF-8) |
| \`community\` | string | one of ${COMMUNITY_NAMES.length} communities; each groups ${commSizes[0]}-${commSizes[commSizes.length - 1]} adjacent neighborhoods (exclaves aside) |
| \`population\` | integer | residents (${Math.min(...nbhds.map((n) => n.population))} .. ${Math.max(...nbhds.map((n) => n.population))}) |
| \`youth_population\` | integer | residents aged 10-24 (15-30 % of population) |
| \`households\` | integer | households |

${multi.length} neighborhoods are MultiPolygons, all others are Polygons:

${exclaveText}

Names with non-ASCII letters (UTF-8 tests): ${byId(nonAscii)}.
Name with an apostrophe: ${byId(nbhds.filter((n) => n.name.includes("'")))}.

### indicators.csv

One row per neighborhood, same order as the GeoJSON.

| column | type | meaning |
|---|---|---|
| \`nbhd_id\` | string | joins to \`neighborhoods.geojson\` |
| \`name\` | string | same as in the GeoJSON |
| \`population\`, \`youth_population\`, \`households\` | integer | identical to the GeoJSON properties |
| \`households_poverty\` | integer | households below the poverty line (<= households) |
| \`median_income\` | integer | median household income, US dollars per year |
| \`unemployment_rate\` | decimal | unemployment rate in **percent** (0-100, one decimal), e.g. \`12.4\` |

### partners.csv

| column | meaning |
|---|---|
| \`name\` | partner name, unique (some contain commas, apostrophes or double quotes) |
| \`kind\` | \`law enforcement\`, \`government agency\`, \`nonprofit\`, \`business\`, \`faith\` or \`community\` |

### programs.csv

| column | meaning |
|---|---|
| \`name\` | program name, unique |
| \`partner\` | lead partner, equals a \`partners.csv\` \`name\` |
| \`category\` | \`prevention\`, \`intervention\`, \`enforcement\`, \`reentry\` or \`community engagement\` |
| \`description\` | free text |
| \`start_date\` | YYYY-MM-DD |
| \`end_date\` | YYYY-MM-DD, empty = ongoing |

Events of a program fall only between its start and end dates. Special cases:
"Neighborhood Youth Jobs Pilot" ended 2026-02-28 (its only site is in the
underserved cluster); "Warrant Resolution Days" started 2026-05-01; "Winter
Warmth Drive" ran 2025-11-01 .. 2026-01-31; "Credible Messenger Fellowship"
starts 2027-01-04, after the anchor, and has no sites and no events.

### sites.csv

| column | meaning |
|---|---|
| \`site_id\` | \`S001\` .. \`S${pad(sites.length, 3)}\` |
| \`name\` | site name, unique |
| \`program\` | program name (\`programs.csv\`) |
| \`category\` | the program's category |
| \`address\` | invented street address (a few have ", Suite ...", so they are quoted) |
| \`capacity\` | integer (people), empty = unknown (${unknownCap.length} rows: ${unknownCap.map((s) => s.site_id).join(', ')}) |
| \`sensitive\` | \`true\` / \`false\`; true for ${sensitive.length} confidential reentry-housing and victim-services sites whose exact location must not be shown |
| \`lon\`, \`lat\` | location, inside a neighborhood |

Sensitive sites: ${sensitive.map((s) => `${s.site_id} (${s.name})`).join(', ')}.
No event is placed within ${SENSITIVE_BUFFER_KM * 1000} m of a sensitive site.

### events.csv

| column | meaning |
|---|---|
| \`event_id\` | \`E0001\` .. \`E${pad(events.length, 4)}\`, in order of start time |
| \`title\` | e.g. "Youth basketball night", "Park clean-up at ...", "Community-police meeting" (some contain commas or quotes) |
| \`program\` | program name (\`programs.csv\`) |
| \`partner\` | hosting partner (\`partners.csv\`); the program's lead partner for about 90 % of events, a co-host otherwise |
| \`category\` | the program's category |
| \`start_time\`, \`end_time\` | ISO 8601 local time with America/Chicago offset, e.g. \`2026-03-14T10:00:00-05:00\` (\`-06:00\` CST, \`-05:00\` CDT from the 2nd Sunday of March to the 1st Sunday of November); same day, end > start |
| \`attendance\` | integer, people attending |
| \`youth_attendance\` | integer, <= attendance |
| \`hours\` | decimal, duration of the event in hours (end - start), 2 decimals |
| \`lon\`, \`lat\` | location |

Most events of a program with public (non-sensitive) sites are held at one of
them or within a few hundred metres; the rest, and all events of programs
without public sites, are scattered across the city. Every served neighborhood
gets at least ${PINNED_PER_NBHD} events, so served and underserved ones are clearly apart. Events by category: ${[...cats].sort().map(([k, v]) => `${k} ${v}`).join(', ')}.

**Exactly two events are outside the city** (in no neighborhood), to test
"point in no neighborhood" reporting: ${outside.map((e) => `${e.event_id} (${e.title}, ${e.program}, ${e.lon.toFixed(6)} ${e.lat.toFixed(6)})`).join(' and ')}.

### incidents.csv

| column | meaning |
|---|---|
| \`incident_id\` | \`I0001\` .. \`I${pad(incidents.length, 4)}\`, in date order |
| \`date\` | YYYY-MM-DD, ${isoDay(FIRST_DAY)} .. ${isoDay(ANCHOR_DAY)} |
| \`kind\` | \`shooting\`, \`robbery\`, \`aggravated assault\` or \`homicide\` |
| \`lon\`, \`lat\` | location, inside a neighborhood |

Incidents by kind: ${[...kinds].sort().map(([k, v]) => `${k} ${v}`).join(', ')}. Slightly more in summer.

## Planted patterns (what the analytics should find)

**Underserved cluster** — ${cluster.length} adjacent neighborhoods in the west-central part of the
city with high incidents, high poverty and very few events:

${cluster.map((n) => `- ${n.nbhd_id} ${n.name} (${n.community}): ${incCount.get(n)} incidents, ${evCount.get(n)} events, poverty ${(100 * n.households_poverty / n.households).toFixed(0)} %`).join('\n')}

Together: ${clusterIncidents} of ${incidents.length} incidents (${(100 * clusterIncidents / incidents.length).toFixed(0)} %), ${clusterEvents} of ${events.length} events.
Average per neighborhood: ${perNbhd(evCount, cluster)} events in the cluster vs
${perNbhd(evCount, others)} elsewhere; ${perNbhd(incCount, cluster)} incidents in the cluster vs ${perNbhd(incCount, others)} elsewhere.

Other incident hot spots, which *are* well served: ${byId(nbhds.filter((n) => isHotNE(n.c, n.r)))} (north-east) and, less
intense, ${byId(nbhds.filter((n) => isHotS(n.c, n.r)))} (south). The south-east
(${byId(nbhds.filter((n) => isAffluent(n.c, n.r)))}) has low poverty and few incidents.

**No events at all** in the 12 months: ${byId(none)}.

**No events in the last ${DARK_DAYS} days** (on or after ${isoDay(DARK_FROM)}, so none in any 90-day
window ending at the anchor), but events earlier in the year:
${dark.map((n) => `${n.nbhd_id} ${n.name} (${evCount.get(n)} events in 12 months, ${evRecent.get(n)} recent)`).join(', ')}.

**Small populations** (< 800, for small-number smoothing): ${small.map((n) => `${n.nbhd_id} ${n.name} (${n.population})`).join(', ')}.

**Fewer than 10 incidents** (for small-count suppression): ${fewInc.map((n) => `${n.nbhd_id} ${n.name} (${incCount.get(n)})`).join(', ')}.

## Checking with GDAL

\`\`\`sh
ogrinfo -so data/demo/neighborhoods.geojson neighborhoods
ogrinfo -dialect sqlite -sql "select count(*) from neighborhoods where not st_isvalid(geometry)" data/demo/neighborhoods.geojson
ogrinfo -dialect sqlite -sql "select sum(st_area(geometry)) - st_area(st_union(geometry)) from neighborhoods" data/demo/neighborhoods.geojson
ogrinfo -dialect sqlite -sql "select st_geometrytype(u), st_numinteriorring(u) from (select st_union(geometry) as u from neighborhoods)" data/demo/neighborhoods.geojson
ogrinfo -so data/demo/events.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo KEEP_GEOM_COLUMNS=NO
\`\`\`

Expected: 100 features, 0 invalid geometries, an area difference of about
1e-17 (float noise), and a union that is a single POLYGON with 0 holes.
`;
}

// ---------------------------------------------------------------- main

function main() {
  const geom = buildGeometry();
  const nbhds = buildNeighborhoods(geom);
  const names = new Set(nbhds.map((n) => n.name));
  assert(names.size === nbhds.length, 'neighborhood names unique');
  assert(new Set(nbhds.map((n) => n.community)).size === COMMUNITY_NAMES.length, 'community count');
  for (const p of PROGRAMS) assert(PARTNER_NAMES.has(p.partner), `unknown partner ${p.partner}`);
  assert(new Set(PROGRAMS.map((p) => p.name)).size === PROGRAMS.length, 'program names unique');

  const sites = buildSites(nbhds);
  const events = buildEvents(nbhds, sites, geom);
  const incidents = buildIncidents(nbhds);

  // self-checks on the planted patterns
  const cnt = (list, n, f = () => true) => list.filter((e) => e.nbhd === n && f(e)).length;
  for (const n of nbhds) {
    if (n.noEvents) assert(cnt(events, n) === 0, `${n.nbhd_id} should have no events`);
    if (n.dark) assert(cnt(events, n, (e) => e.day >= DARK_FROM) === 0 && cnt(events, n) > 0, `${n.nbhd_id} dark`);
  }
  assert(nbhds.filter((n) => cnt(incidents, n) < 10).length >= 3, 'a few neighborhoods with < 10 incidents');
  assert(events.filter((e) => e.nbhd === null).length === 2, 'exactly two events outside');
  for (const e of events) {
    assert(e.youth <= e.attendance, 'youth <= attendance');
    assert(e.day >= FIRST_DAY && e.day <= ANCHOR_DAY, 'event in window');
    assert(e.start + e.dur < 24 * 60, 'event ends the same day');
  }
  for (const s of sites) assert(locate(nbhds, s.lon, s.lat) === s.nbhd, 'site location');

  const write = (file, text) => writeFileSync(join(OUT_DIR, file), text);
  write('neighborhoods.geojson', geojson(nbhds));
  write('indicators.csv', csv(['nbhd_id', 'name', 'population', 'youth_population', 'households', 'households_poverty', 'median_income', 'unemployment_rate'], nbhds));
  write('partners.csv', csv(['name', 'kind'], PARTNERS.map(([name, kind]) => ({ name, kind }))));
  write('programs.csv', csv(['name', 'partner', 'category', 'description', 'start_date', 'end_date'],
    PROGRAMS.map((p) => ({ ...p, start_date: p.start, end_date: p.end }))));
  write('sites.csv', csv(['site_id', 'name', 'program', 'category', 'address', 'capacity', 'sensitive', 'lon', 'lat'],
    sites.map((s) => ({ ...s, program: s.program.name, category: s.program.category, sensitive: String(s.sensitive), lon: fmt6(s.lon), lat: fmt6(s.lat) }))));
  write('events.csv', csv(['event_id', 'title', 'program', 'partner', 'category', 'start_time', 'end_time', 'attendance', 'youth_attendance', 'hours', 'lon', 'lat'],
    events.map((e) => ({ ...e, lon: fmt6(e.lon), lat: fmt6(e.lat) }))));
  write('incidents.csv', csv(['incident_id', 'date', 'kind', 'lon', 'lat'],
    incidents.map((i) => ({ ...i, lon: fmt6(i.lon), lat: fmt6(i.lat) }))));
  write('README.md', readme({ nbhds, sites, events, incidents }));

  process.stdout.write(`wrote ${nbhds.length} neighborhoods, ${PARTNERS.length} partners, ${PROGRAMS.length} programs, ` +
    `${sites.length} sites, ${events.length} events, ${incidents.length} incidents\n`);
}

main();
