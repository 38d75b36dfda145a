/**
 * Independent naive recomputations for the stdlib tests: plain O(window) loops over the history
 * (or whole-array batch formulas, for the recursive TA-Lib indicators), written without reusing
 * any operator code.
 */

/** The last n values of xs (or null when there are fewer). */
export function last(xs: readonly number[], n: number): number[] | null {
  return xs.length < n ? null : xs.slice(xs.length - n);
}

/** Arithmetic mean by a plain loop. */
export function mean(a: readonly number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** Two-pass central moment sum of power p. */
export function centralSum(a: readonly number[], p: number): number {
  const m = mean(a);
  let s = 0;
  for (const v of a) s += (v - m) ** p;
  return s;
}

/** Two-pass variance with ddof. */
export function variance(a: readonly number[], ddof = 0): number {
  return centralSum(a, 2) / (a.length - ddof);
}

/** Two-pass covariance of equal-length arrays. */
export function covariance(x: readonly number[], y: readonly number[], ddof = 0): number {
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (x.length - ddof);
}

/** Pearson correlation (0 when a side is constant). */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const vx = centralSum(x, 2);
  const vy = centralSum(y, 2);
  if (vx === 0 || vy === 0) return 0;
  return (covariance(x, y) * x.length) / Math.sqrt(vx * vy);
}

/** Quantile by sorting a copy, linear interpolation between order statistics (numpy default). */
export function quantile(a: readonly number[], q: number): number {
  const s = [...a].sort((u, v) => u - v);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Least-squares slope of a against 0..n-1, two-pass. */
export function slope(a: readonly number[]): number {
  const n = a.length;
  const jbar = (n - 1) / 2;
  const m = mean(a);
  let num = 0;
  let den = 0;
  for (let j = 0; j < n; j++) {
    num += (j - jbar) * (a[j] - m);
    den += (j - jbar) * (j - jbar);
  }
  return num / den;
}

/** Weighted mean with weights 1..n (newest heaviest). */
export function wma(a: readonly number[]): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    s += (i + 1) * a[i];
    w += i + 1;
  }
  return s / w;
}

/** Batch EMA over an array as TA-Lib: NaN for the first n - 1, SMA seed, then the recursion. */
export function emaSeries(xs: readonly number[], n: number): number[] {
  const out: number[] = new Array(xs.length).fill(NaN);
  if (xs.length < n) return out;
  let seed = 0;
  for (let i = 0; i < n; i++) seed += xs[i];
  let e = seed / n;
  out[n - 1] = e;
  const k = 2 / (n + 1);
  for (let i = n; i < xs.length; i++) {
    e = k * xs[i] + (1 - k) * e;
    out[i] = e;
  }
  return out;
}

/** Batch WMA series (NaN for the first n - 1). */
export function wmaSeries(xs: readonly number[], n: number): number[] {
  const out: number[] = new Array(xs.length).fill(NaN);
  for (let i = n - 1; i < xs.length; i++) out[i] = wma(xs.slice(i - n + 1, i + 1));
  return out;
}

/** Drops NaN entries of a series (the operators ignore NaN inputs). */
export function defined(xs: readonly number[]): number[] {
  return xs.filter((v) => !Number.isNaN(v));
}

/** Batch Wilder RSI as described by TA-Lib (NaN for the first n). */
export function rsiSeries(xs: readonly number[], n: number): number[] {
  const out: number[] = new Array(xs.length).fill(NaN);
  if (xs.length <= n) return out;
  let g = 0;
  let l = 0;
  for (let i = 1; i <= n; i++) {
    const c = xs[i] - xs[i - 1];
    if (c > 0) g += c;
    else l += -c;
  }
  g /= n;
  l /= n;
  out[n] = g + l === 0 ? 0 : (100 * g) / (g + l);
  for (let i = n + 1; i < xs.length; i++) {
    const c = xs[i] - xs[i - 1];
    g = (g * (n - 1) + Math.max(c, 0)) / n;
    l = (l * (n - 1) + Math.max(-c, 0)) / n;
    out[i] = g + l === 0 ? 0 : (100 * g) / (g + l);
  }
  return out;
}

/** One OHLCV bar. */
export interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** TA-Lib's true range of bar i (i >= 1). */
export function trueRangeAt(bars: readonly Bar[], i: number): number {
  const b = bars[i];
  const pc = bars[i - 1].close;
  return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
}

/** Batch ATR (TA-Lib): NaN for bars 0..n-1, mean of TR 1..n at bar n, then Wilder. */
export function atrSeries(bars: readonly Bar[], n: number): number[] {
  const out: number[] = new Array(bars.length).fill(NaN);
  if (bars.length <= n) return out;
  let a = 0;
  for (let i = 1; i <= n; i++) a += trueRangeAt(bars, i);
  a /= n;
  out[n] = a;
  for (let i = n + 1; i < bars.length; i++) {
    a = (a * (n - 1) + trueRangeAt(bars, i)) / n;
    out[i] = a;
  }
  return out;
}

/** Batch ADX following TA-Lib's published algorithm (first value at bar 2n - 1). */
export function adxSeries(bars: readonly Bar[], n: number): number[] {
  const out: number[] = new Array(bars.length).fill(NaN);
  const dm = (i: number): [number, number] => {
    const up = bars[i].high - bars[i - 1].high;
    const down = bars[i - 1].low - bars[i].low;
    if (down > 0 && up < down) return [0, down];
    if (up > 0 && up > down) return [up, 0];
    return [0, 0];
  };
  let p = 0;
  let m = 0;
  let tr = 0;
  const dxAt: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    const [dp, dmm] = dm(i);
    if (i < n) {
      p += dp;
      m += dmm;
      tr += trueRangeAt(bars, i);
      continue;
    }
    p = p - p / n + dp;
    m = m - m / n + dmm;
    tr = tr - tr / n + trueRangeAt(bars, i);
    let dx = NaN;
    if (tr !== 0) {
      const pdi = (100 * p) / tr;
      const mdi = (100 * m) / tr;
      if (pdi + mdi !== 0) dx = (100 * Math.abs(mdi - pdi)) / (mdi + pdi);
    }
    dxAt[i] = dx;
  }
  let adx = NaN;
  for (let i = n; i < bars.length; i++) {
    if (i < 2 * n - 1) continue;
    if (i === 2 * n - 1) {
      let s = 0;
      for (let j = n; j <= i; j++) if (!Number.isNaN(dxAt[j])) s += dxAt[j];
      adx = s / n;
    } else if (!Number.isNaN(dxAt[i])) {
      adx = (adx * (n - 1) + dxAt[i]) / n;
    }
    out[i] = adx;
  }
  return out;
}
