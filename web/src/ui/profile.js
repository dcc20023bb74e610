// The side panel (an <aside aria-live="polite">): the selected
// neighborhood's profile from /api/neighborhoods/{id} — its metrics beside
// the city's, category mix, events per month, sites and programs, and
// recent events. Every number cell carries its raw value in data-value.

import { metricByKey } from '../config.js';
import { formatCount, formatMetric, isNumber } from '../format.js';
import { hotspotClass } from '../patterns.js';
import { monthsChart, mixChart } from './charts.js';

/** Rows of the metrics table: key, label, how the number is written. */
export const PROFILE_ROWS = Object.freeze([
  { key: 'events', label: 'Events', count: true },
  { key: 'attendance', label: 'Attendance', count: true },
  { key: 'sites', label: 'Program sites', count: true },
  { key: 'programs', label: 'Programs', count: true },
  { key: 'events_per_1k', label: 'Events per 1,000' },
  { key: 'walk_coverage', label: 'Walk coverage' },
  { key: 'access', label: 'Access per 1,000' },
  { key: 'incidents', label: 'Incidents', count: true },
  { key: 'incident_rate', label: 'Incidents per 1,000', decimals: 1 },
  { key: 'need', label: 'Need' },
  { key: 'supply', label: 'Supply', decimals: 2 },
  { key: 'gap', label: 'Gap' },
  { key: 'parity_ratio', label: 'Parity ratio' },
]);

/** How a profile row's value is written (shared with the print sheet). */
export function formatProfileValue(row, v) {
  if (row.count) return formatCount(v);
  const m = metricByKey(row.key) || { decimals: row.decimals ?? 2 };
  return formatMetric(v, m);
}

const refName = (v) => (v && typeof v === 'object' ? v.name : v ?? '');
const arr = (v) => (Array.isArray(v) ? v : []);

/**
 * The profile answer in one shape, whatever the server's nesting:
 * metrics from `metrics` (an object, or a list of {key|metric, value, city})
 * or the top level; the city's from `city`.
 */
export function normalizeProfile(json) {
  const nb = json.neighborhood && typeof json.neighborhood === 'object' ? json.neighborhood : {};
  let here = {};
  let city = json.city && typeof json.city === 'object' ? { ...json.city } : {};
  if (Array.isArray(json.metrics)) {
    for (const m of json.metrics) {
      const key = m.key ?? m.metric;
      if (!key) continue;
      here[key] = m.value;
      if (m.city !== undefined) city[key] = m.city;
    }
  } else if (json.metrics && typeof json.metrics === 'object') {
    here = json.metrics;
  } else {
    here = json;
  }
  const mix = Array.isArray(json.category_mix)
    ? json.category_mix.map((c) => ({ category: String(c.category ?? c.name ?? c.id), events: Number(c.events ?? c.count ?? 0) }))
    : json.category_mix && typeof json.category_mix === 'object'
      ? Object.entries(json.category_mix).map(([category, v]) => ({
        category, events: Number(typeof v === 'object' && v !== null ? v.events ?? v.count : v) || 0,
      }))
      : [];
  const months = arr(json.events_per_month).map((m) => ({
    month: String(m.month ?? m.period ?? '').slice(0, 7),
    events: Number(m.events ?? m.count ?? 0),
  })).filter((m) => /^\d{4}-\d{2}$/.test(m.month));
  return {
    id: String(nb.id ?? here.id ?? ''),
    name: String(nb.name ?? here.name ?? ''),
    population: here.population ?? json.population ?? null,
    here,
    city,
    underserved: here.underserved ?? json.underserved ?? null,
    giBin: here.gi_bin ?? json.gi_bin ?? null,
    suppressed: here.suppressed ?? json.suppressed ?? false,
    ranks: json.ranks && typeof json.ranks === 'object' ? json.ranks : {},
    of: Number.isFinite(json.of) ? json.of : null,
    lastEvent: here.last_event ?? null,
    daysSince: here.days_since_last_event ?? null,
    sensitiveSites: Number.isFinite(json.sensitive_sites) ? json.sensitive_sites : 0,
    mix,
    months,
    sites: arr(json.sites),
    programs: arr(json.programs),
    recent: arr(json.recent_events ?? json.events),
  };
}

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

