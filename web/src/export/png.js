// The briefing map: the map's layer canvases composed onto one canvas of the
// map's size (times the screen's pixel ratio), with a title band, the
// legend, a scale bar and a data note drawn on top. Everything drawn is
// same-origin, so the canvas is never tainted and toBlob works.

import { getPointResolution } from 'ol/proj.js';
import { drawLegend, drawSymbolKey } from '../ui/legend.js';

const INK = '#1d2a33';
const SOFT = '#4a5a66';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

/** Wait for the map to finish rendering what it shows now. */
export function renderComplete(map) {
  return new Promise((resolve) => {
    map.once('rendercomplete', () => resolve());
    map.render();
  });
}

/**
 * The map's canvases composed, at the map's pixel ratio.
 * @param {import('ol/Map.js').default} map
 * @returns {{canvas: HTMLCanvasElement, ratio: number, width: number, height: number}}
 */
export function composeMap(map) {
  const [width, height] = map.getSize();
  const ratio = map.getPixelRatio ? map.getPixelRatio() : (window.devicePixelRatio || 1);
  const out = document.createElement('canvas');
  out.width = Math.round(width * ratio);
  out.height = Math.round(height * ratio);
  const ctx = out.getContext('2d');
  ctx.fillStyle = getComputedStyle(map.getTargetElement()).backgroundColor || '#eef0eb';
  ctx.fillRect(0, 0, out.width, out.height);
  for (const canvas of map.getViewport().querySelectorAll('.ol-layer canvas, canvas.ol-layer')) {
    if (canvas.width === 0) continue;
    const opacity = canvas.parentNode.style.opacity || canvas.style.opacity;
    ctx.globalAlpha = opacity === '' ? 1 : Number(opacity);
    const m = canvas.style.transform.match(/^matrix\(([^(]*)\)$/);
    // The layer canvas' CSS transform maps its pixels to CSS pixels; scale
    // that to output pixels.
    const matrix = m ? m[1].split(',').map(Number) : [width / canvas.width, 0, 0, height / canvas.height, 0, 0];
    ctx.setTransform(matrix[0] * ratio, matrix[1] * ratio, matrix[2] * ratio, matrix[3] * ratio,
      matrix[4] * ratio, matrix[5] * ratio);
    ctx.drawImage(canvas, 0, 0);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  return { canvas: out, ratio, width, height };
}

/** A round length not above `max` metres: 1, 2 or 5 times a power of ten. */
function niceLength(max) {
  const p = 10 ** Math.floor(Math.log10(max));
  for (const f of [5, 2, 1]) if (f * p <= max) return f * p;
  return p;
}

/**
 * Draw a scale bar (kilometres above, miles below) with its right end at
 * (right, bottom) in CSS pixels.
 */
function drawScale(ctx, map, right, bottom) {
  const view = map.getView();
  const metresPerPixel = getPointResolution(view.getProjection(), view.getResolution(), view.getCenter(), 'm');
  const maxPx = 130;
  const km = niceLength(metresPerPixel * maxPx);
  const kmPx = km / metresPerPixel;
  // Miles, or feet below a mile.
  const maxMi = (metresPerPixel * maxPx) / 1609.344;
  const imperial = maxMi >= 1 ? { v: niceLength(maxMi), unit: 'mi', m: 1609.344 } : { v: niceLength(maxMi * 5280), unit: 'ft', m: 0.3048 };
  const miPx = (imperial.v * imperial.m) / metresPerPixel;
  const w = Math.max(kmPx, miPx);
  const boxW = w + 20 + 52;
  const boxH = 40;
  const x = right - boxW;
  const y = bottom - boxH;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.fillRect(x, y, boxW, boxH);
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineWidth = 2;
  const bx = x + 10;
  const mid = y + boxH / 2;
  ctx.beginPath();
  ctx.moveTo(bx, mid - 6);
  ctx.lineTo(bx, mid);
  ctx.lineTo(bx + kmPx, mid);
  ctx.lineTo(bx + kmPx, mid - 6);
  ctx.moveTo(bx, mid + 6);
  ctx.lineTo(bx, mid);
  ctx.moveTo(bx + miPx, mid);
  ctx.lineTo(bx + miPx, mid + 6);
  ctx.stroke();
  ctx.font = `11px ${FONT}`;
  ctx.textBaseline = 'bottom';
  const label = (v, unit) => (v >= 1000 && unit === 'm' ? `${v / 1000} km` : `${v} ${unit}`);
  ctx.fillText(label(km, 'm'), bx + kmPx + 6, mid - 1);
  ctx.textBaseline = 'top';
  ctx.fillText(`${imperial.v.toLocaleString('en-US')} ${imperial.unit}`, bx + miPx + 6, mid + 1);
}

/** Wrap text into lines no wider than maxWidth. */
function wrap(ctx, text, maxWidth) {
  const words = text.split(/\s+/);
  const lines = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > maxWidth && line) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The title band across the top: the title, and the window and filters
 * beside it or, when they do not fit, below it. Returns its height.
 */
function drawTitleBand(ctx, width, title, subtitle) {
  ctx.textBaseline = 'top';
  ctx.font = `600 17px ${FONT}`;
  const titleW = ctx.measureText(title).width;
  ctx.font = `12px ${FONT}`;
  const oneLine = 16 + titleW + 16 + ctx.measureText(subtitle).width + 16 <= width;
  const subLines = oneLine ? [subtitle] : wrap(ctx, subtitle, width - 32);
  const bandH = oneLine ? 38 : 36 + subLines.length * 16;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.94)';
  ctx.fillRect(0, 0, width, bandH);
  ctx.fillStyle = 'rgba(29, 42, 51, 0.2)';
  ctx.fillRect(0, bandH - 1, width, 1);
  ctx.fillStyle = INK;
  ctx.font = `600 17px ${FONT}`;
  ctx.fillText(title, 16, 10);
  ctx.fillStyle = SOFT;
  ctx.font = `12px ${FONT}`;
  if (oneLine) ctx.fillText(subtitle, 16 + titleW + 16, 14);
  else subLines.forEach((l, i) => ctx.fillText(l, 16, 33 + i * 16));
  return bandH;
}

/**
 * The briefing PNG's canvas.
 * @param {import('ol/Map.js').default} map (rendered)
 * @param {{title: string, subtitle: string, note: string,
 *   legend: import('../ui/legend.js').LegendModel|null, bands?: boolean}} o
 *   bands: false leaves out the title band and the note (for the print
 *   sheet, which has its own)
 * @returns {HTMLCanvasElement}
 */
export function briefingCanvas(map, { title, subtitle, note, legend, bands = true }) {
  const { canvas, ratio, width, height } = composeMap(map);
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  const bandH = bands ? drawTitleBand(ctx, width, title, subtitle) : 0;

  // Bottom band: the symbol key of the point layers, then the data note.
  ctx.font = `11px ${FONT}`;
  const noteLines = bands ? wrap(ctx, note, width - 32) : [];
  const keyH = legend ? drawSymbolKey(ctx, legend, 16, 0, { maxWidth: width - 32, ratio, measureOnly: true }) : 0;
  const noteH = !bands && !keyH ? 0 : 10 + (keyH ? keyH + 4 : 0) + noteLines.length * 14;
  const noteTop = height - noteH;
  if (noteH > 0) {
    ctx.fillStyle = 'rgba(255, 255, 255, 0.94)';
    ctx.fillRect(0, noteTop, width, noteH);
    ctx.fillStyle = 'rgba(29, 42, 51, 0.2)';
    ctx.fillRect(0, noteTop, width, 1);
  }
  if (keyH) drawSymbolKey(ctx, legend, 16, noteTop + 5, { maxWidth: width - 32, ratio });
  ctx.fillStyle = SOFT;
  ctx.font = `11px ${FONT}`;
  ctx.textBaseline = 'top';
  noteLines.forEach((l, i) => ctx.fillText(l, 16, noteTop + 6 + (keyH ? keyH + 4 : 0) + i * 14));

  // Legend, bottom left above the bottom band; scale bar bottom right.
  if (legend) {
    const room = height - bandH - noteH - 20;
    const size = drawLegend(ctx, legend, 0, 0, { maxHeight: room, ratio, measureOnly: true });
    drawLegend(ctx, legend, 10, noteTop - 10 - size.height, { maxHeight: room, ratio });
  }
  drawScale(ctx, map, width - 10, noteTop - 10);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return canvas;
}

/** @param {HTMLCanvasElement} canvas @returns {Promise<Blob>} */
export function canvasBlob(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the map could not be encoded as PNG'))), 'image/png');
  });
}
