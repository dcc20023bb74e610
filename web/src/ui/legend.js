// The legend: the choropleth's classes (range, colour, count), "no data",
// "suppressed", the underserved outline, hot and cold spots, site symbols
// and event clusters, as far as those layers are shown. The same model is
// drawn into the sidebar (HTML) and onto the PNG export (canvas).

import { NO_DATA_COLOR, SUPPRESSED_COLOR } from '../classes.js';
import { suppressedTile, hotspotTile, HOTSPOT_LEVELS } from '../patterns.js';
import { OUTLINES } from '../layers/neighborhoods.js';
import { drawSiteSymbol, drawEventSymbol, clusterStyle, confidentialStyle } from '../symbols.js';
import { formatMetric } from '../format.js';
import { CLASS_METHODS } from '../config.js';

/**
 * @typedef {Object} LegendClass
 * @property {number|null} lower lower bound (the previous class's upper bound; the data minimum for the first class, if known)
 * @property {number} upper
 * @property {string} color
 * @property {number|null} count neighborhoods in the class (server's count)
 * @property {string} label
 *
 * @typedef {Object} LegendModel
 * @property {{key: string, label: string, decimals: number, percent?: boolean}} metric
 * @property {string} method
 * @property {LegendClass[]} classes
 * @property {boolean} underserved
 * @property {boolean} hotspots
 * @property {string[]} siteCategories categories with site symbols (empty: layer off)
 * @property {boolean} events the events layer is on
 * @property {string[]} eventCategories categories of event dots
 */

/** The label of a class: "1.2 – 3.4", or "up to 3.4" when its lower bound is unknown. */
export function classLabel(lower, upper, metric) {
  const hi = formatMetric(upper, metric);
  if (lower === null || !Number.isFinite(lower)) return `up to ${hi}`;
  return `${formatMetric(lower, metric)} – ${hi}`;
}

/**
 * Classes from the server's breaks.
 * @param {{breaks: number[], counts?: number[]}} breaks
 * @param {string[]} colors
 * @param {number|null} min data minimum, if known
 * @param {Object} metric
 * @returns {LegendClass[]}
 */
export function legendClasses(breaks, colors, min, metric) {
  return breaks.breaks.map((upper, i) => {
    const lower = i === 0 ? (Number.isFinite(min) ? Math.min(min, upper) : null) : breaks.breaks[i - 1];
    const count = Array.isArray(breaks.counts) && Number.isFinite(breaks.counts[i]) ? breaks.counts[i] : null;
    return { lower, upper, color: colors[i], count, label: classLabel(lower, upper, metric) };
  });
}

const methodLabel = (key) => (CLASS_METHODS.find((m) => m.key === key) || { label: key }).label;

function swatchCanvas(doc, draw, w = 22, h = 16) {
  const c = doc.createElement('canvas');
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  c.width = w * ratio;
  c.height = h * ratio;
  c.className = 'swatch';
  c.setAttribute('aria-hidden', 'true');
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext('2d');
  ctx.scale(ratio, ratio);
  draw(ctx, w, h, ratio);
  return c;
}

function fillSwatch(ctx, w, h, fill) {
  ctx.fillStyle = fill;
  ctx.fillRect(0.5, 0.5, w - 1, h - 1);
  ctx.strokeStyle = 'rgba(29, 42, 51, 0.35)';
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
}

/**
 * The entries beyond the classes, as {group, draw(ctx, w, h, ratio), label}:
 * group 'area' (no data, suppressed, underserved, hot/cold spots), 'sites'
 * (a symbol per category) or 'events'.
 */
