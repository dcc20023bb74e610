// Talking to the parity JSON API: GET only, same origin, JSON answers.
// Errors carry the server's own message (`{"error": {"message": ...}}`)
// when it gave one, so the status line can say what went wrong.

import { API, PAGE_LIMIT } from './config.js';

/** Requests in flight (for the test hook's `settled()`). */
let inFlight = 0;
const idleWaiters = [];

function done() {
  inFlight -= 1;
  if (inFlight === 0) {
    for (const resolve of idleWaiters.splice(0)) resolve();
  }
}

/** True while an API request is in flight. */
export const apiBusy = () => inFlight > 0;

/** Resolves when no API request is in flight. */
export function apiIdle() {
  return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

export class ApiError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * The query string for the filters every analysis endpoint takes.
 * @param {{from: string, to: string, categories: string[]}} f
 * @returns {URLSearchParams}
 */
export function filterParams(f) {
  const q = new URLSearchParams();
  q.set('from', f.from);
  q.set('to', f.to);
  if (f.categories.length > 0) q.set('category', f.categories.join(','));
  return q;
}

/**
 * GET a JSON document.
 * @param {string} path relative to the page
 * @param {URLSearchParams} [query]
 * @param {AbortSignal} [signal]
 */
export async function getJSON(path, query, signal) {
  const url = new URL(path, document.baseURI);
  if (query) url.search = query.toString();
  inFlight += 1;
  try {
    const res = await fetch(url.href, { headers: { Accept: 'application/json' }, signal });
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (!res.ok) {
      const msg = body && body.error && body.error.message ? body.error.message : `HTTP ${res.status}`;
      throw new ApiError(`${url.pathname}: ${msg}`, res.status);
    }
    if (body === null) throw new ApiError(`${url.pathname}: the answer is not JSON`, res.status);
    return body;
  } finally {
    done();
  }
}

/**
 * Every item of a paged API list ({items, total, limit, offset, next}).
 * @param {string} path
 * @param {URLSearchParams} [query]
 * @param {{signal?: AbortSignal, max?: number}} [opts] max: stop after this many items
 * @returns {Promise<{items: Object[], total: number}>}
 */
export async function getAll(path, query = new URLSearchParams(), { signal, max = 20000 } = {}) {
  const items = [];
  let offset = 0;
  let total = 0;
  for (;;) {
    const q = new URLSearchParams(query);
    q.set('limit', String(PAGE_LIMIT));
    q.set('offset', String(offset));
    const page = await getJSON(path, q, signal);
    if (!page || !Array.isArray(page.items)) throw new ApiError(`${path}: no "items" list`, 200);
    items.push(...page.items);
    total = Number.isFinite(page.total) ? page.total : items.length;
    offset += page.items.length;
    if (!page.next || page.items.length === 0 || items.length >= Math.min(total, max)) break;
  }
  return { items, total };
}

export const fetchCategories = (signal) => getAll(API.categories, undefined, { signal });
export const fetchPartners = (signal) => getAll(API.partners, undefined, { signal });

/** /api/coverage for the filters. */
export function fetchCoverage(filters, signal) {
  return getJSON(API.coverage, filterParams(filters), signal);
}

/** /api/breaks for the metric, class method and count, under the filters. */
export function breaksQuery(filters, metric, method, k) {
  const q = filterParams(filters);
  q.set('metric', metric);
  q.set('method', method);
  q.set('k', String(k));
  return q;
}
export function fetchBreaks(filters, metric, method, k, signal) {
  return getJSON(API.breaks, breaksQuery(filters, metric, method, k), signal);
}

/** /api/neighborhoods/{id}: the profile under the filters. */
export function fetchProfile(id, filters, signal) {
  return getJSON(API.neighborhood(id), filterParams(filters), signal);
}
