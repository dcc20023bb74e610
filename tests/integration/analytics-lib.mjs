// Independent reference computations for the coverage tests: each formula of
// docs/metrics.md written again here, in plain JavaScript, from its
// published definition, so the tests compare parity's SQL with a second
// implementation instead of with parity's earlier output.

/** Mean. */
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Population standard deviation (divides by n). */
export const sdPop = (xs) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
};

/** z-scores with the population SD; all 0 when the values do not vary. */
export const zScores = (xs) => {
  const m = mean(xs);
  const s = sdPop(xs);
  return xs.map((x) => (s > 0 ? (x - m) / s : 0));
};

/** The q-quantile by linear interpolation between order statistics (R type 7). */
export function quantile7(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 >= s.length ? s[s.length - 1] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/**
 * Global empirical Bayes rates (Marshall 1991): counts x, populations n
 * (all > 0). Returns the smoothed rates per person.
 */
export function empiricalBayes(x, n) {
  const X = x.reduce((a, b) => a + b, 0);
  const N = n.reduce((a, b) => a + b, 0);
  const b = X / N;
  const nbar = N / n.length;
  const r = x.map((xi, i) => xi / n[i]);
  const s2 = r.reduce((acc, ri, i) => acc + n[i] * (ri - b) ** 2, 0) / N;
  const a = Math.max(s2 - b / nbar, 0);
  return r.map((ri, i) => (a + b / n[i] > 0 ? b + (a / (a + b / n[i])) * (ri - b) : b));
}

/** Zone weight: the first zone whose upper bound (inclusive) holds d. */
export const zoneWeight = (d, zones) => {
  for (const [upper, w] of zones) if (d <= upper) return w;
  return 0;
};

/**
 * E2SFCA (Luo & Qi 2009). pairs: [{demand, population, supply, size,
 * distance}]. Returns a Map demand -> access per person.
 */
export function e2sfca(pairs, zones) {
  const denominators = new Map();
  const sizes = new Map();
  for (const p of pairs) {
    const w = zoneWeight(p.distance, zones);
    if (w <= 0) continue;
    denominators.set(p.supply, (denominators.get(p.supply) ?? 0) + p.population * w);
    sizes.set(p.supply, p.size);
  }
  const access = new Map();
  for (const p of pairs) {
    const w = zoneWeight(p.distance, zones);
    const d = denominators.get(p.supply);
    if (w <= 0 || !(d > 0)) continue;
    access.set(p.demand, (access.get(p.demand) ?? 0) + (sizes.get(p.supply) / d) * w);
  }
  return access;
}

/**
 * Getis-Ord Gi* z-scores with binary weights, self included. values: Map
 * id -> number; neighbors: Map id -> Set of ids (symmetric).
 */
export function giStar(values, neighbors) {
  const ids = [...values.keys()];
  const xs = ids.map((id) => values.get(id));
  const n = xs.length;
  const xbar = mean(xs);
  const S = Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / n - xbar * xbar);
  const z = new Map();
  for (const i of ids) {
    const js = new Set([i, ...[...(neighbors.get(i) ?? [])].filter((j) => values.has(j))]);
    const W = js.size;
    const sum = [...js].reduce((a, j) => a + values.get(j), 0);
    z.set(i, (sum - xbar * W) / (S * Math.sqrt((n * W - W * W) / (n - 1))));
  }
  return z;
}

/**
 * Fisher's exact optimal partition into k classes (least sum of squared
 * deviations), by dynamic programming over the sorted distinct values.
 * Returns the upper bound of each class.
 */
export function fisherJenks(xs, k) {
  const sorted = [...xs].sort((a, b) => a - b);
  const v = [];
  const w = [];
  for (const x of sorted) {
    if (v.length && v[v.length - 1] === x) w[w.length - 1]++;
    else {
      v.push(x);
      w.push(1);
    }
  }
  const m = v.length;
  const ssd = (a, b) => {
    let W = 0;
    let S = 0;
    for (let i = a; i <= b; i++) {
      W += w[i];
      S += w[i] * v[i];
    }
    const mu = S / W;
    let t = 0;
    for (let i = a; i <= b; i++) t += w[i] * (v[i] - mu) ** 2;
    return t;
  };
  const cost = Array.from({ length: k }, () => new Array(m).fill(Infinity));
  const from = Array.from({ length: k }, () => new Array(m).fill(0));
  for (let j = 0; j < m; j++) cost[0][j] = ssd(0, j);
  for (let c = 1; c < k; c++)
    for (let j = c; j < m; j++)
      for (let i = c; i <= j; i++) {
        const t = cost[c - 1][i - 1] + ssd(i, j);
        if (t < cost[c][j]) {
          cost[c][j] = t;
          from[c][j] = i;
        }
      }
  const breaks = new Array(k);
  let end = m - 1;
  for (let c = k - 1; c >= 0; c--) {
    breaks[c] = v[end];
    if (c > 0) end = from[c][end] - 1;
  }
  return breaks;
}

/** Standard normal-free helpers for significance bins. */
export const giBin = (z) => Math.sign(z) * (Math.abs(z) > 2.576 ? 3 : Math.abs(z) > 1.96 ? 2 : Math.abs(z) > 1.645 ? 1 : 0);
