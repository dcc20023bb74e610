// The side panel (an <aside aria-live="polite">) with the selected
// neighborhood's details.

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * @param {Document} doc
 * @param {{onClose: () => void}} handlers
 */
export function createPanel(doc, { onClose }) {
  const empty = doc.getElementById('panel-empty');
  const details = doc.getElementById('panel-details');
  const name = doc.getElementById('panel-name');
  const population = doc.getElementById('panel-population');
  const close = doc.getElementById('panel-close');

  close.addEventListener('click', () => onClose());

  return {
    /** @param {{name: string, population: number|null}} info */
    show(info) {
      name.textContent = info.name;
      population.textContent = info.population === null
        ? 'not recorded'
        : numberFormat.format(info.population);
      details.hidden = false;
      empty.hidden = true;
      close.hidden = false;
    },
    clear() {
      details.hidden = true;
      empty.hidden = false;
      close.hidden = true;
      name.textContent = '';
      population.textContent = '';
    },
  };
}
