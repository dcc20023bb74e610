// "Find a neighborhood": an ARIA 1.2 combobox with a listbox popup.
// Typing filters the names (ignoring case and accents; names that start with
// the text come first); Down/Up move through the options, Enter picks one
// (or the first match), Escape closes the list or clears the box.

const MAX_OPTIONS = 12;

const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * @param {Document} doc
 * @param {{onSelect: (id: string) => void}} handlers
 */
export function createSearch(doc, { onSelect }) {
  const input = /** @type {HTMLInputElement} */ (doc.getElementById('search-input'));
  const list = doc.getElementById('search-list');
  /** @type {Array<{id: string, name: string, folded: string}>} */
  let entries = [];
  /** @type {Array<{id: string, name: string}>} */
  let shown = [];
  let active = -1;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function setActive(i) {
    active = i;
    const options = list.querySelectorAll('[role="option"]');
    options.forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && options[i]) {
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function matches(text) {
    const q = fold(text.trim());
    if (q === '') return [];
    const starts = [];
    const contains = [];
    for (const e of entries) {
      if (e.folded.startsWith(q)) starts.push(e);
      else if (e.folded.includes(q) || e.id.toLowerCase() === q) contains.push(e);
    }
    return [...starts, ...contains].slice(0, MAX_OPTIONS);
  }

  function open() {
    shown = matches(input.value);
    list.replaceChildren(...(shown.length ? shown.map((e, i) => {
      const li = doc.createElement('li');
      li.id = `search-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.id = e.id;
      li.textContent = e.name;
      li.addEventListener('mousedown', (evt) => evt.preventDefault()); // keep focus in the box
      li.addEventListener('click', () => pick(i));
      return li;
    }) : input.value.trim() === '' ? [] : [(() => {
      const li = doc.createElement('li');
      li.className = 'listbox-empty';
      li.textContent = 'No neighborhood of that name';
      return li;
    })()]));
    const any = list.childElementCount > 0;
    list.hidden = !any;
    input.setAttribute('aria-expanded', String(any));
    setActive(-1);
  }

  function pick(i) {
    const e = shown[i];
    if (!e) return;
    input.value = e.name;
    close();
    onSelect(e.id);
  }

  input.addEventListener('input', open);
  input.addEventListener('focus', () => {
    if (input.value.trim() !== '') open();
  });
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (evt) => {
    if (evt.key === 'ArrowDown') {
      if (list.hidden) open();
      if (shown.length) setActive((active + 1) % shown.length);
      evt.preventDefault();
    } else if (evt.key === 'ArrowUp') {
      if (shown.length) setActive(active <= 0 ? shown.length - 1 : active - 1);
      evt.preventDefault();
    } else if (evt.key === 'Enter') {
      if (list.hidden) open();
      if (shown.length) pick(active >= 0 ? active : 0);
      evt.preventDefault();
    } else if (evt.key === 'Escape') {
      if (!list.hidden) close();
      else input.value = '';
      evt.preventDefault();
    }
  });

  return {
    /** @param {Iterable<{id: string, name: string}>} items */
    setEntries(items) {
      entries = [...items].map((e) => ({ id: e.id, name: e.name, folded: fold(e.name) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    },
    /** Show the selected neighborhood's name in the box (or clear it). */
    showSelected(name) {
      if (doc.activeElement !== input) input.value = name || '';
    },
  };
}
