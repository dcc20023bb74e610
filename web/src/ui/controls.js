// The sidebar's form controls, bound both ways to the state store: a change
// of a control sets the state (one history entry), and every state change
// (also Back/Forward) is shown in the controls.

import {
  METRICS, metricByKey, CLASS_METHODS, MIN_CLASSES, MAX_CLASSES, WINDOW_PRESETS, LAYER_KEYS,
} from '../config.js';
import { presetWindow, validDate, today } from '../dates.js';

/**
 * @param {Document} doc
 * @param {ReturnType<typeof import('../state.js').createStore>} store
 */
export function createControls(doc, store) {
  const $ = (id) => doc.getElementById(id);
  const metric = /** @type {HTMLSelectElement} */ ($('metric'));
  const method = /** @type {HTMLSelectElement} */ ($('method'));
  const k = /** @type {HTMLSelectElement} */ ($('k'));
  const from = /** @type {HTMLInputElement} */ ($('date-from'));
  const to = /** @type {HTMLInputElement} */ ($('date-to'));
  const dateError = $('date-error');
  const partner = /** @type {HTMLSelectElement} */ ($('partner'));
  const partnerHint = $('partner-hint');
  const categoryList = $('category-list');
  const metricHelp = $('metric-help');
  const presets = /** @type {NodeListOf<HTMLInputElement>} */ (doc.querySelectorAll('input[name="window"]'));
  const layerBoxes = Object.fromEntries(LAYER_KEYS.map((key) => [key, /** @type {HTMLInputElement} */ ($(`layer-${key}`))]));

  const option = (value, label) => {
    const o = doc.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  };
  for (const m of METRICS) metric.append(option(m.key, m.label));
  for (const m of CLASS_METHODS) method.append(option(m.key, m.short));
  for (let n = MIN_CLASSES; n <= MAX_CLASSES; n++) k.append(option(String(n), String(n)));

  /** @type {string[]} */
  let categories = [];

  metric.addEventListener('change', () => store.set({ metric: metric.value, sort: null }));
  method.addEventListener('change', () => store.set({ method: method.value }));
  k.addEventListener('change', () => store.set({ k: Number(k.value) }));

  for (const radio of presets) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      if (radio.value === 'custom') {
        store.set({ preset: null });
        from.focus();
        return;
      }
      const days = Number(radio.value);
      store.set({ ...presetWindow(days, today()), preset: days });
    });
  }

  function dateChanged() {
    const f = from.value;
    const t = to.value;
    if (!validDate(f) || !validDate(t)) {
      showDateError('Enter both dates (YYYY-MM-DD).');
      return;
    }
    if (f > t) {
      showDateError('The start date must not be after the end date.');
      return;
    }
    showDateError('');
    store.set({ from: f, to: t, preset: null });
  }
  function showDateError(text) {
    dateError.textContent = text;
    dateError.hidden = text === '';
    from.setAttribute('aria-invalid', String(text !== ''));
    to.setAttribute('aria-invalid', String(text !== ''));
  }
  from.addEventListener('change', dateChanged);
  to.addEventListener('change', dateChanged);
  for (const input of [from, to]) {
    input.addEventListener('click', () => {
      if (typeof input.showPicker === 'function') {
        try {
          input.showPicker();
        } catch {
          // Not allowed here (e.g. already open): typing still works.
        }
      }
    });
  }

  partner.addEventListener('change', () => store.set({ partner: partner.value === '' ? null : partner.value }));

  for (const key of LAYER_KEYS) {
    layerBoxes[key].addEventListener('change', () => {
      store.set({ layers: { ...store.get().layers, [key]: layerBoxes[key].checked } });
    });
  }

  function categoryChanged() {
    const boxes = [...categoryList.querySelectorAll('input[type="checkbox"]')];
    const checked = boxes.filter((b) => b.checked).map((b) => b.value);
    if (checked.length === 0) {
      // At least one category stays chosen; none would show nothing at all.
      render(store.get());
      return;
    }
    store.set({ categories: checked.length === boxes.length ? [] : checked.sort() });
  }

  /** Show a state in the controls. */
  function render(s) {
    metric.value = s.metric;
    method.value = s.method;
    k.value = String(s.k);
    const m = metricByKey(s.metric);
    metricHelp.textContent = m ? m.help : '';
    from.value = s.from;
    to.value = s.to;
    showDateError('');
    // The preset button is lit only while its window is the shown one.
    const now = today();
    const active = s.preset !== null && WINDOW_PRESETS.includes(s.preset) &&
      presetWindow(s.preset, now).from === s.from && s.to === now ? String(s.preset) : 'custom';
    for (const r of presets) r.checked = r.value === active;
    for (const key of LAYER_KEYS) layerBoxes[key].checked = s.layers[key];
    partner.value = s.partner ?? '';
    if (partner.value !== (s.partner ?? '')) partner.value = '';
    partnerHint.hidden = s.partner === null;
    for (const box of categoryList.querySelectorAll('input[type="checkbox"]')) {
      box.checked = s.categories.length === 0 || s.categories.includes(box.value);
    }
  }

  store.subscribe((s) => render(s));
  render(store.get());

  return {
    render,
    /** Fill the category checkboxes ({id, name} from /api/categories). */
    setCategories(list) {
      categories = list.map((c) => c.id);
      categoryList.replaceChildren(...list.map(({ id, name }) => {
        const label = doc.createElement('label');
        const box = doc.createElement('input');
        box.type = 'checkbox';
        box.value = id;
        box.addEventListener('change', categoryChanged);
        label.append(box, ` ${name || id}`);
        return label;
      }));
      render(store.get());
    },
    /** Fill the partner list ({id, name} from /api/partners). */
    setPartners(list) {
      const sorted = list.slice().sort((a, b) => String(a.name).localeCompare(String(b.name), 'en'));
      partner.replaceChildren(option('', 'All partners'),
        ...sorted.map((p) => option(String(p.id), String(p.name))));
      render(store.get());
    },
    /** Categories known to the server. */
    get categories() {
      return categories;
    },
  };
}
