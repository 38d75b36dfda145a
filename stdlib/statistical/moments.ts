/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's ring may double, counted in `growths`). Rolling sum,
 * variance, stdev, z-score, skewness and kurtosis over count windows (`X`) and duration windows
 * (`XTime`, samples with ts > now - window, ready once the samples span the duration). A NaN input
 * is ignored. Each count class takes an optional trailing WindowSums used by its Time subclass.
 * A public `update` only stores its arguments (the count classes ignore ts; each Time subclass has
 * its own `update` storing ts too) and calls `step()` (stdlib/core/index.ts, "Doubles and V8").
 */
import { WindowSums } from "../core/window-sums.js";
import { DEFAULT_TIME_CAPACITY } from "../core/capacity.js";

function checkDdof(ddof: number): number {
  if (ddof !== 0 && ddof !== 1) throw new RangeError(`ddof must be 0 or 1, got ${ddof}`);
  return ddof;
}

/** Rolling sum of the last `window` updates. */
export class Sum {
  /** The sum; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, sums: WindowSums = WindowSums.ofCount(window, 1)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; a Time subclass overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    this.value = w.shift * w.count + w.s1;
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

/** Rolling sum of the samples with ts > now - windowNs. */
export class SumTime extends Sum {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowSums.ofDuration(windowNs, 1, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling variance sum((x - mean)^2) / (count - ddof). */
export class Variance {
  /** The variance; NaN before ready (or when count <= ddof). */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;
  protected readonly ddof: number;

  constructor(window: number, ddof = 0, sums: WindowSums = WindowSums.ofCount(window, 2)) {
    this.sums = sums;
    this.ddof = checkDdof(ddof);
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; a Time subclass overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    const m2 = w.s2 - (w.s1 * w.s1) / n;
    this.value = n > this.ddof ? (m2 > 0 ? m2 : 0) / (n - this.ddof) : Number.NaN;
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

/** Rolling variance of the samples with ts > now - windowNs. */
export class VarianceTime extends Variance {
  constructor(windowNs: number, ddof = 0, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, ddof, WindowSums.ofDuration(windowNs, 2, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling standard deviation sqrt(variance); population (ddof 0) by default, as TA-Lib STDDEV. */
export class Stdev extends Variance {
  constructor(window: number, ddof = 0, sums: WindowSums = WindowSums.ofCount(window, 2)) {
    super(window, ddof, sums);
  }

  protected override step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    const m2 = w.s2 - (w.s1 * w.s1) / n;
    this.value = n > this.ddof ? Math.sqrt((m2 > 0 ? m2 : 0) / (n - this.ddof)) : Number.NaN;
  }
}

/** Rolling standard deviation of the samples with ts > now - windowNs. */
export class StdevTime extends Stdev {
  constructor(windowNs: number, ddof = 0, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, ddof, WindowSums.ofDuration(windowNs, 2, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Z-score of the newest value against the window's mean and population stdev (0 when stdev is 0). */
export class Zscore {
  /** The z-score; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, sums: WindowSums = WindowSums.ofCount(window, 2)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; a Time subclass overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    const m2 = w.s2 - (w.s1 * w.s1) / n;
    const sd = m2 > 0 ? Math.sqrt(m2 / n) : 0;
    this.value = sd > 0 ? (x - (w.shift + w.s1 / n)) / sd : 0;
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

/** Z-score over the samples with ts > now - windowNs. */
export class ZscoreTime extends Zscore {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowSums.ofDuration(windowNs, 2, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling skewness g1 = m3 / m2^1.5 (population, biased); 0 when m2 is 0. */
export class Skew {
  /** The skewness; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, sums: WindowSums = WindowSums.ofCount(window, 4)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; a Time subclass overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    w.centralSums();
    const m2 = w.m2 / n;
    this.value = m2 > 0 ? w.m3 / n / (m2 * Math.sqrt(m2)) : 0;
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

/** Skewness over the samples with ts > now - windowNs. */
export class SkewTime extends Skew {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowSums.ofDuration(windowNs, 4, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling excess kurtosis g2 = m4 / m2^2 - 3 (population, biased); 0 when m2 is 0. */
export class Kurtosis {
  /** The excess kurtosis; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, sums: WindowSums = WindowSums.ofCount(window, 4)) {
    this.sums = sums;
    this.warmup = sums.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; a Time subclass overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    w.centralSums();
    const m2 = w.m2 / n;
    this.value = m2 > 0 ? w.m4 / n / (m2 * m2) - 3 : 0;
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

/** Excess kurtosis over the samples with ts > now - windowNs. */
export class KurtosisTime extends Kurtosis {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, WindowSums.ofDuration(windowNs, 4, capacity));
  }
  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}
