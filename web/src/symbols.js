// Map symbols of program sites and events, by category: each known category
// has its own shape AND colour (Okabe-Ito colours, distinguishable with
// colour-vision deficiencies; the shape alone tells them apart in
// greyscale prints). Categories added later get the remaining shapes in
// grey.

import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';

const INK = '#1d2a33';

/** @type {Record<string, {shape: string, color: string}>} */
const KNOWN = {
  prevention: { shape: 'circle', color: '#009E73' },
  intervention: { shape: 'triangle', color: '#D55E00' },
  enforcement: { shape: 'square', color: '#0072B2' },
  reentry: { shape: 'diamond', color: '#CC79A7' },
  'community engagement': { shape: 'star', color: '#E69F00' },
};
const SPARE_SHAPES = ['pentagon', 'hexagon', 'cross'];
// Every symbol says it is never decluttered: OpenLayers 10's hit detection
// on vector tile layers skips point symbols of features that were not
// decluttered unless their declutter mode is 'none' (the layer declutters
// nothing), and hover and click must find them.
const NO_DECLUTTER = 'none';
const OTHER_COLOR = '#7a8790';
const assigned = new Map();

/** Shape and colour of a category's symbol. */
export function categorySymbol(category) {
  if (KNOWN[category]) return KNOWN[category];
  if (!assigned.has(category)) {
    assigned.set(category, {
      shape: SPARE_SHAPES[assigned.size % SPARE_SHAPES.length],
      color: OTHER_COLOR,
    });
  }
  return assigned.get(category);
}

function shapeImage(shape, radius, fill, stroke) {
  const common = { fill: new Fill({ color: fill }), stroke, declutterMode: NO_DECLUTTER };
  switch (shape) {
    case 'circle': return new Circle({ radius: radius * 0.9, ...common });
    case 'triangle': return new RegularShape({ points: 3, radius: radius * 1.15, ...common });
    case 'square': return new RegularShape({ points: 4, radius: radius * 1.05, angle: Math.PI / 4, ...common });
    case 'diamond': return new RegularShape({ points: 4, radius: radius * 1.2, ...common });
    case 'star': return new RegularShape({ points: 5, radius: radius * 1.25, radius2: radius * 0.55, ...common });
    case 'pentagon': return new RegularShape({ points: 5, radius, ...common });
    case 'hexagon': return new RegularShape({ points: 6, radius, ...common });
    default: return new RegularShape({ points: 4, radius: radius * 1.2, radius2: radius * 0.4, ...common });
  }
}

const siteStyles = new Map();
/** The map style of a program site of this category. */
export function siteStyle(category) {
  if (!siteStyles.has(category)) {
    const { shape, color } = categorySymbol(category);
    siteStyles.set(category, [
      // A white halo keeps the symbol legible on any class colour.
      new Style({ image: shapeImage(shape, 9.5, '#ffffff', undefined), zIndex: 10 }),
      new Style({ image: shapeImage(shape, 7, color, new Stroke({ color: INK, width: 1.25 })), zIndex: 11 }),
    ]);
  }
  return siteStyles.get(category);
}

const eventStyles = new Map();
/** A single event: a small dot in its category's colour. */
export function eventStyle(category) {
  if (!eventStyles.has(category)) {
    eventStyles.set(category, new Style({
      image: new Circle({
        declutterMode: NO_DECLUTTER,
        radius: 4,
        fill: new Fill({ color: categorySymbol(category).color }),
        stroke: new Stroke({ color: '#ffffff', width: 1.25 }),
      }),
      zIndex: 5,
    }));
  }
  return eventStyles.get(category);
}

const clusterStyles = new Map();
/** A cluster of `count` events: a disc whose area grows with the count. */
export function clusterStyle(count) {
  const key = count > 999 ? 'big' : String(count);
  if (!clusterStyles.has(key)) {
    const radius = Math.min(21, 8 + Math.sqrt(count) * 0.85);
    clusterStyles.set(key, new Style({
      image: new Circle({
        declutterMode: NO_DECLUTTER,
        radius,
        fill: new Fill({ color: 'rgba(38, 56, 68, 0.78)' }),
        stroke: new Stroke({ color: '#ffffff', width: 1.5 }),
      }),
      text: new Text({
        text: count > 999 ? `${Math.round(count / 100) / 10}k` : String(count),
        font: '600 11px system-ui, sans-serif',
        fill: new Fill({ color: '#ffffff' }),
      }),
      zIndex: 6,
    }));
  }
  return clusterStyles.get(key);
}

const confidentialStyles = new Map();
/**
 * Confidential sites of a neighborhood, counted, drawn at a point inside the
 * neighborhood that says nothing of where they are: a grey dashed square
 * with the count.
 */
export function confidentialStyle(count) {
  if (!confidentialStyles.has(count)) {
    confidentialStyles.set(count, new Style({
      image: new RegularShape({
        declutterMode: NO_DECLUTTER,
        points: 4,
        radius: 11,
        angle: Math.PI / 4,
        fill: new Fill({ color: 'rgba(255, 255, 255, 0.92)' }),
        stroke: new Stroke({ color: '#4a5a66', width: 1.5, lineDash: [3, 2] }),
      }),
      text: new Text({
        text: String(count),
        font: '600 11px system-ui, sans-serif',
        fill: new Fill({ color: INK }),
      }),
      zIndex: 9,
    }));
  }
  return confidentialStyles.get(count);
}

/**
 * Draw a site symbol onto a 2D canvas context (legend, PNG export), centred
 * at (x, y), from the same OpenLayers style the map uses.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} category
 * @param {number} x
 * @param {number} y
 * @param {number} [pixelRatio]
 */
export function drawSiteSymbol(ctx, category, x, y, pixelRatio = 1) {
  for (const style of siteStyle(category)) {
    const image = style.getImage();
    const canvas = image.getImage(pixelRatio);
    const [w, h] = image.getSize();
    ctx.drawImage(canvas, x - w / 2, y - h / 2, w, h);
  }
}

/** Same for the event dot. */
export function drawEventSymbol(ctx, category, x, y, pixelRatio = 1) {
  const image = eventStyle(category).getImage();
  const [w, h] = image.getSize();
  ctx.drawImage(image.getImage(pixelRatio), x - w / 2, y - h / 2, w, h);
}