function extraEntries(model) {
  const out = [
    { group: 'area', draw: (ctx, w, h) => fillSwatch(ctx, w, h, NO_DATA_COLOR), label: 'No data' },
    {
      group: 'area',
      draw: (ctx, w, h) => fillSwatch(ctx, w, h, ctx.createPattern(suppressedTile(SUPPRESSED_COLOR), 'repeat')),
      label: 'Suppressed (small counts)',
    },
  ];
  if (model.underserved) {
    out.push({
      group: 'area',
      draw: (ctx, w, h) => {
        ctx.fillStyle = '#f2f0ec';
        ctx.fillRect(2, 2, w - 4, h - 4);
        ctx.strokeStyle = OUTLINES.underserved;
        ctx.lineWidth = OUTLINES.underservedWidth;
        ctx.strokeRect(2, 2, w - 4, h - 4);
      },
      label: 'Underserved',
    });
  }
  if (model.hotspots) {
    for (const type of ['hot', 'cold']) {
      out.push({
        group: 'area',
        // One swatch in three parts: 90, 95 and 99 % confidence.
        draw: (ctx, w, h) => {
          fillSwatch(ctx, w, h, '#ffffff');
          [1, 2, 3].forEach((level, i) => {
            ctx.fillStyle = ctx.createPattern(hotspotTile(type, level), 'repeat');
            ctx.fillRect(1 + (i * (w - 2)) / 3, 1, (w - 2) / 3, h - 2);
          });
        },
        label: `${type === 'hot' ? 'Hot' : 'Cold'} spot, ${HOTSPOT_LEVELS.map((l) => l.label.replace(' %', '')).reverse().join(' / ')} %`,
      });
    }
  }
  for (const cat of model.siteCategories) {
    out.push({ group: 'sites', draw: (ctx, w, h, ratio) => drawSiteSymbol(ctx, cat, w / 2, h / 2, ratio), label: cat });
  }
  if (model.siteCategories.length) {
    out.push({
      group: 'sites',
      draw: (ctx, w, h, ratio) => {
        const img = confidentialStyle(2).getImage();
        const [iw, ih] = img.getSize();
        ctx.save();
        ctx.translate(w / 2, h / 2);
        ctx.scale(0.7, 0.7);
        ctx.drawImage(img.getImage(ratio), -iw / 2, -ih / 2, iw, ih);
        ctx.restore();
      },
      label: 'confidential (count per neighborhood)',
    });
  }
  if (model.events) {
    for (const cat of model.eventCategories) {
      out.push({ group: 'events', draw: (ctx, w, h, ratio) => drawEventSymbol(ctx, cat, w / 2, h / 2, ratio), label: cat });
    }
    out.push({
      group: 'events',
      draw: (ctx, w, h, ratio) => {
        const img = clusterStyle(12).getImage();
        ctx.save();
        ctx.translate(w / 2, h / 2);
        ctx.scale(0.62, 0.62);
        const [iw, ih] = img.getSize();
        ctx.drawImage(img.getImage(ratio), -iw / 2, -ih / 2, iw, ih);
        ctx.restore();
      },
      label: 'group of events',
    });
  }
  return out;
}

/**
 * @param {Document} doc
 */
export function createLegend(doc) {
  const metricEl = doc.getElementById('legend-metric');
  const classesEl = doc.getElementById('legend-classes');
  const extraEl = doc.getElementById('legend-extra');
  const keys = { sites: doc.getElementById('key-sites'), events: doc.getElementById('key-events') };

  const entryItem = (e) => {
    const li = doc.createElement('li');
    const label = doc.createElement('span');
    label.textContent = e.label;
    li.append(swatchCanvas(doc, e.draw, e.group === 'area' ? 22 : 16, e.group === 'area' ? 14 : 16), label);
    return li;
  };

  return {
    /** @param {LegendModel|null} model null: loading */
    render(model) {
      if (!model) {
        metricEl.textContent = 'Loading classes…';
        classesEl.replaceChildren();
        return;
      }
      metricEl.textContent = `${model.metric.label} · ${methodLabel(model.method)}`;
      classesEl.replaceChildren(...model.classes.map((c, i) => {
        const li = doc.createElement('li');
        li.dataset.class = String(i);
        li.dataset.upper = String(c.upper);
        li.dataset.lower = c.lower === null ? '' : String(c.lower);
        li.dataset.color = c.color;
        const sw = doc.createElement('span');
        sw.className = 'swatch';
        sw.setAttribute('aria-hidden', 'true');
        sw.style.backgroundColor = c.color;
        const label = doc.createElement('span');
        label.className = 'legend-range';
        label.textContent = c.label;
        li.append(sw, label);
        if (c.count !== null) {
          const count = doc.createElement('span');
          count.className = 'legend-count';
          count.textContent = String(c.count);
          count.title = `${c.count} neighborhood${c.count === 1 ? '' : 's'}`;
          count.setAttribute('aria-label', count.title);
          li.append(count);
        }
        return li;
      }));
      const extras = extraEntries(model);
      extraEl.replaceChildren(...extras.filter((e) => e.group === 'area').map(entryItem));
      keys.sites.replaceChildren(...extras.filter((e) => e.group === 'sites').map(entryItem));
      keys.events.replaceChildren(...extras.filter((e) => e.group === 'events').map(entryItem));
    },
  };
}

/**
 * Draw the legend's classes and area entries (no data, suppressed,
 * underserved, hot/cold spots) onto a canvas (for the PNG export): a white
 * box at (x, y) growing down, two columns if one would be taller than
 * maxHeight. Returns its size; with measureOnly nothing is drawn.
 * @param {CanvasRenderingContext2D} ctx
 * @param {LegendModel} model
 * @param {number} x
 * @param {number} y
 * @param {{maxHeight: number, ratio: number, measureOnly?: boolean}} o
 * @returns {{width: number, height: number}}
 */
