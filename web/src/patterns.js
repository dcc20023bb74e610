// Hatch patterns (canvas patterns, allowed under the page's CSP) for the
// "suppressed" class and the hot/cold spot layer. The same tiles are drawn
// into the legend and the PNG export, so all three match.

const tiles = new Map();

/**
 * A square tile with diagonal hatching.
 * @param {string} key cache key
 * @param {{size: number, background: string|null, color: string, width: number, direction: 1|-1}} o
 * @returns {HTMLCanvasElement}
 */
function hatchTile(key, { size, background, color, width, direction }) {
  if (tiles.has(key)) return tiles.get(key);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, size, size);
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'square';
  ctx.beginPath();
  // Three strokes so the lines join across tile edges.
  for (const off of [-size, 0, size]) {
    if (direction > 0) {
      ctx.moveTo(off, size);
      ctx.lineTo(off + size, 0);
    } else {
      ctx.moveTo(off, 0);
      ctx.lineTo(off + size, size);
    }
  }
  ctx.stroke();
  tiles.set(key, canvas);
  return canvas;
}

/** The tile of the "suppressed" fill: grey with light diagonal lines. */
export function suppressedTile(background) {
  return hatchTile(`suppressed:${background}`, {
    size: 8, background, color: 'rgba(255, 255, 255, 0.9)', width: 1.5, direction: 1,
  });
}

/**
 * The tile of a hot (level 1..3, lines up to the right in dark red) or cold
 * spot (lines down to the right in dark blue); denser for higher confidence.
 */
export function hotspotTile(type, level) {
  const size = [0, 12, 9, 6][level] || 12;
  return hatchTile(`${type}:${level}`, {
    size,
    background: null,
    color: type === 'hot' ? 'rgba(127, 0, 0, 0.85)' : 'rgba(8, 48, 107, 0.85)',
    width: 1.6,
    direction: type === 'hot' ? 1 : -1,
  });
}

/** A CanvasPattern of a tile for a context. */
export function pattern(ctx, tile) {
  return ctx.createPattern(tile, 'repeat');
}

const patternCtx = () => {
  const c = document.createElement('canvas');
  c.width = 1;
  c.height = 1;
  return c.getContext('2d');
};
let sharedCtx = null;
/** A CanvasPattern usable as an OpenLayers fill colour. */
export function fillPattern(tile) {
  if (!sharedCtx) sharedCtx = patternCtx();
  return sharedCtx.createPattern(tile, 'repeat');
}

/**
 * The hot/cold class of a gi_bin value: numbers -3..3 (sign: hot/cold,
 * magnitude: 90/95/99 %), or text such as "hot 95" / "cold 99%".
 * @returns {{type: 'hot'|'cold', level: 1|2|3}|null}
 */
export function hotspotClass(bin) {
  if (typeof bin === 'number' && Number.isFinite(bin) && bin !== 0) {
    const level = Math.min(3, Math.max(1, Math.round(Math.abs(bin))));
    return { type: bin > 0 ? 'hot' : 'cold', level: /** @type {1|2|3} */ (level) };
  }
  if (typeof bin === 'string') {
    const m = /^(hot|cold)\D*(90|95|99)?/i.exec(bin.trim());
    if (m) {
      const level = m[2] === '99' ? 3 : m[2] === '95' ? 2 : 1;
      return { type: /** @type {'hot'|'cold'} */ (m[1].toLowerCase()), level };
    }
  }
  return null;
}

export const HOTSPOT_LEVELS = Object.freeze([
  { level: 3, label: '99 %' },
  { level: 2, label: '95 %' },
  { level: 1, label: '90 %' },
]);
