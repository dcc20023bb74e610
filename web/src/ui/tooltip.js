// Hover tooltip next to the pointer: a name and, below it, a detail (the
// neighborhood's value of the mapped metric, or what a point is).
// Text is set with textContent only; the position with element.style (allowed
// by the Content-Security-Policy, unlike style attributes in HTML).

const OFFSET = 14; // px between the pointer and the tooltip

/** @param {HTMLElement} el positioned inside the same box as the map */
export function createTooltip(el) {
  const name = el.ownerDocument.createElement('strong');
  name.className = 'tt-name';
  const detail = el.ownerDocument.createElement('span');
  detail.className = 'tt-detail';
  el.replaceChildren(name, detail);

  return {
    /**
     * @param {number[]} pixel map pixel [x, y]
     * @param {string} text the name
     * @param {string} more a detail line ('' for none)
     * @param {number[]} mapSize [width, height] to keep the tooltip inside
     */
    show(pixel, text, more, mapSize) {
      name.textContent = text;
      detail.textContent = more;
      detail.hidden = more === '';
      el.hidden = false;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      let x = pixel[0] + OFFSET;
      let y = pixel[1] + OFFSET;
      if (mapSize && x + w > mapSize[0]) x = Math.max(0, pixel[0] - OFFSET - w);
      if (mapSize && y + h > mapSize[1]) y = Math.max(0, pixel[1] - OFFSET - h);
      el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    },
    hide() {
      el.hidden = true;
      name.textContent = '';
      detail.textContent = '';
    },
    get text() {
      return el.hidden ? '' : name.textContent;
    },
  };
}
