// The feature card: what a clicked program site, event or group of events
// is, next to where it was clicked. Closed with its button, Escape on the
// map, or a click elsewhere.

const OFFSET = 12;

/**
 * @param {Document} doc
 * @param {{onClose: () => void}} handlers
 */
export function createCard(doc, { onClose }) {
  const el = doc.getElementById('feature-card');
  const title = doc.getElementById('feature-card-title');
  const lines = doc.getElementById('feature-card-lines');
  doc.getElementById('feature-card-close').addEventListener('click', () => {
    hide();
    onClose();
  });

  function hide() {
    el.hidden = true;
  }

  return {
    /**
     * @param {number[]} pixel map pixel [x, y]
     * @param {{title: string, lines: string[]}} what
     * @param {number[]} mapSize
     */
    show(pixel, what, mapSize) {
      title.textContent = what.title;
      lines.replaceChildren(...what.lines.map((t) => {
        const li = doc.createElement('li');
        li.textContent = t;
        return li;
      }));
      el.hidden = false;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      let x = pixel[0] + OFFSET;
      let y = pixel[1] - h / 2;
      if (x + w > mapSize[0] - 8) x = Math.max(8, pixel[0] - OFFSET - w);
      y = Math.min(Math.max(8, y), Math.max(8, mapSize[1] - h - 8));
      el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    },
    hide,
    get visible() {
      return !el.hidden;
    },
  };
}
