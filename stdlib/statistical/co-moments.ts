/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's ring may double, counted in `growths`). Rolling covariance,
 * correlation, regression slope, autocorrelation and AR(1) half-life. An update with a NaN input
 * is ignored.
 */
import { WindowCoSums } from "../core/window-co-sums.js";
import { DelayLine } from "../core/delay-line.js";
import { DEFAULT_TIME_CAPACITY, checkCount, powerOfTwoAtLeast } from "../core/capacity.js";

/** Rolling covariance of pairs (x, y): sum((x - mx)(y - my)) / (count - ddof). */
export class Cov {
  /** The covariance; NaN before ready (or when count <= ddof). */
  value = NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowCoSums;
  private readonly ddof: number;

  constructor(window: number, ddof = 0, sums: WindowCoSums = WindowCoSums.ofCount(window)) {
    if (ddof !== 0 && ddof !== 1) throw new RangeError(`ddof must be 0 or 1, got ${ddof}`);
    this.sums = sums;
    this.ddof = ddof;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds the pair (x, y) observed at ts (ns; ignored by count windows). */
  update(x: number, y: number, ts = 0): void {
    if (x !== x || y !== y) return;
    const w = this.sums;
    w.push(x, y, ts);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    this.value = n > this.ddof ? (w.sxy - (w.sx * w.sy) / n) / (n - this.ddof) : NaN;
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.sums.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.value = NaN;
    this.ready = false;
  }
}

/** Rolling covariance over the pairs with ts > now - windowNs. */
export class CovTime extends Cov {
  constructor(windowNs: number, ddof = 0, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, ddof, WindowCoSums.ofDuration(windowNs, capacity));
  }
}

/** Pearson correlation from co-moment sums, clamped to [-1, 1]; 0 when a side is constant. */
function pearson(w: WindowCoSums): number {
  const mxx = w.mxx();
  const myy = w.myy();
  if (mxx === 0 || myy === 0) return 0;
  const r = w.mxy() / Math.sqrt(mxx * myy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Rolling Pearson correlation of pairs (x, y). */
export class Corr {
  /** The correlation; NaN before ready. */
  value = NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowCoSums;

  constructor(window: number, sums: WindowCoSums = WindowCoSums.ofCount(window)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds the pair (x, y) observed at ts (ns; ignored by count windows). */
  update(x: number, y: number, ts = 0): void {
    if (x !== x || y !== y) return;
    const w = this.sums;
    w.push(x, y, ts);
    if (!w.full) return;
    this.ready = true;
    this.value = pearson(w);
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.sums.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.value = NaN;
    this.ready = false;
  }
}

/** Rolling correlation over the pairs with ts > now - windowNs. */
export class CorrTime extends Corr {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowCoSums.ofDuration(windowNs, capacity));
  }
}

/**
 * Rolling least-squares slope of x against the index 0..n-1 (TA-Lib LINEARREG_SLOPE). Keeps
 * S = sum d_j and W = sum j d_j with d = x - K; sums recomputed from the ring every n updates.
 */
export class Slope {
  /** The slope, in x's unit per update; NaN before ready. */
  value = NaN;
  /** True after `window` updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  private readonly xs: Float64Array;
  private readonly mask: number;
  private readonly sumJ: number;
  private readonly denom: number;
  private head = 0;
  private count = 0;
  private shift = 0;
  private s = 0;
  private w = 0;
  private sinceRecompute = 0;

  constructor(window: number) {
    this.n = checkCount("window", window, 2);
    this.warmup = window;
    const cap = powerOfTwoAtLeast(window);
    this.xs = new Float64Array(cap);
    this.mask = cap - 1;
    this.sumJ = (window * (window - 1)) / 2;
    this.denom = (window * window * (window * window - 1)) / 12;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts = 0): void {
    if (x !== x) return;
    const n = this.n;
    if (this.count < n) {
      if (this.count === 0) this.shift = x;
      this.xs[(this.head + this.count) & this.mask] = x;
      const d = x - this.shift;
      this.w += this.count * d;
      this.s += d;
      if (++this.count < n) return;
      this.ready = true;
    } else {
      const old = this.xs[this.head] - this.shift;
      this.xs[(this.head + n) & this.mask] = x;
      this.head = (this.head + 1) & this.mask;
      const d = x - this.shift;
      this.w += (n - 1) * d - (this.s - old);
      this.s += d - old;
      if (++this.sinceRecompute >= n) this.recompute();
    }
    this.value = (n * this.w - this.sumJ * this.s) / this.denom;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = NaN;
    this.ready = false;
    this.head = 0;
    this.count = 0;
    this.shift = 0;
    this.s = 0;
    this.w = 0;
    this.sinceRecompute = 0;
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    const k = (this.shift = this.xs[(this.head + this.n - 1) & this.mask]);
    let s = 0;
    let w = 0;
    for (let j = 0; j < this.n; j++) {
      const d = this.xs[(this.head + j) & this.mask] - k;
      s += d;
      w += j * d;
    }
    this.s = s;
    this.w = w;
  }
}

/** Pearson correlation of the last `window` pairs (x_t, x_{t-lag}). */
export class Autocorr {
  /** The autocorrelation; NaN before ready. */
  value = NaN;
  /** True after window + lag updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly delay: DelayLine;
  private readonly sums: WindowCoSums;

  constructor(window: number, lag = 1) {
    this.delay = new DelayLine(checkCount("lag", lag));
    this.sums = WindowCoSums.ofCount(window);
    this.warmup = window + lag;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts = 0): void {
    if (x !== x) return;
    const d = this.delay;
    d.push(x);
    if (d.pushed <= d.k) return;
    const w = this.sums;
    w.push(x, d.ago(d.k), 0);
    if (!w.full) return;
    this.ready = true;
    this.value = pearson(w);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.delay.reset();
    this.sums.reset();
    this.value = NaN;
    this.ready = false;
  }
}

/** Mean-reversion half-life -ln 2 / ln phi from an AR(1) least-squares fit on the last `window` pairs. */
export class HalfLife {
  /** The half-life in updates (+Infinity when phi >= 1, NaN when phi <= 0); NaN before ready. */
  value = NaN;
  /** True after window + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly sums: WindowCoSums;
  private prev = NaN;

  constructor(window: number) {
    this.sums = WindowCoSums.ofCount(checkCount("window", window, 2));
    this.warmup = window + 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts = 0): void {
    if (x !== x) return;
    const prev = this.prev;
    this.prev = x;
    if (prev !== prev) return;
    const w = this.sums;
    w.push(prev, x, 0);
    if (!w.full) return;
    this.ready = true;
    const mxx = w.mxx();
    const phi = mxx > 0 ? w.mxy() / mxx : NaN;
    this.value = phi >= 1 ? Infinity : phi > 0 ? -Math.LN2 / Math.log(phi) : NaN;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.prev = NaN;
    this.value = NaN;
    this.ready = false;
  }
}