/**
 * @param {Document} doc
 * @param {{onClose: () => void, onZoom: () => void, onPrint: () => void}} handlers
 */
export function createProfile(doc, { onClose, onZoom, onPrint }) {
  const $ = (id) => doc.getElementById(id);
  const details = $('panel-details');
  const name = $('panel-name');
  const population = $('panel-population');
  const lastEvent = $('panel-last-event');
  const colRank = $('profile-col-rank');
  const close = $('panel-close');
  const badges = $('panel-badges');
  const status = $('profile-status');
  const body = $('profile-body');
  const metricsBody = /** @type {HTMLTableElement} */ ($('profile-metrics')).tBodies[0];
  const colName = $('profile-col-name');
  const mixEl = $('profile-mix');
  const monthsEl = $('profile-months');
  const sitesEl = $('profile-sites');
  const eventsEl = $('profile-events');
  const panel = $('panel');

  close.addEventListener('click', () => onClose());
  $('profile-zoom').addEventListener('click', () => onZoom());
  $('print-neighborhood').addEventListener('click', () => onPrint());

  /** @type {ReturnType<typeof normalizeProfile>|null} */
  let current = null;

  function badge(text, cls) {
    const b = doc.createElement('span');
    b.className = `badge ${cls}`;
    b.textContent = text;
    return b;
  }

  function list(items, render, emptyText) {
    if (items.length === 0) {
      const p = doc.createElement('p');
      p.className = 'muted';
      p.textContent = emptyText;
      return p;
    }
    const ul = doc.createElement('ul');
    ul.className = 'plain-list';
    ul.append(...items.map((it) => {
      const li = doc.createElement('li');
      render(li, it);
      return li;
    }));
    return ul;
  }

  return {
    /**
     * Show a neighborhood at once (name, population) while its profile loads.
     * @param {{id: string, name: string, population: number|null}} info
     */
    show(info) {
      current = null;
      panel.hidden = false;
      name.textContent = info.name;
      population.textContent = info.population === null ? 'not recorded' : formatCount(info.population);
      population.dataset.value = info.population === null ? '' : String(info.population);
      badges.replaceChildren();
      for (const e of doc.querySelectorAll('.fact-extra')) e.hidden = true;
      details.hidden = false;
      close.hidden = false;
      body.hidden = true;
      status.textContent = 'Loading the profile…';
    },
    /** @param {Object} json the /api/neighborhoods/{id} answer */
    fill(json) {
      const p = normalizeProfile(json);
      current = p;
      if (p.name) name.textContent = p.name;
      if (isNumber(p.population)) {
        population.textContent = formatCount(p.population);
        population.dataset.value = String(p.population);
      }
      const b = [];
      if (p.underserved === true) b.push(badge('Underserved', 'badge-warn'));
      const h = hotspotClass(p.giBin);
      if (h) b.push(badge(`${h.type === 'hot' ? 'Hot' : 'Cold'} spot (${['', '90', '95', '99'][h.level]} %)`, h.type === 'hot' ? 'badge-hot' : 'badge-cold'));
      if (p.suppressed === true) b.push(badge('Small counts suppressed', 'badge-muted'));
      badges.replaceChildren(...b);
      colName.textContent = 'Here';
      colRank.title = p.of ? `Rank among ${p.of} neighborhoods, 1 = highest` : 'Rank, 1 = highest';
      if (p.lastEvent) {
        const [y, m, d] = String(p.lastEvent).slice(0, 10).split('-').map(Number);
        const when = dateTime.format(new Date(y, m - 1, d));
        lastEvent.textContent = isNumber(p.daysSince) ? `${when} (${formatCount(p.daysSince)} days before the window's end)` : when;
      } else {
        lastEvent.textContent = 'none yet';
      }
      for (const e of doc.querySelectorAll('.fact-extra')) e.hidden = false;
      metricsBody.replaceChildren(...PROFILE_ROWS.filter((r) => r.key in p.here || r.key in p.city).map((r) => {
        const tr = doc.createElement('tr');
        tr.dataset.key = r.key;
        const th = doc.createElement('th');
        th.scope = 'row';
        th.textContent = r.label;
        const td = (v) => {
          const c = doc.createElement('td');
          c.className = 'num';
          c.dataset.value = isNumber(v) ? String(v) : '';
          c.textContent = r.key === 'incidents' && !isNumber(v) && p.suppressed === true
            ? 'suppressed' : formatProfileValue(r, v);
          return c;
        };
        const rank = doc.createElement('td');
        rank.className = 'num rank';
        const rv = p.ranks[r.key];
        rank.dataset.value = isNumber(rv) ? String(rv) : '';
        rank.textContent = isNumber(rv) ? `#${rv}` : '';
        if (isNumber(rv) && p.of) rank.title = `${rv} of ${p.of}`;
        tr.append(th, td(p.here[r.key]), td(p.city[r.key]), rank);
        return tr;
      }));
      mixEl.replaceChildren(p.mix.length ? mixChart(doc, p.mix) : list([], () => {}, 'No events in the window.'));
      monthsEl.replaceChildren(p.months.length ? monthsChart(doc, p.months) : list([], () => {}, 'No events in the window.'));
      const programsOfSites = new Set(p.sites.map((s) => refName(s.program)));
      const otherPrograms = p.programs.filter((pr) => !programsOfSites.has(pr.name));
      sitesEl.replaceChildren(
        list(p.sites, (li, s) => {
          const strong = doc.createElement('strong');
          strong.textContent = String(s.name ?? 'Site');
          const small = doc.createElement('span');
          small.className = 'muted';
          small.textContent = [s.category, refName(s.program), refName(s.partner)].filter(Boolean).join(' · ');
          li.append(strong, doc.createElement('br'), small);
        }, p.sensitiveSites ? 'No public program site.' : 'No program site in the window.'),
        ...(p.sensitiveSites ? [(() => {
          const note = doc.createElement('p');
          note.className = 'muted';
          note.textContent = `${p.sites.length ? 'And' : 'But'} ${p.sensitiveSites} confidential site${p.sensitiveSites === 1 ? '' : 's'} (location not shown).`;
          return note;
        })()] : []),
        ...(otherPrograms.length ? [list(otherPrograms, (li, pr) => {
          li.textContent = `${pr.name}${pr.category ? ` · ${pr.category}` : ''}${refName(pr.partner) ? ` · ${refName(pr.partner)}` : ''}`;
        }, '')] : []),
      );
      eventsEl.replaceChildren(...p.recent.slice(0, 10).map((e) => {
        const li = doc.createElement('li');
        const when = doc.createElement('time');
        // The event's local date in the city (`date`), else its start here.
        const local = typeof e.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.date) ? e.date : null;
        const t = local ? new Date(...local.split('-').map((v, i) => Number(v) - (i === 1 ? 1 : 0)))
          : e.starts_at ? new Date(e.starts_at) : null;
        if (t && !Number.isNaN(t.getTime())) {
          when.dateTime = local || e.starts_at;
          when.textContent = dateTime.format(t);
        }
        const title = doc.createElement('span');
        title.className = 'event-title';
        title.textContent = String(e.title ?? 'Event');
        const meta = doc.createElement('span');
        meta.className = 'muted';
        meta.textContent = [e.category, refName(e.partner)].filter(Boolean).join(' · ');
        li.append(when, ' ', title, doc.createElement('br'), meta);
        return li;
      }));
      if (p.recent.length === 0) {
        const li = doc.createElement('li');
        li.className = 'muted';
        li.textContent = 'No events in the window.';
        eventsEl.append(li);
      }
      status.textContent = '';
      body.hidden = false;
    },
    /** @param {string} text */
    error(text) {
      status.textContent = text;
      body.hidden = true;
    },
    clear() {
      current = null;
      panel.hidden = true;
      details.hidden = true;
      close.hidden = true;
      name.textContent = '';
      population.textContent = '';
      badges.replaceChildren();
      body.hidden = true;
      status.textContent = '';
    },
    /** The profile shown (normalized), for the print sheet. */
    get current() {
      return current;
    },
  };
}
