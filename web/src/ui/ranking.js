// The ranking table: every neighborhood with the coverage metrics, from
// /api/coverage. By default underserved neighborhoods come first, then the
// chosen metric from worst to best (its `worse` side first); any column
// header (a button, so keyboard-operable, with aria-sort on its <th>) sorts
// by that column instead. Missing values always sort last; ties go by name.
// A row (click, or Enter/Space when focused) selects its neighborhood.
// The CSV export writes exactly the rows and columns shown.

import { METRICS, metricByKey } from '../config.js';
import { formatCount, formatMetric, isNumber } from '../format.js';
import { hotspotClass } from '../patterns.js';
import { toCSV } from '../export/csv.js';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const nameOf = (r) => String(r.neighborhood?.name ?? '');
const idOf = (r) => String(r.neighborhood?.id ?? '');

function hotspotText(bin) {
  const h = hotspotClass(bin);
  if (!h) return '—';
  return `${h.type === 'hot' ? 'Hot' : 'Cold'} ${['', '90', '95', '99'][h.level]} %`;
}
function hotspotValue(bin) {
  const h = hotspotClass(bin);
  return h ? (h.type === 'hot' ? h.level : -h.level) : 0;
}

/**
 * The table's columns. `value` gives what sorts, `text(row, csv)` what is
 * shown (csv: without thousands separators).
 */
export const COLUMNS = Object.freeze([
  { key: 'rank', label: '#', sortable: false, numeric: true },
  { key: 'name', label: 'Neighborhood', value: nameOf, text: nameOf, dir: 'asc' },
  { key: 'id', label: 'ID', value: idOf, text: idOf, dir: 'asc' },
  {
    key: 'population', label: 'Population', numeric: true, dir: 'desc',
    value: (r) => r.population,
    text: (r, csv) => (isNumber(r.population) ? (csv ? String(Math.round(r.population)) : formatCount(r.population)) : '—'),
  },
  {
    key: 'events', label: 'Events', numeric: true, dir: 'desc',
    value: (r) => r.events,
    text: (r, csv) => (isNumber(r.events) ? (csv ? String(Math.round(r.events)) : formatCount(r.events)) : '—'),
  },
  ...METRICS.map((m) => ({
    key: m.key,
    label: m.short,
    title: m.label,
    numeric: true,
    metric: m,
    dir: m.worse === 'high' ? 'desc' : 'asc',
    value: (r) => r[m.key],
    text: (r, csv) => formatMetric(r[m.key], m, { grouping: !csv, unit: false }),
  })),
  {
    key: 'underserved', label: 'Underserved', title: 'Gap of 1 or more and need above the median', dir: 'desc',
    value: (r) => (typeof r.underserved === 'boolean' ? (r.underserved ? 1 : 0) : null),
    text: (r) => (r.underserved === true ? 'Yes' : r.underserved === false ? 'No' : '—'),
  },
  {
    key: 'gi_bin', label: 'Hot/cold', title: 'Hot or cold spot of the gap (Getis-Ord Gi*)', dir: 'desc',
    value: (r) => (r.gi_bin === null || r.gi_bin === undefined ? null : hotspotValue(r.gi_bin)),
    text: (r) => hotspotText(r.gi_bin),
  },
]);
const columnByKey = (key) => COLUMNS.find((c) => c.key === key && c.sortable !== false) || null;

/** Compare two sort values; missing values last whatever the direction. */
function compareValues(a, b, dir) {
  const missA = a === null || a === undefined || (typeof a === 'number' && !Number.isFinite(a));
  const missB = b === null || b === undefined || (typeof b === 'number' && !Number.isFinite(b));
  if (missA || missB) return missA === missB ? 0 : missA ? 1 : -1;
  const c = typeof a === 'string' ? collator.compare(a, b) : a - b;
  return dir === 'desc' ? -c : c;
}

