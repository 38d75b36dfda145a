/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's ring may double, counted in `growths`). Rolling covariance,
 * correlation, regression slope, autocorrelation and AR(1) half-life. An update with a NaN input
 * is ignored. A public `update` only stores its arguments (count classes ignore ts) and calls
 * `step()`; the pair goes to WindowCoSums through its fields (stdlib/core/index.ts, "Doubles and V8").
 */
import { WindowCoSums } from "../core/window-co-sums.js";
import { DelayLine } from "../core/delay-line.js";
import { DEFAULT_TIME_CAPACITY, checkCount, powerOfTwoAtLeast } from "../core/capacity.js";

/** Rolling covariance of pairs (x, y): sum((x - mx)(y - my)) / (count - ddof). */
export class Cov {
  /** The covariance; NaN before ready (or when count <= ddof). */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowCoSums;
  private readonly ddof: number;
  protected inX = Number.NaN;
  protected inY = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, ddof = 0, sums: WindowCoSums = WindowCoSums.ofCount(window)) {
    if (ddof !== 0 && ddof !== 1) throw new RangeError(`ddof must be 0 or 1, got ${ddof}`);
    this.sums = sums;
    this.ddof = ddof;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds the pair (x, y) (ts is ignored by a count window; CovTime overrides this to keep it). */
  update(x: number, y: number, _ts?: number): void {
    this.inX = x;
    this.inY = y;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    const y = this.inY;
    if (x !== x || y !== y) return;
    const w = this.sums;
    w.inX = x;
    w.inY = y;
    w.inTs = this.inTs;
    w.push();
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    this.value = n > this.ddof ? w.cxy / (n - this.ddof) : Number.NaN;
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.sums.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Rolling covariance over the pairs with ts > now - windowNs. */
export class CovTime extends Cov {
  constructor(windowNs: number, ddof = 0, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, ddof, WindowCoSums.ofDuration(windowNs, capacity));
  }

  /** Adds the pair (x, y) observed at ts (ns since the time base). */
  override update(x: number, y: number, ts: number): void {
    this.inX = x;
    this.inY = y;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling Pearson correlation of pairs (x, y). */
export class Corr {
  /** The correlation; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowCoSums;
  protected inX = Number.NaN;
  protected inY = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, sums: WindowCoSums = WindowCoSums.ofCount(window)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds the pair (x, y) (ts is ignored by a count window; CorrTime overrides this to keep it). */
  update(x: number, y: number, _ts?: number): void {
    this.inX = x;
    this.inY = y;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    const y = this.inY;
    if (x !== x || y !== y) return;
    const w = this.sums;
    w.inX = x;
    w.inY = y;
    w.inTs = this.inTs;
    w.push();
    if (!w.full) return;
    this.ready = true;
    // Pearson correlation, clamped to [-1, 1]; 0 when a side is constant.
    const r = w.cxx === 0 || w.cyy === 0 ? 0 : w.cxy / Math.sqrt(w.cxx * w.cyy);
    this.value = r > 1 ? 1 : r < -1 ? -1 : r;
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.sums.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Rolling correlation over the pairs with ts > now - windowNs. */
export class CorrTime extends Corr {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowCoSums.ofDuration(windowNs, capacity));
  }

  /** Adds the pair (x, y) observed at ts (ns since the time base). */
  override update(x: number, y: number, ts: number): void {
    this.inX = x;
    this.inY = y;
    this.inTs = ts;
    this.step();
  }
}

/**
 * Rolling least-squares slope of x against the index 0..n-1 (TA-Lib LINEARREG_SLOPE). Keeps
 * S = sum d_j and W = sum j d_j with d = x - K; sums recomputed from the ring every n updates.
 */
export class Slope {
  /** The slope, in x's unit per update; NaN before ready. */
  value = Number.NaN;
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
  private inX = Number.NaN;

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
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
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
    this.value = Number.NaN;
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
  value = Number.NaN;
  /** True after window + lag updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly delay: DelayLine;
  private readonly sums: WindowCoSums;
  private inX = Number.NaN;

  constructor(window: number, lag = 1) {
    this.delay = new DelayLine(checkCount("lag", lag));
    this.sums = WindowCoSums.ofCount(window);
    this.warmup = window + lag;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const d = this.delay;
    d.push(x);
    if (d.pushed <= d.k) return;
    const w = this.sums;
    w.inX = x;
    w.inY = d.delayed;
    w.inTs = 0;
    w.push();
    if (!w.full) return;
    this.ready = true;
    const r = w.cxx === 0 || w.cyy === 0 ? 0 : w.cxy / Math.sqrt(w.cxx * w.cyy);
    this.value = r > 1 ? 1 : r < -1 ? -1 : r;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.delay.reset();
    this.sums.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Mean-reversion half-life -ln 2 / ln phi from an AR(1) least-squares fit on the last `window` pairs. */
export class HalfLife {
  /** The half-life in updates (+Infinity when phi >= 1, NaN when phi <= 0); NaN before ready. */
  value = Number.NaN;
  /** True after window + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly sums: WindowCoSums;
  private prev = Number.NaN;
  private inX = Number.NaN;

  constructor(window: number) {
    this.sums = WindowCoSums.ofCount(checkCount("window", window, 2));
    this.warmup = window + 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const prev = this.prev;
    this.prev = x;
    if (prev !== prev) return;
    const w = this.sums;
    w.inX = prev;
    w.inY = x;
    w.inTs = 0;
    w.push();
    if (!w.full) return;
    this.ready = true;
    const mxx = w.cxx;
    const phi = mxx > 0 ? w.cxy / mxx : Number.NaN;
    this.value = phi >= 1 ? Number.POSITIVE_INFINITY : phi > 0 ? -Math.LN2 / Math.log(phi) : Number.NaN;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.prev = Number.NaN;
    this.value = Number.NaN;
    this.ready = false;
  }
}
