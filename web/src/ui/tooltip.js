// Hover tooltip showing a neighborhood's name next to the pointer.
// Text is set with textContent only; the position with element.style (allowed
// by the Content-Security-Policy, unlike style attributes in HTML).

const OFFSET = 14; // px between the pointer and the tooltip

/** @param {HTMLElement} el positioned inside the same box as the map */
export function createTooltip(el) {
  return {
    /**
     * @param {number[]} pixel map pixel [x, y]
     * @param {string} text
     * @param {number[]} mapSize [width, height] to keep the tooltip inside
     */
    show(pixel, text, mapSize) {
      el.textContent = text;
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
      el.textContent = '';
    },
    get text() {
      return el.hidden ? '' : el.textContent;
    },
  };
}