/**
 * The rows in table order.
 * @param {Object[]} rows /api/coverage rows
 * @param {string} metricKey the map's metric
 * @param {{key: string, dir: 'asc'|'desc'}|null} sort null: default order
 */
export function sortRows(rows, metricKey, sort) {
  const byName = (a, b) => collator.compare(nameOf(a), nameOf(b)) || collator.compare(idOf(a), idOf(b));
  const col = sort ? columnByKey(sort.key) : null;
  if (col) {
    return rows.slice().sort((a, b) => compareValues(col.value(a), col.value(b), sort.dir) || byName(a, b));
  }
  const m = metricByKey(metricKey) || METRICS[0];
  const dir = m.worse === 'high' ? 'desc' : 'asc';
  return rows.slice().sort((a, b) =>
    (b.underserved === true) - (a.underserved === true) ||
    compareValues(a[m.key], b[m.key], dir) || byName(a, b));
}

/**
 * @param {Document} doc
 * @param {{onSort: (sort: {key: string, dir: string}) => void, onSelect: (id: string) => void}} handlers
 */
export function createRanking(doc, { onSort, onSelect }) {
  const table = /** @type {HTMLTableElement} */ (doc.getElementById('ranking-table'));
  const headRow = table.tHead.rows[0];
  const body = table.tBodies[0];
  const note = doc.getElementById('ranking-note');
  const caption = doc.getElementById('ranking-caption');
  const toggle = doc.getElementById('ranking-toggle');
  const scroll = doc.getElementById('ranking-scroll');
  const section = doc.getElementById('ranking');

  /** @type {Object[]} rows in shown order */
  let shown = [];
  let metricKey = METRICS[0].key;
  let sort = null;
  let selected = null;

  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Hide table' : 'Show table';
    scroll.hidden = !open;
    section.classList.toggle('is-collapsed', !open);
    window.dispatchEvent(new Event('resize')); // the map takes the room
  });

  function header() {
    // Rebuilding the header must not lose the keyboard focus of a sort button.
    const active = doc.activeElement;
    const focusedKey = active && active.closest && headRow.contains(active)
      ? active.closest('th').dataset.key : null;
    const effective = sort && columnByKey(sort.key) ? sort : null;
    headRow.replaceChildren(...COLUMNS.map((col) => {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.dataset.key = col.key;
      if (col.numeric) th.classList.add('num');
      if (col.key === metricKey) th.classList.add('is-metric');
      if (col.sortable === false) {
        th.textContent = col.label;
        return th;
      }
      let state = 'none';
      if (effective && effective.key === col.key) state = effective.dir === 'asc' ? 'ascending' : 'descending';
      else if (!effective && col.key === metricKey) state = col.dir === 'asc' ? 'ascending' : 'descending';
      th.setAttribute('aria-sort', state);
      const btn = doc.createElement('button');
      btn.type = 'button';
      btn.className = 'sort-btn';
      if (col.title) btn.title = col.title;
      const arrow = doc.createElement('span');
      arrow.className = 'sort-arrow';
      arrow.setAttribute('aria-hidden', 'true');
      arrow.textContent = state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕';
      btn.append(col.label, arrow);
      btn.addEventListener('click', () => {
        const dir = effective && effective.key === col.key
          ? (effective.dir === 'asc' ? 'desc' : 'asc')
          : !effective && col.key === metricKey ? (col.dir === 'asc' ? 'desc' : 'asc') : col.dir;
        onSort({ key: col.key, dir });
      });
      th.append(btn);
      return th;
    }));
    if (focusedKey) {
      const btn = headRow.querySelector(`th[data-key="${focusedKey}"] button`);
      if (btn) btn.focus();
    }
    const m = metricByKey(metricKey);
    const how = effective
      ? `sorted by ${(columnByKey(effective.key).title || columnByKey(effective.key).label)}, ${effective.dir === 'asc' ? 'lowest' : 'highest'} first`
      : `underserved first, then by ${m.label}, ${m.worse === 'high' ? 'highest' : 'lowest'} first`;
    note.textContent = shown.length ? `${shown.length} neighborhoods, ${how}` : '';
    caption.textContent = `Neighborhoods ${how}. Select a row to zoom to the neighborhood and open its profile.`;
  }

  function rowsDom() {
    body.replaceChildren(...shown.map((r, i) => {
      const tr = doc.createElement('tr');
      const id = idOf(r);
      tr.dataset.id = id;
      // One row in the Tab order (roving tabindex); arrows move between rows.
      tr.tabIndex = (selected === null ? i === 0 : id === selected) ? 0 : -1;
      if (r.underserved === true) tr.classList.add('is-underserved');
      if (id === selected) {
        tr.classList.add('is-selected');
        tr.setAttribute('aria-current', 'true');
      }
      for (const col of COLUMNS) {
        const cell = doc.createElement(col.key === 'name' ? 'th' : 'td');
        if (col.key === 'name') cell.scope = 'row';
        if (col.numeric) cell.classList.add('num');
        if (col.key === metricKey) cell.classList.add('is-metric');
        cell.textContent = col.key === 'rank' ? String(i + 1) : col.text(r, false);
        tr.append(cell);
      }
      tr.addEventListener('click', () => onSelect(id));
      tr.addEventListener('keydown', (evt) => {
        if (evt.key === 'Enter' || evt.key === ' ') {
          evt.preventDefault();
          onSelect(id);
          return;
        }
        const rows = body.rows;
        const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1,
          PageDown: Math.min(rows.length - 1, i + 10), PageUp: Math.max(0, i - 10) }[evt.key];
        if (to === undefined || !rows[to]) return;
        evt.preventDefault();
        tr.tabIndex = -1;
        rows[to].tabIndex = 0;
        rows[to].focus();
      });
      return tr;
    }));
  }

  return {
    /**
     * @param {Object[]} rows /api/coverage rows
     * @param {string} metric
     * @param {{key: string, dir: 'asc'|'desc'}|null} sortState
     */
    render(rows, metric, sortState) {
      metricKey = metric;
      sort = sortState;
      shown = sortRows(rows, metric, sortState);
      header();
      rowsDom();
    },
    showMessage(text) {
      shown = [];
      header();
      const tr = doc.createElement('tr');
      const td = doc.createElement('td');
      td.colSpan = COLUMNS.length;
      td.className = 'table-message';
      td.textContent = text;
      tr.append(td);
      body.replaceChildren(tr);
      note.textContent = '';
    },
    /** @param {string|null} id */
    setSelected(id) {
      selected = id;
      const any = [...body.rows].some((tr) => tr.dataset.id === id);
      [...body.rows].forEach((tr, i) => {
        tr.tabIndex = (any ? tr.dataset.id === id : i === 0) ? 0 : -1;
      });
      for (const tr of body.rows) {
        const on = tr.dataset.id === id;
        tr.classList.toggle('is-selected', on);
        if (on) tr.setAttribute('aria-current', 'true'); else tr.removeAttribute('aria-current');
      }
    },
    /** Scroll the selected row into view (after a map click). */
    revealSelected() {
      const tr = [...body.rows].find((r) => r.dataset.id === selected);
      if (tr && !scroll.hidden) {
        const top = tr.offsetTop - scroll.clientHeight / 3;
        scroll.scrollTo({ top: Math.max(0, top) });
      }
    },
    /** The table as CSV text: the same header and cells as shown. */
    csv() {
      const head = COLUMNS.map((c) => c.label);
      const lines = shown.map((r, i) => COLUMNS.map((col) => {
        if (col.key === 'rank') return String(i + 1);
        const t = col.text(r, true);
        return t === '—' ? '' : t;
      }));
      return toCSV([head, ...lines]);
    },
    get rowCount() {
      return shown.length;
    },
  };
}
