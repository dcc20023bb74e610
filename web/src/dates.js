// Calendar dates as "YYYY-MM-DD" strings (the API's from/to), computed in
// the browser's local time zone: "today" is the planner's today.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** @param {Date} d @returns {string} the local calendar date of d */
export function isoDate(d) {
  const y = String(d.getFullYear()).padStart(4, '0');
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** True for a real calendar date "YYYY-MM-DD" (years 1900-2199, as the server). */
export function validDate(text) {
  const m = ISO_DATE.exec(String(text));
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(y, mo, 0).getDate();
}

/** Today's local date. */
export function today() {
  return isoDate(new Date());
}

/** date + days (negative: earlier), as "YYYY-MM-DD". */
export function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}

/**
 * The window of a preset: the last `days` days up to and including today.
 * @param {number} days
 * @param {string} [end] the last day (default today)
 * @returns {{from: string, to: string}}
 */
export function presetWindow(days, end = today()) {
  return { from: addDays(end, -(days - 1)), to: end };
}

const longFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC',
});

/** "Nov 29, 2025" for "2025-11-29" (the date itself, not shifted by time zone). */
export function formatDate(date) {
  if (!validDate(date)) return String(date);
  const [y, m, d] = date.split('-').map(Number);
  return longFormat.format(new Date(Date.UTC(y, m - 1, d)));
}

/** "Nov 29, 2025 – Nov 28, 2026". */
export function formatWindow(from, to) {
  return `${formatDate(from)} – ${formatDate(to)}`;
}