export function drawLegend(ctx, model, x, y, { maxHeight, ratio, measureOnly = false }) {
  const pad = 9;
  const row = 18;
  const sw = 22;
  const sh = 13;
  const font = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const bold = `600 ${font}`;
  const entries = [
    ...model.classes.map((c) => [(cx, w, h) => fillSwatch(cx, w, h, c.color),
      c.count === null ? c.label : `${c.label}  (${c.count})`]),
    ...extraEntries(model).filter((e) => e.group === 'area').map((e) => [e.draw, e.label]),
  ];
  ctx.save();
  const title = model.metric.label;
  const subtitle = `${methodLabel(model.method)}, ${model.classes.length} classes`;
  ctx.font = bold;
  let width = ctx.measureText(title).width;
  ctx.font = font;
  width = Math.max(width, ctx.measureText(subtitle).width);
  let colW = 0;
  for (const [, text] of entries) colW = Math.max(colW, sw + 8 + ctx.measureText(text).width);
  const headH = 36;
  const perCol = Math.max(1, Math.floor((maxHeight - headH - 2 * pad) / row));
  const cols = entries.length > perCol ? 2 : 1;
  const rows = Math.ceil(entries.length / cols);
  colW = Math.ceil(colW);
  const boxW = Math.ceil(pad * 2 + Math.max(width, colW * cols + (cols - 1) * 14));
  const boxH = pad * 2 + headH + rows * row - 5;
  if (measureOnly) {
    ctx.restore();
    return { width: boxW, height: boxH };
  }
  ctx.fillStyle = 'rgba(255, 255, 255, 0.95)';
  ctx.strokeStyle = 'rgba(29, 42, 51, 0.25)';
  ctx.lineWidth = 1;
  ctx.fillRect(x, y, boxW, boxH);
  ctx.strokeRect(x + 0.5, y + 0.5, boxW - 1, boxH - 1);
  ctx.fillStyle = '#1d2a33';
  ctx.textBaseline = 'top';
  ctx.font = bold;
  ctx.fillText(title, x + pad, y + pad);
  ctx.font = font;
  ctx.fillStyle = '#4a5a66';
  ctx.fillText(subtitle, x + pad, y + pad + 16);
  ctx.textBaseline = 'middle';
  entries.forEach(([draw, text], i) => {
    const col = Math.floor(i / rows);
    const r = i % rows;
    const ex = x + pad + col * (colW + 14);
    const ey = y + pad + headH + r * row;
    ctx.save();
    ctx.translate(ex, ey);
    draw(ctx, sw, sh, ratio);
    ctx.restore();
    ctx.fillStyle = '#1d2a33';
    ctx.fillText(text, ex + sw + 8, ey + sh / 2);
  });
  ctx.restore();
  return { width: boxW, height: boxH };
}

/**
 * The key of the point layers' symbols in one wrapped line ("Sites: ★
 * community engagement ■ enforcement … Events: …"), at (x, y) no wider
 * than maxWidth. Returns its height (0 when no point layer is shown); with
 * measureOnly nothing is drawn.
 */
export function drawSymbolKey(ctx, model, x, y, { maxWidth, ratio, measureOnly = false }) {
  const extras = extraEntries(model).filter((e) => e.group !== 'area');
  if (extras.length === 0) return 0;
  const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const lineH = 18;
  const sym = 16;
  ctx.save();
  ctx.font = font;
  ctx.textBaseline = 'middle';
  let cx = x;
  let cy = y;
  let lastGroup = null;
  for (const e of extras) {
    const heading = e.group !== lastGroup ? (e.group === 'sites' ? 'Sites:' : 'Events:') : '';
    lastGroup = e.group;
    const w = (heading ? ctx.measureText(heading).width + 6 : 0) + sym + 4 + ctx.measureText(e.label).width + 12;
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += lineH;
    }
    if (!measureOnly) {
      ctx.fillStyle = '#1d2a33';
      if (heading) {
        ctx.font = `600 ${font}`;
        ctx.fillText(heading, cx, cy + lineH / 2);
        cx += ctx.measureText(heading).width + 6;
        ctx.font = font;
      }
      ctx.save();
      ctx.translate(cx, cy + (lineH - sym) / 2);
      e.draw(ctx, sym, sym, ratio);
      ctx.restore();
      ctx.fillStyle = '#1d2a33';
      ctx.fillText(e.label, cx + sym + 4, cy + lineH / 2);
      cx += sym + 4 + ctx.measureText(e.label).width + 12;
    } else {
      cx += w;
    }
  }
  ctx.restore();
  return cy - y + lineH;
}
