// Two small SVG charts for the profile (no chart library: a handful of
// rectangles and labels). SVG presentation attributes are not inline
// styles, so the page's CSP allows them. Each chart has role="img" and an
// aria-label that reads out its numbers.

import { categorySymbol } from '../symbols.js';

const NS = 'http://www.w3.org/2000/svg';

function el(doc, name, attrs, text) {
  const e = doc.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const monthShort = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });
const monthLong = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthDate = (m) => {
  const [y, mo] = m.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, 1));
};

/**
 * Events per month as columns.
 * @param {Document} doc
 * @param {Array<{month: string, events: number}>} months "YYYY-MM", in order
 * @returns {SVGSVGElement}
 */
export function monthsChart(doc, months) {
  const W = 280;
  const H = 110;
  const left = 26;
  const bottom = 18;
  const top = 8;
  const max = Math.max(1, ...months.map((m) => m.events));
  // A round top for the axis: 1, 2, 5 x 10^n.
  const p = 10 ** Math.floor(Math.log10(max));
  const axisMax = [1, 2, 5, 10].map((f) => f * p).find((v) => v >= max);
  const svg = el(doc, 'svg', {
    viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', class: 'chart',
    'aria-label': `Events per month: ${months.map((m) => `${monthLong.format(monthDate(m.month))} ${m.events}`).join(', ')}`,
  });
  const plotH = H - bottom - top;
  const plotW = W - left - 4;
  svg.append(el(doc, 'line', { x1: left, x2: W - 4, y1: top + plotH + 0.5, y2: top + plotH + 0.5, stroke: '#9aa6ae' }));
  for (const v of [0, axisMax / 2, axisMax]) {
    const y = top + plotH - (v / axisMax) * plotH;
    if (v > 0) svg.append(el(doc, 'line', { x1: left, x2: W - 4, y1: y + 0.5, y2: y + 0.5, stroke: '#e3e7ea' }));
    svg.append(el(doc, 'text', { x: left - 4, y: y + 3.5, 'text-anchor': 'end', class: 'chart-axis' }, String(v)));
  }
  const n = Math.max(1, months.length);
  const step = plotW / n;
  const bw = Math.max(2, step * 0.7);
  months.forEach((m, i) => {
    const h = (m.events / axisMax) * plotH;
    const x = left + i * step + (step - bw) / 2;
    const bar = el(doc, 'rect', { x, y: top + plotH - h, width: bw, height: Math.max(0, h), fill: '#2c7fb8', rx: 1 });
    bar.append(el(doc, 'title', {}, `${monthLong.format(monthDate(m.month))}: ${m.events} event${m.events === 1 ? '' : 's'}`));
    svg.append(bar);
    if (n <= 13 || i % Math.ceil(n / 12) === 0) {
      svg.append(el(doc, 'text', { x: x + bw / 2, y: H - 5, 'text-anchor': 'middle', class: 'chart-axis' },
        monthShort.format(monthDate(m.month)).charAt(0)));
    }
  });
  return svg;
}

/**
 * Events by category as horizontal bars, largest first.
 * @param {Document} doc
 * @param {Array<{category: string, events: number}>} mix
 * @returns {SVGSVGElement}
 */
export function mixChart(doc, mix) {
  const rows = mix.slice().sort((a, b) => b.events - a.events);
  const total = rows.reduce((s, r) => s + r.events, 0);
  const W = 280;
  const rowH = 18;
  const labelW = 132;
  const H = Math.max(1, rows.length) * rowH + 2;
  const max = Math.max(1, ...rows.map((r) => r.events));
  const svg = el(doc, 'svg', {
    viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', class: 'chart',
    'aria-label': `Events by category: ${rows.map((r) => `${r.category} ${r.events}`).join(', ')}`,
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 1;
    svg.append(el(doc, 'text', { x: 0, y: y + 12.5, class: 'chart-label' }, r.category));
    const w = ((W - labelW - 64) * r.events) / max;
    svg.append(el(doc, 'rect', { x: labelW, y: y + 3, width: Math.max(r.events ? 1 : 0, w), height: rowH - 6, fill: categorySymbol(r.category).color, rx: 1 }));
    const pct = total ? Math.round((100 * r.events) / total) : 0;
    svg.append(el(doc, 'text', { x: labelW + w + 5, y: y + 12.5, class: 'chart-value' }, `${r.events} (${pct} %)`));
  });
  return svg;
}
