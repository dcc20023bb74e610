// The print layout: one page (A4 or Letter, portrait) for the city or for
// the selected neighborhood. The sheet (#print-sheet) is hidden on screen and
// is all that prints (see style.css, @media print): a title, the window and
// filters, the map as an image (with its legend and symbol key drawn in),
// then the top of the ranking (city) or the profile (neighborhood), and the
// data note.

import { PROFILE_ROWS, formatProfileValue } from './profile.js';

/**
 * @param {Document} doc
 */
export function createPrintSheet(doc) {
  const $ = (id) => doc.getElementById(id);
  const title = $('print-title');
  const subtitle = $('print-subtitle');
  const img = /** @type {HTMLImageElement} */ ($('print-map'));
  const content = $('print-content');
  const note = $('print-note');
  let url = null;

  const h = (tag, text, cls) => {
    const e = doc.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  function table(head, rows, cls) {
    const t = h('table', undefined, cls);
    const thead = h('thead');
    const tr = h('tr');
    head.forEach((c, i) => tr.append(h('th', c, i > 0 && rows.length && /^[-\d,.\s%—]+$/.test(rows[0][i]) ? 'num' : undefined)));
    thead.append(tr);
    const tbody = h('tbody');
    for (const r of rows) {
      const row = h('tr');
      r.forEach((c, i) => row.append(h(i === 0 ? 'th' : 'td', c, /^[-\d,.\s%—]+$/.test(c) ? 'num' : undefined)));
      tbody.append(row);
    }
    t.append(thead, tbody);
    return t;
  }

  return {
    /**
     * Fill the sheet.
     * @param {Object} o
     * @param {'city'|'neighborhood'} o.kind
     * @param {string} o.title
     * @param {string} o.subtitle
     * @param {string} o.note
     * @param {Blob|string} o.map the briefing PNG, or its URL
     * @param {{head: string[], rows: string[][]}} [o.ranking] top rows (city)
     * @param {ReturnType<typeof import('./profile.js').normalizeProfile>|null} [o.profile]
     */
    async prepare({ kind, title: t, subtitle: s, note: n, map, ranking, profile }) {
      doc.body.dataset.print = kind;
      title.textContent = t;
      subtitle.textContent = s;
      note.textContent = n;
      if (url) URL.revokeObjectURL(url);
      url = typeof map === 'string' ? null : URL.createObjectURL(map);
      const loaded = new Promise((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error('the map image could not be shown'));
      });
      img.src = url || /** @type {string} */ (map);
      img.alt = `Map: ${t}`;
      const parts = [];
      if (kind === 'city' && ranking) {
        const box = h('div', undefined, 'print-ranking');
        box.append(h('h2', `Ranking (first ${ranking.rows.length})`), table(ranking.head, ranking.rows, 'print-table'));
        parts.push(box);
      }
      if (kind === 'neighborhood' && profile) {
        const box = h('div', undefined, 'print-profile');
        const rows = PROFILE_ROWS.filter((r) => r.key in profile.here || r.key in profile.city)
          .map((r) => [r.label, formatProfileValue(r, profile.here[r.key]), formatProfileValue(r, profile.city[r.key])]);
        box.append(h('h2', 'Metrics'), table(['Metric', profile.name || 'Here', 'City'], rows, 'print-table'));
        if (profile.mix.length) {
          box.append(h('h2', 'Events by category'),
            table(['Category', 'Events'], profile.mix.map((m) => [m.category, String(m.events)]), 'print-table'));
        }
        const side = h('div', undefined, 'print-side');
        side.append(h('h2', 'Sites'));
        const ul = h('ul');
        for (const site of profile.sites.slice(0, 8)) ul.append(h('li', String(site.name ?? 'Site')));
        if (!profile.sites.length) ul.append(h('li', 'No public program site.'));
        side.append(ul, h('h2', 'Recent events'));
        const ol = h('ul');
        for (const e of profile.recent.slice(0, 6)) {
          const d = e.date || (e.starts_at ? new Date(e.starts_at).toLocaleDateString('en-US', { dateStyle: 'medium' }) : '');
          ol.append(h('li', `${d} ${e.title ?? ''}`.trim()));
        }
        if (!profile.recent.length) ol.append(h('li', 'No events in the window.'));
        side.append(ol);
        parts.push(box, side);
      }
      content.replaceChildren(...parts);
      await loaded;
    },
  };
}
